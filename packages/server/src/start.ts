import { pino, type Logger } from "pino";
import { staticHasRole, type HasRole } from "./auth/roles.ts";
import { loadConfig, redactConfig, type Config } from "./config.ts";
import type { Database } from "./db/database.ts";
import { migrate } from "./db/migrate.ts";
import { openDatabase } from "./db/open.ts";
import { createApp } from "./http/app.ts";
import { listen, type RunningServer } from "./http/server.ts";

export interface Started {
  config: Config;
  db: Database;
  server: RunningServer;
  logger: Logger;
  /** Graceful: in-flight requests finish, then the database closes. */
  stop(): Promise<void>;
}

export function createLogger(level: Config["LOG_LEVEL"], destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { service: "wellspring-server" },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination ?? process.stdout,
  );
}

/** Boots the server from an environment: validate config, open and migrate the database, listen. */
export async function start(
  env: Record<string, string | undefined>,
  options: { hasRole?: HasRole; logger?: Logger } = {},
): Promise<Started> {
  const config = loadConfig(env);
  const logger = options.logger ?? createLogger(config.LOG_LEVEL);
  logger.info({ config: redactConfig(config) }, "starting");
  const db = await openDatabase(config, (error) =>
    logger.warn({ err: error }, "idle database connection failed"),
  );
  try {
    const report = await migrate(db);
    logger.info(
      { database: db.kind, applied: report.applied, alreadyApplied: report.alreadyApplied },
      "database ready",
    );
    const app = createApp({
      db,
      logger,
      config,
      hasRole: options.hasRole ?? staticHasRole(config.STATIC_ROLES),
    });
    const server = await listen(app, {
      host: config.HOST,
      port: config.PORT,
      shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    });
    logger.info({ url: server.url }, "listening");
    let stopping: Promise<void> | undefined;
    const stop = () =>
      (stopping ??= (async () => {
        logger.info("shutting down");
        await server.close();
        await db.close();
        logger.info("stopped");
      })());
    return { config, db, server, logger, stop };
  } catch (error) {
    await db.close();
    throw error;
  }
}
