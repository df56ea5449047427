import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
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
const SCHEMA_LOCK_KEY = 7_301_993_466_172_002n;
const OID_NUMERIC = 1700;
const OID_BYTEA = 17;

export interface PostgresOptions {
  connectionString: string;
  /** Schema holding every table; created if missing and put first on every connection's search_path. */
  schema?: string;
  poolSize?: number;
  /** Called for errors on idle pooled connections (the pool replaces them). */
  onIdleError?: (error: Error) => void;
  /** Called when a checked-out connection fails (its request fails; the pool replaces it). */
  onClientError?: (error: Error) => void;
  /** How long a request waits for a connection before failing (default 10 s). */
  connectionTimeoutMs?: number;
}

interface Checkout {
  client: pg.PoolClient;
  /** Back to the pool; a connection that failed (or `broken`) is closed instead of reused. */
  release(broken?: Error): void;
}

/**
 * A pooled client with an `error` listener for the time it is checked out. The server may end a
 * connection between two queries (pg_terminate_backend, a restart, a fail-over); node-postgres then
 * emits `error` on the client, and an `error` event nobody listens to kills the process. Here it
 * only marks the connection lost: the next query on it fails, and so only the request it carries.
 */
async function checkout(pool: pg.Pool, onError?: (error: Error) => void): Promise<Checkout> {
  const client = await pool.connect();
  let lost: Error | undefined;
  const listener = (error: Error) => {
    lost ??= error;
    onError?.(error);
  };
  client.on("error", listener);
  return {
    client,
    release(broken) {
      client.removeListener("error", listener);
      client.release(broken ?? lost ?? false);
    },
  };
}

const types = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (format !== "binary") {
      if (oid === OID_INT8 || oid === OID_NUMERIC) return (text: string) => text;
      if (oid === OID_BYTEA) return (text: string) => byteaTextToHex(text);
    }
    return pg.types.getTypeParser(oid, format);
  },
};

/** COPY text format: backslash, tab, newline and carriage return are escaped; NULL is \N. */
function copyField(value: DbValue): string {
  const param = toParam(value);
  if (param === null) return "\\N";
  if (param instanceof Date) return param.toISOString();
  if (typeof param === "boolean") return param ? "t" : "f";
  return String(param).replace(/[\\\t\n\r]/g, (c) =>
    c === "\\" ? "\\\\" : c === "\t" ? "\\t" : c === "\n" ? "\\n" : "\\r",
  );
}

function* copyChunks(rows: Iterable<readonly DbValue[]>, width: number): Generator<string> {
  let chunk = "";
  for (const row of rows) {
    if (row.length !== width) throw new TypeError(`row has ${row.length} values, expected ${width}`);
    chunk += row.map(copyField).join("\t") + "\n";
    if (chunk.length >= 64 * 1024) {
      yield chunk;
      chunk = "";
    }
  }
  if (chunk) yield chunk;
}

function clientQueryable(client: pg.PoolClient): Queryable {
  return {
    async query<R extends Row = Row>(sql: string, params: readonly DbValue[] = []): Promise<QueryResult<R>> {
      const result = await client.query<R>(sql, params.map(toParam));
      return { rows: result.rows, rowCount: result.rowCount ?? result.rows.length };
    },
    async exec(sql: string): Promise<void> {
      await client.query(sql);
    },
    async insertMany(table, columns, rows) {
      assertIdentifier(table);
      columns.forEach(assertIdentifier);
      const stream = client.query(copyFrom(`COPY ${table} (${columns.join(", ")}) FROM STDIN`));
      await pipeline(Readable.from(copyChunks(rows, columns.length)), stream);
      return stream.rowCount;
    },
  };
}

export async function openPostgres(options: PostgresOptions): Promise<Database> {
  const schema = options.schema ? assertIdentifier(options.schema) : "public";
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 10_000,
    types,
    // Every pooled connection sees only this deployment's schema.
    options: `-c search_path=${schema}`,
  });
  pool.on("error", (error) => options.onIdleError?.(error));

  const transaction = async <T>(fn: (tx: Queryable) => Promise<T>): Promise<T> => {
    const { client, release } = await checkout(pool, options.onClientError);
    let broken: Error | undefined;
    try {
      await client.query("BEGIN");
      const result = await fn(clientQueryable(client));
      await client.query("COMMIT");
      return result;
    } catch (error) {
      try {
        await client.query("ROLLBACK");
      } catch (rollbackError) {
        // A connection that cannot roll back is not returned to the pool.
        broken = rollbackError as Error;
      }
      throw error;
    } finally {
      release(broken);
    }
  };

  const withClient = async <T>(fn: (q: Queryable) => Promise<T>): Promise<T> => {
    const { client, release } = await checkout(pool, options.onClientError);
    try {
      return await fn(clientQueryable(client));
    } finally {
      release();
    }
  };

  const db: Database = {
    kind: "postgres",
    query: (sql, params) => withClient((q) => q.query(sql, params)),
    exec: (sql) => withClient((q) => q.exec(sql)),
    insertMany: (table, columns, rows) => transaction((tx) => tx.insertMany(table, columns, rows)),
    transaction,
    stats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    close: () => pool.end(),
  };
  if (schema !== "public") {
    // IF NOT EXISTS alone still races between instances booting at once; the lock serialises them.
    await transaction(async (tx) => {
      await tx.query("SELECT pg_advisory_xact_lock($1)", [SCHEMA_LOCK_KEY]);
      await tx.exec(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    });
  }
  return db;
}
