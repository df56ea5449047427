/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// What every page gets: the wallet, the server's chain, the registered pools and shared widgets.
import {
  type Address,
  type Hex,
  type PublicClient,
  getAddress,
  isAddress,
  keccak256,
  pad,
  stringToBytes,
  zeroAddress,
} from "viem";
import { testERC20Abi } from "@wellspring/sdk/abi";

import { type Pool, get } from "./api.ts";
import { h, setStatus } from "./ui.ts";
import { type Wallet, WalletError, errorMessage } from "./wallet.ts";

export interface Ctx {
  wallet: Wallet;
  chainId: number;
  pools: Pool[];
}

export async function loadPools(): Promise<Pool[]> {
  return (await get<{ pools: Pool[] }>("/v1/pools?limit=500")).pools;
}

/** accountId of an address (left-padded), a raw 32-byte id, or keccak256(utf8(identity)). */
export function toAccountId(input: string): Hex {
  const v = input.trim();
  if (isAddress(v, { strict: false })) return pad(v.toLowerCase() as Hex, { size: 32 });
  if (/^0x[0-9a-fA-F]{64}$/.test(v)) return v.toLowerCase() as Hex;
  return keccak256(stringToBytes(v));
}

export function isAddressAccount(accountId: Hex): boolean {
  return accountId.slice(2, 26) === "0".repeat(24);
}

/** A memo as the pool takes it: 32 bytes given as hex, or UTF-8 text right-padded (at most 32 bytes). */
export function toMemo(text: string): Hex {
  const v = text.trim();
  if (/^0x[0-9a-fA-F]{64}$/.test(v)) return v as Hex;
  const bytes = stringToBytes(v);
  if (bytes.length > 32) throw new RangeError(`A memo holds at most 32 bytes; this one has ${bytes.length}.`);
  const out = new Uint8Array(32);
  out.set(bytes);
  return `0x${[...out].map((b) => b.toString(16).padStart(2, "0")).join("")}` as Hex;
}

export function memoText(memo: Hex): string {
  const hex = memo.slice(2).replace(/(00)+$/, "");
  if (hex.length === 0) return "";
  const bytes = new Uint8Array(hex.match(/../g)!.map((b) => parseInt(b, 16)));
  const text = new TextDecoder("utf-8", { fatal: false }).decode(bytes);
  return /^[\x20-\x7e\u00a0-\uffff]*$/.test(text) ? text : memo;
}

export interface TokenInfo {
  address: Address;
  symbol: string;
  decimals: number;
}

const tokenCache = new Map<string, TokenInfo>();

/** Symbol and decimals, read through the wallet; ETH is the zero address. Without a wallet: address and 18. */
export async function tokenInfo(client: PublicClient | undefined, token: string): Promise<TokenInfo> {
  const address = getAddress(token);
  if (address === zeroAddress) return { address, symbol: "ETH", decimals: 18 };
  const cached = tokenCache.get(address);
  if (cached) return cached;
  // Without a wallet the page cannot read decimals: show base units rather than guess.
  if (!client) return { address, symbol: `base units of ${address.slice(0, 8)}…`, decimals: 0 };
  const [symbol, decimals] = await Promise.all([
    client.readContract({ address, abi: testERC20Abi, functionName: "symbol" }),
    client.readContract({ address, abi: testERC20Abi, functionName: "decimals" }),
  ]);
  const info = { address, symbol, decimals: Number(decimals) };
  tokenCache.set(address, info);
  return info;
}

export function poolSelect(ctx: Ctx, id: string): HTMLSelectElement {
  const select = h("select", { id, name: "pool" });
  for (const p of ctx.pools)
    select.append(h("option", { value: p.address }, `${p.name} (${p.address.slice(0, 10)}…)`));
  if (ctx.pools.length === 0) select.append(h("option", { value: "" }, "No pools registered on this server"));
  return select;
}

/** Shows a failure in a status box with the state the tests and styles key on. */
export function showError(box: HTMLElement, error: unknown): void {
  if (error instanceof WalletError) {
    const state = {
      NO_WALLET: "no-wallet",
      WRONG_NETWORK: "wrong-network",
      REJECTED: "rejected",
      NOT_CONNECTED: "not-connected",
      TX_FAILED: "failed",
    }[error.code];
    setStatus(box, state === "rejected" ? "warning" : "error", state, error.message);
    return;
  }
  setStatus(box, "error", "failed", errorMessage(error));
}
