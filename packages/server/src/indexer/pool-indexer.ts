import { royaltyPoolAbi } from "@wellspring/sdk";
import type { Logger } from "pino";
import { getAddress, type Address, type GetLogsReturnType, type Hex, type PublicClient } from "viem";
import type { ServerMetrics } from "../metrics.ts";
import { bytea, type Database, type DbValue, type Queryable } from "../db/database.ts";
import {
  ChainEventRepository,
  PoolRepository,
  type ClaimEvent,
  type DepositEvent,
  type PoolRecord,
} from "../repositories/pools.ts";
import { registryStream } from "./registry-stream.ts";
import type { IndexedLog, IndexedStream } from "./stream.ts";

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
  /**
   * Deepest rollback the indexer applies on its own (default 64, well below any finality horizon).
   * A reorganisation reaching further stops indexing that pool and raises an alert instead.
   */
  maxReorgDepth?: number;
  logger?: Logger;
  metrics?: Pick<ServerMetrics, "indexerRound">;
  /** The IdentityRegistry whose binding events are followed too (stream `registry:<address>`). */
  registry?: { address: Address; deployedBlock: bigint };
}

export const DEFAULT_MAX_REORG_DEPTH = 64;

/** Why the indexer is not following the chain; `/readyz` answers 503 while any is present. */
export interface IndexerProblem {
  alert: "INDEXER_CHAIN_MISMATCH" | "INDEXER_REORG_TOO_DEEP";
  message: string;
  pool?: string;
}

/** The RPC's answer cannot be trusted for this round: nothing is written, the next round retries. */
export class RpcDoubtError extends Error {
  override name = "RpcDoubtError";
}

export interface SyncReport {
  pools: number;
  blocks: number;
  events: number;
  reorgs: number;
  /** Pools skipped because a reorganisation deeper than the bound stopped them. */
  halted: number;
}

interface Cursor {
  blockNumber: bigint;
  blockHash: Hex;
}

/**
 * Follows every registered pool of one chain, and the identity registry when given, into
 * PostgreSQL. Each contract is a stream (indexer/stream.ts) with its own cursor; the rules below
 * hold for every stream.
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
 * - Never deletes on doubt: any RPC error (429, timeout, a block missing or answered for another
 *   height) aborts the round with nothing written; a reorganisation is declared only from a block
 *   hash actually read. Each round first checks the chain id and the genesis hash against the ones
 *   recorded; another chain is refused. A rollback deeper than `maxReorgDepth` (or to a fork point
 *   not found among the recorded hashes) stops that pool until an operator looks (see
 *   docs/server.md, "Alerts").
 */
export class PoolIndexer {
  private readonly events = new ChainEventRepository();
  private readonly pools: PoolRepository;
  private readonly batchBlocks: bigint;
  private readonly maxReorgDepth: bigint;
  /** Streams stopped by a too-deep reorganisation (stream name -> problem), until restart. */
  private readonly halted = new Map<string, IndexerProblem>();
  private chainProblem: IndexerProblem | undefined;
  /** Last indexed block per pool (lower-case address), for the lag metrics. */
  private readonly lastBlocks = new Map<string, bigint>();

  constructor(private readonly options: IndexerOptions) {
    this.pools = new PoolRepository(options.db);
    this.batchBlocks = BigInt(options.batchBlocks ?? 2_000);
    this.maxReorgDepth = BigInt(options.maxReorgDepth ?? DEFAULT_MAX_REORG_DEPTH);
  }

  /** What keeps the indexer from following the chain; empty = healthy. */
  problems(): IndexerProblem[] {
    return [...(this.chainProblem ? [this.chainProblem] : []), ...this.halted.values()];
  }

  /** Brings every registered pool up to the confirmed head once. */
  async syncOnce(): Promise<SyncReport> {
    await this.checkChain();
    const head = await this.options.client.getBlockNumber({ cacheTime: 0 });
    const target = head - BigInt(this.options.confirmations);
    const report: SyncReport = { pools: 0, blocks: 0, events: 0, reorgs: 0, halted: 0 };
    let afterId: bigint | undefined;
    for (;;) {
      const page = await this.pools.list(this.options.chainId, {
        limit: 100,
        ...(afterId === undefined ? {} : { afterId }),
      });
      if (page.length === 0) break;
      for (const pool of page) await this.syncCounted(this.poolStream(pool), target, head, report);
      afterId = page.at(-1)?.id;
    }
    const { registry } = this.options;
    if (registry) {
      const stream = registryStream(this.options.client, this.options.chainId, registry);
      await this.syncCounted(stream, target, head, report);
    }
    this.options.metrics?.indexerRound({ report, head, cursors: this.lastBlocks }, this.problems());
    return report;
  }

