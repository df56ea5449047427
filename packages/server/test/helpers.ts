import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import pg from "pg";
import { pino, type Logger } from "pino";
import { stringToHex, toHex, type Address, type Hex, type LocalAccount, type PublicClient } from "viem";
import type { HasRole } from "../src/auth/roles.ts";
import { fetchAdminDomain } from "../src/admin-client.ts";
import { ADMIN_HEADERS, ADMIN_REQUEST_TYPES, type AdminDomain } from "../src/auth/admin-auth.ts";
import type { Database } from "../src/db/database.ts";
import { migrate } from "../src/db/migrate.ts";
import { openPglite } from "../src/db/pglite.ts";
import { openPostgres } from "../src/db/postgres.ts";
import { createApp, type AppConfig, type AppDeps } from "../src/http/app.ts";
import { listen, type RunningServer } from "../src/http/server.ts";
import { PolicyRepository } from "../src/repositories/policies.ts";
import { keccak256 } from "viem";
import type { SdkClient } from "@wellspring/sdk";

/** The real server CI provides; tests against it are skipped (with the reason) when it is not there. */
export const POSTGRES_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

let reachable: Promise<boolean> | undefined;
export function postgresReachable(): Promise<boolean> {
  return (reachable ??= (async () => {
    const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 1500 });
    try {
      await client.connect();
      await client.query("SELECT 1");
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  })());
}

export interface Backend {
  name: "pglite" | "postgres";
  /** Why the backend is skipped, or false. */
  skip: string | false;
  /** A fresh, empty database: in-memory PGlite, or a new schema on the server (dropped by `dispose`). */
  open(options?: { migrate?: boolean }): Promise<{ db: Database; dispose: () => Promise<void> }>;
}

export const freshSchemaName = () => `ws_test_${process.pid}_${randomBytes(4).toString("hex")}`;

export async function backends(): Promise<Backend[]> {
  // The mutation runs (docs/testing.md) set WELLSPRING_TEST_BACKENDS=pglite: one backend per mutant.
  const pgOnly = process.env.WELLSPRING_TEST_BACKENDS === "pglite";
  const pgUp = !pgOnly && (await postgresReachable());
  return [
    {
      name: "pglite",
      skip: false,
      async open(options = {}) {
        const db = await openPglite();
        if (options.migrate !== false) await migrate(db);
        return { db, dispose: () => db.close() };
      },
    },
    {
      name: "postgres",
      skip: pgUp
        ? false
        : pgOnly
          ? "WELLSPRING_TEST_BACKENDS=pglite"
          : `PostgreSQL not reachable at ${POSTGRES_URL}`,
      async open(options = {}) {
        const schema = freshSchemaName();
        const db = await openPostgres({ connectionString: POSTGRES_URL, schema, poolSize: 5 });
        if (options.migrate !== false) await migrate(db);
        return {
          db,
          dispose: async () => {
            await db.exec(`DROP SCHEMA ${schema} CASCADE`);
            await db.close();
          },
        };
      },
    },
  ];
}

export const TEST_CHAIN_ID = 31337;

/** Appends an empty "default" policy version, which a stored run must name. */
export const appendDefaultPolicy = (db: Database, createdBy: Address) =>
  new PolicyRepository(db).appendVersion({
    name: "default",
    canonical: "{}",
    hash: keccak256(stringToHex("{}")),
    note: "",
    createdBy,
  });

export const testConfig = (overrides: Partial<AppConfig> = {}): AppConfig => ({
  CHAIN_ID: TEST_CHAIN_ID,
  BODY_LIMIT_BYTES: 64 * 1024,
  RATE_LIMIT_PER_SECOND: 1000,
  RATE_LIMIT_BURST: 10_000,
  TRUST_PROXY_HOPS: 0,
  ADMIN_AUTH_MAX_AGE_SECONDS: 300,
  ...overrides,
});

