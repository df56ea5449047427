/**
 * Two server instances on one database, publishing with one proposer key (issue 16, item 4): the
 * publication locks in `publish_locks` let exactly one publication of a pool through (the others
 * answer 409, never a 503 from a nonce collision), and publications of different pools by the
 * same key go one after the other. On PGlite the two apps share the one database in this process;
 * on PostgreSQL each has its own connection pool to a throwaway cluster.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createPool, royaltyPoolAbi, type SdkClient } from "@wellspring/sdk";
import { createWalletClient, custom, getAddress, keccak256, stringToHex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import type { Database } from "../src/db/database.ts";
import { migrate } from "../src/db/migrate.ts";
import { openPglite } from "../src/db/pglite.ts";
import { openPostgres } from "../src/db/postgres.ts";
import { PoolRepository } from "../src/repositories/pools.ts";
import { RunRepository } from "../src/repositories/runs.ts";
import { ACTIVATION_DELAY, CLAIM_WINDOW, deployChain, makeTable } from "./chain-fixture.ts";
import {
  rolesFor,
  signedFetch,
  startTestServer,
  type ErrorBody,
  type TestServer,
  appendDefaultPolicy,
} from "./helpers.ts";
import { clusterSkip, PgCluster } from "./pg-cluster.ts";

const CHAIN_ID = 31337;

/** Two databases handles on one store: the same PGlite twice, or two pools to one cluster. */
const setups: {
  name: string;
  skip: string | false;
  open: () => Promise<{ dbs: [Database, Database]; dispose: () => Promise<void>; cluster?: PgCluster }>;
}[] = [
  {
    name: "pglite, two apps",
    skip: false,
    async open() {
      const db = await openPglite();
      await migrate(db);
      return { dbs: [db, db], dispose: () => db.close() };
    },
  },
  {
    name: "throwaway PostgreSQL cluster, two connection pools",
    skip: clusterSkip(),
    async open() {
      const cluster = await PgCluster.start();
      const a = await openPostgres({ connectionString: cluster.url, poolSize: 4 });
      const b = await openPostgres({ connectionString: cluster.url, poolSize: 4 });
      await Promise.all([migrate(a), migrate(b)]);
      return {
        dbs: [a, b],
        cluster,
        dispose: async () => {
          await a.close();
          await b.close();
          await cluster.destroy();
        },
      };
    },
  },
];

