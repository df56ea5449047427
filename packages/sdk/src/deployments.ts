import { type Address, getAddress, type Hex } from "viem";
import { z } from "zod";

import { DeploymentsError } from "./errors.ts";

/** A 20-byte 0x-hex address, returned checksummed. */
export const addressSchema = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "expected a 20-byte 0x-hex address")
  .transform((a) => getAddress(a));

const hashSchema = z
  .string()
  .regex(/^0x[0-9a-f]{64}$/, "expected a 32-byte lowercase 0x-hex hash")
  .transform((h) => h as Hex);
const blockSchema = z.number().int().nonnegative();

/** One contract of a deployment as read back from the chain. */
const deployedContractSchema = z.object({
  /** Artifact (contract) name. */
  contract: z.string().min(1),
  /** Block of the transaction that created it. */
  block: blockSchema,
  /** keccak256 of its runtime code on the chain. */
  codeHash: hashSchema,
  /**
   * keccak256 of the artifact's deployedBytecode. It differs from `codeHash` where the compiler leaves room for
   * immutables; the record is only written when the chain's code equals the artifact outside those places.
   * For the pool, an EIP-1167 clone, it is null: its code is checked to delegate to the implementation.
   */
  artifactCodeHash: hashSchema.nullable(),
});

/** Version 2 of the address file adds what was deployed, how and by whom (docs/deployment.md, the record). */
export const deploymentRecordSchema = z.object({
  /** The account that sent the deployment transactions. */
  deployer: addressSchema,
  /** Ignition strategy: `create2` deploys through CreateX with `salt`, so addresses repeat across chains. */
  strategy: z.enum(["basic", "create2"]),
  salt: hashSchema.nullable(),
  /** Settings of the build the deployed code was compared with (from Hardhat's build info). */
  compiler: z.object({
    solc: z.string().min(1),
    optimizer: z.object({ enabled: z.boolean(), runs: z.number().int().positive().optional() }),
    viaIR: z.boolean(),
    evmVersion: z.string().min(1),
  }),
  /** The Ignition parameters the deployment was given (omitted ones took the modules' defaults). */
  parameters: z.record(z.string(), z.record(z.string(), z.unknown())),
  contracts: z.object({
    registry: deployedContractSchema,
    factory: deployedContractSchema,
    implementation: deployedContractSchema,
    pool: deployedContractSchema,
  }),
});

export type DeploymentRecord = z.infer<typeof deploymentRecordSchema>;

/**
 * deploy/addresses/<chainId>.json, written by `npx hardhat run deploy/scripts/deploy.ts`. Version 1 holds the
 * addresses; version 2 adds `record`. Unknown fields are tolerated so that newer deploy scripts do not break
 * older SDKs.
 */
export const deploymentsSchema = z
  .object({
    version: z.union([z.literal(1), z.literal(2)]),
    chainId: z.number().int().positive(),
    network: z.string().min(1),
    deploymentId: z.string().min(1).nullable(),
    /** First block with a deployment transaction: where indexers start. */
    deployBlock: z.number().int().nonnegative(),
    registry: addressSchema,
    factory: addressSchema,
    implementation: addressSchema,
    pool: addressSchema,
    record: deploymentRecordSchema.optional(),
  })
  .passthrough();

export interface Deployments {
  chainId: number;
  network: string;
  deploymentId: string | null;
  deployBlock: bigint;
  registry: Address;
  factory: Address;
  implementation: Address;
  pool: Address;
  /** What was deployed, how and by whom; absent in version 1 files. */
  record?: DeploymentRecord;
}

/** Validates a parsed address file; throws DeploymentsError naming the bad field. */
export function parseDeployments(json: unknown, source = "deployments"): Deployments {
  const parsed = deploymentsSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DeploymentsError(`${source} is not a Wellspring address file.`, {
      details: issue ? `${issue.path.join(".") || "(root)"}: ${issue.message}` : undefined,
      cause: parsed.error,
    });
  }
  const d = parsed.data;
  return {
    chainId: d.chainId,
    network: d.network,
    deploymentId: d.deploymentId,
    deployBlock: BigInt(d.deployBlock),
    registry: d.registry,
    factory: d.factory,
    implementation: d.implementation,
    pool: d.pool,
    ...(d.record ? { record: d.record } : {}),
  };
}
