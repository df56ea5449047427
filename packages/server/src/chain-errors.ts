import { BaseError, ContractFunctionRevertedError, ContractFunctionZeroDataError } from "viem";

/**
 * True when a contract call failed because of the contract (no code at the address, or a revert),
 * not because of the RPC: the answer is "no", not "the chain is unavailable".
 */
export function isContractAnswer(error: unknown): boolean {
  return (
    error instanceof BaseError &&
    Boolean(
      error.walk(
        (e) => e instanceof ContractFunctionZeroDataError || e instanceof ContractFunctionRevertedError,
      ),
    )
  );
}
