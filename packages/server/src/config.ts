import { z } from "zod/v4";
import { ServerError } from "./errors.ts";
import { ROLES, type Role } from "./auth/roles.ts";

const hexKey = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/, "must be a 0x-prefixed 32-byte hex private key")
  .transform((value) => value.toLowerCase() as `0x${string}`);

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x-prefixed 20-byte address");

/** `ROLE=0xabc,0xdef;ROLE2=0x123`: an interim, static role map used until the chain-backed check lands. */
const staticRoles = z.string().transform((value, ctx) => {
  const map = new Map<Role, Set<string>>();
  for (const entry of value
    .split(";")
    .map((part) => part.trim())
    .filter(Boolean)) {
    const [role, list] = entry.split("=", 2);
    if (!role || list === undefined || !(ROLES as readonly string[]).includes(role)) {
      ctx.addIssue({
        code: "custom",
        message: `bad entry "${entry}": expected ROLE=0xaddr,... with ROLE in ${ROLES.join("|")}`,
      });
      return z.NEVER;
    }
    const addresses = list
      .split(",")
      .map((part) => part.trim())
      .filter(Boolean);
    for (const a of addresses) {
      if (!address.safeParse(a).success) {
        ctx.addIssue({ code: "custom", message: `bad address "${a}" for role ${role}` });
        return z.NEVER;
      }
    }
    map.set(role as Role, new Set(addresses.map((a) => a.toLowerCase())));
  }
  return map;
});

const intFromEnv = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

