import { type Address, type Hex, type TypedDataDomain, parseSignature } from "viem";
import { getBlock, getChainId, readContract, signTypedData } from "viem/actions";

import { royaltyPoolAbi } from "../abi/RoyaltyPool.ts";
import { PERMIT_TYPES } from "../eip712.ts";
import { InvalidArgumentError } from "../errors.ts";
import {
  type AccountParameter,
  type SdkClient,
  type TransactionResult,
  accountAddress,
  resolveAccount,
  sendContractTransaction,
} from "../internal/client.ts";
import { erc20PermitAbi } from "../internal/erc20.ts";
import { toMemo } from "../internal/memo.ts";
import { poolEvents } from "../internal/receipt.ts";
import { assertTokenAllowed } from "../internal/token-list.ts";

export type DepositWithPermitParameters = AccountParameter & {
  pool: Address;
  /** An ERC-20 token with EIP-2612 `permit`. */
  token: Address;
  amount: bigint;
  memo?: Hex | string | undefined;
  /** Unix time after which the permit is void; default: latest block time + 1 hour. */
  deadline?: bigint | undefined;
  /** EIP-712 version for tokens without ERC-5267 `eip712Domain` (default "1"; USDC uses "2"). */
  permitVersion?: string | undefined;
};

export type DepositWithPermitReturnType = TransactionResult & {
  credited: bigint;
  scheduleId: bigint;
  deadline: bigint;
};

/**
 * Deposits an ERC-20 amount in one transaction: signs an EIP-2612 permit for the pool (no separate
 * approve) and calls `depositWithPermit`. The domain comes from the token's ERC-5267 `eip712Domain`
 * when it has one, else from `name()` with version "1".
 */
export async function depositWithPermit(
  client: SdkClient,
  parameters: DepositWithPermitParameters,
): Promise<DepositWithPermitReturnType> {
  const { pool, token, amount } = parameters;
  if (amount <= 0n) throw new InvalidArgumentError("A deposit amount must be positive.");
  const account = resolveAccount(client, parameters.account, "depositWithPermit");
  const owner = accountAddress(account);
  await assertTokenAllowed(client, pool, token, "depositWithPermit");

  const [domain, nonce, deadline] = await Promise.all([
    permitDomain(client, token, parameters.permitVersion),
    readContract(client, { address: token, abi: erc20PermitAbi, functionName: "nonces", args: [owner] }),
    parameters.deadline ?? getBlock(client).then((block) => block.timestamp + 3600n),
  ]);
  const signature = await signTypedData(client, {
    account,
    domain,
    types: PERMIT_TYPES,
    primaryType: "Permit",
    message: { owner, spender: pool, value: amount, nonce, deadline },
  });
  const { r, s, v, yParity } = parseSignature(signature);
  const vByte = Number(v ?? BigInt(yParity + 27));

  const result = await sendContractTransaction(client, {
    address: pool,
    abi: royaltyPoolAbi,
    functionName: "depositWithPermit",
    args: [token, amount, toMemo(parameters.memo), deadline, vByte, r, s],
    account,
  });
  const [event] = poolEvents(result.receipt, "Deposited", pool);
  return {
    ...result,
    credited: event?.args.amount ?? 0n,
    scheduleId: event?.args.scheduleId ?? 0n,
    deadline,
  };
}

async function permitDomain(
  client: SdkClient,
  token: Address,
  fallbackVersion = "1",
): Promise<TypedDataDomain> {
  try {
    const [, name, version, chainId, verifyingContract] = await readContract(client, {
      address: token,
      abi: erc20PermitAbi,
      functionName: "eip712Domain",
    });
    return { name, version, chainId: Number(chainId), verifyingContract };
  } catch {
    // Tokens older than ERC-5267 sign with their name and a version they document elsewhere.
    const [name, chainId] = await Promise.all([
      readContract(client, { address: token, abi: erc20PermitAbi, functionName: "name" }),
      getChainId(client),
    ]);
    return { name, version: fallbackVersion, chainId, verifyingContract: token };
  }
}
