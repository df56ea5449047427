import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { network } from "hardhat";
import type { PublicClient } from "viem";
import { chainClock } from "../src/chain-clock.ts";

describe("chainClock on an in-process Hardhat chain", () => {
  it("follows evm_increaseTime, and an old block never moves it back", async () => {
    const { viem, networkHelpers } = await network.connect();
    const client = (await viem.getPublicClient()) as unknown as PublicClient;
    let wall = Date.now();
    const clock = chainClock(client, { intervalMs: 60_000, wallClock: () => wall });
    try {
      await clock.refresh();
      // A fresh chain's latest block is about now: the clock is about the wall clock.
      assert.ok(Math.abs(clock.now() - wall) < 5_000, `offset ${clock.now() - wall} ms`);

      await networkHelpers.time.increase(3600);
      const block = await client.getBlock({ blockTag: "latest" });
      await clock.refresh();
      assert.ok(clock.now() >= Number(block.timestamp) * 1000, "at least the latest block's time");
      const ahead = clock.now() - wall;
      assert.ok(ahead >= 3_500_000, `ahead by ${ahead} ms`);

      // Wall time passes with no new block: the clock keeps its offset instead of falling back.
      wall += 120_000;
      await clock.refresh();
      assert.equal(clock.now() - wall, ahead);
    } finally {
      clock.stop();
    }
  });

  it("keeps the wall clock when the chain cannot be read", async () => {
    const errors: unknown[] = [];
    const clock = chainClock(
      {
        getBlock: () => Promise.reject(new Error("connection refused")),
      } as unknown as Pick<PublicClient, "getBlock">,
      { wallClock: () => 1_000, onError: (e) => errors.push(e) },
    );
    await clock.refresh();
    clock.stop();
    assert.equal(clock.now(), 1_000);
    assert.equal(errors.length, 1);
  });
});
