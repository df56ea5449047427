import { AttributeRunner } from "../engine/attribute-runner.ts";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import express, { type Express, type Response } from "express";
import helmet from "helmet";
import type { Logger } from "pino";
import { AdminAuthenticator, AdminDomainSource } from "../auth/admin-auth.ts";
import type { HasRole } from "../auth/roles.ts";
import type { Config } from "../config.ts";
import type { Database } from "../db/database.ts";
import { ServerError } from "../errors.ts";
import { enginePolicyCodec, type PolicyCodec } from "../policy-codec.ts";
import { AdminDomainRepository } from "../repositories/admin-domain.ts";
import { NonceRepository } from "../repositories/nonces.ts";
import { PolicyRepository } from "../repositories/policies.ts";
import { PoolRepository } from "../repositories/pools.ts";
import { PolicyService } from "../services/policies.ts";
import { PoolService } from "../services/pools.ts";
import { errorHandler } from "./errors.ts";
import { buildOpenApiDocument } from "./openapi.ts";
import { rateLimit, TokenBucketLimiter, UNLIMITED_PATHS } from "./rate-limit.ts";
import { toHandler, type AnyRoute } from "./route.ts";
import { policyRoutes } from "./routes/policies.ts";
import { poolRoutes } from "./routes/pools.ts";
import { runRoutes } from "./routes/runs.ts";
import { claimRoutes } from "./routes/claims.ts";
import { ClaimService } from "../services/claims.ts";
import type { Address, PublicClient } from "viem";
import { RunQueries, RunRepository } from "../repositories/runs.ts";
import { RunService } from "../services/runs.ts";
import { systemRoutes } from "./routes/system.ts";
import { statementRoutes } from "./routes/statements.ts";
import { tokenRoutes } from "./routes/tokens.ts";
import { TokenService } from "../services/tokens.ts";
import { StatementQueries } from "../repositories/statements.ts";
import { StatementService } from "../services/statements.ts";
import { publishRoutes } from "./routes/publish.ts";
import { bundleRoutes } from "./routes/bundles.ts";
import { verificationRoutes } from "./routes/verifications.ts";
import { VerificationService } from "../services/verifications.ts";
import { VerificationRepository } from "../repositories/verifications.ts";
import { BundleService } from "../services/bundles.ts";
import { PublishService } from "../services/publisher.ts";
import type { SdkClient } from "@wellspring/sdk";
import { poolOfRun } from "../auth/chain-roles.ts";
import { attestationRoutes } from "./routes/attestations.ts";
import { whyRoutes } from "./routes/why.ts";
import { recipientRankRoutes } from "./routes/recipient-ranks.ts";
import { RecipientRankService } from "../services/recipient-ranks.ts";
import { RecipientRanks } from "../repositories/recipient-ranks.ts";
import { deploymentRoutes, type DeploymentInfo } from "./routes/deployment.ts";
import { walletRoutes } from "./routes/wallets.ts";
import { identityRoutes } from "./routes/identities.ts";
import {
  DEFAULT_NOTIFICATION_OPTIONS,
  NotificationService,
  type NotificationOptions,
} from "../services/notifications.ts";
import { WhyService } from "../services/why.ts";
import { WalletService } from "../services/wallets.ts";
import { AttestationService, type AttestorOptions } from "../services/attestations.ts";
import { BindingRepository } from "../repositories/bindings.ts";
import type { IndexerProblem } from "../indexer/pool-indexer.ts";
import { ServerMetrics } from "../metrics.ts";

export type AppConfig = Pick<
  Config,
  | "CHAIN_ID"
  | "BODY_LIMIT_BYTES"
  | "RATE_LIMIT_PER_SECOND"
  | "RATE_LIMIT_BURST"
  | "TRUST_PROXY_HOPS"
  | "ADMIN_AUTH_MAX_AGE_SECONDS"
  | "PUBLIC_BASE_URL"
>;

