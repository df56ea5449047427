/**
 * What `verify --rpc` and `watch` read from a pool: its `ScheduleProposed` events (the on-chain
 * commitment and the bundle's uri) and each schedule's state, through the SDK's ABI and actions.
 */
import {
  createPublicClient,
  createWalletClient,
  http,
  isAddress,
  getAddress,
  type Address,
  type Hex,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { getContractEvents } from "viem/actions";
import { royaltyPoolAbi, type SdkClient } from "@wellspring/sdk";
import { WellspringError, type Commitment } from "@wellspring/attribution";

export interface ProposedSchedule extends Commitment {
  pool: Address;
  scheduleId: bigint;
  uri: string;
  activatesAt: bigint;
  blockNumber: bigint;
}

export function chainClient(rpc: string): SdkClient {
  return createPublicClient({ transport: http(rpc, { retryCount: 2 }) }) as SdkClient;
}

/** A wallet client for the key (0x + 64 hex digits); the key stays inside the viem account. */
export function keyClient(privateKey: string, rpc: string, what: string): SdkClient {
  if (!/^0x[0-9a-fA-F]{64}$/.test(privateKey))
    throw new WellspringError("USAGE", `${what} is not a 0x-prefixed 32-byte private key`);
  return createWalletClient({ account: privateKeyToAccount(privateKey as Hex), transport: http(rpc) });
}

export function poolAddress(value: string, option = "--pool"): Address {
  if (!isAddress(value, { strict: false }))
    throw new WellspringError("USAGE", `${option}: "${value}" is not a 0x address`);
  return getAddress(value);
}

/** The pool's proposals in [fromBlock, toBlock], oldest first (one schedule's when `scheduleId`). */
export async function proposedSchedules(
  client: SdkClient,
  pool: Address,
  range: { fromBlock?: bigint; toBlock?: bigint; scheduleId?: bigint } = {},
): Promise<ProposedSchedule[]> {
  let logs;
  try {
    logs = await getContractEvents(client, {
      address: pool,
      abi: royaltyPoolAbi,
      eventName: "ScheduleProposed",
      ...(range.scheduleId !== undefined ? { args: { scheduleId: range.scheduleId } } : {}),
      fromBlock: range.fromBlock ?? 0n,
      toBlock: range.toBlock ?? "latest",
      strict: true,
    });
  } catch (error) {
    throw new WellspringError(
      "CHAIN_UNAVAILABLE",
      `cannot read the pool's schedules: ${(error as Error).message}`,
      {
        field: "--rpc",
        cause: error,
      },
    );
  }
  return logs.map((log) => ({
    pool,
    scheduleId: log.args.scheduleId,
    root: log.args.root,
    totalShares: log.args.totalShares,
    tableHash: log.args.tableHash,
    policyHash: log.args.policyHash,
    inputsHash: log.args.inputsHash,
    uri: log.args.uri,
    activatesAt: BigInt(log.args.activatesAt),
    blockNumber: log.blockNumber,
  }));
}
