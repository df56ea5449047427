import type { VerificationService } from "../../services/verifications.ts";
import { route, type AnyRoute } from "../route.ts";
import {
  scheduleVerificationParams,
  verificationListResponse,
  verificationReportRequest,
  verificationReportResponse,
} from "../verification-schemas.ts";

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
    }).handle(async ({ params }) => ({
      body: await verifications.forSchedule(params.address, params.scheduleId),
    })),
    route({
      method: "post",
      path: "/v1/pools/:address/schedules/:scheduleId/verifications",
      operationId: "reportScheduleVerification",
      summary: "A watchtower reports its decision about a schedule's bundle, signed with its key",
      description:
        "`wellspring watch --report <server-url>` sends one per decision. The body is signed with EIP-191 over the " +
        "canonical report text (docs/verification.md) and recorded under `watcher`, the address the signature must " +
        "recover to. 400 for a malformed body or a bundleHash that is not the schedule's, 401 for a signature that " +
        "does not verify or a verifiedAt too far from now, 404 for an unknown pool or schedule. The same report " +
        "twice is recorded once (200, created false).",
      tags: ["pools"],
      params: scheduleVerificationParams,
      body: verificationReportRequest,
      responses: {
        201: { description: "Recorded", schema: verificationReportResponse },
        200: { description: "Recorded already", schema: verificationReportResponse },
        401: { description: "The signature does not verify, or verifiedAt is too old or too far ahead" },
        404: { description: "Unknown pool or schedule" },
      },
    }).handle(async ({ params, body }) => {
      const result = await verifications.report(params.address, params.scheduleId, body);
      return { status: result.created ? 201 : 200, body: result };
    }),
  ];
}
