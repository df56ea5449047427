/**
 * Every route's error paths, driven from the OpenAPI document itself (so a route added later is
 * covered without touching this file): bad path parameters, bad query values, bad and oversized
 * bodies, missing signatures, unknown ids, the chain down, the rate limit, the database down.
 * Each answer must have a status the operation declares and a body that matches the schema the
 * document declares for it (the one `Error` schema for every error status).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import util from "node:util";
import { createPublicClient, http } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { fetchAdminDomain } from "../src/admin-client.ts";
import type { AdminDomain } from "../src/auth/admin-auth.ts";
import { ROLES } from "../src/auth/roles.ts";
import type { Database } from "../src/db/database.ts";
import { migrate } from "../src/db/migrate.ts";
import { openPglite } from "../src/db/pglite.ts";
import { openPostgres } from "../src/db/postgres.ts";
import { rolesFor, signedFetch, startTestServer, type TestServer } from "./helpers.ts";

type Schema = Record<string, unknown>;
type Operation = {
  parameters: { name: string; in: "path" | "query"; required: boolean; schema: Schema }[];
  requestBody?: unknown;
  security?: unknown;
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
};
type Document = {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
};

/**
 * The JSON Schema keywords the generated document uses; an unknown keyword fails the test rather
 * than pass unchecked.
 */
function validate(doc: Document, schema: Schema, value: unknown, at = "body"): string[] {
  const problems: string[] = [];
  const known = new Set([
    "$ref",
    "$id",
    "propertyNames",
    "type",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "enum",
    "const",
    "pattern",
    "anyOf",
    "oneOf",
    "description",
    "example",
    "format",
    "minimum",
    "maximum",
    "minLength",
    "maxLength",
    "default",
    "minItems",
    "maxItems",
    "exclusiveMinimum",
    "title",
  ]);
  for (const key of Object.keys(schema))
    if (!known.has(key)) problems.push(`${at}: schema keyword ${key} not checked by this test`);
  if (typeof schema.$ref === "string") {
    const id = schema.$ref.replace("#/components/schemas/", "");
    return [...problems, ...validate(doc, doc.components.schemas[id] ?? { not: id }, value, at)];
  }
  for (const key of ["anyOf", "oneOf"] as const) {
    const options = schema[key] as Schema[] | undefined;
    if (options && !options.some((option) => validate(doc, option, value, at).length === 0))
      problems.push(`${at}: matches none of ${key}`);
  }
  const type = schema.type as string | string[] | undefined;
  const actual =
    value === null
      ? "null"
      : Array.isArray(value)
        ? "array"
        : Number.isInteger(value)
          ? "integer"
          : typeof value;
  if (type !== undefined) {
    const types = Array.isArray(type) ? type : [type];
    if (!types.includes(actual) && !(actual === "integer" && types.includes("number")))
      return [...problems, `${at}: ${actual}, expected ${types.join("|")}`];
  }
  if (schema.enum && !(schema.enum as unknown[]).includes(value)) problems.push(`${at}: not in enum`);
  if ("const" in schema && schema.const !== value) problems.push(`${at}: not ${String(schema.const)}`);
  if (
    typeof schema.pattern === "string" &&
    typeof value === "string" &&
    !new RegExp(schema.pattern, "u").test(value)
  )
    problems.push(`${at}: does not match ${schema.pattern}`);
  if (actual === "object") {
    const object = value as Record<string, unknown>;
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    for (const name of (schema.required ?? []) as string[])
      if (!(name in object)) problems.push(`${at}.${name}: missing`);
    for (const [name, v] of Object.entries(object)) {
      if (schema.propertyNames)
        problems.push(...validate(doc, schema.propertyNames as Schema, name, `${at} key ${name}`));
      if (properties[name]) problems.push(...validate(doc, properties[name], v, `${at}.${name}`));
      else if (schema.additionalProperties === false) problems.push(`${at}.${name}: not declared`);
      else if (typeof schema.additionalProperties === "object")
        problems.push(...validate(doc, schema.additionalProperties as Schema, v, `${at}.${name}`));
    }
  }
  if (actual === "array" && schema.items)
    (value as unknown[]).forEach((item, i) =>
      problems.push(...validate(doc, schema.items as Schema, item, `${at}[${i}]`)),
    );
  return problems;
}

