import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  deposit,
  depositETH,
  identityRegistryAbi,
  proposeSchedule,
  royaltyPoolAbi,
  signAttestation,
  submitAttestation,
  toAccountId,
  type ShareTable,
} from "@wellspring/sdk";
import { getAddress, type Address, type Hex } from "viem";
import type { Database } from "../src/db/database.ts";
import { PoolIndexer } from "../src/indexer/pool-indexer.ts";
import { PolicyRepository } from "../src/repositories/policies.ts";
import { PoolRepository } from "../src/repositories/pools.ts";
import { RunRepository } from "../src/repositories/runs.ts";
import { ACTIVATION_DELAY, CLAIM_WINDOW, deployChain, makeTable } from "./chain-fixture.ts";
import { backends, startTestServer, TEST_CHAIN_ID, type TestServer, appendDefaultPolicy } from "./helpers.ts";

interface WalletHome {
  wallet: Address;
  identities: {
    identity: string | null;
    accountId: Hex;
    state: string;
    payableFrom: string | null;
    pendingRebind: { newPayee: Address; executableAt: string } | null;
  }[];
  claimable: {
    pool: Address;
    account: string;
    accountId: Hex;
    scheduleId: string;
    status: string;
    runId: string;
    shares: string;
    amounts: { token: Address; amount: string }[];
    sweepableAt: string | null;
    sweepSoon: boolean;
    hold: string | null;
  }[];
  transactions: { pool: Address; to: Address; data: Hex }[];
  pastClaims: { account: string; token: Address; amount: string; payee: Address; scheduleId: string }[];
}

const DAY = 86_400;

