import { getAddress, isAddress } from "viem";
import type { RunService } from "../../services/runs.ts";
import { route, type AnyRoute } from "../route.ts";
import {
  createdRunResponse,
  createRunRequest,
  recipientsQuery,
  recipientsResponse,
  runDiffQuery,
  runDiffResponse,
  runListResponse,
  runParams,
  runResponse,
  runsQuery,
} from "../schemas.ts";

export function runRoutes(runs: RunService): AnyRoute[] {
  return [
    route({
      method: "post",
      path: "/v1/runs",
      operationId: "createRun",
      summary: "Upload inputs and compute a share table with a stored policy version",
      description:
        "Runs the attribution engine on the uploaded files (base64) with the policy version, and stores the run, its inputs " +
        "and every recipient in one transaction. 400 when the engine rejects an input (issues name the file).",
      tags: ["runs"],
      auth: "PROPOSER",
      // A table meant for a pool needs that pool's proposer; one for no pool, any registered pool's.
      authScope: async (req) => {
        const pool = (req.body as { pool?: unknown } | undefined)?.pool;
        return typeof pool === "string" && isAddress(pool, { strict: false })
          ? { pool: getAddress(pool) }
          : undefined;
      },
      body: createRunRequest,
      responses: {
        201: { description: "The computed run with the engine's report", schema: createdRunResponse },
      },
    }).handle(async ({ body, admin }) => {
      const run = await runs.create({
        policy: body.policy,
        ...(body.pool === undefined ? {} : { pool: body.pool }),
        inputs: body.inputs,
        createdBy: admin!.address,
      });
      // The report is a plain JSON object (an interface, so spread for the schema's record type).
      return {
        status: 201,
        body: { ...run, report: { ...run.report } },
        headers: { Location: `/v1/runs/${run.id}` },
      };
    }),
    route({
      method: "get",
      path: "/v1/runs",
      operationId: "listRuns",
      summary:
        "Runs, newest first, optionally of one pool and one policy, with the schedules that published them",
      tags: ["runs"],
      query: runsQuery,
      responses: {
        200: { description: "One page of runs", schema: runListResponse },
        404: { description: "No such pool registered, or no such policy" },
      },
    }).handle(async ({ query }) => ({
      body: await runs.list({
        limit: query.limit,
        ...(query.pool === undefined ? {} : { pool: getAddress(query.pool) }),
        ...(query.policy === undefined ? {} : { policy: query.policy }),
        ...(query.cursor === undefined ? {} : { cursor: BigInt(query.cursor) }),
      }),
    })),
    route({
      method: "get",
      path: "/v1/runs/:id",
      operationId: "getRun",
      summary: "A run: policy, hashes, Merkle root, recipient count",
      tags: ["runs"],
      params: runParams,
      responses: { 200: { description: "The run", schema: runResponse } },
    }).handle(async ({ params }) => ({ body: await runs.get(params.id) })),
    route({
      method: "get",
      path: "/v1/runs/:id/recipients",
      operationId: "listRunRecipients",
      summary: "The run's share table, sorted by accountId, page by page",
      tags: ["runs"],
      params: runParams,
      query: recipientsQuery,
      responses: { 200: { description: "One page of recipients", schema: recipientsResponse } },
    }).handle(async ({ params, query }) => ({
      body: await runs.recipients(params.id, {
        limit: query.limit,
        ...(query.after ? { after: query.after } : {}),
      }),
    })),
    route({
      method: "get",
      path: "/v1/runs/:id/diff",
      operationId: "diffRun",
      summary: "What-if: share changes against the active schedule's run (or another run)",
      tags: ["runs"],
      params: runParams,
      query: runDiffQuery,
      responses: {
        200: {
          description: "Summary counts and the changed accounts, page by page",
          schema: runDiffResponse,
        },
        409: {
          description:
            "No run to compare with (no pool, no active schedule, or its table was not computed here)",
        },
      },
    }).handle(async ({ params, query }) => ({
      body: await runs.diff(params.id, {
        limit: query.limit,
        ...(query.against === undefined ? {} : { against: query.against }),
        ...(query.after ? { after: query.after } : {}),
      }),
    })),
  ];
}
