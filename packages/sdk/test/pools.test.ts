import assert from "node:assert/strict";
import { before, describe, it } from "node:test";

import { erc20Abi, getAddress, keccak256, stringToHex, zeroAddress } from "viem";

import {
  buildClaims,
  claim,
  createPool,
  deposit,
  depositWithPermit,
  FAST_BUILDER_THRESHOLD,
  getPot,
  getReserve,
  isSdkError,
  POOL_MIN_DELAYS,
  poolFactoryAbi,
  proposeSchedule,
  royaltyPoolAbi,
  signAttestation,
  submitAttestation,
  sweep,
  sync,
} from "../src/index.ts";
import { ACTIVATION_DELAY, CLAIM_WINDOW, type Fixture, deployFixture } from "./helpers/fixture.ts";
import { addr, entitled, makeTable } from "./helpers/table.ts";

describe("pool lifecycle actions: createPool, sync, sweep, getReserve", () => {
  let f: Fixture;
  before(async () => {
    f = await deployFixture();
  });

  it("createPool with a salt lands at the factory's predicted address and is configured", async () => {
    const { admin, stranger } = f.wallets;
    const salt = keccak256(stringToHex("wellspring-test"));
    const predicted = await f.publicClient.readContract({
      address: f.factory,
      abi: poolFactoryAbi,
      functionName: "predictPoolAddress",
      args: [stranger.account.address, f.registry, salt],
    });
    const { pool } = await createPool(stranger, {
      factory: f.factory,
      salt,
      config: {
        admin: addr(admin),
        registry: f.registry,
        activationDelay: POOL_MIN_DELAYS.activationDelay,
        claimWindow: POOL_MIN_DELAYS.claimWindow + 9,
        proposers: [addr(admin)],
        guardians: [],
      },
    });
    assert.equal(pool, predicted);
    const read = (functionName: "activationDelay" | "claimWindow" | "admin" | "registry") =>
      f.publicClient.readContract({ address: pool, abi: royaltyPoolAbi, functionName });
    assert.equal(await read("activationDelay"), POOL_MIN_DELAYS.activationDelay);
    assert.equal(await read("claimWindow"), POOL_MIN_DELAYS.claimWindow + 9);
    assert.equal(await read("admin"), getAddress(addr(admin)));
    await assert.rejects(
      createPool(stranger, {
        factory: f.factory,
        config: {
          admin: addr(admin),
          registry: f.registry,
          activationDelay: -1,
          claimWindow: 0,
          proposers: [],
          guardians: [],
        },
      }),
      (e) => isSdkError(e, "INVALID_ARGUMENT"),
    );
    // Below the pool's minimum: refused before sending (the pool would revert).
    await assert.rejects(
      createPool(stranger, {
        factory: f.factory,
        config: {
          admin: addr(admin),
          registry: f.registry,
          activationDelay: POOL_MIN_DELAYS.activationDelay,
          claimWindow: POOL_MIN_DELAYS.claimWindow - 1,
          proposers: [],
          guardians: [],
        },
      }),
      (e) => isSdkError(e, "INVALID_ARGUMENT") && /claimWindow/.test(e.message),
    );
  });

  it("createPool with tokens makes a pool that takes deposits of those tokens only", async () => {
    const { admin, payer, stranger } = f.wallets;
    const config = {
      admin: addr(admin),
      registry: f.registry,
      activationDelay: POOL_MIN_DELAYS.activationDelay,
      claimWindow: POOL_MIN_DELAYS.claimWindow,
      proposers: [addr(admin)],
      guardians: [],
    };
    const salt = keccak256(stringToHex("listed"));
    const predicted = await f.publicClient.readContract({
      address: f.factory,
      abi: poolFactoryAbi,
      functionName: "predictPoolAddressWithTokens",
      args: [stranger.account.address, f.registry, [f.usdc], salt],
    });
    const { pool } = await createPool(stranger, { factory: f.factory, config, salt, tokens: [f.usdc] });
    assert.equal(pool, predicted);
    const listed = await f.publicClient.readContract({
      address: pool,
      abi: royaltyPoolAbi,
      functionName: "tokenAllowlist",
    });
    assert.deepEqual(listed, [getAddress(f.usdc)]);
    await deposit(payer, { pool, token: f.usdc, amount: 10n });
    const spam = await f.deployToken("TestERC20", ["Spam", "SPAM", 18]);
    await f.mint(spam, addr(payer), 10n);
    const nonceBefore = await f.publicClient.getTransactionCount({ address: addr(payer) });
    await assert.rejects(deposit(payer, { pool, token: spam, amount: 10n }), (e) => {
      assert.ok(isSdkError(e, "CONTRACT_REVERTED"));
      assert.equal((e as { errorName?: string }).errorName, "RoyaltyPoolTokenNotAllowed");
      return true;
    });
    await assert.rejects(
      depositWithPermit(payer, { pool, token: spam, amount: 10n }),
      (e) => isSdkError(e, "CONTRACT_REVERTED") && /RoyaltyPoolTokenNotAllowed/.test(e.message),
    );
    // Refused before the approve or the permit: the payer sent nothing and granted nothing.
    assert.equal(await f.publicClient.getTransactionCount({ address: addr(payer) }), nonceBefore);
    assert.equal(
      await f.publicClient.readContract({
        address: spam,
        abi: erc20Abi,
        functionName: "allowance",
        args: [addr(payer), pool],
      }),
      0n,
    );
    // The list's rules are checked before sending, naming the entry.
    for (const tokens of [[f.usdc, f.usdc], [zeroAddress]]) {
      await assert.rejects(
        createPool(stranger, { factory: f.factory, config, tokens }),
        (e) => isSdkError(e, "INVALID_ARGUMENT") && /tokens\[\d\]/.test(e.message),
      );
    }
  });

  it("sync credits tokens sent by plain transfer; getReserve follows the accounting", async () => {
    const { payer } = f.wallets;
    const hash = await payer.writeContract({
      address: f.usdc,
      abi: erc20Abi,
      functionName: "transfer",
      args: [f.pool, 12_345n],
    });
    await f.publicClient.waitForTransactionReceipt({ hash });
    assert.equal((await getReserve(payer, { pool: f.pool, token: f.usdc })).reserve, 0n);
    const synced = await sync(payer, { pool: f.pool, token: f.usdc });
    assert.equal(synced.credited, 12_345n);
    assert.equal(synced.scheduleId, 0n);
    assert.equal((await getReserve(payer, { pool: f.pool, token: f.usdc })).reserve, 12_345n);
    await assert.rejects(
      sync(payer, { pool: f.pool, token: f.usdc }),
      (e) =>
        isSdkError(e, "CONTRACT_REVERTED") &&
        (e as { errorName?: string }).errorName === "RoyaltyPoolNothingToSync",
    );
  });

  it("sweep moves a superseded schedule's remainder into the current one after the claim window", async () => {
    const { admin, alice, bob, attestor, carol, payer } = f.wallets;
    const first = makeTable([
      { account: addr(alice), shares: 1n },
      { account: addr(bob), shares: 1n },
    ]);
    await proposeSchedule(admin, { pool: f.pool, table: first.table, uri: "t1" });
    await f.networkHelpers.time.increase(ACTIVATION_DELAY);
    await claim(alice, {
      pool: f.pool,
      claims: buildClaims({
        account: addr(alice),
        schedules: [{ scheduleId: 1n, tree: first.tree }],
        tokens: [f.usdc],
      }),
    });
    const pot1 = await getPot(admin, { pool: f.pool, scheduleId: 1n, token: f.usdc });
    assert.equal(pot1.claimed, entitled(12_345n, 1n, 2n));

    const second = makeTable([{ account: "github:sweep", shares: 5n }]);
    await proposeSchedule(admin, { pool: f.pool, table: second.table, uri: "t2" });
    await f.networkHelpers.time.increase(ACTIVATION_DELAY);
    await assert.rejects(
      sweep(admin, { pool: f.pool, scheduleId: 1n, token: f.usdc }),
      (e) =>
        isSdkError(e, "CONTRACT_REVERTED") &&
        (e as { errorName?: string }).errorName === "RoyaltyPoolSweepTooEarly",
    );
    await f.networkHelpers.time.increase(CLAIM_WINDOW);
    const swept = await sweep(payer, { pool: f.pool, scheduleId: 1n, token: f.usdc });
    assert.equal(swept.amount, pot1.unclaimed);
    assert.equal(swept.intoScheduleId, 2n);
    assert.equal((await getPot(admin, { pool: f.pool, scheduleId: 1n, token: f.usdc })).swept, true);
    assert.equal(
      (await getPot(admin, { pool: f.pool, scheduleId: 2n, token: f.usdc })).deposited,
      pot1.unclaimed,
    );
    await assert.rejects(
      claim(bob, {
        pool: f.pool,
        claims: buildClaims({
          account: addr(bob),
          schedules: [{ scheduleId: 1n, tree: first.tree }],
          tokens: [f.usdc],
        }),
      }),
      (e) =>
        isSdkError(e, "CONTRACT_REVERTED") &&
        (e as { errorName?: string }).errorName === "RoyaltyPoolPotSwept",
    );

    // The swept money reaches the new schedule's identity once it is bound.
    const signed = await signAttestation(attestor, {
      registry: f.registry,
      identity: "github:sweep",
      payee: addr(carol),
    });
    await submitAttestation(carol, { registry: f.registry, ...signed });
    await f.waitOutBindingWindow();
    const before = await f.balanceOf(f.usdc, addr(carol));
    await claim(carol, {
      pool: f.pool,
      claims: buildClaims({
        account: "github:sweep",
        schedules: [{ scheduleId: 2n, tree: second.tree }],
        tokens: [f.usdc, zeroAddress],
      }),
    });
    assert.equal((await f.balanceOf(f.usdc, addr(carol))) - before, pot1.unclaimed);
    await deposit(payer, { pool: f.pool, token: f.usdc, amount: 10n });
    assert.equal((await getReserve(payer, { pool: f.pool, token: f.usdc })).reserve, 10n);
  });
});

