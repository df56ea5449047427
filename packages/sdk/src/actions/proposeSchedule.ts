import type { Address, Hex } from "viem";

import { royaltyPoolAbi } from "../abi/RoyaltyPool.ts";
import { SdkError } from "../errors.ts";
import {
  type AccountParameter,
  type SdkClient,
  type TransactionResult,
  resolveAccount,
  sendContractTransaction,
} from "../internal/client.ts";
import { poolEvents } from "../internal/receipt.ts";
import type { ShareTable } from "../shareTable.ts";

export type ProposeScheduleParameters = AccountParameter & {
  pool: Address;
  /** The share table to commit (root, totalShares and the three hashes are taken from it). */
  table: Pick<ShareTable, "root" | "totalShares" | "tableHash" | "policyHash" | "inputsHash">;
  /** Where the table can be fetched (recorded in the ScheduleProposed event). */
  uri: string;
};

export type ProposeScheduleReturnType = TransactionResult & {
  scheduleId: bigint;
  /** Unix time at which the schedule activates unless revoked first. */
  activatesAt: bigint;
};

/** PROPOSER: proposes a share table; it activates after the pool's activationDelay. */
export async function proposeSchedule(
  client: SdkClient,
  parameters: ProposeScheduleParameters,
): Promise<ProposeScheduleReturnType> {
  const { pool, table, uri } = parameters;
  const account = resolveAccount(client, parameters.account, "proposeSchedule");
  const result = await sendContractTransaction(client, {
    address: pool,
    abi: royaltyPoolAbi,
    functionName: "proposeSchedule",
    args: [table.root as Hex, table.totalShares, table.tableHash, table.policyHash, table.inputsHash, uri],
    account,
  });
  const [event] = poolEvents(result.receipt, "ScheduleProposed", pool);
  if (!event) throw new SdkError("CONTRACT_REVERTED", "proposeSchedule emitted no ScheduleProposed event.");
  return { ...result, scheduleId: event.args.scheduleId, activatesAt: BigInt(event.args.activatesAt) };
}
