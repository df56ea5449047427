import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";

import { BrowserProvider, JsonRpcProvider, type Signer, Wallet, id } from "ethers";
import { type Address, getAddress, parseEther, zeroAddress } from "viem";

import { type HardhatNode, freePort, startHardhatNode } from "../../../scripts/lib/hardhat-node.ts";

import { buildClaims, getPot, isSdkError, proposeSchedule, type ShareTree } from "../src/index.ts";
import { claim, deposit, depositETH, depositWithPermit } from "../src/ethers/index.ts";
import { ACTIVATION_DELAY, type Fixture, deployFixture } from "./helpers/fixture.ts";
import { addr, entitled, makeTable } from "./helpers/table.ts";

describe("ethers v6 adapter", () => {
  let f: Fixture;
  let signers: Signer[];
  let tree: ShareTree;

  before(async () => {
    f = await deployFixture();
    signers = await f.ethers.getSigners();
  });

  // Hardhat's signers are in the same order as the viem wallet clients.
  const signer = (i: number): Signer => signers[i]!;

  it("deposit approves when needed and credits the pool", async () => {
    const payer = signer(2);
    const first = await deposit(payer, { pool: f.pool, token: f.usdc, amount: 900_000n, memo: "ethers-1" });
    assert.notEqual(first.approvalHash, undefined);
    assert.equal(first.credited, 900_000n);
    assert.equal(first.scheduleId, 0n);
    assert.equal(first.receipt.status, 1);
    const second = await deposit(payer, { pool: f.pool, token: f.usdc, amount: 100_000n, approval: "max" });
    assert.notEqual(second.approvalHash, undefined);
    const third = await deposit(payer, { pool: f.pool, token: f.usdc, amount: 1n });
    assert.equal(third.approvalHash, undefined);
    assert.equal(await f.balanceOf(f.usdc, f.pool), 1_000_001n);
  });

  it("depositWithPermit deposits in one transaction without an allowance", async () => {
    const payer = signer(3);
    const before = await f.balanceOf(f.usdc, f.pool);
    const result = await depositWithPermit(payer, {
      pool: f.pool,
      token: f.usdc,
      amount: 3_000n,
      memo: "permit",
    });
    assert.equal(result.credited, 3_000n);
    assert.equal((await f.balanceOf(f.usdc, f.pool)) - before, 3_000n);
    assert.equal(result.receipt.to?.toLowerCase(), f.pool.toLowerCase());
  });

  it("depositETH credits the value", async () => {
    const result = await depositETH(signer(3), { pool: f.pool, value: 5_000_000n });
    assert.equal(result.credited, 5_000_000n);
    assert.equal(
      (await getPot(f.wallets.admin, { pool: f.pool, scheduleId: 0n, token: zeroAddress })).deposited,
      5_000_000n,
    );
  });

  it("claim pays the account in one transaction and decodes pool errors", async () => {
    const { admin, alice, bob } = f.wallets;
    const made = makeTable([
      { account: addr(alice), shares: 2n },
      { account: addr(bob), shares: 1n },
      { account: "github:ethers", shares: 1n },
    ]);
    tree = made.tree;
    await proposeSchedule(admin, { pool: f.pool, table: made.table, uri: "ipfs://ethers" });
    const early = buildClaims({
      account: addr(bob),
      schedules: [{ scheduleId: 1n, tree }],
      tokens: [f.usdc],
    });
    await assert.rejects(
      claim(signer(7), { pool: f.pool, claims: early }),
      (e) =>
        isSdkError(e, "CONTRACT_REVERTED") &&
        (e as { errorName?: string }).errorName === "RoyaltyPoolScheduleNotActive",
    );
    await f.networkHelpers.time.increase(ACTIVATION_DELAY);

    const claims = buildClaims({
      account: addr(bob),
      schedules: [{ scheduleId: 1n, tree }],
      tokens: [f.usdc, zeroAddress],
    });
    const before = {
      usdc: await f.balanceOf(f.usdc, addr(bob)),
      eth: await f.balanceOf(zeroAddress, addr(bob)),
    };
    const result = await claim(signer(7), { pool: f.pool, claims });
    assert.equal((await f.balanceOf(f.usdc, addr(bob))) - before.usdc, entitled(1_003_001n, 1n, 4n));
    assert.equal((await f.balanceOf(zeroAddress, addr(bob))) - before.eth, entitled(5_000_000n, 1n, 4n));
    assert.deepEqual(
      result.payments.map((p) => [p.payee, p.amount]),
      [
        [getAddress(addr(bob)), 250_750n],
        [getAddress(addr(bob)), 1_250_000n],
      ],
    );

    const identityClaims = buildClaims({
      account: "github:ethers",
      schedules: [{ scheduleId: 1n, tree }],
      tokens: [f.usdc],
    });
    await assert.rejects(claim(signer(7), { pool: f.pool, claims: identityClaims }), (e) =>
      isSdkError(e, "UNBOUND_IDENTITY"),
    );
    await assert.rejects(
      claim(signer(7), { pool: f.pool, claims: identityClaims, checkPayees: false }),
      (e) => isSdkError(e, "UNBOUND_IDENTITY"),
    );
  });
});

