import assert from "node:assert/strict";
import { before, describe, it } from "node:test";

import { erc20Abi, getAddress, padHex, stringToHex, zeroAddress } from "viem";

import {
  deposit,
  depositETH,
  depositWithPermit,
  getPot,
  getReserve,
  isSdkError,
  royaltyPoolAbi,
} from "../src/index.ts";
import { type Fixture, deployFixture, testTokenAbi } from "./helpers/fixture.ts";

describe("deposit actions", () => {
  let f: Fixture;
  before(async () => {
    f = await deployFixture();
  });

  const allowance = (owner: `0x${string}`, token: `0x${string}` = f.usdc) =>
    f.publicClient.readContract({
      address: token,
      abi: erc20Abi,
      functionName: "allowance",
      args: [owner, f.pool],
    });

  it("deposit approves exactly when the allowance is short, then deposits into the unallocated pot", async () => {
    const { payer } = f.wallets;
    const before = await f.balanceOf(f.usdc, f.pool);
    const result = await deposit(payer, {
      pool: f.pool,
      token: f.usdc,
      amount: 1_500_000n,
      memo: "INV-2026-001",
    });
    assert.notEqual(result.approvalHash, undefined);
    assert.equal(result.receipt.status, "success");
    assert.equal(result.credited, 1_500_000n);
    assert.equal(result.scheduleId, 0n);
    assert.equal((await f.balanceOf(f.usdc, f.pool)) - before, 1_500_000n);
    assert.equal(await allowance(payer.account.address), 0n);
    const pot = await getPot(payer, { pool: f.pool, scheduleId: 0n, token: f.usdc });
    assert.deepEqual(pot, { deposited: 1_500_000n, claimed: 0n, unclaimed: 1_500_000n, swept: false });
    assert.equal((await getReserve(payer, { pool: f.pool, token: f.usdc })).reserve, 1_500_000n);

    const [log] = await f.publicClient.getContractEvents({
      address: f.pool,
      abi: royaltyPoolAbi,
      eventName: "Deposited",
      fromBlock: result.receipt.blockNumber,
      toBlock: result.receipt.blockNumber,
    });
    assert.equal(log?.args.memo, padHex(stringToHex("INV-2026-001"), { dir: "right", size: 32 }));
    assert.equal(log?.args.payer, getAddress(payer.account.address));
  });

  it("deposit skips the approve when the allowance suffices (approval: max)", async () => {
    const { payer2 } = f.wallets;
    const first = await deposit(payer2, {
      pool: f.pool,
      token: f.usdc,
      amount: 10n,
      approval: "max",
    });
    assert.notEqual(first.approvalHash, undefined);
    const second = await deposit(payer2, { pool: f.pool, token: f.usdc, amount: 20n });
    assert.equal(second.approvalHash, undefined);
    assert.equal(await allowance(payer2.account.address), 2n ** 256n - 1n);
  });

  it("deposit resets a short non-zero allowance to zero first (USDT-style token)", async () => {
    const { payer } = f.wallets;
    const usdt = await f.deployToken("NoReturnToken", ["Tether", "USDT", 6]);
    await f.mint(usdt, payer.account.address, 1_000n);
    await f.approvePool(payer, usdt, 1n);
    const result = await deposit(payer, { pool: f.pool, token: usdt, amount: 700n });
    assert.equal(result.credited, 700n);
    assert.equal(await f.balanceOf(usdt, f.pool), 700n);
  });

  it("deposit credits what arrived for fee-on-transfer tokens", async () => {
    const { payer } = f.wallets;
    const fot = await f.deployToken("FeeOnTransferToken", ["Taxed", "TAX", 100n]); // 1 %
    await f.mint(fot, payer.account.address, 10_000n);
    const result = await deposit(payer, { pool: f.pool, token: fot, amount: 10_000n });
    assert.equal(result.credited, 9_900n);
    assert.equal((await getPot(payer, { pool: f.pool, scheduleId: 0n, token: fot })).deposited, 9_900n);
  });

  it("depositWithPermit needs no approve transaction and leaves no allowance", async () => {
    const { payer } = f.wallets;
    const nonces = () =>
      f.publicClient.readContract({
        address: f.usdc,
        abi: testTokenAbi,
        functionName: "nonces",
        args: [payer.account.address],
      });
    const nonceBefore = await nonces();
    const before = await f.balanceOf(f.usdc, f.pool);
    const result = await depositWithPermit(payer, {
      pool: f.pool,
      token: f.usdc,
      amount: 2_000_000n,
      memo: "permit",
    });
    assert.equal(result.credited, 2_000_000n);
    assert.equal((await f.balanceOf(f.usdc, f.pool)) - before, 2_000_000n);
    assert.equal(await nonces(), nonceBefore + 1n);
    assert.equal(await allowance(payer.account.address), 0n);
    const tx = await f.publicClient.getTransaction({ hash: result.hash });
    assert.equal(tx.to?.toLowerCase(), f.pool.toLowerCase());
  });

  it("depositETH credits msg.value", async () => {
    const { payer2 } = f.wallets;
    const before = await f.balanceOf(zeroAddress, f.pool);
    const result = await depositETH(payer2, { pool: f.pool, value: 3n * 10n ** 17n, memo: "eth" });
    assert.equal(result.credited, 3n * 10n ** 17n);
    assert.equal((await f.balanceOf(zeroAddress, f.pool)) - before, 3n * 10n ** 17n);
    assert.equal(
      (await getPot(payer2, { pool: f.pool, scheduleId: 0n, token: zeroAddress })).deposited,
      3n * 10n ** 17n,
    );
    assert.equal((await getReserve(payer2, { pool: f.pool, token: zeroAddress })).reserve, 3n * 10n ** 17n);
  });

  it("rejects bad arguments before sending (INVALID_ARGUMENT)", async () => {
    const { payer } = f.wallets;
    await assert.rejects(deposit(payer, { pool: f.pool, token: zeroAddress, amount: 1n }), (e) =>
      isSdkError(e, "INVALID_ARGUMENT"),
    );
    await assert.rejects(deposit(payer, { pool: f.pool, token: f.usdc, amount: 0n }), (e) =>
      isSdkError(e, "INVALID_ARGUMENT"),
    );
    await assert.rejects(
      depositETH(payer, {
        pool: f.pool,
        value: 1n,
        memo: "a memo that is much longer than thirty-two bytes",
      }),
      (e) => isSdkError(e, "INVALID_ARGUMENT"),
    );
  });

  it("reports the pool's custom error when deposits are paused (CONTRACT_REVERTED)", async () => {
    const { payer } = f.wallets;
    await f.poolAdmin("pause");
    await assert.rejects(depositETH(payer, { pool: f.pool, value: 1n }), (e) => {
      assert.ok(isSdkError(e, "CONTRACT_REVERTED"));
      assert.equal((e as { errorName?: string }).errorName, "RoyaltyPoolDepositsPaused");
      return true;
    });
    await f.poolAdmin("unpause");
  });
});
