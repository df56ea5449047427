import assert from "node:assert/strict";
import { before, describe, it } from "node:test";

import { type Address, createPublicClient, custom, zeroAddress } from "viem";

import { deposit, getClaimable, proposeSchedule, type ClaimableQuery } from "../src/index.ts";
import { ACTIVATION_DELAY, type Fixture, deployFixture } from "./helpers/fixture.ts";
import { addr, entitled, makeTable } from "./helpers/table.ts";

const TOTAL = 1_000_000n;
const USDC_IN = 1_000_003n;

// getClaimable's `batch` option promises how many eth_calls the reads take: one for
// "deployless", one per (schedule, token) for "parallel", and for "auto" on a chain that declares
// no Multicall3 (the local chain declares none). Counted at the transport, over the real chain.
describe("getClaimable batching (eth_calls counted at the transport)", () => {
  let f: Fixture;
  let queries: ClaimableQuery[];
  const calls: string[] = [];
  let reader: ReturnType<typeof createPublicClient>;
  const shares = { alice: 600_000n, bob: 400_000n };

  before(async () => {
    f = await deployFixture();
    const { admin, payer, alice, bob } = f.wallets;
    await deposit(payer, { pool: f.pool, token: f.usdc, amount: USDC_IN });
    const made = makeTable([
      { account: addr(alice), shares: shares.alice },
      { account: addr(bob), shares: shares.bob },
    ]);
    await proposeSchedule(admin, { pool: f.pool, table: made.table, uri: "ipfs://batch" });
    await f.networkHelpers.time.increase(ACTIVATION_DELAY);
    queries = [alice, bob].map((w) => ({
      scheduleId: 1n,
      proof: made.tree.proofFor(addr(w)),
      tokens: [f.usdc, zeroAddress],
    }));
    const provider = f.connection.provider;
    reader = createPublicClient({
      chain: f.publicClient.chain,
      transport: custom({
        request: async (args: { method: string; params?: unknown }) => {
          calls.push(args.method);
          return provider.request(args as never);
        },
      }),
    });
    assert.equal(
      f.publicClient.chain?.contracts?.multicall3,
      undefined,
      "the local chain declares no Multicall3",
    );
  });

  const ethCalls = async (
    batch: "auto" | "parallel" | "deployless" | undefined,
    client: ReturnType<typeof createPublicClient> = reader,
  ) => {
    calls.length = 0;
    const result = await getClaimable(client, { pool: f.pool, queries, ...(batch ? { batch } : {}) });
    assert.equal(
      result.totals.get(f.usdc),
      entitled(USDC_IN, shares.alice, TOTAL) + entitled(USDC_IN, shares.bob, TOTAL),
    );
    assert.equal(result.totals.get(zeroAddress), 0n);
    return calls.filter((m) => m === "eth_call").length;
  };

  it('"deployless" reads all four amounts in one eth_call', async () => {
    assert.equal(await ethCalls("deployless"), 1);
  });

  it('"parallel", and "auto" on a chain without Multicall3, read each (schedule, token) once', async () => {
    assert.equal(await ethCalls("parallel"), 4);
    assert.equal(await ethCalls("auto"), 4);
    assert.equal(await ethCalls(undefined), 4);
  });

  it('"auto" on a chain that declares Multicall3 reads everything in one eth_call; "parallel" still reads each', async () => {
    // Multicall3's aggregate3 (what viem's multicall calls), deployed on the local chain and declared.
    const { address: contractAddress } = (await f.viem.deployContract("Multicall3Aggregate3" as never)) as {
      address: Address;
    };
    const chain = f.publicClient.chain!;
    const withMulticall = createPublicClient({
      chain: {
        ...chain,
        contracts: { ...chain.contracts, multicall3: { address: contractAddress as Address } },
      },
      transport: custom({
        request: async (args: { method: string; params?: unknown }) => {
          calls.push(args.method);
          return f.connection.provider.request(args as never);
        },
      }),
    });
    assert.equal(await ethCalls("auto", withMulticall), 1);
    assert.equal(await ethCalls(undefined, withMulticall), 1);
    assert.equal(await ethCalls("parallel", withMulticall), 4);
  });
});
