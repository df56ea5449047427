import { z } from "zod/v4";
import type { Address } from "viem";
import { route, type AnyRoute } from "../route.ts";
import { hexOut, responseSchemas, uintString } from "../schemas.ts";

/** The contracts this server was started with (DEPLOYMENTS_DIR/<CHAIN_ID>.json, REGISTRY_ADDRESS). */
export interface DeploymentInfo {
  network?: string;
  registry?: Address;
  factory?: Address;
  pool?: Address;
  deployBlock?: bigint;
}

export const deploymentResponse = z
  .object({
    chainId: z.number().int(),
    network: z.string().nullable(),
    registry: hexOut.nullable().meta({ description: "The IdentityRegistry the server uses" }),
    factory: hexOut
      .nullable()
      .meta({ description: "The deployment's PoolFactory (new pools are made by it)" }),
    pool: hexOut.nullable().meta({ description: "The pool the deployment made" }),
    deployBlock: uintString.nullable().meta({ description: "The deployment's first block" }),
  })
  .register(responseSchemas, { id: "Deployment" });

export function deploymentRoutes(chainId: number, deployment: DeploymentInfo): AnyRoute[] {
  return [
    route({
      method: "get",
      path: "/v1/deployment",
      operationId: "getDeployment",
      summary: "The deployment's contracts as this server knows them (null where it does not)",
      description:
        "From the deployment address file (DEPLOYMENTS_DIR/<CHAIN_ID>.json) and REGISTRY_ADDRESS: what pages " +
        "prefill when creating a pool. Every field is null on a server started without them.",
      tags: ["system"],
      responses: { 200: { description: "The deployment", schema: deploymentResponse } },
    }).handle(async () => ({
      body: {
        chainId,
        network: deployment.network ?? null,
        registry: deployment.registry ?? null,
        factory: deployment.factory ?? null,
        pool: deployment.pool ?? null,
        deployBlock: deployment.deployBlock?.toString() ?? null,
      },
    })),
  ];
}
