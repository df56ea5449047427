import type { PoolService } from "../../services/pools.ts";
import { route, type AnyRoute } from "../route.ts";
import {
  balancesResponse,
  poolDetailResponse,
  poolListResponse,
  poolParams,
  poolResponse,
  poolsQuery,
  registerPoolRequest,
  scheduleListResponse,
  schedulesQuery,
} from "../schemas.ts";

export function poolRoutes(pools: PoolService): AnyRoute[] {
  return [
    route({
      method: "post",
      path: "/v1/pools",
      operationId: "registerPool",
      summary: "Register a deployed pool so the server indexes and serves it",
      tags: ["pools"],
      auth: "ADMIN",
      body: registerPoolRequest,
      responses: {
        201: { description: "The registered pool", schema: poolResponse },
        409: { description: "Already registered" },
      },
      handle: async ({ body, admin }) => {
        const pool = await pools.register({
          address: body.address,
          name: body.name,
          deployedBlock: body.deployedBlock,
          registeredBy: admin!.address,
        });
        return { status: 201, body: pool, headers: { Location: `/v1/pools/${pool.address}` } };
      },
    }),
    route({
      method: "get",
      path: "/v1/pools",
      operationId: "listPools",
      summary: "Registered pools on this server's chain",
      tags: ["pools"],
      query: poolsQuery,
      responses: { 200: { description: "One page of pools", schema: poolListResponse } },
      handle: async ({ query }) => ({
        body: await pools.list({
          limit: query.limit,
          ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
        }),
      }),
    }),
    route({
      method: "get",
      path: "/v1/pools/:address",
      operationId: "getPool",
      summary: "A pool with its balances per token and schedule counts",
      tags: ["pools"],
      params: poolParams,
      responses: { 200: { description: "The pool", schema: poolDetailResponse } },
      handle: async ({ params }) => ({ body: await pools.get(params.address) }),
    }),
    route({
      method: "get",
      path: "/v1/pools/:address/schedules",
      operationId: "listSchedules",
      summary: "Schedules of a pool (pending, active, superseded, revoked), with swept tokens",
      tags: ["pools"],
      params: poolParams,
      query: schedulesQuery,
      responses: { 200: { description: "Schedules in id order", schema: scheduleListResponse } },
      handle: async ({ params, query }) => ({ body: await pools.schedules(params.address, query.status) }),
    }),
    route({
      method: "get",
      path: "/v1/pools/:address/balances",
      operationId: "getPoolBalances",
      summary: "Per token: deposited, claimed and still held (from indexed events)",
      tags: ["pools"],
      params: poolParams,
      responses: { 200: { description: "Balances per token", schema: balancesResponse } },
      handle: async ({ params }) => ({ body: await pools.balances(params.address) }),
    }),
  ];
}
