import { getAddress, type Address, type Hex } from "viem";
import { bytea, type Database } from "../db/database.ts";

export interface PotTotal {
  scheduleId: bigint | null;
  token: Address;
  amount: bigint;
}

export interface ClaimTotal {
  scheduleId: bigint;
  token: Address;
  amount: bigint;
}

/** Aggregates over indexed events that statements need; every sum is exact numeric in SQL. */
export class StatementQueries {
  constructor(private readonly db: Database) {}

  /**
   * The run behind a schedule: the one this server published for it (if its root still matches
   * the indexed schedule), else the newest complete run of the pool with the schedule's root.
   */
  async runForSchedule(poolId: bigint, scheduleId: bigint, root: Hex): Promise<bigint | undefined> {
    const { rows } = await this.db.query<{ id: string }>(
      `SELECT COALESCE(
         (SELECT p.run_id FROM schedule_publications p
          WHERE p.pool_id = $1 AND p.schedule_id = $2 AND p.root = $3),
         (SELECT r.id FROM runs r
          WHERE r.pool_id = $1 AND r.root = $3 AND r.status = 'complete' ORDER BY r.id DESC LIMIT 1)) AS id`,
      [poolId, scheduleId, bytea(root)],
    );
    const id = rows[0]?.id;
    return id === null || id === undefined ? undefined : BigInt(id);
  }

  /**
   * How a deposit of `amount` splits over a run's whole table, computed in SQL (exact numeric, one
   * scan, nothing loaded into memory): the recipient count and Σ floor(amount × shares / total).
   */
  async splitTotals(
    runId: bigint,
    amount: bigint,
    totalShares: bigint,
  ): Promise<{ count: number; distributed: bigint }> {
    const { rows } = await this.db.query<{ n: string; distributed: string }>(
      `SELECT count(*) AS n, COALESCE(sum(div($2::numeric * shares, $3::numeric)), 0)::text AS distributed
       FROM run_recipients WHERE run_id = $1`,
      [runId, amount, totalShares],
    );
    return { count: Number(rows[0]?.n ?? 0), distributed: BigInt(rows[0]?.distributed ?? "0") };
  }

  /** The `limit` largest recipients of a run (shares descending, then accountId). */
  async largestRecipients(
    runId: bigint,
    limit: number,
  ): Promise<{ accountId: Hex; shares: bigint; identity: string | null }[]> {
    if (limit === 0) return [];
    const { rows } = await this.db.query<{ account_id: Hex; shares: string; identity: string | null }>(
      `SELECT account_id, shares, identity FROM run_recipients WHERE run_id = $1
       ORDER BY shares DESC, account_id LIMIT $2`,
      [runId, limit],
    );
    return rows.map((r) => ({ accountId: r.account_id, shares: BigInt(r.shares), identity: r.identity }));
  }

  /** Deposits per (schedule, token); schedule NULL = the unallocated pot. */
  async depositTotals(poolId: bigint): Promise<PotTotal[]> {
    const { rows } = await this.db.query<{ schedule_id: string | null; token: Hex; amount: string }>(
      `SELECT schedule_id, token, sum(amount)::numeric(78,0) AS amount FROM deposits
       WHERE pool_id = $1 GROUP BY schedule_id, token ORDER BY schedule_id NULLS FIRST, token`,
      [poolId],
    );
    return rows.map((r) => ({
      scheduleId: r.schedule_id === null ? null : BigInt(r.schedule_id),
      token: getAddress(r.token),
      amount: BigInt(r.amount),
    }));
  }

  /** Swept remainders per (receiving schedule, token). */
  async sweptInto(poolId: bigint): Promise<PotTotal[]> {
    const { rows } = await this.db.query<{ into_schedule_id: string; token: Hex; amount: string }>(
      `SELECT into_schedule_id, token, sum(amount)::numeric(78,0) AS amount FROM sweeps
       WHERE pool_id = $1 GROUP BY into_schedule_id, token`,
      [poolId],
    );
    return rows.map((r) => ({
      scheduleId: BigInt(r.into_schedule_id),
      token: getAddress(r.token),
      amount: BigInt(r.amount),
    }));
  }

