import { z } from "zod/v4";
import type { RecipientRankService } from "../../services/recipient-ranks.ts";
import { route, type AnyRoute } from "../route.ts";
import { hexOut, responseSchemas, runParams, uintString } from "../schemas.ts";

const topQuery = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(10)
    .meta({ description: "How many of the largest recipients (1-1000)" }),
  identityPrefix: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .meta({ description: "Only recipients whose identity starts with this, e.g. component: (held value)" }),
});

const ranked = z.object({ accountId: hexOut, identity: z.string().nullable(), shares: uintString });
const part = z.object({ count: z.number().int().min(0), shares: uintString });

export const topRecipientsResponse = z
  .object({
    run: uintString,
    totalShares: uintString,
    recipientCount: z.number().int(),
    identityPrefix: z.string().nullable(),
    matched: part.meta({
      description: "The recipients considered: the whole table, or those with the prefix",
    }),
    top: z.array(ranked).meta({ description: "The largest of them: shares descending, then accountId" }),
    others: part.meta({ description: "Everyone else among them, together: matched less top, exactly" }),
  })
  .register(responseSchemas, { id: "TopRecipients" });

export const recipientRankResponse = z
  .object({
    run: uintString,
    accountId: hexOut,
    identity: z.string().nullable(),
    shares: uintString,
    rank: z.number().int().min(1).meta({ description: "1 = the largest share; ties by accountId" }),
    totalShares: uintString,
    recipientCount: z.number().int(),
  })
  .register(responseSchemas, { id: "RecipientRank" });

const accountParams = runParams.extend({
  account: z
    .string()
    .min(1)
    .max(600)
    .meta({ description: "An address, a 32-byte accountId or an identity such as github:alice" }),
});

export function recipientRankRoutes(ranks: RecipientRankService): AnyRoute[] {
  return [
    route({
      method: "get",
      path: "/v1/runs/:id/top",
      operationId: "getTopRecipients",
      summary: "The largest recipients of a run and everyone else together, without reading the whole table",
      description:
        "Read from an index (shares descending, then accountId), so a table of 10^6 recipients answers as fast as " +
        "one of ten. `others` is exact: the table's total less the listed shares. With `identityPrefix`, the same " +
        "among the recipients whose identity starts with it (one scan to count them).",
      tags: ["runs"],
      params: runParams,
      query: topQuery,
      responses: {
        200: { description: "The largest recipients and the rest", schema: topRecipientsResponse },
        404: { description: "No such run" },
        409: { description: "The run is not complete" },
      },
    }).handle(async ({ params, query }) => ({
      body: await ranks.top(params.id, {
        limit: query.limit,
        ...(query.identityPrefix === undefined ? {} : { identityPrefix: query.identityPrefix }),
      }),
    })),
    route({
      method: "get",
      path: "/v1/runs/:id/recipients/:account",
      operationId: "getRecipientRank",
      summary: "One account's share of a run and its rank by size",
      tags: ["runs"],
      params: accountParams,
      responses: {
        200: { description: "The account's share and rank", schema: recipientRankResponse },
        400: { description: "Not an address, accountId or identity" },
        404: { description: "No such run, or the account holds no share in it" },
        409: { description: "The run is not complete" },
      },
    }).handle(async ({ params }) => ({ body: await ranks.account(params.id, params.account) })),
  ];
}
