import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import pg from "pg";
import { keccak256, toHex, type Hex } from "viem";
import { bytea, isUniqueViolation, type Database } from "../src/db/database.ts";
import { loadMigrations, migrate, MIGRATIONS_DIR, type Migration } from "../src/db/migrate.ts";
import { openPostgres } from "../src/db/postgres.ts";
import { isServerError } from "../src/errors.ts";
import { RunRepository, type RecipientRow } from "../src/repositories/runs.ts";
import { backends, freshSchemaName, POSTGRES_URL } from "./helpers.ts";

const accountId = (i: number): Hex => keccak256(toHex(`github:${i}`));
const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";
const ADMIN = "0x1111111111111111111111111111111111111111";

/** n recipients sorted by accountId, as a share table is. */
function recipients(n: number): RecipientRow[] {
  return Array.from({ length: n }, (_, i) => ({
    accountId: accountId(i),
    shares: BigInt(i + 1) * 10n ** 12n,
    identity: `github:${i}`,
  })).sort((a, b) => (a.accountId < b.accountId ? -1 : 1));
}

async function seedPolicyVersion(db: Database): Promise<bigint> {
  await db.query("INSERT INTO policies (name, latest_version) VALUES ('default', 1)");
  const { rows } = await db.query<{ id: string }>(
    "INSERT INTO policy_versions (policy_name, version, canonical, hash, created_by) VALUES ('default', 1, '{}', $1, $2) RETURNING id",
    [bytea(keccak256(toHex("{}"))), bytea(ADMIN)],
  );
  return BigInt(rows[0]!.id);
}

const completedRun = (policyVersionId: bigint, rows: Iterable<RecipientRow>) => ({
  poolId: null,
  policyVersionId,
  engineVersion: "test",
  inputsHash: keccak256(toHex("inputs")),
  tableHash: keccak256(toHex("table")),
  root: keccak256(toHex("root")),
  totalShares: 10n ** 18n,
  createdBy: ADMIN as Hex,
  inputs: [
    {
      name: "package-lock.json",
      mediaType: "application/json",
      sha256: keccak256(toHex("lock")),
      content: new TextEncoder().encode('{"a":"\\t\\n"}'),
    },
  ],
  recipients: rows,
});

