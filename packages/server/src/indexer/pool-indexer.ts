import { royaltyPoolAbi } from "@wellspring/sdk";
import type { Logger } from "pino";
import { getAddress, type Hex, type PublicClient } from "viem";
import { bytea, type Database, type DbValue, type Queryable } from "../db/database.ts";
import {
  ChainEventRepository,
  PoolRepository,
  type ClaimEvent,
  type DepositEvent,
  type PoolRecord,
} from "../repositories/pools.ts";

type PoolAbiEvent = Extract<(typeof royaltyPoolAbi)[number], { type: "event" }>;
const KEPT = new Set([
  "PoolInitialized",
  "Deposited",
  "Synced",
  "ScheduleProposed",
  "ScheduleRevoked",
  "Claimed",
  "Swept",
]);
/** The pool events the server keeps; the others (roles, pauses) are read from the chain when needed. */
const EVENTS = royaltyPoolAbi.filter(
  (item): item is PoolAbiEvent => item.type === "event" && KEPT.has(item.name),
);

const ZERO_MEMO: Hex = `0x${"00".repeat(32)}`;
/** Blocks fetched at once (timestamps and hashes of the blocks that hold events). */
const BLOCK_FETCH_CONCURRENCY = 16;

/** The cursor stream of a pool: `pool:<lower-case address>` (readers of the cursor use it too). */
export const poolStream = (address: string): string => `pool:${address.toLowerCase()}`;

export interface IndexerOptions {
  db: Database;
  client: PublicClient;
  chainId: number;
  /** Blocks behind the head that are considered final; only those are indexed. */
  confirmations: number;
  /** Most blocks per eth_getLogs call. */
  batchBlocks?: number;
  logger?: Logger;
}

export interface SyncReport {
  pools: number;
  blocks: number;
  events: number;
  reorgs: number;
}

interface Cursor {
  blockNumber: bigint;
  blockHash: Hex;
}

/**
 * Follows every registered pool of one chain into PostgreSQL.
 *
 * - Confirmation depth: only blocks at least `confirmations` behind the head are read.
 * - Resumable: each pool has a cursor (`pool:<address>`, block number and hash) that moves in the
 *   same transaction as the events of the range it covers; a restart continues from it.
 * - Idempotent: event rows are keyed by (pool, block, logIndex) and inserted with ON CONFLICT DO
 *   NOTHING; state changes (revocations, pool parameters) are plain overwrites.
 * - Reorg-safe: before moving on, the cursor's block hash is compared with the chain's; on a
 *   mismatch the indexer walks back through the recorded block hashes to the last block both
 *   agree on, deletes everything the pool's events wrote above it, and re-reads from there. Logs
 *   whose block hash differs from the block fetched for that height (a reorg during the read)
 *   abort the batch; the next round retries.
 */
export class PoolIndexer {
  private readonly events = new ChainEventRepository();
  private readonly pools: PoolRepository;
  private readonly batchBlocks: bigint;

  constructor(private readonly options: IndexerOptions) {
    this.pools = new PoolRepository(options.db);
    this.batchBlocks = BigInt(options.batchBlocks ?? 2_000);
  }

  /** Brings every registered pool up to the confirmed head once. */
  async syncOnce(): Promise<SyncReport> {
    const head = await this.options.client.getBlockNumber({ cacheTime: 0 });
    const target = head - BigInt(this.options.confirmations);
    const report: SyncReport = { pools: 0, blocks: 0, events: 0, reorgs: 0 };
    let afterId: bigint | undefined;
    for (;;) {
      const page = await this.pools.list(this.options.chainId, {
        limit: 100,
        ...(afterId === undefined ? {} : { afterId }),
      });
      if (page.length === 0) break;
      for (const pool of page) {
        const r = await this.syncPool(pool, target);
        report.pools++;
        report.blocks += r.blocks;
        report.events += r.events;
        report.reorgs += r.reorgs;
      }
      afterId = page.at(-1)?.id;
    }
    return report;
  }

