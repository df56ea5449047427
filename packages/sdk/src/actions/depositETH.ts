import type { Address, Hex } from "viem";

import { royaltyPoolAbi } from "../abi/RoyaltyPool.ts";
import { InvalidArgumentError } from "../errors.ts";
import {
  type AccountParameter,
  type SdkClient,
  type TransactionResult,
  resolveAccount,
  sendContractTransaction,
} from "../internal/client.ts";
import { toMemo } from "../internal/memo.ts";
import { poolEvents } from "../internal/receipt.ts";

export type DepositETHParameters = AccountParameter & {
  pool: Address;
  /** Amount in wei. */
  value: bigint;
  memo?: Hex | string | undefined;
};

export type DepositETHReturnType = TransactionResult & {
  credited: bigint;
  scheduleId: bigint;
};

/** Deposits ETH into a pool with a memo (`depositETH`). */
export async function depositETH(
  client: SdkClient,
  parameters: DepositETHParameters,
): Promise<DepositETHReturnType> {
  if (parameters.value <= 0n) throw new InvalidArgumentError("A deposit amount must be positive.");
  const account = resolveAccount(client, parameters.account, "depositETH");
  const result = await sendContractTransaction(client, {
    address: parameters.pool,
    abi: royaltyPoolAbi,
    functionName: "depositETH",
    args: [toMemo(parameters.memo)],
    value: parameters.value,
    account,
  });
  const [event] = poolEvents(result.receipt, "Deposited", parameters.pool);
  return { ...result, credited: event?.args.amount ?? 0n, scheduleId: event?.args.scheduleId ?? 0n };
}
