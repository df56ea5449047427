/**
 * EIP-712 type definitions shared by the viem actions, the ethers adapter and the web pages
 * (`@wellspring/sdk/eip712` has no other imports, so a browser bundle takes only these).
 */

/** EIP-2612 `Permit`, signed for the pool by `depositWithPermit`. */
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
 * headers (docs/api.md "Admin authentication"). Signed by the web pages, checked by the server.
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
