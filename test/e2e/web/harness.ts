/**
 * Browser-test harness: a real `hardhat node` child process, the project's Ignition deployment, the
 * real server (createApp over PGlite with the indexer) with the web pages mounted, Debian's Chromium
 * through playwright-core, and an EIP-1193 wallet injected into the page that signs with Hardhat
 * development keys in Node.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import type { Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { webHandler } from "@wellspring/web";
import { freePort, startHardhatNode } from "../../../scripts/lib/hardhat-node.ts";
import {
  type AppConfig,
  type AppDeps,
  type Database,
  adminFetch,
  chainClock,
  createApp,
  migrate,
  openPglite,
  staticHasRole,
  type Role,
} from "@wellspring/server";
import { PoolIndexer } from "../../../packages/server/src/indexer/pool-indexer.ts";
import { ScheduleVerifier } from "../../../packages/server/src/indexer/schedule-verifier.ts";
import type { GitHubOAuth } from "../../../packages/server/src/attestor/github-oauth.ts";
import express from "express";
import { pino } from "pino";
import { type Browser, type BrowserContext, type Page, chromium } from "playwright-core";
import {
  type Address,
  type Hex,
  type PublicClient,
  createPublicClient,
  createWalletClient,
  http,
  toHex,
} from "viem";
import { type HDAccount, mnemonicToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
export const resultsDir = path.join(root, "test-results");
const MNEMONIC = "test test test test test test test test test test test junk";

/** Hardhat's development accounts (the node unlocks the same ones). */
export const dev = (index: number): HDAccount => mnemonicToAccount(MNEMONIC, { addressIndex: index });

/** Builds packages/web/dist/pages so the test always serves the current sources. */
export function buildPages(): void {
  const run = spawnSync(
    process.execPath,
    ["--import", "tsx", path.join(root, "packages", "web", "build.ts")],
    {
      cwd: root,
      encoding: "utf8",
    },
  );
  if (run.status !== 0) throw new Error(`web build failed:\n${run.stdout}\n${run.stderr}`);
}

export { freePort };

export interface Chain {
  url: string;
  client: PublicClient;
  rpc(method: string, params?: unknown[]): Promise<unknown>;
  stop(): Promise<void>;
}

/** `hardhat node --hostname 127.0.0.1 --port <free>` as a child process (its own process group). */
export async function startChain(): Promise<Chain> {
  const node = await startHardhatNode({ root, port: await freePort() });
  return {
    ...node,
    client: createPublicClient({ chain: hardhat, transport: http(node.url) }) as PublicClient,
  };
}

