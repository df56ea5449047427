import {
  buildShareTree,
  getClaimable,
  royaltyPoolAbi,
  toAccountId,
  type AccountId,
  type ShareTree,
} from "@wellspring/sdk";
import { encodeFunctionData, getAddress, type Address, type Hex, type PublicClient } from "viem";
import type { Database } from "../db/database.ts";
import { isServerError, ServerError } from "../errors.ts";
import type { PoolRepository } from "../repositories/pools.ts";
import { allRecipients, type RunQueries, type RunRepository } from "../repositories/runs.ts";

/**
 * Everything an account can claim from a pool: for every activated, unrevoked schedule whose
 * table this server stored, the account's leaf and Merkle proof (built from the stored table),
 * the amounts claimable per token (read from the pool itself, so they are exact), and the calldata
 * of one `claim` call that takes all of it. Proof trees are cached per run: a derivable cache, not
 * state.
 */
export class ClaimService {
  private readonly trees = new Map<bigint, ShareTree>();

  constructor(
    private readonly db: Database,
    private readonly pools: PoolRepository,
    private readonly runs: RunRepository,
    private readonly queries: RunQueries,
    private readonly chainId: number,
    private readonly client: PublicClient | undefined,
    private readonly now: () => number = Date.now,
  ) {}

  async claimable(poolAddress: Address, account: string) {
    let accountId: AccountId;
    try {
      accountId = toAccountId(account);
    } catch (error) {
      throw new ServerError("VALIDATION", "not an address, accountId or identity", {
        issues: [{ path: "params.account", message: error instanceof Error ? error.message : String(error) }],
      });
    }
    const pool = await this.pools.findByAddress(this.chainId, poolAddress);
    if (!pool)
      throw new ServerError("NOT_FOUND", `no pool ${poolAddress} registered on chain ${this.chainId}`);
    if (!this.client)
      throw new ServerError("CHAIN_UNAVAILABLE", "claimable amounts need the chain RPC (RPC_URL)");

    const now = new Date(this.now());
    const schedules = (await this.pools.schedules(pool.id, now)).filter(
      (s) => s.status === "active" || s.status === "superseded",
    );
    const { rows: tokenRows } = await this.db.query<{ token: Hex }>(
      "SELECT DISTINCT token FROM deposits WHERE pool_id = $1 ORDER BY token",
      [pool.id],
    );
    const tokens = tokenRows.map((r) => getAddress(r.token));

    const leaves: { scheduleId: bigint; status: string; shares: bigint; proof: Hex[] }[] = [];
    const unavailable: string[] = [];
    for (const schedule of schedules) {
      const runId = await this.queries.findCompleteByRoot(pool.id, schedule.root);
      if (runId === undefined) {
        unavailable.push(schedule.scheduleId.toString());
        continue;
      }
      const tree = await this.tree(runId, schedule.root);
      if (!tree.has(accountId)) continue;
      const leaf = tree.proofFor(accountId);
      leaves.push({
        scheduleId: schedule.scheduleId,
        status: schedule.status,
        shares: leaf.shares,
        proof: leaf.proof,
      });
    }

    let amounts: { scheduleId: bigint; token: Address; amount: bigint }[] = [];
    if (leaves.length > 0 && tokens.length > 0) {
      try {
        const result = await getClaimable(this.client, {
          pool: pool.address,
          queries: leaves.map((l) => ({
            scheduleId: l.scheduleId,
            proof: { accountId, shares: l.shares },
            tokens,
          })),
        });
        amounts = result.items;
      } catch (error) {
        if (isServerError(error)) throw error;
        throw new ServerError("CHAIN_UNAVAILABLE", "could not read claimable amounts from the pool", {
          cause: error,
        });
      }
    }
    const items = leaves.map((l) => ({
      scheduleId: l.scheduleId.toString(),
      status: l.status,
      shares: l.shares.toString(),
      proof: l.proof,
      claimable: amounts
        .filter((a) => a.scheduleId === l.scheduleId)
        .map((a) => ({ token: getAddress(a.token), amount: a.amount.toString() })),
    }));
    const totals = new Map<Address, bigint>();
    for (const a of amounts)
      totals.set(getAddress(a.token), (totals.get(getAddress(a.token)) ?? 0n) + a.amount);

    // One claim call for everything with a positive amount; tokens per request only where owed.
    const requests = leaves
      .map((l) => ({
        scheduleId: l.scheduleId,
        accountId,
        shares: l.shares,
        proof: l.proof,
        tokens: amounts
          .filter((a) => a.scheduleId === l.scheduleId && a.amount > 0n)
          .map((a) => getAddress(a.token)),
      }))
      .filter((r) => r.tokens.length > 0);
    return {
      accountId,
      items,
      totals: [...totals].map(([token, amount]) => ({ token, amount: amount.toString() })),
      unavailableSchedules: unavailable,
      transaction:
        requests.length === 0
          ? null
          : {
              to: pool.address,
              data: encodeFunctionData({ abi: royaltyPoolAbi, functionName: "claim", args: [requests] }),
            },
    };
  }

  private async tree(runId: bigint, root: Hex): Promise<ShareTree> {
    const cached = this.trees.get(runId);
    if (cached) return cached;
    const recipients = (await allRecipients(this.runs, runId)).map((r) => ({
      accountId: r.accountId as AccountId,
      shares: r.shares,
    }));
    const tree = buildShareTree({ recipients, root });
    if (this.trees.size >= 4) this.trees.delete(this.trees.keys().next().value!);
    this.trees.set(runId, tree);
    return tree;
  }
}
