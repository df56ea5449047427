import {
  addressToAccountId,
  encodeClaimCalldata,
  replayBindings,
  type BindingState,
  type ClaimRequest,
} from "@wellspring/protocol";
import { getAddress, type Address, type Hex } from "viem";
import { bytea, type Database } from "../db/database.ts";
import { registryStreamName } from "../indexer/registry-stream.ts";
import { ClaimStateQueries } from "../repositories/claim-state.ts";
import { bindingHistoryOfWallet } from "../repositories/identity-bindings.ts";
import { chainSeconds, type PoolRecord, type PoolRepository } from "../repositories/pools.ts";
import type { ClaimService } from "./claims.ts";

/** A sweep date this close (or past) is flagged `sweepSoon`: the page warns, the maintainer claims first. */
export const SWEEP_WARNING_SECONDS = 14 * 86_400;

const iso = (seconds: bigint) => new Date(Number(seconds) * 1000).toISOString();

/** Why an account's money cannot be claimed to this wallet now (null: it can). */
type Hold = "rebind-pending" | "binding-not-yet-payable" | null;

interface Account {
  /** The identity string, or the wallet address for the wallet's own account. */
  account: string;
  accountId: Hex;
  hold: Hold;
}

/**
 * A wallet's home (GET /v1/wallets/{address}): the identities bound to it now or about to be
 * (replayed from the indexed registry events), what each of them and the wallet itself can claim
 * in every registered pool (the claims service's figures), with every listed schedule's sweep
 * date, the past claims, and one claim transaction per pool taking everything claimable now.
 */
export class WalletService {
  private readonly state: ClaimStateQueries;

  constructor(
    private readonly db: Database,
    private readonly pools: PoolRepository,
    private readonly claims: ClaimService,
    private readonly chainId: number,
    private readonly registry: Address | undefined,
    private readonly now: () => number = Date.now,
  ) {
    this.state = new ClaimStateQueries(db);
  }

  async wallet(address: Address) {
    const wallet = getAddress(address);
    const now = chainSeconds(new Date(this.now()));
    const { identities, indexedBlock } = await this.identities(wallet, now);
    const accounts: Account[] = [
      { account: wallet, accountId: addressToAccountId(wallet), hold: null },
      ...identities
        .filter((i) => i.state === "bound")
        .map((i) => ({ account: i.identity ?? i.accountId, accountId: i.accountId, hold: i.hold })),
    ];
    const pools = await this.allPools();
    const claimable = [];
    const transactions = [];
    const unavailable = [];
    for (const pool of pools) {
      const requests: ClaimRequest[] = [];
      for (const account of accounts) {
        const plan = await this.claims.plan(pool.address, account.accountId);
        for (const scheduleId of plan.unavailableSchedules)
          unavailable.push({ pool: pool.address, scheduleId, account: account.account });
        for (const item of plan.items) {
          const owed = item.claimable.filter((c) => c.amount !== "0");
          // A schedule this account has nothing left in is not listed as "claimable 0".
          if (owed.length === 0) continue;
          const sweepSoon =
            item.sweepableAt !== null &&
            BigInt(Math.floor(Date.parse(item.sweepableAt) / 1000)) - now <= BigInt(SWEEP_WARNING_SECONDS);
          claimable.push({
            pool: pool.address,
            poolName: pool.name,
            account: account.account,
            accountId: account.accountId,
            scheduleId: item.scheduleId,
            status: item.status,
            runId: item.runId,
            shares: item.shares,
            proof: item.proof,
            amounts: owed,
            sweepableAt: item.sweepableAt,
            sweepSoon,
            hold: account.hold,
          });
        }
        // Held accounts stay out of the transaction: the pool reverts a claim for them, and one
        // reverted request would revert the whole call.
        if (account.hold === null) requests.push(...plan.requests);
      }
      if (requests.length > 0)
        transactions.push({ pool: pool.address, to: pool.address, data: encodeClaimCalldata(requests) });
    }
    return {
      wallet,
      accountId: addressToAccountId(wallet),
      registry: this.registry ?? null,
      indexedBlock,
      identities: identities.map(({ hold: _hold, ...rest }) => rest),
      claimable,
      unavailableSchedules: unavailable,
      transactions,
      pastClaims: await this.pastClaims(wallet, accounts),
    };
  }

  /** Identities bound to the wallet now, or with a rebind to it pending, from the indexed events. */
  private async identities(wallet: Address, now: bigint) {
    if (!this.registry) return { identities: [], indexedBlock: null };
    const [{ events, known }, position] = await Promise.all([
      bindingHistoryOfWallet(this.db, this.chainId, this.registry, wallet),
      this.state.position(this.chainId, registryStreamName(this.registry)),
    ]);
    const identities = [];
    for (const s of replayBindings(events).values()) {
      const bound = s.payee === wallet;
      const incoming = s.pending?.newPayee === wallet;
      if (!bound && !incoming) continue;
      identities.push({
        identity: s.identity || known.get(s.accountId) || null,
        accountId: s.accountId,
        state: bound ? ("bound" as const) : ("rebind-to-this-wallet" as const),
        payableFrom: s.payableFrom === 0n ? null : iso(s.payableFrom),
        pendingRebind: s.pending
          ? { newPayee: s.pending.newPayee, executableAt: iso(s.pending.executableAt) }
          : null,
        hold: holdOf(s, now),
      });
    }
    return { identities, indexedBlock: position.cursor?.blockNumber.toString() ?? null };
  }

  private async allPools(): Promise<PoolRecord[]> {
    const all: PoolRecord[] = [];
    for (;;) {
      const page = await this.pools.list(this.chainId, {
        limit: 100,
        ...(all.length ? { afterId: all.at(-1)!.id } : {}),
      });
      all.push(...page);
      if (page.length < 100) return all;
    }
  }

  /** Claimed events of the wallet's accounts, or paid to the wallet, newest first. */
  private async pastClaims(wallet: Address, accounts: readonly Account[]) {
    const { rows } = await this.db.query<{
      pool: Hex;
      schedule_id: string;
      account_id: Hex;
      token: Hex;
      payee: Hex;
      amount: string;
      tx_hash: Hex;
      block_number: string;
      block_time: Date | null;
    }>(
      `SELECT p.address AS pool, c.schedule_id, c.account_id, c.token, c.payee, c.amount, c.tx_hash,
              c.block_number, c.block_time
       FROM claims c JOIN pools p ON p.id = c.pool_id AND p.chain_id = $1
       WHERE c.account_id IN (SELECT decode(x, 'hex') FROM regexp_split_to_table($2, ',') AS x) OR c.payee = $3
       ORDER BY c.block_number DESC, c.log_index DESC
       LIMIT 500`,
      [this.chainId, accounts.map((a) => a.accountId.slice(2)).join(","), bytea(wallet)],
    );
    const label = new Map(accounts.map((a) => [a.accountId.toLowerCase(), a.account]));
    return rows.map((r) => ({
      pool: getAddress(r.pool),
      scheduleId: r.schedule_id,
      account: label.get(r.account_id.toLowerCase()) ?? r.account_id,
      accountId: r.account_id,
      token: getAddress(r.token),
      payee: getAddress(r.payee),
      amount: r.amount,
      txHash: r.tx_hash,
      blockNumber: r.block_number,
      blockTime: r.block_time?.toISOString() ?? null,
    }));
  }
}

/** Mirrors the pool's `_payee` checks: a pending rebind, or a first binding inside its window. */
function holdOf(s: BindingState, now: bigint): Hold {
  if (s.pending) return "rebind-pending";
  if (now < s.payableFrom) return "binding-not-yet-payable";
  return null;
}
