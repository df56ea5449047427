import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  buildClaims,
  buildShareTree,
  claim,
  deposit,
  depositETH,
  identityToAccountId,
  proposeSchedule,
  royaltyPoolAbi,
  sweep,
  toAccountId,
  type ShareTable,
} from "@wellspring/sdk";
import { randomBytes } from "node:crypto";
import { getAddress, toHex, zeroAddress, type Address, type Hex } from "viem";
import type { Database } from "../src/db/database.ts";
import { PoolIndexer } from "../src/indexer/pool-indexer.ts";
import { ChainEventRepository, PoolRepository } from "../src/repositories/pools.ts";
import { RunRepository } from "../src/repositories/runs.ts";
import { ACTIVATION_DELAY, CLAIM_WINDOW, deployChain, makeTable } from "./chain-fixture.ts";
import { backends, startTestServer, TEST_CHAIN_ID, type TestServer, appendDefaultPolicy } from "./helpers.ts";

type Claimable = {
  accountId: Hex;
  items: {
    scheduleId: string;
    status: string;
    shares: string;
    proof: Hex[];
    claimable: { token: Address; amount: string }[];
  }[];
  totals: { token: Address; amount: string }[];
  unavailableSchedules: string[];
  transaction: { to: Address; data: Hex } | null;
};

describe("claims endpoint proofs", () => {
  it("are OpenZeppelin's proofs for a table large enough for the typed-array builder", async () => {
    const { db, dispose } = await (await backends())[0]!.open();
    const server = await startTestServer(db, { claimsFreshMs: 0 });
    try {
      const admin = getAddress(toHex(randomBytes(20)));
      const poolAddress = getAddress(toHex(randomBytes(20)));
      const pool = await new PoolRepository(db).insert({
        chainId: TEST_CHAIN_ID,
        address: poolAddress,
        name: "proofs",
        deployedBlock: 1n,
        registeredBy: admin,
      });
      const version = await appendDefaultPolicy(db, admin);
      const entries = Array.from({ length: 3_000 }, (_, i) => ({
        account: `github:${i}`,
        shares: BigInt(1 + ((i * 7919) % 1000)),
      }));
      const draft = makeTable(entries).table;
      const oz = buildShareTree(draft, { builder: "openzeppelin" });
      await new RunRepository(db).insertCompleted({
        poolId: pool.id,
        policyVersionId: version.id,
        engineVersion: "test",
        inputsHash: draft.inputsHash,
        tableHash: draft.tableHash,
        root: draft.root,
        totalShares: draft.totalShares,
        createdBy: admin,
        inputs: [],
        recipients: draft.recipients.map((r) => ({
          accountId: r.accountId,
          shares: r.shares,
          identity: null,
        })),
      });
      // The schedule as the indexer would have written it, active for a day already.
      await db.transaction((tx) =>
        new ChainEventRepository().insertSchedule(tx, {
          poolId: pool.id,
          blockNumber: 2n,
          logIndex: 0,
          blockHash: toHex(randomBytes(32)),
          txHash: toHex(randomBytes(32)),
          scheduleId: 1n,
          proposer: admin,
          root: draft.root,
          totalShares: draft.totalShares,
          tableHash: draft.tableHash,
          policyHash: draft.policyHash,
          inputsHash: draft.inputsHash,
          uri: "ipfs://proofs",
          activatesAt: new Date(Date.now() - 86_400_000),
        }),
      );
      for (const i of [0, 1, 2, 1_499, 2_998, 2_999]) {
        const account = `github:${i}`;
        const response = await fetch(`${server.url}/v1/pools/${poolAddress}/claims/${account}`);
        assert.equal(response.status, 200);
        const body = (await response.json()) as Claimable;
        const expected = oz.proofFor(account);
        assert.equal(body.items.length, 1);
        assert.equal(body.items[0]!.shares, expected.shares.toString());
        assert.deepEqual(body.items[0]!.proof, expected.proof, account);
        assert.equal(body.transaction, null, "no deposits: nothing to claim");
      }
      const absent = (await (
        await fetch(`${server.url}/v1/pools/${poolAddress}/claims/github:3000`)
      ).json()) as Claimable;
      assert.deepEqual(absent.items, []);
    } finally {
      await server.close();
      await dispose();
    }
  });
});

