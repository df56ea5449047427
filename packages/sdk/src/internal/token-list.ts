import type { Address } from "viem";
import { readContract } from "viem/actions";

import { royaltyPoolAbi } from "../abi/RoyaltyPool.ts";
import { ContractRevertedError } from "../errors.ts";
import type { SdkClient } from "./client.ts";

/**
 * Refuses, before any approve or permit prompt, a token the pool's creation-time list leaves out:
 * the deposit would revert with `RoyaltyPoolTokenNotAllowed` after the payer had already approved
 * or signed for nothing. The pool's own `isTokenAllowed` is the rule (no list = any token).
 */
export async function assertTokenAllowed(
  client: SdkClient,
  pool: Address,
  token: Address,
  functionName: string,
): Promise<void> {
  const allowed = await readContract(client, {
    address: pool,
    abi: royaltyPoolAbi,
    functionName: "isTokenAllowed",
    args: [token],
  });
  if (!allowed)
    throw new ContractRevertedError(functionName, "RoyaltyPoolTokenNotAllowed", [token], undefined);
}
