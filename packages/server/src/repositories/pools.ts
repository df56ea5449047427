import { getAddress, type Address, type Hex } from "viem";
import { bytea, isUniqueViolation, type Database, type Queryable } from "../db/database.ts";
import { ServerError } from "../errors.ts";

export interface PoolRecord {
  id: bigint;
  chainId: number;
  address: Address;
  name: string;
  deployedBlock: bigint;
  activationDelaySeconds: bigint | null;
  claimWindowSeconds: bigint | null;
  registeredBy: Address;
  createdAt: Date;
}

export type ScheduleStatus = "pending" | "active" | "superseded" | "revoked";

export interface ScheduleRecord {
  scheduleId: bigint;
  status: ScheduleStatus;
  root: Hex;
  totalShares: bigint;
  tableHash: Hex;
  policyHash: Hex;
  inputsHash: Hex;
  uri: string;
  proposedBlock: bigint;
  proposedTx: Hex;
  activatesAt: Date | null;
  activatedBlock: bigint | null;
  revokedBlock: bigint | null;
  supersededBlock: bigint | null;
  /** Tokens whose unclaimed remainder of this schedule was swept. */
  sweptTokens: Address[];
}

export interface BalanceRecord {
  token: Address;
  deposited: bigint;
  claimed: bigint;
  balance: bigint;
}

type PoolRow = {
  id: string;
  chain_id: string;
  address: Hex;
  name: string;
  deployed_block: string;
  activation_delay_seconds: string | null;
  claim_window_seconds: string | null;
  registered_by: Hex;
  created_at: Date;
};

const POOL_COLUMNS =
  "id, chain_id, address, name, deployed_block, activation_delay_seconds, claim_window_seconds, registered_by, created_at";
const optBig = (v: string | null) => (v === null ? null : BigInt(v));

function toPool(row: PoolRow): PoolRecord {
  return {
    id: BigInt(row.id),
    chainId: Number(row.chain_id),
    address: getAddress(row.address),
    name: row.name,
    deployedBlock: BigInt(row.deployed_block),
    activationDelaySeconds: optBig(row.activation_delay_seconds),
    claimWindowSeconds: optBig(row.claim_window_seconds),
    registeredBy: getAddress(row.registered_by),
    createdAt: row.created_at,
  };
}

export class PoolRepository {
  constructor(private readonly db: Database) {}

  async insert(pool: {
    chainId: number;
    address: Address;
    name: string;
    deployedBlock: bigint;
    registeredBy: Address;
  }): Promise<PoolRecord> {
    try {
      const { rows } = await this.db.query<PoolRow>(
        `INSERT INTO pools (chain_id, address, name, deployed_block, registered_by)
         VALUES ($1, $2, $3, $4, $5) RETURNING ${POOL_COLUMNS}`,
        [pool.chainId, bytea(pool.address), pool.name, pool.deployedBlock, bytea(pool.registeredBy)],
      );
      return toPool(rows[0] as PoolRow);
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new ServerError(
          "CONFLICT",
          `pool ${pool.address} is already registered on chain ${pool.chainId}`,
          { cause: error },
        );
      }
      throw error;
    }
  }

  /** Keyset pagination by id: stable under concurrent inserts. */
  async list(chainId: number, options: { limit: number; afterId?: bigint }): Promise<PoolRecord[]> {
    const { rows } = await this.db.query<PoolRow>(
      `SELECT ${POOL_COLUMNS} FROM pools WHERE chain_id = $1 AND id > $2 ORDER BY id LIMIT $3`,
      [chainId, options.afterId ?? 0n, options.limit],
    );
    return rows.map(toPool);
  }

  async findByAddress(chainId: number, address: Address): Promise<PoolRecord | undefined> {
    const { rows } = await this.db.query<PoolRow>(
      `SELECT ${POOL_COLUMNS} FROM pools WHERE chain_id = $1 AND address = $2`,
      [chainId, bytea(address)],
    );
    return rows[0] ? toPool(rows[0]) : undefined;
  }

  async schedules(poolId: bigint, status?: ScheduleStatus): Promise<ScheduleRecord[]> {
    const { rows } = await this.db.query<{
      schedule_id: string;
      status: ScheduleStatus;
      root: Hex;
      total_shares: string;
      table_hash: Hex;
      policy_hash: Hex;
      inputs_hash: Hex;
      uri: string;
      proposed_block: string;
      proposed_tx: Hex;
      activates_at: Date | null;
      activated_block: string | null;
      revoked_block: string | null;
      superseded_block: string | null;
      swept_tokens: Hex[] | null;
    }>(
      `SELECT s.*, (SELECT array_agg(encode(w.token, 'hex') ORDER BY w.token) FROM sweeps w
                    WHERE w.pool_id = s.pool_id AND w.schedule_id = s.schedule_id) AS swept_tokens
       FROM schedules s WHERE s.pool_id = $1 AND ($2::schedule_status IS NULL OR s.status = $2::schedule_status)
       ORDER BY s.schedule_id`,
      [poolId, status ?? null],
    );
    return rows.map((r) => ({
      scheduleId: BigInt(r.schedule_id),
      status: r.status,
      root: r.root,
      totalShares: BigInt(r.total_shares),
      tableHash: r.table_hash,
      policyHash: r.policy_hash,
      inputsHash: r.inputs_hash,
      uri: r.uri,
      proposedBlock: BigInt(r.proposed_block),
      proposedTx: r.proposed_tx,
      activatesAt: r.activates_at,
      activatedBlock: optBig(r.activated_block),
      revokedBlock: optBig(r.revoked_block),
      supersededBlock: optBig(r.superseded_block),
      sweptTokens: parseTextArray(r.swept_tokens).map((hex) => getAddress(`0x${hex}`)),
    }));
  }

  async balances(poolId: bigint): Promise<BalanceRecord[]> {
    const { rows } = await this.db.query<{ token: Hex; deposited: string; claimed: string; balance: string }>(
      "SELECT token, deposited, claimed, balance FROM pool_balances WHERE pool_id = $1 ORDER BY token",
      [poolId],
    );
    return rows.map((r) => ({
      token: getAddress(r.token),
      deposited: BigInt(r.deposited),
      claimed: BigInt(r.claimed),
      balance: BigInt(r.balance),
    }));
  }
}

