import type { VerificationService } from "../../services/verifications.ts";
import { route, type AnyRoute } from "../route.ts";
import { scheduleVerificationParams, verificationListResponse } from "../verification-schemas.ts";

export function verificationRoutes(verifications: VerificationService): AnyRoute[] {
  return [
    route({
      method: "get",
      path: "/v1/pools/:address/schedules/:scheduleId/verifications",
      operationId: "listScheduleVerifications",
      summary: "Who checked a schedule's evidence bundle, when, and what they found",
      description:
        "Newest first. With VERIFY_SCHEDULES the server fetches each indexed schedule's bundle from its uri, checks " +
        "it against the on-chain commitment and recomputes the table (docs/verification.md); an unreachable bundle " +
        "is retried until activation, each try a record. An empty list: not checked (yet). 404 for an unknown pool.",
      tags: ["pools"],
      params: scheduleVerificationParams,
      responses: {
        200: { description: "The schedule's verifications", schema: verificationListResponse },
        404: { description: "Unknown pool" },
      },
      handle: async ({ params }) => ({
        body: await verifications.forSchedule(params.address, params.scheduleId),
      }),
    }),
  ];
}
