import { z } from "zod/v4";
import type { PublishService } from "../../services/publisher.ts";
import { bundlePath } from "../../services/bundles.ts";
import { ServerError } from "../../errors.ts";
import { route, type AnyRoute } from "../route.ts";
import { requestSchemas, responseSchemas, runParams, uintString } from "../schemas.ts";

export const publishRunRequest = z
  .strictObject({
    uri: z
      .string()
      .min(1)
      .max(2000)
      .optional()
      .meta({
        description:
          "Where the evidence bundle can be fetched (recorded on-chain). Default: this server's bundle URL, " +
          "<PUBLIC_BASE_URL>/v1/runs/{id}/bundle; required when PUBLIC_BASE_URL is not set.",
        example: "ipfs://…",
      }),
  })
  .register(requestSchemas, { id: "PublishRunRequest" });

export const publishRunResponse = z
  .object({
    runId: uintString,
    pool: z.string(),
    scheduleId: uintString,
    root: z.string(),
    uri: z.string(),
    txHash: z.string(),
    blockNumber: uintString,
    activatesAt: z.string().meta({ format: "date-time" }),
    sender: z.string().meta({ description: "The server's proposer address that sent the transaction" }),
  })
  .register(responseSchemas, { id: "Publication" });

/**
 * `runPool` names the pool of a run, so only a PROPOSER of that pool may publish it (chain roles
 * are per pool; see auth/chain-roles.ts).
 */
export function publishRoutes(
  publisher: PublishService,
  runPool?: (runId: string) => Promise<`0x${string}` | undefined>,
  publicBaseUrl?: string,
): AnyRoute[] {
  return [
    route({
      method: "post",
      path: "/v1/runs/:id/publish",
      operationId: "publishRun",
      summary: "Propose a completed run's root on-chain with the server's proposer key",
      description:
        "Sends proposeSchedule(root, totalShares, tableHash, policyHash, inputsHash, uri) to the run's pool and links " +
        "the new schedule to the run. The schedule is pending until the pool's activation delay passes unless a " +
        "guardian revokes it (see the pool's schedules). 409 when a schedule is already pending or the run lacks " +
        "its pool, policy or inputs hash; 400 without a uri when PUBLIC_BASE_URL is not set; 503 without PUBLISHER_PRIVATE_KEY or chain.",
      tags: ["runs"],
      auth: "PROPOSER",
      ...(runPool
        ? { authScope: async (req) => ({ pool: await runPool(String(req.params.id ?? "")) }) }
        : {}),
      params: runParams,
      body: publishRunRequest,
      responses: {
        201: { description: "The proposal and its schedule id", schema: publishRunResponse },
        400: { description: "No uri, and no PUBLIC_BASE_URL to make one from" },
        404: { description: "Unknown run" },
        409: { description: "A schedule is pending, or the run cannot be published" },
        503: { description: "No proposer key or chain" },
      },
    }).handle(async ({ params, body, admin }) => {
      const uri = body.uri ?? (publicBaseUrl ? `${publicBaseUrl}${bundlePath(params.id)}` : undefined);
      if (uri === undefined)
        throw new ServerError("VALIDATION", "uri is required: this server has no PUBLIC_BASE_URL", {
          issues: [{ path: "body.uri", message: "required when PUBLIC_BASE_URL is not set" }],
        });
      const published = await publisher.publish(params.id, uri, admin!.address);
      return {
        status: 201,
        body: published,
        headers: { Location: `/v1/pools/${published.pool}/schedules` },
      };
    }),
  ];
}
