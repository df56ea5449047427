import { Contract, type Signer } from "ethers";
import { zeroAddress } from "viem";

import { InvalidArgumentError } from "../errors.ts";
import { toMemo } from "../internal/memo.ts";
import { type EthersTransactionResult, parsePoolEvents, poolContract, sendAndWait } from "./internal.ts";

export interface EthersDepositParameters {
  pool: string;
  token: string;
  amount: bigint;
  memo?: string | undefined;
  approval?: "exact" | "max" | undefined;
}

export type EthersDepositReturnType = EthersTransactionResult & {
  approvalHash: string | undefined;
  credited: bigint;
  scheduleId: bigint;
};

const ERC20_FRAGMENTS = [
  "function allowance(address owner, address spender) view returns (uint256)",
  "function approve(address spender, uint256 amount)",
];

/** ethers v6: approves the pool if the allowance is short, then deposits an ERC-20 amount. */
export async function deposit(
  signer: Signer,
  parameters: EthersDepositParameters,
): Promise<EthersDepositReturnType> {
  const { pool, token, amount } = parameters;
  if (token === zeroAddress)
    throw new InvalidArgumentError("deposit takes an ERC-20 token; use depositETH for ETH.");
  if (amount <= 0n) throw new InvalidArgumentError("A deposit amount must be positive.");
  const contract = poolContract(pool, signer);
  // approve without a declared return value, as USDT-style tokens return none.
  const erc20 = new Contract(token, ERC20_FRAGMENTS, signer);
  const owner = await signer.getAddress();

  let approvalHash: string | undefined;
  const allowance = (await erc20.getFunction("allowance")(owner, pool)) as bigint;
  if (allowance < amount) {
    // USDT-style tokens refuse to change one non-zero allowance into another.
    if (allowance > 0n)
      await sendAndWait(signer, "approve", (o) => erc20.getFunction("approve")(pool, 0n, o));
    const value = parameters.approval === "max" ? 2n ** 256n - 1n : amount;
    ({ hash: approvalHash } = await sendAndWait(signer, "approve", (o) =>
      erc20.getFunction("approve")(pool, value, o),
    ));
  }
  const result = await sendAndWait(
    signer,
    "deposit",
    (overrides) => contract.getFunction("deposit")(token, amount, toMemo(parameters.memo), overrides),
    contract.interface,
  );
  const [event] = parsePoolEvents(contract, result.receipt, "Deposited");
  return {
    ...result,
    approvalHash,
    credited: (event?.args.getValue("amount") as bigint | undefined) ?? 0n,
    scheduleId: (event?.args.getValue("scheduleId") as bigint | undefined) ?? 0n,
  };
}
