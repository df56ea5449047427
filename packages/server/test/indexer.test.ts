import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  buildClaims,
  claim,
  createPool,
  deposit,
  depositETH,
  proposeSchedule,
  revokeSchedule,
} from "@wellspring/sdk";
import { erc20Abi, getAddress, zeroAddress, type Address, type Hex } from "viem";
import type { Database } from "../src/db/database.ts";
import { PoolIndexer } from "../src/indexer/pool-indexer.ts";
import { PoolRepository, type PoolRecord } from "../src/repositories/pools.ts";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { isServerError } from "../src/errors.ts";
import { start } from "../src/start.ts";
import { ACTIVATION_DELAY, CLAIM_WINDOW, deployChain, makeTable } from "./chain-fixture.ts";
import { backends, rolesFor, signedFetch, startTestServer, appendDefaultPolicy } from "./helpers.ts";
import { openPglite } from "../src/db/pglite.ts";
import { migrate } from "../src/db/migrate.ts";
import { RunRepository } from "../src/repositories/runs.ts";

const CHAIN_ID = 31337;

for (const backend of await backends()) {
  describe(`chain indexer on the in-process Hardhat chain [${backend.name}]`, { skip: backend.skip }, () => {
    let db: Database;
    let dispose: () => Promise<void>;
    let chain: Awaited<ReturnType<typeof deployChain>>;
    let pool: PoolRecord;
    let repo: PoolRepository;
    const indexer = (confirmations: number, batchBlocks = 5) =>
      new PoolIndexer({ db, client: chain.publicClient, chainId: CHAIN_ID, confirmations, batchBlocks });

    const onChainBalance = (token: Address) =>
      token === zeroAddress
        ? chain.publicClient.getBalance({ address: chain.pool })
        : chain.publicClient.readContract({
            address: token,
            abi: erc20Abi,
            functionName: "balanceOf",
            args: [chain.pool],
          });

    /** The server's balances must equal what the pool holds on-chain, token by token. */
    const assertBalancesMatchChain = async () => {
      const balances = await repo.balances(pool.id);
      assert.ok(balances.length > 0);
      for (const b of balances)
        assert.equal(b.balance, await onChainBalance(b.token), `balance of ${b.token}`);
    };
    const count = async (table: string) =>
      Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n);

    before(async () => {
      ({ db, dispose } = await backend.open());
      chain = await deployChain();
      repo = new PoolRepository(db);
      pool = await repo.insert({
        chainId: CHAIN_ID,
        address: getAddress(chain.pool),
        name: "test pool",
        deployedBlock: chain.deployedBlock,
        registeredBy: chain.wallets.admin.account.address,
      });
    });
    after(async () => {
      await chain?.connection.close();
      await dispose?.();
    });

    it("indexes only confirmed blocks, in batches, and reads the pool's parameters", async () => {
      const { payer } = chain.wallets;
      await deposit(payer, { pool: chain.pool, token: chain.usdc, amount: 1_000_000n, memo: "invoice-1" });
      await depositETH(payer, { pool: chain.pool, value: 10n ** 18n, memo: "invoice-2" });
      const deep = indexer(2);
      await deep.syncOnce();
      assert.equal(await count("deposits"), 0, "the last two blocks are not final yet");
      await chain.networkHelpers.mine(2);
      const report = await deep.syncOnce();
      assert.equal(report.events, 2);
      assert.equal(await count("deposits"), 2);
      const stored = await repo.findByAddress(CHAIN_ID, pool.address);
      assert.equal(stored?.activationDelaySeconds, BigInt(ACTIVATION_DELAY));
      assert.equal(stored?.claimWindowSeconds, BigInt(CLAIM_WINDOW));
      const { rows } = await db.query<{
        payer: string;
        schedule_id: string | null;
        source: string;
        block_time: Date;
      }>("SELECT payer, schedule_id, source, block_time FROM deposits ORDER BY block_number");
      assert.equal(getAddress(rows[0]!.payer), getAddress(payer.account.address));
      assert.equal(rows[0]!.schedule_id, null, "before any schedule: the unallocated pot");
      assert.equal(rows[0]!.source, "deposit");
      assert.ok(rows[0]!.block_time instanceof Date);
      await assertBalancesMatchChain();
      const head = await chain.publicClient.getBlockNumber({ cacheTime: 0 });
      assert.equal((await deep.cursor(pool))?.blockNumber, head - 2n);
    });

    it("follows schedules, revocations and claims", async () => {
      const { admin, payer, alice, bob } = chain.wallets;
      const first = makeTable([{ account: alice.account.address, shares: 1n }]);
      const revoked = await proposeSchedule(admin, {
        pool: chain.pool,
        table: first.table,
        uri: "ipfs://revoked",
      });
      await revokeSchedule(admin, { pool: chain.pool, scheduleId: revoked.scheduleId });
      const { table, tree } = makeTable([
        { account: alice.account.address, shares: 600_000n },
        { account: bob.account.address, shares: 400_000n },
      ]);
      const proposed = await proposeSchedule(admin, { pool: chain.pool, table, uri: "ipfs://t2" });
      await indexer(0).syncOnce();
      let schedules = await repo.schedules(pool.id, new Date(Number(proposed.activatesAt) * 1000 - 1000));
      assert.deepEqual(
        schedules.map((s) => [s.scheduleId, s.status]),
        [
          [revoked.scheduleId, "revoked"],
          [proposed.scheduleId, "pending"],
        ],
      );
      assert.equal(schedules[1]?.root, table.root);
      assert.equal(schedules[1]?.uri, "ipfs://t2");

      await chain.networkHelpers.time.increase(ACTIVATION_DELAY);
      await deposit(payer, { pool: chain.pool, token: chain.usdc, amount: 2_000_000n });
      await claim(alice, {
        pool: chain.pool,
        claims: buildClaims({
          account: alice.account.address,
          schedules: [{ scheduleId: proposed.scheduleId, tree }],
          tokens: [chain.usdc, zeroAddress],
        }),
      });
      await indexer(0).syncOnce();
      schedules = await repo.schedules(pool.id, new Date(Number(proposed.activatesAt) * 1000 + 1000));
      assert.equal(schedules[1]?.status, "active");
      const claims = await db.query<{ payee: string; amount: string; token: string }>(
        "SELECT payee, amount, token FROM claims ORDER BY log_index",
      );
      assert.equal(claims.rowCount, 2, "one Claimed event per token");
      for (const c of claims.rows) assert.equal(getAddress(c.payee), getAddress(alice.account.address));
      // 60 % of (1,000,000 unallocated + 2,000,000) USDC.
      assert.equal(claims.rows.find((c) => c.token === chain.usdc.toLowerCase())?.amount, "1800000");
      await assertBalancesMatchChain();
    });

    it("is idempotent and resumable: re-reading a range or restarting writes nothing twice", async () => {
      const before = {
        deposits: await count("deposits"),
        claims: await count("claims"),
        schedules: await count("schedules"),
      };
      // A new instance resumes from the stored cursor: nothing to do.
      const resumed = await indexer(0).syncOnce();
      assert.equal(resumed.blocks, 0);
      // Move the cursor back to the deployment block: everything is read again.
      await db.query("UPDATE indexer_cursor SET block_number = $1", [pool.deployedBlock]);
      await db.query(
        "UPDATE indexer_cursor c SET block_hash = (SELECT block_hash FROM indexed_stream_blocks b WHERE b.stream = c.stream AND b.block_number = $1)",
        [pool.deployedBlock],
      );
      const again = await indexer(0, 3).syncOnce();
      assert.ok(again.blocks > 0);
      assert.equal(again.reorgs, 0);
      assert.deepEqual(
        {
          deposits: await count("deposits"),
          claims: await count("claims"),
          schedules: await count("schedules"),
        },
        before,
      );
      await assertBalancesMatchChain();
    });

    it("rolls back a reorg: orphaned events disappear, the new branch is indexed", async () => {
      const { payer } = chain.wallets;
      const snapshot = await chain.networkHelpers.takeSnapshot();
      await deposit(payer, { pool: chain.pool, token: chain.usdc, amount: 5n, memo: "orphan" });
      await indexer(0).syncOnce();
      const orphan = await db.query("SELECT 1 FROM deposits WHERE amount = 5");
      assert.equal(orphan.rowCount, 1);

      // Replace the blocks: same heights, different contents, and a longer chain.
      await snapshot.restore();
      await deposit(payer, { pool: chain.pool, token: chain.usdc, amount: 7n, memo: "kept" });
      await chain.networkHelpers.mine(3);
      const report = await indexer(0).syncOnce();
      assert.equal(report.reorgs, 1);
      assert.equal(
        (await db.query("SELECT 1 FROM deposits WHERE amount = 5")).rowCount,
        0,
        "orphaned deposit removed",
      );
      assert.equal(
        (await db.query("SELECT 1 FROM deposits WHERE amount = 7")).rowCount,
        1,
        "new branch indexed",
      );
      await assertBalancesMatchChain();
      const head = await chain.publicClient.getBlockNumber({ cacheTime: 0 });
      const cursor = await indexer(0).cursor(pool);
      assert.equal(cursor?.blockNumber, head);
      assert.equal(cursor?.blockHash, (await chain.publicClient.getBlock({ blockNumber: head })).hash);
    });

    it("rolls back each pool on its own block hashes: a pool indexed after another pool moved to the new branch still drops its orphans", async () => {
      const { admin, payer } = chain.wallets;
      const second = await createPool(admin, {
        factory: chain.factory,
        config: {
          admin: admin.account.address,
          registry: chain.registry,
          activationDelay: ACTIVATION_DELAY,
          claimWindow: CLAIM_WINDOW,
          proposers: [admin.account.address],
          guardians: [admin.account.address],
        },
      });
      const poolB = await repo.insert({
        chainId: CHAIN_ID,
        address: getAddress(second.pool),
        name: "second pool",
        deployedBlock: second.receipt.blockNumber,
        registeredBy: admin.account.address,
      });
      assert.ok(poolB.id > pool.id, "the first pool is indexed first");
      await indexer(0).syncOnce();
      const snapshot = await chain.networkHelpers.takeSnapshot();
      // Old branch: block N holds B's deposit, block N+1 the first pool's.
      await deposit(payer, { pool: second.pool, token: chain.usdc, amount: 21n, memo: "orphan-b" });
      await deposit(payer, { pool: chain.pool, token: chain.usdc, amount: 22n, memo: "orphan-a" });
      await indexer(0).syncOnce();
      assert.equal((await db.query("SELECT 1 FROM deposits WHERE amount IN (21, 22)")).rowCount, 2);

      // New branch: block N holds a deposit into the first pool, which is indexed first and records
      // block N's new hash; the second pool must not take that for the block it saw.
      await snapshot.restore();
      await deposit(payer, { pool: chain.pool, token: chain.usdc, amount: 23n, memo: "kept-a" });
      await chain.networkHelpers.mine(3);
      const report = await indexer(0).syncOnce();
      assert.equal(report.reorgs, 2, "both pools rolled back");
      assert.equal(
        (await db.query("SELECT 1 FROM deposits WHERE amount IN (21, 22)")).rowCount,
        0,
        "both pools' orphaned deposits removed",
      );
      assert.equal((await db.query("SELECT 1 FROM deposits WHERE amount = 23")).rowCount, 1);
      await assertBalancesMatchChain();
      const held = await chain.publicClient.readContract({
        address: chain.usdc,
        abi: erc20Abi,
        functionName: "balanceOf",
        args: [second.pool],
      });
      const indexed = await repo.balances(poolB.id);
      assert.equal(indexed.find((b) => b.token === getAddress(chain.usdc))?.balance ?? 0n, held);
    });
  });
}

