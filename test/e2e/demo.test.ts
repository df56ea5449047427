import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

import { z } from "zod";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

const amount = z
  .string()
  .regex(/^[0-9]+$/)
  .transform(BigInt);
const resultSchema = z.object({
  ok: z.literal(true),
  chainId: z.number(),
  tableSource: z.string(),
  recipients: z.number().int().positive(),
  deposited: z.object({ usdc: amount, eth: amount }),
  paid: z.record(z.object({ wallet: z.string(), usdc: amount, eth: amount })),
  waiting: z.object({ usdc: amount, eth: amount, recipients: z.number().int().nonnegative() }),
  dust: z.object({ usdc: amount, eth: amount }),
  unboundClaimRejected: z.literal(true),
});

function demoEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  delete env.RPC_URL;
  return env;
}

/** Runs the demo, checks what every story must satisfy, and returns its result and output. */
function runDemo(command: string, args: string[], env: NodeJS.ProcessEnv) {
  const run = spawnSync(command, args, { cwd: root, encoding: "utf8", env, timeout: 300_000 });
  assert.equal(run.status, 0, `demo failed:\n${run.stdout}\n${run.stderr}`);
  const out = run.stdout;
  const resultLine = out.split("\n").find((l) => l.startsWith("DEMO_RESULT "));
  assert.ok(resultLine, "the demo prints a DEMO_RESULT line");
  const result = resultSchema.parse(JSON.parse(resultLine.slice("DEMO_RESULT ".length)));

  // Three claimers with three different wallets.
  const claimers = Object.values(result.paid);
  assert.equal(claimers.length, 3);
  assert.equal(new Set(claimers.map((p) => p.wallet.toLowerCase())).size, 3);
  assert.equal(result.waiting.recipients, result.recipients - 3);

  // Paid + owed to the others + the stated dust is exactly what was deposited; dust < one unit per recipient.
  for (const token of ["usdc", "eth"] as const) {
    const paid = claimers.reduce((sum, p) => sum + p[token], 0n);
    assert.equal(
      paid + result.waiting[token] + result.dust[token],
      result.deposited[token],
      `${token} books`,
    );
    assert.ok(result.dust[token] >= 0n && result.dust[token] < BigInt(result.recipients), `${token} dust`);
    for (const p of claimers) assert.ok(p[token] > 0n);
  }

  // The identity's claim fails while it is unbound and succeeds after the attestation.
  const failed = out.indexOf("first claim attempt fails: UNBOUND_IDENTITY");
  const bound = out.search(/is bound to 0x[0-9a-fA-F]{40}/);
  assert.ok(failed > 0 && bound > failed, "the unbound claim fails before the binding");
  assert.match(out, /source: /);
  assert.match(out, /Story complete/);
  return { result, out };
}

describe("npm run demo (scripts/demo.ts)", () => {
  it("plays the story with the engine's table for this repository's package-lock.json", () => {
    const { result } = runDemo("npm", ["run", "demo", "--silent"], demoEnv({}));
    assert.match(result.tableSource, /^engine: /);
    assert.ok(result.recipients > 3);
    assert.ok(result.waiting.usdc > 0n);
  });

  it("plays the story with the explicit three-contributor table (DEMO_TABLE=explicit)", () => {
    const { result, out } = runDemo(
      process.execPath,
      ["--import", "tsx", "scripts/demo.ts"],
      demoEnv({ DEMO_TABLE: "explicit" }),
    );
    assert.match(result.tableSource, /^explicit: /);
    assert.equal(result.recipients, 3);
    assert.equal(result.waiting.usdc, 0n);
    assert.ok(Object.keys(result.paid).some((name) => name.startsWith("github:")));
    assert.match(out, /rounding dust/);
  });

  it("refuses a non-loopback RPC_URL", () => {
    const run = spawnSync(process.execPath, ["--import", "tsx", "scripts/demo.ts"], {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, RPC_URL: "http://0.0.0.0:8545" },
      timeout: 120_000,
    });
    assert.notEqual(run.status, 0);
    assert.match(run.stderr, /loopback/);
  });
});
