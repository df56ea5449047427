// Public API of @wellspring/server.
export { loadConfig, envSchema, redactConfig, type Config } from "./config.ts";
export { ServerError, isServerError, type ServerErrorCode, type FieldIssue } from "./errors.ts";
export { bytea, type Database, type Queryable, type DbValue, type QueryResult } from "./db/database.ts";
export { openDatabase } from "./db/open.ts";
export { openPglite } from "./db/pglite.ts";
export { openPostgres } from "./db/postgres.ts";
export { migrate, loadMigrations, type Migration, type MigrationReport } from "./db/migrate.ts";
export {
  canonicalJson,
  canonicalHash,
  jsonDiff,
  type JsonValue,
  type JsonObject,
  type JsonChange,
} from "./canonical.ts";
export { enginePolicyCodec, canonicalJsonPolicyCodec, type PolicyCodec } from "./policy-codec.ts";
export { ROLES, staticHasRole, type Role, type HasRole } from "./auth/roles.ts";
export {
  ADMIN_DOMAIN_NAME,
  ADMIN_DOMAIN_VERSION,
  ADMIN_HEADERS,
  ADMIN_REQUEST_TYPES,
  adminDomain,
  bodyHash,
  type AdminDomain,
  type AdminRequestMessage,
} from "./auth/admin-auth.ts";
export { createApp, type AppDeps, type AppConfig } from "./http/app.ts";
export { listen, type RunningServer } from "./http/server.ts";
export { start, createLogger, type Started } from "./start.ts";
export { RunRepository, type CompletedRun, type RecipientRow, type RunRecord } from "./repositories/runs.ts";
export { ChainEventRepository, PoolRepository } from "./repositories/pools.ts";
export { chainClock, type ChainClock } from "./chain-clock.ts";
export { adminFetch, fetchAdminDomain, type AdminSigner } from "./admin-client.ts";
