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
  deposited: z.object({ usdc: amount, eth: amount }),
  paid: z.record(z.object({ wallet: z.string(), usdc: amount, eth: amount })),
  dust: z.object({ usdc: amount, eth: amount }),
  unboundClaimRejected: z.literal(true),
});

function withoutRpcUrl(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.RPC_URL;
  return env;
}

describe("npm start (scripts/demo.ts)", () => {
  it("plays the whole story on the in-process chain and its books balance", () => {
    const run = spawnSync("npm", ["start", "--silent"], {
      cwd: root,
      encoding: "utf8",
      env: withoutRpcUrl(),
      timeout: 300_000,
    });
    assert.equal(run.status, 0, `npm start failed:\n${run.stdout}\n${run.stderr}`);
    const out = run.stdout;

    const resultLine = out.split("\n").find((l) => l.startsWith("DEMO_RESULT "));
    assert.ok(resultLine, "the demo prints a DEMO_RESULT line");
    const result = resultSchema.parse(JSON.parse(resultLine.slice("DEMO_RESULT ".length)));

    // Three contributors, three different wallets, one of them an identity.
    const recipients = Object.entries(result.paid);
    assert.equal(recipients.length, 3);
    assert.equal(new Set(recipients.map(([, p]) => p.wallet.toLowerCase())).size, 3);
    assert.ok(recipients.some(([name]) => name.startsWith("github:")));

    // What was paid plus the stated dust is exactly what was deposited; dust is below one unit per recipient.
    for (const token of ["usdc", "eth"] as const) {
      const paid = recipients.reduce((sum, [, p]) => sum + p[token], 0n);
      assert.equal(paid + result.dust[token], result.deposited[token], `${token} books balance`);
      assert.ok(result.dust[token] >= 0n && result.dust[token] < 3n, `${token} dust ${result.dust[token]}`);
      for (const [, p] of recipients) assert.ok(p[token] > 0n);
    }

    // The printed story: the identity's claim fails while unbound, succeeds after the attestation.
    const failed = out.indexOf("fails: UNBOUND_IDENTITY");
    const bound = out.search(/is bound to 0x[0-9a-fA-F]{40}/);
    assert.ok(failed > 0 && bound > failed, "unbound claim fails before the binding");
    assert.match(out, /source: /);
    assert.match(out, /Story complete/);
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