  /** Loops until `signal` aborts, waiting `intervalMs` between rounds; errors are logged and retried. */
  async run(signal: AbortSignal, intervalMs = 2_000): Promise<void> {
    while (!signal.aborted) {
      try {
        const report = await this.syncOnce();
        if (report.events > 0 || report.reorgs > 0) this.options.logger?.info(report, "indexed");
      } catch (error) {
        this.options.logger?.warn({ err: error }, "indexer round failed; retrying");
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, intervalMs);
        signal.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
      });
    }
  }

  private stream(pool: PoolRecord): string {
    return poolStream(pool.address);
  }

  async cursor(pool: PoolRecord): Promise<Cursor | undefined> {
    const { rows } = await this.options.db.query<{ block_number: string; block_hash: Hex }>(
      "SELECT block_number, block_hash FROM indexer_cursor WHERE chain_id = $1 AND stream = $2",
      [this.options.chainId, this.stream(pool)],
    );
    const row = rows[0];
    return row ? { blockNumber: BigInt(row.block_number), blockHash: row.block_hash } : undefined;
  }

  private async syncPool(
    pool: PoolRecord,
    target: bigint,
  ): Promise<{ blocks: number; events: number; reorgs: number }> {
    const result = { blocks: 0, events: 0, reorgs: 0 };
    let cursor = await this.cursor(pool);
    if (cursor) {
      const onChain = await this.blockHash(cursor.blockNumber);
      if (onChain !== cursor.blockHash) {
        cursor = await this.rollback(pool, cursor);
        result.reorgs++;
      }
    }
    let from = cursor ? cursor.blockNumber + 1n : pool.deployedBlock;
    while (from <= target) {
      const to = from + this.batchBlocks - 1n < target ? from + this.batchBlocks - 1n : target;
      const written = await this.indexRange(pool, from, to);
      if (written === undefined) break; // A reorg moved under the read; the next round sorts it out.
      result.blocks += Number(to - from + 1n);
      result.events += written;
      from = to + 1n;
    }
    return result;
  }

  private async blockHash(blockNumber: bigint): Promise<Hex | undefined> {
    try {
      return (await this.options.client.getBlock({ blockNumber })).hash ?? undefined;
    } catch {
      return undefined; // The chain is shorter than our cursor: treat as a reorg.
    }
  }

  /** Reads [from, to] and writes its events and the cursor in one transaction; undefined = retry. */
  private async indexRange(pool: PoolRecord, from: bigint, to: bigint): Promise<number | undefined> {
    const { client } = this.options;
    const logs = await client.getLogs({
      address: pool.address,
      events: EVENTS,
      fromBlock: from,
      toBlock: to,
      strict: true,
    });
    const blocks = new Map<bigint, { hash: Hex; parentHash: Hex; timestamp: bigint }>();
    const wanted = [...new Set([...logs.map((l) => l.blockNumber), to])];
    for (let i = 0; i < wanted.length; i += BLOCK_FETCH_CONCURRENCY) {
      const slice = wanted.slice(i, i + BLOCK_FETCH_CONCURRENCY);
      const fetched = await Promise.all(slice.map((blockNumber) => client.getBlock({ blockNumber })));
      fetched.forEach((block, k) =>
        blocks.set(slice[k]!, { hash: block.hash, parentHash: block.parentHash, timestamp: block.timestamp }),
      );
    }
    if (logs.some((l) => blocks.get(l.blockNumber)?.hash !== l.blockHash)) return undefined;
    const end = blocks.get(to)!;
    const time = (n: bigint) => new Date(Number(blocks.get(n)!.timestamp) * 1000);

    return this.options.db.transaction(async (tx) => {
      let written = 0;
      // Deposits and claims (nearly all events) are written in multi-row statements; the rare
      // schedule, revocation, sweep and parameter events are applied one by one in log order.
      const deposits: DepositEvent[] = [];
      const claims: ClaimEvent[] = [];
      for (const log of logs) {
        const base = {
          poolId: pool.id,
          blockNumber: log.blockNumber,
          logIndex: log.logIndex,
          blockHash: log.blockHash,
          txHash: log.transactionHash,
        };
        switch (log.eventName) {
          case "PoolInitialized":
            await this.events.setPoolParameters(
              tx,
              pool.id,
              BigInt(log.args.activationDelay),
              BigInt(log.args.claimWindow),
            );
            break;
          case "Deposited":
            deposits.push({
              ...base,
              scheduleId: log.args.scheduleId === 0n ? null : log.args.scheduleId,
              source: "deposit",
              token: getAddress(log.args.token),
              payer: getAddress(log.args.payer),
              amount: log.args.amount,
              memo: log.args.memo,
              blockTime: time(log.blockNumber),
            });
            break;
          case "Synced":
            deposits.push({
              ...base,
              scheduleId: log.args.scheduleId === 0n ? null : log.args.scheduleId,
              source: "sync",
              token: getAddress(log.args.token),
              payer: getAddress(log.args.caller),
              amount: log.args.amount,
              memo: ZERO_MEMO,
              blockTime: time(log.blockNumber),
            });
            break;
          case "ScheduleProposed":
            written += await this.events.insertSchedule(tx, {
              ...base,
              scheduleId: log.args.scheduleId,
              proposer: getAddress(log.args.proposer),
              root: log.args.root,
              totalShares: log.args.totalShares,
              tableHash: log.args.tableHash,
              policyHash: log.args.policyHash,
              inputsHash: log.args.inputsHash,
              uri: log.args.uri,
              activatesAt: new Date(Number(log.args.activatesAt) * 1000),
            });
            break;
          case "ScheduleRevoked":
            await this.events.revokeSchedule(
              tx,
              pool.id,
              log.args.scheduleId,
              log.blockNumber,
              getAddress(log.args.revoker),
            );
            written++;
            break;
          case "Claimed":
            claims.push({
              ...base,
              scheduleId: log.args.scheduleId,
              accountId: log.args.accountId,
              token: getAddress(log.args.token),
              payee: getAddress(log.args.payee),
              amount: log.args.amount,
              blockTime: time(log.blockNumber),
            });
            break;
          case "Swept":
            written += await this.events.insertSweep(tx, {
              ...base,
              scheduleId: log.args.scheduleId,
              token: getAddress(log.args.token),
              amount: log.args.amount,
              intoScheduleId: log.args.intoScheduleId,
              caller: getAddress(log.args.caller),
            });
            break;
        }
      }
      written += await this.events.insertDeposits(tx, deposits);
      written += await this.events.insertClaims(tx, claims);
      await this.recordBlocks(tx, pool, blocks);
      await this.moveCursor(tx, pool, { blockNumber: to, blockHash: end.hash });
      return written;
    });
  }

  /**
   * Records the hashes of the blocks read, for this pool's stream only (another pool's indexer may
   * already have moved to a new branch: its hashes must not stand in for the ones this stream saw),
   * in multi-row statements.
   */
  private async recordBlocks(
    tx: Queryable,
    pool: PoolRecord,
    blocks: ReadonlyMap<bigint, { hash: Hex; parentHash: Hex }>,
  ): Promise<void> {
    const rows = [...blocks];
    for (let i = 0; i < rows.length; i += 1_000) {
      const params: DbValue[] = [this.options.chainId, this.stream(pool)];
      const tuples = rows.slice(i, i + 1_000).map(([n, block]) => {
        params.push(n, bytea(block.hash), bytea(block.parentHash));
        const k = params.length;
        return `($1, $2, $${k - 2}, $${k - 1}, $${k})`;
      });
      await tx.query(
        `INSERT INTO indexed_stream_blocks (chain_id, stream, block_number, block_hash, parent_hash) VALUES ${tuples.join(", ")}
         ON CONFLICT (chain_id, stream, block_number) DO UPDATE SET block_hash = EXCLUDED.block_hash, parent_hash = EXCLUDED.parent_hash`,
        params,
      );
    }
  }

  private async moveCursor(tx: Queryable, pool: PoolRecord, cursor: Cursor | undefined): Promise<void> {
    if (!cursor) {
      await tx.query("DELETE FROM indexer_cursor WHERE chain_id = $1 AND stream = $2", [
        this.options.chainId,
        this.stream(pool),
      ]);
      return;
    }
    await tx.query(
      `INSERT INTO indexer_cursor (chain_id, stream, block_number, block_hash, updated_at) VALUES ($1, $2, $3, $4, now())
       ON CONFLICT (chain_id, stream) DO UPDATE SET block_number = EXCLUDED.block_number, block_hash = EXCLUDED.block_hash, updated_at = now()`,
      [this.options.chainId, this.stream(pool), cursor.blockNumber, bytea(cursor.blockHash)],
    );
  }

  /**
   * Finds the newest recorded block at or below the cursor that the chain still has, deletes the
   * pool's data above it and moves the cursor there (or removes it: re-read from deployment).
   */
  private async rollback(pool: PoolRecord, cursor: Cursor): Promise<Cursor | undefined> {
    const { rows } = await this.options.db.query<{ block_number: string; block_hash: Hex }>(
      `SELECT block_number, block_hash FROM indexed_stream_blocks
       WHERE chain_id = $1 AND stream = $2 AND block_number <= $3 AND block_number >= $4
       ORDER BY block_number DESC`,
      [this.options.chainId, this.stream(pool), cursor.blockNumber, pool.deployedBlock],
    );
    let fork: Cursor | undefined;
    for (const row of rows) {
      const n = BigInt(row.block_number);
      if ((await this.blockHash(n)) === row.block_hash) {
        fork = { blockNumber: n, blockHash: row.block_hash };
        break;
      }
    }
    const forkBlock = fork ? fork.blockNumber : pool.deployedBlock - 1n;
    const removed = await this.options.db.transaction(async (tx) => {
      const n = await this.events.rollbackPool(tx, pool.id, forkBlock);
      await tx.query(
        "DELETE FROM indexed_stream_blocks WHERE chain_id = $1 AND stream = $2 AND block_number > $3",
        [this.options.chainId, this.stream(pool), forkBlock],
      );
      await this.moveCursor(tx, pool, fork);
      await tx.query(
        `INSERT INTO indexer_reorgs (chain_id, stream, from_block, fork_block, removed) VALUES ($1, $2, $3, $4, $5)`,
        [this.options.chainId, this.stream(pool), cursor.blockNumber, forkBlock, n],
      );
      return n;
    });
    this.options.logger?.warn(
      { pool: pool.address, from: cursor.blockNumber.toString(), to: forkBlock.toString(), removed },
      "reorg: rolled back",
    );
    return fork;
  }
}
