import assert from "node:assert/strict";
import { loadMigrations } from "../src/db/migrate.ts";
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import pg from "pg";
import { readFileSync } from "node:fs";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { openPglite } from "../src/db/pglite.ts";
import { bigLockfile, freshSchemaName, POSTGRES_URL, postgresReachable, signedFetch } from "./helpers.ts";

const MAIN = fileURLToPath(new URL("../src/main.ts", import.meta.url));

interface Child {
  lines: Record<string, unknown>[];
  waitFor(msg: string): Promise<Record<string, unknown>>;
  exit: Promise<{ code: number | null; stderr: string }>;
  kill(signal: NodeJS.Signals): void;
}

/** Runs the real entry point as a child process with exactly the given environment. */
function run(env: Record<string, string>): Child {
  // The source condition as a flag: the environment is exactly the given one (docs/packages.md).
  const child = spawn(process.execPath, ["--conditions=wellspring-source", "--import", "tsx", MAIN], {
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: Record<string, unknown>[] = [];
  const waiters: { msg: string; resolve: (line: Record<string, unknown>) => void }[] = [];
  let buffered = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    buffered += chunk;
    let newline: number;
    while ((newline = buffered.indexOf("\n")) >= 0) {
      const line = JSON.parse(buffered.slice(0, newline)) as Record<string, unknown>;
      buffered = buffered.slice(newline + 1);
      lines.push(line);
      for (const w of waiters.filter((w) => w.msg === line.msg)) w.resolve(line);
    }
  });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const exit = new Promise<{ code: number | null; stderr: string }>((resolve) =>
    child.on("exit", (code) => resolve({ code, stderr })),
  );
  return {
    lines,
    waitFor: (msg) => {
      const seen = lines.find((l) => l.msg === msg);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        waiters.push({ msg, resolve });
        void exit.then(({ code, stderr: err }) =>
          reject(new Error(`exited with ${code} before "${msg}": ${err}`)),
        );
      });
    },
    exit,
    kill: (signal) => child.kill(signal),
  };
}

const pgSkip = (await postgresReachable()) ? false : `PostgreSQL not reachable at ${POSTGRES_URL}`;

