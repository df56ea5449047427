import { type Address, zeroAddress } from "viem";
import { readContract } from "viem/actions";

import { identityRegistryAbi } from "../abi/IdentityRegistry.ts";
import { type AccountId, accountIdToAddress, toAccountId } from "../account.ts";
import type { SdkClient } from "../internal/client.ts";

export interface GetPayeeParameters {
  registry: Address;
  /** An accountId, address or identity string. */
  account: string;
}

export interface GetPayeeReturnType {
  accountId: AccountId;
  /** Who is paid; null for an identity that is not bound yet. */
  payee: Address | null;
  /**
   * Unix time (seconds) from which pools pay this binding: a first binding stays cancellable by the
   * registry's admin or any attestor for `BINDING_DELAY`, and pools refuse it until then
   * (RoyaltyPoolPayeeNotYetPayable). 0n for addresses and unbound identities.
   */
  payableFrom: bigint;
  /**
   * Whether an attestor's rebind is pending: pools pay the identity nothing until it is finalized
   * (then to the new wallet) or cancelled (RoyaltyPoolPayeeRebindPending).
   */
  rebindPending: boolean;
  /** The pending rebind, if any. */
  pendingRebind: { newPayee: Address; attestor: Address; executableAt: bigint } | null;
}

/**
 * Where an account's money goes and whether pools pay it now: the address itself, or the identity's
 * binding in the registry (payee, from when it is payable, whether a rebind is pending).
 */
export async function getPayee(
  client: SdkClient,
  parameters: GetPayeeParameters,
): Promise<GetPayeeReturnType> {
  const accountId = toAccountId(parameters.account);
  const direct = accountIdToAddress(accountId);
  if (direct !== undefined) {
    return { accountId, payee: direct, payableFrom: 0n, rebindPending: false, pendingRebind: null };
  }
  const { registry } = parameters;
  const [[payee, rebindPending, payableFrom], [newPayee, attestor, executableAt]] = await Promise.all([
    readContract(client, {
      address: registry,
      abi: identityRegistryAbi,
      functionName: "bindingOf",
      args: [accountId],
    }),
    readContract(client, {
      address: registry,
      abi: identityRegistryAbi,
      functionName: "pendingRebindOf",
      args: [accountId],
    }),
  ]);
  return {
    accountId,
    payee: payee === zeroAddress ? null : payee,
    payableFrom,
    rebindPending,
    pendingRebind: newPayee === zeroAddress ? null : { newPayee, attestor, executableAt },
  };
}
