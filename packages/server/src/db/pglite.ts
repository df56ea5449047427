import { mkdir } from "node:fs/promises";
import { PGlite, type Transaction } from "@electric-sql/pglite";
import {
  assertIdentifier,
  byteaTextToHex,
  toParam,
  type Database,
  type DbValue,
  type Queryable,
  type QueryResult,
  type Row,
} from "./database.ts";

const OID_INT8 = 20;
const OID_NUMERIC = 1700;
const OID_BYTEA = 17;

/** Postgres' bind-parameter limit is 65535 per statement; stay well below it. */
const MAX_PARAMS_PER_INSERT = 30_000;
const MAX_ROWS_PER_INSERT = 2_000;

export interface PgliteOptions {
  /** Data directory; omit for an in-memory database (tests). */
  dataDir?: string;
  /** Schema holding every table; created if missing. */
  schema?: string;
}

type PgliteLike = Pick<Transaction, "query" | "exec">;

function queryable(target: PgliteLike): Queryable {
  const self: Queryable = {
    async query<R extends Row = Row>(sql: string, params: readonly DbValue[] = []): Promise<QueryResult<R>> {
      const result = await target.query<R>(sql, params.map(toParam));
      return { rows: result.rows, rowCount: result.affectedRows || result.rows.length };
    },
    async exec(sql: string): Promise<void> {
      await target.exec(sql);
    },
    async insertMany(table, columns, rows) {
      assertIdentifier(table);
      columns.forEach(assertIdentifier);
      const perBatch = Math.max(
        1,
        Math.min(MAX_ROWS_PER_INSERT, Math.floor(MAX_PARAMS_PER_INSERT / columns.length)),
      );
      const head = `INSERT INTO ${table} (${columns.join(", ")}) VALUES `;
      let batch: (readonly DbValue[])[] = [];
      let total = 0;
      const flush = async () => {
        if (batch.length === 0) return;
        const params: DbValue[] = [];
        const tuples = batch.map((row) => {
          if (row.length !== columns.length)
            throw new TypeError(`row has ${row.length} values, expected ${columns.length}`);
          const slots = row.map((value) => {
            params.push(value);
            return `$${params.length}`;
          });
          return `(${slots.join(", ")})`;
        });
        total += (await self.query(head + tuples.join(", "), params)).rowCount;
        batch = [];
      };
      for (const row of rows) {
        batch.push(row);
        if (batch.length >= perBatch) await flush();
      }
      await flush();
      return total;
    },
  };
  return self;
}

export async function openPglite(options: PgliteOptions = {}): Promise<Database> {
  if (options.dataDir) await mkdir(options.dataDir, { recursive: true });
  const pg = await PGlite.create({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    parsers: {
      [OID_INT8]: (text: string) => text,
      [OID_NUMERIC]: (text: string) => text,
      [OID_BYTEA]: (text: string) => byteaTextToHex(text),
    },
    // toParam() already turned bytea values into Postgres' text form (\x...); send them as text.
    serializers: { [OID_BYTEA]: (value: unknown) => String(value) },
  });
  if (options.schema && options.schema !== "public") {
    const schema = assertIdentifier(options.schema);
    await pg.exec(`CREATE SCHEMA IF NOT EXISTS ${schema}; SET search_path TO ${schema};`);
  }
  const base = queryable(pg);
  return {
    kind: "pglite",
    query: base.query,
    exec: base.exec,
    // PGlite is a single connection; its transaction() holds a lock so other queries wait.
    insertMany: (table, columns, rows) =>
      pg.transaction((tx) => queryable(tx).insertMany(table, columns, rows)),
    transaction: (fn) => pg.transaction((tx) => fn(queryable(tx))),
    close: () => pg.close(),
  };
}
