import { z } from "zod/v4";
import { address, depositReceipt, hash32, responseSchemas, uintString } from "./schemas.ts";

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
  split: z.coerce.number().int().min(0).max(1000).default(20).meta({
    description:
      "How many of the largest recipients' parts to list per deposit (0-1000); the whole split is at .../deposits/{block}/{logIndex}/split",
  }),
  format,
});
export const depositSplitParams = z.object({
  address,
  blockNumber: z
    .string()
    .regex(/^(0|[1-9][0-9]{0,17})$/, "must be a block number")
    // zod runs the transform even when the regex failed (the issue is reported all the same).
    .transform((v) => (/^[0-9]+$/.test(v) ? BigInt(v) : 0n))
    .meta({ description: "Block of the deposit event" }),
  logIndex: z.coerce
    .number()
    .int()
    .min(0)
    .max(1_000_000)
    .meta({ description: "Log index of the deposit event" }),
});
export const depositSplitQuery = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(5000)
    .default(1000)
    .meta({ description: "Recipients per page (1-5000)" }),
  after: hash32.optional().meta({ description: "nextCursor of the previous page (an accountId)" }),
  format,
});
export const contributorStatementQuery = z.object({ format });

const payerShare = z.object({
  accountId: z.string(),
  identity: z.string().nullable(),
  shares: uintString,
  amount: uintString.meta({
    description: "mulDiv(deposit amount, shares, totalShares), rounded down",
  }),
});

const payerDeposit = depositReceipt.omit({ payer: true }).extend({
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
  recipientCount: z.number().int().nullable().meta({ description: "Recipients in the sharing table" }),
  distributed: uintString.nullable().meta({
    description: "Sum over every recipient of mulDiv(amount, shares, totalShares), rounded down",
  }),
  recipients: z.array(payerShare).meta({
    description: "The `split` largest recipients' parts (shares descending, then accountId)",
  }),
  dust: uintString.nullable().meta({ description: "amount minus distributed (rounding)" }),
});

export const payerStatementResponse = z
  .object({
    pool: z.string(),
    payer: z.string(),
    deposits: z.array(payerDeposit),
    nextCursor: z.string().nullable(),
  })
  .register(responseSchemas, { id: "PayerStatement" });

export const depositSplitResponse = z
  .object({
    deposit: payerDeposit,
    recipients: z.array(payerShare).meta({ description: "One page of every recipient's part, by accountId" }),
    nextCursor: z.string().nullable(),
  })
  .register(responseSchemas, { id: "DepositSplit" });

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

export const schedulePotsResponse = z
  .object({
    pool: z.string(),
    pots: z.array(
      z.object({
        scheduleId: uintString,
        status: z.string(),
        token: z.string(),
        pot: uintString.meta({ description: "Everything credited to the schedule's pot for the token" }),
        claimed: uintString,
        waiting: uintString.meta({
          description: "Owed to recipients who can claim (address or bound identity)",
        }),
        unbound: uintString.meta({
          description:
            "Owed to identities with no wallet as far as the server knows (no attested binding, no claim)",
        }),
        held: uintString.meta({
          description: "Held for components nobody can claim yet (component: identities)",
        }),
        swept: uintString.meta({ description: "Moved to a later schedule after the claim window" }),
        dust: uintString.meta({ description: "Left over by rounding each part down" }),
      }),
    ),
    unavailableSchedules: z
      .array(uintString)
      .meta({ description: "Activated schedules whose table this server lacks" }),
  })
  .register(responseSchemas, { id: "SchedulePots" });
