// Deploys registry, factory and one pool with Ignition and writes deploy/addresses/<chainId>.json (addresses
// and the deployment record).
//
//   npx hardhat run deploy/scripts/deploy.ts --network localhost
//
// Parameters, deployment id and strategy come from the environment (deploy/lib/script-options.ts):
// WELLSPRING_DEPLOY_PARAMETERS (default deploy/parameters/<network>.json), WELLSPRING_DEPLOYMENT_ID,
// WELLSPRING_DEPLOY_STRATEGY (`create2` on every network but the local ones).
import path from "node:path";

import hre from "hardhat";

import { writeDeploymentAddresses } from "../lib/addresses.ts";
import { deployWellspring } from "../lib/deploy.ts";
import { scriptOptions } from "../lib/script-options.ts";

const connection = await hre.network.create();
const addresses = await deployWellspring(hre, connection, { ...scriptOptions(connection), displayUi: true });

console.log(JSON.stringify(addresses, null, 2));
if (connection.networkConfig.type === "edr-simulated") {
  // The in-process chain disappears with this process; a file would only mislead the SDK and the server.
  console.log("in-process network: nothing persists, so no address file was written");
} else {
  console.log(`wrote ${path.relative(process.cwd(), await writeDeploymentAddresses(addresses))}`);
}