  /** What an account has claimed, per (schedule, token). */
  async claimedBy(poolId: bigint, accountId: Hex): Promise<ClaimTotal[]> {
    const { rows } = await this.db.query<{ schedule_id: string; token: Hex; amount: string }>(
      `SELECT schedule_id, token, sum(amount)::numeric(78,0) AS amount FROM claims
       WHERE pool_id = $1 AND account_id = $2 GROUP BY schedule_id, token ORDER BY schedule_id, token`,
      [poolId, bytea(accountId)],
    );
    return rows.map((r) => ({
      scheduleId: BigInt(r.schedule_id),
      token: getAddress(r.token),
      amount: BigInt(r.amount),
    }));
  }

  async recipient(
    runId: bigint,
    accountId: Hex,
  ): Promise<{ shares: bigint; identity: string | null } | undefined> {
    const { rows } = await this.db.query<{ shares: string; identity: string | null }>(
      "SELECT shares, identity FROM run_recipients WHERE run_id = $1 AND account_id = $2",
      [runId, bytea(accountId)],
    );
    const row = rows[0];
    return row ? { shares: BigInt(row.shares), identity: row.identity } : undefined;
  }

  /** Everything claimed per (schedule, token). */
  async claimTotals(poolId: bigint): Promise<ClaimTotal[]> {
    const { rows } = await this.db.query<{ schedule_id: string; token: Hex; amount: string }>(
      `SELECT schedule_id, token, sum(amount)::numeric(78,0) AS amount FROM claims
       WHERE pool_id = $1 GROUP BY schedule_id, token`,
      [poolId],
    );
    return rows.map((r) => ({
      scheduleId: BigInt(r.schedule_id),
      token: getAddress(r.token),
      amount: BigInt(r.amount),
    }));
  }

  /** What each sweep took out of a schedule's pot, per (schedule, token). */
  async sweptOut(poolId: bigint): Promise<ClaimTotal[]> {
    const { rows } = await this.db.query<{ schedule_id: string; token: Hex; amount: string }>(
      "SELECT schedule_id, token, amount FROM sweeps WHERE pool_id = $1",
      [poolId],
    );
    return rows.map((r) => ({
      scheduleId: BigInt(r.schedule_id),
      token: getAddress(r.token),
      amount: BigInt(r.amount),
    }));
  }

  /**
   * A pot of `pot` over a run's whole table, in one scan (exact numeric): Σ floor(pot × shares /
   * total) over everyone, over components nobody can claim yet (`component:` identities), and over
   * identities with no wallet as far as this server knows: the last indexed registry event for it
   * is not a binding (or there is none), no binding this server's attestor signed, and no claim
   * from the pool (an address account is paid directly). A server that does not index the registry
   * counts an identity bound elsewhere that never claimed as unbound.
   */
  async potGroups(
    at: { poolId: bigint; runId: bigint; chainId: number },
    pot: bigint,
    totalShares: bigint,
  ): Promise<{ distributed: bigint; held: bigint; unbound: bigint }> {
    const part = "div($2::numeric * r.shares, $3::numeric)";
    const { rows } = await this.db.query<{ distributed: string; held: string; unbound: string }>(
      `SELECT COALESCE(sum(${part}), 0)::text AS distributed,
              COALESCE(sum(${part}) FILTER (WHERE r.identity LIKE 'component:%'), 0)::text AS held,
              COALESCE(sum(${part}) FILTER (
                WHERE COALESCE(r.identity, '') NOT LIKE 'component:%'
                  AND substring(r.account_id from 1 for 12) <> decode(repeat('00', 12), 'hex')
                  AND NOT EXISTS (SELECT 1 FROM (SELECT b.kind FROM identity_binding_events b
                                                 WHERE b.chain_id = $4 AND b.account_id = r.account_id
                                                 ORDER BY b.block_number DESC, b.log_index DESC LIMIT 1) last
                                  WHERE last.kind NOT IN ('unbound', 'binding-cancelled'))
                  AND NOT EXISTS (SELECT 1 FROM binding_requests q
                                  WHERE q.account_id = r.account_id
                                    AND q.status IN ('attested', 'confirmed'))
                  AND NOT EXISTS (SELECT 1 FROM claims c
                                  WHERE c.pool_id = $5 AND c.account_id = r.account_id)), 0)::text AS unbound
       FROM run_recipients r WHERE r.run_id = $1`,
      [at.runId, pot, totalShares, at.chainId, at.poolId],
    );
    const row = rows[0]!;
    return { distributed: BigInt(row.distributed), held: BigInt(row.held), unbound: BigInt(row.unbound) };
  }
}
