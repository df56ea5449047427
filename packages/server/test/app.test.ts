import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import type { Database } from "../src/db/database.ts";
import { openPglite } from "../src/db/pglite.ts";
import { migrate } from "../src/db/migrate.ts";
import {
  json,
  policyDoc,
  rolesFor,
  signedFetch,
  startTestServer,
  type ErrorBody,
  type TestServer,
} from "./helpers.ts";

const proposer = privateKeyToAccount(generatePrivateKey());

describe("HTTP app", () => {
  let db: Database;
  let server: TestServer;
  before(async () => {
    db = await openPglite();
    await migrate(db);
    server = await startTestServer(db, {
      hasRole: rolesFor({ [proposer.address]: ["PROPOSER"] }),
      config: { BODY_LIMIT_BYTES: 2048 },
    });
  });
  after(async () => {
    await server?.close();
    await db?.close();
  });

  it("binds to loopback when asked and reports its URL", () => {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it("sends security headers and no X-Powered-By", async () => {
    const response = await fetch(`${server.url}/healthz`);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { status: "ok" });
    const csp = response.headers.get("content-security-policy") ?? "";
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.doesNotMatch(csp, /https:|unsafe-inline|cdn/);
    assert.equal(response.headers.get("x-content-type-options"), "nosniff");
    assert.match(response.headers.get("strict-transport-security") ?? "", /max-age=/);
    assert.equal(response.headers.get("x-frame-options"), "SAMEORIGIN");
    assert.equal(response.headers.get("x-powered-by"), null);
    assert.equal(response.headers.get("cache-control"), "no-store");
  });

  it("readyz checks the database", async () => {
    const response = await fetch(`${server.url}/readyz`);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { status: "ready" });
  });

  it("404 with the error shape and a request id for unknown routes", async () => {
    const response = await fetch(`${server.url}/v1/nothing-here`, {
      headers: { "x-request-id": "trace-123" },
    });
    assert.equal(response.status, 404);
    assert.equal(response.headers.get("x-request-id"), "trace-123");
    const body = await json<ErrorBody>(response);
    assert.equal(body.error.code, "NOT_FOUND");
    assert.equal(body.error.requestId, "trace-123");
  });

  it("replaces an unsafe incoming request id", async () => {
    const response = await fetch(`${server.url}/healthz`, {
      headers: { "x-request-id": "bad id\twith spaces" },
    });
    assert.match(response.headers.get("x-request-id") ?? "", /^[0-9a-f-]{36}$/);
  });

  it("400 for malformed JSON, 413 for a body over the limit (signed or not)", async () => {
    const malformed = await signedFetch(server.url, proposer, {
      method: "POST",
      path: "/v1/policies/p/versions",
      body: {},
      sendBody: "{not json",
    });
    assert.equal(malformed.status, 400);
    assert.equal((await json<ErrorBody>(malformed)).error.code, "VALIDATION");
    const big = { document: { blob: "x".repeat(4096) } };
    const tooLarge = await signedFetch(server.url, proposer, {
      method: "POST",
      path: "/v1/policies/p/versions",
      body: big,
    });
    assert.equal(tooLarge.status, 413);
    assert.equal((await json<ErrorBody>(tooLarge)).error.code, "BODY_TOO_LARGE");
  });

  it("400 when the body is not JSON at all", async () => {
    const response = await signedFetch(server.url, proposer, {
      method: "POST",
      path: "/v1/policies/p/versions",
      body: undefined,
    });
    assert.equal(response.status, 400);
    assert.deepEqual(
      (await json<ErrorBody>(response)).error.issues?.map((i) => i.path),
      ["body"],
    );
  });

  it("writes one JSON log line per request with id, status and duration", async () => {
    await fetch(`${server.url}/healthz`, { headers: { "x-request-id": "log-probe" } });
    const line = server.logs().find((l) => l.requestId === "log-probe");
    assert.ok(line, "log line for the request");
    assert.equal(line.method, "GET");
    assert.equal(line.path, "/healthz");
    assert.equal(line.status, 200);
    assert.equal(typeof line.durationMs, "number");
  });

  it("serves an OpenAPI 3.1 document generated from the route schemas, with every $ref resolvable", async () => {
    const response = await fetch(`${server.url}/openapi.json`);
    assert.equal(response.status, 200);
    const doc = await json<{
      openapi: string;
      paths: Record<
        string,
        Record<
          string,
          {
            operationId: string;
            security?: unknown;
            parameters: { name: string; in: string }[];
            requestBody?: unknown;
          }
        >
      >;
      components: { schemas: Record<string, unknown> };
    }>(response);
    assert.equal(doc.openapi, "3.1.0");
    const ops = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ path, method, ...op })),
    );
    const byId = new Map(ops.map((op) => [op.operationId, op]));
    for (const id of [
      "createPolicyVersion",
      "listPolicyVersions",
      "getPolicyVersion",
      "diffPolicyVersions",
      "registerPool",
      "listPools",
      "getPool",
      "listSchedules",
    ]) {
      assert.ok(byId.has(id), `operation ${id}`);
    }
    assert.equal(byId.get("getPolicyVersion")?.path, "/v1/policies/{name}/versions/{version}");
    assert.deepEqual(
      byId.get("getPolicyVersion")?.parameters.map((p) => `${p.in}:${p.name}`),
      ["path:name", "path:version"],
    );
    assert.deepEqual(byId.get("createPolicyVersion")?.security, [{ eip712: [] }]);
    assert.equal(byId.get("listPools")?.security, undefined);
    // Every $ref points at a component that exists.
    const refs: string[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === "object") {
        for (const [key, value] of Object.entries(node)) {
          if (key === "$ref" && typeof value === "string") refs.push(value);
          else walk(value);
        }
      }
    };
    walk(doc);
    assert.ok(refs.length > 10);
    for (const ref of refs) {
      assert.match(ref, /^#\/components\/schemas\//);
      assert.ok(ref.slice("#/components/schemas/".length) in doc.components.schemas, `dangling ${ref}`);
    }
    const create = doc.components.schemas.CreatePolicyVersionRequest as {
      required: string[];
      properties: Record<string, unknown>;
    };
    assert.deepEqual(create.required, ["document"]);
    assert.ok("expectedLatestVersion" in create.properties);
  });

  it("serves a self-contained reference page at /docs (no external hosts)", async () => {
    const page = await fetch(`${server.url}/docs`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get("content-type") ?? "", /text\/html/);
    const html = await page.text();
    assert.match(html, /<script src="\/docs\/app\.js"/);
    const script = await fetch(`${server.url}/docs/app.js`);
    assert.match(script.headers.get("content-type") ?? "", /javascript/);
    const js = await script.text();
    assert.match(js, /fetch\("\/openapi\.json"\)/);
    const css = await (await fetch(`${server.url}/docs/style.css`)).text();
    for (const text of [html, js, css]) assert.doesNotMatch(text, /https?:\/\/(?!json-schema)/);
  });

  it("publishes the admin signing parameters", async () => {
    const info = await json<{
      domain: { chainId: number; name: string };
      primaryType: string;
      types: Record<string, unknown>;
    }>(await fetch(`${server.url}/v1/admin/auth-info`));
    const { rows } = await db.query<{ salt: string }>("SELECT salt FROM admin_domain");
    // No registry given: the database's salt alone names the deployment.
    assert.deepEqual(info.domain, {
      name: "Wellspring Admin API",
      version: "1",
      chainId: 31337,
      salt: rows[0]!.salt,
    });
    assert.equal(info.primaryType, "AdminRequest");
    assert.ok("AdminRequest" in info.types);
  });
});