describe("client checks", () => {
  it("a write on a client without an account fails with NO_ACCOUNT before sending", async () => {
    const f = await deployFixture();
    await assert.rejects(deposit(f.publicClient, { pool: f.pool, token: f.usdc, amount: 1n }), (e) =>
      isSdkError(e, "NO_ACCOUNT"),
    );
  });

  it("an expired attestation is refused by the registry", async () => {
    const f = await deployFixture();
    const { attestor, carol } = f.wallets;
    const signed = await signAttestation(attestor, {
      registry: f.registry,
      identity: "github:late",
      payee: addr(carol),
      deadline: 1n,
    });
    await assert.rejects(
      submitAttestation(carol, { registry: f.registry, ...signed }),
      (e) =>
        isSdkError(e, "CONTRACT_REVERTED") &&
        (e as { errorName?: string }).errorName === "IdentityRegistryAttestationExpired",
    );
  });
});

describe("big tables", () => {
  it("a proof from the fast builder (5,001 leaves) verifies on-chain and pays exactly", async () => {
    const f = await deployFixture();
    const { admin, alice, payer } = f.wallets;
    const entries = [
      { account: addr(alice), shares: 777n },
      ...Array.from({ length: 5000 }, (_, i) => ({
        account: `npm:maintainer-${i}`,
        shares: BigInt(1 + (i % 97)),
      })),
    ];
    const { table, tree } = makeTable(entries);
    assert.ok(tree.size > FAST_BUILDER_THRESHOLD);
    await deposit(payer, { pool: f.pool, token: f.usdc, amount: 123_456_789n });
    await proposeSchedule(admin, { pool: f.pool, table, uri: "big" });
    await f.networkHelpers.time.increase(ACTIVATION_DELAY);
    const claims = buildClaims({
      account: addr(alice),
      schedules: [{ scheduleId: 1n, tree }],
      tokens: [f.usdc],
    });
    assert.ok(claims[0]!.proof.proof.length >= 12);
    const before = await f.balanceOf(f.usdc, addr(alice));
    await claim(alice, { pool: f.pool, claims });
    assert.equal(
      (await f.balanceOf(f.usdc, addr(alice))) - before,
      entitled(123_456_789n, 777n, table.totalShares),
    );
  });
});
