// What every page gets: the server's API, the wallet, the server's chain and the registered pools;
// and the token and memo readings that several pages share. No DOM here.
import { type Address, type PublicClient, erc20Abi, getAddress, zeroAddress } from "viem";

import type { Api, Pool } from "./api.ts";
import type { Wallet } from "./wallet.ts";

export interface Ctx {
  api: Api;
  wallet: Wallet;
  chainId: number;
  pools: Pool[];
}

export async function loadPools(api: Api): Promise<Pool[]> {
  return (await api.get<{ pools: Pool[] }>("/v1/pools?limit=500")).pools;
}

/** A memo as text when it is printable UTF-8 (as the Pay page writes them), else its hex. */
export { memoText } from "@wellspring/sdk";

export interface TokenInfo {
  address: Address;
  symbol: string;
  decimals: number;
}

const tokenCache = new Map<string, TokenInfo>();

/**
 * Symbol and decimals read through the wallet, for sending (Pay converts the amount typed with them);
 * ETH is the zero address. Pages that only show amounts ask the server (units.ts `token`).
 */
export async function tokenInfo(client: PublicClient, token: string): Promise<TokenInfo> {
  const address = getAddress(token);
  if (address === zeroAddress) return { address, symbol: "ETH", decimals: 18 };
  const cached = tokenCache.get(address);
  if (cached) return cached;
  const [symbol, decimals] = await Promise.all([
    client.readContract({ address, abi: erc20Abi, functionName: "symbol" }),
    client.readContract({ address, abi: erc20Abi, functionName: "decimals" }),
  ]);
  const info = { address, symbol, decimals: Number(decimals) };
  tokenCache.set(address, info);
  return info;
}
