/**
 * Regenerates `packages/attribution/test/fixtures/corpus/corpus-status.md`: what
 * `wellspring attribute` does with each document of the conformance corpus (accepted, refused
 * with which error, or accepted with components left unreachable or missing from the graph).
 * Run it again whenever the input readers change; the table has no timestamps, so its diff is
 * the change.
 *
 *   npx tsx scripts/corpus-status.ts            # writes corpus-status.md
 *   npx tsx scripts/corpus-status.ts --stdout   # prints it instead
 *
 * Each document is run through the real CLI (a child process, default policy, no --product),
 * exactly as a user would. For accepted documents the engine's report (the summary line of
 * explanation.jsonl) gives the graph's component and reachable counts; the document's own
 * count of declared components comes from `scripts/lib/sbom-census.ts`, and the input readers
 * are run once more in-process to name a few of the unreachable components.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { ENGINE_VERSION } from "@wellspring/attribution";
import { type GraphSink, inputFile, readInputs } from "@wellspring/attribution/inputs";

import { census } from "./lib/sbom-census.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const CORPUS = "packages/attribution/test/fixtures/corpus";
const POLICY = "packages/attribution/policies/default.json";
const CLI = path.join(ROOT, "packages/cli/bin/wellspring.js");
const STATUS_FILE = path.join(ROOT, CORPUS, "corpus-status.md");
/** Files in the corpus folders that are not documents. */
const NOT_A_DOCUMENT = /^(README\.md|corpus-status\.md|manifest\.json|LICENSE(\..*)?|NOTICE(\..*)?)$/;
/** Two CLI runs at a time (the machine has two cores). */
const PARALLEL = 2;
const UNREACHABLE_EXAMPLES = 3;
const MESSAGE_CHARS = 300;
const WARNING_CHARS = 160;
const MANIFEST = path.join(ROOT, CORPUS, "manifest.json");
/** The corpus manifest's products for documents that name none (see the corpus README). */
const manifestRoots = new Map<string, string>(
  Object.entries(JSON.parse(readFileSync(MANIFEST, "utf8")) as Record<string, { root?: string }>).flatMap(
    ([doc, e]) => (e.root === undefined ? [] : [[`${CORPUS}/${doc}`, e.root] as const]),
  ),
);

interface Refused {
  status: "refused";
  code: string;
  message: string;
  field?: string;
  line?: number;
  column?: number;
}

interface Accepted {
  status: "accepted";
  product: string;
  components: number;
  reachable: number;
  recipients: number;
  unreachableExamples: string[];
  warningCount: number;
  firstWarning?: string;
}

type Row = { file: string; format: string; declared: number } & (Refused | Accepted) & {
    /** A document naming no product, run again with the product the corpus manifest names. */
    withProduct?: { product: string; row: Row };
  };

function documents(dir: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(path.join(ROOT, dir)).sort()) {
    const rel = `${dir}/${name}`;
    if (statSync(path.join(ROOT, rel)).isDirectory()) found.push(...documents(rel));
    else if (dir !== CORPUS && !NOT_A_DOCUMENT.test(name)) found.push(rel);
  }
  return found;
}

