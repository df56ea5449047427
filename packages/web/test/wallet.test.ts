// The page's wallet over a real EIP-1193 provider (an in-process Hardhat chain): its states, the
// errors ready() throws before any prompt, connect and switch, and the observer that reports each
// prompt and each sent hash while every other request passes through untouched.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { network } from "hardhat";
import { type Address, type Hash, getAddress, parseEther } from "viem";

import { describeError } from "../src/app/errors.ts";
import {
  type Eip1193Provider,
  Wallet,
  WalletError,
  type WalletRequest,
  walletClients,
} from "../src/app/wallet.ts";

const CHAIN_ID = 31337;

describe("the page's wallet on a real provider", () => {
  let connection: Awaited<ReturnType<typeof network.connect>>;
  let account: Address;
  let other: Address;
  /** What the page called, in order; `reject` answers prompts with EIP-1193 4001; `chainId` overrides. */
  const seen: string[] = [];
  const control = { reject: false, connected: false, chainId: CHAIN_ID };
  let provider: Eip1193Provider;

  before(async () => {
    connection = await network.connect();
    const [a, b] = (await connection.provider.request({ method: "eth_accounts" })) as string[];
    account = getAddress(a!);
    other = getAddress(b!);
    provider = {
      async request(args) {
        seen.push(args.method);
        if (
          control.reject &&
          (args.method === "eth_requestAccounts" || args.method === "eth_sendTransaction")
        )
          throw Object.assign(new Error("User rejected the request."), { code: 4001 });
        if (args.method === "eth_requestAccounts") control.connected = true;
        if (args.method === "eth_accounts" || args.method === "eth_requestAccounts")
          return control.connected ? [account] : [];
        if (args.method === "eth_chainId") return `0x${control.chainId.toString(16)}`;
        if (args.method === "wallet_switchEthereumChain") {
          control.chainId = Number((args.params as { chainId: string }[])[0]!.chainId);
          return null;
        }
        return connection.provider.request(args as { method: string; params?: unknown[] });
      },
    };
  });
  after(async () => {
    await connection?.close();
  });

  it("goes from no wallet to disconnected, rejected, wrong network and ready; ready() refuses before any prompt", async () => {
    const none = new Wallet(CHAIN_ID, () => undefined);
    assert.equal(none.state, "no-wallet");
    assert.throws(() => none.ready(), { code: "NO_WALLET" });
    assert.equal(none.reader(), undefined);

    const wallet = new Wallet(CHAIN_ID, () => provider);
    let changes = 0;
    wallet.onChange(() => changes++);
    await wallet.restore();
    assert.equal(wallet.state, "disconnected");
    assert.throws(() => wallet.ready(), { code: "NOT_CONNECTED" });

    control.reject = true;
    await assert.rejects(wallet.connect(), (e) => e instanceof WalletError && e.code === "REJECTED");
    control.reject = false;
    control.chainId = 1;
    await wallet.connect();
    assert.equal(wallet.state, "wrong-network");
    seen.length = 0;
    assert.throws(
      () => wallet.ready(),
      (e) => describeError(e).state === "wrong-network",
    );
    assert.equal(wallet.reader(), undefined, "no reads from another chain");
    assert.deepEqual(seen, [], "refused without asking the wallet");

    await wallet.switchNetwork();
    assert.equal(wallet.state, "ready");
    assert.equal(wallet.account, account);
    assert.ok(changes >= 4, `listeners heard every change (${changes})`);
    assert.equal(await wallet.reader()!.getChainId(), CHAIN_ID);
  });

  it("reports the prompt with the target and calldata, then the hash; reads pass through unobserved", async () => {
    const prompts: WalletRequest[] = [];
    const hashes: Hash[] = [];
    const { wallet, client } = walletClients(provider, CHAIN_ID, account, {
      onPrompt: (r) => prompts.push(r),
      onPending: (h) => hashes.push(h),
    });
    const before = await client.getBalance({ address: other });
    const hash = await wallet.sendTransaction({
      account,
      chain: undefined,
      to: other,
      value: parseEther("0.5"),
      data: "0x1234",
    });
    assert.equal((await client.waitForTransactionReceipt({ hash })).status, "success");
    assert.equal(await client.getBalance({ address: other }), before + parseEther("0.5"));
    assert.deepEqual(prompts, [{ method: "eth_sendTransaction", to: other, data: "0x1234" }]);
    assert.deepEqual(hashes, [hash]);

    const signature = await wallet.signTypedData({
      account,
      domain: { name: "test", version: "1", chainId: CHAIN_ID },
      types: { Note: [{ name: "text", type: "string" }] },
      primaryType: "Note",
      message: { text: "hello" },
    });
    assert.match(signature, /^0x[0-9a-f]{130}$/);
    assert.deepEqual(
      prompts.map((p) => p.method),
      ["eth_sendTransaction", "eth_signTypedData_v4"],
    );
    assert.equal(hashes.length, 1, "a signature sends nothing");

    control.reject = true;
    const refused = await wallet
      .sendTransaction({ account, chain: undefined, to: other, value: 1n })
      .catch((e: unknown) => e);
    control.reject = false;
    assert.equal(describeError(refused).state, "rejected");
    assert.equal(hashes.length, 1, "nothing pending after a rejection");
  });
});
