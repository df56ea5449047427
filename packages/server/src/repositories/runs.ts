import { getAddress, type Address, type Hex } from "viem";
import type { JsonValue } from "../canonical.ts";
import { bytea, type Database, type DbValue } from "../db/database.ts";

export interface RunInputFile {
  name: string;
  mediaType: string;
  sha256: Hex;
  content: Uint8Array;
}

export interface RecipientRow {
  accountId: Hex;
  shares: bigint;
  identity: string | null;
  explanation?: JsonValue;
}

export interface CompletedRun {
  poolId: bigint | null;
  policyVersionId: bigint;
  engineVersion: string;
  inputsHash: Hex;
  tableHash: Hex;
  root: Hex;
  totalShares: bigint;
  createdBy: Address;
  inputs: readonly RunInputFile[];
  /** Iterated once, lazily, so a table of 10^6 recipients need not be copied into another array. */
  recipients: Iterable<RecipientRow>;
}

export interface RunRecord {
  id: bigint;
  poolId: bigint | null;
  policyVersionId: bigint;
  status: "draft" | "complete" | "failed";
  engineVersion: string | null;
  inputsHash: Hex | null;
  tableHash: Hex | null;
  root: Hex | null;
  totalShares: bigint | null;
  recipientCount: number | null;
  createdBy: Address;
  createdAt: Date;
  completedAt: Date | null;
}

type RunRow = {
  id: string;
  pool_id: string | null;
  policy_version_id: string;
  status: RunRecord["status"];
  engine_version: string | null;
  inputs_hash: Hex | null;
  table_hash: Hex | null;
  root: Hex | null;
  total_shares: string | null;
  recipient_count: number | null;
  created_by: Hex;
  created_at: Date;
  completed_at: Date | null;
};

function toRun(r: RunRow): RunRecord {
  return {
    id: BigInt(r.id),
    poolId: r.pool_id === null ? null : BigInt(r.pool_id),
    policyVersionId: BigInt(r.policy_version_id),
    status: r.status,
    engineVersion: r.engine_version,
    inputsHash: r.inputs_hash,
    tableHash: r.table_hash,
    root: r.root,
    totalShares: r.total_shares === null ? null : BigInt(r.total_shares),
    recipientCount: r.recipient_count,
    createdBy: getAddress(r.created_by),
    createdAt: r.created_at,
    completedAt: r.completed_at,
  };
}

export interface ListedRun {
  run: RunRecord;
  pool: Address | null;
  policy: { name: string; version: number; hash: Hex };
}

export class RunRepository {
  constructor(private readonly db: Database) {}

  /**
   * Stores a computed run, its input files and every recipient in ONE transaction: the run row
   * is written as 'complete' only after all recipients are in, and a failure (or a crash) at any
   * row rolls the whole run back. Recipients are bulk-loaded (COPY on PostgreSQL).
   */
  async insertCompleted(run: CompletedRun): Promise<RunRecord> {
    return this.db.transaction(async (tx) => {
      const { rows } = await tx.query<{ id: string }>(
        `INSERT INTO runs (pool_id, policy_version_id, status, engine_version, inputs_hash, created_by)
         VALUES ($1, $2, 'draft', $3, $4, $5) RETURNING id`,
        [run.poolId, run.policyVersionId, run.engineVersion, bytea(run.inputsHash), bytea(run.createdBy)],
      );
      const id = BigInt((rows[0] as { id: string }).id);
      await tx.insertMany(
        "run_inputs",
        ["run_id", "position", "name", "media_type", "sha256", "content"],
        run.inputs.map((f, position): DbValue[] => [
          id,
          position,
          f.name,
          f.mediaType,
          bytea(f.sha256),
          f.content,
        ]),
      );
      let count = 0;
      const recipientRows = function* (): Generator<DbValue[]> {
        for (const r of run.recipients) {
          count++;
          yield [
            id,
            bytea(r.accountId),
            r.shares,
            r.identity,
            r.explanation === undefined ? null : JSON.stringify(r.explanation),
          ];
        }
      };
      await tx.insertMany(
        "run_recipients",
        ["run_id", "account_id", "shares", "identity", "explanation"],
        recipientRows(),
      );
      const { rows: done } = await tx.query<RunRow>(
        `UPDATE runs SET status = 'complete', table_hash = $2, root = $3, total_shares = $4, recipient_count = $5, completed_at = now()
         WHERE id = $1 RETURNING *`,
        [id, bytea(run.tableHash), bytea(run.root), run.totalShares, count],
      );
      return toRun(done[0] as RunRow);
    });
  }

  async get(id: bigint): Promise<RunRecord | undefined> {
    const { rows } = await this.db.query<RunRow>("SELECT * FROM runs WHERE id = $1", [id]);
    return rows[0] ? toRun(rows[0]) : undefined;
  }

  /**
   * Runs newest first, keyset-paginated by id (`beforeId`: the last id of the previous page),
   * optionally only one pool's or one policy line's, each with its pool and policy version.
   */
  async list(options: {
    limit: number;
    poolId?: bigint;
    policyName?: string;
    beforeId?: bigint;
  }): Promise<ListedRun[]> {
    const { rows } = await this.db.query<
      RunRow & { pool_address: Hex | null; policy_name: string; policy_version: number; policy_hash: Hex }
    >(
      `SELECT r.*, p.address AS pool_address, v.policy_name, v.version AS policy_version, v.hash AS policy_hash
       FROM runs r
       JOIN policy_versions v ON v.id = r.policy_version_id
       LEFT JOIN pools p ON p.id = r.pool_id
       WHERE ($1::bigint IS NULL OR r.pool_id = $1)
         AND ($2::text IS NULL OR v.policy_name = $2)
         AND ($3::bigint IS NULL OR r.id < $3)
       ORDER BY r.id DESC LIMIT $4`,
      [options.poolId ?? null, options.policyName ?? null, options.beforeId ?? null, options.limit],
    );
    return rows.map((r) => ({
      run: toRun(r),
      pool: r.pool_address === null ? null : getAddress(r.pool_address),
      policy: { name: r.policy_name, version: r.policy_version, hash: r.policy_hash },
    }));
  }

