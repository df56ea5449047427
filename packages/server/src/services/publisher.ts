import { pendingScheduleId } from "@wellspring/protocol";
import { isSdkError, proposeSchedule, royaltyPoolAbi, type SdkClient } from "@wellspring/sdk";
import { getAddress, http, createWalletClient, type Address, type Hex, type PublicClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { bytea, type Database } from "../db/database.ts";
import { isServerError, ServerError } from "../errors.ts";
import {
  chainSeconds,
  proposedSchedule,
  type PoolRecord,
  type PoolRepository,
} from "../repositories/pools.ts";
import { PublishLockRepository } from "../repositories/publish-locks.ts";
import type { RunRecord, RunRepository } from "../repositories/runs.ts";

/** How long a publication waits for the proposer key while it sends another pool's proposal. */
const SENDER_WAIT_MS = 60_000;

/** The proposer wallet from the environment's key; the key stays inside the viem account. */
export function publisherClient(privateKey: Hex, rpcUrl: string): SdkClient {
  return createWalletClient({ account: privateKeyToAccount(privateKey), transport: http(rpcUrl) });
}

/**
 * Proposes a completed run's root on-chain with the server's proposer key and links the new
 * schedule to the run. Every instance on the database takes the same two locks
 * (`publish_locks`) around the check-and-send: the pool's, so a second publication of a pool
 * while one is under way answers 409 at once, and then the proposer key's, so publications of
 * different pools by one key go one at a time and its nonces never collide. No database
 * transaction stays open while the proposal is mined (on PGlite that would stall every other
 * request for a block time or more); the locks are leases renewed meanwhile. The pool itself also
 * refuses a second proposal while one is pending (RoyaltyPoolSchedulePending → 409), which covers
 * servers on other databases. The link is written once the receipt is in; should the process die
 * before that, the indexer still records the schedule, and its run is found by root.
 */
export class PublishService {
  constructor(
    private readonly db: Database,
    private readonly pools: PoolRepository,
    private readonly runs: RunRepository,
    private readonly chainId: number,
    private readonly publisher: SdkClient | undefined,
    private readonly chain: PublicClient | undefined,
    private readonly now: () => number = Date.now,
    private readonly locks = new PublishLockRepository(db),
  ) {}

  async publish(runId: bigint, uri: string, requestedBy: Address) {
    const run = await this.runs.get(runId);
    if (!run) throw new ServerError("NOT_FOUND", `no run ${runId}`);
    if (run.status !== "complete" || !run.root || !run.tableHash || run.totalShares === null)
      throw new ServerError("CONFLICT", `run ${runId} is not complete`);
    if (run.poolId === null) throw new ServerError("CONFLICT", `run ${runId} belongs to no pool`);
    if (!run.inputsHash) throw new ServerError("CONFLICT", `run ${runId} has no inputs hash`);
    const { rows: policyRows } = await this.db.query<{ hash: Hex | null }>(
      "SELECT hash FROM policy_versions WHERE id = $1",
      [run.policyVersionId],
    );
    const policyHash = policyRows[0]?.hash;
    if (!policyHash) throw new ServerError("CONFLICT", `run ${runId} has no policy hash`);
    const pool = await this.pools.findById(run.poolId);
    if (!pool || pool.chainId !== this.chainId)
      throw new ServerError("CONFLICT", `run ${runId}'s pool is not on chain ${this.chainId}`);
    if (!this.publisher || !this.chain)
      throw new ServerError("CHAIN_UNAVAILABLE", "publishing needs PUBLISHER_PRIVATE_KEY and the chain RPC");
    // proposeSchedule refuses a client without an account, so there is one.
    const sender = getAddress(this.publisher.account!.address);
    const poolLock = await this.locks.acquire(`pool:${pool.id}`, 0);
    if (!poolLock)
      throw new ServerError("CONFLICT", `another publication of pool ${pool.address} is under way`);
    try {
      // Another pool's publication by this key takes one block time or so: wait for it.
      const senderLock = await this.locks.acquire(`sender:${this.chainId}:${sender}`, SENDER_WAIT_MS);
      if (!senderLock)
        throw new ServerError(
          "CHAIN_UNAVAILABLE",
          `the proposer key ${sender} stayed busy with other publications`,
        );
      try {
        return await this.checkAndSend(
          this.publisher,
          this.chain,
          pool,
          run,
          policyHash,
          uri,
          requestedBy,
          sender,
        );
      } finally {
        await senderLock.release();
      }
    } finally {
      await poolLock.release();
    }
  }

  /** Holding both locks: refuses while a schedule is pending, sends the proposal, links it. */
  private async checkAndSend(
    publisher: SdkClient,
    chain: PublicClient,
    pool: PoolRecord,
    run: RunRecord,
    policyHash: Hex,
    uri: string,
    requestedBy: Address,
    sender: Address,
  ) {
    const runId = run.id;
    const now = new Date(this.now());
    const [schedules, { rows: published }] = await Promise.all([
      this.pools.schedules(pool.id, now),
      this.db.query<{ schedule_id: string; activates_at: Date }>(
        "SELECT schedule_id, activates_at FROM schedule_publications WHERE pool_id = $1",
        [pool.id],
      ),
    ]);
    // Proposals this server sent count before the indexer has seen them.
    const indexed = new Set(schedules.map((s) => s.scheduleId));
    const history = [
      ...schedules.map(proposedSchedule),
      ...published
        .filter((p) => !indexed.has(BigInt(p.schedule_id)))
        .map((p) =>
          proposedSchedule({
            scheduleId: BigInt(p.schedule_id),
            activatesAt: p.activates_at,
            revokedBlock: null,
          }),
        ),
    ];
    const pending = pendingScheduleId(history, chainSeconds(now));
    if (pending !== 0n) throw new ServerError("CONFLICT", `schedule ${pending} is already pending`);
    let onChainPending: bigint;
    try {
      // The indexer lags by its confirmation depth; the pool itself is the authority.
      onChainPending = await chain.readContract({
        address: pool.address,
        abi: royaltyPoolAbi,
        functionName: "pendingScheduleId",
      });
    } catch (error) {
      throw new ServerError("CHAIN_UNAVAILABLE", "could not read the pool's pending schedule", {
        cause: error,
      });
    }
    if (onChainPending !== 0n)
      throw new ServerError("CONFLICT", `schedule ${onChainPending} is already pending on-chain`);
    let proposed: Awaited<ReturnType<typeof proposeSchedule>>;
    try {
      proposed = await proposeSchedule(publisher, {
        pool: pool.address,
        table: {
          root: run.root!,
          totalShares: run.totalShares!,
          tableHash: run.tableHash!,
          policyHash,
          inputsHash: run.inputsHash!,
        },
        uri,
      });
    } catch (error) {
      if (isServerError(error)) throw error;
      if (isSdkError(error, "CONTRACT_REVERTED"))
        throw new ServerError("CONFLICT", `the pool refused the proposal: ${error.message}`, {
          cause: error,
        });
      throw new ServerError("CHAIN_UNAVAILABLE", "could not send the proposal", { cause: error });
    }
    const activatesAt = new Date(Number(proposed.activatesAt) * 1000);
    await this.db.query(
      `INSERT INTO schedule_publications
         (pool_id, schedule_id, run_id, root, uri, tx_hash, block_number, activates_at, requested_by, sender)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        pool.id,
        proposed.scheduleId,
        runId,
        bytea(run.root!),
        uri,
        bytea(proposed.receipt.transactionHash),
        proposed.receipt.blockNumber,
        activatesAt,
        bytea(requestedBy),
        bytea(sender),
      ],
    );
    return {
      runId: runId.toString(),
      pool: pool.address,
      scheduleId: proposed.scheduleId.toString(),
      root: run.root!,
      uri,
      txHash: proposed.receipt.transactionHash,
      blockNumber: proposed.receipt.blockNumber.toString(),
      activatesAt: activatesAt.toISOString(),
      sender,
    };
  }
}
