// The Explorer's controller against a real chain and server: the pool's balances and schedules,
// the active table's distribution, account search with rank, and cumulative deposits per token.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { parseEther } from "viem";

import type { Recipient } from "../src/app/api.ts";
import {
  POT_PARTS,
  chartPercent,
  depositSeries,
  distribution,
  findAccount,
  loadPool,
} from "../src/app/explorer.ts";
import { IDENTITY } from "./fixtures.ts";
import { ACTIVATION_DELAY, CLAIMER, STRANGER, type World, publishRun, startWorld, payInto } from "./world.ts";

const row = (identity: string, shares: bigint): Recipient => ({
  accountId: `0x${identity.padStart(64, "0")}`,
  identity,
  shares: shares.toString(),
});

describe("Explorer: distribution and search", () => {
  it("the largest recipients and everyone else, summed exactly", () => {
    const rows = Array.from({ length: 13 }, (_, i) => row(`${i + 1}`, BigInt(i + 1)));
    const d = distribution(rows);
    assert.deepEqual(
      d.top.map((r) => r.identity),
      ["13", "12", "11", "10", "9", "8", "7", "6", "5", "4"],
    );
    assert.equal(d.rest, 1n + 2n + 3n);
    assert.equal(d.restCount, 3);
    assert.deepEqual(distribution(rows.slice(0, 2)), { top: [rows[1], rows[0]], rest: 0n, restCount: 0 });
    assert.equal(chartPercent(1n, 3n), 33.3333);
  });
});

describe("Explorer: a pool on a real chain and server", () => {
  let world: World;

  before(async () => {
    world = await startWorld();
    const deposit = (amount: string, token = "") => payInto(world, amount, token);
    await deposit("1.5");
    await publishRun(world, CLAIMER);
    await world.advance(ACTIVATION_DELAY + 1);
    await deposit("2");
    await deposit("2500.000001", world.usdc);
    await world.catchUp();
  });
  after(async () => {
    await world?.close();
  });

  it("shows balances (symbols from the server, no wallet needed), the active schedule and its table", async () => {
    const view = await loadPool(world.api, world.pool);
    assert.equal(view.detail.name, "Acme AI royalties");
    assert.deepEqual(
      view.balances.map((b) => [b.token.symbol, b.deposited, b.balance]),
      [
        ["ETH", parseEther("3.5"), parseEther("3.5")],
        ["USDC", 2_500_000_001n, 2_500_000_001n],
      ],
    );
    assert.deepEqual(
      view.schedules.map((s) => s.status),
      ["active"],
    );
    assert.equal(view.verifications.length, 1);
    assert.equal(view.active?.scheduleId, "1");
    assert.equal(
      view.recipients.reduce((a, r) => a + BigInt(r.shares), 0n),
      BigInt(view.active!.totalShares),
      "the table sums to its total",
    );
    // Where schedule #1's money is: every deposit so far (the unallocated 1.5 ETH included), nothing
    // claimed, the identity's part unbound (no wallet bound yet), tiny-json's quarter held.
    const eth = view.pots!.find((l) => l.token.symbol === "ETH")!;
    assert.equal(eth.pot, parseEther("3.5"));
    assert.equal(
      POT_PARTS.reduce((sum, p) => sum + eth.parts[p], 0n),
      eth.pot,
    );
    assert.equal(eth.parts.claimed, 0n);
    assert.ok(eth.parts.unbound > 0n && eth.parts.held > 0n);
    const total = BigInt(view.active!.totalShares);
    assert.equal(
      eth.parts.held,
      view.recipients
        .filter((r) => r.identity?.startsWith("component:"))
        .reduce((sum, r) => sum + (eth.pot * BigInt(r.shares)) / total, 0n),
    );

    const found = findAccount(view, ` ${IDENTITY} `);
    assert.ok(found?.found);
    assert.equal(found.rank, 1);
    assert.equal(found.of, view.recipients.length);
    assert.equal((found.shares * 100n) / found.total, 75n);
    assert.deepEqual(findAccount(view, STRANGER), { found: false, query: STRANGER });
    assert.equal(findAccount(view, "  "), undefined);
  });

  it("draws cumulative deposits per token, ending at the exact totals", async () => {
    const series = await depositSeries(world.api, world.pool);
    assert.ok(series);
    const eth = series.find((s) => s.token.symbol === "ETH")!;
    assert.equal(eth.count, 2);
    assert.equal(eth.total, parseEther("3.5"));
    assert.deepEqual(
      eth.points.map((p) => p.y),
      [1.5, 3.5],
    );
    assert.ok(eth.byTime, "the server knows every deposit's block time");
    const usdc = series.find((s) => s.token.symbol === "USDC")!;
    assert.equal(usdc.total, 2_500_000_001n);
    assert.equal(usdc.points.at(-1)?.y, 2500.000001);
    const nowhere = { ...world.api, getAll: () => Promise.reject(new Error("404")) };
    assert.equal(await depositSeries(nowhere, world.pool), undefined);
  });
});
