// The claims endpoint's money lines (ClaimService.plan) against PGlite with hand-written indexed
// events and hand-computed amounts: which schedules are claimable, the leaf, its proof, every
// amount (genesis pot, partial claims, sweeps, the pot bound), the totals and the claim calldata.
// claims.test.ts compares the same service with a real pool on a chain; this file is the fast one
// the mutation run uses (docs/testing.md, "Mutation testing").
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { claimAbi, merkleRoot, toAccountId, verifyProof, type Leaf } from "@wellspring/protocol";
import { decodeFunctionData, getAddress, toHex, type Address, type Hex } from "viem";
import { ServerError } from "../src/errors.ts";
import { ADMIN, at, ClaimsFixture, ETH, hash, NOW, USDC, USDT } from "./claims-fixture.ts";

const WINDOW = 7n * 24n * 3600n;

let f: ClaimsFixture;
before(async () => {
  f = await ClaimsFixture.open();
});
after(async () => {
  await f?.dispose();
});

const A = toAccountId(getAddress("0x000000000000000000000000000000000000aaaa"));
const B = toAccountId(getAddress("0x000000000000000000000000000000000000bbbb"));
const C = toAccountId("github:carol");
const D = toAccountId("github:dave");
const X = toAccountId("github:nobody");

describe("claims: amounts, schedules and calldata from indexed events", () => {
  // Schedule 1 (genesis, superseded by 2): A 1, B 2, C 3 of 6. Schedule 2 (superseded by 3): A 5,
  // C 5, D 10 of 20. Schedule 3 (active): C 1 of 1. Schedule 4: revoked while pending.
  const t1: Leaf[] = [
    { accountId: A, shares: 1n },
    { accountId: B, shares: 2n },
    { accountId: C, shares: 3n },
  ];
  const t2: Leaf[] = [
    { accountId: A, shares: 5n },
    { accountId: C, shares: 5n },
    { accountId: D, shares: 10n },
  ];
  const t3: Leaf[] = [{ accountId: C, shares: 1n }];
  const s2At = NOW - WINDOW - 1000n;
  const s3At = NOW - 500n;
  let poolAddress: Address;
  let r1: Awaited<ReturnType<ClaimsFixture["storeRun"]>>;
  let r2: Awaited<ReturnType<ClaimsFixture["storeRun"]>>;
  let r3: Awaited<ReturnType<ClaimsFixture["storeRun"]>>;

  before(async () => {
    const pool = await f.newPool("amounts", WINDOW);
    poolAddress = pool.address;
    r1 = await f.storeRun(pool.id, t1);
    r2 = await f.storeRun(pool.id, t2);
    r3 = await f.storeRun(pool.id, t3);
    await f.schedule(pool.id, 1n, r1, s2At - 100_000n);
    await f.schedule(pool.id, 2n, r2, s2At);
    await f.schedule(pool.id, 3n, r3, s3At);
    await f.schedule(pool.id, 4n, r1, NOW + 3600n);
    await f.revoke(pool.id, 4n, 45n);
    // Schedule 1's pot (genesis: key 0 holds the unallocated deposits too): USDC 60 + 600, ETH 6 + 7.
    await f.deposit(pool.id, null, USDC, 60n);
    await f.deposit(pool.id, 1n, USDC, 600n);
    await f.deposit(pool.id, null, ETH, 6n);
    await f.deposit(pool.id, 1n, ETH, 7n);
    // Schedule 2's pot: USDC 1000, USDT 100; ETH only from schedule 1's sweep below.
    await f.deposit(pool.id, 2n, USDC, 1000n);
    await f.deposit(pool.id, 2n, USDT, 100n);
    await f.claimed(pool.id, 1n, A, USDC, 50n);
    await f.claimed(pool.id, 1n, B, USDC, 100n);
    // D took all of schedule 2 it is owed, and more of USDT than its share (the pot bound binds A).
    await f.claimed(pool.id, 2n, D, USDC, 500n);
    await f.claimed(pool.id, 2n, D, ETH, 20n);
    await f.claimed(pool.id, 2n, D, USDT, 95n);
    await f.db.transaction((tx) =>
      f.events.insertSweep(tx, {
        poolId: pool.id,
        blockNumber: 300n,
        ...f.log(),
        scheduleId: 1n,
        token: ETH,
        amount: 40n,
        intoScheduleId: 2n,
        caller: ADMIN,
      }),
    );
  });

  it("lists each claimable schedule's leaf, proof and amounts, and one claim for what is owed", async () => {
    const claims = f.service();
    const plan = await claims.plan(poolAddress, A);
    assert.equal(plan.accountId, A);
    assert.deepEqual(plan.unavailableSchedules, []);
    const sweepable = (s: bigint) => at(s + WINDOW).toISOString();
    // Tokens in lower-case hex order: ETH (0x00…), USDC (0xa0b8…), USDT (0xdac1…).
    assert.deepEqual(
      plan.items.map(({ proof: _proof, ...item }) => item),
      [
        {
          scheduleId: "1",
          status: "superseded",
          sweepableAt: sweepable(s2At),
          runId: r1.runId.toString(),
          shares: "1",
          claimable: [
            // ETH: swept into schedule 2, pays nothing more (A's floor(13 / 6) = 2 is gone).
            { token: ETH, amount: "0" },
            // USDC: floor(660 × 1 / 6) = 110, less the 50 already claimed.
            { token: USDC, amount: "60" },
            { token: USDT, amount: "0" },
          ],
        },
        {
          scheduleId: "2",
          status: "superseded",
          sweepableAt: sweepable(s3At),
          runId: r2.runId.toString(),
          shares: "5",
          claimable: [
            // ETH: the 40 swept in, × 5 / 20.
            { token: ETH, amount: "10" },
            // USDC: 1000 × 5 / 20 (the sweep was ETH only).
            { token: USDC, amount: "250" },
            // USDT: 25 owed, but 95 claimed + 25 > 100 deposited: the pool would revert, so 0.
            { token: USDT, amount: "0" },
          ],
        },
      ],
    );
    assert.deepEqual(plan.totals, [
      { token: ETH, amount: "10" },
      { token: USDC, amount: "310" },
      { token: USDT, amount: "0" },
    ]);
    // The proofs are the leaves' proofs in the schedules' trees.
    assert.ok(verifyProof(r1.root, { accountId: A, shares: 1n }, plan.items[0]!.proof));
    assert.ok(verifyProof(r2.root, { accountId: A, shares: 5n }, plan.items[1]!.proof));
    assert.equal(plan.items[0]!.proof.length, 2);

    const expected = [
      { scheduleId: 1n, accountId: A, shares: 1n, proof: plan.items[0]!.proof, tokens: [USDC] },
      { scheduleId: 2n, accountId: A, shares: 5n, proof: plan.items[1]!.proof, tokens: [ETH, USDC] },
    ];
    assert.deepEqual(plan.requests, expected);
    assert.equal(plan.transaction?.to, poolAddress);
    const call = decodeFunctionData({ abi: claimAbi, data: plan.transaction!.data });
    assert.equal(call.functionName, "claim");
    assert.deepEqual(call.args, [expected]);

    // `claimable` is the same answer without the requests.
    const { requests: _requests, ...answer } = plan;
    assert.deepEqual(
      await claims.claimable(poolAddress, getAddress("0x000000000000000000000000000000000000aaaa")),
      answer,
    );
  });

  it("gives the other leaves their own amounts, and no transaction when nothing is owed", async () => {
    const claims = f.service();
    const b = await claims.plan(poolAddress, B);
    // floor(660 × 2 / 6) = 220 less 100 claimed; ETH swept; not in schedules 2 and 3.
    assert.deepEqual(
      b.items.map((i) => [i.scheduleId, i.shares, i.claimable.map((c) => c.amount)]),
      [["1", "2", ["0", "120", "0"]]],
    );
    assert.deepEqual(
      b.requests.map((r) => [r.scheduleId, r.tokens]),
      [[1n, [USDC]]],
    );
    const call = decodeFunctionData({ abi: claimAbi, data: b.transaction!.data });
    assert.equal(call.functionName, "claimOneLeaf");

    // D was paid everything: listed with zeros, nothing to send.
    const d = await claims.plan(poolAddress, D);
    assert.deepEqual(
      d.items.map((i) => [i.scheduleId, i.shares, i.claimable.map((c) => c.amount)]),
      [["2", "10", ["0", "0", "0"]]],
    );
    assert.deepEqual(d.totals, [
      { token: ETH, amount: "0" },
      { token: USDC, amount: "0" },
      { token: USDT, amount: "0" },
    ]);
    assert.deepEqual(d.requests, []);
    assert.equal(d.transaction, null);

    // C is in all three tables; schedule 3 (active, nothing deposited) is not sweepable.
    const c = await claims.plan(poolAddress, C);
    assert.deepEqual(
      c.items.map((i) => [i.scheduleId, i.status, i.sweepableAt, i.shares, i.claimable.map((x) => x.amount)]),
      [
        ["1", "superseded", at(s2At + WINDOW).toISOString(), "3", ["0", "330", "0"]],
        ["2", "superseded", at(s3At + WINDOW).toISOString(), "5", ["10", "250", "0"]],
        ["3", "active", null, "1", ["0", "0", "0"]],
      ],
    );
    assert.deepEqual(c.items[2]!.proof, []);
    assert.deepEqual(
      c.requests.map((r) => [r.scheduleId, r.shares, r.tokens]),
      [
        [1n, 3n, [USDC]],
        [2n, 5n, [ETH, USDC]],
      ],
    );

    // An account in no table: nothing listed, no totals, no transaction.
    const x = await claims.plan(poolAddress, X);
    assert.deepEqual(x.items, []);
    assert.deepEqual(x.totals, []);
    assert.equal(x.transaction, null);
  });

  it("lists no schedule before its activation, none revoked, and names claimable ones without a table", async () => {
    const pool = await f.newPool("pending and unavailable");
    const leaves: Leaf[] = [
      { accountId: A, shares: 2n },
      { accountId: B, shares: 1n },
    ];
    const run = await f.storeRun(pool.id, leaves);
    const missing = { root: hash("a table this server does not hold"), totalShares: 3n };
    // 1 revoked, so 2 is the genesis schedule (its pot takes the unallocated deposits); 3 has no
    // stored table; 4 is pending.
    await f.schedule(pool.id, 1n, run, NOW - 20_000n);
    await f.revoke(pool.id, 1n, 11n);
    await f.schedule(pool.id, 2n, run, NOW - 10_000n);
    await f.schedule(pool.id, 3n, missing, NOW - 5_000n);
    await f.schedule(pool.id, 4n, run, NOW + 100n);
    await f.deposit(pool.id, null, USDC, 30n);
    await f.deposit(pool.id, 2n, USDC, 3n);
    await f.deposit(pool.id, 1n, USDC, 1_000n);

    const plan = await f.service().plan(pool.address, A);
    assert.deepEqual(plan.unavailableSchedules, ["3"]);
    // No claim window set: nothing is sweepable. Schedule 2: floor((30 + 3) × 2 / 3) = 22.
    assert.deepEqual(
      plan.items.map((i) => [i.scheduleId, i.status, i.sweepableAt, i.claimable]),
      [["2", "superseded", null, [{ token: USDC, amount: "22" }]]],
    );
    // Once schedule 4 activates it is listed too (nothing deposited to it).
    const later = await f.service(NOW + 100n).plan(pool.address, A);
    assert.deepEqual(
      later.items.map((i) => [i.scheduleId, i.status]),
      [
        ["2", "superseded"],
        ["4", "active"],
      ],
    );
  });

  it("sees schedules, revocations and deposits only up to the indexer's cursor", async () => {
    const pool = await f.newPool("cursor");
    const leaves: Leaf[] = [
      { accountId: A, shares: 1n },
      { accountId: C, shares: 1n },
    ];
    const run = await f.storeRun(pool.id, leaves);
    await f.schedule(pool.id, 1n, run, NOW - 10_000n, 10n);
    await f.schedule(pool.id, 2n, run, NOW - 5_000n, 20n);
    await f.schedule(pool.id, 3n, run, NOW - 4_000n, 31n);
    // Schedule 2's revocation is indexed at block 31, above the cursor.
    await f.revoke(pool.id, 2n, 31n);
    await f.deposit(pool.id, 1n, USDC, 10n, 25n);
    await f.deposit(pool.id, 2n, USDC, 100n, 30n);
    await f.deposit(pool.id, 2n, USDC, 1_000n, 31n);
    await f.indexedUpTo(pool.address, 30n);
    const plan = await f.service().plan(pool.address, A);
    assert.deepEqual(
      plan.items.map((i) => [i.scheduleId, i.status, i.claimable]),
      [
        ["1", "superseded", [{ token: USDC, amount: "5" }]],
        ["2", "active", [{ token: USDC, amount: "50" }]],
      ],
    );
  });

  it("finds every row of a larger table and reads shares of every width exactly", async () => {
    const pool = await f.newPool("wide shares");
    // 40 rows: shares with bits in each of the four 64-bit words, up to 2^240.
    const leaves: Leaf[] = Array.from({ length: 40 }, (_, i) => ({
      accountId: hash(`row ${i}`),
      shares: (1n << BigInt(i * 6)) + BigInt(i) * 0x0102030405060708n + 1n,
    }));
    const run = await f.storeRun(pool.id, leaves);
    await f.schedule(pool.id, 1n, run, NOW - 100n);
    const claims = f.service(NOW, 60_000);
    for (const leaf of leaves) {
      const plan = await claims.plan(pool.address, leaf.accountId);
      assert.equal(plan.items.length, 1, leaf.accountId);
      assert.equal(plan.items[0]!.shares, leaf.shares.toString());
      assert.ok(verifyProof(run.root, leaf, plan.items[0]!.proof), leaf.accountId);
    }
    // Ids next to stored ones (last or first byte changed) and outside the range are not rows.
    const sorted = leaves.map((l) => l.accountId).sort();
    const near = (id: Hex, i: number, d: number) => {
      const bytes = Buffer.from(id.slice(2), "hex");
      bytes[i] = (bytes[i]! + d + 256) % 256;
      return toHex(bytes);
    };
    const absent = [
      `0x${"00".repeat(32)}`,
      `0x${"ff".repeat(32)}`,
      ...sorted.flatMap((id) => [near(id, 31, 1), near(id, 31, -1), near(id, 0, 1)]),
    ].filter((id) => !sorted.includes(id as Hex)) as Hex[];
    for (const id of absent) assert.deepEqual((await claims.plan(pool.address, id)).items, [], id);
  });

  it("refuses a stored table whose tree is not the schedule's root, or an empty one", async () => {
    const pool = await f.newPool("bad tables");
    const leaves: Leaf[] = [{ accountId: A, shares: 1n }];
    const wrong = await f.storeRun(pool.id, [{ accountId: A, shares: 2n }], merkleRoot(leaves));
    await f.schedule(pool.id, 1n, wrong, NOW - 100n);
    await assert.rejects(f.service().plan(pool.address, A), (e: unknown) => {
      assert.ok(e instanceof ServerError);
      assert.equal(e.code, "INTERNAL");
      assert.match(e.message, /stored table has root/);
      return true;
    });
    const other = await f.newPool("empty table");
    const empty = await f.storeRun(other.id, [], hash("empty"), 1n);
    await f.schedule(other.id, 1n, empty, NOW - 100n);
    await assert.rejects(f.service().plan(other.address, A), /has no recipients/);
  });
});
