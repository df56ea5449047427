import type { Address, Hex } from "viem";
import type { Queryable } from "../db/database.ts";

/** What every indexed log carries, whatever its contract. */
export interface IndexedLog {
  blockNumber: bigint;
  blockHash: Hex;
}

/**
 * One contract the indexer follows (a pool, the identity registry): where its cursor lives, how
 * its logs are read and written, and what a reorg rollback deletes. The indexer supplies the
 * confirmation depth, the cursor, the block hashes and the reorg walk (indexer/pool-indexer.ts).
 */
export interface IndexedStream<L extends IndexedLog = IndexedLog> {
  /** The cursor's stream key, e.g. `pool:<lower-case address>`. */
  name: string;
  address: Address;
  /** The first block that can hold its events. */
  fromBlock: bigint;
  /** Set for pools: the metrics' per-pool lag and the alert's `pool` field. */
  pool?: Address;
  getLogs(fromBlock: bigint, toBlock: bigint): Promise<L[]>;
  /** Writes the range's logs in the indexer's transaction; returns the rows written. */
  write(tx: Queryable, logs: readonly L[], blockTime: (blockNumber: bigint) => Date): Promise<number>;
  /** Deletes (or undoes) everything its logs above `forkBlock` wrote; returns the rows touched. */
  rollback(tx: Queryable, forkBlock: bigint): Promise<number>;
}
