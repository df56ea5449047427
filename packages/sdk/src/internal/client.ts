import type {
  Abi,
  Account,
  Address,
  Chain,
  Client,
  ContractFunctionArgs,
  ContractFunctionName,
  Hash,
  TransactionReceipt,
  Transport,
} from "viem";
import { simulateContract, waitForTransactionReceipt, writeContract } from "viem/actions";

import { ContractRevertedError, NoAccountError, withRevertDecoding } from "../errors.ts";

/** Any viem client: a wallet client for writes, a public or wallet client for reads. */
export type SdkClient = Client<Transport, Chain | undefined, Account | undefined>;

/** Who sends a write: the client's own account unless one is given. */
export interface AccountParameter {
  account?: Account | Address | undefined;
}

export interface TransactionResult {
  hash: Hash;
  receipt: TransactionReceipt;
}

export function resolveAccount(
  client: SdkClient,
  account: Account | Address | undefined,
  action: string,
): Account | Address {
  const resolved = account ?? client.account;
  if (resolved === undefined) throw new NoAccountError(action);
  return resolved;
}

export function accountAddress(account: Account | Address): Address {
  return typeof account === "string" ? account : account.address;
}

/**
 * Simulates, sends and waits for one contract write. A revert (in simulation or on-chain) becomes a
 * ContractRevertedError with the decoded custom error, so every action reports failures the same way.
 */
export async function sendContractTransaction<
  const abi extends Abi,
  functionName extends ContractFunctionName<abi, "nonpayable" | "payable">,
>(
  client: SdkClient,
  parameters: {
    address: Address;
    abi: abi;
    functionName: functionName;
    args: ContractFunctionArgs<abi, "nonpayable" | "payable", functionName>;
    value?: bigint | undefined;
    account: Account | Address;
  },
): Promise<TransactionResult> {
  const { functionName } = parameters;
  return withRevertDecoding(functionName, async () => {
    const { request } = await simulateContract(client, { ...parameters, chain: client.chain } as never);
    const hash = await writeContract(client, request as never);
    const receipt = await waitForTransactionReceipt(client, { hash });
    if (receipt.status !== "success") {
      throw new ContractRevertedError(
        functionName,
        undefined,
        undefined,
        new Error(`transaction ${hash} reverted`),
      );
    }
    return { hash, receipt };
  });
}
