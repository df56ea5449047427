import {
  type PROPOSED_SCHEDULE_STATUSES,
  type ProposedSchedule,
  scheduleStatuses,
} from "@wellspring/protocol";
import { getAddress, type Address, type Hex } from "viem";
import { bytea, isUniqueViolation, type Database, type DbValue, type Queryable } from "../db/database.ts";
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

/** A proposed schedule's status (never "unknown": the schedule was indexed). */
export type ScheduleStatus = (typeof PROPOSED_SCHEDULE_STATUSES)[number];

/** Chain time (whole seconds) of a date, as the pool's `block.timestamp` compares it. */
export const chainSeconds = (date: Date): bigint => BigInt(Math.floor(date.getTime() / 1000));

/** A schedule as the protocol's schedule rules take it. */
export function proposedSchedule(s: {
  scheduleId: bigint;
  activatesAt: Date;
  revokedBlock: bigint | null;
}): ProposedSchedule {
  return {
    scheduleId: s.scheduleId,
    activatesAt: chainSeconds(s.activatesAt),
    revoked: s.revokedBlock !== null,
  };
}

export interface ScheduleRecord {
  scheduleId: bigint;
  /** Computed at read time (protocol `scheduleStatuses`): schedules activate by time, not by a transaction. */
  status: ScheduleStatus;
  proposer: Address;
  root: Hex;
  totalShares: bigint;
  tableHash: Hex;
  policyHash: Hex;
  inputsHash: Hex;
  uri: string;
  activatesAt: Date;
  proposedBlock: bigint;
  proposedTx: Hex;
  revokedBlock: bigint | null;
  revokedBy: Address | null;
  /** Tokens whose unclaimed remainder of this schedule was swept. */
  sweptTokens: Address[];
  /** The latest complete run of this pool with the schedule's root (the table the server holds), if any. */
  runId: bigint | null;
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

export interface DepositRecord {
  blockNumber: bigint;
  logIndex: number;
  txHash: Hex;
  blockTime: Date | null;
  scheduleId: bigint | null;
  source: "deposit" | "sync";
  token: Address;
  payer: Address;
  amount: bigint;
  memo: Hex;
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

  async findById(id: bigint): Promise<PoolRecord | undefined> {
    const { rows } = await this.db.query<PoolRow>(`SELECT ${POOL_COLUMNS} FROM pools WHERE id = $1`, [id]);
    return rows[0] ? toPool(rows[0]) : undefined;
  }

  /** Schedules in id order with their status at `now` (the pool's rule, @wellspring/protocol `scheduleStatuses`). */
  async schedules(poolId: bigint, now: Date, status?: ScheduleStatus): Promise<ScheduleRecord[]> {
    const { rows } = await this.db.query<{
      schedule_id: string;
      proposer: Hex;
      root: Hex;
      total_shares: string;
      table_hash: Hex;
      policy_hash: Hex;
      inputs_hash: Hex;
      uri: string;
      activates_at: Date;
      proposed_block: string;
      proposed_tx: Hex;
      revoked_block: string | null;
      revoked_by: Hex | null;
      swept_tokens: string | null;
      run_id_held: string | null;
    }>(
      `SELECT s.*,
              (SELECT string_agg(encode(w.token, 'hex'), ',' ORDER BY w.token) FROM sweeps w
               WHERE w.pool_id = s.pool_id AND w.schedule_id = s.schedule_id) AS swept_tokens,
              (SELECT r.id FROM runs r WHERE r.pool_id = s.pool_id AND r.root = s.root
                 AND r.status = 'complete' ORDER BY r.id DESC LIMIT 1) AS run_id_held
       FROM schedules s WHERE s.pool_id = $1
       ORDER BY s.schedule_id`,
      [poolId],
    );
    const statuses = scheduleStatuses(
      rows.map((r) =>
        proposedSchedule({
          scheduleId: BigInt(r.schedule_id),
          activatesAt: r.activates_at,
          revokedBlock: optBig(r.revoked_block),
        }),
      ),
      chainSeconds(now),
    );
    const records = rows.map((r, i) => ({
      scheduleId: BigInt(r.schedule_id),
      // Indexed schedules are known, so the status is never "unknown".
      status: statuses[i]!.status as ScheduleStatus,
      proposer: getAddress(r.proposer),
      root: r.root,
      totalShares: BigInt(r.total_shares),
      tableHash: r.table_hash,
      policyHash: r.policy_hash,
      inputsHash: r.inputs_hash,
      uri: r.uri,
      activatesAt: r.activates_at,
      proposedBlock: BigInt(r.proposed_block),
      proposedTx: r.proposed_tx,
      revokedBlock: optBig(r.revoked_block),
      revokedBy: r.revoked_by === null ? null : getAddress(r.revoked_by),
      sweptTokens: r.swept_tokens ? r.swept_tokens.split(",").map((hex) => getAddress(`0x${hex}`)) : [],
      runId: optBig(r.run_id_held),
    }));
    return status === undefined ? records : records.filter((r) => r.status === status);
  }