  /**
   * The RPC must serve CHAIN_ID with the genesis recorded on the first round; otherwise every hash
   * it returns belongs to another chain and would read as a reorganisation of everything.
   */
  private async checkChain(): Promise<void> {
    const { client, chainId, db } = this.options;
    const served = await client.getChainId();
    let problem: IndexerProblem | undefined;
    if (served !== chainId) {
      problem = {
        alert: "INDEXER_CHAIN_MISMATCH",
        message: `RPC serves chain ${served}, not CHAIN_ID ${chainId}; indexing refused`,
      };
    } else {
      const genesis = await this.readBlockHash(0n);
      await db.query(
        "INSERT INTO indexer_chains (chain_id, genesis_hash) VALUES ($1, $2) ON CONFLICT (chain_id) DO NOTHING",
        [chainId, bytea(genesis)],
      );
      const { rows } = await db.query<{ genesis_hash: Hex }>(
        "SELECT genesis_hash FROM indexer_chains WHERE chain_id = $1",
        [chainId],
      );
      const recorded = rows[0]!.genesis_hash;
      if (recorded !== genesis) {
        problem = {
          alert: "INDEXER_CHAIN_MISMATCH",
          message: `RPC serves a chain with genesis ${genesis}, not the recorded ${recorded}; indexing refused`,
        };
      }
    }
    if (problem && this.chainProblem?.message !== problem.message) {
      this.options.logger?.error({ alert: problem.alert }, problem.message);
    }
    this.chainProblem = problem;
    if (problem) throw new RpcDoubtError(problem.message);
  }

