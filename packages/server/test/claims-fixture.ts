// The claims endpoint's tests against PGlite without a chain (claims-amounts*.test.ts): a database
// with one policy version, and the indexed events a pool would have written, made by hand.
import { merkleRoot, type Leaf } from "@wellspring/protocol";
import { getAddress, keccak256, stringToHex, zeroAddress, type Address, type Hex } from "viem";
import { bytea, type Database } from "../src/db/database.ts";
import { poolStream } from "../src/indexer/pool-indexer.ts";
import { ChainEventRepository, PoolRepository } from "../src/repositories/pools.ts";
import { RunRepository } from "../src/repositories/runs.ts";
import { ClaimService } from "../src/services/claims.ts";
import { appendDefaultPolicy, backends, TEST_CHAIN_ID } from "./helpers.ts";

export const ADMIN = getAddress("0x00000000000000000000000000000000000a11ce");
export const ETH = zeroAddress;
// Checksummed with capitals: the service keys its sums by lower-case hex.
export const USDT = getAddress("0xdac17f958d2ee523a2206206994597c13d831ec7");
export const USDC = getAddress("0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48");
export const NOW = 1_800_000_000n;
export const hash = (label: string): Hex => keccak256(stringToHex(label));
export const at = (seconds: bigint) => new Date(Number(seconds) * 1000);

export class ClaimsFixture {
  readonly pools: PoolRepository;
  readonly events = new ChainEventRepository();
  private counter = 0;

  private constructor(
    readonly db: Database,
    readonly dispose: () => Promise<void>,
    private readonly policyVersionId: bigint,
  ) {
    this.pools = new PoolRepository(db);
  }

  static async open(): Promise<ClaimsFixture> {
    const { db, dispose } = await (await backends())[0]!.open();
    const policy = await appendDefaultPolicy(db, ADMIN);
    return new ClaimsFixture(db, dispose, policy.id);
  }

  /** A fresh log position: each indexed event needs its own. */
  log() {
    const n = this.counter++;
    return { logIndex: n, blockHash: hash(`block ${n + 1}`), txHash: hash(`tx ${n + 1}`) };
  }

  async newPool(name: string, claimWindow?: bigint) {
    const pool = await this.pools.insert({
      chainId: TEST_CHAIN_ID,
      address: getAddress(hash(name).slice(0, 42)),
      name,
      deployedBlock: 1n,
      registeredBy: ADMIN,
    });
    if (claimWindow !== undefined)
      await this.db.transaction((tx) => this.events.setPoolParameters(tx, pool.id, 3600n, claimWindow));
    return pool;
  }

  /** Stores a complete run of `leaves` (root and total as given, or the table's own). */
  async storeRun(
    poolId: bigint,
    leaves: Leaf[],
    root = merkleRoot(leaves),
    totalShares = leaves.reduce((s, l) => s + l.shares, 0n),
  ) {
    const run = await new RunRepository(this.db).insertCompleted({
      poolId,
      policyVersionId: this.policyVersionId,
      engineVersion: "test",
      inputsHash: hash(`inputs ${root}`),
      tableHash: hash(`table ${root}`),
      root,
      totalShares,
      createdBy: ADMIN,
      inputs: [],
      recipients: leaves.map((l) => ({ accountId: l.accountId, shares: l.shares, identity: null })),
    });
    return { runId: run.id, root, totalShares };
  }

  async schedule(
    poolId: bigint,
    scheduleId: bigint,
    table: { root: Hex; totalShares: bigint },
    activatesAt: bigint,
    blockNumber = scheduleId * 10n,
  ) {
    await this.db.transaction((tx) =>
      this.events.insertSchedule(tx, {
        poolId,
        blockNumber,
        ...this.log(),
        scheduleId,
        proposer: ADMIN,
        root: table.root,
        totalShares: table.totalShares,
        tableHash: hash(`t${scheduleId}`),
        policyHash: hash("policy"),
        inputsHash: hash(`i${scheduleId}`),
        uri: `ipfs://${scheduleId}`,
        activatesAt: at(activatesAt),
      }),
    );
  }

  async revoke(poolId: bigint, scheduleId: bigint, blockNumber: bigint) {
    await this.db.transaction((tx) => this.events.revokeSchedule(tx, poolId, scheduleId, blockNumber, ADMIN));
  }

  async deposit(
    poolId: bigint,
    scheduleId: bigint | null,
    token: Address,
    amount: bigint,
    blockNumber = 100n,
  ) {
    await this.db.transaction((tx) =>
      this.events.insertDeposits(tx, [
        {
          poolId,
          blockNumber,
          ...this.log(),
          scheduleId,
          source: "deposit",
          token,
          payer: ADMIN,
          amount,
          memo: hash("memo"),
          blockTime: null,
        },
      ]),
    );
  }

  async claimed(poolId: bigint, scheduleId: bigint, accountId: Hex, token: Address, amount: bigint) {
    await this.db.transaction((tx) =>
      this.events.insertClaims(tx, [
        {
          poolId,
          blockNumber: 200n,
          ...this.log(),
          scheduleId,
          accountId,
          token,
          payee: ADMIN,
          amount,
          blockTime: null,
        },
      ]),
    );
  }

  /** The indexer's cursor for the pool's stream: events above `blockNumber` are not visible yet. */
  async indexedUpTo(poolAddress: Address, blockNumber: bigint) {
    await this.db.query(
      `INSERT INTO indexer_cursor (chain_id, stream, block_number, block_hash) VALUES ($1, $2, $3, $4)
       ON CONFLICT (chain_id, stream) DO UPDATE SET block_number = $3, block_hash = $4`,
      [TEST_CHAIN_ID, poolStream(poolAddress), blockNumber, bytea(hash(`head ${blockNumber}`))],
    );
  }

  service(now = NOW, freshMs = 0) {
    return new ClaimService(this.db, this.pools, TEST_CHAIN_ID, () => Number(now) * 1000, { freshMs });
  }
}
