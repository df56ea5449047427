// Register and create a pool, the logic: what the server knows to prefill (its deployment's factory
// and registry, GET /v1/deployment; the tokens it has seen, GET /v1/tokens), the form read with an
// InputError at the field that is wrong, and a new pool deployed from the wallet, then registered.
// No DOM: register.view.ts renders; test/register.test.ts runs this for real.
import { POOL_MIN_DELAYS, type PoolConfig, createPool } from "@wellspring/sdk";
import { type Address, getAddress, isAddress, zeroAddress } from "viem";

import { registerPool } from "./admin.ts";
import { type Api, ApiError, type Deployment, type Pool } from "./api.ts";
import { InputError } from "./errors.ts";
import type { Token } from "./units.ts";
import { type Progress, type Wallet, progressOf } from "./wallet.ts";

/** What the forms can be filled with before anyone types. */
export interface PoolDefaults {
  /** The deployment's PoolFactory and IdentityRegistry; "" where the server does not know them. */
  factory: string;
  registry: string;
  /** The deployment's own pool when it is not registered here yet (for the Register form). */
  unregistered: { address: string; deployedBlock: string } | undefined;
  /** ERC-20s the server has seen (GET /v1/tokens, the chain's currency left out: it is always accepted). */
  tokens: Token[];
}

/** The server's deployment and tokens; an older server without them just prefills nothing. */
export async function poolDefaults(
  api: Api,
  registered: readonly Pick<Pool, "address">[],
): Promise<PoolDefaults> {
  const [deployment, tokenList] = await Promise.all([
    api.get<Deployment>("/v1/deployment").catch((error: unknown) => {
      if (error instanceof ApiError && error.status === 404) return undefined;
      throw error;
    }),
    api.get<{ tokens: Token[] }>("/v1/tokens").catch(() => ({ tokens: [] })),
  ]);
  const pool = deployment?.pool;
  const known = pool && registered.some((p) => p.address.toLowerCase() === pool.toLowerCase());
  return {
    factory: deployment?.factory ?? "",
    registry: deployment?.registry ?? "",
    unregistered:
      pool && !known && deployment?.deployBlock
        ? { address: pool, deployedBlock: deployment.deployBlock }
        : undefined,
    tokens: tokenList.tokens.filter((t) => getAddress(t.address) !== zeroAddress),
  };
}

export interface CreatePoolForm {
  factory: string;
  registry: string;
  name: string;
  admin: string;
  /** Addresses separated by commas, spaces or new lines. */
  proposers: string;
  guardians: string;
  delayHours: string;
  windowDays: string;
  /** The ERC-20s ticked, plus any typed (separated as above); none: the pool accepts every token. */
  tokens: string[];
  otherTokens: string;
}

const oneAddress = (text: string, field: string, what: string): Address => {
  const v = text.trim();
  if (!isAddress(v, { strict: false })) throw new InputError(field, `Enter ${what}: 0x and 40 hex digits.`);
  return getAddress(v);
};

const addressList = (text: string, field: string, what: string): Address[] =>
  text
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((v) => {
      if (!isAddress(v, { strict: false })) throw new InputError(field, `${v} is not an address (${what}).`);
      return getAddress(v);
    });

/** The form as the SDK's createPool takes it; InputError names the first field that is wrong. */
export function readCreatePoolForm(input: CreatePoolForm): {
  factory: Address;
  config: PoolConfig;
  tokens: Address[];
  name: string;
} {
  const factory = oneAddress(input.factory, "factory", "the PoolFactory's address");
  const registry = oneAddress(input.registry, "registry", "the IdentityRegistry's address");
  const name = input.name.trim();
  if (!name) throw new InputError("name", "Name the pool (people see this name on every page).");
  const admin = oneAddress(input.admin, "admin", "the admin's address (your wallet, or a multisig)");
  const proposers = addressList(input.proposers, "proposers", "who may propose schedules");
  if (proposers.length === 0)
    throw new InputError("proposers", "Name at least one proposer: who publishes share tables.");
  const guardians = addressList(input.guardians, "guardians", "who may revoke a proposal");
  if (guardians.length === 0)
    throw new InputError("guardians", "Name at least one guardian: who can revoke a bad proposal.");
  const whole = (text: string, key: string, unit: string, min: number): number => {
    const n = Number(text.trim());
    if (!/^\d+$/.test(text.trim()) || n < min)
      throw new InputError(key, `Enter a whole number of ${unit}, at least ${min}.`);
    return n;
  };
  // The pool's minimums (1 hour, 1 day) in the units asked.
  const activationDelay =
    whole(input.delayHours, "delayHours", "hours", POOL_MIN_DELAYS.activationDelay / 3600) * 3600;
  const claimWindow =
    whole(input.windowDays, "windowDays", "days", POOL_MIN_DELAYS.claimWindow / 86_400) * 86_400;
  const typed = addressList(input.otherTokens, "otherTokens", "an ERC-20 token");
  if (typed.some((t) => t === zeroAddress))
    throw new InputError("otherTokens", "ETH is always accepted: list ERC-20 tokens only.");
  // The SDK checks the list against the pool's own limits (at most 32) before the wallet is asked.
  const tokens = [...new Set([...input.tokens.map((t) => getAddress(t)), ...typed])];
  return {
    factory,
    name,
    tokens,
    config: { admin, registry, activationDelay, claimWindow, proposers, guardians },
  };
}

/**
 * Deploys a new pool through the PoolFactory from the wallet (the SDK's createPool; with a token
 * list, the pool accepts only those ERC-20s and ETH), then registers it on the server from the block
 * it was made in (an ADMIN-signed request).
 */
export async function createAndRegisterPool(
  api: Api,
  wallet: Wallet,
  input: CreatePoolForm,
  progress: Progress,
): Promise<Pool> {
  const { factory, config, tokens, name } = readCreatePoolForm(input);
  const { wallet: signer } = wallet.ready(progressOf(progress, "the new pool"));
  const created = await createPool(signer, { factory, config, tokens });
  return registerPool(api, wallet, {
    address: created.pool,
    name,
    deployedBlock: created.receipt.blockNumber.toString(),
  });
}
