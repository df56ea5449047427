/**
 * The indexer never deletes on doubt: behind an RPC proxy that answers 429, times out, lies about
 * blocks or swaps in another chain, a round aborts with nothing written; only a reorganisation
 * proven by hashes actually read (and within INDEXER_MAX_REORG_DEPTH) deletes rows; a deeper one
 * stops the pool, raises an alert and turns /readyz red.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { network } from "hardhat";
import { deposit } from "@wellspring/sdk";
import { createPublicClient, getAddress, http, type PublicClient } from "viem";
import type { Database } from "../src/db/database.ts";
import { migrate } from "../src/db/migrate.ts";
import { openPglite } from "../src/db/pglite.ts";
import { createApp } from "../src/http/app.ts";
import { listen, type RunningServer } from "../src/http/server.ts";
import { PoolIndexer } from "../src/indexer/pool-indexer.ts";
import { PoolRepository, type PoolRecord } from "../src/repositories/pools.ts";
import { deployChain } from "./chain-fixture.ts";
import { captureLogger, testConfig } from "./helpers.ts";
import { RpcProxy, type RpcCall } from "./rpc-proxy.ts";

const CHAIN_ID = 31337;

/**
 * Mines `n` blocks one by one: hardhat_mine (networkHelpers.mine) reserves all but the first and
 * reports a zero parent hash for them, which no real chain does.
 */
async function mineEach(provider: { request(a: { method: string }): Promise<unknown> }, n: number) {
  for (let i = 0; i < n; i++) await provider.request({ method: "evm_mine" });
}
const MAX_DEPTH = 6;

