// The what-if in money: each share change priced at the pool's current pot (what the account would
// be entitled to, mulDiv(pot, shares, totalShares) as the pool computes it), the largest gains and
// losses, concentration of the new table (top-10 share, HHI) and the rows as the page filters and
// pages them. Exact bigint throughout; no DOM.
import type { Recipient, RunDiff } from "./api.ts";
import { recipientName } from "./held.ts";

export const PAGE_SIZE = 50;

/** The pot a new table would share: one token's balance in the pool. */
export interface Pot {
  token: string;
  amount: bigint;
}

export interface WhatIfRow {
  name: string;
  accountId: string;
  before: bigint;
  after: bigint;
  delta: bigint;
  /** The change in money at the pot (entitlement after minus before, each rounded down as on chain). */
  money: bigint;
}

export interface WhatIfSummary {
  rows: WhatIfRow[];
  gains: WhatIfRow[];
  losses: WhatIfRow[];
  gained: number;
  lost: number;
  changed: number;
  /** Shares held by the ten largest recipients of the new table, of `total`. */
  top10: bigint;
  /** Herfindahl–Hirschman index of the new table on the 0–10,000 scale, rounded down. */
  hhi: bigint;
  total: bigint;
}

const abs = (x: bigint) => (x < 0n ? -x : x);
const byAbsMoneyThenShares = (a: WhatIfRow, b: WhatIfRow) =>
  abs(b.money) !== abs(a.money)
    ? abs(b.money) > abs(a.money)
      ? 1
      : -1
    : abs(b.delta) > abs(a.delta)
      ? 1
      : abs(b.delta) < abs(a.delta)
        ? -1
        : a.accountId < b.accountId
          ? -1
          : 1;

/** What `shares` of `total` entitle to in a pot of `pot`, rounded down (the pool's mulDiv). */
export const entitlement = (pot: bigint, shares: bigint, total: bigint): bigint =>
  total === 0n ? 0n : (pot * shares) / total;

/**
 * The summary of a run's changes (all pages of GET /v1/runs/{id}/diff) at `pot`, with concentration
 * from the new table's recipients. Rows are sorted by absolute change in money, then in shares.
 */
export function whatIfSummary(
  changes: RunDiff["changes"],
  recipients: readonly Pick<Recipient, "shares">[],
  total: bigint,
  pot: bigint,
  largest = 5,
): WhatIfSummary {
  const rows = changes.map((c) => {
    const before = BigInt(c.before);
    const after = BigInt(c.after);
    return {
      name: recipientName(c),
      accountId: c.accountId,
      before,
      after,
      delta: BigInt(c.delta),
      money: entitlement(pot, after, total) - entitlement(pot, before, total),
    };
  });
  rows.sort(byAbsMoneyThenShares);
  const shares = recipients.map((r) => BigInt(r.shares)).sort((a, b) => (b > a ? 1 : b < a ? -1 : 0));
  const squares = shares.reduce((s, x) => s + x * x, 0n);
  return {
    rows,
    gains: rows.filter((r) => r.delta > 0n).slice(0, largest),
    losses: rows.filter((r) => r.delta < 0n).slice(0, largest),
    gained: rows.filter((r) => r.delta > 0n).length,
    lost: rows.filter((r) => r.delta < 0n).length,
    changed: rows.filter((r) => r.delta !== 0n).length,
    top10: shares.slice(0, 10).reduce((s, x) => s + x, 0n),
    hhi: total === 0n ? 0n : (squares * 10_000n) / (total * total),
    total,
  };
}

/**
 * The rows the table shows: those matching `filter` (name or accountId, case-insensitive), without
 * the "+0" rows unless `showZero` (zero in money when `priced`, else zero in shares); page `page`
 * (0-based) of PAGE_SIZE.
 */
export function visibleRows(
  rows: readonly WhatIfRow[],
  opts: { filter: string; showZero: boolean; priced: boolean; page: number },
): { rows: WhatIfRow[]; matching: number; pages: number; page: number } {
  const needle = opts.filter.trim().toLowerCase();
  const matching = rows.filter(
    (r) =>
      (opts.showZero || (opts.priced ? r.money : r.delta) !== 0n) &&
      (!needle || r.name.toLowerCase().includes(needle) || r.accountId.toLowerCase().includes(needle)),
  );
  const pages = Math.max(1, Math.ceil(matching.length / PAGE_SIZE));
  const page = Math.min(Math.max(0, opts.page), pages - 1);
  return {
    rows: matching.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE),
    matching: matching.length,
    pages,
    page,
  };
}

/**
 * The pots changes can be priced at: every token the pool holds, in the server's order (ETH first).
 * Amounts of different tokens do not compare (6 and 18 decimals), so the page lets the admin pick
 * one and starts with the first.
 */
export function poolPots(balances: readonly { token: string; balance: string }[]): Pot[] {
  return balances
    .filter((b) => BigInt(b.balance) > 0n)
    .map((b) => ({ token: b.token, amount: BigInt(b.balance) }));
}
