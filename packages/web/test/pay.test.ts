// The Pay page's controller on a real chain and server: form checks name the field; ETH, approve
// (with the USDT-style zero-approve step) and permit deposits go through the SDK; reverts are
// simulated before the wallet is asked and come back in plain words; the payer statement waits for
// the server's indexer.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { royaltyPoolAbi } from "@wellspring/sdk";
import { type Address, erc20Abi, parseAbi, parseEther, zeroAddress } from "viem";

import { describeError, InputError } from "../src/app/errors.ts";
import {
  type PayForm,
  PayerHistory,
  maxDeposit,
  pay,
  payerStatement,
  poolTokens,
  readPayForm,
  recipientKind,
  walletBalance,
  whereItWent,
} from "../src/app/pay.ts";
import { ACTIVATION_DELAY, CLAIMER, PAYER, type World, publishRun, startWorld } from "./world.ts";

const form = (over: Partial<PayForm>): PayForm => ({
  pool: "",
  token: zeroAddress,
  customToken: "",
  amount: "1",
  memo: "",
  method: "approve",
  ...over,
});

describe("Pay: the form", () => {
  const usdc = {
    address: "0x5FbDB2315678afecb367f032d93F642f64180aa3" as Address,
    symbol: "USDC",
    decimals: 6,
  };
  const lookup = async () => usdc;
  const pool = "0x0000000000000000000000000000000000000001";
  const fieldOf = async (f: Partial<PayForm>) => {
    try {
      await readPayForm(form({ pool, ...f }), lookup);
      return "accepted";
    } catch (error) {
      assert.ok(error instanceof InputError, String(error));
      assert.equal(describeError(error).state, "invalid");
      return error.field;
    }
  };

  it("names the field that is wrong", async () => {
    assert.equal(await fieldOf({ pool: "" }), "pool");
    assert.equal(await fieldOf({ customToken: "0x123" }), "customToken");
    for (const amount of ["", "abc", "0", "0.0", "-1", "1e6", "1,5", "0.0000001"])
      assert.equal(await fieldOf({ amount }), "amount", amount);
    assert.equal(await fieldOf({ memo: "x".repeat(33) }), "memo");
    assert.equal(await fieldOf({ amount: "2500.000001", memo: "x".repeat(32) }), "accepted");
  });

  it("reads amounts exactly in the token's decimals and memos as the SDK writes them", async () => {
    const order = await readPayForm(form({ pool, amount: " 2500.000001 ", memo: " invoice-42 " }), lookup);
    assert.equal(order.value, 2_500_000_001n);
    assert.equal(order.memo, `0x${Buffer.from("invoice-42").toString("hex").padEnd(64, "0")}`);
    assert.equal(order.token, usdc);
  });
});

