import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  bundleEntries,
  decodeTar,
  readBundleManifest,
  verificationReportMessage,
  verifyBundle,
} from "@wellspring/attribution";
import { getAddress, toHex, type Hex } from "viem";
import { randomBytes } from "node:crypto";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import type { Database } from "../src/db/database.ts";
import { ScheduleVerifier } from "../src/indexer/schedule-verifier.ts";
import { ChainEventRepository } from "../src/repositories/pools.ts";
import {
  backends,
  json,
  rolesFor,
  signedFetch,
  startTestServer,
  type ErrorBody,
  type TestServer,
} from "./helpers.ts";

const proposer = privateKeyToAccount(generatePrivateKey());
const POOL = getAddress("0x00000000000000000000000000000000000000bb");
const lockfile = JSON.stringify({
  name: "acme-ai",
  version: "1.0.0",
  lockfileVersion: 3,
  packages: {
    "": { name: "acme-ai", version: "1.0.0", dependencies: { "left-pad": "^1.3.0", lodash: "^4.17.21" } },
    "node_modules/left-pad": {
      version: "1.3.0",
      license: "WTFPL",
      funding: { url: "https://github.com/sponsors/stevemao" },
    },
    "node_modules/lodash": { version: "4.17.21", license: "MIT" },
  },
});
const manifest = JSON.stringify({
  name: "acme-ai",
  version: "1.0.0",
  license: "MIT",
  funding: "https://github.com/sponsors/acme",
});
const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");

