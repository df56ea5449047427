/** ethers v6 adapter for payers' backends: deposit, depositETH and claim with an ethers Signer. */
export {
  claim,
  type EthersClaimParameters,
  type EthersClaimPayment,
  type EthersClaimReturnType,
} from "./claim.ts";
export { deposit, type EthersDepositParameters, type EthersDepositReturnType } from "./deposit.ts";
export {
  depositETH,
  type EthersDepositETHParameters,
  type EthersDepositETHReturnType,
} from "./depositETH.ts";
export type { EthersTransactionResult } from "./internal.ts";
