import type { Address } from "viem";

import { toAccountId } from "./account.ts";
import { ProofNotFoundError } from "./errors.ts";
import type { AccountProof, ShareTree } from "./proofs.ts";

/** One ClaimRequest of the pool, with the leaf and proof taken from an AccountProof. */
export interface ClaimInput {
  scheduleId: bigint;
  proof: AccountProof;
  /** Tokens to claim (`zeroAddress` = ETH); each at most once. */
  tokens: readonly Address[];
}

/**
 * Builds the claim list of one account over several schedules: one request per schedule whose table
 * holds the account, each for all `tokens`. Throws ProofNotFoundError if no table holds it.
 */
export function buildClaims(parameters: {
  /** An accountId, address or identity string. */
  account: string;
  schedules: readonly { scheduleId: bigint; tree: ShareTree }[];
  tokens: readonly Address[];
}): ClaimInput[] {
  const claims: ClaimInput[] = [];
  for (const { scheduleId, tree } of parameters.schedules) {
    if (tree.has(parameters.account)) {
      claims.push({ scheduleId, proof: tree.proofFor(parameters.account), tokens: parameters.tokens });
    }
  }
  if (claims.length === 0) throw new ProofNotFoundError(toAccountId(parameters.account));
  return claims;
}