describe("Pay: deposits on a real chain", () => {
  let world: World;
  const steps: string[] = [];
  const progress = (state: string, text: string) => steps.push(`${state}: ${text}`);
  const held = (token: Address) =>
    token === zeroAddress
      ? world.client.getBalance({ address: world.pool })
      : world.client.readContract({
          address: token,
          abi: erc20Abi,
          functionName: "balanceOf",
          args: [world.pool],
        });

  before(async () => {
    world = await startWorld();
  });
  after(async () => {
    await world?.close();
  });

  it("deposits ETH: the wallet is asked, the hash is shown pending, the pool holds exactly the amount", async () => {
    steps.length = 0;
    const wallet = await world.wallet(PAYER);
    const before = await held(zeroAddress);
    const r = await pay(wallet, form({ pool: world.pool, amount: "1.5", memo: "invoice-42" }), progress);
    assert.equal(r.credited, parseEther("1.5"));
    assert.equal(r.scheduleId, 0n);
    assert.equal(r.payer, PAYER);
    const mined = await world.client.getTransactionReceipt({ hash: r.hash });
    assert.equal(r.cost, mined.gasUsed * mined.effectiveGasPrice);
    assert.ok(r.cost > 0n);
    assert.equal(await held(zeroAddress), before + parseEther("1.5"));
    assert.deepEqual(steps, [
      "prompt: Confirm the deposit in your wallet…",
      `pending: Transaction pending (the deposit): ${r.hash}`,
    ]);

    await world.catchUp();
    const statement = await payerStatement(world.api, r, { attempts: 1, intervalMs: 0 });
    assert.equal(statement.status, "ready");
    assert.ok(statement.status === "ready");
    const mine = statement.deposits.find((d) => d.txHash === r.hash);
    assert.equal(mine?.amount, parseEther("1.5").toString());
    assert.equal(mine?.tokenInfo.symbol, "ETH");
    // Unallocated before any schedule: the statement says why the deposit is not split yet.
    assert.equal(mine?.unsplitReason, "unallocated");
    // The CSV link is the same statement as text/csv, whose lines add up to each deposit.
    const csv = await fetch(world.server.url + statement.csvPath);
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get("content-type") ?? "", /^text\/csv/);
    assert.match(await csv.text(), new RegExp(r.hash, "i"));
  });

  it("approves then deposits; a non-zero allowance is first set to zero (USDT); then permit in one transaction", async () => {
    const wallet = await world.wallet(PAYER);
    const payer = (await world.connection.viem.getWalletClients())[2]!;
    // An allowance left over from before, short of the amount: USDT refuses to change it unless it is zero.
    await world.client.waitForTransactionReceipt({
      hash: await payer.writeContract({
        address: world.usdc,
        abi: parseAbi(["function approve(address,uint256)"]),
        functionName: "approve",
        args: [world.pool, 1n],
      }),
    });
    steps.length = 0;
    const before = await held(world.usdc);
    const r = await pay(
      wallet,
      form({ pool: world.pool, customToken: world.usdc, amount: "100", memo: "invoice-44" }),
      progress,
    );
    assert.equal(r.credited, 100_000_000n);
    assert.ok(r.approvalHash);
    assert.deepEqual(
      steps.filter((s) => s.startsWith("prompt")),
      [
        "prompt: Confirm the approval of 100 USDC in your wallet…",
        "prompt: Confirm the approval of 100 USDC in your wallet…",
        "prompt: Confirm the deposit in your wallet…",
      ],
    );
    assert.equal(await held(world.usdc), before + 100_000_000n);

    steps.length = 0;
    const p = await pay(
      wallet,
      form({ pool: world.pool, customToken: world.usdc, amount: "2500.000001", method: "permit" }),
      progress,
    );
    assert.equal(p.credited, 2_500_000_001n);
    assert.equal(p.approvalHash, undefined);
    assert.deepEqual(steps, [
      "prompt: Sign the permit in your wallet…",
      "prompt: Confirm the deposit in your wallet…",
      `pending: Transaction pending (the deposit): ${p.hash}`,
    ]);
    assert.equal(await held(world.usdc), before + 2_600_000_001n);

    await world.catchUp();
    assert.deepEqual(
      (await poolTokens(world.api, world.pool)).map((t) => t.symbol),
      ["USDC"],
    );
  });

  it("a deposit the pool refuses fails in plain words before the wallet is asked", async () => {
    const adminWallet = (await world.connection.viem.getWalletClients())[0]!;
    const paused = async (fn: "pause" | "unpause") =>
      world.client.waitForTransactionReceipt({
        hash: await adminWallet.writeContract({ address: world.pool, abi: royaltyPoolAbi, functionName: fn }),
      });
    await paused("pause");
    try {
      steps.length = 0;
      const error = await pay(
        await world.wallet(PAYER),
        form({ pool: world.pool, amount: "1" }),
        progress,
      ).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.deepEqual(describeError(error), {
        kind: "error",
        state: "failed",
        message: "Deposits to this pool are paused by its admin.",
      });
      assert.deepEqual(steps, []);
    } finally {
      await paused("unpause");
    }
  });

  it("a payer who rejects in the wallet sees the rejected state, and nothing is sent", async () => {
    const before = await held(zeroAddress);
    let rejecting = false;
    const wallet = await world.wallet(PAYER, { reject: () => rejecting });
    rejecting = true;
    const error = await pay(wallet, form({ pool: world.pool, amount: "0.25" }), () => undefined).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.equal(describeError(error).state, "rejected");
    assert.equal(await held(zeroAddress), before);
  });

  it("without the deposit indexed in time the statement says so; a server without the list says that", async () => {
    const receipt = { pool: world.pool, payer: PAYER, hash: `0x${"ab".repeat(32)}` as const };
    assert.deepEqual(await payerStatement(world.api, receipt, { attempts: 2, intervalMs: 1 }), {
      status: "not-indexed",
    });
    const nowhere = { ...world.api, get: () => Promise.reject(new Error("404")) };
    assert.deepEqual(await payerStatement(nowhere, receipt), { status: "unsupported" });
  });

  it("the wallet's history continues from the last page it read, and shows balance and Max", async () => {
    const asked: string[] = [];
    const api = { ...world.api, get: <T>(path: string) => (asked.push(path), world.api.get<T>(path)) };
    const history = new PayerHistory(api, world.pool, PAYER, 2);
    const all = await history.refresh();
    assert.ok(all.length >= 3, `${all.length} deposits so far`);
    const pages = Math.ceil(all.length / 2);
    assert.equal(asked.length, pages);
    // A poll re-reads only the last page (it may have grown), not every page from the start.
    asked.length = 0;
    assert.deepEqual(await history.refresh(), all);
    assert.equal(asked.length, 1);
    assert.match(asked[0]!, /&cursor=/);
    const withTokens = await history.withTokens();
    assert.deepEqual([...new Set(withTokens.map((d) => d.tokenInfo.symbol))].sort(), ["ETH", "USDC"]);

    const wallet = await world.wallet(PAYER);
    const usdcHeld = await world.client.readContract({
      address: world.usdc,
      abi: erc20Abi,
      functionName: "balanceOf",
      args: [PAYER],
    });
    assert.equal(await walletBalance(wallet, world.usdc), usdcHeld);
    assert.equal(await maxDeposit(wallet, world.usdc), usdcHeld);
    const eth = await world.client.getBalance({ address: PAYER });
    const max = await maxDeposit(wallet, zeroAddress);
    assert.ok(max < eth && max > eth - parseEther("0.01"), "Max keeps a fee reserve of ETH");
  });

  it("shows where a deposit went: every part, by kind, held vs claimable, adding up exactly", async () => {
    await publishRun(world, CLAIMER);
    await world.advance(ACTIVATION_DELAY + 1);
    const wallet = await world.wallet(PAYER);
    const r = await pay(wallet, form({ pool: world.pool, amount: "3", memo: "where" }), () => undefined);
    await world.catchUp();
    const statement = await payerStatement(world.api, r, { attempts: 20, intervalMs: 100 });
    assert.ok(statement.status === "ready");
    const d = statement.deposits.find((x) => x.txHash === r.hash)!;
    assert.equal(d.unsplitReason, null);
    const w = await whereItWent(world.api, world.pool, d);
    assert.equal(w.token.symbol, "ETH");
    assert.equal(w.recipients, d.recipientCount);
    assert.equal(w.claimable + w.held + w.dust, parseEther("3"));
    assert.equal(w.dust, BigInt(d.dust!));
    assert.equal(w.top.reduce((s, p) => s + p.amount, 0n) + w.others.amount, w.claimable + w.held);
    assert.equal(
      w.byKind.reduce((s, k) => s + k.amount, 0n),
      w.claimable + w.held,
    );
    // left-pad's author is named (github); tiny-json names nobody, so its part is held.
    assert.ok(w.held > 0n);
    assert.deepEqual(w.byKind.map((k) => k.label).sort(), ["github", "held for components"]);
    assert.equal(recipientKind(null), "wallet address");
    assert.equal(recipientKind("npm:left-pad"), "npm");
  });
});
