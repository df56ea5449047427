import { readFile } from "node:fs/promises";

import type { DeploymentParameters } from "@nomicfoundation/ignition-core";
import { z } from "zod";

import { addressSchema, type DeploymentRecord } from "@wellspring/sdk";

const seconds = (min: number, max: number) => z.number().int().min(min).max(max);
const address = z.string().pipe(addressSchema);

/**
 * The parameters the modules in deploy/modules take (each optional: the module's default applies), with the
 * bounds the contracts enforce, so a bad or unfilled file fails before any transaction is sent.
 */
export const parametersSchema = z
  .object({
    IdentityRegistry: z
      .object({
        admin: address,
        adminTransferDelay: seconds(0, 2 ** 48 - 1),
        rebindDelay: seconds(86_400, 2_592_000), // MIN_REBIND_DELAY … MAX_REBIND_DELAY
        attestors: z.array(address),
      })
      .partial()
      .strict(),
    Pool: z
      .object({
        admin: address,
        proposer: address,
        guardian: address,
        activationDelay: seconds(3600, 2 ** 32 - 1), // MIN_ACTIVATION_DELAY, uint32
        claimWindow: seconds(86_400, 2 ** 32 - 1), // MIN_CLAIM_WINDOW, uint32
        tokens: z.array(address).max(32), // MAX_TOKENS
      })
      .partial()
      .strict(),
  })
  .partial()
  .strict();

/**
 * An Ignition parameters object, or read from its JSON file, checked against `parametersSchema`; errors name the
 * file and the field (a placeholder left in a parameters file is reported here). Kept as given for the record.
 */
export async function readParameters(
  parameters: DeploymentParameters | string,
): Promise<DeploymentRecord["parameters"]> {
  const source = typeof parameters === "string" ? parameters : "the deployment parameters";
  let json: unknown = parameters;
  if (typeof parameters === "string") {
    try {
      json = JSON.parse(await readFile(parameters, "utf8"));
    } catch (error) {
      throw new Error(`cannot read the deployment parameters ${parameters}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  const parsed = parametersSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${source}: ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  // The record keeps the values as written (addresses as given, not re-checksummed).
  return json as DeploymentRecord["parameters"];
}