export const envSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
    .optional(),
  /** Schema inside DATABASE_URL's database that holds every table (lets several deployments share one database). */
  DATABASE_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, "must be a lower-case SQL identifier")
    .default("public"),
  PGLITE_DIR: z.string().min(1).default(".wellspring/pglite"),
  HOST: z.string().min(1).default("127.0.0.1"),
  PORT: intFromEnv(0, 65535).default(8080),
  RPC_URL: z.url({ protocol: /^(https?|wss?)$/ }).default("http://127.0.0.1:8545"),
  CHAIN_ID: intFromEnv(1, 2 ** 53 - 1).default(31337),
  /** Run the chain indexer in this process ("true"/"false"). Off by default: it needs RPC_URL to answer. */
  INDEXER_ENABLED: z
    .enum(["true", "false", "1", "0"])
    .default("false")
    .transform((v) => v === "true" || v === "1"),
  INDEXER_CONFIRMATIONS: intFromEnv(0, 1000).default(6),
  INDEXER_INTERVAL_MS: intFromEnv(100, 3_600_000).default(2_000),
  /** Deepest reorganisation the indexer rolls back on its own; deeper ones stop the pool and alert. */
  INDEXER_MAX_REORG_DEPTH: intFromEnv(1, 10_000).default(64),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  BODY_LIMIT_BYTES: intFromEnv(1024, 256 * 1024 * 1024).default(1024 * 1024),
  RATE_LIMIT_PER_SECOND: intFromEnv(1, 100_000).default(20),
  RATE_LIMIT_BURST: intFromEnv(1, 1_000_000).default(60),
  /** Number of reverse proxies in front of the server whose X-Forwarded-For is trusted (0 = none). */
  TRUST_PROXY_HOPS: intFromEnv(0, 10).default(0),
  /** How far ahead an admin request's deadline may lie; bounds the nonce table too. */
  ADMIN_AUTH_MAX_AGE_SECONDS: intFromEnv(10, 3600).default(300),
  SHUTDOWN_TIMEOUT_MS: intFromEnv(0, 600_000).default(10_000),
  STATIC_ROLES: staticRoles.optional(),
  ATTESTOR_PRIVATE_KEY: hexKey.optional(),
  PUBLISHER_PRIVATE_KEY: hexKey.optional(),
  /**
   * The server's public URL (e.g. https://wellspring.example.org): publishing a run without a `uri`
   * records `<PUBLIC_BASE_URL>/v1/runs/<id>/bundle`, its evidence bundle, as the schedule's uri.
   * Unset: a publish request must name the uri itself.
   */
  PUBLIC_BASE_URL: z
    .url({ protocol: /^https?$/ })
    .transform((value) => value.replace(/\/+$/, ""))
    .optional(),
  /**
   * Verify the evidence bundle of every indexed schedule with a uri and record the result
   * (docs/verification.md): a watchtower inside the server. It reads the indexer's tables.
   */
  VERIFY_SCHEDULES: z
    .enum(["true", "false", "1", "0"])
    .default("false")
    .transform((v) => v === "true" || v === "1"),
  VERIFY_INTERVAL_MS: intFromEnv(100, 3_600_000).default(5_000),
  /** Who the records name as the verifier (default: PUBLIC_BASE_URL, else "this server"). */
  VERIFIER_NAME: z.string().min(1).max(200).optional(),
  /** Gateway the verifier fetches ipfs:// bundles through (`<gateway>/ipfs/<cid>`). */
  IPFS_GATEWAY: z.url({ protocol: /^https?$/ }).optional(),
  /** Largest bundle the verifier fetches; a bigger one is recorded invalid. */
  VERIFY_MAX_BUNDLE_BYTES: intFromEnv(1024, 2 ** 40).default(2 ** 30),
  /**
   * Let the verifier read file:// uris from this machine's disk. Off by default: proposers choose
   * uris, and a path would let them make the server read its own files (on for `npm start`,
   * whose demo publishes a local bundle).
   */
  VERIFY_LOCAL_FILES: z
    .enum(["true", "false", "1", "0"])
    .default("false")
    .transform((v) => v === "true" || v === "1"),
  /**
   * Where admin roles come from: `chain` (the contracts, see auth/chain-roles.ts), `static`
   * (STATIC_ROLES) or `auto` (static when STATIC_ROLES is set, else chain when the registry is
   * known and RPC_URL answers with CHAIN_ID, else static with nobody holding a role).
   */
  ROLE_SOURCE: z.enum(["auto", "chain", "static"]).default("auto"),
  /** How long a role answer read from the chain is reused (a revocation takes effect within it). */
  ROLE_CACHE_TTL_MS: intFromEnv(0, 3_600_000).default(15_000),
  /** The IdentityRegistry; default: `registry` of DEPLOYMENTS_DIR/<CHAIN_ID>.json. */
  REGISTRY_ADDRESS: address.transform((value) => value.toLowerCase() as `0x${string}`).optional(),
  /** Directory of the deployment address files (`<chainId>.json`, written by deploy/scripts/deploy.ts). */
  DEPLOYMENTS_DIR: z.string().min(1).default("deploy/addresses"),
  /**
   * Directories whose funding manifests (funding.json, FUNDING.json; searched recursively, e.g. a
   * node_modules tree) the attestor trusts, besides the manifests stored as run inputs. Separated by `,`.
   */
  TRUSTED_MANIFEST_DIRS: z
    .string()
    .transform((value) =>
      value
        .split(",")
        .map((part) => part.trim())
        .filter(Boolean),
    )
    .optional(),
  /** How far ahead a maintainer's signed binding request's deadline may be. */
  BINDING_REQUEST_MAX_AGE_SECONDS: intFromEnv(10, 86_400).default(600),
  /** Lifetime of an attestation the server signs (its deadline = latest block time + this). */
  ATTESTATION_TTL_SECONDS: intFromEnv(60, 30 * 86_400).default(3_600),
  /**
   * Identity proofs the attestor checks itself, separated by `,`: `github` (a funding manifest in a
   * repository or gist of the account, through GITHUB_API_URL) and `well-known` (a project domain's
   * /.well-known/funding-manifest-urls). Empty (`none`): only the trusted-copy path.
   */
  ATTESTOR_VERIFIERS: z
    .string()
    .transform((value, ctx) => {
      const methods = value
        .split(",")
        .map((part) => part.trim())
        .filter((part) => part && part !== "none");
      for (const method of methods) {
        if (method !== "github" && method !== "well-known") {
          ctx.addIssue({
            code: "custom",
            message: `unknown proof method "${method}" (github, well-known, none)`,
          });
          return z.NEVER;
        }
      }
      return [...new Set(methods)] as Array<"github" | "well-known">;
    })
    .default(["github", "well-known"]),
  /** GitHub's REST API (a stand-in in tests). */
  GITHUB_API_URL: z
    .url({ protocol: /^https?$/ })
    .transform((value) => value.replace(/\/+$/, ""))
    .default("https://api.github.com"),
  /** GitHub's web host for "Sign in with GitHub" (`/login/oauth/…`; a stand-in in tests). */
  GITHUB_OAUTH_URL: z
    .url({ protocol: /^https?$/ })
    .transform((value) => value.replace(/\/+$/, ""))
    .default("https://github.com"),
  /** The OAuth app's client id: set, the Claim page offers "Sign in with GitHub"; unset, it is off. */
  GITHUB_OAUTH_CLIENT_ID: z.string().min(1).max(200).optional(),
  /** The OAuth app's client secret (needed with GITHUB_OAUTH_CLIENT_ID). */
  GITHUB_OAUTH_CLIENT_SECRET: z.string().min(1).max(500).optional(),
  /** Optional GitHub token (no scopes needed): 5,000 instead of 60 API requests an hour. */
  GITHUB_TOKEN: z.string().min(1).max(500).optional(),
  /**
   * Lets the well-known verifier use http:// and reach private and loopback addresses: only for
   * tests against a local stand-in. Off, a domain must serve https from a public address.
   */
  ATTESTOR_ALLOW_LOCAL_HTTP: z
    .enum(["true", "false", "1", "0"])
    .default("false")
    .transform((v) => v === "true" || v === "1"),
  /** Run the webhook worker in this process: queue notifications from indexed data and send them. */
  NOTIFY_WEBHOOKS: z
    .enum(["true", "false", "1", "0"])
    .default("false")
    .transform((v) => v === "true" || v === "1"),
  NOTIFY_INTERVAL_MS: intFromEnv(100, 3_600_000).default(15_000),
  /**
   * Lets webhook deliveries reach private and loopback addresses (a receiver on this machine or its
   * network). Off, a URL that resolves there is not called: an admin's webhook cannot probe the
   * server's own network.
   */
  NOTIFY_WEBHOOKS_ALLOW_LOCAL: z
    .enum(["true", "false", "1", "0"])
    .default("false")
    .transform((v) => v === "true" || v === "1"),
  /** How long before a superseded schedule's claim window closes the warning goes out. */
  CLAIM_WINDOW_LEAD_SECONDS: intFromEnv(0, 365 * 86_400).default(7 * 86_400),
  /** Binding requests per client IP per minute (on top of the general rate limit), and the burst. */
  ATTESTATION_RATE_LIMIT_PER_MINUTE: intFromEnv(1, 100_000).default(10),
  ATTESTATION_RATE_LIMIT_BURST: intFromEnv(1, 100_000).default(5),
});

