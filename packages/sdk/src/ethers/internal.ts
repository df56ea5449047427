import {
  Contract,
  type ContractTransactionResponse,
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

/** Sends a contract call and waits for it; reverts become ContractRevertedError like the viem actions. */
export async function sendAndWait(
  functionName: string,
  send: () => Promise<ContractTransactionResponse>,
): Promise<EthersTransactionResult> {
  try {
    const response = await send();
    const receipt = await response.wait();
    if (!receipt || receipt.status !== 1) {
      throw new ContractRevertedError(
        functionName,
        undefined,
        undefined,
        new Error(`transaction ${response.hash} reverted`),
      );
    }
    return { hash: response.hash, receipt };
  } catch (error) {
    if (isError(error, "CALL_EXCEPTION")) {
      throw new ContractRevertedError(
        functionName,
        error.revert?.name ?? error.reason ?? undefined,
        error.revert?.args,
        error,
      );
    }
    throw error;
  }
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
