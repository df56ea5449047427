import { type TransactionReceipt, parseEventLogs } from "viem";

import { royaltyPoolAbi } from "../abi/RoyaltyPool.ts";

/** The pool's events in a receipt, decoded (logs of other contracts are skipped). */
export function poolEvents<
  eventName extends "Deposited" | "Claimed" | "ScheduleProposed" | "ScheduleRevoked" | "Synced" | "Swept",
>(receipt: TransactionReceipt, eventName: eventName, pool: string) {
  return parseEventLogs({ abi: royaltyPoolAbi, logs: receipt.logs, eventName }).filter(
    (log) => log.address.toLowerCase() === pool.toLowerCase(),
  );
}