export type Config = z.output<typeof envSchema>;

/** Secrets never leave the process: this is what gets logged at boot. */
export const SECRET_KEYS = [
  "ATTESTOR_PRIVATE_KEY",
  "PUBLISHER_PRIVATE_KEY",
  "DATABASE_URL",
  "GITHUB_TOKEN",
  "GITHUB_OAUTH_CLIENT_SECRET",
] as const;

/**
 * Parses the environment. Empty strings count as unset (a blank line in an env file should not
 * override a default). Throws CONFIG_INVALID listing every bad variable, so the process refuses to
 * start instead of running half-configured.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const relevant: Record<string, string> = {};
  for (const key of Object.keys(envSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value.trim() !== "") relevant[key] = value.trim();
  }
  const parsed = envSchema
    .refine((c) => !c.GITHUB_OAUTH_CLIENT_ID || c.GITHUB_OAUTH_CLIENT_SECRET, {
      message: "is needed with GITHUB_OAUTH_CLIENT_ID (the OAuth app's client secret)",
      path: ["GITHUB_OAUTH_CLIENT_SECRET"],
    })
    .safeParse(relevant);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({
      path: issue.path.map(String).join("."),
      message: issue.message,
    }));
    throw new ServerError("CONFIG_INVALID", "invalid environment", {
      details: issues.map((i) => `${i.path}: ${i.message}`).join("\n"),
      issues,
    });
  }
  return parsed.data;
}

/**
 * A URL safe to log: scheme, host and port. Hosted RPC endpoints carry their API key in the path,
 * the query or the user info; any of those is replaced by `[redacted]`.
 */
export function redactUrl(url: string): string {
  const parsed = new URL(url);
  const hidden =
    parsed.username || parsed.password || parsed.search || parsed.hash || parsed.pathname !== "/";
  return `${parsed.protocol}//${parsed.host}${hidden ? "/[redacted]" : ""}`;
}

/**
 * The exact strings no log line may contain: the secret settings, and RPC_URL when it carries
 * credentials (errors of the RPC client quote the URL they called).
 */
export function secretStrings(config: Config): string[] {
  const secrets: string[] = SECRET_KEYS.map((key) => config[key]).filter((v): v is string => Boolean(v));
  const rpc = new URL(config.RPC_URL);
  if (redactUrl(config.RPC_URL) !== config.RPC_URL.replace(/\/$/, "")) {
    // The client may quote the URL without its user info, or the key alone.
    const tail = rpc.pathname === "/" ? rpc.search : rpc.pathname + rpc.search;
    secrets.push(config.RPC_URL, `${rpc.origin}${rpc.pathname}${rpc.search}`, tail, rpc.password);
  }
  return secrets.filter(Boolean);
}

/** The config with secrets replaced, safe to log. */
export function redactConfig(config: Config): Record<string, unknown> {
  const out: Record<string, unknown> = { ...config, RPC_URL: redactUrl(config.RPC_URL) };
  for (const key of SECRET_KEYS) if (out[key] !== undefined) out[key] = "[redacted]";
  if (config.STATIC_ROLES) {
    out.STATIC_ROLES = Object.fromEntries([...config.STATIC_ROLES].map(([role, set]) => [role, [...set]]));
  }
  return out;
}
