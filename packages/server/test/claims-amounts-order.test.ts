// More of the claims endpoint against PGlite (see claims-amounts.test.ts): the amounts come in
// token order whatever order the tokens were first indexed in, and a tree build that failed is
// tried again once the stored table is right.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { merkleRoot, toAccountId, type Leaf } from "@wellspring/protocol";
import { getAddress, keccak256, stringToHex, zeroAddress, type Address, type Hex } from "viem";
import { bytea, type Database } from "../src/db/database.ts";
import { poolStream } from "../src/indexer/pool-indexer.ts";
import { PolicyRepository } from "../src/repositories/policies.ts";
import { ChainEventRepository, PoolRepository } from "../src/repositories/pools.ts";
import { RunRepository } from "../src/repositories/runs.ts";
import { ClaimService } from "../src/services/claims.ts";
import { backends, TEST_CHAIN_ID } from "./helpers.ts";

const ADMIN = getAddress("0x00000000000000000000000000000000000a11ce");
const ETH = zeroAddress;
const USDC = getAddress("0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48");
const USDT = getAddress("0xdac17f958d2ee523a2206206994597c13d831ec7");
const DAI = getAddress("0x6b175474e89094c44da98b954eedeac495271d0f");
const NOW = 1_800_000_000n;
const hash = (label: string): Hex => keccak256(stringToHex(label));
const A = toAccountId("github:alice");
const B = toAccountId("github:bob");

let db: Database;
let dispose: () => Promise<void>;
let pools: PoolRepository;
let policyVersionId: bigint;
const events = new ChainEventRepository();
let logIndex = 0;

before(async () => {
  ({ db, dispose } = await (await backends())[0]!.open());
  pools = new PoolRepository(db);
  policyVersionId = (
    await new PolicyRepository(db).appendVersion({
      name: "default",
      canonical: "{}",
      hash: keccak256(stringToHex("{}")),
      note: "",
      createdBy: ADMIN,
    })
  ).id;
});
after(async () => {
  await dispose?.();
});

/** A pool with one active schedule of `leaves` (its table stored with `stored` recipients). */
async function poolWith(name: string, leaves: Leaf[], stored: Leaf[] = leaves) {
  const pool = await pools.insert({
    chainId: TEST_CHAIN_ID,
    address: getAddress(hash(name).slice(0, 42)),
    name,
    deployedBlock: 1n,
    registeredBy: ADMIN,
  });
  const root = merkleRoot(leaves);
  const totalShares = leaves.reduce((s, l) => s + l.shares, 0n);
  const run = await new RunRepository(db).insertCompleted({
    poolId: pool.id,
    policyVersionId,
    engineVersion: "test",
    inputsHash: hash(`inputs ${name}`),
    tableHash: hash(`table ${name}`),
    root,
    totalShares,
    createdBy: ADMIN,
    inputs: [],
    recipients: stored.map((l) => ({ accountId: l.accountId, shares: l.shares, identity: null })),
  });
  await db.transaction((tx) =>
    events.insertSchedule(tx, {
      poolId: pool.id,
      blockNumber: 10n,
      logIndex: logIndex++,
      blockHash: hash(`block ${name}`),
      txHash: hash(`tx ${name}`),
      scheduleId: 1n,
      proposer: ADMIN,
      root,
      totalShares,
      tableHash: hash("t"),
      policyHash: hash("p"),
      inputsHash: hash("i"),
      uri: "ipfs://1",
      activatesAt: new Date(Number(NOW - 100n) * 1000),
    }),
  );
  return { pool, runId: run.id };
}

