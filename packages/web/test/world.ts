// What the page controllers run against in Node: an in-process Hardhat chain with the real
// contracts, the real server app over PGlite with its indexer and attestor, and the page's own
// Wallet over the chain's EIP-1193 provider (the wallet a browser extension would be).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { createPool } from "@wellspring/sdk";
import {
  type AppConfig,
  type Database,
  type RunningServer,
  createApp,
  listen,
  migrate,
  openPglite,
  staticHasRole,
} from "@wellspring/server";
import { network } from "hardhat";
import { pino } from "pino";
import { type Address, type PublicClient, getAddress, parseAbi, zeroAddress } from "viem";
import { mnemonicToAccount } from "viem/accounts";

import { PoolIndexer } from "../../server/src/indexer/pool-indexer.ts";
import * as admin from "../src/app/admin.ts";
import type { RunResult } from "../src/app/admin.ts";
import { type Api, createApi } from "../src/app/api.ts";
import type { Ctx } from "../src/app/context.ts";
import { pay } from "../src/app/pay.ts";
import { type Eip1193Provider, Wallet } from "../src/app/wallet.ts";
import { LOCKFILE, fundingManifest } from "./fixtures.ts";

export const CHAIN_ID = 31337;
export const ACTIVATION_DELAY = 3600;
/** Hardhat's development accounts: 0 admin (proposer, guardian), 1 attestor, then payers and users. */
const dev = (i: number) =>
  mnemonicToAccount("test test test test test test test test test test test junk", { addressIndex: i });
export const ADMIN = dev(0).address;
export const ATTESTOR = dev(1);
export const PAYER = dev(2).address;
export const CLAIMER = dev(4).address;
export const STRANGER = dev(5).address;

const mintAbi = parseAbi(["function mint(address to, uint256 amount)"]);

export interface World {
  connection: Awaited<ReturnType<typeof network.connect>>;
  client: PublicClient;
  pool: Address;
  registry: Address;
  /** The PoolFactory the world's pool was made by. */
  factory: Address;
  usdc: Address;
  api: Api;
  server: RunningServer;
  db: Database;
  /** Index the chain up to its head and move the server's clock to the chain's. */
  catchUp(): Promise<void>;
  /** Chain time forward (then a block). */
  advance(seconds: number): Promise<void>;
  /** The page's Wallet, connected as `account`; `reject` answers every prompt with EIP-1193 4001. */
  wallet(account: Address, options?: { reject?: () => boolean }): Promise<Wallet>;
  /** What a page gets (the api, a wallet, the chain and the registered pools). */
  ctx(wallet: Wallet): Ctx;
  close(): Promise<void>;
}

