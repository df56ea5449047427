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

/**
 * Reads `<dir>/<chainId>.json` (Node only; `dir` is usually `deploy/addresses` of the repository).
 * Throws DeploymentsError when the file is missing, is not JSON, or is for another chain.
 */
export async function readDeployments(parameters: { dir: string; chainId: number }): Promise<Deployments> {
  const { readFile } = await import("node:fs/promises");
  const file = `${parameters.dir.replace(/\/+$/, "")}/${parameters.chainId}.json`;
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new DeploymentsError(`No address file for chain ${parameters.chainId}.`, {
      details: `${file}: deploy first (npx hardhat run deploy/scripts/deploy.ts --network <name>)`,
      cause: error,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new DeploymentsError(`${file} is not valid JSON.`, { cause: error });
  }
  const deployments = parseDeployments(json, file);
  if (deployments.chainId !== parameters.chainId) {
    throw new DeploymentsError(`${file} is for chain ${deployments.chainId}, not ${parameters.chainId}.`);
  }
  return deployments;
}
