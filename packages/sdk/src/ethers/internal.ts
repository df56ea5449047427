import {
  Contract,
  type ContractTransactionResponse,
  type Interface,
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

/**
 * Sends a contract call and waits for it. Reverts become ContractRevertedError with the decoded
 * custom error, like the viem actions, whichever provider the signer uses.
 */
export async function sendAndWait(
  functionName: string,
  send: () => Promise<ContractTransactionResponse>,
  abi?: Interface,
): Promise<EthersTransactionResult> {
  let response: ContractTransactionResponse;
  try {
    response = await send();
  } catch (error) {
    throw decodeRevert(functionName, error, abi);
  }
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