const ERROR = { $ref: "#/components/schemas/Error" };
/** The Error schema, alone or as an alternative to the route's own body for that status. */
const errorSchema = (schema: Schema | undefined) =>
  util.isDeepStrictEqual(schema, ERROR) ||
  (Array.isArray(schema?.anyOf) && schema.anyOf.some((s: unknown) => util.isDeepStrictEqual(s, ERROR)));

/** Values that parse but name nothing stored: the unknown-id case. A new parameter name needs one here. */
const UNKNOWN: Record<string, string> = {
  name: "no-such-line",
  version: "7",
  hash: `0x${"ab".repeat(32)}`,
  address: `0x${"de".repeat(20)}`,
  payer: `0x${"be".repeat(20)}`,
  account: `0x${"12".repeat(32)}`,
  identity: "github:no-such-account",
  id: "999999",
  scheduleId: "999999",
  blockNumber: "5",
  logIndex: "0",
};
/** Fails every parameter schema in the document: no pattern, enum or integer accepts it, and it is too long for any. */
const BAD = "~".repeat(700);

const admin = privateKeyToAccount(generatePrivateKey());
const allRoles = rolesFor({ [admin.address]: [...ROLES] });

interface Call {
  method: string;
  template: string;
  url: string;
  init?: RequestInit;
  /** Send it signed by a holder of every role. */
  signed?: { body?: unknown; sendBody?: string; domain?: AdminDomain };
}

async function send(base: string, call: Call): Promise<Response> {
  if (call.signed)
    return signedFetch(base, admin, {
      method: call.method,
      path: call.url,
      ...(call.signed.body === undefined ? {} : { body: call.signed.body }),
      ...(call.signed.sendBody === undefined ? {} : { sendBody: call.signed.sendBody }),
      ...(call.signed.domain === undefined ? {} : { domain: call.signed.domain }),
    });
  // A redirect (the GitHub sign-in callback) is the answer itself, not the page it leads to.
  return fetch(base + call.url, { method: call.method, redirect: "manual", ...call.init });
}

const fill = (template: string, value: (name: string) => string) =>
  template.replace(/\{([A-Za-z]+)\}/g, (_m, name: string) => value(name));

