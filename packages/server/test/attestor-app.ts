import { royaltyPoolAbi } from "@wellspring/sdk";
import type { Address } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type { Database } from "../src/db/database.ts";
import { createApp, type AppDeps } from "../src/http/app.ts";
import { listen } from "../src/http/server.ts";
import type { AttestorOptions } from "../src/services/attestations.ts";
import { deployChain } from "./chain-fixture.ts";
import { captureLogger, rolesFor, testConfig } from "./helpers.ts";

/** Hardhat's default account 1: the registry's attestor in the chain fixture. */
export const ATTESTOR_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
export const attestorAccount = privateKeyToAccount(ATTESTOR_KEY);
export const CHAIN_ID = 31337;

/** Deploys the contracts on the in-process chain and serves the app with the registry's attestor key. */
export async function startAttestor(
  db: Database,
  attestor: Partial<AttestorOptions>,
  deps: Partial<AppDeps> = {},
) {
  const chain = await deployChain();
  const registry: Address = await chain.publicClient.readContract({
    address: chain.pool,
    abi: royaltyPoolAbi,
    functionName: "registry",
  });
  const app = createApp({
    checkResponses: true,
    db,
    logger: captureLogger().logger,
    config: testConfig({ BODY_LIMIT_BYTES: 1024 * 1024 }),
    hasRole: rolesFor({ [chain.wallets.admin.account.address]: ["PROPOSER", "ADMIN"] }),
    chain: chain.publicClient,
    ...deps,
    attestor: {
      chainId: CHAIN_ID,
      registry,
      account: attestorAccount,
      maxAgeSeconds: 600,
      ttlSeconds: 3600,
      ratePerMinute: 6000,
      burst: 1000,
      ...attestor,
    },
  });
  const server = await listen(app, { host: "127.0.0.1", port: 0, shutdownTimeoutMs: 5_000 });
  return { chain, registry, server };
}
