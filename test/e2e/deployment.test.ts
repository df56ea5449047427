/**
 * Follows docs/deployment.md on local nodes of its own: every runnable (`sh`) block against a chain 31337, then
 * the blocks of "Rehearse on two local chains" against two nodes with chain ids 31338 and 31339 (the documented
 * ports 8545, 8546 and 8547 moved to free ones). Then checks the records the commands wrote. The address files and
 * journals of these chains are git-ignored; any that existed before are put back afterwards.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rename, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";

import { keccak256, type Hex } from "viem";

import { readDeployments } from "@wellspring/sdk/node";

import { ADDRESSES_DIR, readDeploymentAddresses } from "../../deploy/lib/addresses.ts";
import { freePort, startHardhatNode, type HardhatNode } from "../../scripts/lib/hardhat-node.ts";
import { commandBlocks, withPorts, type CommandBlock } from "./docs-commands.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const DOC = "docs/deployment.md";
const REHEARSAL = "## Rehearse on two local chains";
const CHAINS = [31337, 31338, 31339] as const;

/** The git-ignored files these commands write, per chain. */
const outputsOf = (chainId: number) => [
  path.join(ADDRESSES_DIR, `${chainId}.json`),
  path.join(root, "deploy", "deployments", `chain-${chainId}`),
];

function run(block: CommandBlock, text: string, env: Record<string, string>): void {
  const result = spawnSync("bash", ["--norc", "--noprofile", "-euo", "pipefail", "-c", text], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, ...env },
    timeout: 300_000,
  });
  assert.equal(
    result.status,
    0,
    `${block.where} failed (exit ${result.status}):\n${text}\n--- stdout\n${result.stdout.slice(-3000)}\n--- stderr\n${result.stderr.slice(-3000)}`,
  );
}

describe("docs/deployment.md, followed on local nodes", () => {
  const nodes = new Map<number, HardhatNode & { port: number }>();
  let backup: string;
  let blocks: CommandBlock[];
  let rehearsalStart: number;
  let rehearsalEnd: number;

  before(async () => {
    const markdown = await readFile(path.join(root, DOC), "utf8");
    blocks = commandBlocks(DOC, markdown);
    const lines = markdown.split("\n");
    rehearsalStart = lines.indexOf(REHEARSAL) + 1;
    assert.ok(rehearsalStart > 0, `${DOC} has no "${REHEARSAL}"`);
    rehearsalEnd = lines.findIndex((l, i) => i >= rehearsalStart && l.startsWith("## ")) + 1;

    backup = await mkdtemp(path.join(tmpdir(), "ws-deployment-doc-"));
    for (const file of CHAINS.flatMap(outputsOf)) {
      if (existsSync(file)) await rename(file, path.join(backup, path.basename(file)));
    }
    for (const chainId of CHAINS) {
      const port = await freePort();
      nodes.set(chainId, { ...(await startHardhatNode({ root, port, chainId })), port });
    }
  });

  after(async () => {
    for (const node of nodes.values()) await node.stop();
    for (const file of CHAINS.flatMap(outputsOf)) {
      await rm(file, { recursive: true, force: true });
      const saved = path.join(backup, path.basename(file));
      if (existsSync(saved)) await rename(saved, file);
    }
    await rm(backup, { recursive: true, force: true });
  });

  const lineOf = (block: CommandBlock) => Number(block.where.split(":")[1]);

  it("runs the page's runnable blocks against a chain 31337", () => {
    const chain = nodes.get(31337)!.port;
    const runnable = blocks.filter((b) => b.kind === "run");
    assert.ok(runnable.length >= 3);
    for (const block of runnable)
      run(block, withPorts(block.text, { server: 8080, chain }), { CHAIN_PORT: String(chain) });
  });

  it("rehearses the deployment on chains 31338 and 31339, as the page says", () => {
    const rehearsal = blocks.filter((b) => lineOf(b) > rehearsalStart && lineOf(b) < rehearsalEnd);
    // The first block starts the nodes, which this test did itself.
    assert.match(rehearsal[0]!.text, /hardhat node/);
    const [a, b] = [nodes.get(31338)!.port, nodes.get(31339)!.port];
    const moved = (text: string) => text.replaceAll("8546", String(a)).replaceAll("8547", String(b));
    // The page's blocks share one shell session (an `export` carries over), so they run as one script.
    const script = rehearsal.slice(1);
    assert.ok(script.length >= 2);
    run(script[0]!, script.map((block) => moved(block.text)).join("\n"), {});
  });

  it("left a valid record per chain: create2 with equal addresses on the rehearsal chains, code as on the chain", async () => {
    const local = await readDeploymentAddresses(31337);
    assert.equal(local.record.strategy, "basic");
    const [a, b] = await Promise.all([readDeploymentAddresses(31338), readDeploymentAddresses(31339)]);
    for (const key of ["registry", "factory", "implementation", "pool"] as const)
      assert.equal(a[key], b[key], key);
    assert.equal(a.record.strategy, "create2");
    assert.match(a.record.salt ?? "", /^0x[0-9a-f]{64}$/);
    assert.notEqual(a.registry, local.registry);
    for (const [chainId, addresses] of [
      [31338, a],
      [31339, b],
    ] as const) {
      const node = nodes.get(chainId)!;
      for (const key of ["registry", "factory", "implementation", "pool"] as const) {
        const code = (await node.rpc("eth_getCode", [addresses[key], "latest"])) as Hex;
        assert.equal(keccak256(code), addresses.record.contracts[key].codeHash, `${key} on ${chainId}`);
      }
      // What the SDK and the server read.
      const read = await readDeployments({ dir: ADDRESSES_DIR, chainId });
      assert.deepEqual(read.record, addresses.record);
    }
  });
});