for (const backend of await backends()) {
  describe(`run evidence bundles [${backend.name}]`, { skip: backend.skip }, () => {
    let db: Database;
    let dispose: () => Promise<void>;
    let server: TestServer;
    before(async () => {
      ({ db, dispose } = await backend.open());
      server = await startTestServer(db, {
        hasRole: rolesFor({ [proposer.address]: ["PROPOSER", "ADMIN"] }),
      });
      const post = (path: string, body: unknown) =>
        signedFetch(server.url, proposer, { method: "POST", path, body });
      assert.equal(
        (await post("/v1/policies/default/versions", { document: { version: 1, keep: { default: 0.7 } } }))
          .status,
        201,
      );
      assert.equal((await post("/v1/pools", { address: POOL, name: "p", deployedBlock: 1 })).status, 201);
    });
    after(async () => {
      await server?.close();
      await dispose?.();
    });

    /** A run of the two inputs, uploaded out of path order. */
    const createRun = async () => {
      const created = await signedFetch(server.url, proposer, {
        method: "POST",
        path: "/v1/runs",
        body: {
          policy: { name: "default", version: 1 },
          pool: POOL,
          // Two inputs, uploaded out of path order: the bundle's table lists them as the engine did.
          inputs: [
            { name: "zz/package.json", content: b64(manifest) },
            { name: "package-lock.json", content: b64(lockfile) },
          ],
        },
      });
      assert.equal(created.status, 201, await created.clone().text());
      return json<{ id: string; root: string; inputsHash: string; policy: { hash: string } }>(created);
    };

    it("serves a run's bundle as a tar that recomputes to the run's table, the same bytes each time", async () => {
      const run = await createRun();
      const response = await fetch(`${server.url}/v1/runs/${run.id}/bundle`);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get("content-type"), "application/x-tar");
      const bytes = new Uint8Array(await response.arrayBuffer());
      const entries = bundleEntries(decodeTar(bytes));
      const listed = readBundleManifest(entries);
      assert.equal(listed.root, run.root);
      assert.equal(listed.policyHash, run.policy.hash);
      assert.deepEqual(listed.inputs.map((i) => i.path).sort(), ["package-lock.json", "zz/package.json"]);
      const result = verifyBundle(entries);
      assert.deepEqual(result.findings, [], "byte-identical to the engine's table");
      const again = new Uint8Array(
        await (await fetch(`${server.url}/v1/runs/${run.id}/bundle`)).arrayBuffer(),
      );
      assert.deepEqual(again, bytes);
    });

    it("answers 404 with the standard error shape for an unknown run, 400 for a bad id", async () => {
      const missing = await fetch(`${server.url}/v1/runs/999999/bundle`);
      assert.equal(missing.status, 404);
      const body = await json<ErrorBody>(missing);
      assert.equal(body.error.code, "NOT_FOUND");
      assert.match(body.error.message, /999999/);
      assert.equal((await fetch(`${server.url}/v1/runs/x/bundle`)).status, 400);
    });

    it("VERIFY_SCHEDULES: the server verifies each indexed schedule's bundle and records who decided what, when", async () => {
      const run = await createRun();
      const bundleUrl = `${server.url}/v1/runs/${run.id}/bundle`;
      const listed = readBundleManifest(
        bundleEntries(decodeTar(new Uint8Array(await (await fetch(bundleUrl)).arrayBuffer()))),
      );
      const { rows } = await db.query<{ id: string; chain_id: string }>("SELECT id, chain_id FROM pools");
      const pool = { id: BigInt(rows[0]!.id), chainId: Number(rows[0]!.chain_id) };
      const HOUR = 3_600_000;
      const commitment = {
        root: listed.root as Hex,
        totalShares: BigInt(listed.totalShares),
        tableHash: listed.tableHash as Hex,
        policyHash: listed.policyHash as Hex,
        inputsHash: listed.inputsHash as Hex,
      };
      // As the indexer would have written them: 1 matches its bundle; 2 commits to another table;
      // 3 records a uri that answers JSON, not a bundle (hostile); 4 (pending) and 5 (already active)
      // record a uri nobody answers.
      const schedules: [bigint, string, typeof commitment, number][] = [
        [1n, bundleUrl, commitment, HOUR],
        [2n, bundleUrl, { ...commitment, tableHash: toHex(randomBytes(32)) }, HOUR],
        [3n, `${server.url}/v1/pools`, commitment, HOUR],
        [4n, "http://127.0.0.1:9/bundle.tar", commitment, HOUR],
        [5n, "http://127.0.0.1:9/bundle.tar", commitment, -HOUR],
      ];
      await db.transaction(async (tx) => {
        for (const [scheduleId, uri, c, activatesIn] of schedules)
          await new ChainEventRepository().insertSchedule(tx, {
            poolId: pool.id,
            blockNumber: 2n + scheduleId,
            logIndex: 0,
            blockHash: toHex(randomBytes(32)),
            txHash: toHex(randomBytes(32)),
            scheduleId,
            proposer: proposer.address,
            ...c,
            uri,
            activatesAt: new Date(Date.now() + activatesIn),
          });
      });
      const verifier = new ScheduleVerifier({
        db,
        chainId: pool.chainId,
        verifier: "https://wellspring.test",
        fetch: { maxBytes: 1 << 20 },
        retryAfterMs: 0,
      });
      assert.equal(await verifier.verifyOnce(), 5);
      // Decided ones are not checked again; the pending unreachable one is retried until activation.
      assert.equal(await verifier.verifyOnce(), 1);

      const records = async (id: number) => {
        const response = await fetch(`${server.url}/v1/pools/${POOL}/schedules/${id}/verifications`);
        assert.equal(response.status, 200);
        return (await json<{ verifications: Record<string, unknown>[] }>(response)).verifications;
      };
      const [verified] = await records(1);
      assert.equal(verified!.status, "verified");
      assert.deepEqual(verified!.differences, []);
      assert.equal(verified!.verifier, "https://wellspring.test");
      assert.equal(verified!.verifierKind, "server");
      assert.equal(verified!.uri, bundleUrl);
      assert.equal(verified!.bundleHash, listed.bundleHash);
      assert.ok(Math.abs(Date.parse(verified!.verifiedAt as string) - Date.now()) < 60_000);
      const [tampered] = await records(2);
      assert.equal(tampered!.status, "invalid");
      assert.match((tampered!.differences as string[]).join("\n"), /tableHash/);
      assert.equal((await records(3))[0]!.status, "invalid");
      assert.deepEqual(
        (await records(4)).map((v) => v.status),
        ["unreachable", "unreachable"],
      );
      assert.match(((await records(4))[0]!.differences as string[])[0]!, /^BUNDLE_UNREACHABLE/);
      assert.equal((await records(5)).length, 1, "an active schedule's unreachable bundle is not retried");
      assert.deepEqual(await records(99), [], "not checked");
    });

    it("records a watchtower's signed report under its address; refuses a bad signature, a stale time, another bundle", async () => {
      const watcher = privateKeyToAccount(generatePrivateKey());
      const { rows } = await db.query<{ bundle_hash: string }>(
        "SELECT bundle_hash FROM schedule_verifications WHERE schedule_id = 1 LIMIT 1",
      );
      const bundle = rows[0]!.bundle_hash;
      const at = (offsetMs: number) =>
        new Date(Date.now() + offsetMs).toISOString().replace(/\.\d{3}Z$/, "Z");
      const report = async (fields: {
        status?: "verified" | "invalid";
        verifiedAt?: string;
        bundleHash?: string;
      }) => {
        const r = { bundleHash: bundle, status: "verified" as const, verifiedAt: at(0), ...fields };
        const signature = await watcher.signMessage({
          message: verificationReportMessage({ pool: POOL, scheduleId: 1n, ...r }),
        });
        return { watcher: watcher.address, ...r, signature };
      };
      const post = (body: unknown) =>
        fetch(`${server.url}/v1/pools/${POOL}/schedules/1/verifications`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
        });
      const good = await report({});
      const first = await post(good);
      assert.equal(first.status, 201, await first.clone().text());
      assert.equal((await post(good)).status, 200, "the same report again is recorded once");
      const [latest] = (
        await json<{ verifications: Record<string, string>[] }>(
          await fetch(`${server.url}/v1/pools/${POOL}/schedules/1/verifications`),
        )
      ).verifications;
      assert.equal(latest!.verifierKind, "watchtower");
      assert.equal(latest!.verifier, watcher.address.toLowerCase());
      assert.equal(latest!.status, "verified");
      assert.equal(latest!.verifiedAt, good.verifiedAt.replace("Z", ".000Z"));

      // Signed as "verified", sent as "invalid": the signature is not the watcher's over this report.
      const forged = await post({ ...(await report({})), status: "invalid" });
      assert.equal(forged.status, 401);
      assert.equal((await json<ErrorBody>(forged)).error.code, "AUTH_INVALID");
      const stale = await post(await report({ verifiedAt: at(-3_600_000) }));
      assert.equal(stale.status, 401);
      assert.equal((await json<ErrorBody>(stale)).error.code, "AUTH_EXPIRED");
      const other = await post(await report({ bundleHash: `0x${"11".repeat(32)}` }));
      assert.equal(other.status, 400);
      assert.match(JSON.stringify(await json<ErrorBody>(other)), /bundleHash/);
      assert.equal((await post({ ...good, signature: "0x12" })).status, 400);
      const unknown = await fetch(`${server.url}/v1/pools/${POOL}/schedules/99/verifications`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(good),
      });
      assert.equal(unknown.status, 404);
    });

    it("answers 404 for the verifications of an unknown pool, 400 for a bad schedule id", async () => {
      const unknown = await fetch(`${server.url}/v1/pools/0x${"cc".repeat(20)}/schedules/1/verifications`);
      assert.equal(unknown.status, 404);
      assert.equal((await json<ErrorBody>(unknown)).error.code, "NOT_FOUND");
      const bad = await fetch(`${server.url}/v1/pools/${POOL}/schedules/0/verifications`);
      assert.equal(bad.status, 400);
      assert.match(JSON.stringify(await json<ErrorBody>(bad)), /scheduleId/);
    });

    it("is declared in the OpenAPI document with its error statuses", async () => {
      const doc = await json<{
        paths: Record<string, Record<"get" | "post", { responses: Record<string, unknown> } | undefined>>;
      }>(await fetch(`${server.url}/openapi.json`));
      const op = doc.paths["/v1/runs/{id}/bundle"]?.get;
      assert.ok(op, Object.keys(doc.paths).join(", "));
      for (const status of ["200", "400", "404", "409"]) assert.ok(status in op.responses, status);
      const verifications = doc.paths["/v1/pools/{address}/schedules/{scheduleId}/verifications"]?.get;
      assert.ok(verifications, Object.keys(doc.paths).join(", "));
      for (const status of ["200", "400", "404"]) assert.ok(status in verifications.responses, status);
      const reports = doc.paths["/v1/pools/{address}/schedules/{scheduleId}/verifications"]?.post;
      assert.ok(reports);
      for (const status of ["201", "400", "401", "404"]) assert.ok(status in reports.responses, status);
    });
  });
}
