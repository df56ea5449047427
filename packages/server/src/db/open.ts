import type { Config } from "../config.ts";
import type { Database } from "./database.ts";
import { openPglite } from "./pglite.ts";
import { openPostgres } from "./postgres.ts";

/** DATABASE_URL selects a PostgreSQL server; otherwise the embedded PGlite data directory. */
export function openDatabase(
  config: Pick<Config, "DATABASE_URL" | "DATABASE_SCHEMA" | "PGLITE_DIR">,
  onConnectionError?: (error: Error) => void,
): Promise<Database> {
  if (config.DATABASE_URL) {
    return openPostgres({
      connectionString: config.DATABASE_URL,
      schema: config.DATABASE_SCHEMA,
      ...(onConnectionError ? { onIdleError: onConnectionError, onClientError: onConnectionError } : {}),
    });
  }
  return openPglite({ dataDir: config.PGLITE_DIR, schema: config.DATABASE_SCHEMA });
}
