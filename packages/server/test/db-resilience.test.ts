/**
 * Database outages against a real, throwaway PostgreSQL cluster: backends terminated between and
 * during queries, and the server stopped and started again under load. A lost connection must fail
 * only the requests it carried (503 DATABASE_UNAVAILABLE with Retry-After), never the process, and
 * the pool must reconnect by itself.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Database } from "../src/db/database.ts";
import { isConnectionLost } from "../src/db/database.ts";
import { migrate } from "../src/db/migrate.ts";
import { openPostgres } from "../src/db/postgres.ts";
import { deposit } from "@wellspring/sdk";
import { getAddress } from "viem";
import { PoolIndexer } from "../src/indexer/pool-indexer.ts";
import { PoolRepository } from "../src/repositories/pools.ts";
import { deployChain } from "./chain-fixture.ts";
import { captureLogger, startTestServer, type TestServer } from "./helpers.ts";
import { clusterSkip, PgCluster } from "./pg-cluster.ts";

const skip = clusterSkip();
if (skip) console.log(`# skipped: ${skip}`);

/** Every answer under an outage is a 200 or a retryable 503; anything else (500, a reset) fails. */
async function get(
  base: string,
  path: string,
): Promise<{ status: number; code?: string; retryAfter?: string }> {
  const res = await fetch(base + path);
  const body = (await res.json()) as { error?: { code: string } };
  if (res.status === 200) return { status: 200 };
  return {
    status: res.status,
    ...(body.error ? { code: body.error.code } : {}),
    ...(res.headers.get("retry-after") ? { retryAfter: res.headers.get("retry-after")! } : {}),
  };
}

function assertRetryable(answers: { status: number; code?: string; retryAfter?: string }[]): void {
  for (const a of answers) {
    if (a.status === 200) continue;
    assert.deepEqual(a, { status: 503, code: "DATABASE_UNAVAILABLE", retryAfter: "2" });
  }
}

describe("database outages [throwaway PostgreSQL cluster]", { skip }, () => {
  let cluster: PgCluster;
  let db: Database;
  let server: TestServer;
  const lost: Error[] = [];

  before(async () => {
    cluster = await PgCluster.start();
    db = await openPostgres({
      connectionString: cluster.url,
      poolSize: 4,
      connectionTimeoutMs: 2_000,
      onClientError: (error) => lost.push(error),
      onIdleError: (error) => lost.push(error),
    });
    await migrate(db);
    server = await startTestServer(db);
  });
  after(async () => {
    await server?.close();
    await db?.close().catch(() => undefined);
    await cluster?.destroy();
  });

  it("a backend ended between two statements of a transaction fails that transaction, not the process", async () => {
    const before = lost.length;
    const failure = await db
      .transaction(async (tx) => {
        await tx.query("SELECT 1");
        // The connection now sits idle in a transaction; the server ends it. node-postgres emits
        // `error` on the checked-out client, which must not be an unhandled event.
        assert.ok((await cluster.terminateBackends()) >= 1);
        await new Promise((resolve) => setImmediate(resolve));
        await tx.query("SELECT 2");
      })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    assert.ok(failure, "the transaction must fail");
    assert.ok(isConnectionLost(failure), `a connection error, got ${String(failure)}`);
    assert.ok(lost.length > before, "the client's error event was received");
    // The pool replaced the connection.
    assert.deepEqual((await db.query<{ one: number }>("SELECT 1 AS one")).rows, [{ one: 1 }]);
  });

  it("backends terminated under load: each request answers 200 or 503 DATABASE_UNAVAILABLE, then all 200", async () => {
    const answers: Awaited<ReturnType<typeof get>>[] = [];
    let stop = false;
    const load = Promise.all(
      Array.from({ length: 6 }, async () => {
        while (!stop) answers.push(await get(server.url, "/v1/pools"));
      }),
    );
    for (let i = 0; i < 5; i++) {
      await cluster.terminateBackends();
      await get(server.url, "/readyz");
    }
    stop = true;
    await load;
    assert.ok(answers.length > 0);
    assertRetryable(answers);
    assert.equal(server.logs().filter((l) => l.level === 50).length, 0, "no error-level log for an outage");
    for (let i = 0; i < 8; i++) assert.deepEqual(await get(server.url, "/v1/pools"), { status: 200 });
  });

  it("the server restarted mid-load: requests fail retryably while it is down and succeed after", async () => {
    const answers: Awaited<ReturnType<typeof get>>[] = [];
    let stop = false;
    const load = Promise.all(
      Array.from({ length: 4 }, async () => {
        while (!stop) answers.push(await get(server.url, "/v1/pools"));
      }),
    );
    await cluster.stopServer("fast");
    const down = await get(server.url, "/v1/pools");
    assert.deepEqual(down, { status: 503, code: "DATABASE_UNAVAILABLE", retryAfter: "2" });
    assert.deepEqual(await get(server.url, "/readyz"), down);
    await cluster.startServer();
    stop = true;
    await load;
    assertRetryable(answers);
    // Connections made before the restart are dead; the pool drops them as they fail.
    let ok = 0;
    for (let i = 0; i < 20 && ok < 4; i++) if ((await get(server.url, "/v1/pools")).status === 200) ok++;
    assert.equal(ok, 4, "the pool reconnected");
    assert.deepEqual(await get(server.url, "/readyz"), { status: 200 });
  });

  it("the indexer loop survives the restart and resumes from its cursor", async () => {
    const chain = await deployChain();
    const abort = new AbortController();
    const log = captureLogger();
    try {
      await new PoolRepository(db).insert({
        chainId: 31337,
        address: getAddress(chain.pool),
        name: "resume",
        deployedBlock: chain.deployedBlock,
        registeredBy: getAddress(chain.wallets.admin.account.address),
      });
      const indexer = new PoolIndexer({
        db,
        client: chain.publicClient,
        chainId: 31337,
        confirmations: 0,
        logger: log.logger,
      });
      let settled = false;
      const done = indexer.run(abort.signal, 50).finally(() => (settled = true));
      const deposits = async () => {
        try {
          return Number((await db.query<{ n: string }>("SELECT count(*) AS n FROM deposits")).rows[0]!.n);
        } catch {
          return -1; // the database is down
        }
      };
      /** Bounded wait for the background loop (eventually consistent by design). */
      const until = async (n: number) => {
        for (let i = 0; i < 300 && (await deposits()) < n; i++) await new Promise((r) => setTimeout(r, 50));
        assert.equal(await deposits(), n);
      };
      const pay = (amount: bigint) =>
        deposit(chain.wallets.payer, { pool: chain.pool, token: chain.usdc, amount });
      await pay(1n);
      await until(1);
      await cluster.stopServer("fast");
      await pay(2n);
      // Let rounds fail against the stopped database.
      for (let i = 0; i < 100 && !log.lines().some((l) => l.msg === "indexer round failed; retrying"); i++)
        await new Promise((r) => setTimeout(r, 50));
      assert.ok(log.lines().some((l) => l.msg === "indexer round failed; retrying"));
      await cluster.startServer();
      await until(2);
      assert.equal(settled, false, "the loop is still running");
      abort.abort();
      await done;
    } finally {
      abort.abort();
      await chain.connection.close();
    }
  });
});