function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { cwd: ROOT, maxBuffer: 64 << 20 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : 70;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

async function status(file: string): Promise<Row> {
  const row = await statusWith(file, undefined);
  const product = manifestRoots.get(file);
  if (row.status === "refused" && row.code === "INPUT_NO_ROOT" && product !== undefined)
    row.withProduct = { product, row: await statusWith(file, product) };
  return row;
}

async function statusWith(file: string, product: string | undefined): Promise<Row> {
  const { format, declared } = census(readFileSync(path.join(ROOT, file)));
  const out = mkdtempSync(path.join(tmpdir(), "corpus-status-"));
  try {
    const run = await runCli([
      "attribute",
      "--input",
      file,
      "--policy",
      POLICY,
      "--out",
      `${out}/out`,
      "--json",
      ...(product === undefined ? [] : ["--product", product]),
    ]);
    if (run.code !== 0) return { file, format, declared, ...refusal(run.code, run.stderr) };
    const summary = JSON.parse(readFileSync(`${out}/out/explanation.jsonl`, "utf8").split("\n", 1)[0]!) as {
      product: string;
      report: {
        components: number;
        reachable: number;
        recipients: number;
        warnings: string[];
        warningCount: number;
      };
    };
    const { components, reachable, recipients, warnings, warningCount } = summary.report;
    const unreachableExamples = reachable < components ? unreachableKeys(file, product) : [];
    return {
      file,
      format,
      declared,
      status: "accepted",
      product: summary.product,
      components,
      reachable,
      recipients,
      unreachableExamples,
      warningCount,
      ...(warnings[0] === undefined ? {} : { firstWarning: warnings[0] }),
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

function refusal(exitCode: number, stderr: string): Refused {
  const line = stderr.trim().split("\n").at(-1) ?? "";
  try {
    const { error } = JSON.parse(line) as { error: Omit<Refused, "status"> };
    return { status: "refused", ...error };
  } catch {
    return { status: "refused", code: `exit ${exitCode}`, message: stderr.trim().slice(0, 300) };
  }
}

/** A few components the readers declare that no edge path from the root reaches (sorted). */
function unreachableKeys(file: string, product: string | undefined): string[] {
  const declared = new Set<string>();
  const edges = new Map<string, string[]>();
  let root: string | undefined;
  const sink: GraphSink = {
    component: (key) => void declared.add(key),
    edge: (from, to) => void (edges.get(from) ?? edges.set(from, []).get(from)!).push(to),
    contributor: () => {},
    root: (key) => void (root = key),
  };
  readInputs(
    [inputFile(file, readFileSync(path.join(ROOT, file)))],
    sink,
    product === undefined ? {} : { root: product },
  );
  const reached = new Set<string>(root === undefined ? [] : [root]);
  const queue = [...reached];
  for (let key = queue.pop(); key !== undefined; key = queue.pop()) {
    for (const next of edges.get(key) ?? []) {
      if (reached.has(next)) continue;
      reached.add(next);
      queue.push(next);
    }
  }
  return [...declared]
    .filter((k) => !reached.has(k))
    .sort()
    .slice(0, UNREACHABLE_EXAMPLES);
}

async function pool<T, R>(items: readonly T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  return results;
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

function verdict(row: Row): string {
  if (row.status === "refused") {
    const where = [
      row.field !== undefined ? `field ${row.field}` : "",
      row.line !== undefined ? `line ${row.line}, column ${row.column}` : "",
    ]
      .filter((s) => s !== "")
      .join(", ");
    // An internal error's message is a stack trace: its first line says enough here.
    const message = row.message.split("\n", 1)[0]!.slice(0, MESSAGE_CHARS);
    const refused = `**refused** \`${row.code}\`${where !== "" ? ` (${where})` : ""}: ${message}`;
    if (row.withProduct === undefined) return refused;
    return `${refused}; with \`--product ${row.withProduct.product}\` (corpus manifest): ${verdict(row.withProduct.row)}`;
  }
  const notes: string[] = [];
  const unreachable = row.components - row.reachable;
  if (unreachable > 0)
    notes.push(
      `${unreachable} unreachable (e.g. ${row.unreachableExamples.map((k) => `\`${k}\``).join(", ")})`,
    );
  if (row.declared > row.components)
    notes.push(`${row.declared - row.components} declared entries not in the graph (merged or dropped)`);
  if (row.firstWarning !== undefined) {
    const first = row.firstWarning.slice(row.firstWarning.indexOf(": ") + 2);
    notes.push(
      `${row.warningCount} warning(s), e.g. "${first.length > WARNING_CHARS ? `${first.slice(0, WARNING_CHARS)}…` : first}"`,
    );
  }
  return [`accepted (product \`${row.product}\`)`, ...notes].join("; ");
}

function render(rows: Row[]): string {
  const accepted = rows.filter((r) => r.status === "accepted");
  const complete = accepted.filter((r) => r.reachable === r.components && r.declared <= r.components);
  const codes = new Map<string, number>();
  for (const r of rows) if (r.status === "refused") codes.set(r.code, (codes.get(r.code) ?? 0) + 1);
  const lines = [
    "# Conformance corpus: what the engine does with each document",
    "",
    "Generated by `npx tsx scripts/corpus-status.ts` (do not edit by hand). Each document is run through",
    `\`wellspring attribute --input <file> --policy ${POLICY} --out <tmp> --json\``,
    `(no \`--product\`; a document refused for naming no product is run again with the product`,
    `[manifest.json](manifest.json) names), engine \`${ENGINE_VERSION}\`. Sources and licences: [README.md](README.md).`,
    "",
    "- **declared**: components the document declares, counted by `scripts/lib/sbom-census.ts` without the",
    "  engine (CycloneDX: `metadata.component`, `components[]`, `services[]`, nested included; SPDX 2: packages;",
    "  SPDX 3: package elements).",
    "- **graph / reachable**: the engine's report (`explanation.jsonl` summary): components in the graph and",
    "  those reached through dependencies. The rest follow the policy's `unreachable` rule (default `direct`:",
    "  paid as direct dependencies of the product); examples are named by the readers' keys.",
    "",
    `Summary: ${rows.length} documents; ${accepted.length} accepted (${complete.length} with every declared component in the graph and reachable); ${rows.length - accepted.length} refused` +
      (codes.size > 0
        ? ` (${[...codes]
            .sort()
            .map(([c, n]) => `${c} ×${n}`)
            .join(", ")})`
        : "") +
      ".",
    "",
    "| document | format (by content) | declared | graph | reachable | recipients | result |",
    "| --- | --- | ---: | ---: | ---: | ---: | --- |",
  ];
  for (const r of rows) {
    const file = r.file.slice(CORPUS.length + 1);
    const numbers = r.status === "accepted" ? [r.components, r.reachable, r.recipients] : ["–", "–", "–"];
    lines.push(
      `| \`${file}\` | ${r.format} | ${r.declared} | ${numbers.join(" | ")} | ${cell(verdict(r))} |`,
    );
  }
  return `${lines.join("\n")}\n`;
}

const files = documents(CORPUS);
const rows = await pool(files, PARALLEL, status);
const text = render(rows);
if (process.argv.includes("--stdout")) process.stdout.write(text);
else {
  writeFileSync(STATUS_FILE, text);
  process.stdout.write(`wrote ${path.relative(ROOT, STATUS_FILE)}: ${rows.length} documents\n`);
}
