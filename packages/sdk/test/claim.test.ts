import assert from "node:assert/strict";
import { before, describe, it } from "node:test";

import { type Address, getAddress, toFunctionSelector, zeroAddress } from "viem";

import {
  buildClaims,
  claim,
  deposit,
  depositETH,
  getClaimable,
  getPot,
  isSdkError,
  proposeSchedule,
  signAttestation,
  submitAttestation,
  type ShareTree,
} from "../src/index.ts";
import { royaltyPoolAbi } from "../src/abi/index.ts";
import { ACTIVATION_DELAY, type Fixture, deployFixture } from "./helpers/fixture.ts";
import { addr, entitled, makeTable } from "./helpers/table.ts";

const IDENTITY = "github:4242";
const claimOneLeafAbi = royaltyPoolAbi.find(
  (item) => item.type === "function" && item.name === "claimOneLeaf",
)!;
const TOTAL = 1_000_000n;

describe("claim and getClaimable (full flow on the in-process chain)", () => {
  let f: Fixture;
  let tree: ShareTree;
  let ETH: Address;
  let USDC: Address;
  const USDC_IN = 1_000_003n;
  const ETH_IN = 10n ** 18n + 7n;
  const shares = { alice: 500_000n, bob: 300_001n, identity: 199_999n };

  before(async () => {
    f = await deployFixture();
    ETH = zeroAddress;
    USDC = f.usdc;
    const { payer, payer2, admin, alice, bob } = f.wallets;
    // Deposits before any schedule wait in the unallocated pot and flow into the first schedule.
    await deposit(payer, { pool: f.pool, token: USDC, amount: USDC_IN });
    await depositETH(payer2, { pool: f.pool, value: ETH_IN });
    const made = makeTable([
      { account: addr(alice), shares: shares.alice },
      { account: addr(bob), shares: shares.bob },
      { account: IDENTITY, shares: shares.identity },
    ]);
    tree = made.tree;
    assert.equal(made.table.totalShares, TOTAL);
    await proposeSchedule(admin, { pool: f.pool, table: made.table, uri: "ipfs://t1" });
  });

  it("nothing is claimable while the schedule is pending; claiming reverts with RoyaltyPoolScheduleNotActive", async () => {
    const { alice } = f.wallets;
    const q = await getClaimable(alice, {
      pool: f.pool,
      queries: [{ scheduleId: 1n, proof: tree.proofFor(addr(alice)), tokens: [USDC, ETH] }],
    });
    assert.deepEqual([...q.totals.values()], [0n, 0n]);
    await assert.rejects(
      claim(alice, {
        pool: f.pool,
        claims: buildClaims({ account: addr(alice), schedules: [{ scheduleId: 1n, tree }], tokens: [USDC] }),
      }),
      (e) =>
        isSdkError(e, "CONTRACT_REVERTED") &&
        (e as { errorName?: string }).errorName === "RoyaltyPoolScheduleNotActive",
    );
    await f.networkHelpers.time.increase(ACTIVATION_DELAY);
  });

  it("getClaimable reads every (schedule, token) and sums per token", async () => {
    const { alice } = f.wallets;
    const q = await getClaimable(alice, {
      pool: f.pool,
      queries: [{ scheduleId: 1n, proof: tree.proofFor(addr(alice)), tokens: [USDC, ETH] }],
    });
    assert.equal(q.items.length, 2);
    assert.equal(q.totals.get(USDC), entitled(USDC_IN, shares.alice, TOTAL));
    assert.equal(q.totals.get(ETH), entitled(ETH_IN, shares.alice, TOTAL));
  });

  it("getClaimable gives the same figures batched in one deployless Multicall3 eth_call", async () => {
    const { stranger } = f.wallets;
    const queries = [IDENTITY, addr(f.wallets.alice), addr(f.wallets.bob)].map((account) => ({
      scheduleId: 1n,
      proof: tree.proofFor(account),
      tokens: [USDC, ETH],
    }));
    const parallel = await getClaimable(stranger, { pool: f.pool, queries, batch: "parallel" });
    const batched = await getClaimable(stranger, { pool: f.pool, queries, batch: "deployless" });
    assert.deepEqual(batched, parallel);
    assert.equal(parallel.items.length, 6);
    assert.equal(
      parallel.totals.get(USDC),
      entitled(USDC_IN, shares.alice, TOTAL) +
        entitled(USDC_IN, shares.bob, TOTAL) +
        entitled(USDC_IN, shares.identity, TOTAL),
    );
  });

  it("anyone may submit a claim; the money goes to the account's address, exact to the unit", async () => {
    const { alice, stranger } = f.wallets;
    const before = { usdc: await f.balanceOf(USDC, addr(alice)), eth: await f.balanceOf(ETH, addr(alice)) };
    const claims = buildClaims({
      account: addr(alice),
      schedules: [{ scheduleId: 1n, tree }],
      tokens: [USDC, ETH],
    });
    const result = await claim(stranger, { pool: f.pool, claims });
    const usdcPaid = entitled(USDC_IN, shares.alice, TOTAL);
    const ethPaid = entitled(ETH_IN, shares.alice, TOTAL);
    assert.equal((await f.balanceOf(USDC, addr(alice))) - before.usdc, usdcPaid);
    assert.equal((await f.balanceOf(ETH, addr(alice))) - before.eth, ethPaid);
    assert.equal(result.totals.get(getAddress(USDC)), usdcPaid);
    assert.equal(result.totals.get(ETH), ethPaid);
    assert.deepEqual(
      result.payments.map((p) => [p.payee, p.scheduleId]),
      [
        [getAddress(addr(alice)), 1n],
        [getAddress(addr(alice)), 1n],
      ],
    );
  });

  it("a second claim pays nothing new; a later deposit streams in at once", async () => {
    const { alice, payer } = f.wallets;
    const claims = buildClaims({
      account: addr(alice),
      schedules: [{ scheduleId: 1n, tree }],
      tokens: [USDC],
    });
    const again = await claim(alice, { pool: f.pool, claims });
    assert.equal(again.payments.length, 0);

    const more = 2_000_000n;
    const d = await deposit(payer, { pool: f.pool, token: USDC, amount: more });
    assert.equal(d.scheduleId, 1n);
    const expected = entitled(USDC_IN + more, shares.alice, TOTAL) - entitled(USDC_IN, shares.alice, TOTAL);
    const q = await getClaimable(alice, {
      pool: f.pool,
      queries: [{ scheduleId: 1n, proof: tree.proofFor(addr(alice)), tokens: [USDC] }],
    });
    assert.equal(q.totals.get(USDC), expected);
    const before = await f.balanceOf(USDC, addr(alice));
    await claim(alice, { pool: f.pool, claims });
    assert.equal((await f.balanceOf(USDC, addr(alice))) - before, expected);
  });

  it("an unbound identity cannot claim (UNBOUND_IDENTITY, checked first or decoded from the pool's revert)", async () => {
    const { stranger } = f.wallets;
    const claims = buildClaims({
      account: IDENTITY,
      schedules: [{ scheduleId: 1n, tree }],
      tokens: [USDC, ETH],
    });
    await assert.rejects(claim(stranger, { pool: f.pool, claims }), (e) => isSdkError(e, "UNBOUND_IDENTITY"));
    await assert.rejects(claim(stranger, { pool: f.pool, claims, checkPayees: false }), (e) =>
      isSdkError(e, "UNBOUND_IDENTITY"),
    );
  });

  it("once an attestor binds the identity, its claim pays the bound wallet everything it accrued", async () => {
    const { attestor, carol, stranger } = f.wallets;
    const signed = await signAttestation(attestor, {
      registry: f.registry,
      identity: IDENTITY,
      payee: addr(carol),
    });
    await submitAttestation(carol, { registry: f.registry, ...signed });
    await f.waitOutBindingWindow();
    const before = { usdc: await f.balanceOf(USDC, addr(carol)), eth: await f.balanceOf(ETH, addr(carol)) };
    const claims = buildClaims({
      account: IDENTITY,
      schedules: [{ scheduleId: 1n, tree }],
      tokens: [USDC, ETH],
    });
    await claim(stranger, { pool: f.pool, claims });
    const pot = (await getPot(stranger, { pool: f.pool, scheduleId: 1n, token: USDC })).deposited;
    assert.equal((await f.balanceOf(USDC, addr(carol))) - before.usdc, entitled(pot, shares.identity, TOTAL));
    assert.equal(
      (await f.balanceOf(ETH, addr(carol))) - before.eth,
      entitled(ETH_IN, shares.identity, TOTAL),
    );
  });

  it("after everyone claims, the pot holds only rounding dust (fewer units than recipients)", async () => {
    const { bob } = f.wallets;
    // One schedule and one token per call: the SDK sends claimOneLeaf, which pays as claim does.
    for (const token of [USDC, ETH]) {
      const { hash } = await claim(bob, {
        pool: f.pool,
        claims: buildClaims({ account: addr(bob), schedules: [{ scheduleId: 1n, tree }], tokens: [token] }),
      });
      const { input } = await f.publicClient.getTransaction({ hash });
      assert.equal(input.slice(0, 10), toFunctionSelector(claimOneLeafAbi));
    }
    for (const token of [USDC, ETH]) {
      const pot = await getPot(bob, { pool: f.pool, scheduleId: 1n, token });
      const expectedPaid = [shares.alice, shares.bob, shares.identity].reduce(
        (s, x) => s + entitled(pot.deposited, x, TOTAL),
        0n,
      );
      assert.equal(pot.claimed, expectedPaid);
      assert.ok(pot.unclaimed >= 0n && pot.unclaimed < 3n, `dust ${pot.unclaimed}`);
      assert.equal(await f.balanceOf(token, f.pool), pot.unclaimed);
    }
  });

  it("one claim covers several schedules and tokens", async () => {
    const { admin, alice, payer, payer2 } = f.wallets;
    const second = makeTable([
      { account: addr(alice), shares: 1n },
      { account: "npm:someone", shares: 3n },
    ]);
    const { scheduleId } = await proposeSchedule(admin, {
      pool: f.pool,
      table: second.table,
      uri: "ipfs://t2",
    });
    assert.equal(scheduleId, 2n);
    // Still schedule 1 until activation: this deposit is schedule 1's.
    await deposit(payer, { pool: f.pool, token: USDC, amount: 1_000_000n });
    await f.networkHelpers.time.increase(ACTIVATION_DELAY);
    await deposit(payer, { pool: f.pool, token: USDC, amount: 4_000_000n });
    await depositETH(payer2, { pool: f.pool, value: 4_000n });

    const schedules = [
      { scheduleId: 1n, tree },
      { scheduleId: 2n, tree: second.tree },
    ];
    const claims = buildClaims({ account: addr(alice), schedules, tokens: [USDC, ETH] });
    assert.equal(claims.length, 2);
    const pot1 = (await getPot(alice, { pool: f.pool, scheduleId: 1n, token: USDC })).deposited;
    // Alice already claimed schedule 1 up to pot1 − 1_000_000; schedule 2 gives her 1/4 of its pot.
    const first = entitled(pot1, shares.alice, TOTAL) - entitled(pot1 - 1_000_000n, shares.alice, TOTAL);
    const q = await getClaimable(alice, { pool: f.pool, queries: claims });
    assert.equal(q.totals.get(USDC), first + 1_000_000n);
    const before = await f.balanceOf(USDC, addr(alice));
    const result = await claim(alice, { pool: f.pool, claims });
    assert.equal((await f.balanceOf(USDC, addr(alice))) - before, first + 1_000_000n);
    assert.deepEqual(new Set(result.payments.map((p) => p.scheduleId)), new Set([1n, 2n]));
    assert.equal(result.totals.get(ETH), 1_000n);
  });

  it("buildClaims throws PROOF_NOT_FOUND for an account in no table", () => {
    assert.throws(
      () => buildClaims({ account: "github:nobody", schedules: [{ scheduleId: 1n, tree }], tokens: [USDC] }),
      (e) => isSdkError(e, "PROOF_NOT_FOUND"),
    );
  });
});
