import { depositsToCsv, type PoolService } from "../../services/pools.ts";
import type { TokenService } from "../../services/tokens.ts";
import { route, type AnyRoute } from "../route.ts";
import {
  balancesResponse,
  depositsQuery,
  depositsResponse,
  poolDetailResponse,
  poolListResponse,
  poolParams,
  poolResponse,
  poolsQuery,
  registerPoolRequest,
  scheduleListResponse,
  schedulesQuery,
} from "../schemas.ts";

export function poolRoutes(pools: PoolService, tokens: TokenService): AnyRoute[] {
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
    }).handle(async ({ body, admin }) => {
      const pool = await pools.register({
        address: body.address,
        name: body.name,
        deployedBlock: body.deployedBlock,
        registeredBy: admin!.address,
      });
      return { status: 201, body: pool, headers: { Location: `/v1/pools/${pool.address}` } };
    }),
    route({
      method: "get",
      path: "/v1/pools",
      operationId: "listPools",
      summary: "Registered pools on this server's chain",
      tags: ["pools"],
      query: poolsQuery,
      responses: { 200: { description: "One page of pools", schema: poolListResponse } },
    }).handle(async ({ query }) => ({
      body: await pools.list({
        limit: query.limit,
        ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
      }),
    })),
    route({
      method: "get",
      path: "/v1/pools/:address",
      operationId: "getPool",
      summary: "A pool with its balances per token and schedule counts",
      tags: ["pools"],
      params: poolParams,
      responses: { 200: { description: "The pool", schema: poolDetailResponse } },
    }).handle(async ({ params }) => ({ body: await pools.get(params.address) })),
    route({
      method: "get",
      path: "/v1/pools/:address/schedules",
      operationId: "listSchedules",
      summary: "Schedules of a pool (pending, active, superseded, revoked), with swept tokens",
      tags: ["pools"],
      params: poolParams,
      query: schedulesQuery,
      responses: { 200: { description: "Schedules in id order", schema: scheduleListResponse } },
    }).handle(async ({ params, query }) => ({ body: await pools.schedules(params.address, query.status) })),
    route({
      method: "get",
      path: "/v1/pools/:address/balances",
      operationId: "getPoolBalances",
      summary: "Per token: deposited, claimed and still held (from indexed events)",
      tags: ["pools"],
      params: poolParams,
      responses: { 200: { description: "Balances per token", schema: balancesResponse } },
    }).handle(async ({ params }) => ({ body: await pools.balances(params.address) })),
    route({
      method: "get",
      path: "/v1/pools/:address/deposits",
      operationId: "listDeposits",
      summary: "Deposit receipts in chain order (JSON, or CSV with format=csv)",
      description:
        "Each deposit with its transaction, block time, the schedule whose pot it credited, payer, amount and memo. " +
        "Filter by payer and token; page with cursor. With format=csv the page is returned as text/csv (same columns).",
      tags: ["pools"],
      params: poolParams,
      query: depositsQuery,
      responses: { 200: { description: "One page of deposits", schema: depositsResponse, csv: true } },
    }).handle(async ({ params, query }) => {
      const page = await pools.deposits(params.address, {
        limit: query.limit,
        ...(query.cursor ? { cursor: query.cursor } : {}),
        ...(query.payer ? { payer: query.payer } : {}),
        ...(query.token ? { token: query.token } : {}),
      });
      if (query.format === "csv") {
        return {
          body: depositsToCsv(page.deposits, await tokens.many(page.deposits.map((d) => d.token))),
          headers: {
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": `attachment; filename="deposits-${params.address}.csv"`,
            ...(page.nextCursor ? { "X-Next-Cursor": page.nextCursor } : {}),
          },
        };
      }
      return { body: page };
    }),
  ];
}
