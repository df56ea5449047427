import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { loadConfig, redactConfig, redactUrl } from "../src/config.ts";
import { start } from "../src/start.ts";
import { isServerError, type ServerError } from "../src/errors.ts";

const KEY = `0x${"ab".repeat(32)}`;

describe("loadConfig", () => {
  it("has safe defaults: embedded PGlite, loopback only, local chain", () => {
    const config = loadConfig({});
    assert.equal(config.DATABASE_URL, undefined);
    assert.equal(config.PGLITE_DIR, ".wellspring/pglite");
    assert.equal(config.HOST, "127.0.0.1");
    assert.equal(config.PORT, 8080);
    assert.equal(config.CHAIN_ID, 31337);
    assert.equal(config.RPC_URL, "http://127.0.0.1:8545");
    assert.equal(config.DATABASE_SCHEMA, "public");
    assert.equal(config.STATIC_ROLES, undefined);
    assert.equal(config.INDEXER_ENABLED, false);
  });

  it("parses the indexer switch strictly", () => {
    assert.equal(loadConfig({ INDEXER_ENABLED: "true" }).INDEXER_ENABLED, true);
    assert.equal(loadConfig({ INDEXER_ENABLED: "0" }).INDEXER_ENABLED, false);
    assert.throws(
      () => loadConfig({ INDEXER_ENABLED: "yes" }),
      (e) => isServerError(e, "CONFIG_INVALID"),
    );
  });

  it("parses and coerces values; blank values count as unset", () => {
    const config = loadConfig({
      DATABASE_URL: "postgres://u@db:5432/ws",
      PORT: "0",
      CHAIN_ID: "8453",
      HOST: "  ",
      LOG_LEVEL: "warn",
      ATTESTOR_PRIVATE_KEY: KEY.toUpperCase().replace("0X", "0x"),
      UNRELATED: "ignored",
    });
    assert.equal(config.DATABASE_URL, "postgres://u@db:5432/ws");
    assert.equal(config.PORT, 0);
    assert.equal(config.CHAIN_ID, 8453);
    assert.equal(config.HOST, "127.0.0.1");
    assert.equal(config.LOG_LEVEL, "warn");
    assert.equal(config.ATTESTOR_PRIVATE_KEY, KEY);
  });

  it("refuses a bad environment, listing every bad variable", () => {
    let caught: ServerError | undefined;
    try {
      loadConfig({
        PORT: "70000",
        DATABASE_URL: "mysql://x",
        CHAIN_ID: "abc",
        PUBLISHER_PRIVATE_KEY: "0x12",
        DATABASE_SCHEMA: "Bad-Name",
      });
    } catch (error) {
      if (isServerError(error, "CONFIG_INVALID")) caught = error;
    }
    assert.ok(caught, "CONFIG_INVALID expected");
    assert.deepEqual(caught.issues?.map((i) => i.path).sort(), [
      "CHAIN_ID",
      "DATABASE_SCHEMA",
      "DATABASE_URL",
      "PORT",
      "PUBLISHER_PRIVATE_KEY",
    ]);
  });

  it("parses STATIC_ROLES into lower-case address sets and rejects unknown roles or bad addresses", () => {
    const a = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
    const b = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512";
    const config = loadConfig({ STATIC_ROLES: `PROPOSER=${a},${b}; ADMIN=${a}` });
    assert.deepEqual([...(config.STATIC_ROLES?.get("PROPOSER") ?? [])], [a.toLowerCase(), b.toLowerCase()]);
    assert.deepEqual([...(config.STATIC_ROLES?.get("ADMIN") ?? [])], [a.toLowerCase()]);
    assert.throws(
      () => loadConfig({ STATIC_ROLES: `OWNER=${a}` }),
      (e) => isServerError(e, "CONFIG_INVALID"),
    );
    assert.throws(
      () => loadConfig({ STATIC_ROLES: "ADMIN=0x1234" }),
      (e) => isServerError(e, "CONFIG_INVALID"),
    );
  });

  it("redacts secrets for logging", () => {
    const safe = redactConfig(
      loadConfig({ ATTESTOR_PRIVATE_KEY: KEY, DATABASE_URL: "postgres://u:secret@h/db" }),
    );
    const text = JSON.stringify(safe);
    assert.ok(!text.includes("ab".repeat(32)) && !text.includes("secret"), text);
    assert.equal(safe.ATTESTOR_PRIVATE_KEY, "[redacted]");
  });
});

describe("credentials in RPC_URL never reach the log", () => {
  const RPC = "http://user:hunter2pass@127.0.0.1:9/v3/KEYSECRET123?token=QUERYSECRET";

  it("redactUrl keeps scheme, host and port only", () => {
    assert.equal(redactUrl(RPC), "http://127.0.0.1:9/[redacted]");
    assert.equal(redactUrl("http://127.0.0.1:8545"), "http://127.0.0.1:8545");
    assert.equal(redactConfig(loadConfig({ RPC_URL: RPC })).RPC_URL, "http://127.0.0.1:9/[redacted]");
  });

  it("start(): boot, an unreachable RPC and the indexer's failed rounds log no credential", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ws-secrets-"));
    const chunks: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk.toString("utf8"));
        callback();
      },
    });
    const started = await start(
      {
        PGLITE_DIR: dir,
        PORT: "0",
        RPC_URL: RPC,
        INDEXER_ENABLED: "true",
        INDEXER_INTERVAL_MS: "100",
        DEPLOYMENTS_DIR: dir,
      },
      { logDestination: sink },
    );
    try {
      // Bounded wait for at least one failed indexer round to be logged.
      for (let i = 0; i < 100 && !chunks.join("").includes("indexer round failed"); i++)
        await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      await started.stop();
      await rm(dir, { recursive: true, force: true });
    }
    const text = chunks.join("");
    assert.match(text, /indexer round failed/);
    assert.match(text, /127\.0\.0\.1:9/);
    for (const secret of ["hunter2pass", "KEYSECRET123", "QUERYSECRET"])
      assert.ok(!text.includes(secret), secret);
  });
});
