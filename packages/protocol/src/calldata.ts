import { type Address, type Hex, concat, encodeAbiParameters, toFunctionSelector } from "viem";

import type { AccountId } from "./account.ts";

/**
 * The `claim` function of RoyaltyPool, as in the generated ABI (packages/sdk/src/abi; a test in
 * packages/protocol/test keeps the two equal). Only this fragment lives here, so the package does
 * not carry every contract's ABI.
 */
export const claimAbi = [
  {
    inputs: [
      {
        components: [
          { internalType: "uint256", name: "scheduleId", type: "uint256" },
          { internalType: "bytes32", name: "accountId", type: "bytes32" },
          { internalType: "uint256", name: "shares", type: "uint256" },
          { internalType: "bytes32[]", name: "proof", type: "bytes32[]" },
          { internalType: "address[]", name: "tokens", type: "address[]" },
        ],
        internalType: "struct IRoyaltyPool.ClaimRequest[]",
        name: "requests",
        type: "tuple[]",
      },
    ],
    name: "claim",
    outputs: [],
    stateMutability: "nonpayable",
    type: "function",
  },
] as const;

/** One `IRoyaltyPool.ClaimRequest`: a leaf, its proof and the tokens to take. */
export interface ClaimRequest {
  scheduleId: bigint;
  accountId: AccountId;
  shares: bigint;
  proof: readonly Hex[];
  /** Tokens to claim (`zeroAddress` = ETH); each at most once. */
  tokens: readonly Address[];
}

const CLAIM_SELECTOR = toFunctionSelector(claimAbi[0]);

/**
 * The calldata of `claim(requests)`: what viem's `encodeFunctionData` returns, with the selector
 * hashed once rather than per call (the claims endpoint encodes one per request).
 */
export function encodeClaimCalldata(requests: readonly ClaimRequest[]): Hex {
  return concat([CLAIM_SELECTOR, encodeAbiParameters(claimAbi[0].inputs, [requests])]);
}
