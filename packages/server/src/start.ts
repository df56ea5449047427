import { pino, type Logger } from "pino";
import { staticHasRole, type HasRole } from "./auth/roles.ts";
import { loadConfig, redactConfig, type Config } from "./config.ts";
import type { Database } from "./db/database.ts";
import { migrate } from "./db/migrate.ts";
import { openDatabase } from "./db/open.ts";
import { createApp } from "./http/app.ts";
import { listen, type RunningServer } from "./http/server.ts";
import { PoolIndexer } from "./indexer/pool-indexer.ts";
import { createPublicClient, http, type PublicClient } from "viem";
import { ServerError } from "./errors.ts";
import { webHandler, WebAssetsMissingError } from "@wellspring/web";
import { publisherClient } from "./services/publisher.ts";

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

/**
 * Starts the indexer loop. A chain whose id differs from CHAIN_ID is a configuration error; an
 * RPC that does not answer yet is not (the loop retries).
 */
async function startIndexer(config: Config, db: Database, logger: Logger, rpc: PublicClient) {
  try {
    const chainId = await rpc.getChainId();
    if (chainId !== config.CHAIN_ID) {
      throw new ServerError(
        "CONFIG_INVALID",
        `RPC_URL serves chain ${chainId}, not CHAIN_ID ${config.CHAIN_ID}`,
      );
    }
  } catch (error) {
    if (error instanceof ServerError) throw error;
    logger.warn({ err: error, rpc: config.RPC_URL }, "RPC not reachable yet; the indexer will keep trying");
  }
  const abort = new AbortController();
  const indexer = new PoolIndexer({
    db,
    client: rpc,
    chainId: config.CHAIN_ID,
    confirmations: config.INDEXER_CONFIRMATIONS,
    logger,
  });
  logger.info({ confirmations: config.INDEXER_CONFIRMATIONS }, "indexer started");
  return { abort, done: indexer.run(abort.signal, config.INDEXER_INTERVAL_MS) };
}

/** The built web pages, or none (API only) with a warning saying how to build them. */
function webPages(logger: Logger): ReturnType<typeof webHandler> | undefined {
  try {
    return webHandler();
  } catch (error) {
    if (!(error instanceof WebAssetsMissingError)) throw error;
    logger.warn({ err: error }, "web pages not built; serving the API only");
    return undefined;
  }
}

/** Boots the server from an environment: validate config, open and migrate the database, listen. */
export async function start(
  env: Record<string, string | undefined>,
  options: { hasRole?: HasRole; logger?: Logger; client?: PublicClient } = {},
): Promise<Started> {
  const config = loadConfig(env);
  const logger = options.logger ?? createLogger(config.LOG_LEVEL);
  logger.info({ config: redactConfig(config) }, "starting");
  const db = await openDatabase(config, (error) =>
    logger.warn({ err: error }, "idle database connection failed"),
  );
  let indexing: Awaited<ReturnType<typeof startIndexer>> | undefined;
  try {
    const report = await migrate(db);
    logger.info(
      { database: db.kind, applied: report.applied, alreadyApplied: report.alreadyApplied },
      "database ready",
    );
    // Before listening: a chain-id mismatch must stop the boot, not leave a half-started server.
    const chain = options.client ?? createPublicClient({ transport: http(config.RPC_URL) });
    indexing = config.INDEXER_ENABLED ? await startIndexer(config, db, logger, chain) : undefined;
    const app = createApp({
      db,
      logger,
      config,
      hasRole: options.hasRole ?? staticHasRole(config.STATIC_ROLES),
      chain,
      publisher: config.PUBLISHER_PRIVATE_KEY
        ? publisherClient(config.PUBLISHER_PRIVATE_KEY, config.RPC_URL)
        : undefined,
      web: webPages(logger),
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
        indexing?.abort.abort();
        await Promise.all([server.close(), indexing?.done]);
        await db.close();
        logger.info("stopped");
      })());
    return { config, db, server, logger, stop };
  } catch (error) {
    indexing?.abort.abort();
    await indexing?.done;
    await db.close();
    throw error;
  }
}
