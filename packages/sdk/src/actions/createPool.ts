import { type Address, type Hex, isAddress, parseEventLogs, zeroAddress } from "viem";

import { poolFactoryAbi } from "../abi/PoolFactory.ts";
import { InvalidArgumentError, SdkError } from "../errors.ts";
import {
  type AccountParameter,
  type SdkClient,
  type TransactionResult,
  resolveAccount,
  sendContractTransaction,
} from "../internal/client.ts";

/**
 * The pool's on-chain lower bounds in seconds (`RoyaltyPool.MIN_ACTIVATION_DELAY`, `MIN_CLAIM_WINDOW`;
 * test/contracts/PoolFactory.test.ts checks they match): the least time guardians get to revoke a
 * proposal, and payees of a superseded schedule get to claim. The server refuses to register a pool below them.
 */
export const POOL_MIN_DELAYS = { activationDelay: 3600, claimWindow: 86_400 } as const;

/** Most ERC-20s a pool's token list may hold (`RoyaltyPool.MAX_TOKENS`). */
export const POOL_MAX_ALLOWED_TOKENS = 32;

export interface PoolConfig {
  /** Pool admin (two-step transferable), e.g. the consortium multisig. */
  admin: Address;
  /** Identity registry the pool reads payees of identity accountIds from. */
  registry: Address;
  /** Seconds between a schedule proposal and its activation (at least `POOL_MIN_DELAYS.activationDelay`). */
  activationDelay: number;
  /** Seconds after a schedule is superseded before its remainder may be swept (at least `POOL_MIN_DELAYS.claimWindow`). */
  claimWindow: number;
  proposers: readonly Address[];
  guardians: readonly Address[];
}

export type CreatePoolParameters = AccountParameter & {
  factory: Address;
  config: PoolConfig;
  /** For a deterministic address (`createPoolDeterministic`); the factory mixes in the sender. */
  salt?: Hex | undefined;
  /**
   * The only ERC-20s the pool will accept (ETH always is), fixed for the pool's life; deposits and `sync`
   * of any other token revert, so a hostile token cannot make the pool emit `Deposited`. Omitted or
   * empty: every token (`createPool` / `createPoolDeterministic`).
   */
  tokens?: readonly Address[] | undefined;
};

export type CreatePoolReturnType = TransactionResult & { pool: Address };

/** Creates and initializes a pool through the factory and returns its address (from PoolCreated). */
export async function createPool(
  client: SdkClient,
  parameters: CreatePoolParameters,
): Promise<CreatePoolReturnType> {
  const { factory, config, salt } = parameters;
  for (const [name, value] of [
    ["activationDelay", config.activationDelay],
    ["claimWindow", config.claimWindow],
  ] as const) {
    if (!Number.isInteger(value) || value < POOL_MIN_DELAYS[name] || value > 0xffffffff) {
      throw new InvalidArgumentError(
        `${name} must be a whole number of seconds from ${POOL_MIN_DELAYS[name]} (the pool's minimum) to 2^32 - 1.`,
      );
    }
  }
  const tokens = checkedTokenList(parameters.tokens ?? []);
  const account = resolveAccount(client, parameters.account, "createPool");
  const call = { address: factory, abi: poolFactoryAbi, account } as const;
  let result: TransactionResult;
  if (tokens.length === 0) {
    result =
      salt === undefined
        ? await sendContractTransaction(client, { ...call, functionName: "createPool", args: [config] })
        : await sendContractTransaction(client, {
            ...call,
            functionName: "createPoolDeterministic",
            args: [config, salt],
          });
  } else {
    result =
      salt === undefined
        ? await sendContractTransaction(client, {
            ...call,
            functionName: "createPoolWithTokens",
            args: [config, tokens],
          })
        : await sendContractTransaction(client, {
            ...call,
            functionName: "createPoolDeterministicWithTokens",
            args: [config, tokens, salt],
          });
  }
  const [event] = parseEventLogs({
    abi: poolFactoryAbi,
    logs: result.receipt.logs,
    eventName: "PoolCreated",
  }).filter((log) => log.address.toLowerCase() === factory.toLowerCase());
  if (!event) throw new SdkError("CONTRACT_REVERTED", "createPool emitted no PoolCreated event.");
  return { ...result, pool: event.args.pool };
}

/** The pool's own rules for a token list (RoyaltyPoolInvalidTokenList), checked before sending. */
function checkedTokenList(tokens: readonly Address[]): readonly Address[] {
  if (tokens.length > POOL_MAX_ALLOWED_TOKENS) {
    throw new InvalidArgumentError(`tokens may list at most ${POOL_MAX_ALLOWED_TOKENS} ERC-20s.`);
  }
  const seen = new Set<string>();
  tokens.forEach((token, i) => {
    if (!isAddress(token) || token.toLowerCase() === zeroAddress) {
      throw new InvalidArgumentError(`tokens[${i}] must be an ERC-20 address (ETH is always accepted).`);
    }
    if (seen.has(token.toLowerCase())) throw new InvalidArgumentError(`tokens[${i}] repeats ${token}.`);
    seen.add(token.toLowerCase());
  });
  return tokens;
}