  /** Deposits in chain order, keyset-paginated by (block, logIndex), optionally for one payer or token. */
  async deposits(
    poolId: bigint,
    options: {
      limit: number;
      payer?: Address;
      token?: Address;
      after?: { blockNumber: bigint; logIndex: number };
    },
  ): Promise<DepositRecord[]> {
    const { rows } = await this.db.query<{
      block_number: string;
      log_index: number;
      tx_hash: Hex;
      block_time: Date | null;
      schedule_id: string | null;
      source: "deposit" | "sync";
      token: Hex;
      payer: Hex;
      amount: string;
      memo: Hex;
    }>(
      `SELECT block_number, log_index, tx_hash, block_time, schedule_id, source, token, payer, amount, memo FROM deposits
       WHERE pool_id = $1 AND ($2::bytea IS NULL OR payer = $2::bytea) AND ($3::bytea IS NULL OR token = $3::bytea)
         AND (block_number, log_index) > ($4::bigint, $5::integer)
       ORDER BY block_number, log_index LIMIT $6`,
      [
        poolId,
        options.payer ? bytea(options.payer) : null,
        options.token ? bytea(options.token) : null,
        options.after?.blockNumber ?? -1n,
        options.after?.logIndex ?? -1,
        options.limit,
      ],
    );
    return rows.map((r) => ({
      blockNumber: BigInt(r.block_number),
      logIndex: r.log_index,
      txHash: r.tx_hash,
      blockTime: r.block_time,
      scheduleId: optBig(r.schedule_id),
      source: r.source,
      token: getAddress(r.token),
      payer: getAddress(r.payer),
      amount: BigInt(r.amount),
      memo: r.memo,
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

export interface ChainLog {
  poolId: bigint;
  blockNumber: bigint;
  logIndex: number;
  blockHash: Hex;
  txHash: Hex;
}

export interface ScheduleProposal extends ChainLog {
  scheduleId: bigint;
  proposer: Address;
  root: Hex;
  totalShares: bigint;
  tableHash: Hex;
  policyHash: Hex;
  inputsHash: Hex;
  uri: string;
  activatesAt: Date;
}

export interface DepositEvent extends ChainLog {
  /** null: the unallocated pot (on-chain schedule id 0). */
  scheduleId: bigint | null;
  source: "deposit" | "sync";
  token: Address;
  payer: Address;
  amount: bigint;
  memo: Hex;
  blockTime: Date | null;
}

export interface ClaimEvent extends ChainLog {
  scheduleId: bigint;
  accountId: Hex;
  token: Address;
  payee: Address;
  amount: bigint;
  blockTime: Date | null;
}

export interface SweepEvent extends ChainLog {
  scheduleId: bigint;
  token: Address;
  amount: bigint;
  intoScheduleId: bigint;
  caller: Address;
}

/**
 * Writes of chain events. Inserts are idempotent on (pool, block, logIndex), so re-indexing a
 * range after a restart writes nothing twice. Callers pass a transaction so that one batch of
 * events lands together with the cursor move, and a rollback after a reorg is all or nothing.
 */
export class ChainEventRepository {
  async setPoolParameters(
    tx: Queryable,
    poolId: bigint,
    activationDelaySeconds: bigint,
    claimWindowSeconds: bigint,
  ): Promise<void> {
    await tx.query(
      "UPDATE pools SET activation_delay_seconds = $2, claim_window_seconds = $3 WHERE id = $1",
      [poolId, activationDelaySeconds, claimWindowSeconds],
    );
  }

  async insertSchedule(tx: Queryable, s: ScheduleProposal): Promise<number> {
    const { rowCount } = await tx.query(
      `INSERT INTO schedules (pool_id, schedule_id, proposer, root, total_shares, table_hash, policy_hash, inputs_hash, uri,
                              activates_at, proposed_block, proposed_tx)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (pool_id, schedule_id) DO NOTHING`,
      [
        s.poolId,
        s.scheduleId,
        bytea(s.proposer),
        bytea(s.root),
        s.totalShares,
        bytea(s.tableHash),
        bytea(s.policyHash),
        bytea(s.inputsHash),
        s.uri,
        s.activatesAt,
        s.blockNumber,
        bytea(s.txHash),
      ],
    );
    return rowCount;
  }

  async revokeSchedule(
    tx: Queryable,
    poolId: bigint,
    scheduleId: bigint,
    blockNumber: bigint,
    revokedBy: Address,
  ): Promise<void> {
    await tx.query(
      "UPDATE schedules SET revoked_block = $3, revoked_by = $4 WHERE pool_id = $1 AND schedule_id = $2",
      [poolId, scheduleId, blockNumber, bytea(revokedBy)],
    );
  }

  /** Multi-row inserts (1,000 rows per statement); returns how many rows were new. */
  async insertDeposits(tx: Queryable, deposits: readonly DepositEvent[]): Promise<number> {
    return insertRows(
      tx,
      "INSERT INTO deposits (pool_id, block_number, log_index, block_hash, tx_hash, schedule_id, source, token, payer, amount, memo, block_time) VALUES ",
      " ON CONFLICT DO NOTHING",
      deposits.map((d) => [
        d.poolId,
        d.blockNumber,
        d.logIndex,
        bytea(d.blockHash),
        bytea(d.txHash),
        d.scheduleId,
        d.source,
        bytea(d.token),
        bytea(d.payer),
        d.amount,
        bytea(d.memo),
        d.blockTime,
      ]),
    );
  }

  async insertClaims(tx: Queryable, claims: readonly ClaimEvent[]): Promise<number> {
    return insertRows(
      tx,
      "INSERT INTO claims (pool_id, block_number, log_index, block_hash, tx_hash, schedule_id, account_id, token, payee, amount, block_time) VALUES ",
      " ON CONFLICT DO NOTHING",
      claims.map((c) => [
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
        c.blockTime,
      ]),
    );
  }

  async insertSweep(tx: Queryable, s: SweepEvent): Promise<number> {
    const { rowCount } = await tx.query(
      `INSERT INTO sweeps (pool_id, block_number, log_index, block_hash, tx_hash, schedule_id, token, amount, into_schedule_id, caller)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (pool_id, block_number, log_index) DO NOTHING`,
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
        bytea(s.caller),
      ],
    );
    return rowCount;
  }

  /** Forgets everything a pool's events wrote above block `fork` (a reorg replaced those blocks). */
  async rollbackPool(tx: Queryable, poolId: bigint, fork: bigint): Promise<number> {
    let removed = 0;
    for (const table of ["deposits", "claims", "sweeps"]) {
      removed += (
        await tx.query(`DELETE FROM ${table} WHERE pool_id = $1 AND block_number > $2`, [poolId, fork])
      ).rowCount;
    }
    removed += (
      await tx.query("DELETE FROM schedules WHERE pool_id = $1 AND proposed_block > $2", [poolId, fork])
    ).rowCount;
    removed += (
      await tx.query(
        "UPDATE schedules SET revoked_block = NULL, revoked_by = NULL WHERE pool_id = $1 AND revoked_block > $2",
        [poolId, fork],
      )
    ).rowCount;
    return removed;
  }
}

/** `head` + VALUES tuples + `tail`, at most 1,000 rows per statement; returns the affected row count. */
export async function insertRows(
  tx: Queryable,
  head: string,
  tail: string,
  rows: readonly (readonly DbValue[])[],
): Promise<number> {
  let affected = 0;
  for (let i = 0; i < rows.length; i += 1_000) {
    const params: DbValue[] = [];
    const tuples = rows.slice(i, i + 1_000).map((row) => {
      const slots = row.map((value) => {
        params.push(value);
        return `$${params.length}`;
      });
      return `(${slots.join(", ")})`;
    });
    affected += (await tx.query(head + tuples.join(", ") + tail, params)).rowCount;
  }
  return affected;
}
