import type { Signer } from "ethers";
import { zeroAddress } from "viem";

import { isAddressAccount } from "../account.ts";
import type { ClaimInput } from "../claims.ts";
import { ContractRevertedError, InvalidArgumentError, UnboundIdentityError } from "../errors.ts";
import { type EthersTransactionResult, parsePoolEvents, poolContract, sendAndWait } from "./internal.ts";

export interface EthersClaimParameters {
  pool: string;
  claims: readonly ClaimInput[];
  /** Check identity payees before sending (default true). */
  checkPayees?: boolean | undefined;
}

export interface EthersClaimPayment {
  accountId: string;
  payee: string;
  token: string;
  scheduleId: bigint;
  amount: bigint;
}

export type EthersClaimReturnType = EthersTransactionResult & { payments: EthersClaimPayment[] };

/** ethers v6: claims many schedules and tokens in one transaction (money goes to each payee). */
export async function claim(
  signer: Signer,
  parameters: EthersClaimParameters,
): Promise<EthersClaimReturnType> {
  const { claims } = parameters;
  if (claims.length === 0) throw new InvalidArgumentError("claim needs at least one request.");
  const contract = poolContract(parameters.pool, signer);
  if (parameters.checkPayees ?? true) {
    for (const accountId of new Set(claims.map((c) => c.proof.accountId))) {
      if (isAddressAccount(accountId)) continue;
      const payee = (await contract.getFunction("payeeOf")(accountId)) as string;
      if (payee === zeroAddress) throw new UnboundIdentityError(accountId);
    }
  }
  const requests = claims.map((c) => ({
    scheduleId: c.scheduleId,
    accountId: c.proof.accountId,
    shares: c.proof.shares,
    proof: c.proof.proof,
    tokens: c.tokens,
  }));
  let result: EthersTransactionResult;
  try {
    result = await sendAndWait(
      signer,
      "claim",
      (overrides) => contract.getFunction("claim")(requests, overrides),
      contract.interface,
    );
  } catch (error) {
    if (error instanceof ContractRevertedError && error.errorName === "RoyaltyPoolPayeeUnbound") {
      throw new UnboundIdentityError(String(error.args?.[0]), { cause: error });
    }
    throw error;
  }
  const payments = parsePoolEvents(contract, result.receipt, "Claimed").map((e) => ({
    accountId: e.args.getValue("accountId") as string,
    payee: e.args.getValue("payee") as string,
    token: e.args.getValue("token") as string,
    scheduleId: e.args.getValue("scheduleId") as bigint,
    amount: e.args.getValue("amount") as bigint,
  }));
  return { ...result, payments };
}
