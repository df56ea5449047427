import { readFile } from "node:fs/promises";

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import type { NetworkConnection } from "hardhat/types/network";
import {
  type Address,
  type Hash,
  type Hex,
  type TransactionReceipt,
  getAddress,
  isAddressEqual,
  keccak256,
  parseEventLogs,
} from "viem";
import { z } from "zod";

import { type DeploymentRecord, poolFactoryAbi } from "@wellspring/sdk";

import { CREATEX_ADDRESS, create2SaltOf } from "./createx.ts";

/** The contracts of a deployment, as the address file names them. */
export interface DeployedAddresses {
  registry: Address;
  factory: Address;
  implementation: Address;
  pool: Address;
}

/** Artifact names of the contracts deployed from artifacts (the pool is a clone of the implementation). */
const ARTIFACTS = {
  registry: "IdentityRegistry",
  factory: "PoolFactory",
  implementation: "RoyaltyPool",
} as const;

const immutableReferencesSchema = z.record(
  z.string(),
  z.array(z.object({ start: z.number(), length: z.number() })),
);

const buildInfoSchema = z.object({
  solcLongVersion: z.string(),
  input: z.object({
    settings: z.object({
      optimizer: z.object({ enabled: z.boolean(), runs: z.number().optional() }),
      viaIR: z.boolean().optional(),
      evmVersion: z.string(),
    }),
  }),
});

/**
 * Builds the record of a finished deployment from its transactions and the chain: which transaction created
 * each contract (its block), who sent them, the strategy and salt (read from the registry's transaction), the
 * compiler settings of the build, and the code hashes. Throws when the code on the chain is not what this
 * checkout's artifacts hold, so a record always describes the build it names.
 */
export async function buildDeploymentRecord(
  hre: HardhatRuntimeEnvironment,
  connection: NetworkConnection,
  addresses: DeployedAddresses,
  transactionHashes: readonly Hash[],
  parameters: DeploymentRecord["parameters"],
): Promise<{ deployBlock: number; record: DeploymentRecord }> {
  const publicClient = await connection.viem.getPublicClient();
  const receipts = await Promise.all(
    transactionHashes.map((hash) => publicClient.getTransactionReceipt({ hash })),
  );
  const successful = receipts.filter((r) => r.status === "success");
  if (successful.length === 0) throw new Error("the deployment has no successful transaction");

  const registryReceipt = creationReceipt(successful, addresses.registry);
  const factoryReceipt = creationReceipt(successful, addresses.factory);
  const poolReceipt = successful.find((r) =>
    parseEventLogs({ abi: poolFactoryAbi, logs: r.logs, eventName: "PoolCreated" }).some(
      (log) =>
        isAddressEqual(log.address, addresses.factory) && isAddressEqual(log.args.pool, addresses.pool),
    ),
  );
  if (poolReceipt === undefined)
    throw new Error(`no transaction of the deployment created the pool ${addresses.pool}`);

  const registryTransaction = await publicClient.getTransaction({ hash: registryReceipt.transactionHash });
  const salt =
    registryTransaction.to && isAddressEqual(registryTransaction.to, CREATEX_ADDRESS)
      ? create2SaltOf(registryTransaction.input)
      : undefined;

  const fromArtifact = async (key: keyof typeof ARTIFACTS, block: bigint) => {
    const name = ARTIFACTS[key];
    const artifact = await hre.artifacts.readArtifact(name);
    const code = await deployedCode(connection, addresses[key]);
    const expected = artifact.deployedBytecode.toLowerCase();
    const references = immutableReferencesSchema.parse(artifact.immutableReferences ?? {});
    if (maskImmutables(code, references) !== expected) {
      throw new Error(
        `the code at ${addresses[key]} (${key}) is not the ${name} of this checkout's build: ` +
          "record the deployment from the commit that deployed it",
      );
    }
    return {
      contract: name,
      block: Number(block),
      codeHash: keccak256(code),
      artifactCodeHash: keccak256(expected as Hex),
    };
  };

  const poolCode = await deployedCode(connection, addresses.pool);
  const clonePrefix = `0x363d3d373d3d3d363d73${addresses.implementation.slice(2).toLowerCase()}5af43d82803e903d91602b57fd5bf3`;
  if (!poolCode.startsWith(clonePrefix)) {
    throw new Error(
      `the pool ${addresses.pool} is not an EIP-1167 clone of the implementation ${addresses.implementation}`,
    );
  }

  const deployBlock = successful.reduce(
    (min, r) => (r.blockNumber < min ? r.blockNumber : min),
    successful[0]!.blockNumber,
  );
  return {
    deployBlock: Number(deployBlock),
    record: {
      deployer: getAddress(registryTransaction.from),
      strategy: salt === undefined ? "basic" : "create2",
      salt: salt ?? null,
      compiler: await compilerSettings(hre, Object.values(ARTIFACTS)),
      parameters,
      contracts: {
        registry: await fromArtifact("registry", registryReceipt.blockNumber),
        factory: await fromArtifact("factory", factoryReceipt.blockNumber),
        // The factory's constructor deploys the implementation.
        implementation: await fromArtifact("implementation", factoryReceipt.blockNumber),
        pool: {
          contract: ARTIFACTS.implementation,
          block: Number(poolReceipt.blockNumber),
          codeHash: keccak256(poolCode),
          artifactCodeHash: null,
        },
      },
    },
  };
}

