import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { network } from "hardhat";
import type { PublicClient } from "viem";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { proposeSchedule } from "@wellspring/sdk";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { chainClock } from "../src/chain-clock.ts";
import { start } from "../src/start.ts";
import { ACTIVATION_DELAY, deployChain, makeTable } from "./chain-fixture.ts";
import { rolesFor, signedFetch } from "./helpers.ts";

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

describe("start(): schedule status is judged by the chain's time", () => {
  it("a schedule past its activation on a chain moved by evm_increaseTime is active, though the wall clock says pending", async () => {
    const chain = await deployChain();
    const dir = await mkdtemp(join(tmpdir(), "ws-clock-"));
    const admin = privateKeyToAccount(generatePrivateKey());
    try {
      const { table } = makeTable([
        { account: chain.wallets.alice.account.address, shares: 1n },
        { account: chain.wallets.bob.account.address, shares: 2n },
      ]);
      const proposed = await proposeSchedule(chain.wallets.admin, {
        pool: chain.pool,
        table,
        uri: "ipfs://clock",
      });
      // The chain runs a day past the activation; the wall clock does not.
      await chain.networkHelpers.time.increase(ACTIVATION_DELAY + 86_400);
      const started = await start(
        {
          PGLITE_DIR: dir,
          PORT: "0",
          LOG_LEVEL: "silent",
          INDEXER_ENABLED: "true",
          INDEXER_CONFIRMATIONS: "0",
          INDEXER_INTERVAL_MS: "100",
        },
        { client: chain.publicClient, hasRole: rolesFor({ [admin.address]: ["ADMIN"] }) },
      );
      try {
        assert.ok(Number(proposed.activatesAt) * 1000 > Date.now(), "by the wall clock it is pending");
        const registered = await signedFetch(started.server.url, admin, {
          method: "POST",
          path: "/v1/pools",
          body: { address: chain.pool, name: "clock", deployedBlock: chain.deployedBlock.toString() },
        });
        assert.equal(registered.status, 201);
        let statuses: string[] = [];
        // Bounded wait for the background indexer to record the schedule.
        for (let i = 0; i < 200 && statuses.length === 0; i++) {
          const body = (await (
            await fetch(`${started.server.url}/v1/pools/${chain.pool}/schedules`)
          ).json()) as {
            schedules: { status: string }[];
          };
          statuses = body.schedules.map((s) => s.status);
          if (statuses.length === 0) await new Promise((r) => setTimeout(r, 50));
        }
        assert.deepEqual(statuses, ["active"]);
      } finally {
        await started.stop();
      }
    } finally {
      await chain.connection.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
