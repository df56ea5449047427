import { z } from "zod/v4";
import { address, isoDate, responseSchemas, uintString } from "./schemas.ts";

export const scheduleVerificationParams = z.object({
  address,
  scheduleId: z
    .string()
    .regex(/^[1-9][0-9]{0,77}$/, "must be a schedule id (1, 2, …)")
    .transform(BigInt)
    .meta({ description: "The schedule's on-chain id" }),
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
    verifierKind: z
      .enum(["server"])
      .meta({ description: "server: this server's own check (VERIFY_SCHEDULES)" }),
    verifier: z.string().meta({ description: "Who verified: the server's VERIFIER_NAME" }),
    verifiedAt: isoDate,
  })
  .register(responseSchemas, { id: "ScheduleVerification" });

export const verificationListResponse = z
  .object({ verifications: z.array(verificationResponse) })
  .register(responseSchemas, { id: "ScheduleVerificationList" });
