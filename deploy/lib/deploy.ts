import { readFile, rm, writeFile, mkdir } from "node:fs/promises";
import path from "node:path";

import { resolveDeploymentId } from "@nomicfoundation/hardhat-ignition/helpers";
import type { DeploymentParameters } from "@nomicfoundation/ignition-core";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import type { NetworkConnection } from "hardhat/types/network";
import type { Hash, Hex } from "viem";
import { z } from "zod";

import { addressSchema } from "@wellspring/sdk";

import PoolModule from "../modules/Pool.ts";
import {
  collectDeploymentAddresses,
  deploymentAddressesSchema,
  deploymentDir,
  type DeploymentAddresses,
} from "./addresses.ts";
import { ensureCreateX } from "./createx.ts";
import { readParameters } from "./parameters.ts";
import { buildDeploymentRecord } from "./record.ts";

/** Ignition's deployment strategies: `create2` deploys through CreateX, so addresses repeat across chains. */
export const STRATEGIES = ["basic", "create2"] as const;
export type Strategy = (typeof STRATEGIES)[number];

export interface DeployWellspringOptions {
  /** Ignition parameters object, or the path of a parameters JSON file. */
  parameters?: DeploymentParameters | string;
  /** `basic` (default) or `create2` with the salt of `ignition.strategyConfig.create2` in hardhat.config.ts. */
  strategy?: Strategy;
  /** CREATE2 salt (32 bytes) instead of the config's `ignition.strategyConfig.create2.salt`. */
  salt?: Hex;
  /** Ignition deployment id for persistent networks; defaults to `chain-<chainId>`. */
  deploymentId?: string;
  /** Show Ignition's progress display (for command-line use). */
  displayUi?: boolean;
}

// Ignition returns viem contract instances; only their addresses are kept. Parsing (rather than casting) them
// also covers builds where the generated artifact types are not visible to the type checker.
const deployedSchema = z.object({
  registry: z.object({ address: addressSchema }),
  factory: z.object({ address: addressSchema }),
  implementation: z.object({ address: addressSchema }),
  pool: z.object({ address: addressSchema }),
});

/**
 * Deploys registry, factory (with implementation) and one pool with Ignition and returns their addresses.
 *
 * On the in-process network nothing persists, so the result is built from what Ignition returned and the deploy
 * block is the first block after the one current before deploying. On HTTP networks Ignition keeps a journal in
 * deploy/deployments/<deploymentId>; a re-run resumes or reuses it, and the record is read back from that journal.
 */
export async function deployWellspring(
  hre: HardhatRuntimeEnvironment,
  connection: NetworkConnection,
  options: DeployWellspringOptions = {},
): Promise<DeploymentAddresses> {
  const publicClient = await connection.viem.getPublicClient();
  const chainId = await publicClient.getChainId();
  const ephemeral = connection.networkConfig.type === "edr-simulated";

  // Any Hardhat node (31337, or another id to rehearse a multi-chain deployment) may have been restarted.
  if (!ephemeral) {
    await forgetJournalOfRestartedNode(hre, connection, resolveDeploymentId(options.deploymentId, chainId));
  }

  const strategy = options.strategy ?? "basic";
  if (strategy === "create2") await ensureCreateX(connection);
  const parameters = await readParameters(options.parameters ?? {});

  const blockBefore = await publicClient.getBlockNumber();
  const deployed = deployedSchema.parse(
    await connection.ignition.deploy(PoolModule, {
      parameters: options.parameters ?? {},
      strategy,
      ...(strategy === "create2" && options.salt !== undefined
        ? { strategyConfig: { salt: options.salt } }
        : {}),
      deploymentId: options.deploymentId,
      displayUi: options.displayUi ?? false,
    }),
  );

  if (!ephemeral) return collectDeploymentAddresses(hre, connection, parameters, options.deploymentId);
  // Nothing persists a journal here: the deployment's transactions are those of the blocks it mined.
  const blockAfter = await publicClient.getBlockNumber();
  const hashes: Hash[] = [];
  for (let n = blockBefore + 1n; n <= blockAfter; n++) {
    hashes.push(...(await publicClient.getBlock({ blockNumber: n })).transactions);
  }
  const addresses = {
    registry: deployed.registry.address,
    factory: deployed.factory.address,
    implementation: deployed.implementation.address,
    pool: deployed.pool.address,
  };
  const { deployBlock, record } = await buildDeploymentRecord(hre, connection, addresses, hashes, parameters);
  return deploymentAddressesSchema.parse({
    version: 2,
    chainId,
    network: connection.networkName,
    deploymentId: null,
    deployBlock,
    ...addresses,
    record,
  });
}

const instanceFileSchema = z.record(z.string(), z.string());

/**
 * A restarted `hardhat node` is a new chain with the same chain id; Ignition's own `ignition deploy` task then
 * wipes the stale journal (on chain 31337), and this does the same for programmatic deploys on any Hardhat node
 * (same cache file, same rule). Real networks do not answer `hardhat_metadata` and are left alone.
 */
async function forgetJournalOfRestartedNode(
  hre: HardhatRuntimeEnvironment,
  connection: NetworkConnection,
  deploymentId: string,
): Promise<void> {
  const metadata = z
    .object({ instanceId: z.string() })
    .safeParse(await connection.provider.request({ method: "hardhat_metadata" }).catch(() => undefined));
  if (!metadata.success) return; // Not a Hardhat node: nothing to compare.

  const instanceFile = path.join(hre.config.paths.cache, ".hardhat-network-instances.json");
  let instances: Record<string, string> = {};
  try {
    instances = instanceFileSchema.parse(JSON.parse(await readFile(instanceFile, "utf8")));
  } catch {
    // Missing or unreadable: treat as no previous run.
  }
  if (instances[deploymentId] !== metadata.data.instanceId) {
    await rm(deploymentDir(hre, deploymentId), { recursive: true, force: true });
  }
  instances[deploymentId] = metadata.data.instanceId;
  await mkdir(path.dirname(instanceFile), { recursive: true });
  await writeFile(instanceFile, JSON.stringify(instances, null, 2));
}
