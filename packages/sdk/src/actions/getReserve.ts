import { type Address, zeroAddress } from "viem";
import { getBalance, readContract } from "viem/actions";

import { royaltyPoolAbi } from "../abi/RoyaltyPool.ts";
import type { SdkClient } from "../internal/client.ts";

export interface GetReserveParameters {
  pool: Address;
  /** `zeroAddress` = ETH. */
  token: Address;
}

export interface GetReserveReturnType {
  /**
   * What the pool's accounting holds for depositors' money not yet claimed. For ETH (which the pool
   * credits on receipt, so it keeps no separate reserve) this is the pool's ETH balance.
   */
  reserve: bigint;
}

/** The pool's reserve of a token (`reserveOf`), or its ETH balance for ETH. */
export async function getReserve(
  client: SdkClient,
  parameters: GetReserveParameters,
): Promise<GetReserveReturnType> {
  const { pool, token } = parameters;
  const reserve =
    token === zeroAddress
      ? await getBalance(client, { address: pool })
      : await readContract(client, {
          address: pool,
          abi: royaltyPoolAbi,
          functionName: "reserveOf",
          args: [token],
        });
  return { reserve };
}