/** A pino logger whose JSON lines are kept for assertions. */
export function captureLogger(): { logger: Logger; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString("utf8"));
      callback();
    },
  });
  const logger = pino({ level: "info" }, stream);
  return {
    logger,
    lines: () =>
      chunks
        .join("")
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

export interface TestServer extends RunningServer {
  logs: () => Record<string, unknown>[];
}

export async function startTestServer(
  db: Database,
  options: {
    hasRole?: HasRole;
    chain?: PublicClient;
    publisher?: SdkClient;
    now?: () => number;
    web?: AppDeps["web"];
    registry?: AppDeps["registry"];
    deployment?: AppDeps["deployment"];
    config?: Partial<AppConfig>;
    shutdownTimeoutMs?: number;
    /** The claims endpoint's cache freshness; tests that index and then ask use 0. */
    claimsFreshMs?: number;
  } = {},
): Promise<TestServer> {
  const { logger, lines } = captureLogger();
  const app = createApp({
    db,
    logger,
    config: testConfig(options.config),
    hasRole: options.hasRole ?? (async () => false),
    // Every answer of every server test is checked against the route's declared response.
    checkResponses: true,
    ...(options.chain ? { chain: options.chain } : {}),
    ...(options.publisher ? { publisher: options.publisher } : {}),
    ...(options.now ? { now: options.now } : {}),
    ...(options.web ? { web: options.web } : {}),
    ...(options.registry ? { registry: options.registry } : {}),
    ...(options.deployment ? { deployment: options.deployment } : {}),
    ...(options.claimsFreshMs === undefined ? {} : { claimsFreshMs: options.claimsFreshMs }),
  });
  const server = await listen(app, {
    host: "127.0.0.1",
    port: 0,
    shutdownTimeoutMs: options.shutdownTimeoutMs ?? 5_000,
  });
  return { ...server, logs: lines };
}

/** Role map for tests: every listed address holds the listed roles. */
export function rolesFor(grants: Record<string, readonly string[]>): HasRole {
  const map = new Map(Object.entries(grants).map(([addr, roles]) => [addr.toLowerCase(), new Set(roles)]));
  return async (role, address) => map.get(address.toLowerCase())?.has(role) ?? false;
}

export interface SignOptions {
  method: string;
  /** Path with query, exactly as sent. */
  path: string;
  body?: unknown;
  nonce?: Hex;
  deadline?: bigint;
  /** Sign for another chain id than the server's domain names. */
  chainId?: number;
  /** Sign in this domain instead of the server's (another deployment's). */
  domain?: AdminDomain;
  /** Sign one thing, send another (tamper tests). */
  sendBody?: string;
  sendPath?: string;
}

export const randomNonce = (): Hex => toHex(randomBytes(32));
export const nowSeconds = () => BigInt(Math.floor(Date.now() / 1000));

/** Sends a request signed the way an admin client does (EIP-712 AdminRequest). */
export async function signedFetch(
  baseUrl: string,
  account: LocalAccount,
  options: SignOptions,
): Promise<Response> {
  const bodyText = options.body === undefined ? undefined : JSON.stringify(options.body);
  const bodyBytes = bodyText === undefined ? new Uint8Array() : new TextEncoder().encode(bodyText);
  const nonce = options.nonce ?? randomNonce();
  const deadline = options.deadline ?? nowSeconds() + 60n;
  const domain = options.domain ?? (await fetchAdminDomain(baseUrl));
  const signature = await account.signTypedData({
    domain: options.chainId === undefined ? domain : { ...domain, chainId: options.chainId },
    types: ADMIN_REQUEST_TYPES,
    primaryType: "AdminRequest",
    message: {
      method: options.method.toUpperCase(),
      path: options.path,
      bodyHash: keccak256(bodyBytes),
      nonce,
      deadline,
    },
  });
  const sent = options.sendBody ?? bodyText;
  return fetch(baseUrl + (options.sendPath ?? options.path), {
    method: options.method,
    headers: {
      ...(sent === undefined ? {} : { "content-type": "application/json" }),
      [ADMIN_HEADERS.address]: account.address,
      [ADMIN_HEADERS.nonce]: nonce,
      [ADMIN_HEADERS.deadline]: deadline.toString(),
      [ADMIN_HEADERS.signature]: signature,
    },
    ...(sent === undefined ? {} : { body: sent }),
  });
}

export async function json<T = Record<string, unknown>>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

export type ErrorBody = {
  error: { code: string; message: string; issues?: { path: string; message: string }[]; requestId: string };
};

/** A valid engine policy document; `tag` makes documents distinct (it lands in `description`). */
export const policyDoc = (tag: string | number, extra: Record<string, unknown> = {}) => ({
  version: 1,
  description: String(tag),
  ...extra,
});

/**
 * A package-lock.json v3 with `n` packages (a chain plus a fan-out): enough work for the engine
 * and the recipient bulk load to take a while, for tests that need a run in progress.
 */
export function bigLockfile(n: number): Uint8Array {
  const packages: Record<string, unknown> = {
    "": { name: "big-app", version: "1.0.0", dependencies: { "p-0": "1.0.0" } },
  };
  for (let i = 0; i < n; i++) {
    const deps: Record<string, string> = {};
    if (i + 1 < n) deps[`p-${i + 1}`] = "1.0.0";
    if (2 * i + 2 < n) deps[`p-${2 * i + 2}`] = "1.0.0";
    packages[`node_modules/p-${i}`] = { version: "1.0.0", license: "MIT", dependencies: deps };
  }
  return new TextEncoder().encode(
    JSON.stringify({ name: "big-app", version: "1.0.0", lockfileVersion: 3, packages }),
  );
}