/** The receipt of the transaction that created `address`: a plain creation, or a call to CreateX that did. */
function creationReceipt(receipts: readonly TransactionReceipt[], address: Address): TransactionReceipt {
  const created = receipts.find(
    (r) =>
      (r.contractAddress && isAddressEqual(r.contractAddress, address)) ||
      // CreateX's ContractCreation(address indexed newContract, ...): the address is the first indexed topic.
      r.logs.some(
        (log) =>
          isAddressEqual(log.address, CREATEX_ADDRESS) &&
          log.topics[1] !== undefined &&
          isAddressEqual(`0x${log.topics[1].slice(26)}`, address),
      ),
  );
  if (created === undefined) throw new Error(`no transaction of the deployment created ${address}`);
  return created;
}

async function deployedCode(connection: NetworkConnection, address: Address): Promise<Hex> {
  const code = await (await connection.viem.getPublicClient()).getCode({ address });
  if (code === undefined || code === "0x") throw new Error(`no code at ${address}`);
  return code.toLowerCase() as Hex;
}

/** The code with the compiler's immutable slots zeroed, as they are in the artifact's deployedBytecode. */
function maskImmutables(code: Hex, references: z.infer<typeof immutableReferencesSchema>): Hex {
  const hex = code.slice(2).split("");
  for (const ranges of Object.values(references)) {
    for (const { start, length } of ranges) hex.fill("0", start * 2, (start + length) * 2);
  }
  return `0x${hex.join("")}`;
}

/** The settings every one of `contracts` was compiled with, from Hardhat's build info; one set or an error. */
async function compilerSettings(
  hre: HardhatRuntimeEnvironment,
  contracts: readonly string[],
): Promise<DeploymentRecord["compiler"]> {
  const ids = await Promise.all(
    contracts.map(async (name) => {
      const id = await hre.artifacts.getBuildInfoId(name);
      if (id === undefined) throw new Error(`no build info for ${name}: run npx hardhat build`);
      return id;
    }),
  );
  // One build usually compiled them all: read each build info once.
  const settings = await Promise.all(
    [...new Set(ids)].map(async (id) => {
      const file = await hre.artifacts.getBuildInfoPath(id);
      if (file === undefined) throw new Error(`build info ${id} is missing: run npx hardhat build`);
      const info = buildInfoSchema.parse(JSON.parse(await readFile(file, "utf8")));
      const { optimizer, viaIR, evmVersion } = info.input.settings;
      return { solc: info.solcLongVersion, optimizer, viaIR: viaIR ?? false, evmVersion };
    }),
  );
  const first = settings[0]!;
  if (settings.some((s) => JSON.stringify(s) !== JSON.stringify(first))) {
    throw new Error(`${contracts.join(", ")} were built with different compiler settings`);
  }
  return first;
}
