/**
 * The live npm path: a small real lockfile resolved against the registry of the user's npm
 * configuration (as npm reads it). Skips, saying why, when the registry cannot be reached.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { inputFile, parseResolution } from "@wellspring/attribution/inputs";
import { npmRegistries, resolveInputs } from "../src/index.ts";

const LOCKFILE = join(dirname(fileURLToPath(import.meta.url)), "fixtures", "live", "package-lock.json");

async function reachable(registry: string): Promise<string | undefined> {
  try {
    const r = await fetch(`${registry}left-pad/1.3.0`, { signal: AbortSignal.timeout(10_000) });
    return r.ok ? undefined : `answered HTTP ${r.status}`;
  } catch (error) {
    return (error as Error).message;
  }
}

test("live npm: a real lockfile resolves against the configured registry", async (t) => {
  const npm = npmRegistries();
  const why = await reachable(npm.registry);
  if (why !== undefined) {
    t.skip(`the npm registry ${npm.registry} (from ${npm.from}) cannot be reached: ${why}`);
    return;
  }
  const file = inputFile("package-lock.json", readFileSync(LOCKFILE));
  const { snapshot, summary, text } = await resolveInputs([file], {
    npm,
    // Only the npm path is under test here; the other services may be unreachable.
    fundingManifests: false,
    gitAuthors: false,
  });
  assert.equal(summary.components, 7);
  assert.equal(summary.bySource.npm?.resolved, 6, JSON.stringify(summary));
  assert.equal(snapshot.components["pkg:npm/live-sample@1.0.0"]?.reason, "product-or-workspace");
  const leftPad = snapshot.components["pkg:npm/left-pad@1.3.0"]!;
  assert.equal(leftPad.repository?.owner, "github:stevemao");
  assert.equal(leftPad.license, "WTFPL");
  assert.equal(snapshot.components["pkg:npm/%40babel/code-frame@7.27.1"]?.repository?.owner, "github:babel");
  // Every resolved package names somebody: funding, maintainers or the repository owner.
  assert.equal(summary.tiers.none, 1, "only the product names nobody");
  parseResolution(inputFile("s.json", new TextEncoder().encode(text)));
});