export async function startWorld(): Promise<World> {
  const connection = await network.connect();
  const { viem, networkHelpers } = connection;
  const client = (await viem.getPublicClient()) as unknown as PublicClient;
  const [deployer] = await viem.getWalletClients();
  if (!deployer) throw new Error("no Hardhat accounts");
  const deploy = async (name: string, args: readonly unknown[] = []): Promise<Address> =>
    getAddress(((await viem.deployContract(name as never, args as never)) as { address: Address }).address);
  const registry = await deploy("IdentityRegistry", [ADMIN, 0, 86_400n, [ATTESTOR.address]]);
  const factory = await deploy("PoolFactory");
  const created = await createPool(deployer, {
    factory,
    config: {
      admin: ADMIN,
      registry,
      activationDelay: ACTIVATION_DELAY,
      claimWindow: 30 * 86_400,
      proposers: [ADMIN],
      guardians: [ADMIN],
    },
  });
  const usdc = await deploy("TestERC20", ["Demo USDC", "USDC", 6]);
  await client.waitForTransactionReceipt({
    hash: await deployer.writeContract({
      address: usdc,
      abi: mintAbi,
      functionName: "mint",
      args: [PAYER, 10n ** 13n],
    }),
  });

  const db = await openPglite();
  await migrate(db);
  const config: AppConfig = {
    CHAIN_ID,
    BODY_LIMIT_BYTES: 4 * 1024 * 1024,
    RATE_LIMIT_PER_SECOND: 1000,
    RATE_LIMIT_BURST: 5000,
    TRUST_PROXY_HOPS: 0,
    ADMIN_AUTH_MAX_AGE_SECONDS: 300,
  };
  const admins = new Set([ADMIN.toLowerCase()]);
  let chainNowMs = Number((await client.getBlock()).timestamp) * 1000;
  const app = createApp({
    db,
    logger: pino({ level: process.env.WORLD_LOG ?? "silent" }),
    config,
    hasRole: staticHasRole(
      new Map([
        ["ADMIN", admins],
        ["PROPOSER", admins],
        ["GUARDIAN", admins],
      ]),
    ),
    chain: client,
    chainNow: () => chainNowMs,
    claimsFreshMs: 0,
    registry,
    // As the server reads its deployment address file: the factory the create-pool form starts from.
    deployment: {
      network: "hardhat",
      factory,
      pool: getAddress(created.pool),
      deployBlock: created.receipt.blockNumber,
    },
    attestor: { chainId: CHAIN_ID, registry, account: ATTESTOR, maxAgeSeconds: 600, ttlSeconds: 3600 },
  });
  const server = await listen(app, { host: "127.0.0.1", port: 0, shutdownTimeoutMs: 5_000 });
  const api = createApi(server.url);
  const indexer = new PoolIndexer({
    db,
    client,
    chainId: CHAIN_ID,
    confirmations: 0,
    registry: { address: registry, deployedBlock: 0n },
  });

  const wallet = async (account: Address, options: { reject?: () => boolean } = {}): Promise<Wallet> => {
    const prompts = new Set(["eth_requestAccounts", "eth_sendTransaction", "eth_signTypedData_v4"]);
    const provider: Eip1193Provider = {
      async request(args) {
        if (options.reject?.() && prompts.has(args.method))
          throw Object.assign(new Error("User rejected the request."), { code: 4001 });
        // A wallet holds one account, whatever the node unlocks.
        if (args.method === "eth_accounts" || args.method === "eth_requestAccounts") return [account];
        return connection.provider.request(args as { method: string; params?: unknown[] });
      },
    };
    const w = new Wallet(CHAIN_ID, () => provider);
    await w.connect();
    return w;
  };

  const world: World = {
    connection,
    client,
    pool: getAddress(created.pool),
    registry,
    factory,
    usdc,
    api,
    server,
    db,
    async catchUp() {
      await indexer.syncOnce();
      chainNowMs = Number((await client.getBlock()).timestamp) * 1000;
    },
    async advance(seconds) {
      await networkHelpers.time.increase(seconds);
    },
    wallet,
    ctx: (w) => ({ api, wallet: w, chainId: CHAIN_ID, pools: [] }),
    async close() {
      await server.close();
      await db.close();
      await connection.close();
    },
  };
  // The pool as an admin registers it, through the page's signed API call.
  await api.signedRequest(await wallet(ADMIN), "POST", "/v1/pools", {
    address: world.pool,
    name: "Acme AI royalties",
    deployedBlock: String(created.receipt.blockNumber),
  });
  return world;
}

/** The engine's default policy document, as an admin pastes it into the editor. */
export const DEFAULT_POLICY = readFileSync(
  fileURLToPath(new URL("../../attribution/policies/default.json", import.meta.url)),
  "utf8",
);

/**
 * What an admin does on the Admin page, through its controller: save the default policy (once), run
 * it on the lockfile and left-pad's manifest (naming `payee`), publish; returns the run and schedule.
 */
export async function publishRun(
  world: World,
  payee: Address,
): Promise<{ run: RunResult; scheduleId: bigint }> {
  const wallet = await world.wallet(ADMIN);
  const policy =
    (await admin.latestPolicy(world.api, "default")) ??
    (await admin.savePolicy(world.api, wallet, {
      name: "default",
      text: DEFAULT_POLICY,
      note: "",
      latest: undefined,
    }));
  const encode = (text: string) => new TextEncoder().encode(text);
  const run = await admin.startRun(world.api, wallet, {
    policy,
    pool: world.pool,
    files: [
      { name: "package-lock.json", type: "application/json", bytes: encode(LOCKFILE) },
      { name: "FUNDING.json", type: "application/json", bytes: encode(fundingManifest(payee)) },
    ],
  });
  const { scheduleId } = await admin.publishRun(wallet, world.pool, run, world.server.url, () => undefined);
  return { run, scheduleId };
}

/** A deposit from PAYER through the Pay controller (ETH unless `token` is given). */
export async function payInto(world: World, amount: string, token = ""): Promise<void> {
  const payer = await world.wallet(PAYER);
  const form = {
    pool: world.pool,
    token: zeroAddress,
    customToken: token,
    amount,
    memo: "",
    method: "approve" as const,
  };
  await pay(payer, form, () => undefined);
}
