import type { Address } from "viem";

import { royaltyPoolAbi } from "../abi/RoyaltyPool.ts";
import {
  type AccountParameter,
  type SdkClient,
  type TransactionResult,
  resolveAccount,
  sendContractTransaction,
} from "../internal/client.ts";

export type RevokeScheduleParameters = AccountParameter & {
  pool: Address;
  scheduleId: bigint;
};

export type RevokeScheduleReturnType = TransactionResult;

/** GUARDIAN or admin: revokes the pending schedule before it activates. */
export async function revokeSchedule(
  client: SdkClient,
  parameters: RevokeScheduleParameters,
): Promise<RevokeScheduleReturnType> {
  const account = resolveAccount(client, parameters.account, "revokeSchedule");
  return sendContractTransaction(client, {
    address: parameters.pool,
    abi: royaltyPoolAbi,
    functionName: "revokeSchedule",
    args: [parameters.scheduleId],
    account,
  });
}
