// The largest recipients of a run, everyone else together, and one account's rank: read from the
// run_recipients_by_shares index, checked against the same table sorted in JavaScript.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { toAccountId } from "@wellspring/protocol";
import { getAddress, toHex, type Hex } from "viem";
import type { Database } from "../src/db/database.ts";
import { RunRepository } from "../src/repositories/runs.ts";
import { backends, startTestServer, TEST_CHAIN_ID, type TestServer, appendDefaultPolicy } from "./helpers.ts";

type Row = { accountId: Hex; shares: bigint; identity: string | null };
type Top = {
  run: string;
  totalShares: string;
  recipientCount: number;
  identityPrefix: string | null;
  matched: { count: number; shares: string };
  top: { accountId: Hex; identity: string | null; shares: string }[];
  others: { count: number; shares: string };
};
type Issues = { error: { code: string; issues?: { path: string }[] } };

const bySize = (a: Row, b: Row) =>
  a.shares !== b.shares ? (a.shares > b.shares ? -1 : 1) : a.accountId < b.accountId ? -1 : 1;
const sum = (rows: readonly { shares: bigint }[]) => rows.reduce((s, r) => s + r.shares, 0n);

/** 3,000 recipients with many ties: identities, held components and plain addresses. */
function table(): Row[] {
  return Array.from({ length: 3_000 }, (_, i) => {
    const identity = i % 11 === 0 ? null : i % 5 === 0 ? `component:pkg:npm/c${i}@1.0.0` : `github:user-${i}`;
    const address = getAddress(toHex(BigInt(i + 1), { size: 20 }));
    return {
      accountId: toAccountId(identity ?? address).toLowerCase() as Hex,
      shares: 10n ** 15n * BigInt(1 + ((i * 7919) % 400)),
      identity,
    };
  });
}

