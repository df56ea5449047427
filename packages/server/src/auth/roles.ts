/** On-chain roles (DESIGN.md "Roles"). ADMIN is the consortium multisig. */
export const ROLES = ["ADMIN", "PROPOSER", "GUARDIAN", "ATTESTOR"] as const;
export type Role = (typeof ROLES)[number];

/**
 * Answers whether `address` (lower-case 0x hex) holds `role`. Injected into the app so the
 * chain-backed implementation (reading the pool's AccessControl) can replace the static one
 * without touching routes or tests.
 */
export type HasRole = (role: Role, address: `0x${string}`) => Promise<boolean>;

/** Role check from a fixed map (the STATIC_ROLES env var); every address not listed holds nothing. */
export function staticHasRole(map: ReadonlyMap<Role, ReadonlySet<string>> | undefined): HasRole {
  return async (role, address) => map?.get(role)?.has(address.toLowerCase()) ?? false;
}