for (const backend of await backends()) {
  describe(
    `wallet home from indexed bindings on a real chain [${backend.name}]`,
    { skip: backend.skip },
    () => {
      let db: Database;
      let dispose: () => Promise<void>;
      let chain: Awaited<ReturnType<typeof deployChain>>;
      let indexer: PoolIndexer;
      let server: TestServer;
      let chainNow = 0;

      const advance = async (seconds: number) => {
        await chain.networkHelpers.time.increase(seconds);
        await chain.networkHelpers.mine(1);
      };
      const catchUp = async () => {
        await indexer.syncOnce();
        chainNow = Number((await chain.publicClient.getBlock()).timestamp) * 1000;
      };
      const home = async (wallet: Address): Promise<WalletHome> => {
        const response = await fetch(`${server.url}/v1/wallets/${wallet}`);
        assert.equal(response.status, 200, await response.clone().text());
        return (await response.json()) as WalletHome;
      };
      /** The attestor binds `identity` to `payee`; `payee` submits (a first binding, or a rebind proposal). */
      const bind = async (identity: string, payee: (typeof chain.wallets)["alice"]) => {
        const signed = await signAttestation(chain.wallets.attestor, {
          registry: chain.registry,
          identity,
          payee: payee.account.address,
        });
        await submitAttestation(payee, { registry: chain.registry, ...signed });
      };
      const storeRun = async (poolId: bigint, table: ShareTable) => {
        const admin = getAddress(chain.wallets.admin.account.address);
        const policies = new PolicyRepository(db);
        const version = (await policies.getVersion("default", 1)) ?? (await appendDefaultPolicy(db, admin));
        await new RunRepository(db).insertCompleted({
          poolId,
          policyVersionId: version.id,
          engineVersion: "test",
          inputsHash: table.inputsHash,
          tableHash: table.tableHash,
          root: table.root,
          totalShares: table.totalShares,
          createdBy: admin,
          inputs: [],
          recipients: table.recipients.map((r) => ({
            accountId: r.accountId,
            shares: r.shares,
            identity: null,
          })),
        });
      };

      before(async () => {
        ({ db, dispose } = await backend.open());
        chain = await deployChain();
        indexer = new PoolIndexer({
          db,
          client: chain.publicClient,
          chainId: TEST_CHAIN_ID,
          confirmations: 0,
          batchBlocks: 7,
          registry: { address: chain.registry, deployedBlock: 0n },
        });
        server = await startTestServer(db, {
          now: () => chainNow,
          claimsFreshMs: 0,
          registry: chain.registry,
        });
      });
      after(async () => {
        await server?.close();
        await chain?.connection.close();
        await dispose?.();
      });

      it("lists bound identities, what they and the wallet can claim, sweep dates, one transaction, past claims", async () => {
        const { admin, payer, alice, bob } = chain.wallets;
        const pool = await new PoolRepository(db).insert({
          chainId: TEST_CHAIN_ID,
          address: getAddress(chain.pool),
          name: "wallet pool",
          deployedBlock: chain.deployedBlock,
          registeredBy: getAddress(admin.account.address),
        });
        const { table: first } = makeTable([
          { account: alice.account.address, shares: 300n },
          { account: "github:alice", shares: 500n },
          { account: "github:moved", shares: 100n },
          { account: "github:late", shares: 77n },
          { account: bob.account.address, shares: 23n },
        ]);
        const { table: second } = makeTable([
          { account: "github:alice", shares: 1n },
          { account: bob.account.address, shares: 1n },
        ]);
        await storeRun(pool.id, first);
        await storeRun(pool.id, second);

        await bind("github:alice", alice);
        await bind("github:moved", alice);
        // alice hands github:moved to bob herself: it leaves her home.
        const moved = await alice.writeContract({
          address: chain.registry,
          abi: identityRegistryAbi,
          functionName: "setPayee",
          args: [toAccountId("github:moved"), bob.account.address],
        });
        await chain.publicClient.waitForTransactionReceipt({ hash: moved });
        // github:bob is bob's; a rebind of it to alice is proposed (a recovery): pending, not alice's yet.
        await bind("github:bob", bob);
        await bind("github:bob", alice);

        await deposit(payer, { pool: chain.pool, token: chain.usdc, amount: 1_000_003n });
        await depositETH(payer, { pool: chain.pool, value: 10n ** 18n });
        const s1 = await proposeSchedule(admin, { pool: chain.pool, table: first, uri: "ipfs://one" });
        await advance(Math.max(ACTIVATION_DELAY, DAY));
        // Bound just now: inside its one-day window, the pool refuses to pay it yet.
        await bind("github:late", alice);
        await catchUp();

        const view = await home(alice.account.address);
        assert.deepEqual(view.identities.map((i) => [i.identity, i.state]).sort(), [
          ["github:alice", "bound"],
          ["github:bob", "rebind-to-this-wallet"],
          ["github:late", "bound"],
        ]);
        const bobRebind = view.identities.find((i) => i.identity === "github:bob")!;
        assert.equal(bobRebind.pendingRebind?.newPayee, getAddress(alice.account.address));

        // Every listed amount is the pool's own claimable view, and nothing listed is zero.
        for (const c of view.claimable) {
          for (const { token, amount } of c.amounts) {
            const onChain = await chain.publicClient.readContract({
              address: chain.pool,
              abi: royaltyPoolAbi,
              functionName: "claimable",
              args: [BigInt(c.scheduleId), c.accountId, BigInt(c.shares), token],
            });
            assert.equal(BigInt(amount), onChain, `${c.account} ${token}`);
            assert.ok(onChain > 0n);
          }
        }
        assert.deepEqual(
          view.claimable.map((c) => [c.account, c.scheduleId, c.hold, c.sweepableAt]).sort(),
          [
            [getAddress(alice.account.address), s1.scheduleId.toString(), null, null],
            ["github:alice", s1.scheduleId.toString(), null, null],
            ["github:late", s1.scheduleId.toString(), "binding-not-yet-payable", null],
          ].sort(),
        );

        // One transaction takes everything claimable now (the held identity is left out).
        assert.equal(view.transactions.length, 1);
        const tx = view.transactions[0]!;
        const usdcBefore = await usdcOf(alice.account.address);
        const hash = await bob.sendTransaction({ to: tx.to, data: tx.data });
        assert.equal((await chain.publicClient.waitForTransactionReceipt({ hash })).status, "success");
        const paid = (await usdcOf(alice.account.address)) - usdcBefore;
        const expected = view.claimable
          .filter((c) => c.hold === null)
          .flatMap((c) => c.amounts.filter((a) => a.token === getAddress(chain.usdc)))
          .reduce((sum, a) => sum + BigInt(a.amount), 0n);
        assert.equal(paid, expected);
        await catchUp();

        const after = await home(alice.account.address);
        assert.deepEqual(
          after.claimable.map((c) => c.account),
          ["github:late"],
          "spent schedules are not listed as claimable 0",
        );
        assert.deepEqual(after.pastClaims.map((c) => c.account).sort(), [
          getAddress(alice.account.address),
          getAddress(alice.account.address),
          "github:alice",
          "github:alice",
        ]);
        assert.ok(after.pastClaims.every((c) => c.payee === getAddress(alice.account.address)));

        // A second schedule supersedes the first: its sweep date is superseded-at + the claim window.
        const s2 = await proposeSchedule(admin, { pool: chain.pool, table: second, uri: "ipfs://two" });
        await advance(Math.max(ACTIVATION_DELAY, DAY));
        await catchUp();
        const superseded = (await home(alice.account.address)).claimable.find(
          (c) => c.account === "github:late",
        )!;
        assert.equal(superseded.status, "superseded");
        assert.equal(superseded.hold, null, "the binding window has passed");
        const activatesAt = Number(s2.activatesAt);
        assert.equal(superseded.sweepableAt, new Date((activatesAt + CLAIM_WINDOW) * 1000).toISOString());
        assert.equal(superseded.sweepSoon, CLAIM_WINDOW <= 14 * DAY);
      });

      it("forgets a binding whose block a reorganisation removed", async () => {
        const { alice } = chain.wallets;
        const snapshot = await chain.networkHelpers.takeSnapshot();
        await bind("github:orphan", alice);
        await catchUp();
        assert.ok((await home(alice.account.address)).identities.some((i) => i.identity === "github:orphan"));
        await snapshot.restore();
        await chain.networkHelpers.mine(3);
        await catchUp();
        assert.ok(
          !(await home(alice.account.address)).identities.some((i) => i.identity === "github:orphan"),
        );
        const reorgs = await db.query<{ stream: string }>("SELECT stream FROM indexer_reorgs");
        assert.ok(reorgs.rows.some((r) => r.stream === `registry:${chain.registry.toLowerCase()}`));
      });

      it("answers 400 naming the parameter for a non-address", async () => {
        const response = await fetch(`${server.url}/v1/wallets/github:alice`);
        assert.equal(response.status, 400);
        assert.match(await response.text(), /address/);
      });

      const usdcOf = (owner: Address) =>
        chain.publicClient.readContract({
          address: chain.usdc,
          abi: [
            {
              type: "function",
              name: "balanceOf",
              stateMutability: "view",
              inputs: [{ name: "a", type: "address" }],
              outputs: [{ type: "uint256" }],
            },
          ] as const,
          functionName: "balanceOf",
          args: [owner],
        });
    },
  );
}