for (const backend of await backends()) {
  describe(
    `claims endpoint equals the pool's claimable view on a real chain [${backend.name}]`,
    { skip: backend.skip },
    () => {
      let db: Database;
      let dispose: () => Promise<void>;
      let chain: Awaited<ReturnType<typeof deployChain>>;
      let indexer: PoolIndexer;
      let server: TestServer;
      let chainNow = 0;
      const tables = new Map<bigint, ShareTable>();

      const advance = async (seconds: number) => {
        await chain.networkHelpers.time.increase(seconds);
        await chain.networkHelpers.mine(1);
      };
      /** Index up to the head and move the server's clock to the chain's. */
      const catchUp = async () => {
        await indexer.syncOnce();
        chainNow = Number((await chain.publicClient.getBlock()).timestamp) * 1000;
      };
      const ask = async (account: string): Promise<Claimable> => {
        const response = await fetch(`${server.url}/v1/pools/${chain.pool}/claims/${account}`);
        assert.equal(response.status, 200, await response.clone().text());
        return (await response.json()) as Claimable;
      };
      const storeRun = async (poolId: bigint, policyVersionId: bigint, table: ShareTable) => {
        await new RunRepository(db).insertCompleted({
          poolId,
          policyVersionId,
          engineVersion: "test",
          inputsHash: table.inputsHash,
          tableHash: table.tableHash,
          root: table.root,
          totalShares: table.totalShares,
          createdBy: getAddress(chain.wallets.admin.account.address),
          inputs: [],
          recipients: table.recipients.map((r) => ({
            accountId: r.accountId,
            shares: r.shares,
            identity: null,
          })),
        });
      };

      /**
       * For every account, schedule the server lists and token: the endpoint's amount equals the
       * pool's own `claimable(scheduleId, accountId, shares, token)` at the head block.
       */
      const assertEqualsChain = async (accounts: readonly string[], label: string) => {
        let positive = 0;
        for (const account of accounts) {
          const body = await ask(account);
          const accountId = toAccountId(account);
          assert.equal(body.accountId, accountId);
          const expectedSchedules = [...tables]
            .filter(([, t]) => t.recipients.some((r) => r.accountId === accountId))
            .map(([id]) => id.toString());
          assert.deepEqual(
            body.items.map((i) => i.scheduleId),
            expectedSchedules.filter((id) => body.items.some((i) => i.scheduleId === id)),
          );
          const totals = new Map<string, bigint>();
          for (const item of body.items) {
            for (const { token, amount } of item.claimable) {
              const onChain = await chain.publicClient.readContract({
                address: chain.pool,
                abi: royaltyPoolAbi,
                functionName: "claimable",
                args: [BigInt(item.scheduleId), accountId, BigInt(item.shares), token],
              });
              assert.equal(
                BigInt(amount),
                onChain,
                `${label}: ${account} schedule ${item.scheduleId} token ${token}`,
              );
              if (onChain > 0n) positive++;
              totals.set(token, (totals.get(token) ?? 0n) + onChain);
            }
          }
          assert.deepEqual(
            Object.fromEntries(body.totals.map((t) => [t.token, BigInt(t.amount)])),
            Object.fromEntries(totals),
            `${label}: totals of ${account}`,
          );
        }
        return positive;
      };

      before(async () => {
        ({ db, dispose } = await backend.open());
        chain = await deployChain();
        indexer = new PoolIndexer({
          db,
          client: chain.publicClient,
          chainId: TEST_CHAIN_ID,
          confirmations: 0,
        });
        server = await startTestServer(db, { now: () => chainNow, claimsFreshMs: 0 });
      });
      after(async () => {
        await server?.close();
        await chain?.connection.close();
        await dispose?.();
      });

      it("after deposits before and after activation, partial claims, a second schedule and a sweep", async () => {
        const { admin, payer, alice, bob, other } = chain.wallets;
        const pool = await new PoolRepository(db).insert({
          chainId: TEST_CHAIN_ID,
          address: getAddress(chain.pool),
          name: "claims vs chain",
          deployedBlock: chain.deployedBlock,
          registeredBy: getAddress(admin.account.address),
        });
        const version = await appendDefaultPolicy(db, getAddress(admin.account.address));
        const accounts = [
          alice.account.address,
          bob.account.address,
          other.account.address,
          "github:4242",
          "github:nobody",
        ];
        // Shares that do not divide the pots evenly, so rounding is exercised.
        const { table: first, tree: firstTree } = makeTable([
          { account: alice.account.address, shares: 333_333n },
          { account: bob.account.address, shares: 555_555n },
          { account: "github:4242", shares: 111_112n },
        ]);
        const second = makeTable([
          { account: alice.account.address, shares: 7n },
          { account: other.account.address, shares: 11n },
          { account: "github:4242", shares: 13n },
        ]).table;
        await storeRun(pool.id, version.id, first);
        await storeRun(pool.id, version.id, second);

        // Unallocated deposits, then schedule 1 (the genesis schedule) activates.
        await deposit(payer, { pool: chain.pool, token: chain.usdc, amount: 1_000_003n });
        await depositETH(payer, { pool: chain.pool, value: 10n ** 18n + 7n });
        const s1 = await proposeSchedule(admin, { pool: chain.pool, table: first, uri: "ipfs://one" });
        tables.set(s1.scheduleId, first);
        await catchUp();
        assert.deepEqual((await ask(alice.account.address)).items, [], "pending schedules pay nothing");
        await advance(ACTIVATION_DELAY);
        await deposit(payer, { pool: chain.pool, token: chain.usdc, amount: 2_000_001n });
        await catchUp();
        assert.ok((await assertEqualsChain(accounts, "genesis")) > 0);

        // alice claims part of it through the endpoint's own calldata; more money arrives after.
        const mine = await ask(alice.account.address);
        assert.ok(mine.transaction);
        const hash = await other.sendTransaction({ to: mine.transaction.to, data: mine.transaction.data });
        assert.equal((await chain.publicClient.waitForTransactionReceipt({ hash })).status, "success");
        await deposit(payer, { pool: chain.pool, token: chain.usdc, amount: 999_999n });
        await depositETH(payer, { pool: chain.pool, value: 12_345n });
        await catchUp();
        assert.ok((await assertEqualsChain(accounts, "after a partial claim")) > 0);

        // Schedule 2 supersedes schedule 1; deposits now credit schedule 2.
        const s2 = await proposeSchedule(admin, { pool: chain.pool, table: second, uri: "ipfs://two" });
        tables.set(s2.scheduleId, second);
        await advance(ACTIVATION_DELAY);
        await deposit(payer, { pool: chain.pool, token: chain.usdc, amount: 5_000_000n });
        await claim(bob, {
          pool: chain.pool,
          claims: buildClaims({
            account: bob.account.address,
            tokens: [chain.usdc],
            schedules: [{ scheduleId: s1.scheduleId, tree: firstTree }],
          }),
        });
        await catchUp();
        const statuses = (await ask(alice.account.address)).items.map((i) => [i.scheduleId, i.status]);
        assert.deepEqual(statuses, [
          [s1.scheduleId.toString(), "superseded"],
          [s2.scheduleId.toString(), "active"],
        ]);
        assert.ok((await assertEqualsChain(accounts, "two schedules")) > 0);

        // After the claim window, schedule 1's USDC remainder is swept into schedule 2.
        await advance(CLAIM_WINDOW);
        await sweep(other, { pool: chain.pool, scheduleId: s1.scheduleId, token: chain.usdc });
        await catchUp();
        assert.ok((await assertEqualsChain(accounts, "after a sweep")) > 0);
        const swept = await ask(alice.account.address);
        const s1usdc = swept.items
          .find((i) => i.scheduleId === s1.scheduleId.toString())
          ?.claimable.find((c) => c.token === getAddress(chain.usdc));
        assert.equal(s1usdc?.amount, "0", "a swept pot pays nothing");

        // The identity's accountId is listed like any other; unbound, its money waits.
        assert.equal((await ask("github:4242")).accountId, identityToAccountId("github:4242"));
        assert.deepEqual(
          (await ask(alice.account.address)).totals.map((t) => t.token).sort(),
          [zeroAddress, getAddress(chain.usdc)].sort(),
        );
      });

      it("reads the indexer's new events incrementally and reloads after a reorg rollback", async () => {
        const { payer, alice } = chain.wallets;
        const before = await ask(alice.account.address);
        const snapshot = await chain.networkHelpers.takeSnapshot();
        await deposit(payer, { pool: chain.pool, token: chain.usdc, amount: 10_000_000n });
        await catchUp();
        const withOrphan = await ask(alice.account.address);
        assert.notDeepEqual(withOrphan.totals, before.totals, "the new deposit is counted");
        await assertEqualsChain([alice.account.address], "incremental");

        // The deposit's block is replaced by a longer branch without it.
        await snapshot.restore();
        await chain.networkHelpers.mine(5);
        await catchUp();
        const reorgs = await db.query<{ n: string }>("SELECT count(*) AS n FROM indexer_reorgs");
        assert.equal(reorgs.rows[0]?.n, "1");
        await assertEqualsChain([alice.account.address], "after the reorg");
        assert.deepEqual((await ask(alice.account.address)).totals, before.totals);
      });
    },
  );
}
