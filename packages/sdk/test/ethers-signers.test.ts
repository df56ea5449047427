import assert from "node:assert/strict";
import { before, describe, it } from "node:test";

import { BrowserProvider, type Eip1193Provider, Wallet, id } from "ethers";
import { type Address, getAddress, parseEther, zeroAddress } from "viem";

import { buildClaims, isSdkError, proposeSchedule } from "../src/index.ts";
import { claim, deposit, depositETH, depositWithPermit } from "../src/ethers/index.ts";
import { ACTIVATION_DELAY, type Fixture, deployFixture } from "./helpers/fixture.ts";
import { entitled, makeTable } from "./helpers/table.ts";

/**
 * The ethers adapter runs the viem actions over an ethers signer, on the in-process chain. Two
 * kinds of signer: a private-key Wallet (signs locally; the node sees raw transactions) and a
 * browser wallet (an EIP-1193 object holding the key; the page asks it to send).
 */

/** An EIP-1193 object forwarding to the Hardhat node (whose accounts are unlocked), recording the methods asked. */
function browserWallet(f: Fixture): { wallet: Eip1193Provider; methods: string[] } {
  const methods: string[] = [];
  const wallet: Eip1193Provider = {
    request: ({ method, params }) => {
      methods.push(method);
      return f.connection.provider.request({ method, params: params as unknown[] });
    },
  };
  return { wallet, methods };
}

/** Runs every write of the adapter with one signer: deposits three ways, then claims its share. */
async function depositAndClaim(
  f: Fixture,
  signer: Wallet | Awaited<ReturnType<BrowserProvider["getSigner"]>>,
) {
  const me = getAddress(await signer.getAddress());
  const first = await deposit(signer, { pool: f.pool, token: f.usdc, amount: 600_000n, memo: "inv-1" });
  assert.notEqual(first.approvalHash, undefined);
  assert.equal(first.receipt.status, 1, "the receipt is ethers' own");
  const permit = await depositWithPermit(signer, { pool: f.pool, token: f.usdc, amount: 400_000n });
  const eth = await depositETH(signer, { pool: f.pool, value: 8_000n, memo: "inv-2" });
  assert.deepEqual(
    [first, permit, eth].map((r) => [r.receipt.from.toLowerCase(), r.credited]),
    [
      [me.toLowerCase(), 600_000n],
      [me.toLowerCase(), 400_000n],
      [me.toLowerCase(), 8_000n],
    ],
  );

  const made = makeTable([
    { account: me, shares: 3n },
    { account: "github:nobody-yet", shares: 1n },
  ]);
  await proposeSchedule(f.wallets.admin, { pool: f.pool, table: made.table, uri: "ipfs://signers" });
  const claims = buildClaims({
    account: me,
    schedules: [{ scheduleId: 1n, tree: made.tree }],
    tokens: [f.usdc, zeroAddress],
  });
  await assert.rejects(
    claim(signer, { pool: f.pool, claims }),
    (e) =>
      isSdkError(e, "CONTRACT_REVERTED") &&
      (e as { errorName?: string }).errorName === "RoyaltyPoolScheduleNotActive",
  );
  await f.networkHelpers.time.increase(ACTIVATION_DELAY);
  const claimed = await claim(signer, { pool: f.pool, claims });
  assert.deepEqual(
    claimed.payments.map((p) => [p.payee, p.token, p.amount]),
    [
      [me, getAddress(f.usdc), entitled(1_000_000n, 3n, 4n)],
      [me, zeroAddress, entitled(8_000n, 3n, 4n)],
    ],
  );
  assert.equal(claimed.totals.get(zeroAddress), entitled(8_000n, 3n, 4n), "the viem action's totals");
}

describe("ethers adapter with a private-key Wallet on the in-process chain", () => {
  let f: Fixture;
  let wallet: Wallet;
  let methods: string[];

  before(async () => {
    f = await deployFixture();
    const browser = browserWallet(f);
    methods = browser.methods;
    // The node does not hold this key: the Wallet signs each transaction itself.
    wallet = new Wallet(id("wellspring in-process Wallet"), new BrowserProvider(browser.wallet));
    await f.publicClient.waitForTransactionReceipt({
      hash: await f.wallets.admin.sendTransaction({ to: wallet.address as Address, value: parseEther("1") }),
    });
    await f.mint(f.usdc, wallet.address as Address, 10_000_000n);
  });

  it("deposits, permits, deposits ETH and claims with local signatures", async () => {
    await depositAndClaim(f, wallet);
    assert.ok(methods.includes("eth_sendRawTransaction"));
    assert.ok(!methods.includes("eth_sendTransaction"), "the node is never asked to sign");
    assert.ok(!methods.includes("eth_signTypedData_v4"), "the permit is signed by the Wallet");
  });

  it("checks its arguments as the viem actions do, before sending anything", async () => {
    const sent = methods.filter((m) => m === "eth_sendRawTransaction").length;
    const [request] = buildClaims({
      account: wallet.address,
      schedules: [{ scheduleId: 1n, tree: makeTable([{ account: wallet.address, shares: 1n }]).tree }],
      tokens: [f.usdc],
    });
    await assert.rejects(claim(wallet, { pool: f.pool, claims: [{ ...request!, tokens: [] }] }), (e) =>
      isSdkError(e, "INVALID_ARGUMENT"),
    );
    await assert.rejects(depositETH(wallet, { pool: f.pool, value: 0n }), (e) =>
      isSdkError(e, "INVALID_ARGUMENT"),
    );
    assert.equal(methods.filter((m) => m === "eth_sendRawTransaction").length, sent);
  });
});

describe("ethers adapter with a browser wallet's signer (BrowserProvider over EIP-1193)", () => {
  it("asks the wallet to sign and send, and decodes reverts from the wallet's errors", async () => {
    const f = await deployFixture();
    const { wallet, methods } = browserWallet(f);
    const signer = await new BrowserProvider(wallet).getSigner(f.wallets.payer2.account.address);
    await depositAndClaim(f, signer);
    assert.ok(methods.includes("eth_sendTransaction"));
    assert.ok(methods.includes("eth_signTypedData_v4"), "the permit is signed by the wallet");
    assert.ok(!methods.includes("eth_sendRawTransaction"));

    await f.poolAdmin("pause");
    await assert.rejects(
      depositETH(signer, { pool: f.pool, value: 1n }),
      (e) =>
        isSdkError(e, "CONTRACT_REVERTED") &&
        (e as { errorName?: string }).errorName === "RoyaltyPoolDepositsPaused",
    );
  });
});
