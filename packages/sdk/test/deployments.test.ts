import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";

import hre from "hardhat";

import { writeDeploymentAddresses } from "../../../deploy/lib/addresses.ts";
import { deployWellspring } from "../../../deploy/lib/deploy.ts";
import { getCurrentSchedule, getPayee, isSdkError, parseDeployments } from "../src/index.ts";
import { readDeployments } from "../src/node.ts";

const file = {
  version: 1,
  chainId: 31337,
  network: "localhost",
  deploymentId: "chain-31337",
  deployBlock: 1,
  registry: "0x5fbdb2315678afecb367f032d93f642f64180aa3",
  factory: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512",
  implementation: "0xa16E02E87b7454126E5E10d957A927A7F5B5d2be",
  pool: "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0",
};

describe("deployments", () => {
  it("reads deploy/addresses/<chainId>.json and checksums addresses", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "ws-deploy-"));
    writeFileSync(path.join(dir, "31337.json"), JSON.stringify(file));
    const d = await readDeployments({ dir, chainId: 31337 });
    assert.equal(d.registry, "0x5FbDB2315678afecb367f032d93F642f64180aa3");
    assert.equal(d.pool, file.pool);
    assert.equal(d.deployBlock, 1n);
    assert.equal(d.record, undefined, "version 1 files carry no record");
  });

  it("fails with DEPLOYMENTS_INVALID on a missing file, another chain or a bad field", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "ws-deploy-"));
    await assert.rejects(readDeployments({ dir, chainId: 1 }), (e) => isSdkError(e, "DEPLOYMENTS_INVALID"));
    writeFileSync(path.join(dir, "5.json"), JSON.stringify(file));
    await assert.rejects(readDeployments({ dir, chainId: 5 }), (e) => isSdkError(e, "DEPLOYMENTS_INVALID"));
    assert.throws(
      () => parseDeployments({ ...file, pool: "0x1234" }),
      (e) => isSdkError(e, "DEPLOYMENTS_INVALID") && /pool/.test((e as Error).message),
    );
  });
});

describe("deployments written by deploy/ (Ignition)", () => {
  it("reads the address file the deploy scripts write and the addresses work", async () => {
    const connection = await hre.network.connect();
    const deployed = await deployWellspring(hre, connection);
    const dir = mkdtempSync(path.join(tmpdir(), "ws-deploy-"));
    await writeDeploymentAddresses(deployed, dir);
    const d = await readDeployments({ dir, chainId: deployed.chainId });
    assert.equal(d.pool, deployed.pool);
    assert.equal(d.registry, deployed.registry);
    assert.equal(d.factory, deployed.factory);
    assert.equal(d.deployBlock, BigInt(deployed.deployBlock));
    assert.deepEqual(d.record, deployed.record, "version 2 files carry the deployment record");
    const [wallet] = await connection.viem.getWalletClients();
    assert.deepEqual(await getCurrentSchedule(wallet!, { pool: d.pool }), { current: null, pending: null });
    assert.equal((await getPayee(wallet!, { registry: d.registry, account: "github:1" })).payee, null);
  });
});
