import { type Address, type Hex, keccak256, type PublicClient } from "viem";

import type { Logger } from "pino";

/** What `/readyz` expects of the chain behind RPC_URL. */
export interface ChainExpectation {
  chainId: number;
  /** From the deployment record: the registry's address and the keccak256 of its runtime code. */
  registry?: { address: Address; codeHash: Hex };
}

/**
 * The chain half of `/readyz`: RPC_URL answers within `timeoutMs`, serves CHAIN_ID, and (when the deployment
 * record is known) holds the registry's recorded code, so a server pointed at another chain or a reset node is
 * not ready. Returns why not, or undefined. RPC errors are logged, not returned: they quote the RPC URL, which
 * may carry an API key.
 */
export function chainReadiness(
  chain: Pick<PublicClient, "getChainId" | "getCode">,
  expected: ChainExpectation,
  logger: Pick<Logger, "warn">,
  timeoutMs = 5000,
): () => Promise<string | undefined> {
  return async () => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      const chainId = await Promise.race([chain.getChainId(), timeout]);
      if (chainId !== expected.chainId)
        return `RPC_URL serves chain ${chainId}, not CHAIN_ID ${expected.chainId}`;
      if (expected.registry) {
        const code = await Promise.race([chain.getCode({ address: expected.registry.address }), timeout]);
        if (code === undefined || code === "0x" || keccak256(code) !== expected.registry.codeHash) {
          return `the registry ${expected.registry.address} does not hold the code the deployment record names`;
        }
      }
      return undefined;
    } catch (error) {
      logger.warn({ err: error }, "readiness: chain RPC failed");
      return "chain RPC unreachable";
    } finally {
      clearTimeout(timer);
    }
  };
}
