// Writes deploy/addresses/<chainId>.json (addresses and the deployment record) from a finished
// `npx hardhat ignition deploy deploy/modules/Pool.ts`:
//
//   npx hardhat run deploy/scripts/export-addresses.ts --network localhost
//
// WELLSPRING_DEPLOYMENT_ID names the Ignition deployment if it is not the default `chain-<chainId>`;
// WELLSPRING_DEPLOY_PARAMETERS the parameters file it was given, if not deploy/parameters/<network>.json.
import path from "node:path";

import hre from "hardhat";

import { collectDeploymentAddresses, writeDeploymentAddresses } from "../lib/addresses.ts";
import { readParameters } from "../lib/parameters.ts";
import { scriptOptions } from "../lib/script-options.ts";

const connection = await hre.network.create();
if (connection.networkConfig.type === "edr-simulated") {
  throw new Error(
    "the in-process network keeps no deployment; use --network localhost or another HTTP network",
  );
}
const options = scriptOptions(connection);
const addresses = await collectDeploymentAddresses(
  hre,
  connection,
  await readParameters(options.parameters),
  options.deploymentId,
);
console.log(JSON.stringify(addresses, null, 2));
console.log(`wrote ${path.relative(process.cwd(), await writeDeploymentAddresses(addresses))}`);
