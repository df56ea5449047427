import { pino, type Logger } from "pino";
import { staticHasRole, type HasRole } from "./auth/roles.ts";
import { loadConfig, redactConfig, redactUrl, secretStrings, type Config } from "./config.ts";
import type { Database } from "./db/database.ts";
import { migrate } from "./db/migrate.ts";
import { openDatabase } from "./db/open.ts";
import { chainReadiness } from "./chain-readiness.ts";
import { createApp } from "./http/app.ts";
import { listen, type RunningServer } from "./http/server.ts";
import { PoolIndexer } from "./indexer/pool-indexer.ts";
import { ScheduleVerifier } from "./indexer/schedule-verifier.ts";
import { createPublicClient, http, type PublicClient } from "viem";
import { ServerError } from "./errors.ts";
import { ServerMetrics } from "./metrics.ts";
import { chainClock, type ChainClock } from "./chain-clock.ts";
import { webHandler, WebAssetsMissingError } from "@wellspring/web";
import { publisherClient } from "./services/publisher.ts";
import { chainHasRole, registeredPools } from "./auth/chain-roles.ts";
import { DirectoryManifestSource, type AttestorOptions } from "./services/attestations.ts";
import { DeploymentsError } from "@wellspring/sdk";
import { readDeployments } from "@wellspring/sdk/node";
import { githubSignIn, identityVerifiers } from "./attestor/verifiers.ts";
import { DEFAULT_NOTIFICATION_OPTIONS, NotificationService } from "./services/notifications.ts";
import { getAddress, type Address, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";

export interface Started {
  config: Config;
  db: Database;
  server: RunningServer;
  logger: Logger;
  /** Graceful: in-flight requests finish, then the database closes. */
  stop(): Promise<void>;
}

/**
 * The process logger. `secrets` are scrubbed from every line as written, whatever field carries
 * them (an error message quoting the RPC URL, a stack): structured fields are redacted at the
 * source too, this is the net under them.
 */
export function createLogger(
  level: Config["LOG_LEVEL"],
  destination?: NodeJS.WritableStream,
  secrets: readonly string[] = [],
): Logger {
  const needles = secrets.filter((s) => s.length >= 8).flatMap((s) => [s, JSON.stringify(s).slice(1, -1)]);
  return pino(
    {
      level,
      base: { service: "wellspring-server" },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      ...(needles.length > 0
        ? {
            hooks: {
              streamWrite: (line: string) =>
                needles.reduce((out, n) => out.replaceAll(n, "[redacted]"), line),
            },
          }
        : {}),
    },
    destination ?? process.stdout,
  );
}

/**
 * Starts the indexer loop. A chain whose id differs from CHAIN_ID is a configuration error; an
 * RPC that does not answer yet is not (the loop retries).
 */
async function startIndexer(
  config: Config,
  db: Database,
  logger: Logger,
  rpc: PublicClient,
  metrics: ServerMetrics,
  registry: { address: Address; deployedBlock: bigint } | undefined,
) {
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
    logger.warn(
      { err: error, rpc: redactUrl(config.RPC_URL) },
      "RPC not reachable yet; the indexer will keep trying",
    );
  }
  const abort = new AbortController();
  const indexer = new PoolIndexer({
    db,
    client: rpc,
    chainId: config.CHAIN_ID,
    confirmations: config.INDEXER_CONFIRMATIONS,
    maxReorgDepth: config.INDEXER_MAX_REORG_DEPTH,
    logger,
    metrics,
    ...(registry ? { registry } : {}),
  });
  logger.info(
    {
      confirmations: config.INDEXER_CONFIRMATIONS,
      maxReorgDepth: config.INDEXER_MAX_REORG_DEPTH,
      registry: registry?.address ?? null,
    },
    "indexer started",
  );
  return { abort, indexer, done: indexer.run(abort.signal, config.INDEXER_INTERVAL_MS) };
}

