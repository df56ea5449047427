import { toAccountId, type AccountId } from "@wellspring/sdk";
import { ServerError } from "../errors.ts";

/** floor(a * b / d), exactly as the pool's Math.mulDiv rounds. */
export const mulDiv = (a: bigint, b: bigint, d: bigint): bigint => (a * b) / d;

/** The `account` path parameter (an address, a 32-byte accountId or an identity) as an accountId; 400 otherwise. */
export function accountParam(account: string): AccountId {
  try {
    return toAccountId(account);
  } catch (error) {
    throw new ServerError("VALIDATION", "not an address, accountId or identity", {
      issues: [{ path: "params.account", message: error instanceof Error ? error.message : String(error) }],
    });
  }
}
