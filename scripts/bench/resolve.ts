/**
 * `resolve` figures: `npm run bench:resolve` adds these keys to
 * scripts/bench/results/attribution.json (the other keys are kept):
 *
 * - `held_fraction_self_before` / `held_fraction_self`: heldFraction of this repository's own
 *   package-lock.json under the default policy, without and with a `resolve` snapshot made
 *   against the npm registry of the npm configuration (the live registry);
 *   `held_fraction_self_dependencies[_before]`: the part of it held for components other than
 *   the product and its workspace packages (which no registry describes);
 *   `held_fraction_self_old_defaults` / `self_top10_old_defaults`: the table with the snapshot
 *   under the defaults before issue 11 spelled out (`keep.root` 0.5 = `keep.default`,
 *   contributors `auto` with a one-year half-life);
 *   `self_top10_before` / `self_top10_after`: the ten largest recipients of those tables;
 * - `resolve_1k_cold_s` / `resolve_1k_warm_s`: resolving 1,000 npm packages with an empty disk
 *   cache (live registry) and again from the cache (median of 3). The 1,000 are this lockfile's
 *   registry packages at their locked versions, and the first of them again at `latest` to make
 *   up the number (distinct requests for real packages; no names from elsewhere).
 *
 * Without a reachable registry the live figures are null and `resolve_offline` says why.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { inputFile, parseJson } from "@wellspring/attribution/inputs";
import { npmRegistries, resolveInputs } from "@wellspring/resolve";
import { run } from "../../packages/cli/src/cli.ts";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const target = join(repo, "scripts", "bench", "results", "attribution.json");
const log = (s: string): void => void process.stderr.write(`${s}\n`);
const round = (x: number, digits = 3): number => Number(x.toFixed(digits));
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const work = mkdtempSync(join(tmpdir(), "ws-bench-resolve-"));
const results: Record<string, unknown> = {};

interface Attributed {
  held: number;
  top: string[];
  /** Held fraction of the components other than the given ones (the product and its workspaces). */
  heldOutside: (own: ReadonlySet<string>) => number;
}

async function attribute(inputs: string[], out: string, policy?: string): Promise<Attributed> {
  const args = ["attribute", ...inputs.flatMap((i) => ["--input", i]), "--out", out, "--json"];
  await run(policy === undefined ? args : [...args, "--policy", policy], {
    stdout: { write: () => true },
    cwd: repo,
  });
  const lines = readFileSync(join(out, "explanation.jsonl"), "utf8").trim().split("\n");
  const head = JSON.parse(lines[0]!) as { report: { heldFraction: number } };
  const rows = lines
    .slice(1)
    .map((l) => JSON.parse(l) as { identity: string; shares: string })
    .sort((a, b) => (BigInt(b.shares) > BigInt(a.shares) ? 1 : BigInt(b.shares) < BigInt(a.shares) ? -1 : 0));
  const top = rows
    .slice(0, 10)
    .map((r) => `${r.identity} ${(Number(BigInt(r.shares) / 10n ** 12n) / 1e4).toFixed(3)}%`);
  const heldOutside = (own: ReadonlySet<string>): number => {
    let sum = 0n;
    let total = 0n;
    for (const r of rows) {
      total += BigInt(r.shares);
      if (r.identity.startsWith("component:") && !own.has(r.identity.slice(10))) sum += BigInt(r.shares);
    }
    return round(Number((sum * 10n ** 9n) / total) / 1e9, 6);
  };
  return { held: round(head.report.heldFraction, 4), top, heldOutside };
}

