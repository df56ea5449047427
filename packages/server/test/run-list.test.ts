// GET /v1/runs: newest first, by pool and policy, page by page, each run with the schedules that
// proposed its root and their status; a bad parameter is a 400 naming it.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { getAddress, keccak256, toHex, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import type { Database } from "../src/db/database.ts";
import { ChainEventRepository, PoolRepository } from "../src/repositories/pools.ts";
import {
  backends,
  json,
  rolesFor,
  signedFetch,
  startTestServer,
  TEST_CHAIN_ID,
  type ErrorBody,
  type TestServer,
} from "./helpers.ts";

const proposer = privateKeyToAccount(generatePrivateKey());
const POOL_A = getAddress("0x00000000000000000000000000000000000000aa");
const POOL_B = getAddress("0x00000000000000000000000000000000000000bb");

const lockfile = JSON.stringify({
  name: "acme",
  version: "1.0.0",
  lockfileVersion: 3,
  packages: {
    "": { name: "acme", version: "1.0.0", dependencies: { "left-pad": "^1.3.0", lodash: "^4.17.21" } },
    "node_modules/left-pad": { version: "1.3.0", license: "WTFPL" },
    "node_modules/lodash": { version: "4.17.21", license: "MIT" },
  },
});

interface Run {
  id: string;
  pool: string | null;
  root: Hex;
  totalShares: string;
  inputsHash: Hex;
  policy: { name: string; version: number; hash: Hex };
}
interface Listed extends Run {
  schedules: { scheduleId: string; status: string }[];
}
interface RunList {
  runs: Listed[];
  nextCursor: string | null;
}

