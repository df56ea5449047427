import {
  Contract,
  type ContractTransactionResponse,
  type Interface,
  type Provider,
  type Signer,
  type TransactionReceipt,
  isError,
} from "ethers";

import { royaltyPoolAbi } from "../abi/RoyaltyPool.ts";
import { ContractRevertedError, NoAccountError } from "../errors.ts";

export interface EthersTransactionResult {
  hash: string;
  receipt: TransactionReceipt;
}

export function poolContract(pool: string, signer: Signer): Contract {
  if (!signer.provider) throw new NoAccountError("The ethers adapter (a signer connected to a provider)");
  return new Contract(pool, royaltyPoolAbi as never, signer);
}

/** Overrides the adapter adds to each transaction it sends: a nonce when the provider's count is stale. */
export interface SendOverrides {
  nonce?: number;
}

/**
 * The next nonce of each sender after the transactions this adapter has sent, per provider.
 * ethers' providers share identical account queries made within 250 ms (`cacheTimeout`), so a
 * signer that fills in its own nonce (a `Wallet` asks `getTransactionCount(address, "pending")`)
 * gets the count from before the transaction it has just sent whenever the next one follows
 * within 250 ms, as on any automining chain, and the node refuses it ("nonce has already been
 * used"). Signers whose wallet fills the nonce (JsonRpcSigner) are left alone unless stale.
 */
const sentNonces = new WeakMap<Provider, Map<string, number>>();

/** `{ nonce }` when the provider counts fewer transactions than this adapter sent, else nothing. */
async function nonceOverride(signer: Signer): Promise<SendOverrides> {
  const sent = sentNonces.get(signer.provider!)?.get((await signer.getAddress()).toLowerCase());
  if (sent === undefined) return {};
  return (await signer.getNonce("pending")) >= sent ? {} : { nonce: sent };
}

function recordSent(signer: Signer, from: string, nonce: number): void {
  const provider = signer.provider!;
  let byAddress = sentNonces.get(provider);
  if (!byAddress) sentNonces.set(provider, (byAddress = new Map()));
  const key = from.toLowerCase();
  byAddress.set(key, Math.max(byAddress.get(key) ?? 0, nonce + 1));
}

/**
 * Sends a contract call and waits for it. Reverts become ContractRevertedError with the decoded
 * custom error, like the viem actions, whichever provider the signer uses. Transactions of one
 * sender follow each other without nonce clashes, however fast the chain mines them.
 */
export async function sendAndWait(
  signer: Signer,
  functionName: string,
  send: (overrides: SendOverrides) => Promise<ContractTransactionResponse>,
  abi?: Interface,
): Promise<EthersTransactionResult> {
  let response: ContractTransactionResponse;
  try {
    response = await send(await nonceOverride(signer));
  } catch (error) {
    throw decodeRevert(functionName, error, abi);
  }
  recordSent(signer, response.from, response.nonce);
  const receipt = await response.wait().catch((error: unknown) => {
    throw decodeRevert(functionName, error, abi);
  });
  if (!receipt || receipt.status !== 1) {
    throw new ContractRevertedError(
      functionName,
      undefined,
      undefined,
      new Error(`transaction ${response.hash} reverted`),
    );
  }
  return { hash: response.hash, receipt };
}

function decodeRevert(functionName: string, error: unknown, abi: Interface | undefined): unknown {
  if (isError(error, "CALL_EXCEPTION") && error.revert) {
    return new ContractRevertedError(functionName, error.revert.name, [...error.revert.args], error);
  }
  // Providers differ in where they put revert data (ethers' JsonRpcProvider: a CALL_EXCEPTION with
  // `data`; Hardhat's provider: its own error with `data`): decode it with the contract's ABI.
  const data = revertData(error);
  const decoded = data && abi ? abi.parseError(data) : null;
  if (decoded) return new ContractRevertedError(functionName, decoded.name, [...decoded.args], error);
  if (isError(error, "CALL_EXCEPTION")) {
    return new ContractRevertedError(functionName, error.reason ?? undefined, undefined, error);
  }
  return error;
}

function revertData(error: unknown): string | undefined {
  let e: unknown = error;
  for (let depth = 0; e !== null && typeof e === "object" && depth < 5; depth++) {
    const {
      data,
      error: inner,
      info,
      cause,
    } = e as { data?: unknown; error?: unknown; info?: { error?: unknown }; cause?: unknown };
    if (typeof data === "string" && /^0x[0-9a-fA-F]{8}/.test(data)) return data;
    e = inner ?? info?.error ?? cause;
  }
  return undefined;
}

/** The pool's events of one name in a receipt. */
export function parsePoolEvents(pool: Contract, receipt: TransactionReceipt, eventName: string) {
  const target = String(pool.target).toLowerCase();
  return receipt.logs
    .filter((log) => log.address.toLowerCase() === target)
    .map((log) => pool.interface.parseLog(log))
    .filter((parsed) => parsed !== null && parsed.name === eventName)
    .map((parsed) => parsed!);
}
