import { identityRegistryAbi, royaltyPoolAbi } from "@wellspring/sdk";
import { getAddress, keccak256, stringToBytes, type Address, type Hex, type PublicClient } from "viem";
import type { Database } from "../db/database.ts";
import { isContractAnswer } from "../chain-errors.ts";
import { ServerError } from "../errors.ts";
import type { HasRole, Role, RoleScope } from "./roles.ts";

/** `bytes32(0)`: OpenZeppelin's DEFAULT_ADMIN_ROLE, also the pool's admin role id. */
export const DEFAULT_ADMIN_ROLE: Hex = `0x${"00".repeat(32)}`;
export const ATTESTOR_ROLE: Hex = keccak256(stringToBytes("ATTESTOR_ROLE"));
export const PROPOSER_ROLE: Hex = keccak256(stringToBytes("PROPOSER_ROLE"));
export const GUARDIAN_ROLE: Hex = keccak256(stringToBytes("GUARDIAN_ROLE"));

export interface ChainRolesOptions {
  client: PublicClient;
  /** The IdentityRegistry: ATTESTOR is its ATTESTOR_ROLE, ADMIN its default admin (the consortium). */
  registry: Address;
  /**
   * Pools whose PROPOSER / GUARDIAN count for a request that concerns no particular pool (a new
   * policy version, a run): the pools registered on this server, plus the deployment's own pool.
   */
  pools: () => Promise<readonly Address[]>;
  /** How long an answer (yes or no) is reused. Default 15 s; 0 = ask the chain every time. */
  ttlMs?: number;
  now?: () => number;
}

/**
 * The server's roles read from the contracts (docs/design.md#roles):
 *
 * | server role | on-chain check                                                                  |
 * | ----------- | ------------------------------------------------------------------------------- |
 * | ADMIN       | `registry.hasRole(DEFAULT_ADMIN_ROLE, a)`: the consortium admin of the registry |
 * | ATTESTOR    | `registry.hasRole(ATTESTOR_ROLE, a)`                                            |
 * | PROPOSER    | `pool.hasRole(PROPOSER_ROLE, a)` of the request's pool; without one, of any     |
 * |             | pool in `pools()`                                                               |
 * | GUARDIAN    | `pool.hasRole(GUARDIAN_ROLE, a)`, same scoping as PROPOSER                      |
 *
 * Answers are cached for `ttlMs` (a revoked role stops working within that time). A chain that
 * does not answer is a 503 (`CHAIN_UNAVAILABLE`), never a silent "no" or "yes"; an address that
 * answers with no data or a revert (no pool there) holds no role.
 */
export function chainHasRole(options: ChainRolesOptions): HasRole {
  const ttl = options.ttlMs ?? 15_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { value: Promise<unknown>; expires: number }>();

  /** Memoises a chain read (also in flight, so a burst of requests costs one RPC call). */
  function cached<T>(key: string, read: () => Promise<T>): Promise<T> {
    const t = now();
    const hit = cache.get(key);
    if (hit && hit.expires > t) return hit.value as Promise<T>;
    if (cache.size >= 10_000) {
      for (const [k, v] of cache) if (v.expires <= t) cache.delete(k);
      if (cache.size >= 10_000) cache.clear();
    }
    const value = read();
    cache.set(key, { value, expires: t + ttl });
    // A failed read is not remembered.
    value.catch(() => {
      if (cache.get(key)?.value === value) cache.delete(key);
    });
    return value;
  }

  const read = (contract: Address, abi: "registry" | "pool", role: Hex, account: Address) =>
    cached(`${contract}:${role}:${account}`, async () => {
      try {
        return await options.client.readContract({
          address: contract,
          abi: abi === "registry" ? identityRegistryAbi : royaltyPoolAbi,
          functionName: "hasRole",
          args: [role, account],
        });
      } catch (error) {
        // An address without pool code (or one that reverts) holds no role there: 403, not 503.
        if (isContractAnswer(error)) return false;
        throw new ServerError("CHAIN_UNAVAILABLE", "could not read roles from the chain", {
          details: `hasRole on ${contract}`,
          cause: error,
        });
      }
    });

  const poolRole = (role: Role): Hex => (role === "PROPOSER" ? PROPOSER_ROLE : GUARDIAN_ROLE);

  return async (role: Role, address: `0x${string}`, scope?: RoleScope) => {
    const account = getAddress(address);
    const registry = getAddress(options.registry);
    switch (role) {
      case "ADMIN":
        return read(registry, "registry", DEFAULT_ADMIN_ROLE, account);
      case "ATTESTOR":
        return read(registry, "registry", ATTESTOR_ROLE, account);
      case "PROPOSER":
      case "GUARDIAN": {
        if (scope?.pool) return read(getAddress(scope.pool), "pool", poolRole(role), account);
        const pools = await cached("pools", () => options.pools());
        for (const pool of new Set(pools.map((p) => getAddress(p)))) {
          if (await read(pool, "pool", poolRole(role), account)) return true;
        }
        return false;
      }
    }
  };
}

/** The pools registered on this server for `chainId` (the unscoped PROPOSER / GUARDIAN set). */
export async function registeredPools(db: Database, chainId: number): Promise<Address[]> {
  const { rows } = await db.query<{ address: Hex }>("SELECT address FROM pools WHERE chain_id = $1", [
    chainId,
  ]);
  return rows.map((r) => getAddress(r.address));
}

/** The pool a run belongs to, for publishing (a PROPOSER of that pool, not of another, may publish it). */
export async function poolOfRun(db: Database, runId: string): Promise<Address | undefined> {
  if (!/^[1-9][0-9]{0,18}$/.test(runId)) return undefined;
  const { rows } = await db.query<{ address: Hex }>(
    "SELECT p.address FROM runs r JOIN pools p ON p.id = r.pool_id WHERE r.id = $1",
    [runId],
  );
  return rows[0] ? getAddress(rows[0].address) : undefined;
}
