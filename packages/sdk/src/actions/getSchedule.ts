import { scheduleStatus, type ScheduleStatus } from "@wellspring/protocol";
import type { Address, Hex } from "viem";
import { getBlock, readContract } from "viem/actions";

import { royaltyPoolAbi } from "../abi/RoyaltyPool.ts";
import type { SdkClient } from "../internal/client.ts";

export type { ScheduleStatus };

export interface Schedule {
  scheduleId: bigint;
  root: Hex;
  totalShares: bigint;
  activatesAt: bigint;
  /** 0 while not superseded (or not yet known). */
  supersededAt: bigint;
  revoked: boolean;
  /** Derived from the timestamps and the latest block's time (protocol `scheduleStatus`). */
  status: ScheduleStatus;
}

export interface GetScheduleParameters {
  pool: Address;
  scheduleId: bigint;
  /** Time to derive `status` at; default: the latest block's timestamp. */
  now?: bigint | undefined;
}

export type GetScheduleReturnType = Schedule;

/** Reads a schedule's stored state (`scheduleOf`) and derives its status. */
export async function getSchedule(
  client: SdkClient,
  parameters: GetScheduleParameters,
): Promise<GetScheduleReturnType> {
  const { pool, scheduleId } = parameters;
  const [stored, now] = await Promise.all([
    readContract(client, {
      address: pool,
      abi: royaltyPoolAbi,
      functionName: "scheduleOf",
      args: [scheduleId],
    }),
    parameters.now ?? getBlock(client).then((b) => b.timestamp),
  ]);
  const activatesAt = BigInt(stored.activatesAt);
  const supersededAt = BigInt(stored.supersededAt);
  const status = scheduleStatus({ activatesAt, supersededAt, revoked: stored.revoked }, now);
  return {
    scheduleId,
    root: stored.root,
    totalShares: stored.totalShares,
    activatesAt,
    supersededAt,
    revoked: stored.revoked,
    status,
  };
}
