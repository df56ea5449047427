import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { ServerError } from "../errors.ts";
import type { Database } from "./database.ts";

export interface Migration {
  version: number;
  name: string;
  sql: string;
  /** sha256 of the file with line endings normalised, so a CRLF checkout does not look "changed". */
  checksum: string;
}

export interface MigrationReport {
  applied: string[];
  alreadyApplied: number;
}

const FILE = /^(\d{4})_([a-z0-9_]+)\.sql$/;
export const MIGRATIONS_DIR = fileURLToPath(new URL("./migrations/", import.meta.url));
/** Any constant works; all instances must agree so concurrent boots migrate one at a time. */
const LOCK_KEY = 7_301_993_466_172_001n;

export function checksum(sql: string): string {
  return createHash("sha256").update(sql.replace(/\r\n/g, "\n")).digest("hex");
}

export async function loadMigrations(dir: string = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith(".sql")).sort();
  const migrations: Migration[] = [];
  for (const file of files) {
    const match = FILE.exec(file);
    if (!match) throw new TypeError(`migration file name must look like 0001_name.sql: ${file}`);
    const version = Number(match[1]);
    const previous = migrations.at(-1);
    if (previous && version !== previous.version + 1) {
      throw new TypeError(`migration versions must be consecutive: ${previous.version} then ${version}`);
    }
    const sql = await readFile(`${dir}/${file}`, "utf8");
    migrations.push({ version, name: match[2] ?? file, sql, checksum: checksum(sql) });
  }
  return migrations;
}

/**
 * Applies pending migrations in order, all in one transaction under an advisory lock, so that
 * several instances booting at once migrate exactly once and a failing migration leaves the
 * schema as it was. Refuses (before applying anything) when an applied migration's file changed
 * or is missing from this build.
 */
export async function migrate(db: Database, migrations?: readonly Migration[]): Promise<MigrationReport> {
  const all = migrations ?? (await loadMigrations());
  return db.transaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock($1)", [LOCK_KEY]);
    await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    integer PRIMARY KEY,
      name       text NOT NULL,
      checksum   text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await tx.query<{ version: number; name: string; checksum: string }>(
      "SELECT version, name, checksum FROM schema_migrations ORDER BY version",
    );
    const known = new Map(all.map((m) => [m.version, m]));
    for (const row of rows) {
      const file = known.get(row.version);
      if (!file) {
        throw new ServerError(
          "MIGRATION_MISSING",
          `database has migration ${row.version} (${row.name}) that this build does not know`,
          {
            details: "Run a build that includes it; migrations are forward-only.",
          },
        );
      }
      if (file.checksum !== row.checksum) {
        throw new ServerError(
          "MIGRATION_CHECKSUM_MISMATCH",
          `migration ${row.version} (${row.name}) changed after it was applied`,
          {
            details: `applied checksum ${row.checksum}, file checksum ${file.checksum}. Never edit an applied migration; add a new one.`,
          },
        );
      }
    }
    const done = new Set(rows.map((r) => r.version));
    const applied: string[] = [];
    for (const migration of all) {
      if (done.has(migration.version)) continue;
      await tx.exec(migration.sql);
      await tx.query("INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)", [
        migration.version,
        migration.name,
        migration.checksum,
      ]);
      applied.push(`${String(migration.version).padStart(4, "0")}_${migration.name}`);
    }
    return { applied, alreadyApplied: rows.length };
  });
}
