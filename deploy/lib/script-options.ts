import { existsSync } from "node:fs";
import path from "node:path";

import type { NetworkConnection } from "hardhat/types/network";
import { z } from "zod";

import { STRATEGIES, type Strategy } from "./deploy.ts";

/** Networks whose deployments stay on this machine: they keep the plain (`basic`) strategy by default. */
const LOCAL_NETWORKS: ReadonlySet<string> = new Set(["default", "localhost"]);

const envSchema = z.object({
  WELLSPRING_DEPLOY_PARAMETERS: z.string().min(1).optional(),
  WELLSPRING_DEPLOYMENT_ID: z.string().min(1).optional(),
  WELLSPRING_DEPLOY_STRATEGY: z.enum(STRATEGIES).optional(),
});

/**
 * What deploy/scripts/deploy.ts and export-addresses.ts deploy with, from the environment:
 * - parameters: WELLSPRING_DEPLOY_PARAMETERS, else deploy/parameters/<network>.json (`localhost.json` for the
 *   in-process network);
 * - deploymentId: WELLSPRING_DEPLOYMENT_ID, else Ignition's `chain-<chainId>`;
 * - strategy: WELLSPRING_DEPLOY_STRATEGY, else `create2` on every network but the local ones.
 */
export function scriptOptions(connection: NetworkConnection): {
  parameters: string;
  deploymentId?: string;
  strategy: Strategy;
} {
  const parsed = envSchema.safeParse(process.env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${issue.path.join(".")}: ${issue.message}`);
  }
  const env = parsed.data;
  const ephemeral = connection.networkConfig.type === "edr-simulated";
  const parametersName = ephemeral ? "localhost" : connection.networkName;
  const parameters =
    env.WELLSPRING_DEPLOY_PARAMETERS ??
    path.resolve(import.meta.dirname, "..", "parameters", `${parametersName}.json`);
  if (!existsSync(parameters)) {
    throw new Error(`no deployment parameters at ${parameters}: write them (see docs/deployment.md)`);
  }
  return {
    parameters,
    ...(env.WELLSPRING_DEPLOYMENT_ID ? { deploymentId: env.WELLSPRING_DEPLOYMENT_ID } : {}),
    strategy:
      env.WELLSPRING_DEPLOY_STRATEGY ??
      (ephemeral || LOCAL_NETWORKS.has(connection.networkName) ? "basic" : "create2"),
  };
}
