// The what-if's summary maths: money at the pot exact to the base unit (the pool's rounding down),
// largest gains and losses, HHI and top-10 share, and the table's "+0" rows, filter and pages.
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { PAGE_SIZE, entitlement, poolPots, visibleRows, whatIfSummary } from "../src/app/whatif.ts";

const T = 10n ** 18n;
const change = (i: number, before: bigint, after: bigint) => ({
  accountId: `0x${i.toString(16).padStart(64, "0")}` as const,
  identity: `pkg:npm/p${i}`,
  before: before.toString(),
  after: after.toString(),
  delta: (after - before).toString(),
});

describe("What-if summary", () => {
  it("prices each change at the pot exactly, rounding each entitlement down as the pool does", () => {
    // A pot of 10 USDC + 1 base unit at 6 decimals, thirds of the table.
    const pot = 10_000_001n;
    const third = T / 3n;
    const s = whatIfSummary(
      [change(1, 0n, third), change(2, third, 0n), change(3, third, third + 1n)],
      [{ shares: third.toString() }, { shares: (third + 1n).toString() }, { shares: third.toString() }],
      T,
      pot,
    );
    assert.equal(entitlement(pot, third, T), 3_333_333n);
    assert.deepEqual(
      s.rows.map((r) => [r.name, r.money]),
      [
        ["pkg:npm/p1", 3_333_333n],
        ["pkg:npm/p2", -3_333_333n],
        ["pkg:npm/p3", 0n], // one share in 10^18 of 10 USDC is less than a base unit
      ],
    );
    assert.deepEqual([s.gained, s.lost, s.changed], [2, 1, 3]);
    assert.deepEqual(
      s.gains.map((r) => r.name),
      ["pkg:npm/p1", "pkg:npm/p3"],
    );
    assert.deepEqual(
      s.losses.map((r) => r.name),
      ["pkg:npm/p2"],
    );
    // HHI of three near-equal thirds: 3 × (1/3)² × 10,000 = 3,333 (rounded down).
    assert.equal(s.hhi, 3333n);
    assert.equal(s.top10, T);
  });

  it("sorts by absolute change in money, then shares; HHI 10,000 for one recipient; top 10 of many", () => {
    const many = Array.from({ length: 20 }, () => ({ shares: (T / 20n).toString() }));
    const s = whatIfSummary(
      [change(1, 0n, 10n ** 16n), change(2, 5n * 10n ** 16n, 0n), change(3, 0n, 2n * 10n ** 16n)],
      many,
      T,
      10n ** 20n,
    );
    assert.deepEqual(
      s.rows.map((r) => r.name),
      ["pkg:npm/p2", "pkg:npm/p3", "pkg:npm/p1"],
    );
    assert.equal(s.rows[0]!.money, -5n * 10n ** 18n);
    assert.equal(s.top10, T / 2n);
    assert.equal(s.hhi, 500n);
    assert.equal(whatIfSummary([], [{ shares: T.toString() }], T, 0n).hhi, 10_000n);
  });

  it("hides +0 rows unless asked, filters by name or account and pages 50 at a time", () => {
    const changes = Array.from({ length: 120 }, (_, i) => change(i + 1, 0n, BigInt(i % 2) * 10n ** 15n));
    const s = whatIfSummary(changes, [], T, 1000n);
    // The even-numbered half gain 10^15 shares: 1 base unit of a 1000-unit pot; the rest change by 0.
    const shown = visibleRows(s.rows, { filter: "", showZero: false, priced: true, page: 0 });
    assert.equal(shown.matching, 60);
    assert.equal(shown.rows.length, PAGE_SIZE);
    assert.equal(shown.pages, 2);
    assert.equal(visibleRows(s.rows, { filter: "", showZero: false, priced: true, page: 9 }).rows.length, 10);
    assert.equal(visibleRows(s.rows, { filter: "", showZero: true, priced: true, page: 0 }).matching, 120);
    const one = visibleRows(s.rows, { filter: "PKG:NPM/P7", showZero: false, priced: true, page: 0 });
    assert.deepEqual(
      one.rows.map((r) => r.name),
      ["pkg:npm/p70", "pkg:npm/p72", "pkg:npm/p74", "pkg:npm/p76", "pkg:npm/p78"],
    );
    // Unpriced (an empty pool): "+0" means no change in shares.
    const unpriced = whatIfSummary(changes, [], T, 0n);
    assert.equal(
      visibleRows(unpriced.rows, { filter: "", showZero: false, priced: false, page: 0 }).matching,
      60,
    );
  });

  it("offers every token the pool holds, in the server's order, to price at; none when it holds nothing", () => {
    assert.deepEqual(
      poolPots([
        { token: "0xa", balance: "5" },
        { token: "0xb", balance: "7000000000000" },
        { token: "0xc", balance: "0" },
      ]),
      [
        { token: "0xa", amount: 5n },
        { token: "0xb", amount: 7_000_000_000_000n },
      ],
    );
    assert.deepEqual(poolPots([{ token: "0xa", balance: "0" }]), []);
  });
});