export interface AppDeps {
  db: Database;
  logger: Logger;
  config: AppConfig;
  /** Role check for signed admin requests (static map now, on-chain AccessControl later). */
  hasRole: HasRole;
  /** Defaults to the attribution engine's policy schema and hash. */
  policyCodec?: PolicyCodec;
  /**
   * The deployment's IdentityRegistry: the admin EIP-712 domain's `verifyingContract`, so admin
   * signatures name the deployment (with the database's salt); absent = the salt alone.
   */
  registry?: Address;
  /**
   * The deployment address file's contracts (GET /v1/deployment: the factory new pools come from);
   * the registry served is `registry` above.
   */
  deployment?: Omit<DeploymentInfo, "registry">;
  /** Chain RPC for endpoints that read the pool (claimable amounts); absent = those answer 503. */
  chain?: PublicClient;
  /** Wallet holding the server's proposer key (PUBLISHER_PRIVATE_KEY); absent = publishing answers 503. */
  publisher?: SdkClient;
  /** Milliseconds since the epoch; injectable so tests can move time without waiting. */
  now?: () => number;
  /** How long the claims endpoint uses a pool's indexed sums before checking the indexer's cursor (default 1000; 0 = every request). */
  claimsFreshMs?: number;
  /**
   * The identity attestor (ATTESTOR_PRIVATE_KEY, the registry, trusted manifests) with its own
   * rate limit per client IP; absent = POST /v1/attestations answers 503.
   */
  attestor?: AttestorOptions & { ratePerMinute?: number; burst?: number };
  /**
   * The chain's time, which judges schedule status (activation is by block.timestamp); defaults to
   * `now`. A local node moved by evm_increaseTime runs ahead of the wall clock: see `chainClock`.
   * Admin-request deadlines stay on `now`, the clock the signer's wallet also uses.
   */
  chainNow?: () => number;
  /** Runs the attribution engine off the event loop; one shared worker unless given. */
  engine?: AttributeRunner;
  /** What keeps this process's indexer from following the chain (`/readyz` is 503 while any). */
  indexerProblems?: () => readonly IndexerProblem[];
  /** Why the chain is not usable (`/readyz` is 503 while it says so); absent = not checked. */
  chainReadiness?: () => Promise<string | undefined>;
  /** Prometheus metrics served at /metrics; one per app unless given (start() shares it with the indexer). */
  metrics?: ServerMetrics;
  /** Notification timing (CLAIM_WINDOW_LEAD_SECONDS, retries); defaults in services/notifications.ts. */
  notifications?: Partial<Omit<NotificationOptions, "chainId">>;
  /**
   * Check every route's answer against the response it declares (status, schema) before sending;
   * a mismatch is a 500. The test server turns it on; production skips the cost.
   */
  checkResponses?: boolean;
  /** Serves the web pages (`webHandler()` of @wellspring/web); absent = API only. */
  web?: (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;
}

let sharedEngine: AttributeRunner | undefined;
/** One engine worker per process, started on the first run (it does not keep the process alive). */
const defaultEngine = () => (sharedEngine ??= new AttributeRunner());

/**
 * helmet's headers, computed once: they depend only on this configuration, and setting them from
 * a list costs a fraction of helmet's twelve nested middlewares on every request.
 */
const SECURITY_HEADERS: ReadonlyArray<readonly [string, string]> = (() => {
  const headers: [string, string][] = [];
  const collect = {
    setHeader: (name: string, value: string) => void headers.push([name, value]),
    removeHeader: () => undefined,
  };
  helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", "data:"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
  })(collect as never, collect as never, () => undefined);
  return headers;
})();