for (const backend of await backends()) {
  describe(`largest recipients and ranks [${backend.name}]`, { skip: backend.skip }, () => {
    let db: Database;
    let dispose: () => Promise<void>;
    let server: TestServer;
    let runId: bigint;
    const rows = table();
    const sorted = [...rows].sort(bySize);
    const total = sum(rows);
    const get = async <T>(path: string): Promise<{ status: number; body: T }> => {
      const res = await fetch(server.url + path);
      return { status: res.status, body: (await res.json()) as T };
    };

    before(async () => {
      ({ db, dispose } = await backend.open());
      server = await startTestServer(db);
      const admin = getAddress(toHex(randomBytes(20)));
      const version = await appendDefaultPolicy(db, admin);
      const run = await new RunRepository(db).insertCompleted({
        poolId: null,
        policyVersionId: version.id,
        engineVersion: "test",
        inputsHash: toHex(randomBytes(32)),
        tableHash: toHex(randomBytes(32)),
        root: toHex(randomBytes(32)),
        totalShares: total,
        createdBy: admin,
        inputs: [],
        recipients: rows,
      });
      runId = run.id;
    });
    after(async () => {
      await server?.close();
      await dispose?.();
    });

    it("lists the N largest (shares descending, ties by accountId) and everyone else exactly", async () => {
      for (const n of [1, 10, 999]) {
        const { status, body } = await get<Top>(`/v1/runs/${runId}/top?limit=${n}`);
        assert.equal(status, 200);
        assert.deepEqual(
          body.top.map((r) => [r.accountId, BigInt(r.shares), r.identity]),
          sorted.slice(0, n).map((r) => [r.accountId, r.shares, r.identity]),
        );
        assert.deepEqual(body.others, { count: rows.length - n, shares: sum(sorted.slice(n)).toString() });
        assert.deepEqual(body.matched, { count: rows.length, shares: total.toString() });
        assert.equal(BigInt(body.totalShares), total);
        assert.equal(body.recipientCount, rows.length);
      }
      const { body } = await get<Top>(`/v1/runs/${runId}/top`);
      assert.equal(body.top.length, 10, "ten by default");
      assert.equal(body.identityPrefix, null);
    });

    it("with an identity prefix: the largest held components, their count and total (the prefix is literal text)", async () => {
      const held = sorted.filter((r) => r.identity?.startsWith("component:"));
      const { body } = await get<Top>(`/v1/runs/${runId}/top?limit=5&identityPrefix=component:`);
      assert.equal(body.identityPrefix, "component:");
      assert.deepEqual(body.matched, { count: held.length, shares: sum(held).toString() });
      assert.deepEqual(
        body.top.map((r) => r.accountId),
        held.slice(0, 5).map((r) => r.accountId),
      );
      assert.deepEqual(body.others, { count: held.length - 5, shares: sum(held.slice(5)).toString() });
      // `_` and `%` are not wildcards: "component_" names nobody.
      for (const prefix of ["component_", "%"]) {
        const none = await get<Top>(`/v1/runs/${runId}/top?identityPrefix=${encodeURIComponent(prefix)}`);
        assert.deepEqual(none.body.matched, { count: 0, shares: "0" }, prefix);
        assert.deepEqual(none.body.top, []);
      }
    });

    it("gives an account's share and rank, found by identity, address or accountId", async () => {
      for (const i of [0, 1, 7, 1_499, sorted.length - 1]) {
        const r = sorted[i]!;
        const address = r.identity === null ? getAddress(`0x${r.accountId.slice(26)}`) : undefined;
        for (const account of [r.identity ?? address!, r.accountId]) {
          const { status, body } = await get<{ rank: number; shares: string; accountId: string }>(
            `/v1/runs/${runId}/recipients/${encodeURIComponent(account)}`,
          );
          assert.equal(status, 200, account);
          assert.equal(body.rank, i + 1, account);
          assert.equal(body.accountId, r.accountId);
          assert.equal(BigInt(body.shares), r.shares);
        }
      }
      const none = await get<Issues>(`/v1/runs/${runId}/recipients/github:nobody-here`);
      assert.equal(none.status, 404);
    });

    it("refuses bad parameters with 400 naming them, and unknown runs with 404", async () => {
      for (const [query, path] of [
        ["limit=0", "query.limit"],
        ["limit=1001", "query.limit"],
        ["limit=ten", "query.limit"],
        ["identityPrefix=", "query.identityPrefix"],
        [`identityPrefix=${"x".repeat(201)}`, "query.identityPrefix"],
      ] as const) {
        const { status, body } = await get<Issues>(`/v1/runs/${runId}/top?${query}`);
        assert.equal(status, 400, query);
        assert.equal(body.error.code, "VALIDATION");
        assert.deepEqual(
          body.error.issues?.map((i) => i.path),
          [path],
          query,
        );
      }
      const bad = await get<Issues>(`/v1/runs/abc/top`);
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error.issues?.[0]?.path, "params.id");
      const long = await get<Issues>(`/v1/runs/${runId}/recipients/github:${"x".repeat(600)}`);
      assert.equal(long.status, 400);
      assert.equal(long.body.error.issues?.[0]?.path, "params.account");
      assert.equal((await get(`/v1/runs/${runId + 100n}/top`)).status, 404);
      assert.equal((await get(`/v1/runs/${runId + 100n}/recipients/github:user-1`)).status, 404);
    });

    it("reads the largest from the index, not by sorting the table", async () => {
      // With the table's statistics, as autovacuum keeps them.
      await db.exec("ANALYZE run_recipients");
      const { rows: plan } = await db.query<{ "QUERY PLAN": string }>(
        `EXPLAIN SELECT account_id, shares, identity FROM run_recipients
         WHERE run_id = $1 ORDER BY shares DESC, account_id LIMIT 10`,
        [runId],
      );
      const text = plan.map((p) => p["QUERY PLAN"]).join("\n");
      assert.match(text, /run_recipients_by_shares/);
      assert.doesNotMatch(text, /Sort/);
    });

    it("is in the OpenAPI document", async () => {
      const { body } = await get<{ paths: Record<string, unknown> }>("/openapi.json");
      assert.ok(body.paths["/v1/runs/{id}/top"]);
      assert.ok(body.paths["/v1/runs/{id}/recipients/{account}"]);
    });
  });
}

describe("GET /v1/deployment", () => {
  it("serves the deployment's factory and registry, and nulls on a server without them", async () => {
    const { db, dispose } = await (await backends())[0]!.open();
    const registry = getAddress(toHex(randomBytes(20)));
    const factory = getAddress(toHex(randomBytes(20)));
    const pool = getAddress(toHex(randomBytes(20)));
    const known = await startTestServer(db, {
      registry,
      deployment: { network: "localhost", factory, pool, deployBlock: 7n },
    });
    const bare = await startTestServer(db);
    try {
      assert.deepEqual(await (await fetch(`${known.url}/v1/deployment`)).json(), {
        chainId: TEST_CHAIN_ID,
        network: "localhost",
        registry,
        factory,
        pool,
        deployBlock: "7",
      });
      assert.deepEqual(await (await fetch(`${bare.url}/v1/deployment`)).json(), {
        chainId: TEST_CHAIN_ID,
        network: null,
        registry: null,
        factory: null,
        pool: null,
        deployBlock: null,
      });
    } finally {
      await known.close();
      await bare.close();
      await dispose();
    }
  });
});