/** The schedule verifier loop (VERIFY_SCHEDULES), on the chain's clock. */
function startVerifier(config: Config, db: Database, logger: Logger, chainNow: () => number) {
  const abort = new AbortController();
  const verifier = config.VERIFIER_NAME ?? config.PUBLIC_BASE_URL ?? "this server";
  const loop = new ScheduleVerifier({
    db,
    chainId: config.CHAIN_ID,
    verifier,
    fetch: {
      ipfsGateway: config.IPFS_GATEWAY,
      maxBytes: config.VERIFY_MAX_BUNDLE_BYTES,
      localFiles: config.VERIFY_LOCAL_FILES,
    },
    now: () => new Date(chainNow()),
    logger,
  });
  logger.info({ verifier }, "schedule verifier started");
  return { abort, done: loop.run(abort.signal, config.VERIFY_INTERVAL_MS) };
}

/** The webhook worker (NOTIFY_WEBHOOKS), on the chain's clock. */
function startNotifier(config: Config, db: Database, logger: Logger, chainNow: () => number) {
  const abort = new AbortController();
  const service = new NotificationService(
    db,
    {
      ...DEFAULT_NOTIFICATION_OPTIONS,
      chainId: config.CHAIN_ID,
      leadSeconds: config.CLAIM_WINDOW_LEAD_SECONDS,
      allowPrivate: config.NOTIFY_WEBHOOKS_ALLOW_LOCAL,
    },
    chainNow,
  );
  logger.info({ intervalMs: config.NOTIFY_INTERVAL_MS }, "webhook worker started");
  const done = service.run(abort.signal, config.NOTIFY_INTERVAL_MS, (err) =>
    logger.error({ err }, "webhook worker pass failed"),
  );
  return { abort, done };
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

/**
 * The registry (REGISTRY_ADDRESS, else the deployment file) and the deployment's pool, when known;
 * `registryBlock` is where the indexer starts reading the registry (the deployment's first block
 * when the file names this registry, else 0); and the registry's recorded code hash when the file's
 * record describes the registry in use.
 */
async function contracts(
  config: Config,
  logger: Logger,
): Promise<{
  registry?: Address;
  registryBlock: bigint;
  pool?: Address;
  registryCode?: { address: Address; codeHash: Hex };
  /** What GET /v1/deployment serves from the address file. */
  deployment?: { network: string; factory: Address; pool: Address; deployBlock: bigint };
}> {
  let deployments: Awaited<ReturnType<typeof readDeployments>> | undefined;
  try {
    deployments = await readDeployments({ dir: config.DEPLOYMENTS_DIR, chainId: config.CHAIN_ID });
  } catch (error) {
    if (!(error instanceof DeploymentsError)) throw error;
    if (!config.REGISTRY_ADDRESS) logger.info({ err: error }, "no deployment address file");
  }
  const registry = config.REGISTRY_ADDRESS ? getAddress(config.REGISTRY_ADDRESS) : deployments?.registry;
  const named = deployments !== undefined && deployments.registry === registry;
  const registryBlock = named ? deployments!.deployBlock : 0n;
  const recorded = named ? deployments!.record : undefined;
  return {
    ...(registry ? { registry } : {}),
    registryBlock,
    ...(deployments
      ? {
          pool: deployments.pool,
          deployment: {
            network: deployments.network,
            factory: deployments.factory,
            pool: deployments.pool,
            deployBlock: deployments.deployBlock,
          },
        }
      : {}),
    ...(recorded
      ? { registryCode: { address: registry!, codeHash: recorded.contracts.registry.codeHash } }
      : {}),
  };
}

/**
 * Where admin roles come from (ROLE_SOURCE): the contracts when asked to, or by default (`auto`)
 * when STATIC_ROLES is unset, the registry is known and RPC_URL serves CHAIN_ID; else the static map.
 */
async function roleCheck(
  config: Config,
  logger: Logger,
  db: Database,
  chain: PublicClient,
  known: { registry?: Address; pool?: Address },
): Promise<HasRole> {
  const fromChain = (registry: Address) => {
    logger.info({ registry, ttlMs: config.ROLE_CACHE_TTL_MS }, "admin roles read from the chain");
    return chainHasRole({
      client: chain,
      registry,
      ttlMs: config.ROLE_CACHE_TTL_MS,
      pools: async () => [
        ...(await registeredPools(db, config.CHAIN_ID)),
        ...(known.pool ? [known.pool] : []),
      ],
    });
  };
  const fromMap = (why: string) => {
    logger.info(
      { reason: why, roles: config.STATIC_ROLES ? [...config.STATIC_ROLES.keys()] : [] },
      "admin roles from STATIC_ROLES",
    );
    return staticHasRole(config.STATIC_ROLES);
  };
  if (config.ROLE_SOURCE === "static") return fromMap("ROLE_SOURCE=static");
  if (config.ROLE_SOURCE === "chain") {
    if (!known.registry) {
      throw new ServerError(
        "CONFIG_INVALID",
        "ROLE_SOURCE=chain needs REGISTRY_ADDRESS or a deployment address file",
        {
          details: `${config.DEPLOYMENTS_DIR}/${config.CHAIN_ID}.json not found`,
        },
      );
    }
    return fromChain(known.registry);
  }
  if (config.STATIC_ROLES) return fromMap("STATIC_ROLES is set");
  if (!known.registry) return fromMap("registry address unknown");
  try {
    const chainId = await chain.getChainId();
    if (chainId !== config.CHAIN_ID)
      return fromMap(`RPC_URL serves chain ${chainId}, not ${config.CHAIN_ID}`);
  } catch {
    logger.warn(
      { rpc: redactUrl(config.RPC_URL) },
      "RPC not reachable: nobody holds an admin role (set STATIC_ROLES or ROLE_SOURCE=chain)",
    );
    return fromMap("RPC not reachable");
  }
  return fromChain(known.registry);
}

/** The identity attestor, when ATTESTOR_PRIVATE_KEY and the registry are known. */
function attestor(
  config: Config,
  logger: Logger,
  registry: Address | undefined,
): (AttestorOptions & { ratePerMinute: number; burst: number }) | undefined {
  if (!config.ATTESTOR_PRIVATE_KEY || !registry) {
    logger.info(
      { key: Boolean(config.ATTESTOR_PRIVATE_KEY), registry: registry ?? null },
      "identity attestor off (needs ATTESTOR_PRIVATE_KEY and the registry)",
    );
    return undefined;
  }
  const account = privateKeyToAccount(config.ATTESTOR_PRIVATE_KEY);
  logger.info(
    {
      attestor: account.address,
      registry,
      trusted: config.TRUSTED_MANIFEST_DIRS ?? [],
      verifiers: config.ATTESTOR_VERIFIERS,
    },
    "identity attestor on",
  );
  return {
    chainId: config.CHAIN_ID,
    registry,
    account,
    trusted: config.TRUSTED_MANIFEST_DIRS?.length
      ? new DirectoryManifestSource(config.TRUSTED_MANIFEST_DIRS)
      : undefined,
    verifiers: identityVerifiers(config),
    githubOAuth: githubSignIn(config),
    maxAgeSeconds: config.BINDING_REQUEST_MAX_AGE_SECONDS,
    ttlSeconds: config.ATTESTATION_TTL_SECONDS,
    ratePerMinute: config.ATTESTATION_RATE_LIMIT_PER_MINUTE,
    burst: config.ATTESTATION_RATE_LIMIT_BURST,
  };
}

/** Boots the server from an environment: validate config, open and migrate the database, listen. */
export async function start(
  env: Record<string, string | undefined>,
  options: {
    hasRole?: HasRole;
    logger?: Logger;
    client?: PublicClient;
    /** The clock that judges schedule status (default: `chainClock` of the RPC, which follows block time). */
    chainNow?: () => number;
    /** Where the default logger writes (default stdout). */
    logDestination?: NodeJS.WritableStream;
  } = {},
): Promise<Started> {
  const config = loadConfig(env);
  const logger =
    options.logger ?? createLogger(config.LOG_LEVEL, options.logDestination, secretStrings(config));
  logger.info({ config: redactConfig(config) }, "starting");
  const db = await openDatabase(config, (error) =>
    logger.warn({ err: error }, "database connection lost; the pool replaces it"),
  );
  let indexing: Awaited<ReturnType<typeof startIndexer>> | undefined;
  let verifying: ReturnType<typeof startVerifier> | undefined;
  let notifying: ReturnType<typeof startNotifier> | undefined;
  let clock: ChainClock | undefined;
  try {
    const report = await migrate(db);
    logger.info(
      { database: db.kind, applied: report.applied, alreadyApplied: report.alreadyApplied },
      "database ready",
    );
    // Before listening: a chain-id mismatch must stop the boot, not leave a half-started server.
    const chain = options.client ?? createPublicClient({ transport: http(config.RPC_URL) });
    // Schedules activate by block time: judge their status by the chain's clock, which equals the
    // wall clock on a live network and runs ahead on a local node moved by evm_increaseTime.
    if (!options.chainNow) {
      clock = chainClock(chain, {
        onError: (error) => logger.debug({ err: error }, "chain clock not refreshed"),
      });
      await clock.refresh();
    }
    const metrics = new ServerMetrics({ dbStats: db.stats ? () => db.stats!() : undefined });
    const known = await contracts(config, logger);
    indexing = config.INDEXER_ENABLED
      ? await startIndexer(
          config,
          db,
          logger,
          chain,
          metrics,
          known.registry ? { address: known.registry, deployedBlock: known.registryBlock } : undefined,
        )
      : undefined;
    const attestorOptions = attestor(config, logger, known.registry);
    const app = createApp({
      db,
      logger,
      config,
      hasRole: options.hasRole ?? (await roleCheck(config, logger, db, chain, known)),
      ...(attestorOptions ? { attestor: attestorOptions } : {}),
      ...(known.registry ? { registry: known.registry } : {}),
      ...(known.deployment ? { deployment: known.deployment } : {}),
      chain,
      publisher: config.PUBLISHER_PRIVATE_KEY
        ? publisherClient(config.PUBLISHER_PRIVATE_KEY, config.RPC_URL)
        : undefined,
      web: webPages(logger),
      notifications: { leadSeconds: config.CLAIM_WINDOW_LEAD_SECONDS },
      metrics,
      ...(indexing ? { indexerProblems: () => indexing!.indexer.problems() } : {}),
      // A server that indexes is only ready while its chain is; without the indexer it serves the database.
      ...(indexing
        ? {
            chainReadiness: chainReadiness(
              chain,
              { chainId: config.CHAIN_ID, ...(known.registryCode ? { registry: known.registryCode } : {}) },
              logger,
            ),
          }
        : {}),
      chainNow: options.chainNow ?? clock!.now,
    });
    const server = await listen(app, {
      host: config.HOST,
      port: config.PORT,
      shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    });
    logger.info({ url: server.url }, "listening");
    notifying = config.NOTIFY_WEBHOOKS
      ? startNotifier(config, db, logger, options.chainNow ?? clock!.now)
      : undefined;
    verifying = config.VERIFY_SCHEDULES
      ? startVerifier(config, db, logger, options.chainNow ?? clock!.now)
      : undefined;
    let stopping: Promise<void> | undefined;
    const stop = () =>
      (stopping ??= (async () => {
        logger.info("shutting down");
        indexing?.abort.abort();
        verifying?.abort.abort();
        notifying?.abort.abort();
        clock?.stop();
        await Promise.all([server.close(), indexing?.done, verifying?.done, notifying?.done]);
        await db.close();
        logger.info("stopped");
      })());
    return { config, db, server, logger, stop };
  } catch (error) {
    clock?.stop();
    indexing?.abort.abort();
    await indexing?.done;
    await db.close();
    throw error;
  }
}
