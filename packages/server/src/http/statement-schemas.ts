import { z } from "zod/v4";
import { address, hash32, responseSchemas, uintString } from "./schemas.ts";

const isoDate = z.string().meta({ description: "ISO 8601 timestamp", format: "date-time" });
const format = z
  .enum(["json", "csv"])
  .optional()
  .meta({ description: "csv returns text/csv (so does Accept: text/csv); default json" });

export const payerStatementParams = z.object({ address, payer: address });
export const contributorStatementParams = z.object({
  address,
  account: z
    .string()
    .min(3)
    .max(512)
    .meta({ description: "An address, a 32-byte accountId, or an identity such as github:123" }),
});

export const payerStatementQuery = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(20)
    .meta({ description: "Deposits per page (1-100)" }),
  cursor: z
    .string()
    .regex(/^[0-9]{1,18}:[0-9]{1,9}$/, "must be a cursor from a previous page")
    .optional(),
  token: address.optional().meta({ description: "Only this token (zero address = ETH)" }),
  format,
});
export const contributorStatementQuery = z.object({ format });

export const payerStatementResponse = z
  .object({
    pool: z.string(),
    payer: z.string(),
    deposits: z.array(
      z.object({
        blockNumber: uintString,
        logIndex: z.number().int(),
        txHash: z.string(),
        blockTime: isoDate.nullable(),
        source: z.enum(["deposit", "sync"]),
        token: z.string(),
        amount: uintString,
        memo: z.string(),
        scheduleId: uintString
          .nullable()
          .meta({ description: "The pot the event credited; null = unallocated" }),
        sharedBy: z
          .object({
            scheduleId: uintString,
            status: z.string(),
            root: z.string(),
            totalShares: uintString,
            runId: uintString.nullable(),
          })
          .nullable()
          .meta({
            description: "The schedule whose table shares this deposit out (genesis for unallocated)",
          }),
        unsplitReason: z.enum(["unallocated", "table_unavailable"]).nullable(),
        recipients: z.array(
          z.object({
            accountId: z.string(),
            identity: z.string().nullable(),
            shares: uintString,
            amount: uintString.meta({
              description: "mulDiv(deposit amount, shares, totalShares), rounded down",
            }),
          }),
        ),
        dust: uintString.nullable().meta({ description: "amount minus the recipients' amounts (rounding)" }),
      }),
    ),
    nextCursor: z.string().nullable(),
  })
  .register(responseSchemas, { id: "PayerStatement" });

export const contributorStatementResponse = z
  .object({
    pool: z.string(),
    accountId: hash32,
    identity: z.string().nullable(),
    address: z.string().nullable().meta({ description: "Set when the accountId is an address" }),
    lines: z.array(
      z.object({
        scheduleId: uintString,
        status: z.string(),
        runId: uintString,
        shares: uintString,
        totalShares: uintString,
        token: z.string(),
        pot: uintString.meta({ description: "Everything credited to the schedule's pot for the token" }),
        entitled: uintString.meta({ description: "mulDiv(pot, shares, totalShares)" }),
        claimed: uintString,
        waiting: uintString.meta({ description: "entitled - claimed (0 once the pot was swept)" }),
        swept: z.boolean(),
      }),
    ),
    totals: z.array(
      z.object({ token: z.string(), entitled: uintString, claimed: uintString, waiting: uintString }),
    ),
    unavailableSchedules: z
      .array(uintString)
      .meta({ description: "Activated schedules whose table this server lacks" }),
  })
  .register(responseSchemas, { id: "ContributorStatement" });
