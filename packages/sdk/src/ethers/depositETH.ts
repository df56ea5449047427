import type { Signer } from "ethers";

import { InvalidArgumentError } from "../errors.ts";
import { toMemo } from "../internal/memo.ts";
import { type EthersTransactionResult, parsePoolEvents, poolContract, sendAndWait } from "./internal.ts";

export interface EthersDepositETHParameters {
  pool: string;
  /** Amount in wei. */
  value: bigint;
  memo?: string | undefined;
}

export type EthersDepositETHReturnType = EthersTransactionResult & { credited: bigint; scheduleId: bigint };

/** ethers v6: deposits ETH into a pool with a memo. */
export async function depositETH(
  signer: Signer,
  parameters: EthersDepositETHParameters,
): Promise<EthersDepositETHReturnType> {
  if (parameters.value <= 0n) throw new InvalidArgumentError("A deposit amount must be positive.");
  const contract = poolContract(parameters.pool, signer);
  const result = await sendAndWait(
    signer,
    "depositETH",
    (overrides) =>
      contract.getFunction("depositETH")(toMemo(parameters.memo), { ...overrides, value: parameters.value }),
    contract.interface,
  );
  const [event] = parsePoolEvents(contract, result.receipt, "Deposited");
  return {
    ...result,
    credited: (event?.args.getValue("amount") as bigint | undefined) ?? 0n,
    scheduleId: (event?.args.getValue("scheduleId") as bigint | undefined) ?? 0n,
  };
}
