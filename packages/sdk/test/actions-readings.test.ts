import assert from "node:assert/strict";
import { before, describe, it } from "node:test";

import {
  type Address,
  type Hex,
  createPublicClient,
  createWalletClient,
  custom,
  toHex,
  zeroAddress,
} from "viem";

import {
  deposit,
  depositETH,
  getCurrentSchedule,
  getReserve,
  getSchedule,
  isSdkError,
  proposeSchedule,
  signAttestation,
  submitAttestation,
} from "../src/index.ts";
import { ACTIVATION_DELAY, type Fixture, deployFixture } from "./helpers/fixture.ts";
import { addr, makeTable } from "./helpers/table.ts";

/** A log as the JSON-RPC node returns it in a receipt. */
interface RpcLog {
  address: string;
  [field: string]: unknown;
}

describe("what the actions read back: reserves and the registry's own events", () => {
  let f: Fixture;
  before(async () => {
    f = await deployFixture();
  });

  it("getReserve gives the pool's ETH balance for ETH (ETH forced in included) and its accounting for an ERC-20", async () => {
    const { payer, stranger } = f.wallets;
    await depositETH(payer, { pool: f.pool, value: 1_000n });
    await deposit(payer, { pool: f.pool, token: f.usdc, amount: 2_000n });
    assert.equal((await getReserve(stranger, { pool: f.pool, token: zeroAddress })).reserve, 1_000n);
    assert.equal((await getReserve(stranger, { pool: f.pool, token: f.usdc })).reserve, 2_000n);
    // ETH that arrives without a call (a selfdestruct, a block reward) is not credited until `sync`,
    // but it is in the balance, which is what getReserve documents for ETH (docs/sdk.md).
    await f.networkHelpers.setBalance(f.pool, 1_005n);
    assert.equal((await getReserve(stranger, { pool: f.pool, token: zeroAddress })).reserve, 1_005n);
  });

  it("submitAttestation ignores IdentityBound and RebindProposed logs of other contracts in the receipt", async () => {
    const { attestor, alice, bob, stranger } = f.wallets;
    // The receipts the client sees, with `foreign` logs appended (as if another contract emitted them).
    const raw: RpcLog[][] = [];
    let foreign: RpcLog[] = [];
    const provider = f.connection.provider as { request(args: { method: string }): Promise<unknown> };
    const transport = custom({
      request: async (args: { method: string }) => {
        const result = await provider.request(args);
        if (args.method !== "eth_getTransactionReceipt" || result === null) return result;
        const receipt = result as { logs: RpcLog[] };
        raw.push(receipt.logs);
        return { ...receipt, logs: [...receipt.logs, ...foreign] };
      },
    });
    const client = createWalletClient({ account: addr(alice), chain: f.publicClient.chain, transport });
    const submit = async (identity: string, payee: Address) =>
      submitAttestation(client, {
        registry: f.registry,
        ...(await signAttestation(attestor, { registry: f.registry, identity, payee })),
      });
    const elsewhere = (log: RpcLog): RpcLog => ({ ...log, address: addr(stranger).toLowerCase() });

    // Take one IdentityBound and one RebindProposed log from the registry.
    assert.equal((await submit("github:readings-a", addr(alice))).bound, true);
    const [identityBound] = raw.at(-1)!;
    assert.equal((await submit("github:readings-a", addr(bob))).bound, false);
    const [rebindProposed] = raw.at(-1)!;

    // A first binding with another contract's RebindProposed log: still no rebind.
    foreign = [elsewhere(rebindProposed!)];
    const first = await submit("github:readings-b", addr(alice));
    assert.equal(first.bound, true);
    assert.equal(first.executableAt, undefined);
    // A rebind with another contract's IdentityBound log: still not bound.
    foreign = [elsewhere(identityBound!)];
    const rebind = await submit("github:readings-b", addr(bob));
    assert.equal(rebind.bound, false);
    assert.notEqual(rebind.executableAt, undefined);
  });

  it("getSchedule rates the status at the `now` it is given, else at the latest block's time", async () => {
    const { admin, alice } = f.wallets;
    const { table } = makeTable([{ account: addr(alice), shares: 1n }]);
    const { scheduleId, activatesAt } = await proposeSchedule(admin, {
      pool: f.pool,
      table,
      uri: "readings",
    });
    const at = (now?: bigint) => getSchedule(admin, { pool: f.pool, scheduleId, now });
    assert.equal((await at()).status, "pending");
    assert.equal((await at(activatesAt - 1n)).status, "pending");
    assert.equal((await at(activatesAt)).status, "active");
  });

  it("proposeSchedule reports a receipt without the pool's ScheduleProposed event as an SDK error", async () => {
    const { admin, alice } = f.wallets;
    const provider = f.connection.provider as { request(args: { method: string }): Promise<unknown> };
    // A node that drops the receipt's logs (or a pool address that is not a pool): no event to read.
    const transport = custom({
      request: async (args: { method: string }) => {
        const result = await provider.request(args);
        if (args.method !== "eth_getTransactionReceipt" || result === null) return result;
        return { ...(result as object), logs: [] };
      },
    });
    const client = createWalletClient({ account: addr(admin), chain: f.publicClient.chain, transport });
    const { table } = makeTable([{ account: addr(alice), shares: 2n }]);
    // The pending schedule of the test above activates, so the pool takes a new proposal.
    await f.networkHelpers.time.increase(ACTIVATION_DELAY);
    await assert.rejects(proposeSchedule(client, { pool: f.pool, table, uri: "no-logs" }), (e) => {
      assert.ok(isSdkError(e, "CONTRACT_REVERTED"));
      assert.match((e as Error).message, /no ScheduleProposed event/);
      return true;
    });
    // The transaction itself went through: the pool holds the proposal.
    const next = await getSchedule(admin, { pool: f.pool, scheduleId: 2n });
    assert.equal(next.root, table.root);
  });

  it("getCurrentSchedule rates the current and the pending schedule at one block time", async () => {
    // A node whose latest block moves on after the first read (a block mined between two calls).
    const provider = f.connection.provider as { request(args: { method: string }): Promise<unknown> };
    let blockReads = 0;
    const transport = custom({
      request: async (args: { method: string }) => {
        const result = await provider.request(args);
        if (args.method !== "eth_getBlockByNumber" || blockReads++ === 0) return result;
        const block = result as { timestamp: Hex };
        return { ...block, timestamp: toHex(BigInt(block.timestamp) + BigInt(ACTIVATION_DELAY) * 2n) };
      },
    });
    const reader = createPublicClient({ chain: f.publicClient.chain, transport });
    // Schedule 1 is current and schedule 2 (proposed above) waits for its activation time.
    const { current, pending } = await getCurrentSchedule(reader, { pool: f.pool });
    assert.equal(current?.scheduleId, 1n);
    assert.equal(current?.status, "active");
    assert.equal(pending?.scheduleId, 2n);
    assert.equal(pending?.status, "pending");
    assert.equal(blockReads, 1);
  });
});
