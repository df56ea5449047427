import { verifyTypedData, type Address, type PublicClient, type VerifyTypedDataParameters } from "viem";
import { ServerError } from "../errors.ts";

/** Where a contract signer's code and ERC-1271 answer come from. */
export type SignatureChain = Pick<PublicClient, "getCode" | "verifyTypedData">;

/**
 * Whether `address` signed the typed data: an ordinary key (ECDSA, no chain needed), or a contract
 * wallet — a Safe, a smart account, the consortium's multisig — that approves it by ERC-1271, asked
 * on the chain. False when neither; 503 CHAIN_UNAVAILABLE when the chain is needed and does not
 * answer (a contract's "no" is never guessed).
 */
export async function signedBy(
  address: Address,
  typed: Omit<VerifyTypedDataParameters, "address">,
  chain: SignatureChain | undefined,
): Promise<boolean> {
  try {
    if (await verifyTypedData({ address, ...typed } as VerifyTypedDataParameters)) return true;
  } catch {
    // Not a well-formed ECDSA signature: it may still be a contract wallet's.
  }
  if (!chain) return false;
  try {
    const code = await chain.getCode({ address });
    if (!code || code === "0x") return false;
    return await chain.verifyTypedData({ address, ...typed } as VerifyTypedDataParameters);
  } catch (error) {
    throw new ServerError("CHAIN_UNAVAILABLE", "could not check the contract signer's signature (ERC-1271)", {
      cause: error,
    });
  }
}
