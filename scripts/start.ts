/**
 * `npm start`: the whole product on embedded defaults, on 127.0.0.1.
 *
 *   1. a local chain: `hardhat node --hostname 127.0.0.1 --port $CHAIN_PORT` (default 8545), unless
 *      RPC_URL names a loopback node that is already running;
 *   2. the demo story (scripts/demo.ts, `npm run demo`) against it: Ignition deployment, deposits by
 *      two payers, the engine's share table for this repository's own package-lock.json, proposal,
 *      activation, three claims (one after a late identity binding);
 *   3. the server (packages/server) on PGlite in .wellspring/start/pglite (or DATABASE_URL), with the
 *      indexer following the chain and the web pages mounted; the demo pool is registered and the
 *      same table is computed again by the server's own run, so the Claim page serves its proofs;
 *   4. prints the URLs and runs until Ctrl-C (SIGINT/SIGTERM stop the server, then the chain).
 *
 * Environment: PORT (default 8080), HOST (127.0.0.1), CHAIN_PORT (8545), RPC_URL (use a running
 * loopback node instead of starting one), DATABASE_URL, LOG_LEVEL (server log, written to
 * .wellspring/start/server.log). The keys are Hardhat's public development keys (the mnemonic
 * "test test ... junk"): this command is for a local chain only. The last line,
 * `WELLSPRING_READY {...}`, is for test/e2e/start.test.ts.
 */
import { spawn, spawnSync } from "node:child_process";
import { createWriteStream, mkdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { adminFetch, chainClock, createLogger, start, type Started } from "@wellspring/server";
import { createPublicClient, http, toHex, type Address } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { z } from "zod";

import { hardhatCli, startHardhatNode } from "./lib/hardhat-node.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const stateDir = path.join(root, ".wellspring", "start");
const MNEMONIC = "test test test test test test test test test test test junk";
const CHAIN_ID = 31337;

const loopback = (url: string): boolean => {
  try {
    return ["127.0.0.1", "localhost", "[::1]"].includes(new URL(url).hostname);
  } catch {
    return false;
  }
};
const port = z.coerce.number().int().min(0).max(65535);
const env = z
  .object({
    PORT: port.default(8080),
    HOST: z.string().min(1).default("127.0.0.1"),
    CHAIN_PORT: port.min(1).default(8545),
    RPC_URL: z.preprocess(
      (v) => (v === "" ? undefined : v),
      z
        .string()
        .url()
        .refine(loopback, "RPC_URL must be a loopback URL (http://127.0.0.1:<port>)")
        .optional(),
    ),
    DATABASE_URL: z.string().optional(),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  })
  .safeParse(process.env);
if (!env.success) {
  for (const issue of env.error.issues) console.error(`npm start: ${issue.path.join(".")}: ${issue.message}`);
  process.exit(2);
}
const settings = env.data;

/** Hardhat's development account `index` (public keys of a public mnemonic; local chains only). */
const dev = (index: number) => mnemonicToAccount(MNEMONIC, { addressIndex: index });
const devKey = (index: number) => toHex(dev(index).getHdKey().privateKey!);

const demoResult = z.object({
  ok: z.literal(true),
  chainId: z.number(),
  pool: z.string(),
  registry: z.string(),
  deployBlock: z.number().int().nonnegative(),
  token: z.string(),
  scheduleId: z.string(),
  root: z.string(),
  recipients: z.number(),
  unclaimed: z.string().nullable(),
  tableSource: z.string(),
});

const cleanup: (() => Promise<void>)[] = [];
async function shutdown(code: number): Promise<never> {
  for (const step of cleanup.reverse()) await step().catch(() => undefined);
  process.exit(code);
}

function portIsFree(p: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(false));
    probe.listen(p, host, () => probe.close(() => resolve(true)));
  });
}

async function chainId(url: string): Promise<number | undefined> {
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
    });
    const body = (await res.json()) as { result?: string };
    return body.result ? Number(body.result) : undefined;
  } catch {
    return undefined;
  }
}