describe("ethers v6 adapter errors", () => {
  it("decodes a paused pool's revert on deposit and rejects bad arguments", async () => {
    const f = await deployFixture();
    const [, , payer] = await f.ethers.getSigners();
    await f.poolAdmin("pause");
    await assert.rejects(
      depositETH(payer!, { pool: f.pool, value: 1n }),
      (e) =>
        isSdkError(e, "CONTRACT_REVERTED") &&
        (e as { errorName?: string }).errorName === "RoyaltyPoolDepositsPaused",
    );
    await assert.rejects(
      deposit(payer!, { pool: f.pool, token: f.usdc, amount: 5n }),
      (e) =>
        isSdkError(e, "CONTRACT_REVERTED") &&
        (e as { errorName?: string }).errorName === "RoyaltyPoolDepositsPaused",
    );
    await assert.rejects(deposit(payer!, { pool: f.pool, token: zeroAddress, amount: 5n }), (e) =>
      isSdkError(e, "INVALID_ARGUMENT"),
    );
    await assert.rejects(claim(payer!, { pool: f.pool, claims: [] }), (e) =>
      isSdkError(e, "INVALID_ARGUMENT"),
    );
  });
});

describe("ethers v6 adapter with ethers' own EIP-1193 provider", () => {
  it("works through BrowserProvider (standard ethers errors) and decodes reverts", async () => {
    const f = await deployFixture();
    const provider = new BrowserProvider(f.connection.provider);
    const payer = await provider.getSigner(f.wallets.payer.account.address);
    const result = await deposit(payer, { pool: f.pool, token: f.usdc, amount: 42n });
    assert.equal(result.credited, 42n);
    await f.poolAdmin("pause");
    await assert.rejects(
      depositETH(payer, { pool: f.pool, value: 1n }),
      (e) =>
        isSdkError(e, "CONTRACT_REVERTED") &&
        (e as { errorName?: string }).errorName === "RoyaltyPoolDepositsPaused",
    );
  });
});

describe("ethers v6 adapter with a private-key Wallet over JSON-RPC (a real hardhat node)", () => {
  // A local node mines each transaction at once, so the next one follows within ethers' 250 ms
  // provider cache: the case where a Wallet used to reuse the nonce of the one before.
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
  let node: HardhatNode;
  let f: Fixture;
  let wallet: Wallet;

  before(async () => {
    node = await startHardhatNode({ root, port: await freePort() });
    f = await deployFixture({ network: "localhost", override: { url: node.url } });
    wallet = new Wallet(id("wellspring ethers Wallet test"), new JsonRpcProvider(node.url));
    const { admin } = f.wallets;
    await f.publicClient.waitForTransactionReceipt({
      hash: await admin.sendTransaction({ to: wallet.address as Address, value: parseEther("10") }),
    });
    await f.mint(f.usdc, wallet.address as Address, 10_000_000n);
  });
  after(async () => {
    await f?.connection.close();
    await node?.stop();
  });

  it("deposits, deposits again, deposits ETH and by permit, then claims, one transaction after another", async () => {
    const first = await deposit(wallet, { pool: f.pool, token: f.usdc, amount: 600_000n, memo: "w-1" });
    assert.notEqual(first.approvalHash, undefined);
    const second = await deposit(wallet, { pool: f.pool, token: f.usdc, amount: 400_000n, memo: "w-2" });
    const eth = await depositETH(wallet, { pool: f.pool, value: 8_000n, memo: "w-3" });
    const permit = await depositWithPermit(wallet, { pool: f.pool, token: f.usdc, amount: 2_000n });
    const permitAgain = await depositWithPermit(wallet, { pool: f.pool, token: f.usdc, amount: 1_000n });
    assert.deepEqual(
      [first, second, eth, permit, permitAgain].map((r) => [r.receipt.status, r.credited]),
      [
        [1, 600_000n],
        [1, 400_000n],
        [1, 8_000n],
        [1, 2_000n],
        [1, 1_000n],
      ],
    );
    // approve, deposit, approve, deposit, depositETH, two permit deposits: seven nonces, none reused.
    assert.equal(await wallet.provider!.getTransactionCount(wallet.address, "latest"), 7);
    assert.equal(await f.balanceOf(f.usdc, f.pool), 1_003_000n);

    const { admin, bob } = f.wallets;
    const made = makeTable([
      { account: wallet.address, shares: 3n },
      { account: addr(bob), shares: 1n },
    ]);
    await proposeSchedule(admin, { pool: f.pool, table: made.table, uri: "ipfs://wallet" });
    await f.networkHelpers.time.increase(ACTIVATION_DELAY);
    const claims = buildClaims({
      account: wallet.address,
      schedules: [{ scheduleId: 1n, tree: made.tree }],
      tokens: [f.usdc, zeroAddress],
    });
    const usdcBefore = await f.balanceOf(f.usdc, wallet.address as Address);
    const claimed = await claim(wallet, { pool: f.pool, claims });
    assert.deepEqual(
      claimed.payments.map((p) => [p.token, p.amount]),
      [
        [getAddress(f.usdc), entitled(1_003_000n, 3n, 4n)],
        [zeroAddress, entitled(8_000n, 3n, 4n)],
      ],
    );
    assert.equal(
      (await f.balanceOf(f.usdc, wallet.address as Address)) - usdcBefore,
      entitled(1_003_000n, 3n, 4n),
    );
    // And a deposit right after the claim, in the same 250 ms.
    assert.equal((await depositETH(wallet, { pool: f.pool, value: 1n })).credited, 1n);
  });
});
