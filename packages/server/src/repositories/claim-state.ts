import { type Hex } from "viem";
import { bytea, type Database } from "../db/database.ts";

/** The indexer's position for one pool: events up to and including this block are in the database. */
export interface IndexedCursor {
  blockNumber: bigint;
  blockHash: Hex;
}

/** The cursor (absent until the pool was first indexed) and the id of the stream's latest reorg rollback. */
export interface IndexerPosition {
  cursor: IndexedCursor | undefined;
  lastReorg: bigint | null;
}

/** Per (pot owner as the event names it, token): null schedule = the unallocated pot. */
export interface DepositSum {
  scheduleId: bigint | null;
  token: Hex;
  amount: bigint;
}

/** What one account was paid from one (schedule, token). */
export interface AccountClaimSum {
  accountId: Hex;
  scheduleId: bigint;
  token: Hex;
  amount: bigint;
}

export interface SweepRow {
  scheduleId: bigint;
  token: Hex;
  amount: bigint;
  intoScheduleId: bigint;
}

/** Block range (from, to] of indexed events; `to` undefined = no upper bound (pool never indexed). */
export interface BlockRange {
  after?: bigint;
  upTo?: bigint;
}

/**
 * Reads the claims endpoint's in-memory state from indexed events: pot totals and per-account
 * claim totals, whole or for a block range (so a cache can follow the indexer incrementally), and
 * share tables in their compact form (accountIds packed 32 bytes per row, shares). Every sum is
 * exact numeric in SQL.
 */
export class ClaimStateQueries {
  constructor(private readonly db: Database) {}

  /** The stream's cursor and latest rollback, read in one statement (one consistent snapshot). */
  async position(chainId: number, stream: string): Promise<IndexerPosition> {
    const { rows } = await this.db.query<{
      block_number: string | null;
      block_hash: Hex | null;
      last_reorg: string | null;
    }>(
      `SELECT c.block_number, c.block_hash,
              (SELECT max(r.id) FROM indexer_reorgs r WHERE r.chain_id = $1 AND r.stream = $2) AS last_reorg
       FROM (SELECT 1) AS one
       LEFT JOIN indexer_cursor c ON c.chain_id = $1 AND c.stream = $2`,
      [chainId, stream],
    );
    const row = rows[0];
    return {
      cursor:
        row?.block_number != null && row.block_hash != null
          ? { blockNumber: BigInt(row.block_number), blockHash: row.block_hash }
          : undefined,
      lastReorg: row?.last_reorg == null ? null : BigInt(row.last_reorg),
    };
  }

  async depositSums(poolId: bigint, range: BlockRange): Promise<DepositSum[]> {
    const { rows } = await this.db.query<{ schedule_id: string | null; token: Hex; amount: string }>(
      `SELECT schedule_id, token, sum(amount)::numeric(78,0) AS amount FROM deposits
       WHERE pool_id = $1 AND block_number > $2 AND ($3::bigint IS NULL OR block_number <= $3::bigint)
       GROUP BY schedule_id, token`,
      [poolId, range.after ?? -1n, range.upTo ?? null],
    );
    return rows.map((r) => ({
      scheduleId: r.schedule_id === null ? null : BigInt(r.schedule_id),
      token: r.token,
      amount: BigInt(r.amount),
    }));
  }

  async claimSums(poolId: bigint, range: BlockRange): Promise<AccountClaimSum[]> {
    const { rows } = await this.db.query<{
      account_id: Hex;
      schedule_id: string;
      token: Hex;
      amount: string;
    }>(
      `SELECT account_id, schedule_id, token, sum(amount)::numeric(78,0) AS amount FROM claims
       WHERE pool_id = $1 AND block_number > $2 AND ($3::bigint IS NULL OR block_number <= $3::bigint)
       GROUP BY account_id, schedule_id, token`,
      [poolId, range.after ?? -1n, range.upTo ?? null],
    );
    return rows.map((r) => ({
      accountId: r.account_id,
      scheduleId: BigInt(r.schedule_id),
      token: r.token,
      amount: BigInt(r.amount),
    }));
  }

  /** Every sweep of the pool up to a block (at most one per (schedule, token)). */
  async sweeps(poolId: bigint, upTo: bigint | undefined): Promise<SweepRow[]> {
    const { rows } = await this.db.query<{
      schedule_id: string;
      token: Hex;
      amount: string;
      into_schedule_id: string;
    }>(
      `SELECT schedule_id, token, amount, into_schedule_id FROM sweeps
       WHERE pool_id = $1 AND ($2::bigint IS NULL OR block_number <= $2::bigint)`,
      [poolId, upTo ?? null],
    );
    return rows.map((r) => ({
      scheduleId: BigInt(r.schedule_id),
      token: r.token,
      amount: BigInt(r.amount),
      intoScheduleId: BigInt(r.into_schedule_id),
    }));
  }

  /**
   * A stored table in its compact form, read in pages of `pageSize` rows, each page as ONE row
   * (the accountIds concatenated into one bytea, the shares joined into one text) so that 10^6
   * recipients cost a few dozen result rows instead of 10^6 JavaScript objects.
   */
  async compactTable(
    runId: bigint,
    pageSize = 100_000,
  ): Promise<{ accountIds: Uint8Array; shares: bigint[] }> {
    const idParts: Buffer[] = [];
    const shares: bigint[] = [];
    let after: Hex | null = null;
    for (;;) {
      const result: { rows: { ids: Hex | null; shares: string | null }[] } = await this.db.query<{
        ids: Hex | null;
        shares: string | null;
      }>(
        `SELECT string_agg(account_id, ''::bytea ORDER BY account_id) AS ids,
                string_agg(shares::text, ',' ORDER BY account_id) AS shares
         FROM (SELECT account_id, shares FROM run_recipients
               WHERE run_id = $1 AND ($2::bytea IS NULL OR account_id > $2::bytea)
               ORDER BY account_id LIMIT $3) AS page`,
        [runId, after === null ? null : bytea(after), pageSize],
      );
      const page = result.rows[0];
      if (!page || page.ids === null || page.shares === null) break;
      const ids = Buffer.from(page.ids.slice(2), "hex");
      idParts.push(ids);
      const before = shares.length;
      for (const s of page.shares.split(",")) shares.push(BigInt(s));
      if (ids.length !== (shares.length - before) * 32)
        throw new Error(`run ${runId}: page of ${shares.length - before} rows has ${ids.length} id bytes`);
      if (shares.length - before < pageSize) break;
      after = `0x${page.ids.slice(-64)}`;
    }
    const accountIds = new Uint8Array(shares.length * 32);
    let offset = 0;
    for (const part of idParts) {
      accountIds.set(part, offset);
      offset += part.length;
    }
    return { accountIds, shares };
  }
}
