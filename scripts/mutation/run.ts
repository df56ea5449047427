/**
 * `npm run test:mutation`: StrykerJS over the TypeScript money path (stryker.config.mjs), one run per
 * area (engine, protocol, server, sdk), then the Solidity pass (scripts/mutation/solidity.ts); writes the
 * scores and every survivor, with its written reason, to scripts/bench/results/mutation.json.
 *
 *   npm run test:mutation -- [--focused] [--incremental] [--areas engine,protocol,server,sdk]
 *                            [--no-ts] [--no-solidity] [--sol-budget-minutes <m>] [--reuse-solidity]
 *                            [--reuse-ts]
 *
 * --focused      the FOCUSED file list of stryker.config.mjs instead of the full one
 * --incremental  Stryker reuses scripts/mutation/incremental/<run>.json: only mutants in changed
 *                code, or covered by changed tests, run again
 * --reuse-solidity  record reports/mutation/solidity.json (e.g. after `solidity.ts --only … --merge`)
 * --reuse-ts     record the last Stryker report of each area (reports/mutation/<area>-<scope>.json)
 *                instead of running Stryker
 *                   instead of running the Solidity pass
 * Areas not run keep their previous entry in the results file; every run, `--no-ts --no-solidity`
 * included, copies the reasons in survivors.json onto the survivors listed there.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import type { SolidityResult } from "./solidity.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const RESULTS = join(ROOT, "scripts", "bench", "results", "mutation.json");
const REASONS = join(ROOT, "scripts", "mutation", "survivors.json");
const AREAS = ["engine", "protocol", "server", "sdk"] as const;
type Area = (typeof AREAS)[number];

const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(`--${name}`);
const option = (name: string) => {
  const i = argv.indexOf(`--${name}`);
  return i < 0 ? undefined : argv[i + 1];
};

/** Written reasons for survivors that stay, keyed by survivor key (see `survivorKey`). */
const reasons: Record<string, string> = existsSync(REASONS)
  ? (JSON.parse(readFileSync(REASONS, "utf8")) as Record<string, string>)
  : {};

export interface Survivor {
  key: string;
  area: Area | "contracts";
  file: string;
  line: number;
  mutator: string;
  replacement: string;
  status: string;
  reason: string;
}

interface AreaResult {
  scope: "full" | "focused";
  /** What was mutated, as configured: files, or `file:lines` for a part of one. */
  mutated: string[];
  files: string[];
  killed: number;
  timeout: number;
  survived: number;
  noCoverage: number;
  /** Mutants the TypeScript checker rejected (they cannot compile, so no test is needed). */
  compileErrors: number;
  /** Equivalent mutants marked in the source (`// Stryker disable … : reason`); not scored. */
  ignored: number;
  /** The score of each file (the same formula). */
  byFile: Record<string, number | null>;
  score: number | null;
  ranAt: string;
}

/** Stable across unrelated edits above the line: file, line text and the mutation. */
const survivorKey = (file: string, lineText: string, mutator: string, replacement: string) =>
  `${file} | ${lineText.trim()} | ${mutator} | ${replacement}`;

/** Stryker's mutation score: detected (killed, timed out) over all valid mutants, uncovered included. */
const score = (detected: number, valid: number) =>
  valid === 0 ? null : Math.round((detected / valid) * 1000) / 10;

interface StrykerReport {
  config: { mutate: string[] };
  files: Record<
    string,
    {
      source: string;
      mutants: {
        mutatorName: string;
        replacement?: string;
        status: string;
        statusReason?: string;
        location: { start: { line: number } };
      }[];
    }
  >;
}

