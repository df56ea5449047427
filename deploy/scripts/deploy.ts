// Deploys registry, factory and one pool with Ignition and writes deploy/addresses/<chainId>.json.
//
//   npx hardhat run deploy/scripts/deploy.ts --network localhost
//
// Parameters come from deploy/parameters/<network>.json (the in-process network uses localhost.json) unless
// WELLSPRING_DEPLOY_PARAMETERS names another file; WELLSPRING_DEPLOYMENT_ID picks the Ignition deployment id.
import { existsSync } from "node:fs";
import path from "node:path";

import hre from "hardhat";
import { z } from "zod";

import { writeDeploymentAddresses } from "../lib/addresses.ts";
import { deployWellspring } from "../lib/deploy.ts";

const env = z
  .object({
    WELLSPRING_DEPLOY_PARAMETERS: z.string().min(1).optional(),
    WELLSPRING_DEPLOYMENT_ID: z.string().min(1).optional(),
  })
  .parse(process.env);

const connection = await hre.network.create();
const ephemeral = connection.networkConfig.type === "edr-simulated";
const parametersName = ephemeral ? "localhost" : connection.networkName;
const parameters =
  env.WELLSPRING_DEPLOY_PARAMETERS ??
  path.resolve(import.meta.dirname, "..", "parameters", `${parametersName}.json`);
if (!existsSync(parameters)) {
  throw new Error(`no deployment parameters at ${parameters}: write them (see docs/deployment.md)`);
}

const addresses = await deployWellspring(hre, connection, {
  parameters,
  deploymentId: env.WELLSPRING_DEPLOYMENT_ID,
  displayUi: true,
});

console.log(JSON.stringify(addresses, null, 2));
if (ephemeral) {
  // The in-process chain disappears with this process; a file would only mislead the SDK and the server.
  console.log("in-process network: nothing persists, so no address file was written");
} else {
  console.log(`wrote ${path.relative(process.cwd(), await writeDeploymentAddresses(addresses))}`);
}
