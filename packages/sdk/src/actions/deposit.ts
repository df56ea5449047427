import { type Address, type Hash, type Hex, erc20Abi, zeroAddress } from "viem";
import { readContract } from "viem/actions";

import { royaltyPoolAbi } from "../abi/RoyaltyPool.ts";
import { InvalidArgumentError } from "../errors.ts";
import {
  type AccountParameter,
  type SdkClient,
  type TransactionResult,
  accountAddress,
  resolveAccount,
  sendContractTransaction,
} from "../internal/client.ts";
import { approveAbi } from "../internal/erc20.ts";
import { assertTokenAllowed } from "../internal/token-list.ts";
import { toMemo } from "../internal/memo.ts";
import { poolEvents } from "../internal/receipt.ts";

export type DepositParameters = AccountParameter & {
  pool: Address;
  /** The ERC-20 token; use depositETH for ETH. */
  token: Address;
  /** Amount in the token's base units. */
  amount: bigint;
  /** bytes32 hex or a short text (≤ 32 bytes), e.g. an invoice number. */
  memo?: Hex | string | undefined;
  /** What to approve when the allowance is short: exactly `amount` (default) or the maximum. */
  approval?: "exact" | "max" | undefined;
};

export type DepositReturnType = TransactionResult & {
  /** The approve transaction, when the allowance had to be raised. */
  approvalHash: Hash | undefined;
  /** What the pool credited (less than `amount` for fee-on-transfer tokens). */
  credited: bigint;
  /** The schedule whose pot was credited (0 = the unallocated pot before the first schedule). */
  scheduleId: bigint;
};

/**
 * Deposits an ERC-20 amount into a pool: approves the pool first if the allowance is short (setting
 * a non-zero allowance to zero first, as USDT-style tokens require), then calls `deposit`.
 */
export async function deposit(client: SdkClient, parameters: DepositParameters): Promise<DepositReturnType> {
  const { pool, token, amount } = parameters;
  if (token === zeroAddress)
    throw new InvalidArgumentError("deposit takes an ERC-20 token; use depositETH for ETH.");
  if (amount <= 0n) throw new InvalidArgumentError("A deposit amount must be positive.");
  const account = resolveAccount(client, parameters.account, "deposit");
  const owner = accountAddress(account);

  let approvalHash: Hash | undefined;
  const allowance = await readContract(client, {
    address: token,
    abi: erc20Abi,
    functionName: "allowance",
    args: [owner, pool],
  });
  if (allowance < amount) {
    await assertTokenAllowed(client, pool, token, "deposit");
    if (allowance > 0n) {
      await sendContractTransaction(client, {
        address: token,
        abi: approveAbi,
        functionName: "approve",
        args: [pool, 0n],
        account,
      });
    }
    const value = parameters.approval === "max" ? 2n ** 256n - 1n : amount;
    ({ hash: approvalHash } = await sendContractTransaction(client, {
      address: token,
      abi: approveAbi,
      functionName: "approve",
      args: [pool, value],
      account,
    }));
  }

  const result = await sendContractTransaction(client, {
    address: pool,
    abi: royaltyPoolAbi,
    functionName: "deposit",
    args: [token, amount, toMemo(parameters.memo)],
    account,
  });
  const [event] = poolEvents(result.receipt, "Deposited", pool);
  return {
    ...result,
    approvalHash,
    credited: event?.args.amount ?? 0n,
    scheduleId: event?.args.scheduleId ?? 0n,
  };
}