describe("server process", () => {
  it("refuses to start on a bad environment: exit 1 and a JSON line naming each variable", async () => {
    const child = run({
      PORT: "99999",
      DATABASE_URL: "mysql://nope",
      PGLITE_DIR: join(tmpdir(), "never-created"),
    });
    const { code, stderr } = await child.exit;
    assert.equal(code, 1);
    const line = JSON.parse(stderr.trim().split("\n").at(-1) ?? "{}") as {
      level: string;
      code: string;
      issues: { path: string }[];
    };
    assert.equal(line.level, "fatal");
    assert.equal(line.code, "CONFIG_INVALID");
    assert.deepEqual(line.issues.map((i) => i.path).sort(), ["DATABASE_URL", "PORT"]);
  });

  it("boots on an embedded PGlite directory, serves, stops gracefully on SIGTERM, and restarts on the same data", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ws-pglite-"));
    try {
      const first = run({ PGLITE_DIR: dir, PORT: "0", ATTESTOR_PRIVATE_KEY: `0x${"cd".repeat(32)}` });
      const ready = await first.waitFor("database ready");
      assert.deepEqual(
        ready.applied,
        (await loadMigrations()).map((m) => `${String(m.version).padStart(4, "0")}_${m.name}`),
        "every migration of this build, in order",
      );
      const { url } = (await first.waitFor("listening")) as { url: string };
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/, "loopback by default");
      assert.equal((await fetch(`${url}/readyz`)).status, 200);
      assert.ok(!JSON.stringify(first.lines).includes("cd".repeat(32)), "secrets never reach the log");
      first.kill("SIGTERM");
      assert.equal((await first.exit).code, 0);
      assert.ok(first.lines.some((l) => l.msg === "stopped"));

      const second = run({ PGLITE_DIR: dir, PORT: "0" });
      const again = await second.waitFor("database ready");
      assert.deepEqual(again.applied, [], "migrations are not re-applied");
      await second.waitFor("listening");
      second.kill("SIGINT");
      assert.equal((await second.exit).code, 0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("uses a PostgreSQL server when DATABASE_URL is set", { skip: pgSkip }, async () => {
    const schema = freshSchemaName();
    try {
      const child = run({ DATABASE_URL: POSTGRES_URL, DATABASE_SCHEMA: schema, PORT: "0" });
      const ready = await child.waitFor("database ready");
      assert.equal(ready.database, "postgres");
      const { url } = (await child.waitFor("listening")) as { url: string };
      assert.equal((await fetch(`${url}/v1/policies`)).status, 200);
      child.kill("SIGTERM");
      assert.equal((await child.exit).code, 0);
    } finally {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    }
  });
});

/**
 * Kills the server with SIGKILL while it stores a large run (after the engine, during the bulk load
 * of recipients), then checks that nothing of the run was stored and that the restarted server
 * works on the same data.
 */
describe("a crash in the middle of a run", { timeout: 300_000 }, () => {
  const admin = privateKeyToAccount(generatePrivateKey());
  const policy: unknown = JSON.parse(
    readFileSync(new URL("../../attribution/policies/default.json", import.meta.url), "utf8"),
  );
  const env = {
    PORT: "0",
    LOG_LEVEL: "info",
    BODY_LIMIT_BYTES: String(64 * 1024 * 1024),
    STATIC_ROLES: `ADMIN=${admin.address};PROPOSER=${admin.address}`,
  };
  const createRun = (url: string, lockfile: Uint8Array) =>
    signedFetch(url, admin, {
      method: "POST",
      path: "/v1/runs",
      body: {
        policy: { name: "default", version: 1 },
        inputs: [{ name: "package-lock.json", content: Buffer.from(lockfile).toString("base64") }],
      },
    });

  async function crashThenRecover(
    dbEnv: Record<string, string>,
    counts: () => Promise<{ runs: number; recipients: number; inputs: number }>,
  ) {
    const first = run({ ...env, ...dbEnv });
    const { url } = (await first.waitFor("listening")) as { url: string };
    const version = await signedFetch(url, admin, {
      method: "POST",
      path: "/v1/policies/default/versions",
      body: { document: policy },
    });
    assert.equal(version.status, 201, await version.clone().text());
    const pending = createRun(url, bigLockfile(200_000)).then(
      (r) => r.status,
      (e: unknown) => e,
    );
    const storing = await first.waitFor("run computed; storing it");
    assert.ok(Number(storing.recipients) > 100_000);
    first.kill("SIGKILL");
    assert.equal((await first.exit).code, null, "killed, not exited");
    assert.ok((await pending) instanceof Error, "the request never got an answer");
    assert.ok(!first.lines.some((l) => l.msg === "run stored"), "killed before the run was stored");

    assert.deepEqual(await counts(), { runs: 0, recipients: 0, inputs: 0 }, "nothing half-written");
    const second = run({ ...env, ...dbEnv });
    const { url: again } = (await second.waitFor("listening")) as { url: string };
    assert.equal((await fetch(`${again}/v1/runs/1`)).status, 404);
    const small = await createRun(again, bigLockfile(50));
    assert.equal(small.status, 201, await small.clone().text());
    second.kill("SIGTERM");
    assert.equal((await second.exit).code, 0);
  }

  it("PGlite: no run, recipient or input of it remains, and the restarted server stores the next", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ws-crash-"));
    try {
      await crashThenRecover({ PGLITE_DIR: dir }, async () => {
        const db = await openPglite({ dataDir: dir });
        try {
          const n = async (table: string) =>
            Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n);
          return {
            runs: await n("runs"),
            recipients: await n("run_recipients"),
            inputs: await n("run_inputs"),
          };
        } finally {
          await db.close();
        }
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("PostgreSQL: the same", { skip: pgSkip }, async () => {
    const schema = freshSchemaName();
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    try {
      await crashThenRecover({ DATABASE_URL: POSTGRES_URL, DATABASE_SCHEMA: schema }, async () => {
        // The server's backend rolls the open transaction back once it sees the connection gone.
        for (let i = 0; i < 100; i++) {
          const busy = await client.query(
            "SELECT count(*)::int AS n FROM pg_stat_activity WHERE state <> 'idle' AND query LIKE '%run_recipients%' AND pid <> pg_backend_pid()",
          );
          if ((busy.rows[0] as { n: number }).n === 0) break;
          await new Promise((r) => setTimeout(r, 100));
        }
        const n = async (table: string) =>
          Number(
            ((await client.query(`SELECT count(*) AS n FROM ${schema}.${table}`)).rows[0] as { n: string }).n,
          );
        return {
          runs: await n("runs"),
          recipients: await n("run_recipients"),
          inputs: await n("run_inputs"),
        };
      });
    } finally {
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    }
  });
});
