import assert from "node:assert/strict";
import { before, describe, it } from "node:test";

import {
  getCurrentSchedule,
  getSchedule,
  isSdkError,
  proposeSchedule,
  revokeSchedule,
} from "../src/index.ts";
import { ACTIVATION_DELAY, type Fixture, deployFixture } from "./helpers/fixture.ts";
import { addr, makeTable } from "./helpers/table.ts";

describe("schedule actions", () => {
  let f: Fixture;
  before(async () => {
    f = await deployFixture();
  });

  it("proposeSchedule returns the id and activation time; getCurrentSchedule shows it pending, then current", async () => {
    const { admin, alice, bob } = f.wallets;
    const { table } = makeTable([
      { account: addr(alice), shares: 3n },
      { account: addr(bob), shares: 1n },
    ]);
    const none = await getCurrentSchedule(admin, { pool: f.pool });
    assert.deepEqual(none, { current: null, pending: null });

    const proposed = await proposeSchedule(admin, { pool: f.pool, table, uri: "ipfs://table-1" });
    assert.equal(proposed.scheduleId, 1n);
    const block = await f.publicClient.getBlock({ blockNumber: proposed.receipt.blockNumber });
    assert.equal(proposed.activatesAt, block.timestamp + BigInt(ACTIVATION_DELAY));

    const pendingState = await getCurrentSchedule(admin, { pool: f.pool });
    assert.equal(pendingState.current, null);
    assert.equal(pendingState.pending?.scheduleId, 1n);
    assert.equal(pendingState.pending?.status, "pending");
    assert.equal(pendingState.pending?.root, table.root);
    assert.equal(pendingState.pending?.totalShares, 4n);

    await f.networkHelpers.time.increase(ACTIVATION_DELAY);
    const active = await getCurrentSchedule(admin, { pool: f.pool });
    assert.equal(active.pending, null);
    assert.equal(active.current?.scheduleId, 1n);
    assert.equal(active.current?.status, "active");
  });

  it("revokeSchedule revokes a pending schedule; the current one stays current", async () => {
    const { admin, alice } = f.wallets;
    const { table } = makeTable([{ account: addr(alice), shares: 1n }]);
    const { scheduleId } = await proposeSchedule(admin, { pool: f.pool, table, uri: "ipfs://table-2" });
    assert.equal(scheduleId, 2n);
    await revokeSchedule(admin, { pool: f.pool, scheduleId });
    const revoked = await getSchedule(admin, { pool: f.pool, scheduleId });
    assert.equal(revoked.revoked, true);
    assert.equal(revoked.status, "revoked");
    const state = await getCurrentSchedule(admin, { pool: f.pool });
    assert.equal(state.current?.scheduleId, 1n);
    assert.equal(state.pending, null);
    assert.equal((await getSchedule(admin, { pool: f.pool, scheduleId: 99n })).status, "unknown");
  });

  it("a non-proposer gets the pool's RoyaltyPoolUnauthorized error", async () => {
    const { stranger, alice } = f.wallets;
    const { table } = makeTable([{ account: addr(alice), shares: 1n }]);
    await assert.rejects(proposeSchedule(stranger, { pool: f.pool, table, uri: "x" }), (e) => {
      assert.ok(isSdkError(e, "CONTRACT_REVERTED"));
      assert.equal((e as { errorName?: string }).errorName, "RoyaltyPoolUnauthorized");
      return true;
    });
  });
});
