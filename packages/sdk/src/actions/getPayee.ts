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
  /** A rebind waiting for its delay, if any. */
  pendingRebind: { newPayee: Address; attestor: Address; executableAt: bigint } | null;
}

/** Where an account's money goes: the address itself, or the identity's payee in the registry. */
export async function getPayee(
  client: SdkClient,
  parameters: GetPayeeParameters,
): Promise<GetPayeeReturnType> {
  const accountId = toAccountId(parameters.account);
  const direct = accountIdToAddress(accountId);
  if (direct !== undefined) return { accountId, payee: direct, pendingRebind: null };
  const { registry } = parameters;
  const [payee, [newPayee, attestor, executableAt]] = await Promise.all([
    readContract(client, {
      address: registry,
      abi: identityRegistryAbi,
      functionName: "payeeOf",
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
    pendingRebind: newPayee === zeroAddress ? null : { newPayee, attestor, executableAt },
  };
}