for (const backend of await backends()) {
  describe(`database layer [${backend.name}]`, { skip: backend.skip }, () => {
    let db: Database;
    let dispose: () => Promise<void>;
    before(async () => {
      ({ db, dispose } = await backend.open());
    });
    after(async () => dispose?.());

    it("normalises types the same way on both drivers", async () => {
      const { rows } = await db.query(
        "SELECT 9007199254740993::int8 AS big, $1::uint256 AS amount, $2::bytes32 AS h, $3::bytea AS raw, '{\"x\":[1]}'::jsonb AS j, NULL::text AS n",
        [2n ** 256n - 1n, bytea(accountId(1)), new Uint8Array([0, 255])],
      );
      assert.deepEqual(rows[0], {
        big: "9007199254740993",
        amount: (2n ** 256n - 1n).toString(),
        h: accountId(1),
        raw: "0x00ff",
        j: { x: [1] },
        n: null,
      });
    });

    it("enforces the Ethereum domains", async () => {
      await assert.rejects(db.query("SELECT $1::bytes32", [bytea("0x1234")]), /bytes32/);
      await assert.rejects(db.query("SELECT $1::evm_address", [bytea(accountId(1))]), /evm_address/);
      await assert.rejects(db.query("SELECT $1::uint256", [2n ** 256n]), /uint256/);
      await assert.rejects(db.query("SELECT $1::uint256", [-1n]), /uint256/);
    });

    it("migrate() is idempotent and records checksums", async () => {
      const again = await migrate(db);
      assert.deepEqual(again.applied, []);
      const files = await loadMigrations();
      assert.equal(again.alreadyApplied, files.length);
      const { rows } = await db.query<{ version: number; checksum: string }>(
        "SELECT version, checksum FROM schema_migrations ORDER BY version",
      );
      assert.deepEqual(
        rows.map((r) => [r.version, r.checksum]),
        files.map((f) => [f.version, f.checksum]),
      );
    });

    it("refuses to run when an applied migration changed", async () => {
      const files = await loadMigrations();
      const edited: Migration[] = files.map((m, i) => (i === 0 ? { ...m, checksum: "0".repeat(64) } : m));
      await assert.rejects(migrate(db, edited), (e) => isServerError(e, "MIGRATION_CHECKSUM_MISMATCH"));
    });

    it("refuses to run when the database has a migration this build lacks", async () => {
      const files = await loadMigrations();
      await assert.rejects(migrate(db, files.slice(0, -1).length ? files.slice(0, -1) : []), (e) =>
        isServerError(e, "MIGRATION_MISSING"),
      );
    });

    it("applies a new migration once, and rolls a failing one back completely", async () => {
      const files = await loadMigrations();
      const next = files.length + 1;
      const good: Migration = {
        version: next,
        name: "extra",
        sql: "CREATE TABLE extra_table (x int); INSERT INTO extra_table VALUES (1);",
        checksum: "a".repeat(64),
      };
      const bad: Migration = {
        version: next,
        name: "broken",
        sql: "CREATE TABLE half_done (x int); SELECT no_such_function();",
        checksum: "b".repeat(64),
      };
      await assert.rejects(migrate(db, [...files, bad]));
      const leftover = await db.query(
        "SELECT 1 FROM information_schema.tables WHERE table_name = 'half_done' AND table_schema = current_schema()",
      );
      assert.equal(leftover.rowCount, 0, "a failed migration must leave no table behind");
      const versions = await db.query("SELECT 1 FROM schema_migrations WHERE version = $1", [next]);
      assert.equal(versions.rowCount, 0);

      assert.deepEqual((await migrate(db, [...files, good])).applied, [
        `${String(next).padStart(4, "0")}_extra`,
      ]);
      assert.deepEqual((await migrate(db, [...files, good])).applied, []);
      await db.exec(`DROP TABLE extra_table; DELETE FROM schema_migrations WHERE version = ${next};`);
    });

    it("bulk-inserts across batch boundaries with awkward text", async () => {
      await db.exec(
        "CREATE TEMP TABLE bulk_probe (i int PRIMARY KEY, t text, b bytea, n numeric(78,0), j jsonb)",
      );
      const rows = Array.from({ length: 4_321 }, (_, i) => [
        i,
        i % 7 === 0 ? null : `line\t${i}\n\\ "q" é`,
        new Uint8Array([i % 256, 0]),
        2n ** 200n + BigInt(i),
        JSON.stringify({ i }),
      ]);
      assert.equal(await db.insertMany("bulk_probe", ["i", "t", "b", "n", "j"], rows), rows.length);
      const { rows: back } = await db.query<{
        i: number;
        t: string | null;
        b: string;
        n: string;
        j: { i: number };
      }>("SELECT * FROM bulk_probe WHERE i IN (0, 1, 4320) ORDER BY i");
      assert.deepEqual(back, [
        { i: 0, t: null, b: "0x0000", n: (2n ** 200n).toString(), j: { i: 0 } },
        { i: 1, t: 'line\t1\n\\ "q" é', b: "0x0100", n: (2n ** 200n + 1n).toString(), j: { i: 1 } },
        {
          i: 4320,
          t: 'line\t4320\n\\ "q" é',
          b: "0xe000",
          n: (2n ** 200n + 4320n).toString(),
          j: { i: 4320 },
        },
      ]);
      await db.exec("DROP TABLE bulk_probe");
    });

    it("a failed multi-row bulk insert leaves nothing behind", async () => {
      await db.exec("CREATE TEMP TABLE atomic_probe (i int PRIMARY KEY)");
      // Row 4,000 duplicates row 0: the failure comes after several batches were sent.
      const rows = Array.from({ length: 4_001 }, (_, i) => [i === 4_000 ? 0 : i]);
      await assert.rejects(db.insertMany("atomic_probe", ["i"], rows), (e) => isUniqueViolation(e));
      assert.equal((await db.query("SELECT * FROM atomic_probe")).rowCount, 0);
      await db.exec("DROP TABLE atomic_probe");
    });

    it("stores a computed run with all recipients in one transaction", async () => {
      const policyVersionId = await seedPolicyVersion(db);
      const runs = new RunRepository(db);
      const table = recipients(5_000);
      const run = await runs.insertCompleted(completedRun(policyVersionId, table));
      assert.equal(run.status, "complete");
      assert.equal(run.recipientCount, 5_000);
      const stats = await runs.recipientStats(run.id);
      assert.equal(stats.count, 5_000);
      assert.equal(
        stats.totalShares,
        table.reduce((sum, r) => sum + r.shares, 0n),
      );
      const page = await runs.recipients(run.id, { limit: 3, afterAccountId: table[1]!.accountId });
      assert.deepEqual(page, table.slice(2, 5));
      const input = await db.query<{ content: string }>("SELECT content FROM run_inputs WHERE run_id = $1", [
        run.id,
      ]);
      assert.equal(Buffer.from(input.rows[0]!.content.slice(2), "hex").toString(), '{"a":"\\t\\n"}');
    });

    it("a run whose recipients fail half-way leaves no run, no input and no recipient behind", async () => {
      const runs = new RunRepository(db);
      const policyVersionId = BigInt(
        (await db.query<{ id: string }>("SELECT id FROM policy_versions LIMIT 1")).rows[0]!.id,
      );
      const before = {
        runs: await runs.count(),
        recipients: (await db.query<{ n: string }>("SELECT count(*) AS n FROM run_recipients")).rows[0]!.n,
        inputs: (await db.query<{ n: string }>("SELECT count(*) AS n FROM run_inputs")).rows[0]!.n,
      };
      const table = recipients(4_500);
      // A generator that dies after 3,000 rows: what a crash of the producer looks like mid-write.
      function* dying(): Generator<RecipientRow> {
        let i = 0;
        for (const row of table) {
          if (i++ === 3_000) throw new Error("producer crashed");
          yield row;
        }
      }
      await assert.rejects(runs.insertCompleted(completedRun(policyVersionId, dying())), /producer crashed/);
      // And a database-side failure: a duplicate accountId after thousands of good rows.
      await assert.rejects(runs.insertCompleted(completedRun(policyVersionId, [...table, table[0]!])), (e) =>
        isUniqueViolation(e),
      );
      // And a check failure: zero shares.
      await assert.rejects(
        runs.insertCompleted(
          completedRun(policyVersionId, [
            ...table.slice(0, 2_500),
            { accountId: accountId(999_999), shares: 0n, identity: null },
          ]),
        ),
      );
      assert.deepEqual(
        {
          runs: await runs.count(),
          recipients: (await db.query<{ n: string }>("SELECT count(*) AS n FROM run_recipients")).rows[0]!.n,
          inputs: (await db.query<{ n: string }>("SELECT count(*) AS n FROM run_inputs")).rows[0]!.n,
        },
        before,
      );
      const draft = await db.query("SELECT 1 FROM runs WHERE status <> 'complete'");
      assert.equal(draft.rowCount, 0);
    });

    it("keeps the schema's money invariants: a complete run must carry its hashes", async () => {
      const policyVersionId = BigInt(
        (await db.query<{ id: string }>("SELECT id FROM policy_versions LIMIT 1")).rows[0]!.id,
      );
      await assert.rejects(
        db.query("INSERT INTO runs (policy_version_id, status, created_by) VALUES ($1, 'complete', $2)", [
          policyVersionId,
          bytea(ADMIN),
        ]),
        /check/i,
      );
      await assert.rejects(
        db.query("INSERT INTO tokens (chain_id, address, decimals) VALUES (1, $1, 300)", [
          bytea(ZERO_ADDRESS),
        ]),
        /check/i,
      );
    });
  });
}

