import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { revokeSchedule, royaltyPoolAbi, type SdkClient } from "@wellspring/sdk";
import { getAddress, keccak256, stringToHex, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import type { Database } from "../src/db/database.ts";
import { bytea } from "../src/db/database.ts";
import { PoolIndexer } from "../src/indexer/pool-indexer.ts";
import { PoolRepository, type PoolRecord } from "../src/repositories/pools.ts";
import { RunRepository } from "../src/repositories/runs.ts";
import { ACTIVATION_DELAY, deployChain, makeTable } from "./chain-fixture.ts";
import {
  backends,
  rolesFor,
  signedFetch,
  startTestServer,
  type ErrorBody,
  type TestServer,
  appendDefaultPolicy,
} from "./helpers.ts";

const CHAIN_ID = 31337;
type Publication = {
  runId: string;
  scheduleId: string;
  root: string;
  txHash: string;
  sender: string;
  activatesAt: string;
};
type Schedules = { schedules: { scheduleId: string; status: string; root: string; runId: string | null }[] };

for (const backend of await backends()) {
  describe(`publishing a run's root on-chain [${backend.name}]`, { skip: backend.skip }, () => {
    let db: Database;
    let dispose: () => Promise<void>;
    let chain: Awaited<ReturnType<typeof deployChain>>;
    let pool: PoolRecord;
    let server: TestServer;
    let chainNowMs = 0;
    let policyVersionId: bigint;
    const proposer = privateKeyToAccount(generatePrivateKey());
    const outsider = privateKeyToAccount(generatePrivateKey());

    const sync = async () => {
      await new PoolIndexer({
        db,
        client: chain.publicClient,
        chainId: CHAIN_ID,
        confirmations: 0,
      }).syncOnce();
      chainNowMs = Number((await chain.publicClient.getBlock()).timestamp) * 1000;
    };
    const storeRun = async (shares: bigint) => {
      const { alice, bob } = chain.wallets;
      const { table } = makeTable([
        { account: alice.account.address, shares },
        { account: bob.account.address, shares: 1_000_000n - shares },
      ]);
      const run = await new RunRepository(db).insertCompleted({
        poolId: pool.id,
        policyVersionId,
        engineVersion: "test",
        inputsHash: keccak256(stringToHex(`inputs ${shares}`)),
        tableHash: table.tableHash,
        root: table.root,
        totalShares: table.totalShares,
        createdBy: getAddress(proposer.address),
        inputs: [],
        recipients: table.recipients.map((r) => ({
          accountId: r.accountId,
          shares: r.shares,
          identity: null,
        })),
      });
      return { run, table };
    };
    const publish = (runId: bigint | string, uri = "ipfs://table", signer = proposer) =>
      signedFetch(server.url, signer, {
        method: "POST",
        path: `/v1/runs/${runId}/publish`,
        body: { uri },
        // The server's clock is the chain's, which the tests move ahead.
        deadline: BigInt(Math.floor(chainNowMs / 1000)) + 60n,
      });
    const schedules = async () =>
      (await (await fetch(`${server.url}/v1/pools/${chain.pool}/schedules`)).json()) as Schedules;

    before(async () => {
      ({ db, dispose } = await backend.open());
      chain = await deployChain();
      pool = await new PoolRepository(db).insert({
        chainId: CHAIN_ID,
        address: getAddress(chain.pool),
        name: "publish",
        deployedBlock: chain.deployedBlock,
        registeredBy: getAddress(chain.wallets.admin.account.address),
      });
      policyVersionId = (await appendDefaultPolicy(db, getAddress(proposer.address))).id;
      await sync();
      // The pool's PROPOSER key is the server's publisher; the signed request only authorises it.
      server = await startTestServer(db, {
        hasRole: rolesFor({ [proposer.address]: ["PROPOSER"], [outsider.address]: ["ADMIN"] }),
        chain: chain.publicClient,
        publisher: chain.wallets.admin as unknown as SdkClient,
        now: () => chainNowMs,
      });
    });
    after(async () => {
      await server?.close();
      await chain?.connection.close();
      await dispose?.();
    });

    it("needs a signed PROPOSER request", async () => {
      const { run } = await storeRun(500_000n);
      const anonymous = await fetch(`${server.url}/v1/runs/${run.id}/publish`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ uri: "ipfs://x" }),
      });
      assert.equal(anonymous.status, 401);
      assert.equal((await publish(run.id, "ipfs://x", outsider)).status, 403);
      assert.equal(
        await chain.publicClient.readContract({
          address: chain.pool,
          abi: royaltyPoolAbi,
          functionName: "scheduleCount",
        }),
        0n,
        "nothing was proposed",
      );
    });

    it("proposes the root, links the schedule to the run, and refuses a second proposal while one is pending", async () => {
      const { run, table } = await storeRun(600_000n);
      const response = await publish(run.id, "ipfs://t1");
      assert.equal(response.status, 201, await response.clone().text());
      const body = (await response.json()) as Publication;
      assert.equal(body.runId, run.id.toString());
      assert.equal(body.root, table.root);
      assert.equal(body.sender, getAddress(chain.wallets.admin.account.address));
      assert.equal(
        await chain.publicClient.readContract({
          address: chain.pool,
          abi: royaltyPoolAbi,
          functionName: "pendingScheduleId",
        }),
        BigInt(body.scheduleId),
      );
      const link = await db.query<{ run_id: string; tx_hash: Hex; root: Hex }>(
        "SELECT run_id, tx_hash, root FROM schedule_publications WHERE pool_id = $1 AND schedule_id = $2",
        [pool.id, BigInt(body.scheduleId)],
      );
      assert.deepEqual(link.rows, [{ run_id: run.id.toString(), tx_hash: body.txHash, root: table.root }]);

      // Before the indexer saw it (the publication row) and after (the schedule row): 409 both times.
      const { run: other } = await storeRun(700_000n);
      const early = await publish(other.id);
      assert.equal(early.status, 409);
      assert.equal(((await early.json()) as ErrorBody).error.code, "CONFLICT");
      await sync();
      // The schedule names the run that holds its table (found by root; the uri is the proposer's text).
      assert.deepEqual(
        (await schedules()).schedules.map((s) => [s.scheduleId, s.status, s.root, s.runId]),
        [[body.scheduleId, "pending", table.root, run.id.toString()]],
      );
      assert.equal((await publish(other.id)).status, 409);

      await chain.networkHelpers.time.increase(ACTIVATION_DELAY);
      await chain.networkHelpers.mine(1);
      await sync();
      assert.equal((await schedules()).schedules[0]?.status, "active");
    });

    it("shows a revoked proposal as revoked, after which the next run can be published", async () => {
      const { run } = await storeRun(800_000n);
      const first = (await (await publish(run.id, "ipfs://t2")).json()) as Publication;
      await revokeSchedule(chain.wallets.admin, { pool: chain.pool, scheduleId: BigInt(first.scheduleId) });
      await sync();
      const listed = (await schedules()).schedules;
      assert.equal(listed.find((s) => s.scheduleId === first.scheduleId)?.status, "revoked");
      const again = await publish(run.id, "ipfs://t2-again");
      assert.equal(again.status, 201, await again.clone().text());
      const second = (await again.json()) as Publication;
      assert.equal(BigInt(second.scheduleId), BigInt(first.scheduleId) + 1n);
      await sync();
      assert.equal((await schedules()).schedules.at(-1)?.status, "pending");
    });

    it("holds no database transaction while a proposal is mined; a concurrent second proposal gets 409", async () => {
      const pending = (await schedules()).schedules.at(-1)!;
      await revokeSchedule(chain.wallets.admin, { pool: chain.pool, scheduleId: BigInt(pending.scheduleId) });
      await sync();
      const { run: a } = await storeRun(300_000n);
      const { run: b } = await storeRun(350_000n);
      const provider = chain.connection.provider;
      await provider.request({ method: "evm_setAutomine", params: [false] });
      try {
        const first = publish(a.id, "ipfs://mined-later");
        // Wait until the proposal sits in the node's mempool, unmined.
        for (;;) {
          const block = (await provider.request({
            method: "eth_getBlockByNumber",
            params: ["pending", false],
          })) as { transactions: unknown[] };
          if (block.transactions.length > 0) break;
          await new Promise((r) => setTimeout(r, 50));
        }
        // The database answers meanwhile (on PGlite one open transaction would block this read).
        const listed = await fetch(`${server.url}/v1/pools/${chain.pool}/schedules`);
        assert.equal(listed.status, 200);
        // A second proposal sent while the first is unmined (sent only now: two requests started
        // together may reach the server in either order).
        const r2 = await publish(b.id, "ipfs://second");
        assert.equal(r2.status, 409, await r2.clone().text());
        assert.match(((await r2.json()) as ErrorBody).error.message, /already pending|under way/);
        await provider.request({ method: "evm_mine", params: [] });
        const r1 = await first;
        assert.equal(r1.status, 201, await r1.clone().text());
      } finally {
        await provider.request({ method: "evm_setAutomine", params: [true] });
      }
      await sync();
      assert.equal((await schedules()).schedules.at(-1)?.status, "pending");
    });

    it("refuses runs that are not complete, unknown runs, and works only with a proposer key", async () => {
      const { rows } = await db.query<{ id: string }>(
        "INSERT INTO runs (pool_id, policy_version_id, created_by) VALUES ($1, $2, $3) RETURNING id",
        [pool.id, policyVersionId, bytea(proposer.address)],
      );
      const draft = await publish(rows[0]!.id);
      assert.equal(draft.status, 409);
      assert.equal((await publish("999999")).status, 404);
      const bad = await signedFetch(server.url, proposer, {
        method: "POST",
        path: `/v1/runs/1/publish`,
        body: { uri: "" },
        deadline: BigInt(Math.floor(chainNowMs / 1000)) + 60n,
      });
      assert.equal(bad.status, 400);
      const keyless = await startTestServer(db, {
        hasRole: rolesFor({ [proposer.address]: ["PROPOSER"] }),
        chain: chain.publicClient,
        now: () => chainNowMs,
      });
      try {
        const { run } = await storeRun(900_000n);
        const response = await signedFetch(keyless.url, proposer, {
          method: "POST",
          path: `/v1/runs/${run.id}/publish`,
          body: { uri: "ipfs://x" },
          deadline: BigInt(Math.floor(chainNowMs / 1000)) + 60n,
        });
        assert.equal(response.status, 503);
        assert.equal(((await response.json()) as ErrorBody).error.code, "CHAIN_UNAVAILABLE");
      } finally {
        await keyless.close();
      }
    });
  });
}
