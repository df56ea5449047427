import { identityRegistryAbi } from "@wellspring/sdk";
import { getAddress, type Address, type GetLogsReturnType, type PublicClient } from "viem";
import type { Queryable } from "../db/database.ts";
import { IdentityBindingEvents, type BindingEvent } from "../repositories/identity-bindings.ts";
import type { IndexedStream } from "./stream.ts";

const KEPT = [
  "IdentityBound",
  "PayeeChanged",
  "IdentityUnbound",
  "RebindProposed",
  "RebindCancelled",
  "RebindFinalized",
  "BindingCancelled",
] as const;
type BindingAbiEvent = Extract<
  (typeof identityRegistryAbi)[number],
  { type: "event"; name: (typeof KEPT)[number] }
>;
/** The binding events; attestor grants and delay changes are read from the chain when needed. */
const EVENTS = identityRegistryAbi.filter(
  (item): item is BindingAbiEvent => item.type === "event" && (KEPT as readonly string[]).includes(item.name),
);
type RegistryLog = GetLogsReturnType<undefined, typeof EVENTS, true>[number];

/** The cursor stream of the identity registry: `registry:<lower-case address>`. */
export const registryStreamName = (address: string): string => `registry:${address.toLowerCase()}`;

/** The IdentityRegistry as an indexed stream: its binding events into identity_binding_events. */
export function registryStream(
  client: PublicClient,
  chainId: number,
  registry: { address: Address; deployedBlock: bigint },
): IndexedStream<RegistryLog> {
  const events = new IdentityBindingEvents(chainId, registry.address);
  return {
    name: registryStreamName(registry.address),
    address: registry.address,
    fromBlock: registry.deployedBlock,
    getLogs: (fromBlock, toBlock) =>
      client.getLogs({ address: registry.address, events: EVENTS, fromBlock, toBlock, strict: true }),
    write: (tx: Queryable, logs, time) =>
      events.insert(
        tx,
        logs.map((log) => toEvent(log, time)),
      ),
    rollback: (tx, forkBlock) => events.rollback(tx, forkBlock),
  };
}

function toEvent(log: RegistryLog, time: (blockNumber: bigint) => Date): BindingEvent {
  const base = {
    blockNumber: log.blockNumber,
    logIndex: log.logIndex,
    blockHash: log.blockHash,
    txHash: log.transactionHash,
    blockTime: time(log.blockNumber),
    accountId: log.args.accountId,
    previousPayee: null,
    identity: null,
    executableAt: null,
  };
  switch (log.eventName) {
    case "IdentityBound":
      return { ...base, kind: "bound", payee: getAddress(log.args.payee), identity: log.args.identity };
    case "PayeeChanged":
      return {
        ...base,
        kind: "payee-changed",
        payee: getAddress(log.args.newPayee),
        previousPayee: getAddress(log.args.previousPayee),
      };
    case "IdentityUnbound":
      return { ...base, kind: "unbound", payee: getAddress(log.args.previousPayee) };
    case "RebindProposed":
      return {
        ...base,
        kind: "rebind-proposed",
        payee: getAddress(log.args.newPayee),
        previousPayee: getAddress(log.args.currentPayee),
        identity: log.args.identity,
        executableAt: new Date(Number(log.args.executableAt) * 1000),
      };
    case "RebindCancelled":
      return { ...base, kind: "rebind-cancelled", payee: getAddress(log.args.newPayee) };
    case "RebindFinalized":
      return {
        ...base,
        kind: "rebind-finalized",
        payee: getAddress(log.args.newPayee),
        previousPayee: getAddress(log.args.previousPayee),
      };
    case "BindingCancelled":
      return { ...base, kind: "binding-cancelled", payee: getAddress(log.args.payee) };
  }
}