  async count(): Promise<number> {
    const { rows } = await this.db.query<{ n: string }>("SELECT count(*) AS n FROM runs");
    return Number(rows[0]?.n ?? 0);
  }

  /** Recipients sorted by accountId, keyset-paginated (the order the share table is in). */
  async recipients(runId: bigint, options: { limit: number; afterAccountId?: Hex }): Promise<RecipientRow[]> {
    const { rows } = await this.db.query<{
      account_id: Hex;
      shares: string;
      identity: string | null;
      explanation: JsonValue | null;
    }>(
      `SELECT account_id, shares, identity, explanation FROM run_recipients
       WHERE run_id = $1 AND ($2::bytea IS NULL OR account_id > $2::bytea) ORDER BY account_id LIMIT $3`,
      [runId, options.afterAccountId ? bytea(options.afterAccountId) : null, options.limit],
    );
    return rows.map((r) => ({
      accountId: r.account_id,
      shares: BigInt(r.shares),
      identity: r.identity,
      ...(r.explanation === null ? {} : { explanation: r.explanation }),
    }));
  }

  async recipientStats(runId: bigint): Promise<{ count: number; totalShares: bigint }> {
    const { rows } = await this.db.query<{ n: string; total: string | null }>(
      "SELECT count(*) AS n, sum(shares)::numeric(78,0) AS total FROM run_recipients WHERE run_id = $1",
      [runId],
    );
    return { count: Number(rows[0]?.n ?? 0), totalShares: BigInt(rows[0]?.total ?? 0) };
  }
}

export interface RecipientChange {
  accountId: Hex;
  identity: string | null;
  before: bigint;
  after: bigint;
}

export class RunQueries {
  constructor(private readonly db: Database) {}

  /** The newest complete run of a pool whose Merkle root is `root` (the run behind a schedule). */
  async findCompleteByRoot(poolId: bigint, root: Hex): Promise<bigint | undefined> {
    const { rows } = await this.db.query<{ id: string }>(
      "SELECT id FROM runs WHERE pool_id = $1 AND root = $2 AND status = 'complete' ORDER BY id DESC LIMIT 1",
      [poolId, bytea(root)],
    );
    return rows[0] ? BigInt(rows[0].id) : undefined;
  }

  /**
   * Accounts whose shares differ between two runs (absent = 0), by accountId, keyset-paginated;
   * computed in the database so tables of 10^6 rows are never loaded into memory.
   */
  async changes(
    runId: bigint,
    againstId: bigint,
    options: { limit: number; afterAccountId?: Hex },
  ): Promise<RecipientChange[]> {
    const { rows } = await this.db.query<{
      account_id: Hex;
      identity: string | null;
      before: string | null;
      after: string | null;
    }>(
      `SELECT COALESCE(a.account_id, b.account_id) AS account_id, COALESCE(a.identity, b.identity) AS identity,
              b.shares AS before, a.shares AS after
       FROM (SELECT account_id, shares, identity FROM run_recipients WHERE run_id = $1) a
       FULL OUTER JOIN (SELECT account_id, shares, identity FROM run_recipients WHERE run_id = $2) b ON a.account_id = b.account_id
       WHERE a.shares IS DISTINCT FROM b.shares
         AND ($3::bytea IS NULL OR COALESCE(a.account_id, b.account_id) > $3::bytea)
       ORDER BY 1 LIMIT $4`,
      [runId, againstId, options.afterAccountId ? bytea(options.afterAccountId) : null, options.limit],
    );
    return rows.map((r) => ({
      accountId: r.account_id,
      identity: r.identity,
      before: BigInt(r.before ?? 0),
      after: BigInt(r.after ?? 0),
    }));
  }

  async changeSummary(
    runId: bigint,
    againstId: bigint,
  ): Promise<{ added: number; removed: number; changed: number; unchanged: number }> {
    const { rows } = await this.db.query<{
      added: string;
      removed: string;
      changed: string;
      unchanged: string;
    }>(
      `SELECT count(*) FILTER (WHERE b.account_id IS NULL) AS added,
              count(*) FILTER (WHERE a.account_id IS NULL) AS removed,
              count(*) FILTER (WHERE a.shares <> b.shares) AS changed,
              count(*) FILTER (WHERE a.shares = b.shares) AS unchanged
       FROM (SELECT account_id, shares FROM run_recipients WHERE run_id = $1) a
       FULL OUTER JOIN (SELECT account_id, shares FROM run_recipients WHERE run_id = $2) b ON a.account_id = b.account_id`,
      [runId, againstId],
    );
    const r = rows[0]!;
    return {
      added: Number(r.added),
      removed: Number(r.removed),
      changed: Number(r.changed),
      unchanged: Number(r.unchanged),
    };
  }
}

/** Every recipient of a run in table order, read page by page (for building its Merkle tree). */
export async function allRecipients(
  runs: RunRepository,
  runId: bigint,
  pageSize = 50_000,
): Promise<RecipientRow[]> {
  const out: RecipientRow[] = [];
  let after: Hex | undefined;
  for (;;) {
    const page = await runs.recipients(runId, {
      limit: pageSize,
      ...(after ? { afterAccountId: after } : {}),
    });
    out.push(...page);
    if (page.length < pageSize) return out;
    after = page.at(-1)!.accountId;
  }
}
