import { type Address, type Hex, parseEventLogs } from "viem";

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
  const account = resolveAccount(client, parameters.account, "createPool");
  const result =
    salt === undefined
      ? await sendContractTransaction(client, {
          address: factory,
          abi: poolFactoryAbi,
          functionName: "createPool",
          args: [config],
          account,
        })
      : await sendContractTransaction(client, {
          address: factory,
          abi: poolFactoryAbi,
          functionName: "createPoolDeterministic",
          args: [config, salt],
          account,
        });
  const [event] = parseEventLogs({
    abi: poolFactoryAbi,
    logs: result.receipt.logs,
    eventName: "PoolCreated",
  }).filter((log) => log.address.toLowerCase() === factory.toLowerCase());
  if (!event) throw new SdkError("CONTRACT_REVERTED", "createPool emitted no PoolCreated event.");
  return { ...result, pool: event.args.pool };
}
