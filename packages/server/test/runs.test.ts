import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { getAddress, keccak256, toHex, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { createHash } from "node:crypto";
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
const POOL = getAddress("0x00000000000000000000000000000000000000aa");

const lockfile = (extraDeps: Record<string, string> = {}) => {
  const packages: Record<string, unknown> = {
    "": {
      name: "acme-ai",
      version: "1.0.0",
      dependencies: { "left-pad": "^1.3.0", lodash: "^4.17.21", ...extraDeps },
    },
    "node_modules/left-pad": {
      version: "1.3.0",
      license: "WTFPL",
      funding: { url: "https://github.com/sponsors/stevemao" },
    },
    "node_modules/lodash": { version: "4.17.21", license: "MIT" },
  };
  for (const [name, version] of Object.entries(extraDeps))
    packages[`node_modules/${name}`] = { version: version.replace("^", ""), license: "MIT" };
  return JSON.stringify({ name: "acme-ai", version: "1.0.0", lockfileVersion: 3, requires: true, packages });
};
const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");

type Run = {
  id: string;
  root: string;
  totalShares: string;
  recipientCount: number;
  policy: { hash: string };
  inputsHash: string;
  report?: { recipients: number };
};
type Recipients = {
  recipients: { accountId: Hex; shares: string; identity: string | null }[];
  nextCursor: string | null;
};

for (const backend of await backends()) {
  describe(`runs API [${backend.name}]`, { skip: backend.skip }, () => {
    let db: Database;
    let dispose: () => Promise<void>;
    let server: TestServer;
    let first: Run;
    before(async () => {
      ({ db, dispose } = await backend.open());
      server = await startTestServer(db, {
        hasRole: rolesFor({ [proposer.address]: ["PROPOSER", "ADMIN"] }),
        config: { BODY_LIMIT_BYTES: 1024 * 1024 },
      });
      const post = (path: string, body: unknown) =>
        signedFetch(server.url, proposer, { method: "POST", path, body });
      assert.equal((await post("/v1/policies/default/versions", { document: { version: 1 } })).status, 201);
      assert.equal(
        (await post("/v1/policies/default/versions", { document: { version: 1, keep: { default: 0.8 } } }))
          .status,
        201,
      );
      assert.equal((await post("/v1/pools", { address: POOL, name: "p", deployedBlock: 1 })).status, 201);
    });
    after(async () => {
      await server?.close();
      await dispose?.();
    });
    const createRun = (body: unknown) =>
      signedFetch(server.url, proposer, { method: "POST", path: "/v1/runs", body });
    const get = (path: string) => fetch(server.url + path);

    it("computes a share table from uploaded inputs and stores it; the root verifies with OpenZeppelin's library", async () => {
      const content = lockfile();
      const response = await createRun({
        policy: { name: "default", version: 1 },
        pool: POOL,
        inputs: [{ name: "package-lock.json", content: b64(content) }],
      });
      assert.equal(response.status, 201, await response.clone().text());
      first = await json<Run>(response);
      assert.equal(response.headers.get("location"), `/v1/runs/${first.id}`);
      // The product keeps nothing by default: left-pad's sponsor and lodash (held).
      assert.equal(first.recipientCount, 2);
      assert.equal(first.report?.recipients, 2);
      const policy = await json<{ hash: string }>(await get("/v1/policies/default/versions/1"));
      assert.equal(first.policy.hash, policy.hash, "the table commits to the stored policy version's hash");

      const all: Recipients["recipients"] = [];
      let after: string | null = null;
      do {
        const page: Recipients = await json(
          await get(`/v1/runs/${first.id}/recipients?limit=2${after ? `&after=${after}` : ""}`),
        );
        all.push(...page.recipients);
        after = page.nextCursor;
      } while (after);
      assert.equal(all.length, 2);
      assert.deepEqual(
        all.map((r) => r.accountId),
        all.map((r) => r.accountId).sort(),
        "sorted by accountId",
      );
      assert.equal(all.reduce((sum, r) => sum + BigInt(r.shares), 0n).toString(), first.totalShares);
      const tree = StandardMerkleTree.of(
        all.map((r) => [r.accountId, r.shares]),
        ["bytes32", "uint256"],
      );
      assert.equal(tree.root, first.root);
      assert.ok(all.some((r) => r.identity === "github:stevemao"));

      const stored = await db.query<{ sha256: string; name: string }>(
        "SELECT sha256, name FROM run_inputs WHERE run_id = $1",
        [BigInt(first.id)],
      );
      assert.deepEqual(stored.rows, [
        { name: "package-lock.json", sha256: `0x${createHash("sha256").update(content).digest("hex")}` },
      ]);
      const fetched = await json<Run>(await get(`/v1/runs/${first.id}`));
      assert.equal(fetched.root, first.root);
      assert.equal("report" in fetched, false);
    });

    it("what-if: diffs a new run against the run behind the pool's active schedule", async () => {
      const second = await json<Run>(
        await createRun({
          policy: { name: "default", version: 2 },
          pool: POOL,
          inputs: [{ name: "package-lock.json", content: b64(lockfile({ chalk: "^5.0.0" })) }],
        }),
      );
      // No active schedule yet.
      const none = await get(`/v1/runs/${second.id}/diff`);
      assert.equal(none.status, 409);
      // The indexer saw run 1's root activated in the pool.
      const pool = await new PoolRepository(db).findByAddress(TEST_CHAIN_ID, POOL);
      const h = (s: string) => keccak256(toHex(s));
      await db.transaction((tx) =>
        new ChainEventRepository().insertSchedule(tx, {
          poolId: pool!.id,
          blockNumber: 10n,
          logIndex: 0,
          blockHash: h("b"),
          txHash: h("t"),
          scheduleId: 1n,
          proposer: proposer.address,
          root: first.root as Hex,
          totalShares: BigInt(first.totalShares),
          tableHash: h("table"),
          policyHash: first.policy.hash as Hex,
          inputsHash: first.inputsHash as Hex,
          uri: "ipfs://x",
          activatesAt: new Date(Date.now() - 60_000),
        }),
      );
      const diff = await json<{
        against: string;
        summary: { added: number; removed: number; changed: number; unchanged: number };
        changes: {
          accountId: string;
          before: string;
          after: string;
          delta: string;
          identity: string | null;
        }[];
        nextCursor: string | null;
      }>(await get(`/v1/runs/${second.id}/diff`));
      assert.equal(diff.against, first.id);
      assert.equal(diff.summary.added, 1, "chalk's holder is new");
      assert.equal(diff.summary.removed, 0);
      assert.equal(diff.summary.added + diff.summary.changed, diff.changes.length);
      assert.equal(
        diff.changes.reduce((sum, c) => sum + BigInt(c.delta), 0n),
        0n,
        "shares move; the total stays",
      );
      for (const c of diff.changes) assert.equal(BigInt(c.after) - BigInt(c.before), BigInt(c.delta));
      const explicit = await json<{ against: string; summary: unknown }>(
        await get(`/v1/runs/${second.id}/diff?against=${first.id}&limit=1`),
      );
      assert.equal(explicit.against, first.id);
      assert.deepEqual(explicit.summary, diff.summary);
      const self = await json<{ summary: { unchanged: number; changed: number } }>(
        await get(`/v1/runs/${first.id}/diff?against=${first.id}`),
      );
      assert.deepEqual(self.summary, { added: 0, removed: 0, changed: 0, unchanged: 2 });
    });

    it("what-if previews changing a default: the product keeping half (keep.root 0.5) against the active run", async () => {
      const posted = await signedFetch(server.url, proposer, {
        method: "POST",
        path: "/v1/policies/default/versions",
        body: { document: { version: 1, keep: { root: 0.5 } } },
      });
      assert.equal(posted.status, 201, await posted.clone().text());
      const { version } = await json<{ version: number }>(posted);
      const keepHalf = await json<Run>(
        await createRun({
          policy: { name: "default", version },
          pool: POOL,
          inputs: [{ name: "package-lock.json", content: b64(lockfile()) }],
        }),
      );
      const diff = await json<{
        against: string;
        summary: { added: number; removed: number; changed: number; unchanged: number };
        changes: { identity: string | null; before: string; after: string; delta: string }[];
      }>(await get(`/v1/runs/${keepHalf.id}/diff`));
      assert.equal(diff.against, first.id);
      // The product's half is new (held: nobody named), and both dependencies lose half.
      assert.deepEqual(diff.summary, { added: 1, removed: 0, changed: 2, unchanged: 0 });
      const half = (BigInt(first.totalShares) / 2n).toString();
      const product = diff.changes.find((c) => c.identity === "component:pkg:npm/acme-ai@1.0.0");
      assert.deepEqual(product && [product.before, product.after], ["0", half]);
      assert.equal(
        diff.changes.reduce((sum, c) => sum + BigInt(c.delta), 0n),
        0n,
      );
    });

    it("rejects bad runs without writing anything", async () => {
      const before = Number((await db.query<{ n: string }>("SELECT count(*) AS n FROM runs")).rows[0]!.n);
      const cases: [unknown, number, string[]][] = [
        [
          {
            policy: { name: "default", version: 9 },
            inputs: [{ name: "package-lock.json", content: b64(lockfile()) }],
          },
          404,
          [],
        ],
        [
          {
            policy: { name: "default", version: 1 },
            pool: "0x00000000000000000000000000000000000000bb",
            inputs: [{ name: "a.json", content: b64("{}") }],
          },
          404,
          [],
        ],
        [
          {
            policy: { name: "default", version: 1 },
            inputs: [{ name: "notes.bin", content: b64("not an input format") }],
          },
          400,
          ["body.inputs.0"],
        ],
        [
          { policy: { name: "default", version: 1 }, inputs: [{ name: "x", content: "***" }] },
          400,
          ["body.inputs.0.content"],
        ],
        [{ policy: { name: "default", version: 1 }, inputs: [] }, 400, ["body.inputs"]],
        [
          {
            policy: { name: "default", version: 1 },
            inputs: [
              { name: "a", content: "" },
              { name: "a", content: "" },
            ],
          },
          400,
          ["body.inputs"],
        ],
      ];
      for (const [body, status, paths] of cases) {
        const response = await createRun(body);
        const payload = await json<ErrorBody>(response);
        assert.equal(response.status, status, JSON.stringify(payload));
        if (paths.length)
          assert.deepEqual(
            payload.error.issues?.map((i) => i.path),
            paths,
            JSON.stringify(payload),
          );
      }
      assert.equal(
        Number((await db.query<{ n: string }>("SELECT count(*) AS n FROM runs")).rows[0]!.n),
        before,
      );
      const anonymous = await fetch(`${server.url}/v1/runs`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      });
      assert.equal(anonymous.status, 401);
      assert.equal((await get("/v1/runs/999")).status, 404);
      assert.equal((await get("/v1/runs/abc")).status, 400);
      const orphan = await json<Run>(
        await createRun({
          policy: { name: "default", version: 1 },
          inputs: [{ name: "package-lock.json", content: b64(lockfile()) }],
        }),
      );
      assert.equal(
        (await get(`/v1/runs/${orphan.id}/diff`)).status,
        409,
        "a run without a pool needs ?against",
      );
    });
  });
}
