import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { bundleEntries, decodeTar, readBundleManifest, verifyBundle } from "@wellspring/attribution";
import { getAddress } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import type { Database } from "../src/db/database.ts";
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

    it("serves a run's bundle as a tar that recomputes to the run's table, the same bytes each time", async () => {
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
      const run = await json<{ id: string; root: string; inputsHash: string; policy: { hash: string } }>(
        created,
      );
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

    it("is declared in the OpenAPI document with its error statuses", async () => {
      const doc = await json<{ paths: Record<string, { get?: { responses: Record<string, unknown> } }> }>(
        await fetch(`${server.url}/openapi.json`),
      );
      const op = doc.paths["/v1/runs/{id}/bundle"]?.get;
      assert.ok(op, Object.keys(doc.paths).join(", "));
      for (const status of ["200", "400", "404", "409"]) assert.ok(status in op.responses, status);
    });
  });
}