describe("indexer behind a faulty RPC never deletes on doubt", () => {
  let chain: Awaited<ReturnType<typeof deployChain>>;
  let other: Awaited<ReturnType<typeof network.connect>>;
  let db: Database;
  let proxy: RpcProxy;
  let pool: PoolRecord;
  let indexer: PoolIndexer;
  let server: RunningServer;
  const log = captureLogger();

  /** Everything the indexer may delete or move: any change under a fault is a failure. */
  const state = async () =>
    (
      await db.query(
        `SELECT (SELECT count(*) FROM deposits) AS deposits, (SELECT count(*) FROM indexer_reorgs) AS reorgs,
                (SELECT block_number FROM indexer_cursor) AS cursor, (SELECT count(*) FROM indexed_stream_blocks) AS blocks`,
      )
    ).rows[0];
  const newBlock = () => deposit(chain.wallets.payer, { pool: chain.pool, token: chain.usdc, amount: 1n });
  const forward = (call: RpcCall) =>
    chain.connection.provider.request({ method: call.method, params: call.params }) as Promise<unknown>;

  /** With `fault` in place the round (of `by`) fails and leaves the state exactly as it was. */
  async function refused(fault: RpcProxy["fault"], pattern: RegExp, by = indexer) {
    await newBlock();
    const before = await state();
    proxy.fault = fault;
    try {
      await assert.rejects(by.syncOnce(), pattern);
    } finally {
      proxy.fault = () => undefined;
    }
    assert.deepEqual(await state(), before);
  }

  before(async () => {
    chain = await deployChain();
    other = await network.connect();
    db = await openPglite();
    await migrate(db);
    pool = await new PoolRepository(db).insert({
      chainId: CHAIN_ID,
      address: getAddress(chain.pool),
      name: "doubt",
      deployedBlock: chain.deployedBlock,
      registeredBy: chain.wallets.admin.account.address,
    });
    proxy = await RpcProxy.start(forward);
    const client = createPublicClient({
      // Generous: a slow answer on a loaded machine must not pass for an injected fault.
      transport: http(proxy.url, { timeout: 30_000, retryCount: 0 }),
    }) as PublicClient;
    indexer = new PoolIndexer({
      db,
      client,
      chainId: CHAIN_ID,
      confirmations: 0,
      batchBlocks: 3,
      maxReorgDepth: MAX_DEPTH,
      logger: log.logger,
    });
    server = await listen(
      createApp({
        checkResponses: true,
        db,
        logger: log.logger,
        config: testConfig(),
        hasRole: async () => false,
        indexerProblems: () => indexer.problems(),
      }),
      { host: "127.0.0.1", port: 0, shutdownTimeoutMs: 1_000 },
    );
    await newBlock();
    const first = await indexer.syncOnce();
    assert.ok(first.events > 0);
  });
  after(async () => {
    await server?.close();
    await proxy?.close();
    await other?.close();
    await chain?.connection.close();
    await db?.close();
  });

  it("a rate limit (429) on block reads aborts the round", async () => {
    await refused((c) => (c.method === "eth_getBlockByNumber" ? { status: 429 } : undefined), /429|HTTP/);
    await refused(() => ({ status: 429 }), /429|HTTP/);
  });

  it("a timeout aborts the round", async () => {
    // Its own client with a short timeout; the hung calls never answer, so it always fires.
    const impatient = new PoolIndexer({
      db,
      client: createPublicClient({
        transport: http(proxy.url, { timeout: 300, retryCount: 0 }),
      }) as PublicClient,
      chainId: CHAIN_ID,
      confirmations: 0,
      batchBlocks: 3,
      maxReorgDepth: MAX_DEPTH,
    });
    const hang = (method: string) => (c: RpcCall) =>
      c.method === method ? { hang: true as const } : undefined;
    await refused(hang("eth_getBlockByNumber"), /timed out|timeout/i, impatient);
    await refused(hang("eth_getLogs"), /timed out|timeout/i, impatient);
  });

  it("wrong answers abort the round: a missing block, a block of another height, a head far ahead, a forged hash", async () => {
    const block = (n: bigint) =>
      chain.connection.provider.request({
        method: "eth_getBlockByNumber",
        params: [`0x${n.toString(16)}`, false],
      }) as Promise<Record<string, unknown>>;
    await refused(
      (c) => (c.method === "eth_getBlockByNumber" && c.params[0] !== "0x0" ? { result: null } : undefined),
      /not be found|BlockNotFound/i,
    );
    const genesis = await block(0n);
    await refused(
      (c) => (c.method === "eth_getBlockByNumber" && c.params[0] !== "0x0" ? { result: genesis } : undefined),
      /answered block 0/,
    );
    // A head far ahead: the blocks that exist are indexed, the missing ones abort the round.
    const head = await chain.publicClient.getBlockNumber({ cacheTime: 0 });
    const before = await state();
    proxy.fault = (c) =>
      c.method === "eth_blockNumber" ? { result: `0x${(head + 1000n).toString(16)}` } : undefined;
    await assert.rejects(indexer.syncOnce(), /not be found|BlockNotFound/i);
    proxy.fault = () => undefined;
    const after = await state();
    assert.ok(BigInt(after!.deposits as string) >= BigInt(before!.deposits as string), "nothing deleted");
    assert.equal(after!.reorgs, before!.reorgs);
    assert.ok(BigInt(after!.cursor as string) <= head, "the cursor never passes the real head");
    // One height answered with another hash: its child does not name it, so it is no reorganisation.
    const at = (await indexer.cursor(pool))!.blockNumber;
    const forged = { ...(await block(at)), hash: `0x${"ab".repeat(32)}` };
    await refused(
      (c) =>
        c.method === "eth_getBlockByNumber" && c.params[0] === `0x${at.toString(16)}`
          ? { result: forged }
          : undefined,
      /names .* as its parent/,
    );
    assert.deepEqual(indexer.problems(), []);
    // Faults gone: the round catches up.
    const report = await indexer.syncOnce();
    assert.equal(report.reorgs, 0);
    assert.equal(
      (await indexer.cursor(pool))!.blockNumber,
      await chain.publicClient.getBlockNumber({ cacheTime: 0 }),
    );
  });

  it("another chain behind the URL is refused and turns /readyz red: other chain id, other genesis, a fresh node", async () => {
    await refused((c) => (c.method === "eth_chainId" ? { result: "0x1" } : undefined), /serves chain 1/);
    assert.equal(indexer.problems()[0]?.alert, "INDEXER_CHAIN_MISMATCH");
    const genesis = (await chain.connection.provider.request({
      method: "eth_getBlockByNumber",
      params: ["0x0", false],
    })) as Record<string, unknown>;
    const otherGenesis = { ...genesis, hash: `0x${"cd".repeat(32)}` };
    await refused(
      (c) =>
        c.method === "eth_getBlockByNumber" && c.params[0] === "0x0" ? { result: otherGenesis } : undefined,
      /genesis/,
    );
    assert.equal(indexer.problems()[0]?.alert, "INDEXER_CHAIN_MISMATCH");
    const ready = await fetch(`${server.url}/readyz`);
    assert.equal(ready.status, 503);
    assert.match(JSON.stringify(await ready.json()), /genesis/);
    assert.ok(log.lines().some((l) => l.alert === "INDEXER_CHAIN_MISMATCH" && l.level === 50));
    // The right chain again: healthy.
    await indexer.syncOnce();
    assert.deepEqual(indexer.problems(), []);
    assert.equal((await fetch(`${server.url}/readyz`)).status, 200);

    // A fresh Hardhat node on the same URL: same id and (deterministic) genesis, none of our blocks.
    const upstream = (call: RpcCall) =>
      other.provider.request({ method: call.method, params: call.params }) as Promise<unknown>;
    const fresh = new PoolIndexer({
      db,
      client: createPublicClient({ transport: http(proxy.url, { retryCount: 0 }) }) as PublicClient,
      chainId: CHAIN_ID,
      confirmations: 0,
      maxReorgDepth: MAX_DEPTH,
      logger: log.logger,
    });
    const before = await state();
    proxy.fault = () => ({ upstream });
    try {
      // Shorter than our cursor: the cursor's block is missing, which is doubt, not a reorg.
      await assert.rejects(fresh.syncOnce(), /not be found|BlockNotFound/i);
      // Grown past it: every recorded hash differs, deeper than the bound: stopped, nothing deleted.
      await mineEach(other.provider, Number(BigInt(before!.cursor as string)) + 2);
      assert.equal((await fresh.syncOnce()).reorgs, 0);
    } finally {
      proxy.fault = () => undefined;
    }
    assert.deepEqual(await state(), before);
    assert.equal(fresh.problems()[0]?.alert, "INDEXER_REORG_TOO_DEEP");
  });

  it("a reorganisation within the bound rolls back; a deeper one stops the pool and deletes nothing", async () => {
    const { takeSnapshot } = chain.networkHelpers;
    const mine = (n: number) => mineEach(chain.connection.provider, n);
    // Shallow: two blocks replaced.
    let snapshot = await takeSnapshot();
    await newBlock();
    await newBlock();
    await indexer.syncOnce();
    await snapshot.restore();
    await mine(6); // past the replaced blocks (a deposit takes two: approve, deposit)
    const shallow = await indexer.syncOnce();
    assert.equal(shallow.reorgs, 1);
    assert.deepEqual(indexer.problems(), []);

    // Deep: more than MAX_DEPTH blocks replaced, each indexed on its own round.
    snapshot = await takeSnapshot();
    for (let i = 0; i < MAX_DEPTH + 2; i++) {
      await newBlock();
      await indexer.syncOnce();
    }
    await snapshot.restore();
    await mine(2 * (MAX_DEPTH + 2) + 2);
    const before = await state();
    const deep = await indexer.syncOnce();
    assert.equal(deep.reorgs, 0);
    assert.deepEqual(await state(), before, "nothing deleted");
    assert.equal(indexer.problems()[0]?.alert, "INDEXER_REORG_TOO_DEEP");
    assert.equal((await fetch(`${server.url}/readyz`)).status, 503);
    assert.ok(log.lines().some((l) => l.alert === "INDEXER_REORG_TOO_DEEP" && l.level === 50));
    // Later rounds skip the pool instead of retrying the deletion.
    assert.equal((await indexer.syncOnce()).halted, 1);
    assert.deepEqual(await state(), before);
  });
});
