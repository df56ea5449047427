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

export type SyncParameters = AccountParameter & {
  pool: Address;
  /** An ERC-20 token sent to the pool by plain transfer (ETH is credited on receipt). */
  token: Address;
};

export type SyncReturnType = TransactionResult & { credited: bigint; scheduleId: bigint };

/** Anyone: credits tokens sent to the pool by plain transfer to the current schedule's pot. */
export async function sync(client: SdkClient, parameters: SyncParameters): Promise<SyncReturnType> {
  const account = resolveAccount(client, parameters.account, "sync");
  const result = await sendContractTransaction(client, {
    address: parameters.pool,
    abi: royaltyPoolAbi,
    functionName: "sync",
    args: [parameters.token],
    account,
  });
  const [event] = poolEvents(result.receipt, "Synced", parameters.pool);
  return { ...result, credited: event?.args.amount ?? 0n, scheduleId: event?.args.scheduleId ?? 0n };
}
