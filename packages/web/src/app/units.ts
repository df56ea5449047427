/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Amounts, durations, dates and costs as people read them: tokens by symbol at their decimals
// (read by the server from the chain once, GET /v1/tokens/{address}), rounded for display with the
// exact value on hover and on copy; "30 days" rather than 2592000 s.
import { type Address, formatUnits, getAddress } from "viem";

import type { Api } from "./api.ts";
import type { TokenInfo } from "./context.ts";
import { h } from "./ui.ts";

/** A token as the server describes it; `guessed` names what the token did not say about itself. */
export interface Token extends TokenInfo {
  guessed: readonly ("symbol" | "decimals")[];
}

const books = new WeakMap<Api, Map<string, Promise<Token>>>();

/**
 * The token's symbol and decimals from the server, asked once per page load. When the server cannot
 * say (no RPC), amounts show in base units under the short address rather than at a guessed scale.
 */
export function token(api: Api, address: string): Promise<Token> {
  const key = getAddress(address);
  let cache = books.get(api);
  if (!cache) books.set(api, (cache = new Map()));
  let found = cache.get(key);
  if (!found) {
    found = api.get<Token>(`/v1/tokens/${key}`).catch((): Token => ({
      address: key,
      symbol: `${key.slice(0, 6)}…${key.slice(-4)}`,
      decimals: 0,
      guessed: ["symbol", "decimals"],
    }));
    cache.set(key, found);
  }
  return found;
}

/** Several tokens at once, by address. */
export async function tokens(api: Api, addresses: Iterable<string>): Promise<Map<Address, Token>> {
  const list = await Promise.all([...new Set(addresses)].map((a) => token(api, a)));
  return new Map(list.map((t) => [getAddress(t.address), t]));
}

/** The exact figure: every decimal, thousands grouped in the integer part ("2,500.000001"). */
export function exactAmount(value: bigint, decimals: number): string {
  const [int = "0", frac] = formatUnits(value, decimals).split(".");
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${grouped}${frac ? `.${frac}` : ""}`;
}

/** Fraction digits shown: two for amounts of a unit or more, else four significant digits. */
function shownDecimals(value: bigint, decimals: number): number {
  const abs = value < 0n ? -value : value;
  const unit = 10n ** BigInt(decimals);
  if (abs >= unit) return Math.min(2, decimals);
  // Leading zeros after the point, then four significant digits.
  const digits = abs.toString().length;
  return Math.min(decimals, decimals - digits + 4);
}

/** A base-unit amount rounded half-up for display; `exact` says whether nothing was rounded away. */
export function roundAmount(value: bigint, decimals: number): { text: string; exact: boolean; full: string } {
  const full = exactAmount(value, decimals);
  if (value === 0n) return { text: "0", exact: true, full };
  const keep = shownDecimals(value, decimals);
  const drop = 10n ** BigInt(decimals - keep);
  const abs = value < 0n ? -value : value;
  const rounded = ((abs + drop / 2n) / drop) * drop;
  const text = exactAmount(value < 0n ? -rounded : rounded, decimals);
  return { text, exact: rounded === abs, full };
}

/**
 * An amount for a table or a sentence: rounded ("≈ 5.45 ETH"), the exact figure in its title and
 * on the clipboard when copied, the base units in data-amount.
 */
export function money(value: bigint, t: Pick<Token, "symbol" | "decimals">, id?: string): HTMLSpanElement {
  const { text, exact, full } = roundAmount(value, t.decimals);
  const exactText = `${full} ${t.symbol}`;
  const span = h(
    "span",
    {
      class: "amount",
      id,
      title: exact ? undefined : `exactly ${exactText}`,
      "data-amount": value.toString(),
      "data-exact": exactText,
    },
    `${exact ? "" : "≈ "}${text} ${t.symbol}`,
  );
  span.addEventListener("copy", (event) => {
    event.clipboardData?.setData("text/plain", exactText);
    event.preventDefault();
  });
  return span;
}

/** The same figure as plain text (charts' titles, status lines). */
export function moneyText(value: bigint, t: Pick<Token, "symbol" | "decimals">): string {
  const { text, exact } = roundAmount(value, t.decimals);
  return `${exact ? "" : "≈ "}${text} ${t.symbol}`;
}

const SPANS: [string, number][] = [
  ["day", 86_400],
  ["hour", 3_600],
  ["minute", 60],
  ["second", 1],
];

/** "30 days", "1 day 2 hours", "45 minutes": the two largest non-zero units. */
export function duration(seconds: number | bigint | string): string {
  let left = Number(seconds);
  if (!Number.isFinite(left) || left < 0) return "unknown";
  if (left === 0) return "0 seconds";
  const parts: string[] = [];
  for (const [name, size] of SPANS) {
    const n = Math.floor(left / size);
    left -= n * size;
    if (n > 0 && parts.length < 2) parts.push(`${n} ${name}${n === 1 ? "" : "s"}`);
    else if (parts.length > 0) break;
  }
  return parts.join(" ");
}

const DATE = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "short",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  timeZone: "UTC",
});

/** "6 Dec 2026, 14:05 UTC" (one time zone on every page, as the chain keeps time). */
export function dateTime(when: string | number | Date): string {
  return `${DATE.format(new Date(when))} UTC`;
}

/** What a transaction cost its sender in the chain's currency: gas used × effective gas price. */
export function txCost(receipt: { gasUsed: bigint; effectiveGasPrice: bigint }): bigint {
  return receipt.gasUsed * receipt.effectiveGasPrice;
}

/** The exact decimal figure for an input (Max): no grouping, no trailing zeros. */
export const inputAmount = (value: bigint, decimals: number): string => formatUnits(value, decimals);