/** `hardhat node` on CHAIN_PORT, stopped with everything else. */
async function startChain(chainPort: number): Promise<string> {
  if (!(await portIsFree(chainPort, "127.0.0.1"))) {
    throw new Error(
      `port ${chainPort} is taken: stop what listens there, set CHAIN_PORT to a free port, ` +
        `or set RPC_URL=http://127.0.0.1:${chainPort} to use that node`,
    );
  }
  const node = await startHardhatNode({ root, port: chainPort });
  cleanup.push(() => node.stop());
  return node.url;
}

/** The demo story as a child process (its output goes straight through); returns its result line. */
async function playDemo(rpcUrl: string): Promise<z.infer<typeof demoResult>> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "scripts", "demo.ts")], {
    cwd: root,
    env: { ...process.env, RPC_URL: rpcUrl },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let resultLine: string | undefined;
  let buffered = "";
  child.stdout.on("data", (d: Buffer) => {
    buffered += d.toString();
    let nl: number;
    while ((nl = buffered.indexOf("\n")) >= 0) {
      const text = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      if (text.startsWith("DEMO_RESULT ")) resultLine = text.slice("DEMO_RESULT ".length);
      else console.log(text);
    }
  });
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  if (code !== 0 || !resultLine) throw new Error(`the demo story failed (exit ${code})`);
  return demoResult.parse(JSON.parse(resultLine));
}

/**
 * Compiles the contracts (not the Solidity tests) when their artifacts are missing or stale. Hardhat's
 * own cache decides; when everything is current this takes a few seconds. The first build of a fresh
 * clone (solc's wasm build, viaIR, the deployment settings) takes about 30 s of CPU.
 */
function compileContracts(): void {
  const started = Date.now();
  console.log("Compiling the contracts if they changed (first time on a fresh clone: about 30-60 s) ...");
  const run = spawnSync(process.execPath, [hardhatCli(root), "build", "--no-tests", "--quiet"], {
    cwd: root,
    encoding: "utf8",
  });
  if (run.status !== 0) throw new Error(`compiling the contracts failed:\n${run.stdout}\n${run.stderr}`);
  console.log(`Contracts ready (${((Date.now() - started) / 1000).toFixed(1)} s).`);
}

/** Builds packages/web/dist/pages from the current sources (esbuild, about a second). */
function buildPages(): void {
  const run = spawnSync(
    process.execPath,
    ["--import", "tsx", path.join(root, "packages", "web", "build.ts")],
    {
      cwd: root,
      encoding: "utf8",
    },
  );
  if (run.status !== 0) throw new Error(`building the web pages failed:\n${run.stdout}\n${run.stderr}`);
}