async function deposit(
  poolId: bigint,
  scheduleId: bigint | null,
  token: Address,
  amount: bigint,
  blockNumber = 20n,
) {
  await db.transaction((tx) =>
    events.insertDeposits(tx, [
      {
        poolId,
        blockNumber,
        logIndex: logIndex++,
        blockHash: hash(`block ${logIndex}`),
        txHash: hash(`tx ${logIndex}`),
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

const service = () => new ClaimService(db, pools, TEST_CHAIN_ID, () => Number(NOW) * 1000, { freshMs: 0 });

describe("claims: token order and tree rebuilds", () => {
  it("lists the amounts in token order whatever order the tokens were first deposited in", async () => {
    const { pool } = await poolWith("token order", [
      { accountId: A, shares: 1n },
      { accountId: B, shares: 1n },
    ]);
    const claims = service();
    const indexedUpTo = (block: bigint) =>
      db.query(
        `INSERT INTO indexer_cursor (chain_id, stream, block_number, block_hash) VALUES ($1, $2, $3, $4)
         ON CONFLICT (chain_id, stream) DO UPDATE SET block_number = $3, block_hash = $4`,
        [TEST_CHAIN_ID, poolStream(pool.address), block, bytea(hash(`head ${block}`))],
      );
    // USDT first; ETH and USDC arrive in later blocks, read incrementally after USDT.
    await deposit(pool.id, 1n, USDT, 10n, 100n);
    await indexedUpTo(100n);
    assert.deepEqual((await claims.plan(pool.address, A)).items[0]?.claimable, [
      { token: USDT, amount: "5" },
    ]);
    await deposit(pool.id, null, USDC, 20n, 101n);
    await deposit(pool.id, 1n, ETH, 40n, 101n);
    await indexedUpTo(101n);
    const plan = await claims.plan(pool.address, A);
    const expected = [
      { token: ETH, amount: "20" },
      { token: USDC, amount: "10" },
      { token: USDT, amount: "5" },
    ];
    assert.deepEqual(plan.items[0]?.claimable, expected);
    assert.deepEqual(plan.totals, expected);
    assert.deepEqual(plan.requests[0]?.tokens, [ETH, USDC, USDT]);
    // A token that sorts inside a list already in order: it is placed, not appended.
    await deposit(pool.id, 1n, DAI, 8n, 102n);
    await indexedUpTo(102n);
    const later = await claims.plan(pool.address, A);
    assert.deepEqual(later.requests[0]?.tokens, [ETH, DAI, USDC, USDT]);
    assert.deepEqual(later.items[0]?.claimable, [
      { token: ETH, amount: "20" },
      { token: DAI, amount: "4" },
      { token: USDC, amount: "10" },
      { token: USDT, amount: "5" },
    ]);
  });

  it("builds a tree again after a build failed, once the stored table matches the root", async () => {
    const leaves: Leaf[] = [
      { accountId: A, shares: 3n },
      { accountId: B, shares: 1n },
    ];
    // Stored with B's shares wrong: its tree is not the schedule's root.
    const { pool, runId } = await poolWith("corrected table", leaves, [
      { accountId: A, shares: 3n },
      { accountId: B, shares: 2n },
    ]);
    await deposit(pool.id, 1n, USDC, 100n);
    const claims = service();
    await assert.rejects(claims.plan(pool.address, A), /stored table has root/);
    await db.query("UPDATE run_recipients SET shares = 1 WHERE run_id = $1 AND account_id = $2", [
      runId,
      bytea(B),
    ]);
    const plan = await claims.plan(pool.address, A);
    assert.deepEqual(plan.items[0]?.claimable, [{ token: USDC, amount: "75" }]);
  });
  it("counts a proposal and a revocation indexed at the cursor block itself", async () => {
    const leaves: Leaf[] = [{ accountId: A, shares: 1n }];
    const { pool } = await poolWith("at the cursor", leaves); // schedule 1, proposed at block 10
    const more = async (scheduleId: bigint, blockNumber: bigint, activatesAt: bigint) =>
      db.transaction((tx) =>
        events.insertSchedule(tx, {
          poolId: pool.id,
          blockNumber,
          logIndex: logIndex++,
          blockHash: hash(`block ${blockNumber}`),
          txHash: hash(`tx ${scheduleId}`),
          scheduleId,
          proposer: ADMIN,
          root: merkleRoot(leaves),
          totalShares: 1n,
          tableHash: hash("t"),
          policyHash: hash("p"),
          inputsHash: hash("i"),
          uri: `ipfs://${scheduleId}`,
          activatesAt: new Date(Number(activatesAt) * 1000),
        }),
      );
    // Schedule 2 is revoked at block 30 and schedule 3 proposed at block 30, the cursor's block.
    await more(2n, 20n, NOW - 60n);
    await db.transaction((tx) => events.revokeSchedule(tx, pool.id, 2n, 30n, ADMIN));
    await more(3n, 30n, NOW - 50n);
    await db.query(
      "INSERT INTO indexer_cursor (chain_id, stream, block_number, block_hash) VALUES ($1, $2, $3, $4)",
      [TEST_CHAIN_ID, poolStream(pool.address), 30n, bytea(hash("head 30"))],
    );
    const plan = await service().plan(pool.address, A);
    assert.deepEqual(
      plan.items.map((i) => [i.scheduleId, i.status]),
      [
        ["1", "superseded"],
        ["3", "active"],
      ],
    );
  });
});