describe("rate limiting", () => {
  let db: Database;
  let server: TestServer;
  before(async () => {
    db = await openPglite();
    await migrate(db);
    // A frozen clock: no refill, so the count is exact.
    const frozen = Date.now();
    server = await startTestServer(db, {
      config: { RATE_LIMIT_BURST: 3, RATE_LIMIT_PER_SECOND: 1 },
      now: () => frozen,
    });
  });
  after(async () => {
    await server?.close();
    await db?.close();
  });

  it("429 with Retry-After once the burst is spent; health checks are exempt", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await fetch(`${server.url}/v1/policies`)).status);
    assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
    const limited = await fetch(`${server.url}/v1/pools`);
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get("retry-after"), "1");
    assert.equal((await json<ErrorBody>(limited)).error.code, "RATE_LIMITED");
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
    assert.equal((await fetch(`${server.url}/readyz`)).status, 200);
  });
});

describe("graceful shutdown", () => {
  it("finishes in-flight requests, then refuses new connections", async () => {
    const db = await openPglite();
    await migrate(db);
    // The role check is where the request waits: it is released only after close() has begun.
    let enteredRoleCheck!: () => void;
    const entered = new Promise<void>((resolve) => (enteredRoleCheck = resolve));
    let releaseRoleCheck!: () => void;
    const released = new Promise<void>((resolve) => (releaseRoleCheck = resolve));
    const server = await startTestServer(db, {
      hasRole: async () => {
        enteredRoleCheck();
        await released;
        return true;
      },
    });
    try {
      const inFlight = signedFetch(server.url, proposer, {
        method: "POST",
        path: "/v1/policies/shutdown/versions",
        body: { document: policyDoc("drain") },
      });
      await entered;
      let closed = false;
      const closing = server.close().then(() => (closed = true));
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(closed, false, "close() waits for the in-flight request");
      await assert.rejects(fetch(`${server.url}/healthz`), "new connections are refused while draining");
      releaseRoleCheck();
      const response = await inFlight;
      assert.equal(response.status, 201);
      assert.equal((await json<{ version: number }>(response)).version, 1);
      await closing;
      assert.equal(closed, true);
      // The write of the drained request is durable.
      const { rowCount } = await db.query("SELECT 1 FROM policy_versions WHERE policy_name = 'shutdown'");
      assert.equal(rowCount, 1);
    } finally {
      releaseRoleCheck();
      await server.close();
      await db.close();
    }
  });
});