for (const backend of await backends()) {
  describe(`run history API [${backend.name}]`, { skip: backend.skip }, () => {
    let db: Database;
    let dispose: () => Promise<void>;
    let server: TestServer;
    // Oldest first: A with default v1, A with default v2, B with other v1, no pool, A with default v1 again.
    const made: Run[] = [];
    const get = (path: string) => fetch(server.url + path);
    const list = async (query: string) => {
      const response = await get(`/v1/runs${query}`);
      assert.equal(response.status, 200, await response.clone().text());
      return json<RunList>(response);
    };
    const ids = (runs: { id: string }[]) => runs.map((r) => r.id);

    before(async () => {
      ({ db, dispose } = await backend.open());
      server = await startTestServer(db, {
        hasRole: rolesFor({ [proposer.address]: ["PROPOSER", "ADMIN"] }),
      });
      const post = async (path: string, body: unknown) => {
        const response = await signedFetch(server.url, proposer, { method: "POST", path, body });
        assert.equal(response.status, 201, await response.clone().text());
        return response;
      };
      await post("/v1/policies/default/versions", { document: { version: 1 } });
      await post("/v1/policies/default/versions", { document: { version: 1, keep: { root: 0.5 } } });
      await post("/v1/policies/other/versions", { document: { version: 1, depthDecay: 0.5 } });
      for (const address of [POOL_A, POOL_B])
        await post("/v1/pools", { address, name: address.slice(-2), deployedBlock: 1 });
      const inputs = [{ name: "package-lock.json", content: Buffer.from(lockfile).toString("base64") }];
      for (const [name, version, pool] of [
        ["default", 1, POOL_A],
        ["default", 2, POOL_A],
        ["other", 1, POOL_B],
        ["default", 1, undefined],
        ["default", 1, POOL_A],
      ] as const)
        made.push(
          await json<Run>(
            await post("/v1/runs", { policy: { name, version }, ...(pool ? { pool } : {}), inputs }),
          ),
        );
      // Pool A: schedule 1 (the first run's root) is active, schedule 2 (the second's) pending.
      const poolA = (await new PoolRepository(db).findByAddress(TEST_CHAIN_ID, POOL_A))!;
      const h = (s: string) => keccak256(toHex(s));
      for (const [scheduleId, run, activatesAt] of [
        [1n, made[0]!, Date.now() - 60_000],
        [2n, made[1]!, Date.now() + 3_600_000],
      ] as const)
        await db.transaction((tx) =>
          new ChainEventRepository().insertSchedule(tx, {
            poolId: poolA.id,
            blockNumber: 10n + scheduleId,
            logIndex: 0,
            blockHash: h(`b${scheduleId}`),
            txHash: h(`t${scheduleId}`),
            scheduleId,
            proposer: proposer.address,
            root: run.root,
            totalShares: BigInt(run.totalShares),
            tableHash: h("table"),
            policyHash: run.policy.hash,
            inputsHash: run.inputsHash,
            uri: `https://example.test/v1/runs/${run.id}/bundle`,
            activatesAt: new Date(activatesAt),
          }),
        );
    });
    after(async () => {
      await server?.close();
      await dispose?.();
    });

    it("lists every run newest first, each as GET /v1/runs/{id} answers it", async () => {
      const { runs, nextCursor } = await list("");
      assert.deepEqual(ids(runs), ids(made).reverse());
      assert.equal(nextCursor, null);
      for (const listed of runs) {
        const { schedules: _schedules, ...run } = listed;
        assert.deepEqual(run, await json(await get(`/v1/runs/${listed.id}`)));
      }
    });

    it("says which schedules proposed each run's root, and their status now", async () => {
      const byId = new Map((await list("")).runs.map((r) => [r.id, r.schedules]));
      assert.deepEqual(byId.get(made[0]!.id), [{ scheduleId: "1", status: "active" }]);
      assert.deepEqual(byId.get(made[1]!.id), [{ scheduleId: "2", status: "pending" }]);
      assert.deepEqual(byId.get(made[2]!.id), [], "never proposed");
      assert.deepEqual(byId.get(made[3]!.id), [], "a run of no pool is proposed nowhere");
      assert.notEqual(made[1]!.root, made[0]!.root);
      // The same inputs and policy give the same table: the later run shares the schedule.
      assert.equal(made[4]!.root, made[0]!.root);
      assert.deepEqual(byId.get(made[4]!.id), [{ scheduleId: "1", status: "active" }]);
    });

    it("filters by pool (any case) and by policy line, together or apart", async () => {
      const a = [made[4]!, made[1]!, made[0]!];
      assert.deepEqual(ids((await list(`?pool=${POOL_A.toLowerCase()}`)).runs), ids(a));
      assert.deepEqual(ids((await list(`?pool=${POOL_B}`)).runs), [made[2]!.id]);
      assert.deepEqual(ids((await list("?policy=other")).runs), [made[2]!.id]);
      assert.deepEqual(
        ids((await list("?policy=default")).runs),
        ids([made[4]!, made[3]!, made[1]!, made[0]!]),
      );
      assert.deepEqual(ids((await list(`?pool=${POOL_B}&policy=default`)).runs), []);
    });

    it("pages with limit and cursor: every run once, in order", async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: RunList = await list(`?pool=${POOL_A}&limit=2${cursor ? `&cursor=${cursor}` : ""}`);
        assert.ok(page.runs.length <= 2);
        seen.push(...ids(page.runs));
        cursor = page.nextCursor;
        pages++;
      } while (cursor);
      assert.deepEqual(seen, ids([made[4]!, made[1]!, made[0]!]));
      assert.equal(pages, 2);
    });

    it("answers 400 naming a bad parameter, and 404 for a pool or policy it does not know", async () => {
      for (const [query, path] of [
        ["?pool=0x12", "query.pool"],
        ["?policy=Not%20a%20name", "query.policy"],
        ["?limit=0", "query.limit"],
        ["?limit=501", "query.limit"],
        ["?limit=ten", "query.limit"],
        ["?cursor=abc", "query.cursor"],
        ["?cursor=0", "query.cursor"],
      ]) {
        const response = await get(`/v1/runs${query}`);
        const body = await json<ErrorBody>(response);
        assert.equal(response.status, 400, query);
        assert.equal(body.error.code, "VALIDATION");
        assert.deepEqual(
          body.error.issues?.map((i) => i.path),
          [path],
          query,
        );
      }
      const unknownPool = await get(`/v1/runs?pool=0x${"cc".repeat(20)}`);
      assert.equal(unknownPool.status, 404);
      assert.match((await json<ErrorBody>(unknownPool)).error.message, /no pool 0x/);
      const unknownPolicy = await get("/v1/runs?policy=nope");
      assert.equal(unknownPolicy.status, 404);
      assert.match((await json<ErrorBody>(unknownPolicy)).error.message, /no policy named "nope"/);
    });

    it("is in the OpenAPI document with its query parameters", async () => {
      const doc = await json<{
        paths: Record<
          string,
          Record<string, { operationId: string; parameters: { name: string; in: string }[] }>
        >;
      }>(await get("/openapi.json"));
      const op = doc.paths["/v1/runs"]?.get;
      assert.equal(op?.operationId, "listRuns");
      assert.deepEqual(
        op?.parameters.map((p) => `${p.in}:${p.name}`),
        ["query:pool", "query:policy", "query:limit", "query:cursor"],
      );
    });
  });
}