for (const setup of setups) {
  describe(`publishing from two instances [${setup.name}]`, { skip: setup.skip }, () => {
    let dbs: [Database, Database];
    let dispose: () => Promise<void>;
    let cluster: PgCluster | undefined;
    let chain: Awaited<ReturnType<typeof deployChain>>;
    let servers: TestServer[] = [];
    let policyVersionId: bigint;
    const requester = privateKeyToAccount(generatePrivateKey());
    // One key, a local account as PUBLISHER_PRIVATE_KEY gives: the client picks its own nonces.
    const publisherKey = generatePrivateKey();
    const publisherAddress = privateKeyToAccount(publisherKey).address;

    /** A new pool whose proposer is the publisher key, registered in the database. */
    const newPool = async (name: string) => {
      const { pool, receipt } = await createPool(chain.wallets.admin, {
        factory: chain.factory,
        config: {
          admin: chain.wallets.admin.account.address,
          registry: chain.registry,
          activationDelay: ACTIVATION_DELAY,
          claimWindow: CLAIM_WINDOW,
          proposers: [publisherAddress],
          guardians: [chain.wallets.admin.account.address],
        },
      });
      return new PoolRepository(dbs[0]).insert({
        chainId: CHAIN_ID,
        address: getAddress(pool),
        name,
        deployedBlock: receipt.blockNumber,
        registeredBy: getAddress(chain.wallets.admin.account.address),
      });
    };
    const storeRun = async (poolId: bigint, tag: number) => {
      const { table } = makeTable([
        { account: chain.wallets.alice.account.address, shares: BigInt(tag) },
        { account: chain.wallets.bob.account.address, shares: 1_000_000n - BigInt(tag) },
      ]);
      return new RunRepository(dbs[0]).insertCompleted({
        poolId,
        policyVersionId,
        engineVersion: "test",
        inputsHash: keccak256(stringToHex(`inputs ${tag}`)),
        tableHash: table.tableHash,
        root: table.root,
        totalShares: table.totalShares,
        createdBy: getAddress(requester.address),
        inputs: [],
        recipients: table.recipients.map((r) => ({
          accountId: r.accountId,
          shares: r.shares,
          identity: null,
        })),
      });
    };
    const publish = (server: TestServer, runId: bigint) =>
      signedFetch(server.url, requester, {
        method: "POST",
        path: `/v1/runs/${runId}/publish`,
        body: { uri: `ipfs://run-${runId}` },
      });
    const outcome = async (response: Response) =>
      response.ok
        ? String(response.status)
        : `${response.status} ${((await response.json()) as ErrorBody).error.code}`;

    before(async () => {
      ({ dbs, dispose, cluster } = await setup.open());
      chain = await deployChain();
      await chain.networkHelpers.setBalance(publisherAddress, 10n ** 20n);
      policyVersionId = (await appendDefaultPolicy(dbs[0], getAddress(requester.address))).id;
      servers = await Promise.all(
        dbs.map((db) =>
          startTestServer(db, {
            hasRole: rolesFor({ [requester.address]: ["PROPOSER"] }),
            chain: chain.publicClient,
            // Each instance has its own wallet client for the key, as separate processes would.
            publisher: createWalletClient({
              account: privateKeyToAccount(publisherKey),
              transport: custom(chain.connection.provider),
            }) as unknown as SdkClient,
          }),
        ),
      );
    });
    after(async () => {
      await Promise.all(servers.map((s) => s.close()));
      await chain?.connection.close();
      await dispose?.();
    });

    it("one pool, three requests to each instance at once: exactly one 201, the rest 409", async () => {
      const pool = await newPool("race");
      const runs = await Promise.all([1, 2, 3, 4, 5, 6].map((i) => storeRun(pool.id, 100_000 + i)));
      const answers = await Promise.all(runs.map((run, i) => publish(servers[i % 2]!, run.id).then(outcome)));
      assert.deepEqual(answers.toSorted(), [
        "201",
        "409 CONFLICT",
        "409 CONFLICT",
        "409 CONFLICT",
        "409 CONFLICT",
        "409 CONFLICT",
      ]);
      const { rows } = await dbs[1].query(
        "SELECT schedule_id FROM schedule_publications WHERE pool_id = $1",
        [pool.id],
      );
      assert.equal(rows.length, 1, "one publication linked");
      const { rows: locks } = await dbs[1].query("SELECT name FROM publish_locks");
      assert.deepEqual(locks, [], "every lock released");
    });

    it("two pools, one key, one request to each instance at once: both 201 (no nonce collision)", async () => {
      for (let round = 0; round < 3; round++) {
        const pools = [await newPool(`a${round}`), await newPool(`b${round}`)];
        const runs = await Promise.all(pools.map((p, i) => storeRun(p.id, 200_000 + 10 * round + i)));
        const answers = await Promise.all(runs.map((run, i) => publish(servers[i]!, run.id).then(outcome)));
        assert.deepEqual(answers, ["201", "201"], `round ${round}`);
      }
    });

    it("chaos: backends terminated under load during a publish race: nothing lost, both instances stay up", async (t) => {
      if (!cluster) return t.skip("needs a PostgreSQL cluster whose backends can be ended");
      const pool = await newPool("chaos");
      const runs = await Promise.all([1, 2, 3, 4].map((i) => storeRun(pool.id, 400_000 + i)));
      const reads: string[] = [];
      let loading = true;
      const load = async (server: TestServer) => {
        for (let i = 0; loading; i++) {
          const res = await fetch(`${server.url}${i % 2 ? "/v1/pools" : `/v1/runs/${runs[0]!.id}`}`);
          reads.push(await outcome(res));
        }
      };
      const loaders = Promise.all(servers.map(load));
      let answers: string[];
      try {
        await new Promise((r) => setTimeout(r, 200));
        const race = Promise.all(runs.map((run, i) => publish(servers[i % 2]!, run.id).then(outcome)));
        await cluster.terminateBackends();
        answers = await race;
        await cluster.terminateBackends();
        await new Promise((r) => setTimeout(r, 200));
      } finally {
        loading = false;
        await loaders;
      }

      const allowed = ["200", "201", "503 DATABASE_UNAVAILABLE"];
      assert.deepEqual(
        reads.filter((r) => !allowed.includes(r)),
        [],
        "reads: 200 or a retryable 503",
      );
      assert.deepEqual(
        answers.filter((a) => !["201", "409 CONFLICT", "503 DATABASE_UNAVAILABLE"].includes(a)),
        [],
        `publications: ${answers.join(", ")}`,
      );
      const published = answers.filter((a) => a === "201").length;
      assert.ok(published <= 1, `at most one publication: ${answers.join(", ")}`);
      // What answered 201 is linked; what the chain holds is at most one pending schedule.
      const { rows } = await dbs[0].query("SELECT 1 FROM schedule_publications WHERE pool_id = $1", [
        pool.id,
      ]);
      assert.equal(rows.length, published, "every 201 has its link row");
      const onChain = await chain.publicClient.readContract({
        address: pool.address,
        abi: royaltyPoolAbi,
        functionName: "scheduleCount",
      });
      assert.ok(onChain <= 1n, `${onChain} schedules proposed`);
      // Both instances serve again, and still refuse a second publication of the pool.
      for (const server of servers) {
        assert.equal((await fetch(`${server.url}/v1/pools`)).status, 200);
        if (onChain === 1n) assert.equal(await outcome(await publish(server, runs[3]!.id)), "409 CONFLICT");
      }
      for (const server of servers)
        assert.deepEqual(
          server.logs().filter((l) => (l.level as number) >= 50),
          [],
          "nothing logged as an error",
        );
    });

    it("a lease left by an instance that died expires, and the pool can be published again", async () => {
      const pool = await newPool("abandoned");
      // A holder that stopped renewing: its lease runs a moment longer, then expires.
      await dbs[0].query(
        "INSERT INTO publish_locks (name, holder, expires_at) VALUES ($1, 'dead', now() + interval '1 second')",
        [`pool:${pool.id}`],
      );
      const run = await storeRun(pool.id, 300_000);
      const held = await publish(servers[0]!, run.id);
      assert.equal(await outcome(held), "409 CONFLICT");
      await dbs[0].query(
        "UPDATE publish_locks SET expires_at = now() - interval '1 second' WHERE holder = 'dead'",
      );
      assert.equal(await outcome(await publish(servers[1]!, run.id)), "201");
    });
  });
}