try {
  const npm = npmRegistries({ cwd: repo });
  let offline: string | undefined;
  try {
    const r = await fetch(`${npm.registry}left-pad/1.3.0`, { signal: AbortSignal.timeout(10_000) });
    if (!r.ok) offline = `the registry answered HTTP ${r.status}`;
  } catch (error) {
    offline = (error as Error).message;
  }
  if (offline !== undefined) {
    log(`npm registry ${npm.registry} unreachable (${offline}): live figures skipped`);
    results.resolve_offline = `npm registry ${npm.registry} unreachable: ${offline}`;
    results.held_fraction_self = null;
    results.resolve_1k_cold_s = null;
  } else {
    const lockPath = join(repo, "package-lock.json");
    const lock = inputFile("package-lock.json", readFileSync(lockPath));

    // This repository's own lockfile, before and after resolve.
    const before = await attribute(["package-lock.json"], join(work, "before"));
    const self = await resolveInputs([lock], { npm, http: { cacheDir: join(work, "self-cache") } });
    const snapshot = join(work, "self.resolution.json");
    writeFileSync(snapshot, self.text);
    const after = await attribute(["package-lock.json", snapshot], join(work, "after"));
    const own = new Set(
      Object.entries(self.snapshot.components)
        .filter(([, c]) => c.reason === "product-or-workspace")
        .map(([key]) => key),
    );
    // The defaults before issue 11, spelled out: the product kept keep.default (0.5).
    const policy = join(work, "old-defaults.json");
    writeFileSync(
      policy,
      JSON.stringify({
        version: 1,
        keep: { default: 0.5, root: 0.5 },
        contributors: { source: "auto", halfLifeDays: 365 },
      }),
    );
    const oldDefaults = await attribute(["package-lock.json", snapshot], join(work, "old-defaults"), policy);
    results.held_fraction_self_before = before.held;
    results.held_fraction_self = after.held;
    results.held_fraction_self_dependencies_before = before.heldOutside(own);
    results.held_fraction_self_dependencies = after.heldOutside(own);
    results.held_fraction_self_old_defaults = oldDefaults.held;
    results.self_top10_before = before.top;
    results.self_top10_after = after.top;
    results.self_top10_old_defaults = oldDefaults.top;
    results.self_resolve_summary = {
      components: self.summary.components,
      resolved: self.summary.resolved,
      unresolved: self.summary.unresolved,
      failed: self.summary.failed,
      reasons: self.summary.reasons,
      tiers: self.summary.tiers,
    };
    log(`self: heldFraction ${before.held} -> ${after.held}`);

    // 1,000 npm packages: cold (empty cache, live registry), then warm (from the cache).
    const doc = parseJson(lock) as {
      packages: Record<string, { name?: string; version?: string; link?: boolean }>;
    };
    const registryPackages = Object.entries(doc.packages)
      .filter(
        ([location, e]) => location.includes("node_modules/") && e.link !== true && e.version !== undefined,
      )
      .map(([location, e]) => ({
        name: e.name ?? location.slice(location.lastIndexOf("node_modules/") + "node_modules/".length),
        version: e.version!,
      }));
    const purls = new Map<string, { name: string; version: string }>();
    const purlOf = (name: string, version: string): string =>
      `pkg:npm/${name.replace("@", "%40")}@${version}`;
    for (const p of registryPackages) purls.set(purlOf(p.name, p.version), p);
    const names = [...new Set(registryPackages.map((p) => p.name))];
    for (let i = 0; purls.size < 1000 && i < names.length; i++)
      purls.set(purlOf(names[i]!, "latest"), { name: names[i]!, version: "latest" });
    const components = [...purls].map(([purl, p], i) => ({
      type: "library",
      "bom-ref": `c${i}`,
      name: p.name,
      version: p.version,
      purl,
    }));
    const sbom = inputFile(
      "bench-1k.cdx.json",
      new TextEncoder().encode(
        JSON.stringify({
          bomFormat: "CycloneDX",
          specVersion: "1.6",
          metadata: {
            component: { type: "application", "bom-ref": "root", name: "bench-1k", version: "1.0.0" },
          },
          components,
          dependencies: [{ ref: "root", dependsOn: components.map((c) => c["bom-ref"]) }],
        }),
      ),
    );
    const cacheDir = join(work, "cache-1k");
    const options = { npm, fundingManifests: false, gitAuthors: false, http: { cacheDir } };
    let t = performance.now();
    const cold = await resolveInputs([sbom], options);
    results.resolve_1k_cold_s = round((performance.now() - t) / 1000, 2);
    const warmRuns: number[] = [];
    for (let i = 0; i < 3; i++) {
      t = performance.now();
      const warm = await resolveInputs([sbom], options);
      warmRuns.push(round((performance.now() - t) / 1000, 3));
      if (warm.text !== cold.text) throw new Error("the warm snapshot differs from the cold one");
    }
    results.resolve_1k_warm_s = median(warmRuns);
    results.resolve_1k_runs = { warm: warmRuns };
    results.resolve_1k_summary = {
      components: cold.summary.components,
      resolved: cold.summary.resolved,
      unresolved: cold.summary.unresolved,
      failed: cold.summary.failed,
      requests: cold.summary.http.requests,
      retries: cold.summary.http.retries,
    };
    log(`resolve 1k: cold ${results.resolve_1k_cold_s}s, warm ${results.resolve_1k_warm_s}s`);
  }
  results.resolve_date = new Date().toISOString();
  results.resolve_command = "npm run bench:resolve";
  const existing = JSON.parse(readFileSync(target, "utf8")) as Record<string, unknown>;
  // Keys of earlier versions of this script (the what-if is now the old defaults).
  for (const key of ["held_fraction_self_keep_root_0", "self_top10_keep_root_0"]) delete existing[key];
  writeFileSync(target, `${JSON.stringify({ ...existing, ...results }, null, 2)}\n`);
  log(`updated ${target}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
