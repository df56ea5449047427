import assert from "node:assert/strict";
import { before, describe, it } from "node:test";

import { type Address, createWalletClient, custom, getAddress, keccak256, stringToHex, toHex } from "viem";

import { createPool, isSdkError, POOL_MIN_DELAYS, poolFactoryAbi, royaltyPoolAbi } from "../src/index.ts";
import { POOL_MAX_ALLOWED_TOKENS } from "../src/actions/createPool.ts";
import { type Fixture, deployFixture } from "./helpers/fixture.ts";
import { addr } from "./helpers/table.ts";

interface RpcLog {
  address: string;
  [field: string]: unknown;
}

const MAX_UINT32 = 2 ** 32 - 1;
/** `n` distinct ERC-20-shaped addresses (the pool checks only the list's shape). */
const someTokens = (n: number, from = 1): Address[] =>
  Array.from({ length: n }, (_, i) => getAddress(toHex(0x1000 + from + i, { size: 20 })));

describe("createPool edges: delays, token lists, the factory's event", () => {
  let f: Fixture;
  before(async () => {
    f = await deployFixture();
  });

  /** A client over the fixture's chain that records requests; `logs` may rewrite receipts' logs. */
  const client = (logs?: (logs: RpcLog[]) => RpcLog[]) => {
    const calls: string[] = [];
    const receipts: RpcLog[][] = [];
    const provider = f.connection.provider as { request(args: { method: string }): Promise<unknown> };
    const transport = custom({
      request: async (args: { method: string }) => {
        calls.push(args.method);
        const result = await provider.request(args);
        if (args.method !== "eth_getTransactionReceipt" || result === null) return result;
        const receipt = result as { logs: RpcLog[] };
        receipts.push(receipt.logs);
        return logs ? { ...receipt, logs: logs(receipt.logs) } : receipt;
      },
    });
    const wallet = createWalletClient({
      account: addr(f.wallets.stranger),
      chain: f.publicClient.chain,
      transport,
    });
    return { wallet, calls, receipts };
  };
  const config = (delays: { activationDelay?: number; claimWindow?: number } = {}) => ({
    admin: addr(f.wallets.admin),
    registry: f.registry,
    activationDelay: POOL_MIN_DELAYS.activationDelay,
    claimWindow: POOL_MIN_DELAYS.claimWindow,
    proposers: [addr(f.wallets.admin)],
    guardians: [],
    ...delays,
  });
  const read = (pool: Address, functionName: "activationDelay" | "claimWindow" | "tokenAllowlist") =>
    f.publicClient.readContract({ address: pool, abi: royaltyPoolAbi, functionName });

  it("refuses delays below the pool's minimum, above 2^32 - 1 or not whole seconds, before any RPC call", async () => {
    const { wallet, calls } = client();
    const bad: [name: "activationDelay" | "claimWindow", value: number][] = [
      ["activationDelay", POOL_MIN_DELAYS.activationDelay - 1],
      ["activationDelay", MAX_UINT32 + 1],
      ["activationDelay", POOL_MIN_DELAYS.activationDelay + 0.5],
      ["claimWindow", POOL_MIN_DELAYS.claimWindow - 1],
      ["claimWindow", MAX_UINT32 + 1],
      ["claimWindow", Number.NaN],
    ];
    for (const [name, value] of bad) {
      await assert.rejects(
        createPool(wallet, { factory: f.factory, config: config({ [name]: value }) }),
        (e) => isSdkError(e, "INVALID_ARGUMENT") && e.message.includes(name),
      );
    }
    assert.deepEqual(calls, []);
    // Both ends of the range are pools.
    const low = await createPool(wallet, { factory: f.factory, config: config() });
    assert.equal(await read(low.pool, "activationDelay"), POOL_MIN_DELAYS.activationDelay);
    assert.equal(await read(low.pool, "claimWindow"), POOL_MIN_DELAYS.claimWindow);
    const high = await createPool(wallet, {
      factory: f.factory,
      config: config({ activationDelay: MAX_UINT32, claimWindow: MAX_UINT32 }),
    });
    assert.equal(await read(high.pool, "activationDelay"), MAX_UINT32);
    assert.equal(await read(high.pool, "claimWindow"), MAX_UINT32);
  });

  it("takes a token list of up to 32 ERC-20s without a salt; refuses 33, a non-address and a repeat in another case", async () => {
    const { wallet, calls } = client();
    const refused = [
      someTokens(POOL_MAX_ALLOWED_TOKENS + 1),
      ["0x1234" as Address],
      [someTokens(1)[0]!, someTokens(1)[0]!.toLowerCase() as Address],
    ];
    for (const tokens of refused) {
      await assert.rejects(createPool(wallet, { factory: f.factory, config: config(), tokens }), (e) =>
        isSdkError(e, "INVALID_ARGUMENT"),
      );
    }
    assert.deepEqual(calls, []);
    const full = someTokens(POOL_MAX_ALLOWED_TOKENS);
    const { pool } = await createPool(wallet, { factory: f.factory, config: config(), tokens: full });
    assert.deepEqual(await read(pool, "tokenAllowlist"), full);
  });

  it("returns the pool of the factory's own PoolCreated event, and an SDK error when there is none", async () => {
    // A PoolCreated log of the factory, replayed below as if another contract had emitted it first.
    const first = client();
    const { pool: earlier } = await createPool(first.wallet, { factory: f.factory, config: config() });
    const created = first.receipts
      .at(-1)!
      .find((log) => log.address.toLowerCase() === f.factory.toLowerCase())!;
    const foreign = { ...created, address: addr(f.wallets.stranger).toLowerCase() };

    const salt = keccak256(stringToHex("create-pool-edges"));
    const predicted = await f.publicClient.readContract({
      address: f.factory,
      abi: poolFactoryAbi,
      functionName: "predictPoolAddress",
      args: [addr(f.wallets.stranger), f.registry, salt],
    });
    const spoofed = client((logs) => [foreign, ...logs]);
    const { pool } = await createPool(spoofed.wallet, { factory: f.factory, config: config(), salt });
    assert.equal(pool, predicted);
    assert.notEqual(pool, earlier);

    const silent = client(() => []);
    await assert.rejects(createPool(silent.wallet, { factory: f.factory, config: config() }), (e) => {
      assert.ok(isSdkError(e, "CONTRACT_REVERTED"));
      assert.match((e as Error).message, /no PoolCreated event/);
      return true;
    });
  });
});
