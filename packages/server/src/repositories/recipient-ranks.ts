import type { Hex } from "viem";
import { bytea, type Database } from "../db/database.ts";

export interface RankedRecipient {
  accountId: Hex;
  shares: bigint;
  identity: string | null;
}

/**
 * A run's recipients by size, in the database: shares descending, then accountId (the order of the
 * run_recipients_by_shares index), so the largest N and an account's rank never load the table.
 */
export class RecipientRanks {
  constructor(private readonly db: Database) {}

  /** The `limit` largest recipients, among those whose identity starts with `identityPrefix` when given. */
  async largest(runId: bigint, limit: number, identityPrefix?: string): Promise<RankedRecipient[]> {
    const { rows } = await this.db.query<{ account_id: Hex; shares: string; identity: string | null }>(
      `SELECT account_id, shares, identity FROM run_recipients
       WHERE run_id = $1 AND ($2::text IS NULL OR starts_with(identity, $2::text))
       ORDER BY shares DESC, account_id LIMIT $3`,
      [runId, identityPrefix ?? null, limit],
    );
    return rows.map((r) => ({ accountId: r.account_id, shares: BigInt(r.shares), identity: r.identity }));
  }

  /** How many recipients have an identity starting with `identityPrefix`, and their shares together (one scan). */
  async matching(runId: bigint, identityPrefix: string): Promise<{ count: number; shares: bigint }> {
    const { rows } = await this.db.query<{ n: string; shares: string }>(
      `SELECT count(*) AS n, COALESCE(sum(shares), 0)::text AS shares FROM run_recipients
       WHERE run_id = $1 AND starts_with(identity, $2::text)`,
      [runId, identityPrefix],
    );
    return { count: Number(rows[0]?.n ?? 0), shares: BigInt(rows[0]?.shares ?? "0") };
  }

  /** The account's row and its rank (1 = largest; ties by accountId), or undefined without a share. */
  async rankOf(runId: bigint, accountId: Hex): Promise<(RankedRecipient & { rank: number }) | undefined> {
    const { rows } = await this.db.query<{
      account_id: Hex;
      shares: string;
      identity: string | null;
      ahead: string;
    }>(
      // Two range counts on the index (larger shares; equal shares, smaller accountId): an OR of the
      // two would scan the whole table.
      `SELECT r.account_id, r.shares, r.identity,
              (SELECT count(*) FROM run_recipients o WHERE o.run_id = r.run_id AND o.shares > r.shares)
            + (SELECT count(*) FROM run_recipients o
               WHERE o.run_id = r.run_id AND o.shares = r.shares AND o.account_id < r.account_id) AS ahead
       FROM run_recipients r WHERE r.run_id = $1 AND r.account_id = $2`,
      [runId, bytea(accountId)],
    );
    const r = rows[0];
    if (!r) return undefined;
    return {
      accountId: r.account_id,
      shares: BigInt(r.shares),
      identity: r.identity,
      rank: Number(r.ahead) + 1,
    };
  }
}