describe("migrations", () => {
  it("checksums ignore CRLF line endings but catch any other edit", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ws-mig-"));
    try {
      const original = await readFile(join(MIGRATIONS_DIR, "0001_init.sql"), "utf8");
      await writeFile(join(dir, "0001_init.sql"), original.replace(/\n/g, "\r\n"));
      const [crlf] = await loadMigrations(dir);
      const [lf] = await loadMigrations();
      assert.equal(crlf!.checksum, lf!.checksum);
      await writeFile(join(dir, "0001_init.sql"), original + "\n-- edited\n");
      const [edited] = await loadMigrations(dir);
      assert.notEqual(edited!.checksum, lf!.checksum);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("rejects badly named or non-consecutive migration files", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ws-mig-"));
    try {
      await writeFile(join(dir, "0001_a.sql"), "SELECT 1;");
      await writeFile(join(dir, "0003_c.sql"), "SELECT 1;");
      await assert.rejects(loadMigrations(dir), /consecutive/);
      await rm(join(dir, "0003_c.sql"));
      await writeFile(join(dir, "2_b.sql"), "SELECT 1;");
      await assert.rejects(loadMigrations(dir), /0001_name/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

const pgBackend = (await backends()).find((b) => b.name === "postgres")!;
describe("concurrent boots [postgres]", { skip: pgBackend.skip }, () => {
  it("several instances migrating the same schema at once apply each migration exactly once", async () => {
    const schema = freshSchemaName();
    // Opening races too (CREATE SCHEMA): it is part of what is tested.
    const opened = await Promise.allSettled(
      [1, 2, 3].map(() => openPostgres({ connectionString: POSTGRES_URL, schema, poolSize: 2 })),
    );
    const instances = opened.flatMap((o) => (o.status === "fulfilled" ? [o.value] : []));
    try {
      assert.equal(instances.length, 3, String(opened.find((o) => o.status === "rejected")?.reason));
      const reports = await Promise.all(instances.map((db) => migrate(db)));
      const files = await loadMigrations();
      assert.equal(reports.filter((r) => r.applied.length === files.length).length, 1);
      assert.equal(reports.filter((r) => r.applied.length === 0).length, 2);
    } finally {
      const cleanup = new pg.Client({ connectionString: POSTGRES_URL });
      await cleanup.connect();
      await cleanup.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await cleanup.end();
      await Promise.all(instances.map((db) => db.close()));
    }
  });
});
