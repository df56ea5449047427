// Writes deploy/addresses/<chainId>.json from a finished `npx hardhat ignition deploy deploy/modules/Pool.ts`:
//
//   npx hardhat run deploy/scripts/export-addresses.ts --network localhost
//
// WELLSPRING_DEPLOYMENT_ID names the Ignition deployment if it is not the default `chain-<chainId>`.
import path from "node:path";

import hre from "hardhat";
import { z } from "zod";

import { collectDeploymentAddresses, writeDeploymentAddresses } from "../lib/addresses.ts";

const env = z.object({ WELLSPRING_DEPLOYMENT_ID: z.string().min(1).optional() }).parse(process.env);

const connection = await hre.network.create();
if (connection.networkConfig.type === "edr-simulated") {
  throw new Error(
    "the in-process network keeps no deployment; use --network localhost or another HTTP network",
  );
}
const addresses = await collectDeploymentAddresses(hre, connection, env.WELLSPRING_DEPLOYMENT_ID);
console.log(JSON.stringify(addresses, null, 2));
console.log(`wrote ${path.relative(process.cwd(), await writeDeploymentAddresses(addresses))}`);
