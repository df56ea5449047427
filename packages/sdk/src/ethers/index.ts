/** ethers v6 adapter for payers' backends: deposit, depositWithPermit, depositETH and claim with an ethers Signer. */
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
export {
  depositWithPermit,
  type EthersDepositWithPermitParameters,
  type EthersDepositWithPermitReturnType,
} from "./depositWithPermit.ts";
export type { EthersTransactionResult } from "./internal.ts";
