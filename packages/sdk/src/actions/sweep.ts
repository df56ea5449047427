import type { Address } from "viem";

import { royaltyPoolAbi } from "../abi/RoyaltyPool.ts";
import {
  type AccountParameter,
  type SdkClient,
  type TransactionResult,
  resolveAccount,
  sendContractTransaction,
} from "../internal/client.ts";
import { poolEvents } from "../internal/receipt.ts";

export type SweepParameters = AccountParameter & {
  pool: Address;
  /** A superseded schedule whose claim window has passed. */
  scheduleId: bigint;
  /** `zeroAddress` = ETH. */
  token: Address;
};

export type SweepReturnType = TransactionResult & {
  /** The unclaimed remainder moved. */
  amount: bigint;
  /** The schedule that received it (the current one). */
  intoScheduleId: bigint;
};

/**
 * Anyone: moves the unclaimed remainder of a superseded schedule's pot, once the pool's claim window
 * has passed, into the current schedule. Later claims on that (schedule, token) revert.
 */
export async function sweep(client: SdkClient, parameters: SweepParameters): Promise<SweepReturnType> {
  const { pool, scheduleId, token } = parameters;
  const account = resolveAccount(client, parameters.account, "sweep");
  const result = await sendContractTransaction(client, {
    address: pool,
    abi: royaltyPoolAbi,
    functionName: "sweep",
    args: [scheduleId, token],
    account,
  });
  const [event] = poolEvents(result.receipt, "Swept", pool);
  return { ...result, amount: event?.args.amount ?? 0n, intoScheduleId: event?.args.intoScheduleId ?? 0n };
}
