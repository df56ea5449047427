import { type Address, getAddress } from "viem";
import { z } from "zod";

import { DeploymentsError } from "./errors.ts";

/** A 20-byte 0x-hex address, returned checksummed. */
export const addressSchema = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "expected a 20-byte 0x-hex address")
  .transform((a) => getAddress(a));

/**
 * deploy/addresses/<chainId>.json, written by `npx hardhat run deploy/scripts/deploy.ts` (version 1).
 * Unknown fields are tolerated so that newer deploy scripts do not break older SDKs.
 */
export const deploymentsSchema = z
  .object({
    version: z.literal(1),
    chainId: z.number().int().positive(),
    network: z.string().min(1),
    deploymentId: z.string().min(1).nullable(),
    /** First block with a deployment transaction: where indexers start. */
    deployBlock: z.number().int().nonnegative(),
    registry: addressSchema,
    factory: addressSchema,
    implementation: addressSchema,
    pool: addressSchema,
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
  };
}
