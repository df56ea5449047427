/**
 * `npm start` end to end: the README's first command boots a local chain, plays the demo, starts
 * the server on PGlite with the pages, and serves the demo pool. Checked through the API and in
 * Chromium (Explorer and Claim pages on npm start's embedded defaults), then stopped with SIGINT.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it, test } from "node:test";

import type { Browser } from "playwright-core";
import { z } from "zod";

import { allCommandBlocks, withPorts } from "./docs-commands.ts";
import { freePort, launchBrowser, resultsDir, root } from "./web/harness.ts";

const ready = z.object({
  url: z.string().url(),
  rpcUrl: z.string().url(),
  pool: z.string(),
  runId: z.string(),
  unclaimed: z.string(),
  token: z.string(),
  scheduleId: z.string(),
});

const claimsSchema = z.object({
  items: z.array(z.object({ scheduleId: z.string(), status: z.string(), shares: z.string() })),
  totals: z.array(z.object({ token: z.string(), amount: z.string() })),
  transaction: z.object({ to: z.string(), data: z.string() }).nullable(),
});

test("every shell block of the docs is runnable, a template naming its placeholders, or manual", () => {
  const blocks = allCommandBlocks(root);
  assert.ok(blocks.some((b) => b.kind === "run"));
  for (const b of blocks.filter((x) => x.kind === "template")) {
    assert.match(b.text, /<[a-zA-Z][\w .-]*>/, `${b.where}: a template names its <placeholders>`);
  }
});

describe("npm start", { timeout: 900_000 }, () => {
  let child: ChildProcess;
  let ports: { server: number; chain: number };
  let output = "";
  let info: z.infer<typeof ready>;
  let browser: Browser | undefined;

  before(async () => {
    mkdirSync(resultsDir, { recursive: true });
    const [port, chainPort] = [await freePort(), await freePort()];
    ports = { server: port, chain: chainPort };
    // What `npm start` runs, started directly so that SIGINT reaches it rather than npm.
    const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as {
      scripts: { start: string };
    };
    assert.equal(pkg.scripts.start, "node --import tsx scripts/start.ts");
    child = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
      cwd: root,
      env: {
        ...process.env,
        PORT: String(port),
        CHAIN_PORT: String(chainPort),
        RPC_URL: "",
        LOG_LEVEL: "info",
      },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
    info = await new Promise((resolve, reject) => {
      const timer = setInterval(() => {
        const line = output.split("\n").find((l) => l.startsWith("WELLSPRING_READY "));
        if (line) {
          clearInterval(timer);
          resolve(ready.parse(JSON.parse(line.slice("WELLSPRING_READY ".length))));
        } else if (child.exitCode !== null) {
          clearInterval(timer);
          reject(new Error(`npm start exited (${child.exitCode}) before it was ready:\n${output}`));
        }
      }, 200);
    });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    if (child.exitCode === null && child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
  });

  it("prints where everything runs, all on 127.0.0.1", () => {
    assert.match(output, /Story complete/);
    assert.match(output, /Wellspring is running on embedded defaults/);
    assert.equal(new URL(info.url).hostname, "127.0.0.1");
    assert.equal(new URL(info.rpcUrl).hostname, "127.0.0.1");
    assert.match(output, /PGlite in \.wellspring\/start\/pglite/);
  });

  it("serves the demo pool: indexed deposits, the active schedule, claims with proofs and calldata", async () => {
    const balances = z
      .object({ balances: z.array(z.object({ token: z.string(), deposited: z.string() })) })
      .parse(await (await fetch(`${info.url}/v1/pools/${info.pool}/balances`)).json());
    // The demo's deposits: 1.5 ETH + 1 wei and 2,500.000001 USDC, indexed from the chain.
    const deposited = new Map(balances.balances.map((b) => [b.token.toLowerCase(), BigInt(b.deposited)]));
    assert.equal(deposited.get("0x0000000000000000000000000000000000000000"), 1_500_000_000_000_000_001n);
    assert.equal(deposited.get(info.token.toLowerCase()), 2_500_000_001n);

    const claims = claimsSchema.parse(
      await (
        await fetch(`${info.url}/v1/pools/${info.pool}/claims/${encodeURIComponent(info.unclaimed)}`)
      ).json(),
    );
    assert.equal(claims.items.length, 1);
    assert.equal(claims.items[0]!.scheduleId, info.scheduleId);
    assert.equal(claims.items[0]!.status, "active");
    assert.ok(claims.totals.every((t) => BigInt(t.amount) > 0n));
    assert.equal(claims.totals.length, 2);
    assert.ok(claims.transaction, "one claim transaction is ready");
    assert.equal((await fetch(`${info.url}/docs`)).status, 200);
  });

  it("the Explorer and Claim pages work on it in Chromium", async () => {
    const context = await browser!.newContext({ viewport: { width: 1200, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${info.url}/#/explorer`);
    await page.locator('#explorer-status[data-state="loaded"]').waitFor({ timeout: 30_000 });
    await page.locator("#explorer-shares svg.chart").waitFor();
    await page.locator("#explorer-deposits svg.chart").first().waitFor();
    const overview = await page.locator("#explorer-overview").innerText();
    assert.match(overview, /Wellspring demo pool/);
    assert.match(overview, /active/);
    await page.screenshot({ path: path.join(resultsDir, "start-explorer.png"), fullPage: true });

    const claims = claimsSchema.parse(
      await (
        await fetch(`${info.url}/v1/pools/${info.pool}/claims/${encodeURIComponent(info.unclaimed)}`)
      ).json(),
    );
    await page.goto(`${info.url}/#/claim`);
    await page.locator("#claim-account").fill(info.unclaimed);
    await page.locator("#claim-lookup").click();
    for (const t of claims.totals) {
      const li = page.locator(`#claim-totals li[data-token="${t.token}"]`);
      await li.waitFor({ timeout: 30_000 });
      assert.equal(await li.getAttribute("data-amount"), t.amount);
    }
    await page.screenshot({ path: path.join(resultsDir, "start-claim.png"), fullPage: true });
    assert.deepEqual(errors, []);
    await context.close();
  });

  it("runs every command the README and docs/ show, as written", async () => {
    // Files the commands write (deploy:localhost rewrites the address file for this chain, which
    // npm start wrote); removed again unless they were there before.
    const outputs = ["out", "build"].filter((d) => !existsSync(path.join(root, d)));
    try {
      for (const block of allCommandBlocks(root).filter((b) => b.kind === "run")) {
        const run = spawnSync(
          "bash",
          ["--norc", "--noprofile", "-euo", "pipefail", "-c", withPorts(block.text, ports)],
          {
            cwd: root,
            encoding: "utf8",
            env: {
              ...process.env,
              CHAIN_PORT: String(ports.chain),
              WELLSPRING_SERVER: `http://127.0.0.1:${ports.server}`,
            },
            timeout: 300_000,
          },
        );
        assert.equal(
          run.status,
          0,
          `${block.where} failed (exit ${run.status}):\n${block.text}\n--- stdout\n${run.stdout.slice(-3000)}\n--- stderr\n${run.stderr.slice(-3000)}`,
        );
      }
    } finally {
      for (const d of outputs) rmSync(path.join(root, d), { recursive: true, force: true });
    }
  });

  it("stops cleanly on SIGINT", async () => {
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    process.kill(-child.pid!, "SIGINT");
    const code = await Promise.race([
      exited,
      new Promise<"timeout">((r) => setTimeout(() => r("timeout"), 30_000)),
    ]);
    assert.equal(code, 0, output.slice(-2000));
    // The chain went with it.
    await assert.rejects(fetch(info.rpcUrl, { method: "POST", body: "{}" }));
  });
});
