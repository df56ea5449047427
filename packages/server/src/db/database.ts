/**
 * One database interface over PGlite (embedded Postgres in wasm) and node-postgres. Both return
 * the same JavaScript shapes for the types this schema uses, so repositories never branch on
 * the driver:
 *   int8, numeric -> decimal string (callers turn them into bigint; nothing is a float)
 *   bytea         -> lower-case 0x-hex string
 *   timestamptz   -> Date, jsonb -> parsed JSON
 * Parameters: bigint is sent as a decimal string, Uint8Array as bytea; use `bytea(hex)` for hex.
 */
export type Row = Record<string, unknown>;

export interface QueryResult<R extends Row = Row> {
  rows: R[];
  /** Rows returned or affected. */
  rowCount: number;
}

/** A value that can be bound as a parameter or bulk-inserted. */
export type DbValue = string | number | bigint | boolean | Date | Uint8Array | null;

export interface Queryable {
  query<R extends Row = Row>(sql: string, params?: readonly DbValue[]): Promise<QueryResult<R>>;
  /** Runs a parameterless script of several statements (migrations). */
  exec(sql: string): Promise<void>;
  /**
   * Inserts many rows: COPY FROM STDIN on node-postgres, batched multi-row INSERTs on PGlite.
   * On a `Database` (outside a transaction) the whole call is wrapped in one transaction, so a
   * failure on any row leaves none behind.
   */
  insertMany(table: string, columns: readonly string[], rows: Iterable<readonly DbValue[]>): Promise<number>;
}

export interface Database extends Queryable {
  readonly kind: "pglite" | "postgres";
  /** Runs `fn` in one transaction: COMMIT if it resolves, ROLLBACK if it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Connection counts of the pool (node-postgres only), for metrics. */
  stats?(): { total: number; idle: number; waiting: number };
  close(): Promise<void>;
}

const HEX = /^0x([0-9a-fA-F]{2})*$/;

/** Hex (0x...) to a bytea parameter in Postgres' text input form. */
export function bytea(hex: string): string {
  if (!HEX.test(hex)) throw new TypeError(`not an even-length 0x hex string: ${hex.slice(0, 20)}`);
  return `\\x${hex.slice(2).toLowerCase()}`;
}

/** Postgres' text output of bytea (`\x0102`) to 0x-hex. */
export function byteaTextToHex(text: string): `0x${string}` {
  return `0x${text.slice(2)}`;
}

export function toParam(value: DbValue): string | number | boolean | Date | null {
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Uint8Array)
    return `\\x${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("hex")}`;
  return value;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/** Table and column names in bulk inserts are code, never user input; still, refuse anything odd. */
export function assertIdentifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new TypeError(`not a plain SQL identifier: ${name}`);
  return name;
}

/** SQLSTATE of a database error from either driver, if any. */
export function sqlState(error: unknown): string | undefined {
  if (typeof error === "object" && error !== null && "code" in error && typeof error.code === "string") {
    return /^[0-9A-Z]{5}$/.test(error.code) ? error.code : undefined;
  }
  return undefined;
}

export const isUniqueViolation = (error: unknown) => sqlState(error) === "23505";
export const isForeignKeyViolation = (error: unknown) => sqlState(error) === "23503";

/** Node socket errors that mean the server is gone or unreachable, not that the query was wrong. */
const SOCKET_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
]);
/** node-postgres reports a dropped or unusable connection with these messages and no code. */
const LOST_MESSAGES = [
  "Connection terminated",
  "Client has encountered a connection error",
  "timeout exceeded when trying to connect",
  "Client was closed and is not queryable",
];

/**
 * True when `error` (or one of its causes) says the connection to the database was lost or could
 * not be made: SQLSTATE class 08, the shutdown codes 57P01-57P03, a socket error, or
 * node-postgres' own "connection terminated" errors. Such a failure is worth retrying; the query
 * itself was not at fault.
 */
export function isConnectionLost(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 8; depth++) {
    const state = sqlState(e);
    if (state && (state.startsWith("08") || /^57P0[123]$/.test(state))) return true;
    if (typeof e === "object" && "code" in e && typeof e.code === "string" && SOCKET_CODES.has(e.code))
      return true;
    if (!(e instanceof Error)) return false;
    const { message } = e;
    if (LOST_MESSAGES.some((m) => message.includes(m))) return true;
    e = e.cause;
  }
  return false;
}
