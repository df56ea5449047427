import type { Address } from "viem";
import { multicall, readContract } from "viem/actions";

import { royaltyPoolAbi } from "../abi/RoyaltyPool.ts";
import type { AccountId } from "../account.ts";
import type { SdkClient } from "../internal/client.ts";

export interface ClaimableQuery {
  scheduleId: bigint;
  /** The leaf: the account and its shares in that schedule (an AccountProof fits). */
  proof: { accountId: AccountId; shares: bigint };
  tokens: readonly Address[];
}

export interface GetClaimableParameters {
  pool: Address;
  queries: readonly ClaimableQuery[];
  blockNumber?: bigint | undefined;
  /**
   * How to batch the reads. Default: Multicall3 when the client's chain declares it, else one read
   * per (schedule, token) in parallel. "deployless" sends one eth_call that runs Multicall3's code
   * without it being deployed (any chain, including a fresh local node).
   */
  batch?: "auto" | "parallel" | "deployless" | undefined;
}

export interface ClaimableItem {
  scheduleId: bigint;
  accountId: AccountId;
  token: Address;
  amount: bigint;
}

export interface GetClaimableReturnType {
  items: ClaimableItem[];
  /** Sum over schedules per token (`zeroAddress` = ETH). */
  totals: Map<Address, bigint>;
}

/** What `claim` would pay now, per schedule and token, summed per token. */
export async function getClaimable(
  client: SdkClient,
  parameters: GetClaimableParameters,
): Promise<GetClaimableReturnType> {
  const { pool, blockNumber } = parameters;
  const keys = parameters.queries.flatMap((q) =>
    q.tokens.map((token) => ({
      scheduleId: q.scheduleId,
      accountId: q.proof.accountId,
      shares: q.proof.shares,
      token,
    })),
  );
  const contracts = keys.map(
    (k) =>
      ({
        address: pool,
        abi: royaltyPoolAbi,
        functionName: "claimable",
        args: [k.scheduleId, k.accountId, k.shares, k.token],
      }) as const,
  );
  const batch = parameters.batch ?? "auto";
  const amounts: bigint[] =
    batch === "deployless"
      ? await multicall(client, { contracts, allowFailure: false, blockNumber, deployless: true })
      : batch === "auto" && client.chain?.contracts?.multicall3
        ? await multicall(client, { contracts, allowFailure: false, blockNumber })
        : await Promise.all(contracts.map((c) => readContract(client, { ...c, blockNumber })));

  const items = keys.map((k, i): ClaimableItem => ({
    scheduleId: k.scheduleId,
    accountId: k.accountId,
    token: k.token,
    amount: amounts[i]!,
  }));
  const totals = new Map<Address, bigint>();
  for (const item of items) totals.set(item.token, (totals.get(item.token) ?? 0n) + item.amount);
  return { items, totals };
}