describe("indexer inside the server process (start)", () => {
  it("indexes registered pools in the background and serves the result over HTTP", async () => {
    const chain = await deployChain();
    const dir = await mkdtemp(join(tmpdir(), "ws-idx-"));
    const admin = privateKeyToAccount(generatePrivateKey());
    const started = await start(
      {
        PGLITE_DIR: dir,
        PORT: "0",
        LOG_LEVEL: "silent",
        INDEXER_ENABLED: "true",
        INDEXER_CONFIRMATIONS: "0",
        INDEXER_INTERVAL_MS: "100",
      },
      { client: chain.publicClient, hasRole: rolesFor({ [admin.address]: ["ADMIN"] }) },
    );
    try {
      await deposit(chain.wallets.payer, { pool: chain.pool, token: chain.usdc, amount: 123n });
      const registered = await signedFetch(started.server.url, admin, {
        method: "POST",
        path: "/v1/pools",
        body: { address: chain.pool, name: "background", deployedBlock: chain.deployedBlock.toString() },
      });
      assert.equal(registered.status, 201);
      // Eventually consistent: wait (bounded) until the background loop has caught up.
      let balances: { token: string; balance: string }[] = [];
      for (let attempt = 0; attempt < 200 && balances.length === 0; attempt++) {
        balances = (
          (await (await fetch(`${started.server.url}/v1/pools/${chain.pool}/balances`)).json()) as {
            balances: typeof balances;
          }
        ).balances;
        if (balances.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.deepEqual(balances, [
        { token: getAddress(chain.usdc), deposited: "123", claimed: "0", balance: "123" },
      ]);
    } finally {
      await started.stop();
      await chain.connection.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("refuses to start when the RPC serves another chain than CHAIN_ID", async () => {
    const chain = await deployChain();
    const dir = await mkdtemp(join(tmpdir(), "ws-idx-"));
    try {
      await assert.rejects(
        start(
          { PGLITE_DIR: dir, PORT: "0", LOG_LEVEL: "silent", INDEXER_ENABLED: "true", CHAIN_ID: "1" },
          { client: chain.publicClient },
        ),
        (e) => isServerError(e, "CONFIG_INVALID"),
      );
    } finally {
      await chain.connection.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("claims endpoint: proofs from the stored table, amounts from the indexed events", () => {
  it("returns everything claimable with calldata that, sent as is, pays the account", async () => {
    const chain = await deployChain();
    const db = await openPglite();
    await migrate(db);
    const { admin, payer, alice, bob } = chain.wallets;
    const server = await startTestServer(db, { chain: chain.publicClient });
    try {
      const pools = new PoolRepository(db);
      const pool = await pools.insert({
        chainId: CHAIN_ID,
        address: getAddress(chain.pool),
        name: "claims",
        deployedBlock: chain.deployedBlock,
        registeredBy: getAddress(admin.account.address),
      });
      const version = await appendDefaultPolicy(db, getAddress(admin.account.address));
      const { table, tree } = makeTable([
        { account: alice.account.address, shares: 600_000n },
        { account: bob.account.address, shares: 400_000n },
      ]);
      // The run this server computed; its root is what gets proposed on-chain.
      await new RunRepository(db).insertCompleted({
        poolId: pool.id,
        policyVersionId: version.id,
        engineVersion: "test",
        inputsHash: table.inputsHash,
        tableHash: table.tableHash,
        root: table.root,
        totalShares: table.totalShares,
        createdBy: getAddress(admin.account.address),
        inputs: [],
        recipients: table.recipients.map((r) => ({
          accountId: r.accountId,
          shares: r.shares,
          identity: null,
        })),
      });
      await deposit(payer, { pool: chain.pool, token: chain.usdc, amount: 1_000_000n });
      await depositETH(payer, { pool: chain.pool, value: 10n ** 18n });
      const proposed = await proposeSchedule(admin, { pool: chain.pool, table, uri: "ipfs://t" });
      await chain.networkHelpers.time.increase(ACTIVATION_DELAY);
      await chain.networkHelpers.mine(1);
      const indexer = new PoolIndexer({
        db,
        client: chain.publicClient,
        chainId: CHAIN_ID,
        confirmations: 0,
      });
      await indexer.syncOnce();

      type Claimable = {
        accountId: string;
        items: {
          scheduleId: string;
          shares: string;
          proof: string[];
          claimable: { token: string; amount: string }[];
        }[];
        totals: { token: string; amount: string }[];
        transaction: { to: string; data: Hex } | null;
      };
      // The server's clock must be past activation too: move it with the chain's.
      const chainNow = Number((await chain.publicClient.getBlock()).timestamp) * 1000;
      const local = await startTestServer(db, { now: () => chainNow, claimsFreshMs: 0 });
      try {
        const response = await fetch(`${local.url}/v1/pools/${chain.pool}/claims/${alice.account.address}`);
        assert.equal(response.status, 200, await response.clone().text());
        const body = (await response.json()) as Claimable;
        assert.equal(body.items.length, 1);
        assert.equal(body.items[0]?.scheduleId, proposed.scheduleId.toString());
        assert.deepEqual(body.items[0]?.proof, tree.proofFor(alice.account.address).proof);
        const totals = Object.fromEntries(body.totals.map((t) => [t.token, t.amount]));
        assert.deepEqual(totals, {
          [zeroAddress]: (6n * 10n ** 17n).toString(),
          [getAddress(chain.usdc)]: "600000",
        });
        assert.ok(body.transaction);

        // Anyone may send it; the money goes to alice.
        const before = await chain.publicClient.readContract({
          address: chain.usdc,
          abi: erc20Abi,
          functionName: "balanceOf",
          args: [alice.account.address],
        });
        const hash = await bob.sendTransaction({
          to: body.transaction.to as `0x${string}`,
          data: body.transaction.data,
        });
        assert.equal((await chain.publicClient.waitForTransactionReceipt({ hash })).status, "success");
        const afterBalance = await chain.publicClient.readContract({
          address: chain.usdc,
          abi: erc20Abi,
          functionName: "balanceOf",
          args: [alice.account.address],
        });
        assert.equal(afterBalance - before, 600_000n);
        // The claim is known once the indexer has read it.
        await indexer.syncOnce();

        const again = (await (
          await fetch(`${local.url}/v1/pools/${chain.pool}/claims/${alice.account.address}`)
        ).json()) as Claimable;
        assert.equal(again.transaction, null, "nothing left to claim");
        const stranger = (await (
          await fetch(`${local.url}/v1/pools/${chain.pool}/claims/github:nobody`)
        ).json()) as Claimable;
        assert.deepEqual(stranger.items, []);
      } finally {
        await local.close();
      }
      const bad = await fetch(`${server.url}/v1/pools/0xnothex/claims/${bob.account.address}`);
      assert.equal(bad.status, 400);
      assert.equal(
        (await fetch(`${server.url}/v1/pools/${zeroAddress}/claims/${bob.account.address}`)).status,
        404,
      );
      // No RPC needed: the amounts come from the indexed events.
      const noChain = await startTestServer(db, { now: () => chainNow });
      try {
        const response = await fetch(`${noChain.url}/v1/pools/${chain.pool}/claims/${bob.account.address}`);
        assert.equal(response.status, 200);
        const body = (await response.json()) as Claimable;
        assert.deepEqual(Object.fromEntries(body.totals.map((t) => [t.token, t.amount])), {
          [zeroAddress]: (4n * 10n ** 17n).toString(),
          [getAddress(chain.usdc)]: "400000",
        });
      } finally {
        await noChain.close();
      }
    } finally {
      await server.close();
      await db.close();
      await chain.connection.close();
    }
  });
});