function runStryker(
  area: Area,
  focused: boolean,
  incremental: boolean,
  reuse = false,
): { result: AreaResult; survivors: Survivor[] } {
  const scope = focused ? "focused" : "full";
  const env = {
    ...process.env,
    MUTATION_AREAS: area,
    MUTATION_SCOPE: scope,
    WELLSPRING_TEST_BACKENDS: "pglite",
    // The tap runner starts `node`: Node 22 from node_modules/.bin, as `npm run` puts it first.
    PATH: `${join(ROOT, "node_modules", ".bin")}:${process.env.PATH ?? ""}`,
  };
  const args = ["stryker", "run", "--reporters", "json,clear-text,progress-append-only"];
  if (incremental) args.push("--incremental");
  console.log(`\n=== Stryker: ${area} (${scope}${incremental ? ", incremental" : ""}) ===`);
  if (!reuse) {
    const r = spawnSync("npx", args, { cwd: ROOT, env, stdio: "inherit" });
    if (r.status !== 0) throw new Error(`stryker (${area}) exited with ${r.status}`);
  }
  const report = JSON.parse(
    readFileSync(join(ROOT, "reports", "mutation", `${area}-${scope}.json`), "utf8"),
  ) as StrykerReport;
  const counts = { Killed: 0, Timeout: 0, Survived: 0, NoCoverage: 0, CompileError: 0, Ignored: 0 };
  const survivors: Survivor[] = [];
  const byFile: Record<string, number | null> = {};
  // An incremental report also carries files of earlier runs: count only what this run mutates.
  const scopes = report.config.mutate.map((spec) => {
    const [path, lines] = spec.split(":");
    const [from, to] = (lines ?? "").split("-").map(Number);
    return { path: path!, from: from ?? 0, to: to ?? Infinity };
  });
  for (const [file, f] of Object.entries(report.files)) {
    const lines = f.source.split("\n");
    const inScope = (line: number) => scopes.some((r) => r.path === file && line >= r.from && line <= r.to);
    const mine = { detected: 0, undetected: 0 };
    for (const m of f.mutants) {
      if (!inScope(m.location.start.line)) continue;
      // Ignored by the excluded mutators (strings, regexes) is not a written equivalence.
      if (m.status === "Ignored" && m.statusReason?.startsWith("Ignored because of excluded")) continue;
      if (m.status in counts) counts[m.status as keyof typeof counts]++;
      if (m.status === "Killed" || m.status === "Timeout") mine.detected++;
      if (m.status === "Survived" || m.status === "NoCoverage") mine.undetected++;
      if (m.status !== "Survived" && m.status !== "NoCoverage") continue;
      const line = m.location.start.line;
      const replacement = (m.replacement ?? "").replace(/\s+/g, " ").slice(0, 160);
      const key = survivorKey(file, lines[line - 1] ?? "", m.mutatorName, replacement);
      survivors.push({
        key,
        area,
        file,
        line,
        mutator: m.mutatorName,
        replacement,
        status: m.status,
        reason: reasons[key] ?? "no written reason yet",
      });
    }
    if (mine.detected + mine.undetected > 0)
      byFile[file] = score(mine.detected, mine.detected + mine.undetected);
  }
  const detected = counts.Killed + counts.Timeout;
  return {
    result: {
      scope,
      mutated: report.config.mutate,
      files: Object.keys(byFile),
      killed: counts.Killed,
      timeout: counts.Timeout,
      survived: counts.Survived,
      noCoverage: counts.NoCoverage,
      compileErrors: counts.CompileError,
      ignored: counts.Ignored,
      score: score(detected, detected + counts.Survived + counts.NoCoverage),
      byFile,
      ranAt: new Date().toISOString(),
    },
    survivors,
  };
}

function runSolidity(budgetMinutes: string | undefined): {
  result: Omit<SolidityResult, "mutants">;
  survivors: Survivor[];
} {
  console.log("\n=== Solidity mutation pass ===");
  const out = join(ROOT, "reports", "mutation", "solidity.json");
  const args = ["--import", "tsx", join(ROOT, "scripts", "mutation", "solidity.ts"), "--out", out];
  if (budgetMinutes) args.push("--budget-minutes", budgetMinutes);
  const r = spawnSync(process.execPath, args, { cwd: ROOT, stdio: "inherit" });
  if (r.status !== 0) throw new Error(`solidity mutation pass exited with ${r.status}`);
  return summariseSolidity(JSON.parse(readFileSync(out, "utf8")) as SolidityResult);
}

