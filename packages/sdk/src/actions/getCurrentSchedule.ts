import type { Address } from "viem";
import { getBlock, readContract } from "viem/actions";

import { royaltyPoolAbi } from "../abi/RoyaltyPool.ts";
import type { SdkClient } from "../internal/client.ts";
import { type Schedule, getSchedule } from "./getSchedule.ts";

export interface GetCurrentScheduleParameters {
  pool: Address;
}

export interface GetCurrentScheduleReturnType {
  /** The schedule deposits flow into now; null before the first one activates. */
  current: Schedule | null;
  /** The schedule waiting for its activation time; null if none. */
  pending: Schedule | null;
}

/** The pool's current and pending schedules. */
export async function getCurrentSchedule(
  client: SdkClient,
  parameters: GetCurrentScheduleParameters,
): Promise<GetCurrentScheduleReturnType> {
  const { pool } = parameters;
  const [currentId, pendingId, now] = await Promise.all([
    readContract(client, { address: pool, abi: royaltyPoolAbi, functionName: "currentScheduleId" }),
    readContract(client, { address: pool, abi: royaltyPoolAbi, functionName: "pendingScheduleId" }),
    getBlock(client).then((b) => b.timestamp),
  ]);
  const [current, pending] = await Promise.all([
    currentId === 0n ? null : getSchedule(client, { pool, scheduleId: currentId, now }),
    pendingId === 0n ? null : getSchedule(client, { pool, scheduleId: pendingId, now }),
  ]);
  return { current, pending };
}
