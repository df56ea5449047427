/**
 * @wellspring/sdk/node: the helpers that read files, kept out of the main entry so that it bundles
 * for the browser.
 */
import { readFile } from "node:fs/promises";

import { type Deployments, parseDeployments } from "./deployments.ts";
import { DeploymentsError } from "./errors.ts";

/**
 * Reads `<dir>/<chainId>.json` (`dir` is usually `deploy/addresses` of the repository).
 * Throws DeploymentsError when the file is missing, is not JSON, or is for another chain.
 */
export async function readDeployments(parameters: { dir: string; chainId: number }): Promise<Deployments> {
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
