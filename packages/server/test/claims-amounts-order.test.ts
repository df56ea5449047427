// More of the claims endpoint against PGlite (see claims-amounts.test.ts): the amounts come in
// token order whatever order the tokens were first indexed in, and a tree build that failed is
// tried again once the stored table is right.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { merkleRoot, toAccountId, type Leaf } from "@wellspring/protocol";
import { getAddress } from "viem";
import { bytea } from "../src/db/database.ts";
import { ClaimsFixture, ETH, NOW, USDC, USDT } from "./claims-fixture.ts";

const DAI = getAddress("0x6b175474e89094c44da98b954eedeac495271d0f");
const A = toAccountId("github:alice");
const B = toAccountId("github:bob");

let f: ClaimsFixture;
before(async () => {
  f = await ClaimsFixture.open();
});
after(async () => {
  await f?.dispose();
});

/** A pool with one active schedule of `leaves` (its table stored with `stored` recipients). */
async function poolWith(name: string, leaves: Leaf[], stored: Leaf[] = leaves) {
  const pool = await f.newPool(name);
  const table = await f.storeRun(
    pool.id,
    stored,
    merkleRoot(leaves),
    leaves.reduce((s, l) => s + l.shares, 0n),
  );
  await f.schedule(pool.id, 1n, table, NOW - 100n, 10n);
  return { pool, runId: table.runId };
}

describe("claims: token order and tree rebuilds", () => {
  it("lists the amounts in token order whatever order the tokens were first deposited in", async () => {
    const { pool } = await poolWith("token order", [
      { accountId: A, shares: 1n },
      { accountId: B, shares: 1n },
    ]);
    const claims = f.service();
    // USDT first; ETH and USDC arrive in later blocks, read incrementally after USDT.
    await f.deposit(pool.id, 1n, USDT, 10n, 100n);
    await f.indexedUpTo(pool.address, 100n);
    assert.deepEqual((await claims.plan(pool.address, A)).items[0]?.claimable, [
      { token: USDT, amount: "5" },
    ]);
    await f.deposit(pool.id, null, USDC, 20n, 101n);
    await f.deposit(pool.id, 1n, ETH, 40n, 101n);
    await f.indexedUpTo(pool.address, 101n);
    const plan = await claims.plan(pool.address, A);
    const expected = [
      { token: ETH, amount: "20" },
      { token: USDC, amount: "10" },
      { token: USDT, amount: "5" },
    ];
    assert.deepEqual(plan.items[0]?.claimable, expected);
    assert.deepEqual(plan.totals, expected);
    assert.deepEqual(plan.requests[0]?.tokens, [ETH, USDC, USDT]);
    // A token that sorts inside a list already in order: it is placed, not appended.
    await f.deposit(pool.id, 1n, DAI, 8n, 102n);
    await f.indexedUpTo(pool.address, 102n);
    const later = await claims.plan(pool.address, A);
    assert.deepEqual(later.requests[0]?.tokens, [ETH, DAI, USDC, USDT]);
    assert.deepEqual(later.items[0]?.claimable, [
      { token: ETH, amount: "20" },
      { token: DAI, amount: "4" },
      { token: USDC, amount: "10" },
      { token: USDT, amount: "5" },
    ]);
  });

  it("builds a tree again after a build failed, once the stored table matches the root", async () => {
    const leaves: Leaf[] = [
      { accountId: A, shares: 3n },
      { accountId: B, shares: 1n },
    ];
    // Stored with B's shares wrong: its tree is not the schedule's root.
    const { pool, runId } = await poolWith("corrected table", leaves, [
      { accountId: A, shares: 3n },
      { accountId: B, shares: 2n },
    ]);
    await f.deposit(pool.id, 1n, USDC, 100n);
    const claims = f.service();
    await assert.rejects(claims.plan(pool.address, A), /stored table has root/);
    await f.db.query("UPDATE run_recipients SET shares = 1 WHERE run_id = $1 AND account_id = $2", [
      runId,
      bytea(B),
    ]);
    const plan = await claims.plan(pool.address, A);
    assert.deepEqual(plan.items[0]?.claimable, [{ token: USDC, amount: "75" }]);
  });
  it("counts a proposal and a revocation indexed at the cursor block itself", async () => {
    const leaves: Leaf[] = [{ accountId: A, shares: 1n }];
    const { pool } = await poolWith("at the cursor", leaves); // schedule 1, proposed at block 10
    const table = { root: merkleRoot(leaves), totalShares: 1n };
    // Schedule 2 is revoked at block 30 and schedule 3 proposed at block 30, the cursor's block.
    await f.schedule(pool.id, 2n, table, NOW - 60n, 20n);
    await f.revoke(pool.id, 2n, 30n);
    await f.schedule(pool.id, 3n, table, NOW - 50n, 30n);
    await f.indexedUpTo(pool.address, 30n);
    const plan = await f.service().plan(pool.address, A);
    assert.deepEqual(
      plan.items.map((i) => [i.scheduleId, i.status]),
      [
        ["1", "superseded"],
        ["3", "active"],
      ],
    );
  });
});
