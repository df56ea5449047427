import assert from "node:assert/strict";
import { loadMigrations } from "../src/db/migrate.ts";
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import pg from "pg";
import { freshSchemaName, POSTGRES_URL, postgresReachable } from "./helpers.ts";

const MAIN = fileURLToPath(new URL("../src/main.ts", import.meta.url));

interface Child {
  lines: Record<string, unknown>[];
  waitFor(msg: string): Promise<Record<string, unknown>>;
  exit: Promise<{ code: number | null; stderr: string }>;
  kill(signal: NodeJS.Signals): void;
}

/** Runs the real entry point as a child process with exactly the given environment. */
function run(env: Record<string, string>): Child {
  const child = spawn(process.execPath, ["--import", "tsx", MAIN], {
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
