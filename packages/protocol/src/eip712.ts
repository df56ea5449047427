import type { Address } from "viem";

/**
 * EIP-712 types signed by wallets and checked by the contracts or the server. Every signer and
 * verifier (viem actions, the ethers adapter, the pages, the server) takes them from here.
 */

/** EIP-2612 `Permit`, signed for the pool by `depositWithPermit` (checked by the token's `permit`). */
export const PERMIT_TYPES = {
  Permit: [
    { name: "owner", type: "address" },
    { name: "spender", type: "address" },
    { name: "value", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
} as const;

/**
 * The server's admin API: every admin request is an EIP-712 `AdminRequest` over the method, the
 * path with its query, keccak256 of the body bytes, a random nonce and a deadline, sent in these
 * headers (docs/api.md "Admin authentication"). Signed by the pages, checked by the server.
 */
export const ADMIN_DOMAIN_NAME = "Wellspring Admin API";
export const ADMIN_DOMAIN_VERSION = "1";

export const ADMIN_REQUEST_TYPES = {
  AdminRequest: [
    { name: "method", type: "string" },
    { name: "path", type: "string" },
    { name: "bodyHash", type: "bytes32" },
    { name: "nonce", type: "bytes32" },
    { name: "deadline", type: "uint256" },
  ],
} as const;

export const ADMIN_HEADERS = {
  address: "x-wellspring-address",
  nonce: "x-wellspring-nonce",
  deadline: "x-wellspring-deadline",
  signature: "x-wellspring-signature",
} as const;

export function adminDomain(chainId: number) {
  return { name: ADMIN_DOMAIN_NAME, version: ADMIN_DOMAIN_VERSION, chainId } as const;
}

/**
 * What an attestor signs to bind an identity to a payee: IdentityRegistry `ATTESTATION_TYPEHASH`
 * (checked by `hashAttestation` / `submitAttestation`).
 */
export const ATTESTATION_DOMAIN_NAME = "Wellspring IdentityRegistry";
export const ATTESTATION_DOMAIN_VERSION = "1";

export const attestationTypes = {
  Attestation: [
    { name: "accountId", type: "bytes32" },
    { name: "payee", type: "address" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
} as const;

export function attestationDomain(chainId: number, registry: Address) {
  return {
    name: ATTESTATION_DOMAIN_NAME,
    version: ATTESTATION_DOMAIN_VERSION,
    chainId,
    verifyingContract: registry,
  } as const;
}

/**
 * What a payee wallet signs to ask the server's attestor for a binding (docs/api.md; checked by
 * the server, not on chain).
 */
export const BINDING_DOMAIN_NAME = "Wellspring Attestor";
export const BINDING_DOMAIN_VERSION = "1";

export const BINDING_REQUEST_TYPES = {
  BindingRequest: [
    { name: "identity", type: "string" },
    { name: "payee", type: "address" },
    { name: "manifestHash", type: "bytes32" },
    { name: "nonce", type: "bytes32" },
    { name: "deadline", type: "uint256" },
  ],
} as const;

export function bindingDomain(chainId: number, registry: Address) {
  return {
    name: BINDING_DOMAIN_NAME,
    version: BINDING_DOMAIN_VERSION,
    chainId,
    verifyingContract: registry,
  } as const;
}
