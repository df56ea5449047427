import { toAccountId, type AccountId } from "@wellspring/protocol";
import { ServerError } from "../errors.ts";

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
