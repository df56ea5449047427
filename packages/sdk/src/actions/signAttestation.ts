import { attestationDomain, attestationTypes } from "@wellspring/protocol";
import type { Address, Hex } from "viem";
import { getBlock, getChainId, readContract, signTypedData } from "viem/actions";

import { identityRegistryAbi } from "../abi/IdentityRegistry.ts";
import { type AccountId, isAddressAccount, toAccountId } from "../account.ts";
import { InvalidArgumentError } from "../errors.ts";
import { type AccountParameter, type SdkClient, accountAddress, resolveAccount } from "../internal/client.ts";

/** What an attestor signs (IIdentityRegistry.Attestation). */
export interface Attestation {
  accountId: AccountId;
  payee: Address;
  nonce: bigint;
  deadline: bigint;
}

export interface SignedAttestation {
  attestation: Attestation;
  /** The identity string when known; submitAttestation passes it so the registry emits it. */
  identity: string;
  attestor: Address;
  signature: Hex;
}

export type SignAttestationParameters = AccountParameter & {
  registry: Address;
  /** The canonical identity string, e.g. `github:583231`. */
  identity: string;
  payee: Address;
  /** Default: the registry's next nonce for the identity. */
  nonce?: bigint | undefined;
  /** Last second at which the attestation may be submitted; default: latest block time + 1 day. */
  deadline?: bigint | undefined;
};

export type SignAttestationReturnType = SignedAttestation;

export { ATTESTATION_DOMAIN_NAME, ATTESTATION_DOMAIN_VERSION, attestationTypes } from "@wellspring/protocol";

/**
 * ATTESTOR: signs the EIP-712 attestation that binds an identity to a payee wallet. The attestor
 * does this after checking off-chain that the payee controls the identity (funding manifest,
 * registry ownership); anyone can then submit it with submitAttestation.
 */
export async function signAttestation(
  client: SdkClient,
  parameters: SignAttestationParameters,
): Promise<SignAttestationReturnType> {
  const { registry, identity, payee } = parameters;
  const accountId = toAccountId(identity);
  if (isAddressAccount(accountId)) {
    throw new InvalidArgumentError("Addresses are paid directly; only identity strings can be bound.");
  }
  const account = resolveAccount(client, parameters.account, "signAttestation");
  const [chainId, nonce, deadline] = await Promise.all([
    getChainId(client),
    parameters.nonce ??
      readContract(client, {
        address: registry,
        abi: identityRegistryAbi,
        functionName: "nonces",
        args: [accountId],
      }),
    parameters.deadline ?? getBlock(client).then((b) => b.timestamp + 86_400n),
  ]);
  const attestation: Attestation = { accountId, payee, nonce, deadline };
  const signature = await signTypedData(client, {
    account,
    domain: attestationDomain(chainId, registry),
    types: attestationTypes,
    primaryType: "Attestation",
    message: attestation,
  });
  return { attestation, identity, attestor: accountAddress(account), signature };
}