export function summariseSolidity(full: SolidityResult): {
  result: Omit<SolidityResult, "mutants">;
  survivors: Survivor[];
} {
  const { mutants, ...result } = full;
  const survivors = mutants
    .filter((m) => m.status === "survived")
    .map((m): Survivor => {
      const key = survivorKey(m.file, m.original, m.operator, m.mutated);
      return {
        key,
        area: "contracts",
        file: m.file,
        line: m.line,
        mutator: m.operator,
        replacement: m.mutated,
        status: "Survived",
        reason: reasons[key] ?? "no written reason yet",
      };
    });
  return { result, survivors };
}

interface Results {
  engine_score: number | null;
  protocol_score: number | null;
  server_score: number | null;
  sdk_score: number | null;
  contracts_score: number | null;
  command: string;
  /** Survivors with no written reason in survivors.json: the goal is none. */
  unexplained_survivors: number;
  areas: Partial<Record<Area, AreaResult>>;
  contracts?: Omit<SolidityResult, "mutants"> & { ranAt: string };
  survivors: Survivor[];
}

export function writeResults(update: {
  areas?: Partial<Record<Area, { result: AreaResult; survivors: Survivor[] }>>;
  contracts?: { result: Omit<SolidityResult, "mutants">; survivors: Survivor[] };
}): Results {
  const previous: Partial<Results> = existsSync(RESULTS)
    ? (JSON.parse(readFileSync(RESULTS, "utf8")) as Partial<Results>)
    : {};
  const areas = { ...(previous.areas ?? {}) };
  const replaced = new Set<string>();
  for (const [area, r] of Object.entries(update.areas ?? {})) {
    areas[area as Area] = r.result;
    replaced.add(area);
  }
  if (update.contracts) replaced.add("contracts");
  const survivors = [
    ...(previous.survivors ?? []).filter((s) => !replaced.has(s.area)),
    ...Object.values(update.areas ?? {}).flatMap((r) => r.survivors),
    ...(update.contracts?.survivors ?? []),
  ].map((s) => ({ ...s, reason: reasons[s.key] ?? s.reason }));
  const contracts = update.contracts
    ? { ...update.contracts.result, ranAt: new Date().toISOString() }
    : previous.contracts;
  const results: Results = {
    engine_score: areas.engine?.score ?? null,
    protocol_score: areas.protocol?.score ?? null,
    server_score: areas.server?.score ?? null,
    sdk_score: areas.sdk?.score ?? null,
    contracts_score: contracts?.score ?? null,
    command: "npm run test:mutation (see docs/testing.md)",
    unexplained_survivors: survivors.filter((s) => !(s.key in reasons)).length,
    areas,
    ...(contracts ? { contracts } : {}),
    survivors,
  };
  writeFileSync(RESULTS, JSON.stringify(results, null, 2) + "\n");
  return results;
}

async function main(): Promise<void> {
  const areas = (option("areas")?.split(",") ?? [...AREAS]) as Area[];
  for (const a of areas)
    if (!AREAS.includes(a)) throw new Error(`--areas: unknown area "${a}" (${AREAS.join(", ")})`);
  if (!flag("no-ts")) {
    for (const area of areas) {
      writeResults({
        areas: { [area]: runStryker(area, flag("focused"), flag("incremental"), flag("reuse-ts")) },
      });
    }
  }
  if (flag("reuse-solidity")) {
    const report = join(ROOT, "reports", "mutation", "solidity.json");
    writeResults({
      contracts: summariseSolidity(JSON.parse(readFileSync(report, "utf8")) as SolidityResult),
    });
  } else if (!flag("no-solidity")) writeResults({ contracts: runSolidity(option("sol-budget-minutes")) });
  // Written reasons added since an area last ran reach its survivors here.
  const r = writeResults({});
  console.log(
    `\nengine ${r.engine_score}%  protocol ${r.protocol_score}%  server ${r.server_score}%  sdk ${r.sdk_score}%  contracts ${r.contracts_score}%` +
      `  (${r.survivors.length} survivors; ${RESULTS})`,
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
