import type { Address } from "viem";
import { readContract } from "viem/actions";

import { royaltyPoolAbi } from "../abi/RoyaltyPool.ts";
import type { SdkClient } from "../internal/client.ts";

export interface GetPotParameters {
  pool: Address;
  /** 0 = the unallocated pot that waits for the first schedule. */
  scheduleId: bigint;
  /** `zeroAddress` = ETH. */
  token: Address;
}

export interface GetPotReturnType {
  deposited: bigint;
  claimed: bigint;
  /** deposited − claimed: what the schedule's accounts can still claim (minus rounding dust). */
  unclaimed: bigint;
  swept: boolean;
}

/** The pot of one (schedule, token): everything credited to it and what was claimed from it. */
export async function getPot(client: SdkClient, parameters: GetPotParameters): Promise<GetPotReturnType> {
  const { pool, scheduleId, token } = parameters;
  const [[deposited, claimed], swept] = await Promise.all([
    readContract(client, {
      address: pool,
      abi: royaltyPoolAbi,
      functionName: "potOf",
      args: [scheduleId, token],
    }),
    readContract(client, {
      address: pool,
      abi: royaltyPoolAbi,
      functionName: "isSwept",
      args: [scheduleId, token],
    }),
  ]);
  return { deposited, claimed, unclaimed: deposited - claimed, swept };
}