export const API_VERSION = "0.1.0";
const DOCS_DIR = new URL("./docs-page/", import.meta.url);
const docsAsset = (name: string) => readFileSync(new URL(name, DOCS_DIR), "utf8");
const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Wires the whole HTTP app from its dependencies; nothing global, so tests need no module mocks. */
export function createApp(deps: AppDeps): Express {
  const wallNow = deps.now ?? Date.now;
  const now = deps.chainNow ?? wallNow;
  const { config, logger, db } = deps;
  const metrics =
    deps.metrics ??
    new ServerMetrics({ processMetrics: false, dbStats: db.stats ? () => db.stats!() : undefined });
  const app = express();
  app.locals.shuttingDown = false;
  app.disable("x-powered-by");
  // Every answer is `Cache-Control: no-store`, so an ETag (a hash of each body) buys nothing.
  app.set("etag", false);
  if (config.TRUST_PROXY_HOPS > 0) app.set("trust proxy", config.TRUST_PROXY_HOPS);

  const adminDomain = new AdminDomainSource(new AdminDomainRepository(db), config.CHAIN_ID, deps.registry);
  const authenticator = new AdminAuthenticator({
    domain: adminDomain,
    hasRole: deps.hasRole,
    nonces: new NonceRepository(db),
    maxAgeSeconds: config.ADMIN_AUTH_MAX_AGE_SECONDS,
    now: wallNow,
    chain: deps.chain,
  });
  const pools = new PoolService(new PoolRepository(db), config.CHAIN_ID, now, deps.chain);
  const claims = new ClaimService(db, new PoolRepository(db), config.CHAIN_ID, now, {
    ...(deps.claimsFreshMs === undefined ? {} : { freshMs: deps.claimsFreshMs }),
  });
  const tokens = new TokenService(db, config.CHAIN_ID, deps.chain);
  const routes: AnyRoute[] = [
    ...systemRoutes({
      db,
      adminDomain,
      maxAgeSeconds: config.ADMIN_AUTH_MAX_AGE_SECONDS,
      isShuttingDown: () => app.locals.shuttingDown === true,
      indexerProblems: deps.indexerProblems ?? (() => []),
      ...(deps.chainReadiness ? { chainReadiness: deps.chainReadiness } : {}),
    }),
    ...policyRoutes(new PolicyService(new PolicyRepository(db), deps.policyCodec ?? enginePolicyCodec)),
    ...poolRoutes(pools, tokens),
    ...tokenRoutes(tokens),
    ...verificationRoutes(
      new VerificationService(
        pools,
        new VerificationRepository(db),
        wallNow,
        config.ADMIN_AUTH_MAX_AGE_SECONDS,
      ),
    ),
    ...claimRoutes(claims),
    ...walletRoutes(
      new WalletService(db, new PoolRepository(db), claims, config.CHAIN_ID, deps.registry, now),
    ),
    ...runRoutes(
      new RunService(
        new RunRepository(db),
        new RunQueries(db),
        new PolicyRepository(db),
        new PoolRepository(db),
        config.CHAIN_ID,
        deps.engine ?? defaultEngine(),
        now,
        logger,
      ),
    ),
    ...statementRoutes(
      new StatementService(
        new PoolRepository(db),
        new RunRepository(db),
        new StatementQueries(db),
        config.CHAIN_ID,
        now,
      ),
      tokens,
    ),
    ...publishRoutes(
      new PublishService(
        db,
        new PoolRepository(db),
        new RunRepository(db),
        config.CHAIN_ID,
        deps.publisher,
        deps.chain,
        now,
      ),
      (runId) => poolOfRun(db, runId),
      config.PUBLIC_BASE_URL,
    ),
    ...bundleRoutes(new BundleService(db, new RunRepository(db))),
    ...recipientRankRoutes(new RecipientRankService(new RunRepository(db), new RecipientRanks(db))),
    ...deploymentRoutes(config.CHAIN_ID, {
      ...deps.deployment,
      ...(deps.registry ? { registry: deps.registry } : {}),
    }),
    ...whyRoutes(
      new WhyService(
        db,
        new RunRepository(db),
        new PoolRepository(db),
        deps.engine ?? defaultEngine(),
        claims,
        now,
      ),
    ),
    ...identityRoutes(
      new NotificationService(
        db,
        { ...DEFAULT_NOTIFICATION_OPTIONS, ...deps.notifications, chainId: config.CHAIN_ID },
        now,
      ),
      config.PUBLIC_BASE_URL,
    ),
    ...attestationRoutes(
      new AttestationService(new BindingRepository(db), deps.attestor, deps.chain, wallNow),
      config.PUBLIC_BASE_URL,
    ),
  ];
  const openapi = buildOpenApiDocument(routes, {
    title: "Wellspring API",
    version: API_VERSION,
    description:
      "Pools, schedules, policies and (soon) runs, claims and statements. Admin endpoints need an EIP-712 signed request.",
  });
  app.locals.openapi = openapi;

  // Request id and one structured log line per request.
  app.use((req, res, next) => {
    const incoming = req.get("x-request-id");
    const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.locals.requestId = requestId;
    res.setHeader("X-Request-Id", requestId);
    res.setHeader("Cache-Control", "no-store");
    for (const [name, value] of SECURITY_HEADERS) res.setHeader(name, value);
    const started = process.hrtime.bigint();
    res.on("finish", () => {
      // The route template (never the raw path) keeps the label set bounded.
      const template = (req.route as { path?: unknown } | undefined)?.path;
      metrics.request(
        req.method,
        typeof template === "string" ? template : "unmatched",
        res.statusCode,
        Number(process.hrtime.bigint() - started) / 1e9,
        res.locals.errorCode as string | undefined,
      );
      logger.info(
        {
          requestId,
          method: req.method,
          path: req.originalUrl,
          status: res.statusCode,
          durationMs: Number(process.hrtime.bigint() - started) / 1e6,
          ip: req.ip,
        },
        "request",
      );
    });
    next();
  });

  const limiter = new TokenBucketLimiter(config.RATE_LIMIT_PER_SECOND, config.RATE_LIMIT_BURST);
  const limit = rateLimit(limiter, wallNow);
  app.use((req, res, next) => (UNLIMITED_PATHS.has(req.path) ? next() : limit(req, res, next)));
  // Binding requests are public, write rows and make the server sign: a tighter bucket per IP.
  const attestationLimit = rateLimit(
    new TokenBucketLimiter((deps.attestor?.ratePerMinute ?? 10) / 60, deps.attestor?.burst ?? 5),
    wallNow,
  );
  app.post("/v1/attestations", attestationLimit);

  const json = express.json({
    limit: config.BODY_LIMIT_BYTES,
    type: ["application/json", "application/*+json"],
    // The exact bytes are what an admin signature covers.
    verify: (_req, res, buf) => {
      (res as Response).locals.rawBody = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    },
  });
  // No route reads a GET or HEAD body; skipping the parser there keeps the claims path short.
  app.use((req, res, next) =>
    req.method === "GET" || req.method === "HEAD" ? next() : json(req, res, next),
  );

  for (const r of routes) app[r.method](r.path, toHandler(r, authenticator, deps.checkResponses));

  app.get("/metrics", (_req, res, next) => {
    metrics.registry.metrics().then((text) => {
      res.type(metrics.registry.contentType).send(text);
    }, next);
  });

  app.get("/openapi.json", (_req, res) => {
    res.json(openapi);
  });
  const docsHtml = docsAsset("index.html");
  const docsJs = docsAsset("app.js");
  const docsCss = docsAsset("style.css");
  app.get(["/docs", "/docs/"], (_req, res) => {
    res.type("html").send(docsHtml);
  });
  app.get("/docs/app.js", (_req, res) => {
    res.type("text/javascript").send(docsJs);
  });
  app.get("/docs/style.css", (_req, res) => {
    res.type("text/css").send(docsCss);
  });

  // The pages come after every API route, so they can never shadow one.
  if (deps.web) app.use(deps.web);

  app.use((req) => {
    throw new ServerError("NOT_FOUND", `no route ${req.method} ${req.path}`);
  });
  app.use(errorHandler(logger));
  return app;
}
