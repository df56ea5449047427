import { type Address, parseEventLogs } from "viem";

import { identityRegistryAbi } from "../abi/IdentityRegistry.ts";
import {
  type AccountParameter,
  type SdkClient,
  type TransactionResult,
  resolveAccount,
  sendContractTransaction,
} from "../internal/client.ts";
import type { SignedAttestation } from "./signAttestation.ts";

export type SubmitAttestationParameters = AccountParameter &
  SignedAttestation & {
    registry: Address;
  };

export type SubmitAttestationReturnType = TransactionResult & {
  /** True if the identity is bound now; false if a delayed rebind of a bound identity was proposed. */
  bound: boolean;
  /** When a rebind was proposed: the time from which finalizeRebind may apply it. */
  executableAt: bigint | undefined;
};

/**
 * Submits an attestor's signed attestation (anyone may send it, typically the maintainer who pays
 * the gas). Binds an unbound identity at once; on a bound one it proposes a delayed rebind.
 */
export async function submitAttestation(
  client: SdkClient,
  parameters: SubmitAttestationParameters,
): Promise<SubmitAttestationReturnType> {
  const account = resolveAccount(client, parameters.account, "submitAttestation");
  const result = await sendContractTransaction(client, {
    address: parameters.registry,
    abi: identityRegistryAbi,
    functionName: "submitAttestation",
    args: [parameters.attestation, parameters.identity, parameters.attestor, parameters.signature],
    account,
  });
  const logs = parseEventLogs({ abi: identityRegistryAbi, logs: result.receipt.logs }).filter(
    (log) => log.address.toLowerCase() === parameters.registry.toLowerCase(),
  );
  const rebind = logs.find((log) => log.eventName === "RebindProposed");
  return {
    ...result,
    bound: logs.some((log) => log.eventName === "IdentityBound"),
    executableAt: rebind?.eventName === "RebindProposed" ? rebind.args.executableAt : undefined,
  };
}