/** A signed admin call that must succeed; its JSON answer. */
async function admin<T>(base: string, method: "POST", apiPath: string, body: unknown): Promise<T> {
  const res = await adminFetch(base, dev(0), { chainId: CHAIN_ID, method, path: apiPath, body });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${apiPath} answered ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function main(): Promise<void> {
  compileContracts();
  const ownChain = settings.RPC_URL === undefined;
  const rpcUrl = settings.RPC_URL ?? (await startChain(settings.CHAIN_PORT));
  const id = await chainId(rpcUrl);
  if (id !== CHAIN_ID) throw new Error(`${rpcUrl} answers chain id ${id ?? "nothing"}, not ${CHAIN_ID}`);

  buildPages();
  const demo = await playDemo(rpcUrl);

  // A fresh chain makes an older index meaningless (same addresses, other history): start it over.
  const pgliteDir = path.join(stateDir, "pglite");
  if (ownChain && !settings.DATABASE_URL) rmSync(pgliteDir, { recursive: true, force: true });
  mkdirSync(stateDir, { recursive: true });
  const logFile = path.join(stateDir, "server.log");
  const logger = createLogger(settings.LOG_LEVEL, createWriteStream(logFile, { flags: "w" }));
  const client = createPublicClient({ transport: http(rpcUrl) });
  const clock = chainClock(client);
  await clock.refresh();
  cleanup.push(async () => clock.stop());
  const serverEnv: Record<string, string | undefined> = {
    ...process.env,
    HOST: settings.HOST,
    PORT: String(settings.PORT),
    RPC_URL: rpcUrl,
    CHAIN_ID: String(CHAIN_ID),
    PGLITE_DIR: pgliteDir,
    INDEXER_ENABLED: "true",
    INDEXER_CONFIRMATIONS: "0",
    INDEXER_INTERVAL_MS: "500",
    // The server's own watchtower: checks each schedule's bundle (the demo's is a local file).
    VERIFY_SCHEDULES: "true",
    VERIFY_LOCAL_FILES: "true",
    VERIFY_INTERVAL_MS: "1000",
    // The uploaded lockfile of this repository is larger than the API's 1 MiB default.
    BODY_LIMIT_BYTES: String(16 * 1024 * 1024),
    // Admin roles as the contracts grant them: the demo made development account 0 the registry's
    // admin and the pool's proposer and guardian, and account 1 the registry's attestor.
    ROLE_SOURCE: "chain",
    REGISTRY_ADDRESS: demo.registry,
    PUBLISHER_PRIVATE_KEY: devKey(0),
    ATTESTOR_PRIVATE_KEY: devKey(1),
  };
  const server: Started = await start(serverEnv, { logger, client, chainNow: clock.now });
  cleanup.push(() => server.stop());
  const base = server.server.url;

  // The demo pool, and the same table again as the server's own run (same input, same policy).
  await admin(base, "POST", "/v1/pools", {
    address: demo.pool,
    name: "Wellspring demo pool",
    deployedBlock: String(demo.deployBlock),
  });
  const policy: unknown = JSON.parse(
    readFileSync(path.join(root, "packages", "attribution", "policies", "default.json"), "utf8"),
  );
  const version = await admin<{ version: number }>(base, "POST", "/v1/policies/default/versions", {
    document: policy,
    note: "packages/attribution/policies/default.json (npm start)",
  });
  const run = await admin<{ id: string; root: string; recipientCount: number }>(base, "POST", "/v1/runs", {
    policy: { name: "default", version: version.version },
    pool: demo.pool,
    inputs: [
      {
        name: "package-lock.json",
        mediaType: "application/json",
        content: readFileSync(path.join(root, "package-lock.json")).toString("base64"),
      },
    ],
  });
  if (run.root !== demo.root) {
    throw new Error(`the server's run computed root ${run.root}, the demo proposed ${demo.root}`);
  }
  // Ready when the indexer has the demo's schedule active and its deposits.
  await waitFor("the indexer to catch up with the demo", async () => {
    const res = await fetch(new URL(`/v1/pools/${demo.pool}/schedules?status=active`, base));
    if (!res.ok) return false;
    const body = (await res.json()) as { schedules: { scheduleId: string }[] };
    return body.schedules.some((s) => s.scheduleId === demo.scheduleId);
  });

  const rows: [string, string][] = [
    ["web pages", `${base}/  (#/claim, #/pay, #/admin, #/explorer)`],
    ["API", `${base}/v1/pools   reference: ${base}/docs`],
    ["chain", `${rpcUrl} (chain id ${CHAIN_ID}${ownChain ? ", hardhat node started here" : ""})`],
    ["database", settings.DATABASE_URL ? "DATABASE_URL" : `PGlite in ${path.relative(root, pgliteDir)}`],
    ["server log", path.relative(root, logFile)],
    ["demo pool", `${demo.pool} (schedule ${demo.scheduleId} active, ${demo.recipients} recipients)`],
    ["demo USDC", demo.token],
  ];
  if (demo.unclaimed) rows.push(["try", `Claim page, look up ${demo.unclaimed}`]);
  console.log("\nWellspring is running on embedded defaults:");
  for (const [k, v] of rows) console.log(`  ${k.padEnd(11)} ${v}`);
  console.log(
    "  wallet      any EIP-1193 wallet on the chain above with a Hardhat development key; account 0 is admin",
  );
  console.log("Press Ctrl-C to stop.");
  console.log(
    `WELLSPRING_READY ${JSON.stringify({ url: base, rpcUrl, pool: demo.pool as Address, runId: run.id, unclaimed: demo.unclaimed, token: demo.token, scheduleId: demo.scheduleId })}`,
  );
}

process.once("SIGINT", () => void shutdown(0));
process.once("SIGTERM", () => void shutdown(0));
main().catch(async (error: unknown) => {
  console.error(`npm start: ${error instanceof Error ? error.message : String(error)}`);
  await shutdown(1);
});