export interface Server {
  url: string;
  /** The same pages and database, served by an app without the claims endpoint (an older server). */
  fallbackUrl: string;
  db: Database;
  /** Reads the chain's time now (after evm_increaseTime), so schedule status follows it at once. */
  syncClock(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The real app over PGlite in a temp dir, the indexer on (no confirmations), the pages mounted, and
 * the identity attestor when its key and the registry are given.
 */
export async function startServer(
  chain: Chain,
  roles: Partial<Record<Role, string[]>>,
  attestor?: { registry: Address; account: HDAccount; githubOAuth?: GitHubOAuth },
  /** What the server would read from the deployment's address file (GET /v1/deployment). */
  deployment?: { registry: Address } & NonNullable<AppDeps["deployment"]>,
): Promise<Server> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "ws-web-pglite-"));
  const db = await openPglite({ dataDir });
  await migrate(db);
  const logger = pino({ level: "silent" });
  // Schedules activate by block time, and a local node's block time runs ahead of the wall clock
  // (one second per block when blocks come faster, and evm_increaseTime): the server follows it.
  const clock = chainClock(chain.client, { intervalMs: 200 });
  await clock.refresh();
  const config: AppConfig = {
    CHAIN_ID: 31337,
    BODY_LIMIT_BYTES: 4 * 1024 * 1024,
    RATE_LIMIT_PER_SECOND: 1000,
    RATE_LIMIT_BURST: 5000,
    TRUST_PROXY_HOPS: 0,
    ADMIN_AUTH_MAX_AGE_SECONDS: 300,
  };
  const map = new Map(
    Object.entries(roles).map(([role, list]) => [role as Role, new Set(list.map((a) => a.toLowerCase()))]),
  );
  const hasRole = staticHasRole(map);
  const app = createApp({
    checkResponses: true,
    db,
    logger,
    config,
    hasRole,
    chainNow: clock.now,
    chain: chain.client,
    ...(deployment ? { registry: deployment.registry, deployment } : {}),
    ...(attestor
      ? {
          registry: attestor.registry,
          attestor: {
            chainId: 31337,
            registry: attestor.registry,
            account: attestor.account,
            maxAgeSeconds: 600,
            ttlSeconds: 3600,
            githubOAuth: attestor.githubOAuth,
          },
        }
      : {}),
  });
  // The same database served as by an older server without the claims endpoint (the route is
  // withheld: 404 "no route"), so the Claim page falls back to building proofs itself.
  const noChainApp = createApp({ db, logger, config, hasRole, chainNow: clock.now });
  const outer = express();
  // The pages get the API's own Content-Security-Policy (read from a response of the app), so the
  // test proves they run under it, as they will once the server mounts them behind its helmet.
  let csp: string | null = null;
  outer.use((req, res, next) => {
    if (csp) res.setHeader("Content-Security-Policy", csp);
    next();
  });
  outer.use(webHandler());
  outer.use(app);
  const fallback = express();
  fallback.use(webHandler());
  fallback.get("/v1/pools/:address/claims/:account", (req, res) => {
    res.status(404).json({ error: { code: "NOT_FOUND", message: `no route GET ${req.path}` } });
  });
  fallback.use(noChainApp);
  const abort = new AbortController();
  const indexer = new PoolIndexer({
    db,
    client: chain.client,
    chainId: 31337,
    confirmations: 0,
    logger,
    ...(attestor ? { registry: { address: attestor.registry, deployedBlock: 0n } } : {}),
  });
  const indexing = indexer.run(abort.signal, 150);
  // The server's own watchtower (VERIFY_SCHEDULES): the Explorer shows what it decided.
  const verifier = new ScheduleVerifier({
    db,
    chainId: 31337,
    verifier: "web test server",
    fetch: { maxBytes: 1 << 24 },
    now: () => new Date(clock.now()),
    logger,
  });
  const verifying = verifier.run(abort.signal, 200);
  const http = await new Promise<HttpServer>((resolve) => {
    const s = outer.listen(0, "127.0.0.1", () => resolve(s));
  });
  const { port } = http.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const httpFallback = await new Promise<HttpServer>((resolve) => {
    const s = fallback.listen(0, "127.0.0.1", () => resolve(s));
  });
  const fallbackUrl = `http://127.0.0.1:${(httpFallback.address() as AddressInfo).port}`;
  csp = (await fetch(`${url}/healthz`)).headers.get("content-security-policy");
  if (!csp?.includes("script-src 'self'")) throw new Error(`the app sent no script-src CSP: ${csp}`);
  return {
    url,
    fallbackUrl,
    db,
    syncClock: () => clock.refresh(),
    stop: async () => {
      clock.stop();
      abort.abort();
      await Promise.all([indexing, verifying].map((p) => p.catch(() => undefined)));
      for (const h of [http, httpFallback]) {
        h.closeAllConnections();
        await new Promise((r) => h.close(r));
      }
      await db.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A signed admin POST from Node, as docs/api.md shows (used for setup: registering the pool). */
export function signedPost(
  server: Server,
  account: HDAccount,
  apiPath: string,
  body: unknown,
): Promise<Response> {
  return adminFetch(server.url, account, { chainId: 31337, method: "POST", path: apiPath, body });
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  });
}

/** The injected wallet's switches, changed by the test while the page runs. */
export interface WalletControl {
  account: HDAccount;
  chainId: number;
  /** Answer every prompt (connect, transaction, signature) with EIP-1193 error 4001. */
  reject: boolean;
  /** Whether eth_accounts already lists the account (a site the user connected before). */
  connected: boolean;
  /** Every method the page called, in order. */
  calls: string[];
}

export interface WalletPage {
  page: Page;
  context: BrowserContext;
  wallet?: WalletControl;
  errors: string[];
}

const INJECTED = `
  window.ethereum = {
    isWellspringTestWallet: true,
    async request({ method, params }) {
      const answer = JSON.parse(await window.__wsWallet(method, JSON.stringify(params ?? [])));
      if (answer.error) {
        const e = new Error(answer.error.message);
        e.code = answer.error.code;
        if (answer.error.data !== undefined) e.data = answer.error.data;
        throw e;
      }
      return answer.result;
    },
    on() {},
    removeListener() {},
  };
`;

/**
 * A fresh browser context on the server, with a wallet bridged to Node (or none at all). The
 * wallet signs transactions and typed data with the account's private key (viem) and forwards
 * reads to the chain.
 */
