import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";

import { HardhatArtifactResolver, resolveDeploymentId } from "@nomicfoundation/hardhat-ignition/helpers";
import { listTransactions, TransactionStatus } from "@nomicfoundation/ignition-core";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import type { NetworkConnection } from "hardhat/types/network";
import type { Address, Hash } from "viem";
import { z } from "zod";

import {
  addressSchema,
  deploymentRecordSchema,
  deploymentsSchema,
  type DeploymentRecord,
} from "@wellspring/sdk";

import { buildDeploymentRecord } from "./record.ts";

/** Where deployment address files live: `deploy/addresses/<chainId>.json`. */
export const ADDRESSES_DIR = path.resolve(import.meta.dirname, "..", "addresses");

/** Ignition future ids of the contracts the address file records (module id # future id). */
export const FUTURE_IDS = {
  registry: "IdentityRegistry#IdentityRegistry",
  factory: "PoolFactory#PoolFactory",
  implementation: "PoolFactory#RoyaltyPoolImplementation",
  pool: "Pool#RoyaltyPool",
} as const;

/** The file other parts of Wellspring (SDK, server, demo) read to find the contracts on a chain.
 *  The SDK owns its schema; writing is strict (version 2 with its record, no unknown fields), reading
 *  tolerates version 1 and newer fields. */
export const deploymentAddressesSchema = deploymentsSchema
  .extend({ version: z.literal(2), record: deploymentRecordSchema })
  .strict();

export type DeploymentAddresses = z.infer<typeof deploymentAddressesSchema>;

/** Path of the address file for `chainId`. */
export function addressesPath(chainId: number, dir: string = ADDRESSES_DIR): string {
  return path.join(dir, `${chainId}.json`);
}

/** Validates and writes an address file atomically (write to a temporary name, then rename). */
export async function writeDeploymentAddresses(
  addresses: DeploymentAddresses,
  dir: string = ADDRESSES_DIR,
): Promise<string> {
  const parsed = deploymentAddressesSchema.parse(addresses);
  const file = addressesPath(parsed.chainId, dir);
  await mkdir(dir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(parsed, null, 2) + "\n");
  await rename(tmp, file);
  return file;
}

/** Reads and validates the address file for `chainId`. */
export async function readDeploymentAddresses(
  chainId: number,
  dir: string = ADDRESSES_DIR,
): Promise<DeploymentAddresses> {
  const raw: unknown = JSON.parse(await readFile(addressesPath(chainId, dir), "utf8"));
  return deploymentAddressesSchema.parse(raw);
}

/** The Ignition journal directory of a persistent deployment. */
export function deploymentDir(hre: HardhatRuntimeEnvironment, deploymentId: string): string {
  return path.join(hre.config.paths.ignition, "deployments", deploymentId);
}

/**
 * Builds the address file of a finished persistent Ignition deployment of the Pool module (from
 * `npx hardhat ignition deploy` or `connection.ignition.deploy` on an HTTP network): addresses from its
 * `deployed_addresses.json`, the record (deploy block, blocks, strategy, code hashes) from the transactions in
 * its journal. `parameters` are the Ignition parameters the deployment was given.
 */
export async function collectDeploymentAddresses(
  hre: HardhatRuntimeEnvironment,
  connection: NetworkConnection,
  parameters: DeploymentRecord["parameters"],
  givenDeploymentId?: string,
): Promise<DeploymentAddresses> {
  const publicClient = await connection.viem.getPublicClient();
  const chainId = await publicClient.getChainId();
  const deploymentId = resolveDeploymentId(givenDeploymentId, chainId);
  const dir = deploymentDir(hre, deploymentId);

  const deployed = z
    .record(z.string(), addressSchema)
    .parse(JSON.parse(await readFile(path.join(dir, "deployed_addresses.json"), "utf8")));
  const pick = (futureId: string): Address => {
    const a = deployed[futureId];
    if (a === undefined) {
      throw new Error(`deployment ${deploymentId} has no ${futureId}: deploy deploy/modules/Pool.ts first`);
    }
    return a;
  };

  const transactions = await listTransactions(dir, new HardhatArtifactResolver(hre.artifacts));
  const hashes = transactions
    .filter((t) => t.status === TransactionStatus.SUCCESS)
    .map((t) => t.txHash as Hash);
  if (hashes.length === 0) throw new Error(`deployment ${deploymentId} has no successful transaction`);
  const addresses = {
    registry: pick(FUTURE_IDS.registry),
    factory: pick(FUTURE_IDS.factory),
    implementation: pick(FUTURE_IDS.implementation),
    pool: pick(FUTURE_IDS.pool),
  };
  const { deployBlock, record } = await buildDeploymentRecord(hre, connection, addresses, hashes, parameters);

  return deploymentAddressesSchema.parse({
    version: 2,
    chainId,
    network: connection.networkName,
    deploymentId,
    deployBlock,
    ...addresses,
    record,
  });
}
