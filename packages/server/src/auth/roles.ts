import type { Address } from "viem";

/** On-chain roles (docs/design.md#roles). ADMIN is the consortium multisig. */
export const ROLES = ["ADMIN", "PROPOSER", "GUARDIAN", "ATTESTOR"] as const;
export type Role = (typeof ROLES)[number];

/**
 * What a request concerns, for roles that are held per pool (PROPOSER, GUARDIAN): a request that
 * acts on one pool (e.g. publishing a run of that pool) is checked against that pool only.
 */
export interface RoleScope {
  pool?: Address | undefined;
}

/**
 * Answers whether `address` (lower-case 0x hex) holds `role` (in `scope`, when the request
 * concerns one pool). Injected into the app: `chainHasRole` reads the contracts, `staticHasRole`
 * a fixed map (tests, development).
 */
export type HasRole = (role: Role, address: `0x${string}`, scope?: RoleScope) => Promise<boolean>;

/** Role check from a fixed map (the STATIC_ROLES env var); every address not listed holds nothing. */
export function staticHasRole(map: ReadonlyMap<Role, ReadonlySet<string>> | undefined): HasRole {
  return async (role, address) => map?.get(role)?.has(address.toLowerCase()) ?? false;
}
