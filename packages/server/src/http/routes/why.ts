import { z } from "zod/v4";
import type { WhyService } from "../../services/why.ts";
import { route, type AnyRoute } from "../route.ts";
import { responseSchemas, runParams, uintString } from "../schemas.ts";

const whyParams = runParams.extend({
  account: z
    .string()
    .min(1)
    .max(600)
    .meta({ description: "An address, a 32-byte accountId or an identity such as github:alice" }),
});

const source = z.object({
  component: z.string(),
  as: z.string().meta({ description: "contributor, or held:/returned: with the gating reasons" }),
  declaredIn: z.number().meta({ description: "Index of the input file that declared the component" }),
  keep: z.number().meta({ description: "Share of the value reaching the component that it keeps" }),
  path: z.array(z.string()).meta({ description: "Product → component along the main edges (… elides)" }),
  value: z.number().meta({ description: "Fraction of the whole table this source gives the account" }),
});

export const whyResponse = z
  .object({
    run: uintString,
    accountId: z.string(),
    identity: z.string(),
    shares: uintString,
    totalShares: uintString,
    value: z.number().meta({ description: "The account's fraction before rounding to shares" }),
    sourceCount: z.number(),
    capsAdjustment: z
      .number()
      .meta({ description: "What the policy's cap or floor added (negative: removed)" }),
    sources: z.array(source).meta({ description: "The largest sources of the value, largest first" }),
    gating: z
      .array(
        z.object({
          component: z.string(),
          excluded: z.boolean(),
          reasons: z.array(z.string()),
          destination: z.string().nullable(),
        }),
      )
      .meta({ description: "Gating decisions on the components of these paths" }),
    caps: z.object({
      capped: z.number(),
      floored: z.number(),
      movedByCap: z.number(),
      movedByFloor: z.number(),
      capInfeasible: z.boolean(),
      floorInfeasible: z.boolean(),
    }),
    worth: z
      .object({
        pool: z.string(),
        scheduleIds: z.array(uintString),
        claimable: z.array(
          z.object({
            scheduleId: uintString,
            status: z.string(),
            claimable: z.array(z.object({ token: z.string(), amount: uintString })),
          }),
        ),
      })
      .nullable()
      .meta({ description: "The share at the pool's current pot (null for a run of no pool)" }),
  })
  .register(responseSchemas, { id: "RecipientWhy" });

export function whyRoutes(why: WhyService): AnyRoute[] {
  return [
    route({
      method: "get",
      path: "/v1/runs/:id/recipients/:account/why",
      operationId: "getRecipientWhy",
      summary: "Why an account holds its share: dependency paths, gating, caps, and its worth now",
      description:
        "The engine's explanation of this recipient, recomputed from the run's stored inputs and policy (and checked " +
        "against the stored Merkle root), with the gating decisions on its paths, the policy's caps, and what the " +
        "account can claim now from the schedules published with this run.",
      tags: ["runs"],
      params: whyParams,
      responses: {
        200: { description: "The explanation", schema: whyResponse },
        400: { description: "Not an address, accountId or identity" },
        404: { description: "No such run, or the account holds no share in it" },
        409: { description: "The run is not complete, or another engine version computed it" },
      },
    }).handle(async ({ params }) => ({ body: await why.why(params.id, params.account) })),
  ];
}
