// The Explorer's controller against a real chain and server: the pool's balances and schedules,
// the active table's largest recipients and held value as the server ranks them (checked against
// the whole table here), account search with rank, and cumulative deposits per token.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { parseEther } from "viem";

import type { Recipient } from "../src/app/api.ts";
import { POT_PARTS, chartPercent, depositSeries, findAccount, loadPool } from "../src/app/explorer.ts";
import { IDENTITY } from "./fixtures.ts";
import { ACTIVATION_DELAY, CLAIMER, STRANGER, type World, publishRun, startWorld, payInto } from "./world.ts";

describe("Explorer: chart figures", () => {
  it("percent for a chart's geometry, to 4 decimals", () => {
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
    // The server ranks the table; here it is read whole to check the ranking.
    const table = await world.api.getAll<Recipient>(
      `/v1/runs/${view.runId}/recipients`,
      "recipients",
      "after",
    );
    const sorted = [...table].sort((a, b) =>
      BigInt(a.shares) !== BigInt(b.shares)
        ? BigInt(b.shares) > BigInt(a.shares)
          ? 1
          : -1
        : a.accountId < b.accountId
          ? -1
          : 1,
    );
    const sum = (rows: readonly Recipient[]) => rows.reduce((a, r) => a + BigInt(r.shares), 0n);
    assert.equal(sum(table), BigInt(view.active!.totalShares), "the table sums to its total");
    assert.deepEqual(view.top?.top, sorted.slice(0, 10));
    assert.deepEqual(view.top?.others, {
      count: Math.max(0, table.length - 10),
      shares: sum(sorted.slice(10)).toString(),
    });
    const heldRows = sorted.filter((r) => r.identity?.startsWith("component:"));
    assert.ok(heldRows.length > 0, "tiny-json names nobody: its share is held");
    assert.deepEqual(view.held?.matched, { count: heldRows.length, shares: sum(heldRows).toString() });
    assert.deepEqual(view.held?.top, heldRows.slice(0, 10));
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
      heldRows.reduce((s, r) => s + (eth.pot * BigInt(r.shares)) / total, 0n),
    );

    const found = await findAccount(world.api, view, ` ${IDENTITY} `);
    assert.ok(found?.found);
    assert.equal(found.rank, 1);
    assert.equal(found.of, table.length);
    assert.equal((found.shares * 100n) / found.total, 75n);
    const last = sorted.at(-1)!;
    const lastFound = await findAccount(world.api, view, last.identity ?? last.accountId);
    assert.equal(lastFound?.found && lastFound.rank, table.length);
    assert.deepEqual(await findAccount(world.api, view, STRANGER), { found: false, query: STRANGER });
    assert.equal(await findAccount(world.api, view, "  "), undefined);
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
