import { claimFunctionFor } from "@wellspring/protocol";
import { type Address, zeroAddress } from "viem";
import { readContract } from "viem/actions";

import { royaltyPoolAbi } from "../abi/RoyaltyPool.ts";
import { isAddressAccount } from "../account.ts";
import type { ClaimInput } from "../claims.ts";
import { ContractRevertedError, InvalidArgumentError, UnboundIdentityError } from "../errors.ts";
import {
  type AccountParameter,
  type SdkClient,
  type TransactionResult,
  resolveAccount,
  sendContractTransaction,
} from "../internal/client.ts";
import { poolEvents } from "../internal/receipt.ts";

export type ClaimParameters = AccountParameter & {
  pool: Address;
  /** One entry per (schedule, account); build them with buildClaims or from AccountProofs. */
  claims: readonly ClaimInput[];
  /**
   * Read the payee of every identity account first and throw UnboundIdentityError before sending
   * (default true). The pool reverts with RoyaltyPoolPayeeUnbound anyway; checking first saves gas.
   */
  checkPayees?: boolean | undefined;
};

export interface ClaimPayment {
  accountId: `0x${string}`;
  payee: Address;
  /** `zeroAddress` = ETH. */
  token: Address;
  scheduleId: bigint;
  amount: bigint;
}

export type ClaimReturnType = TransactionResult & {
  /** Every `Claimed` event of the transaction. */
  payments: ClaimPayment[];
  /** Sum paid per token (`zeroAddress` = ETH). */
  totals: Map<Address, bigint>;
};

/**
 * Claims many schedules and tokens in one `claim` transaction (`claimOneLeaf` for one schedule and
 * one token). Anyone may send it: the money goes only to each account's payee (the address itself
 * or the identity's bound wallet).
 */
export async function claim(client: SdkClient, parameters: ClaimParameters): Promise<ClaimReturnType> {
  const { pool, claims } = parameters;
  if (claims.length === 0) throw new InvalidArgumentError("claim needs at least one request.");
  for (const c of claims) {
    if (c.tokens.length === 0)
      throw new InvalidArgumentError(`The claim for schedule ${c.scheduleId} names no token.`);
    if (new Set(c.tokens.map((t) => t.toLowerCase())).size !== c.tokens.length) {
      throw new InvalidArgumentError(`The claim for schedule ${c.scheduleId} names a token twice.`);
    }
  }
  const account = resolveAccount(client, parameters.account, "claim");

  if (parameters.checkPayees ?? true) {
    const identities = [
      ...new Set(claims.map((c) => c.proof.accountId).filter((id) => !isAddressAccount(id))),
    ];
    const payees = await Promise.all(
      identities.map((accountId) =>
        readContract(client, {
          address: pool,
          abi: royaltyPoolAbi,
          functionName: "payeeOf",
          args: [accountId],
        }),
      ),
    );
    const unbound = identities.find((_, i) => payees[i] === zeroAddress);
    if (unbound !== undefined) throw new UnboundIdentityError(unbound);
  }

  const requests = claims.map((c) => ({
    scheduleId: c.scheduleId,
    accountId: c.proof.accountId,
    shares: c.proof.shares,
    proof: c.proof.proof,
    tokens: c.tokens,
  }));
  const [one] = requests;
  let result: TransactionResult;
  try {
    // One leaf and one token (the common claim): claimOneLeaf, the same claim for about 2,400 gas less.
    result =
      claimFunctionFor(requests) === "claimOneLeaf" && one
        ? await sendContractTransaction(client, {
            address: pool,
            abi: royaltyPoolAbi,
            functionName: "claimOneLeaf",
            args: [one.scheduleId, one.accountId, one.shares, one.tokens[0]!, one.proof],
            account,
          })
        : await sendContractTransaction(client, {
            address: pool,
            abi: royaltyPoolAbi,
            functionName: "claim",
            args: [requests],
            account,
          });
  } catch (error) {
    if (error instanceof ContractRevertedError && error.errorName === "RoyaltyPoolPayeeUnbound") {
      throw new UnboundIdentityError(String(error.args?.[0]), { cause: error });
    }
    throw error;
  }

  const payments = poolEvents(result.receipt, "Claimed", pool).map((log): ClaimPayment => ({
    accountId: log.args.accountId,
    payee: log.args.payee,
    token: log.args.token,
    scheduleId: log.args.scheduleId,
    amount: log.args.amount,
  }));
  const totals = new Map<Address, bigint>();
  for (const p of payments) totals.set(p.token, (totals.get(p.token) ?? 0n) + p.amount);
  return { ...result, payments, totals };
}
