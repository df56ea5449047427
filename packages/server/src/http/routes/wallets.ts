import { CLAIMABLE_STATUSES } from "@wellspring/protocol";
import { z } from "zod/v4";
import type { WalletService } from "../../services/wallets.ts";
import { route, type AnyRoute } from "../route.ts";
import { address, hexOut, isoDate, responseSchemas, uintString } from "../schemas.ts";

const amount = z.object({ token: hexOut, amount: uintString });

export const walletResponse = z
  .object({
    wallet: hexOut,
    accountId: hexOut.meta({ description: "The wallet's own accountId (addresses are paid directly)" }),
    registry: hexOut.nullable().meta({ description: "The IdentityRegistry followed (null: none known)" }),
    indexedBlock: uintString
      .nullable()
      .meta({ description: "The registry's binding events are indexed up to this block" }),
    identities: z.array(
      z.object({
        identity: z
          .string()
          .nullable()
          .meta({ description: "The identity string, when an attestation or this server named it" }),
        accountId: hexOut,
        state: z.enum(["bound", "rebind-to-this-wallet"]).meta({
          description:
            "bound: paid to this wallet; rebind-to-this-wallet: a rebind to it waits for its delay",
        }),
        payableFrom: isoDate
          .nullable()
          .meta({ description: "Pools pay the binding from then on (a first binding's cancellable window)" }),
        pendingRebind: z
          .object({ newPayee: hexOut, executableAt: isoDate })
          .nullable()
          .meta({ description: "While set, pools pay this identity nothing" }),
      }),
    ),
    claimable: z.array(
      z.object({
        pool: hexOut,
        poolName: z.string(),
        account: z.string().meta({ description: "The identity, or the wallet address itself" }),
        accountId: hexOut,
        scheduleId: uintString,
        status: z.enum(CLAIMABLE_STATUSES),
        runId: uintString,
        shares: uintString,
        proof: z
          .array(hexOut)
          .meta({ description: "Merkle proof of (accountId, shares) against the schedule's root" }),
        amounts: z.array(amount).meta({ description: "Only tokens with something to claim, in base units" }),
        sweepableAt: isoDate.nullable().meta({
          description:
            "From then on anyone may sweep what is unclaimed (superseded-at + the pool's claim window)",
        }),
        sweepSoon: z.boolean().meta({ description: "The sweep date is within 14 days, or past" }),
        hold: z.enum(["rebind-pending", "binding-not-yet-payable"]).nullable().meta({
          description:
            "Why the pool refuses this claim now (left out of the transactions); null: claimable now",
        }),
      }),
    ),
    unavailableSchedules: z.array(z.object({ pool: hexOut, scheduleId: uintString, account: z.string() })),
    transactions: z
      .array(z.object({ pool: hexOut, to: hexOut, data: hexOut }))
      .meta({ description: "One claim(requests) call per pool taking everything claimable now" }),
    pastClaims: z.array(
      z.object({
        pool: hexOut,
        scheduleId: uintString,
        account: z.string(),
        accountId: hexOut,
        token: hexOut,
        payee: hexOut,
        amount: uintString,
        txHash: hexOut,
        blockNumber: uintString,
        blockTime: isoDate.nullable(),
      }),
    ),
  })
  .register(responseSchemas, { id: "WalletHome" });

export function walletRoutes(wallets: WalletService): AnyRoute[] {
  return [
    route({
      method: "get",
      path: "/v1/wallets/:address",
      operationId: "getWallet",
      summary: "A wallet's home: its identities, what they and it can claim, sweep dates and past claims",
      description:
        "The identities bound to the wallet (or with a rebind to it pending), replayed from the IdentityRegistry's indexed " +
        "events; for each of them and for the wallet's own address, what it can claim in every registered pool, per " +
        "schedule and token (only positive amounts), each schedule's sweep date; past Claimed events; and one claim " +
        "transaction per pool.",
      tags: ["claims"],
      params: z.object({ address }),
      responses: {
        200: { description: "The wallet's home", schema: walletResponse },
        400: { description: "Not an address" },
      },
    }).handle(async ({ params }) => ({ body: await wallets.wallet(params.address) })),
  ];
}