/** text[] arrives parsed from node-postgres but as '{a,b}' text from PGlite's default parser. */
function parseTextArray(value: string[] | string | null): string[] {
  if (value === null) return [];
  if (Array.isArray(value)) return value;
  return value === "{}" ? [] : value.slice(1, -1).split(",");
}

export interface ScheduleInput {
  poolId: bigint;
  scheduleId: bigint;
  status: ScheduleStatus;
  root: Hex;
  totalShares: bigint;
  tableHash: Hex;
  policyHash: Hex;
  inputsHash: Hex;
  uri: string;
  proposedBlock: bigint;
  proposedTx: Hex;
  activatesAt: Date | null;
}

export interface ChainLog {
  poolId: bigint;
  blockNumber: bigint;
  logIndex: number;
  blockHash: Hex;
  txHash: Hex;
}

/**
 * Writes of chain events. Inserts are idempotent on (pool, block, logIndex): re-indexing a range
 * after a restart writes nothing twice. Callers pass a transaction so one block's events land
 * together with the cursor move.
 */
export class ChainEventRepository {
  async insertSchedule(tx: Queryable, s: ScheduleInput): Promise<void> {
    await tx.query(
      `INSERT INTO schedules (pool_id, schedule_id, status, root, total_shares, table_hash, policy_hash, inputs_hash, uri,
                              proposed_block, proposed_tx, activates_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (pool_id, schedule_id) DO NOTHING`,
      [
        s.poolId,
        s.scheduleId,
        s.status,
        bytea(s.root),
        s.totalShares,
        bytea(s.tableHash),
        bytea(s.policyHash),
        bytea(s.inputsHash),
        s.uri,
        s.proposedBlock,
        bytea(s.proposedTx),
        s.activatesAt,
      ],
    );
  }

  async insertDeposits(
    tx: Queryable,
    deposits: readonly (ChainLog & {
      scheduleId: bigint | null;
      token: Address;
      payer: Address;
      amount: bigint;
      memo: Hex;
    })[],
  ): Promise<number> {
    let inserted = 0;
    for (const d of deposits) {
      const { rowCount } = await tx.query(
        `INSERT INTO deposits (pool_id, block_number, log_index, block_hash, tx_hash, schedule_id, token, payer, amount, memo)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING`,
        [
          d.poolId,
          d.blockNumber,
          d.logIndex,
          bytea(d.blockHash),
          bytea(d.txHash),
          d.scheduleId,
          bytea(d.token),
          bytea(d.payer),
          d.amount,
          bytea(d.memo),
        ],
      );
      inserted += rowCount;
    }
    return inserted;
  }

  async insertClaims(
    tx: Queryable,
    claims: readonly (ChainLog & {
      scheduleId: bigint;
      accountId: Hex;
      token: Address;
      payee: Address;
      amount: bigint;
    })[],
  ): Promise<number> {
    let inserted = 0;
    for (const c of claims) {
      const { rowCount } = await tx.query(
        `INSERT INTO claims (pool_id, block_number, log_index, block_hash, tx_hash, schedule_id, account_id, token, payee, amount)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING`,
        [
          c.poolId,
          c.blockNumber,
          c.logIndex,
          bytea(c.blockHash),
          bytea(c.txHash),
          c.scheduleId,
          bytea(c.accountId),
          bytea(c.token),
          bytea(c.payee),
          c.amount,
        ],
      );
      inserted += rowCount;
    }
    return inserted;
  }

  async insertSweep(
    tx: Queryable,
    s: ChainLog & { scheduleId: bigint; token: Address; amount: bigint; intoScheduleId: bigint },
  ): Promise<void> {
    await tx.query(
      `INSERT INTO sweeps (pool_id, block_number, log_index, block_hash, tx_hash, schedule_id, token, amount, into_schedule_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (pool_id, block_number, log_index) DO NOTHING`,
      [
        s.poolId,
        s.blockNumber,
        s.logIndex,
        bytea(s.blockHash),
        bytea(s.txHash),
        s.scheduleId,
        bytea(s.token),
        s.amount,
        s.intoScheduleId,
      ],
    );
  }
}