export async function openPage(
  browser: Browser,
  server: Server,
  chain: Chain,
  options: {
    wallet?: Partial<WalletControl> & { account: HDAccount };
    viewport?: { width: number; height: number };
    /** Only for injecting the accessibility checker; the app itself always runs under the CSP. */
    bypassCSP?: boolean;
    /** Other origins the page may reach (the GitHub stand-in a sign-in goes through). */
    allowOrigins?: string[];
  } = {},
): Promise<WalletPage> {
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1200, height: 900 },
    bypassCSP: options.bypassCSP ?? false,
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (msg) => {
    if (msg.type() !== "error") return;
    // An API call the server refuses (a 4xx the page explains in its own words) is logged by the
    // browser too; any other console error (a missing favicon, a CSP violation, a script error) counts.
    const at = msg.location().url;
    if (/^Failed to load resource/.test(msg.text()) && at.includes("/v1/")) return;
    errors.push(`${msg.text()} (${at})`);
  });
  // No network at runtime except the server: anything else fails the test.
  await context.route("**/*", (route) => {
    const url = route.request().url();
    const allowed = [server.url, server.fallbackUrl, ...(options.allowOrigins ?? [])];
    if (allowed.some((origin) => url.startsWith(`${origin}/`))) return route.continue();
    errors.push(`blocked request to ${url}`);
    return route.abort();
  });
  if (!options.wallet) return { page, context, errors };
  const control: WalletControl = {
    chainId: 31337,
    reject: false,
    connected: true,
    calls: [],
    ...options.wallet,
  };
  const signer = () =>
    createWalletClient({ account: control.account, chain: hardhat, transport: http(chain.url) });
  const ok = (result: unknown) => JSON.stringify({ result });
  const fail = (code: number, message: string) => JSON.stringify({ error: { code, message } });
  await page.exposeFunction("__wsWallet", async (method: string, paramsJson: string): Promise<string> => {
    control.calls.push(method);
    const params = JSON.parse(paramsJson) as unknown[];
    const prompt = ["eth_requestAccounts", "eth_sendTransaction", "eth_signTypedData_v4", "personal_sign"];
    if (control.reject && prompt.includes(method)) return fail(4001, "User rejected the request.");
    try {
      switch (method) {
        case "eth_requestAccounts":
          control.connected = true;
          return ok([control.account.address]);
        case "eth_accounts":
          return ok(control.connected ? [control.account.address] : []);
        case "eth_chainId":
          return ok(toHex(control.chainId));
        case "wallet_switchEthereumChain":
          control.chainId = Number((params[0] as { chainId: string }).chainId);
          return ok(null);
        case "eth_sendTransaction": {
          const tx = params[0] as { to: Hex; data?: Hex; value?: Hex; gas?: Hex };
          const hash = await signer().sendTransaction({
            to: tx.to,
            ...(tx.data ? { data: tx.data } : {}),
            ...(tx.value ? { value: BigInt(tx.value) } : {}),
            ...(tx.gas ? { gas: BigInt(tx.gas) } : {}),
          });
          return ok(hash);
        }
        case "eth_signTypedData_v4": {
          const typed = JSON.parse(params[1] as string) as {
            domain: Record<string, unknown>;
            types: Record<string, { name: string; type: string }[]>;
            primaryType: string;
            message: Record<string, unknown>;
          };
          delete typed.types.EIP712Domain;
          return ok(await control.account.signTypedData(typed as Parameters<HDAccount["signTypedData"]>[0]));
        }
        case "personal_sign":
          return ok(await control.account.signMessage({ message: { raw: params[0] as Hex } }));
        default: {
          // As the node answers, error code and revert data included (what a wallet passes on).
          const res = await fetch(chain.url, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
          });
          const body = (await res.json()) as { result?: unknown; error?: unknown };
          return JSON.stringify(body.error === undefined ? { result: body.result } : { error: body.error });
        }
      }
    } catch (error) {
      const e = error as { shortMessage?: string; message?: string };
      return fail(-32603, e.shortMessage ?? e.message ?? String(error));
    }
  });
  await page.addInitScript(INJECTED);
  return { page, context, wallet: control, errors };
}

/**
 * What sticks out sideways at this viewport: the page's own horizontal scroll, and every element
 * wider than the viewport or reaching past its right edge, except inside a table's scroll region
 * (which scrolls on purpose, inside the viewport).
 */
export async function tooWide(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const doc = document.documentElement;
    if (doc.scrollWidth > doc.clientWidth)
      out.push(`the page scrolls sideways by ${doc.scrollWidth - doc.clientWidth}px`);
    const width = doc.clientWidth;
    for (const el of document.body.querySelectorAll("*")) {
      if (el.closest(".table-scroll") && !el.classList.contains("table-scroll")) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      if (r.width > width + 0.5 || r.right > width + 0.5) {
        const name = `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}${el.className && typeof el.className === "string" ? `.${el.className.split(" ").join(".")}` : ""}`;
        out.push(`${name} spans ${Math.round(r.left)}–${Math.round(r.right)}px of ${width}px`);
      }
    }
    return out;
  });
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/** axe-core's WCAG 2.x A/AA rules on the current page (the page's context must bypass the CSP). */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ content: AXE_SOURCE });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(o: unknown): Promise<{ violations: AxeViolation[] }> } })
      .axe;
    const r = await axe.run({
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target })),
    }));
  });
}
