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
  // The registry's own events (a log of another contract with the same signature is not its).
  const registry = parameters.registry.toLowerCase();
  const events = <eventName extends "IdentityBound" | "RebindProposed">(eventName: eventName) =>
    parseEventLogs({ abi: identityRegistryAbi, logs: result.receipt.logs, eventName }).filter(
      (log) => log.address.toLowerCase() === registry,
    );
  const [rebind] = events("RebindProposed");
  return { ...result, bound: events("IdentityBound").length > 0, executableAt: rebind?.args.executableAt };
}
