/**
 * /readyz's chain check (src/chain-readiness.ts): the RPC answers, serves CHAIN_ID, and holds the registry code
 * the deployment record names; against real in-process chains, one deployed by deploy/ and one fresh.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import hre from "hardhat";
import { createPublicClient, http, type PublicClient } from "viem";

import { deployWellspring } from "../../../deploy/lib/deploy.ts";
import { freePort } from "../../../scripts/lib/hardhat-node.ts";
import { chainReadiness, type ChainExpectation } from "../src/chain-readiness.ts";
import type { Database } from "../src/db/database.ts";
import { migrate } from "../src/db/migrate.ts";
import { openPglite } from "../src/db/pglite.ts";
import { createApp } from "../src/http/app.ts";
import { listen, type RunningServer } from "../src/http/server.ts";
import { captureLogger, testConfig } from "./helpers.ts";

describe("/readyz checks the chain behind RPC_URL", () => {
  let deployed: PublicClient;
  let fresh: PublicClient;
  let expected: ChainExpectation;
  const log = captureLogger();

  before(async () => {
    const connection = await hre.network.create();
    const addresses = await deployWellspring(hre, connection);
    deployed = (await connection.viem.getPublicClient()) as unknown as PublicClient;
    fresh = (await (await hre.network.create()).viem.getPublicClient()) as unknown as PublicClient;
    expected = {
      chainId: addresses.chainId,
      registry: { address: addresses.registry, codeHash: addresses.record.contracts.registry.codeHash },
    };
  });

  it("is ready on the chain the deployment record describes", async () => {
    assert.equal(await chainReadiness(deployed, expected, log.logger)(), undefined);
    assert.equal(await chainReadiness(deployed, { chainId: expected.chainId }, log.logger)(), undefined);
  });

  it("is not ready on another chain id, or a chain without the recorded registry", async () => {
    assert.equal(
      await chainReadiness(deployed, { ...expected, chainId: 1 }, log.logger)(),
      "RPC_URL serves chain 31337, not CHAIN_ID 1",
    );
    assert.match(
      (await chainReadiness(fresh, expected, log.logger)()) ?? "",
      /does not hold the code the deployment record names/,
    );
  });

  it("is not ready when the RPC is down or silent, without quoting its URL", async () => {
    const down = createPublicClient({
      transport: http(`http://127.0.0.1:${await freePort()}/secret-key`, { retryCount: 0 }),
    });
    assert.equal(await chainReadiness(down, expected, log.logger)(), "chain RPC unreachable");
    const silent = { getChainId: () => new Promise<number>(() => {}), getCode: deployed.getCode };
    assert.equal(await chainReadiness(silent, expected, log.logger, 50)(), "chain RPC unreachable");
  });

  describe("through the route", () => {
    let db: Database;
    let server: RunningServer;
    let problem: string | undefined;

    before(async () => {
      db = await openPglite();
      await migrate(db);
      server = await listen(
        createApp({
          checkResponses: true,
          db,
          logger: log.logger,
          config: testConfig(),
          hasRole: async () => false,
          chainReadiness: async () => problem,
        }),
        { host: "127.0.0.1", port: 0, shutdownTimeoutMs: 1_000 },
      );
    });
    after(async () => {
      await server?.close();
      await db?.close();
    });

    it("answers 503 naming the chain's problem, and 200 once it is gone", async () => {
      problem = "chain RPC unreachable";
      const down = await fetch(`${server.url}/readyz`);
      assert.equal(down.status, 503);
      assert.deepEqual(await down.json(), {
        status: "chain unavailable",
        problems: ["chain RPC unreachable"],
      });
      problem = undefined;
      const up = await fetch(`${server.url}/readyz`);
      assert.equal(up.status, 200);
      assert.deepEqual(await up.json(), { status: "ready" });
    });
  });
});
