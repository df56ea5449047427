import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { readFile } from "node:fs/promises";
import { canonicalPolicy, parsePolicy, policyHash } from "@wellspring/attribution";
import { keccak256, stringToHex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import type { Database } from "../src/db/database.ts";
import {
  backends,
  json,
  policyDoc,
  rolesFor,
  signedFetch,
  startTestServer,
  type ErrorBody,
  type TestServer,
} from "./helpers.ts";

const proposer = privateKeyToAccount(generatePrivateKey());

type Version = {
  name: string;
  version: number;
  hash: string;
  note: string;
  createdBy: string;
  createdAt: string;
  document?: unknown;
  canonical?: string;
};

for (const backend of await backends()) {
  describe(`policy versions API [${backend.name}]`, { skip: backend.skip }, () => {
    let db: Database;
    let dispose: () => Promise<void>;
    let server: TestServer;
    before(async () => {
      ({ db, dispose } = await backend.open());
      server = await startTestServer(db, { hasRole: rolesFor({ [proposer.address]: ["PROPOSER"] }) });
    });
    after(async () => {
      await server?.close();
      await dispose?.();
    });

    const create = (name: string, body: unknown) =>
      signedFetch(server.url, proposer, { method: "POST", path: `/v1/policies/${name}/versions`, body });
    const get = (path: string) => fetch(server.url + path);

    const v1doc = { version: 1, name: "default", keep: { default: 0.2 }, edgeWeights: { dev: 0.1 } };
    const v2doc = {
      version: 1,
      name: "default",
      keep: { default: 0.25 },
      edgeWeights: { peer: 0.75 },
      rules: [{ match: { key: "npm:left-pad" }, weight: 0 }],
    };

    it("creates version 1: validated by the engine's schema, defaults filled, hashed as the engine hashes", async () => {
      const response = await create("default", {
        document: { edgeWeights: { dev: 0.1 }, keep: { default: 0.2 }, name: "default", version: 1 },
        note: "initial",
      });
      assert.equal(response.status, 201, await response.clone().text());
      assert.equal(response.headers.get("location"), "/v1/policies/default/versions/1");
      const v = await json<Version>(response);
      const engine = parsePolicy(v1doc);
      assert.equal(v.hash, policyHash(engine), "the stored hash is the engine's policyHash");
      assert.equal(v.canonical, canonicalPolicy(engine));
      assert.equal(v.hash, keccak256(stringToHex(v.canonical ?? "")));
      const document = v.document as {
        keep: { default: number };
        edgeWeights: { runtime: number; dev: number };
        totalShares: string;
      };
      assert.equal(document.keep.default, 0.2);
      assert.equal(document.edgeWeights.dev, 0.1);
      assert.equal(document.edgeWeights.runtime, 1, "defaults are filled in");
      assert.equal(document.totalShares, "1000000000000000000");
      assert.equal(v.version, 1);
      assert.equal(v.note, "initial");
      assert.equal(v.createdBy, proposer.address);
    });

    it("the shipped example policies are accepted with the hash the engine gives them", async () => {
      for (const file of ["default", "model-lineage", "strict-license"]) {
        const document = JSON.parse(
          await readFile(new URL(`../../attribution/policies/${file}.json`, import.meta.url), "utf8"),
        ) as Record<string, unknown>;
        const response = await create(`example-${file}`, { document });
        assert.equal(response.status, 201, await response.clone().text());
        assert.equal((await json<Version>(response)).hash, policyHash(parsePolicy(document)));
      }
    });

    it("409 POLICY_UNCHANGED when the new version equals the latest (key order and spelled-out defaults do not matter)", async () => {
      // Same policy: other key order, and a default (runtime = 1) spelled out.
      const response = await create("default", {
        document: {
          version: 1,
          edgeWeights: { runtime: 1, dev: 0.1 },
          keep: { default: 0.2 },
          name: "default",
        },
      });
      assert.equal(response.status, 409);
      assert.equal((await json<ErrorBody>(response)).error.code, "POLICY_UNCHANGED");
    });

    it("409 CONFLICT when expectedLatestVersion is stale; succeeds when it is current", async () => {
      const stale = await create("default", { document: v2doc, expectedLatestVersion: 0 });
      assert.equal(stale.status, 409);
      assert.equal((await json<ErrorBody>(stale)).error.code, "CONFLICT");
      const ok = await create("default", { document: v2doc, note: "raise keep", expectedLatestVersion: 1 });
      assert.equal(ok.status, 201);
      assert.equal((await json<Version>(ok)).version, 2);
    });

    it("lists policies with their latest version", async () => {
      const response = await get("/v1/policies");
      assert.equal(response.status, 200);
      const { policies } = await json<{
        policies: { name: string; latestVersion: number; latestHash: string }[];
      }>(response);
      const entry = policies.find((p) => p.name === "default");
      assert.equal(entry?.latestVersion, 2);
      assert.match(entry?.latestHash ?? "", /^0x[0-9a-f]{64}$/);
    });

    it("gets one version and 404s for an unknown one", async () => {
      const v2 = await json<Version>(await get("/v1/policies/default/versions/2"));
      assert.deepEqual(v2.document, JSON.parse(canonicalPolicy(parsePolicy(v2doc))));
      assert.equal(v2.note, "raise keep");
      const missing = await get("/v1/policies/default/versions/3");
      assert.equal(missing.status, 404);
      assert.equal((await json<ErrorBody>(missing)).error.code, "NOT_FOUND");
      assert.equal((await get("/v1/policies/nope/versions/1")).status, 404);
      assert.equal((await get("/v1/policies/nope/versions")).status, 404);
    });

    it("diffs two versions with JSON Pointer paths", async () => {
      const response = await get("/v1/policies/default/diff?from=1&to=2");
      assert.equal(response.status, 200);
      const diff = await json<{ from: { version: number }; to: { version: number }; changes: unknown[] }>(
        response,
      );
      assert.equal(diff.from.version, 1);
      assert.equal(diff.to.version, 2);
      // Effective policies are compared: v1 spelled out dev = 0.1, v2 took it by default, no change.
      assert.deepEqual(diff.changes, [
        { op: "replace", path: "/edgeWeights/peer", from: 0.5, to: 0.75 },
        { op: "replace", path: "/keep/default", from: 0.2, to: 0.25 },
        { op: "add", path: "/rules/0", to: { match: { key: "npm:left-pad" }, weight: 0 } },
      ]);
      const back = await json<{ changes: unknown[] }>(await get("/v1/policies/default/diff?from=2&to=1"));
      assert.equal(back.changes.length, 3);
      assert.equal((await get("/v1/policies/default/diff?from=1&to=9")).status, 404);
    });

    it("finds versions by hash (a schedule's policyHash)", async () => {
      const v1 = await json<Version>(await get("/v1/policies/default/versions/1"));
      const found = await json<{ versions: Version[] }>(
        await get(`/v1/policy-versions/${v1.hash.toUpperCase().replace("0X", "0x")}`),
      );
      assert.deepEqual(
        found.versions.map((v) => [v.name, v.version]),
        [["default", 1]],
      );
      assert.equal((await get(`/v1/policy-versions/0x${"00".repeat(32)}`)).status, 404);
    });

    it("paginates the history with a cursor", async () => {
      for (let i = 0; i < 5; i++)
        assert.equal((await create("paged", { document: policyDoc(i) })).status, 201);
      const first = await json<{ versions: Version[]; nextCursor: string | null }>(
        await get("/v1/policies/paged/versions?limit=2"),
      );
      assert.deepEqual(
        first.versions.map((v) => v.version),
        [1, 2],
      );
      assert.equal(first.nextCursor, "2");
      const second = await json<{ versions: Version[]; nextCursor: string | null }>(
        await get(`/v1/policies/paged/versions?limit=2&after=${first.nextCursor}`),
      );
      assert.deepEqual(
        second.versions.map((v) => v.version),
        [3, 4],
      );
      const last = await json<{ versions: Version[]; nextCursor: string | null }>(
        await get(`/v1/policies/paged/versions?limit=2&after=4`),
      );
      assert.deepEqual(
        last.versions.map((v) => v.version),
        [5],
      );
      assert.equal(last.nextCursor, null);
      assert.equal("document" in (last.versions[0] ?? {}), false, "history rows omit the document");
    });

    it("concurrent creates get consecutive, distinct version numbers", async () => {
      const responses = await Promise.all(
        Array.from({ length: 6 }, (_, i) => create("concurrent", { document: policyDoc(i) })),
      );
      assert.deepEqual(
        responses.map((r) => r.status),
        [201, 201, 201, 201, 201, 201],
      );
      const versions = await Promise.all(responses.map((r) => json<Version>(r)));
      assert.deepEqual(
        versions.map((v) => v.version).sort((a, b) => a - b),
        [1, 2, 3, 4, 5, 6],
      );
    });

    it("400 with field paths for invalid input", async () => {
      const cases: [string, unknown, string[]][] = [
        ["default", {}, ["body.document"]],
        ["default", { document: [] }, ["body.document"]],
        ["default", { document: policyDoc(1), note: "x".repeat(2001) }, ["body.note"]],
        ["default", { document: policyDoc(1), surprise: 1 }, ["body.surprise"]],
        ["default", { document: policyDoc(1), expectedLatestVersion: -1 }, ["body.expectedLatestVersion"]],
        ["Bad Name", { document: policyDoc(1) }, ["params.name"]],
        // The engine's schema, reported inside the document.
        ["default", { document: {} }, ["body.document.version"]],
        ["default", { document: policyDoc(1, { keep: { default: 1.5 } }) }, ["body.document.keep.default"]],
        [
          "default",
          { document: policyDoc(1, { edgeWeights: { runtime: 1, sideways: 2 } }) },
          ["body.document.edgeWeights"],
        ],
        [
          "default",
          { document: policyDoc(1, { caps: { maxFraction: 0.1, minFraction: 0.2 } }) },
          ["body.document.caps"],
        ],
      ];
      for (const [name, body, paths] of cases) {
        const response = await create(encodeURIComponent(name), body);
        const payload = await json<ErrorBody>(response);
        assert.equal(response.status, 400, `${name} ${JSON.stringify(body)}: ${JSON.stringify(payload)}`);
        assert.equal(payload.error.code, "VALIDATION");
        assert.deepEqual(
          payload.error.issues?.map((i) => i.path),
          paths,
          JSON.stringify(payload.error.issues),
        );
      }
      const badQuery = await get("/v1/policies/default/diff?from=x");
      const payload = await json<ErrorBody>(badQuery);
      assert.equal(badQuery.status, 400);
      assert.deepEqual(payload.error.issues?.map((i) => i.path).sort(), ["query.from", "query.to"]);
      assert.equal((await get("/v1/policies/default/versions?limit=501")).status, 400);
      assert.equal((await get("/v1/policies/default/versions?after=99999999999")).status, 400);
    });

    it("stores every version as an immutable row: the canonical text round-trips exactly", async () => {
      const { rows } = await db.query<{ canonical: string; hash: string; document: unknown }>(
        "SELECT canonical, hash, document FROM policy_versions WHERE policy_name = 'default' ORDER BY version",
      );
      for (const row of rows) {
        assert.equal(row.hash, keccak256(stringToHex(row.canonical)));
        assert.deepEqual(row.document, JSON.parse(row.canonical));
      }
    });
  });
}
