/**
 * ethers v6 adapter for payers' backends and pages: deposit, depositWithPermit, depositETH and
 * claim with an ethers Signer. Each is the viem action of the same name run over the signer (see
 * client.ts), so checks, simulation, revert decoding and results are the same.
 */
import type { Signer } from "ethers";
import type { Address, WalletClient } from "viem";

import { type ClaimParameters, type ClaimReturnType, claim as claimAction } from "../actions/claim.ts";
import {
  type DepositParameters,
  type DepositReturnType,
  deposit as depositAction,
} from "../actions/deposit.ts";
import {
  type DepositETHParameters,
  type DepositETHReturnType,
  depositETH as depositETHAction,
} from "../actions/depositETH.ts";
import {
  type DepositWithPermitParameters,
  type DepositWithPermitReturnType,
  depositWithPermit as depositWithPermitAction,
} from "../actions/depositWithPermit.ts";
import type { TransactionResult } from "../internal/client.ts";
import { type EthersResult, withSigner } from "./client.ts";

export type { EthersResult, EthersTransactionResult } from "./client.ts";

/** A viem action's parameters for ethers: no `account` (the signer sends), addresses as plain strings. */
export type EthersParameters<P> = {
  [K in keyof Omit<P, "account">]: P[K] extends Address ? string : P[K];
};

/** The ethers form of a viem write action. */
function overSigner<P, T extends TransactionResult>(
  action: (client: WalletClient, parameters: P) => Promise<T>,
) {
  return (signer: Signer, parameters: EthersParameters<P>): Promise<EthersResult<T>> =>
    // Only the address fields' types differ: viem checks their format when it encodes the call.
    withSigner(signer, (client) => action(client, parameters as P));
}

export type EthersClaimParameters = EthersParameters<ClaimParameters>;
export type EthersClaimPayment = ClaimReturnType["payments"][number];
export type EthersClaimReturnType = EthersResult<ClaimReturnType>;
export type EthersDepositParameters = EthersParameters<DepositParameters>;
export type EthersDepositReturnType = EthersResult<DepositReturnType>;
export type EthersDepositETHParameters = EthersParameters<DepositETHParameters>;
export type EthersDepositETHReturnType = EthersResult<DepositETHReturnType>;
export type EthersDepositWithPermitParameters = EthersParameters<DepositWithPermitParameters>;
export type EthersDepositWithPermitReturnType = EthersResult<DepositWithPermitReturnType>;

/** ethers v6: claims many schedules and tokens in one transaction (money goes to each payee). */
export const claim = overSigner(claimAction);
/** ethers v6: approves the pool if the allowance is short, then deposits an ERC-20 amount. */
export const deposit = overSigner(depositAction);
/** ethers v6: deposits ETH into a pool with a memo. */
export const depositETH = overSigner(depositETHAction);
/** ethers v6: signs an EIP-2612 permit for the pool and deposits in one transaction. */
export const depositWithPermit = overSigner(depositWithPermitAction);
