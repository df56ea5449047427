/**
 * ethers v6 adapter for payers' backends and pages: deposit, depositWithPermit, depositETH and
 * claim with an ethers Signer. Each runs the viem action of the same name over the signer (see
 * client.ts), so checks, simulation, revert decoding and results are the same.
 */
import type { Signer } from "ethers";
import type { Address } from "viem";

import { type ClaimParameters, type ClaimReturnType, claim as claimWithViem } from "../actions/claim.ts";
import {
  type DepositParameters,
  type DepositReturnType,
  deposit as depositWithViem,
} from "../actions/deposit.ts";
import {
  type DepositETHParameters,
  type DepositETHReturnType,
  depositETH as depositETHWithViem,
} from "../actions/depositETH.ts";
import {
  type DepositWithPermitParameters,
  type DepositWithPermitReturnType,
  depositWithPermit as depositWithPermitWithViem,
} from "../actions/depositWithPermit.ts";
import { type EthersResult, withSigner } from "./client.ts";

export type { EthersResult, EthersTransactionResult } from "./client.ts";

/** The viem action's parameters without `account` (the signer sends) and with addresses as plain strings. */
type EthersParameters<P, addresses extends keyof P> = Omit<P, "account" | addresses> &
  Record<addresses, string>;

export type EthersClaimParameters = EthersParameters<ClaimParameters, "pool">;
export type EthersClaimPayment = ClaimReturnType["payments"][number];
export type EthersClaimReturnType = EthersResult<ClaimReturnType>;
export type EthersDepositParameters = EthersParameters<DepositParameters, "pool" | "token">;
export type EthersDepositReturnType = EthersResult<DepositReturnType>;
export type EthersDepositETHParameters = EthersParameters<DepositETHParameters, "pool">;
export type EthersDepositETHReturnType = EthersResult<DepositETHReturnType>;
export type EthersDepositWithPermitParameters = EthersParameters<
  DepositWithPermitParameters,
  "pool" | "token"
>;
export type EthersDepositWithPermitReturnType = EthersResult<DepositWithPermitReturnType>;

/** ethers v6: claims many schedules and tokens in one transaction (money goes to each payee). */
export const claim = (signer: Signer, parameters: EthersClaimParameters): Promise<EthersClaimReturnType> =>
  withSigner(signer, (client) => claimWithViem(client, { ...parameters, pool: parameters.pool as Address }));

/** ethers v6: approves the pool if the allowance is short, then deposits an ERC-20 amount. */
export const deposit = (
  signer: Signer,
  parameters: EthersDepositParameters,
): Promise<EthersDepositReturnType> =>
  withSigner(signer, (client) =>
    depositWithViem(client, {
      ...parameters,
      pool: parameters.pool as Address,
      token: parameters.token as Address,
    }),
  );

/** ethers v6: deposits ETH into a pool with a memo. */
export const depositETH = (
  signer: Signer,
  parameters: EthersDepositETHParameters,
): Promise<EthersDepositETHReturnType> =>
  withSigner(signer, (client) =>
    depositETHWithViem(client, { ...parameters, pool: parameters.pool as Address }),
  );

/** ethers v6: signs an EIP-2612 permit for the pool and deposits in one transaction. */
export const depositWithPermit = (
  signer: Signer,
  parameters: EthersDepositWithPermitParameters,
): Promise<EthersDepositWithPermitReturnType> =>
  withSigner(signer, (client) =>
    depositWithPermitWithViem(client, {
      ...parameters,
      pool: parameters.pool as Address,
      token: parameters.token as Address,
    }),
  );