  /** Loops until `signal` aborts, waiting `intervalMs` between rounds; errors are logged and retried. */
  async run(signal: AbortSignal, intervalMs = 2_000): Promise<void> {
    while (!signal.aborted) {
      try {
        const report = await this.syncOnce();
        if (report.events > 0 || report.reorgs > 0) this.options.logger?.info(report, "indexed");
      } catch (error) {
        this.options.logger?.warn({ err: error }, "indexer round failed; retrying");
        this.options.metrics?.indexerRound("failed", this.problems());
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, intervalMs);
        signal.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
      });
    }
  }

  /** Syncs one stream unless halted, adding what it did to the round's report. */
  private async syncCounted(
    stream: IndexedStream,
    target: bigint,
    head: bigint,
    report: SyncReport,
  ): Promise<void> {
    if (this.halted.has(stream.name)) {
      report.halted++;
      return;
    }
    const r = await this.syncStream(stream, target, head);
    if (stream.pool) report.pools++;
    report.blocks += r.blocks;
    report.events += r.events;
    report.reorgs += r.reorgs;
  }

  /** The cursor of a pool (`PoolRecord`) or of any stream, by its name. */
  async cursor(of: PoolRecord | string): Promise<Cursor | undefined> {
    const name = typeof of === "string" ? of : poolStream(of.address);
    const { rows } = await this.options.db.query<{ block_number: string; block_hash: Hex }>(
      "SELECT block_number, block_hash FROM indexer_cursor WHERE chain_id = $1 AND stream = $2",
      [this.options.chainId, name],
    );
    const row = rows[0];
    return row ? { blockNumber: BigInt(row.block_number), blockHash: row.block_hash } : undefined;
  }

  private async syncStream(
    stream: IndexedStream,
    target: bigint,
    head: bigint,
  ): Promise<{ blocks: number; events: number; reorgs: number }> {
    const result = { blocks: 0, events: 0, reorgs: 0 };
    let cursor = await this.cursor(stream.name);
    if (cursor) this.noteBlock(stream, cursor.blockNumber);
    if (cursor) {
      const onChain = await this.readBlockHash(cursor.blockNumber);
      if (onChain !== cursor.blockHash) {
        // The new hash is believed only when the next block names it as its parent: one wrong
        // answer for one height is not a reorganisation. At the head, wait for the next block.
        if (cursor.blockNumber >= head) return result;
        const child = await this.readBlock(cursor.blockNumber + 1n);
        if (child.parentHash !== onChain) {
          throw new RpcDoubtError(
            `RPC answered hash ${onChain} for block ${cursor.blockNumber}, but block ${cursor.blockNumber + 1n} names ${child.parentHash} as its parent`,
          );
        }
        const rolled = await this.rollback(stream, cursor);
        if (rolled === "halted") return result;
        cursor = rolled;
        result.reorgs++;
      }
    }
    let from = cursor ? cursor.blockNumber + 1n : stream.fromBlock;
    while (from <= target) {
      const to = from + this.batchBlocks - 1n < target ? from + this.batchBlocks - 1n : target;
      const written = await this.indexRange(stream, from, to);
      if (written === undefined) break; // A reorg moved under the read; the next round sorts it out.
      result.blocks += Number(to - from + 1n);
      result.events += written;
      from = to + 1n;
    }
    return result;
  }

  /**
   * The hash of block `blockNumber` as the RPC answers it. Any failure, a missing block (a node
   * behind, or a chain shorter than our cursor) or a block of another height throws: only hashes
   * actually read may declare a reorganisation.
   */
  private async readBlockHash(blockNumber: bigint): Promise<Hex> {
    return (await this.readBlock(blockNumber)).hash;
  }

  private async readBlock(blockNumber: bigint): Promise<{ hash: Hex; parentHash: Hex; timestamp: bigint }> {
    const block = await this.options.client.getBlock({ blockNumber });
    if (block.number !== blockNumber || !block.hash) {
      throw new RpcDoubtError(`RPC answered block ${String(block.number)} for block ${blockNumber}`);
    }
    return { hash: block.hash, parentHash: block.parentHash, timestamp: block.timestamp };
  }

  /** For the per-pool lag metrics (pools only). */
  private noteBlock(stream: IndexedStream, blockNumber: bigint): void {
    if (stream.pool) this.lastBlocks.set(stream.pool.toLowerCase(), blockNumber);
  }

  /** Reads [from, to] and writes its events and the cursor in one transaction; undefined = retry. */
  private async indexRange<L extends IndexedLog>(
    stream: IndexedStream<L>,
    from: bigint,
    to: bigint,
  ): Promise<number | undefined> {
    const logs = await stream.getLogs(from, to);
    const blocks = new Map<bigint, { hash: Hex; parentHash: Hex; timestamp: bigint }>();
    const wanted = [...new Set([...logs.map((l) => l.blockNumber), to])];
    for (let i = 0; i < wanted.length; i += BLOCK_FETCH_CONCURRENCY) {
      const slice = wanted.slice(i, i + BLOCK_FETCH_CONCURRENCY);
      const fetched = await Promise.all(slice.map((blockNumber) => this.readBlock(blockNumber)));
      fetched.forEach((block, k) => blocks.set(slice[k]!, block));
    }
    if (logs.some((l) => blocks.get(l.blockNumber)?.hash !== l.blockHash)) return undefined;
    const end = blocks.get(to)!;
    const time = (n: bigint) => new Date(Number(blocks.get(n)!.timestamp) * 1000);

    const committed = await this.options.db.transaction(async (tx) => {
      const written = await stream.write(tx, logs, time);
      await this.recordBlocks(tx, stream, blocks);
      await this.moveCursor(tx, stream, { blockNumber: to, blockHash: end.hash });
      return written;
    });
    this.noteBlock(stream, to);
    return committed;
  }

  /** A registered pool as a stream: its kept events into deposits, claims, schedules and sweeps. */
  private poolStream(pool: PoolRecord): IndexedStream<PoolLog> {
    const { client } = this.options;
    const events = this.events;
    return {
      name: poolStream(pool.address),
      address: pool.address,
      fromBlock: pool.deployedBlock,
      pool: pool.address,
      getLogs: (fromBlock, toBlock) =>
        client.getLogs({ address: pool.address, events: EVENTS, fromBlock, toBlock, strict: true }),
      write: (tx, logs, time) => writePoolLogs(events, tx, pool, logs, time),
      rollback: (tx, forkBlock) => events.rollbackPool(tx, pool.id, forkBlock),
    };
  }

  /**
   * Records the hashes of the blocks read, for this stream only (another pool's indexer may
   * already have moved to a new branch: its hashes must not stand in for the ones this stream saw),
   * in multi-row statements.
   */
  private async recordBlocks(
    tx: Queryable,
    stream: IndexedStream,
    blocks: ReadonlyMap<bigint, { hash: Hex; parentHash: Hex }>,
  ): Promise<void> {
    const rows = [...blocks];
    for (let i = 0; i < rows.length; i += 1_000) {
      const params: DbValue[] = [this.options.chainId, stream.name];
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

  private async moveCursor(tx: Queryable, stream: IndexedStream, cursor: Cursor | undefined): Promise<void> {
    if (!cursor) {
      await tx.query("DELETE FROM indexer_cursor WHERE chain_id = $1 AND stream = $2", [
        this.options.chainId,
        stream.name,
      ]);
      return;
    }
    await tx.query(
      `INSERT INTO indexer_cursor (chain_id, stream, block_number, block_hash, updated_at) VALUES ($1, $2, $3, $4, now())
       ON CONFLICT (chain_id, stream) DO UPDATE SET block_number = EXCLUDED.block_number, block_hash = EXCLUDED.block_hash, updated_at = now()`,
      [this.options.chainId, stream.name, cursor.blockNumber, bytea(cursor.blockHash)],
    );
  }

  /**
   * Finds the newest recorded block at most `maxReorgDepth` below the cursor that the chain still
   * has, deletes the stream's data above it and moves the cursor there. When none is found (the fork
   * is deeper, or the stream's recorded hashes do not reach it) nothing is deleted: the stream is
   * halted and an alert logged. RPC errors propagate (the round aborts, nothing written).
   */
  private async rollback(stream: IndexedStream, cursor: Cursor): Promise<Cursor | "halted"> {
    const floor = cursor.blockNumber - this.maxReorgDepth;
    const { rows } = await this.options.db.query<{ block_number: string; block_hash: Hex }>(
      `SELECT block_number, block_hash FROM indexed_stream_blocks
       WHERE chain_id = $1 AND stream = $2 AND block_number < $3 AND block_number >= $4
       ORDER BY block_number DESC`,
      [this.options.chainId, stream.name, cursor.blockNumber, floor],
    );
    let fork: Cursor | undefined;
    for (const row of rows) {
      const n = BigInt(row.block_number);
      if ((await this.readBlockHash(n)) === row.block_hash) {
        fork = { blockNumber: n, blockHash: row.block_hash };
        break;
      }
    }
    if (!fork) {
      const what = stream.pool ? `pool ${stream.pool}` : `${stream.name}`;
      const problem: IndexerProblem = {
        alert: "INDEXER_REORG_TOO_DEEP",
        ...(stream.pool ? { pool: stream.pool } : {}),
        message: `${what}: block ${cursor.blockNumber} changed and no recorded block within ${this.maxReorgDepth} blocks below it matches the chain; indexing of this ${stream.pool ? "pool" : "stream"} stopped, nothing deleted`,
      };
      this.halted.set(stream.name, problem);
      this.options.logger?.error(
        { alert: problem.alert, stream: stream.name, cursor: cursor.blockNumber.toString() },
        problem.message,
      );
      return "halted";
    }
    const forkBlock = fork.blockNumber;
    const removed = await this.options.db.transaction(async (tx) => {
      const n = await stream.rollback(tx, forkBlock);
      await tx.query(
        "DELETE FROM indexed_stream_blocks WHERE chain_id = $1 AND stream = $2 AND block_number > $3",
        [this.options.chainId, stream.name, forkBlock],
      );
      await this.moveCursor(tx, stream, fork);
      await tx.query(
        `INSERT INTO indexer_reorgs (chain_id, stream, from_block, fork_block, removed) VALUES ($1, $2, $3, $4, $5)`,
        [this.options.chainId, stream.name, cursor.blockNumber, forkBlock, n],
      );
      return n;
    });
    this.options.logger?.warn(
      { stream: stream.name, from: cursor.blockNumber.toString(), to: forkBlock.toString(), removed },
      "reorg: rolled back",
    );
    return fork;
  }
}

type PoolLog = GetLogsReturnType<undefined, typeof EVENTS, true>[number];

/** Writes one range of a pool's logs; returns the rows written. */
async function writePoolLogs(
  events: ChainEventRepository,
  tx: Queryable,
  pool: PoolRecord,
  logs: readonly PoolLog[],
  time: (blockNumber: bigint) => Date,
): Promise<number> {
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
        await events.setPoolParameters(
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
        written += await events.insertSchedule(tx, {
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
        await events.revokeSchedule(
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
        written += await events.insertSweep(tx, {
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
  written += await events.insertDeposits(tx, deposits);
  written += await events.insertClaims(tx, claims);
  return written;
}
