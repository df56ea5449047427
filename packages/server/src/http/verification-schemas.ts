import { z } from "zod/v4";
import {
  address,
  hash32,
  isoDate,
  requestSchemas,
  responseSchemas,
  positiveId,
  uintString,
} from "./schemas.ts";

export const scheduleVerificationParams = z.object({
  address,
  scheduleId: positiveId(78, "must be a schedule id (1, 2, …)").meta({
    description: "The schedule's on-chain id",
  }),
});

export const verificationResponse = z
  .object({
    scheduleId: uintString,
    uri: z.string().meta({ description: "The uri the schedule recorded, where the bundle was fetched" }),
    bundleHash: z
      .string()
      .meta({ description: "keccak256(tableHash ‖ policyHash ‖ inputsHash) of the schedule" }),
    status: z.enum(["verified", "invalid", "unreachable"]).meta({
      description:
        "verified: the bundle matches the on-chain commitment and its table recomputes byte for byte; " +
        "invalid: something differs (or the bundle is malformed or too big); unreachable: it could not be fetched",
    }),
    differences: z
      .array(z.string())
      .meta({ description: "What differs, one short line each (empty when verified)" }),
    verifierKind: z.enum(["server", "watchtower"]).meta({
      description: "server: this server's own check (VERIFY_SCHEDULES); watchtower: a signed report",
    }),
    verifier: z
      .string()
      .meta({ description: "Who verified: the server's VERIFIER_NAME, or the address that signed" }),
    verifiedAt: isoDate,
  })
  .register(responseSchemas, { id: "ScheduleVerification" });

export const verificationListResponse = z
  .object({ verifications: z.array(verificationResponse) })
  .register(responseSchemas, { id: "ScheduleVerificationList" });

export const verificationReportRequest = z
  .object({
    watcher: address.meta({ description: "The watchtower's address; the signature must recover to it" }),
    bundleHash: hash32.meta({
      description: "The bundle checked: the schedule's keccak256(tableHash ‖ policyHash ‖ inputsHash)",
    }),
    status: z.enum(["verified", "invalid", "unreachable"]),
    verifiedAt: z
      .string()
      .regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/, "must be UTC to the second, e.g. 2026-12-06T08:20:31Z")
      .meta({ description: "When it decided; within ADMIN_AUTH_MAX_AGE_SECONDS of the server's clock" }),
    signature: z
      .string()
      .regex(/^0x[0-9a-fA-F]{130}$/, "must be a 65-byte 0x-hex signature")
      .transform((value) => value as `0x${string}`)
      .meta({ description: "EIP-191 personal_sign of the canonical report text (docs/verification.md)" }),
  })
  .register(requestSchemas, { id: "VerificationReport" });

export const verificationReportResponse = z
  .object({
    created: z.boolean().meta({ description: "false: the same report was recorded already" }),
    verification: verificationResponse,
  })
  .register(responseSchemas, { id: "VerificationReportResult" });