describe("OpenAPI: every route's error answers are declared and match the document", () => {
  let db: Database;
  let server: TestServer;
  let doc: Document;
  let operations: { method: string; template: string; op: Operation }[];

  /** Sends `call` and checks the answer against the document; returns the status and error code. */
  const check = async (base: string, call: Call) => {
    const res = await send(base, call);
    const text = await res.text();
    const op = doc.paths[call.template]![call.method.toLowerCase()]!;
    const where = `${call.method} ${call.url.slice(0, 120)}`;
    const declared = op.responses[String(res.status)];
    assert.ok(
      declared,
      `${where} answered ${res.status}, which ${call.template} does not declare: ${text.slice(0, 200)}`,
    );
    const content = declared.content?.[res.headers.get("content-type")?.split(";")[0] ?? ""];
    if (res.status >= 400) assert.ok(errorSchema(declared.content?.["application/json"]?.schema), where);
    if (content && content.schema && res.headers.get("content-type")?.startsWith("application/json")) {
      const problems = validate(doc, content.schema, JSON.parse(text));
      assert.deepEqual(problems, [], `${where} (${res.status}) does not match its declared schema`);
    }
    const code = res.status >= 400 ? (JSON.parse(text) as { error: { code: string } }).error.code : undefined;
    return { status: res.status, code };
  };

  before(async () => {
    db = await openPglite();
    await migrate(db);
    server = await startTestServer(db, {
      hasRole: allRoles,
      // The chain is down: nothing listens there.
      chain: createPublicClient({
        transport: http("http://127.0.0.1:9/", { retryCount: 0, timeout: 2_000 }),
      }),
    });
    doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as Document;
    operations = Object.entries(doc.paths).flatMap(([template, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ method: method.toUpperCase(), template, op })),
    );
  });
  after(async () => {
    await server?.close();
    await db?.close();
  });

  it("declares every error status with the one Error schema", () => {
    assert.ok(operations.length >= 25, `${operations.length} operations`);
    for (const { method, template, op } of operations)
      for (const [status, response] of Object.entries(op.responses))
        if (Number(status) >= 400)
          assert.ok(
            errorSchema(response.content?.["application/json"]?.schema),
            `${method} ${template} ${status}`,
          );
  });

  it("bad path parameters: 400 (401 first where a signature is needed)", async () => {
    for (const { method, template, op } of operations) {
      for (const p of op.parameters.filter((p) => p.in === "path")) {
        const url = fill(template, (name) => (name === p.name ? BAD : UNKNOWN[name]!));
        for (const bad of [url, fill(template, (name) => (name === p.name ? "%ZZ" : UNKNOWN[name]!))]) {
          const answer = await check(server.url, { method, template, url: bad, init: {} });
          // Broken percent-encoding fails before any route runs; otherwise authentication comes first.
          const expected = op.security && !bad.includes("%ZZ") ? 401 : 400;
          assert.equal(answer.status, expected, `${method} ${bad.slice(0, 80)}`);
          if (op.security) {
            // Signed, the parameter itself is refused.
            const signed = await check(server.url, { method, template, url: bad, signed: { body: {} } });
            assert.equal(signed.status, 400, `${method} ${bad.slice(0, 80)} signed`);
          }
        }
      }
    }
  });

  it("bad query values: 400", async () => {
    for (const { method, template, op } of operations) {
      const base = fill(template, (name) => UNKNOWN[name] ?? "x");
      for (const p of op.parameters.filter((p) => p.in === "query")) {
        const answer = await check(server.url, { method, template, url: `${base}?${p.name}=${BAD}` });
        assert.deepEqual(answer, { status: 400, code: "VALIDATION" }, `${method} ${template}?${p.name}`);
      }
    }
  });

  it("bodies: missing signature 401, unknown fields and malformed JSON 400, oversized 413", async () => {
    for (const { method, template, op } of operations.filter((o) => o.op.requestBody)) {
      const url = fill(template, (name) => UNKNOWN[name]!);
      const headers = { "content-type": "application/json" };
      if (op.security) {
        const anonymous = await check(server.url, { method, template, url, init: { headers, body: "{}" } });
        assert.deepEqual(anonymous, { status: 401, code: "AUTH_REQUIRED" }, `${method} ${template}`);
      }
      const sign = (sendBody: string) =>
        op.security ? { signed: { body: {}, sendBody } } : { init: { headers, body: sendBody } };
      // A signed body that differs from what was signed is 401; sign exactly what is sent instead.
      const unknownField = op.security
        ? await check(server.url, { method, template, url, signed: { body: { surely: "not a field" } } })
        : await check(server.url, {
            method,
            template,
            url,
            ...sign(JSON.stringify({ surely: "not a field" })),
          });
      assert.deepEqual(
        unknownField,
        { status: 400, code: "VALIDATION" },
        `${method} ${template} unknown field`,
      );
      const malformed = await check(server.url, { method, template, url, init: { headers, body: "{" } });
      assert.deepEqual(malformed, { status: 400, code: "VALIDATION" }, `${method} ${template} malformed`);
      const big = await check(server.url, {
        method,
        template,
        url,
        init: { headers, body: JSON.stringify({ pad: "x".repeat(70 * 1024) }) },
      });
      assert.deepEqual(big, { status: 413, code: "BODY_TOO_LARGE" }, `${method} ${template} oversized`);
    }
  });

  it("unknown ids: every read with path parameters is 404; writes answer a declared status", async () => {
    for (const { method, template, op } of operations) {
      if (!op.parameters.some((p) => p.in === "path")) continue;
      const url = fill(template, (name) => {
        assert.ok(UNKNOWN[name], `no unknown-id sample for path parameter ${name} (${template}): add one`);
        return UNKNOWN[name];
      });
      // Required query parameters get their least value (e.g. the two versions a diff compares).
      const query = op.parameters
        .filter((p) => p.in === "query" && p.required)
        .map((p) => `${p.name}=${String(p.schema.minimum ?? UNKNOWN[p.name])}`)
        .join("&");
      const answer =
        method === "GET"
          ? await check(server.url, { method, template, url: query ? `${url}?${query}` : url })
          : await check(server.url, { method, template, url, signed: { body: { uri: "ipfs://x" } } });
      // Every address is a token one may ask about: without a chain (this server has none) its
      // metadata cannot be read, which is 503, not 404. Every address has a wallet home (an empty
      // one when nothing names it).
      const expected =
        template === "/v1/tokens/{address}"
          ? { status: 503, code: "CHAIN_UNAVAILABLE" }
          : template === "/v1/wallets/{address}"
            ? { status: 200, code: undefined }
            : { status: 404, code: "NOT_FOUND" };
      if (method === "GET") assert.deepEqual(answer, expected, `${method} ${url}`);
    }
  });

  it("the chain down: registering a pool is 503 CHAIN_UNAVAILABLE, binding requests 503 without an attestor", async () => {
    const pool = await check(server.url, {
      method: "POST",
      template: "/v1/pools",
      url: "/v1/pools",
      signed: { body: { address: `0x${"77".repeat(20)}`, name: "p", deployedBlock: "1" } },
    });
    assert.deepEqual(pool, { status: 503, code: "CHAIN_UNAVAILABLE" });
    const attestation = await check(server.url, {
      method: "POST",
      template: "/v1/attestations",
      url: "/v1/attestations",
      init: { method: "POST", headers: { "content-type": "application/json" }, body: "{}" },
    });
    assert.equal(attestation.status >= 400, true);
  });

  it("the rate limit: 429 on every limited route, declared", async () => {
    const limited = await startTestServer(db, {
      hasRole: allRoles,
      config: { RATE_LIMIT_PER_SECOND: 0.001, RATE_LIMIT_BURST: 1 },
    });
    try {
      await fetch(`${limited.url}/v1/policies`);
      for (const { method, template } of operations) {
        const url = fill(template, (name) => UNKNOWN[name]!);
        const answer = await check(limited.url, { method, template, url, init: {} });
        if (["/healthz", "/readyz"].includes(template)) assert.notEqual(answer.status, 429);
        else assert.deepEqual(answer, { status: 429, code: "RATE_LIMITED" }, `${method} ${template}`);
      }
    } finally {
      await limited.close();
    }
  });

  it("the database down: every route answers a declared status, none a 500", async () => {
    // Nothing listens on port 9: every connection is refused.
    const down = await openPostgres({
      connectionString: "postgres://postgres@127.0.0.1:9/x",
      connectionTimeoutMs: 1_000,
    });
    const offline = await startTestServer(down, { hasRole: allRoles });
    // Its own auth-info needs the database: sign in a reachable server's domain (refused either way).
    const domain = await fetchAdminDomain(server.url);
    try {
      for (const { method, template, op } of operations) {
        const url = fill(template, (name) => UNKNOWN[name]!);
        const answer = op.security
          ? await check(offline.url, { method, template, url, signed: { body: {}, domain } })
          : await check(offline.url, { method, template, url });
        assert.notEqual(answer.status, 500, `${method} ${template}`);
      }
    } finally {
      await offline.close();
      await down.close();
    }
  });
});
