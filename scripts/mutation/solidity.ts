/**
 * Solidity mutation pass: applies one mutant at a time to a contract under contracts/ (TARGETS: the
 * pool, its payout book, the identity registry), rebuilds the contracts only (`hardhat compile
 * --no-tests --build-profile mutation`), runs that contract's mocha tests with `--no-compile --bail`,
 * and records whether they killed it. The source files, artifacts/ and cache/ are restored after
 * every run and on exit (also after a crash: see `recoverInterrupted`).
 *
 *   node --import tsx scripts/mutation/solidity.ts [--list] [--target <file>] [--only <id,...>]
 *        [--functions <f,...>] [--limit <n>] [--budget-minutes <m>] [--out <file>] [--merge]
 *
 * Operators (see OPERATORS): boundary (`<`↔`<=`, `>`↔`>=`), negate (`==`↔`!=`), arithmetic (`+`↔`-`),
 * accumulate (`+=`→`=`), drop-addend (`x = a + b` → `x = b`), logic (`||`↔`&&`), drop-revert (an `if (…) revert` condition → `false`),
 * rounding (`(a * b) / c` → rounding up), clock (`block.timestamp` → one second later),
 * drop-write (delete a storage write), yul-compare (`gt(`↔`lt(`).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const BACKUP = join(ROOT, ".mutation-backup");

/** The pool's functions on the money path (claims, deposits, time rules, sweeps). */
export const MONEY_FUNCTIONS = [
  "sync",
  "proposeSchedule",
  "revokeSchedule",
  "claim",
  "claimOneLeaf",
  "claimable",
  "potOf",
  "isSwept",
  "sweep",
  "_depositToken",
  "_depositETH",
  "_credit",
  "_provenLeafSchedule",
  "_claimOne",
  "_entitled",
  "_payOut",
  "_processProof",
  "_outstanding",
  "_remainder",
  "_current",
  "_pending",
  "_leaf",
];
/** The registry's functions that bind, rebind, pay to or check a signature, and its timed role grants. */
export const REGISTRY_FUNCTIONS = [
  "payeeOf",
  "bindingOf",
  "hashAttestation",
  "submitAttestation",
  "cancelRebind",
  "cancelBinding",
  "finalizeRebind",
  "setPayee",
  "unbind",
  "grantRole",
  "applyAttestorGrant",
  "cancelAttestorGrant",
  "setRebindDelay",
  "_setRebindDelay",
  "_onlyPayee",
  "_clearPending",
  "_verifyAttestation",
];

export interface Target {
  file: string;
  functions: readonly string[];
  /** The mocha tests that must kill its mutants. */
  tests: string[];
  /** Tests left out by title (`--grep-exclude`): slow ones that add nothing to the kill. */
  exclude?: string;
}

export const TARGETS: Target[] = [
  {
    file: "contracts/RoyaltyPool.sol",
    functions: MONEY_FUNCTIONS,
    tests: ["test/contracts/RoyaltyPool.test.ts"],
    exclude: "1,000,000-leaf",
  },
  // The claim's batched payouts (memory-only library code, reached through the pool's claims).
  {
    file: "contracts/libraries/PayoutBook.sol",
    functions: ["add", "at", "length"],
    tests: ["test/contracts/RoyaltyPool.test.ts"],
    exclude: "1,000,000-leaf",
  },
  {
    file: "contracts/IdentityRegistry.sol",
    functions: REGISTRY_FUNCTIONS,
    tests: ["test/contracts/IdentityRegistry.test.ts"],
  },
];
const COMPILE_TIMEOUT_MS = 10 * 60_000;
const TEST_TIMEOUT_MS = 10 * 60_000;

export interface Operator {
  id: string;
  description: string;
  /** Every single-site rewrite of one code line (comments already removed). */
  apply(code: string, next: string): string[];
}

/** All rewrites of `code` replacing one match of `pattern` (global regexp) by `replace(match)`. */
function eachMatch(code: string, pattern: RegExp, replace: (match: string) => string): string[] {
  const out: string[] = [];
  for (const m of code.matchAll(pattern)) {
    const at = m.index;
    out.push(code.slice(0, at) + replace(m[0]) + code.slice(at + m[0].length));
  }
  return out;
}

const swap =
  (pairs: Record<string, string>) =>
  (match: string): string =>
    pairs[match] ?? match;

export const OPERATORS: Operator[] = [
  {
    id: "boundary",
    description: "`<`↔`<=`, `>`↔`>=`: an off-by-one at a limit or an instant",
    apply: (code) =>
      eachMatch(
        code,
        /(?<![<>=])(<=|>=|<|>)(?![<>=])/g,
        swap({ "<": "<=", "<=": "<", ">": ">=", ">=": ">" }),
      ),
  },
  {
    id: "negate",
    description: "`==`↔`!=`: a check that means the opposite",
    apply: (code) => eachMatch(code, /==|!=/g, swap({ "==": "!=", "!=": "==" })),
  },
  {
    id: "arithmetic",
    description: "`+`↔`-` (binary): a sum that subtracts or a difference that adds",
    apply: (code) => eachMatch(code, / [+-] /g, swap({ " + ": " - ", " - ": " + " })),
  },
  {
    id: "accumulate",
    description: "`+=`→`=`: a running total overwritten instead of added to",
    apply: (code) => eachMatch(code, /\+=/g, () => "="),
  },
  {
    id: "drop-addend",
    description: "`x = a + b` → `x = b`: a total overwritten by the last amount instead of added to",
    apply: (code) => {
      const m = /^(.*\w = )([\w.()]+) \+ (\w+);\s*$/.exec(code);
      return m ? [`${m[1]}${m[3]};`] : [];
    },
  },
  {
    id: "logic",
    description: "`||`↔`&&`: one condition where all were needed, or the reverse",
    apply: (code) => eachMatch(code, /\|\||&&/g, swap({ "||": "&&", "&&": "||" })),
  },
  {
    id: "drop-revert",
    description: "an `if (…) revert …` condition replaced by `false`: the check is gone",
    apply: (code, next) => {
      const m = /^(\s*if \()(.*)(\)\s*(?:revert\b.*|\{)?\s*)$/.exec(code);
      if (!m || !(/\brevert\b/.test(m[3]!) || /^\s*revert\b/.test(next))) return [];
      return [`${m[1]}false${m[3]}`];
    },
  },
  {
    id: "rounding",
    description: "`(a * b) / c` → rounding up (`(a * b + c - 1) / c`): a part paid larger than its share",
    apply: (code) =>
      eachMatch(code, /\((\w+) \* (\w+)\) \/ (\w+)/g, (division) => {
        const [, a, b, c] = /\((\w+) \* (\w+)\) \/ (\w+)/.exec(division)!;
        return `(${a} * ${b} + ${c} - 1) / ${c}`;
      }),
  },
  {
    id: "clock",
    description: "`block.timestamp` → one second later: a time rule that fires a second early",
    apply: (code) => eachMatch(code, /block\.timestamp/g, () => "(block.timestamp + 1)"),
  },
  {
    id: "drop-write",
    description: "a storage write deleted: state that is never recorded",
    apply: (code) =>
      /^\s*(_\w+(\[[^\]]*\])*(\.\w+)?|pot\.\w+|h\.\w+) = [^=].*;\s*$/.test(code) &&
      !/^\s*uint|bytes|address/.test(code)
        ? [code.replace(/^(\s*)(.*)$/, "$1// $2")]
        : [],
  },
  {
    id: "yul-compare",
    description: "Yul `gt(`↔`lt(`: the proof's sorted pair hashed in the wrong order",
    apply: (code) => eachMatch(code, /\b(gt|lt)\(/g, swap({ "gt(": "lt(", "lt(": "gt(" })),
  },
];

export interface Mutant {
  id: string;
  file: string;
  line: number;
  fn: string;
  operator: string;
  original: string;
  mutated: string;
}

/** Code of a line without its `//` comment (the contracts have no `//` inside strings). */
const stripComment = (line: string) => line.replace(/\/\/.*$/, "");

/** The function each line belongs to (brace depth from each `function` header), or "" outside one. */
function functionOfLines(lines: string[]): string[] {
  const owner: string[] = [];
  let current = "";
  let depth = 0;
  let pending = "";
  for (const raw of lines) {
    const code = stripComment(raw);
    const header = /\bfunction\s+(\w+)\s*\(/.exec(code);
    if (header && depth <= 1) pending = header[1]!;
    if (pending && !current && code.includes("{")) {
      current = pending;
      pending = "";
      depth = 1;
      owner.push(current);
      depth += (code.match(/\{/g)?.length ?? 0) - 1 - (code.match(/\}/g)?.length ?? 0);
      if (depth <= 0) current = "";
      continue;
    }
    if (pending && code.includes(";") && !current) pending = ""; // an interface declaration
    owner.push(current);
    if (current) {
      depth += (code.match(/\{/g)?.length ?? 0) - (code.match(/\}/g)?.length ?? 0);
      if (depth <= 0) {
        current = "";
        depth = 0;
      }
    }
  }
  return owner;
}

/** Every mutant of `file` inside `functions`, in source order, with stable ids. */
export function enumerateMutants(file: string, functions: readonly string[]): Mutant[] {
  const lines = readFileSync(join(ROOT, file), "utf8").split("\n");
  const owners = functionOfLines(lines);
  const mutants: Mutant[] = [];
  lines.forEach((raw, i) => {
    const fn = owners[i] ?? "";
    if (!functions.includes(fn)) return;
    const code = stripComment(raw);
    if (!code.trim() || /^\s*(function|emit|event|error)\b/.test(code)) return;
    const next = stripComment(lines[i + 1] ?? "");
    for (const op of OPERATORS) {
      op.apply(code, next).forEach((mutated, k) => {
        mutants.push({
          id: `${file.replace(/^contracts\/(libraries\/)?/, "")}:${i + 1}:${op.id}:${k}`,
          file,
          line: i + 1,
          fn,
          operator: op.id,
          original: raw.trim(),
          mutated: mutated.trim(),
        });
      });
    }
  });
  return mutants;
}

function replaceLine(source: string, line: number, text: string): string {
  const lines = source.split("\n");
  lines[line - 1] = text;
  return lines.join("\n");
}

type Status = "killed" | "survived" | "timeout" | "compile-error";

/** The command running now, so that Ctrl-C can stop it before restoring. */
let current: ChildProcess | undefined;

function run(
  cmd: string[],
  timeoutMs: number,
): Promise<{ status: number | null; timedOut: boolean; output: string }> {
  return new Promise((resolve) => {
    const child = spawn("npx", cmd, { cwd: ROOT });
    current = child;
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("close", (status) => {
      clearTimeout(timer);
      current = undefined;
      resolve({ status, timedOut, output });
    });
  });
}

/** Puts back what an interrupted earlier run left mutated (source, artifacts, cache). */
function recoverInterrupted(): void {
  if (!existsSync(BACKUP)) return;
  console.log(`restoring from ${relative(ROOT, BACKUP)} (an earlier run was interrupted)`);
  restore();
}

function backup(files: string[]): void {
  rmSync(BACKUP, { recursive: true, force: true });
  for (const file of files) cpSync(join(ROOT, file), join(BACKUP, "source", file));
  for (const dir of ["artifacts", "cache"]) cpSync(join(ROOT, dir), join(BACKUP, dir), { recursive: true });
  writeFileSync(join(BACKUP, "files"), files.join("\n"));
}

function restore(): void {
  for (const file of readFileSync(join(BACKUP, "files"), "utf8").split("\n"))
    cpSync(join(BACKUP, "source", file), join(ROOT, file));
  for (const dir of ["artifacts", "cache"]) {
    rmSync(join(ROOT, dir), { recursive: true, force: true });
    renameSync(join(BACKUP, dir), join(ROOT, dir));
  }
  rmSync(BACKUP, { recursive: true, force: true });
}

async function testMutant(
  m: Mutant,
  target: Target,
  original: string,
): Promise<{ status: Status; detail: string }> {
  writeFileSync(
    join(ROOT, m.file),
    replaceLine(original, m.line, original.split("\n")[m.line - 1]!.replace(m.original, m.mutated)),
  );
  try {
    const build = await run(
      [
        "hardhat",
        "compile",
        "--no-tests",
        "--quiet",
        "--build-profile",
        "mutation",
        // The factory deploys the pool; a library is compiled into the contracts that use it.
        ...new Set([
          m.file.includes("/libraries/") ? "contracts/RoyaltyPool.sol" : m.file,
          "contracts/PoolFactory.sol",
        ]),
      ],
      COMPILE_TIMEOUT_MS,
    );
    if (build.status !== 0) return { status: "compile-error", detail: lastLines(build.output, 3) };
    const test = await run(
      [
        "hardhat",
        "test",
        "mocha",
        "--no-compile",
        "--bail",
        ...(target.exclude !== undefined ? ["--grep-exclude", target.exclude] : []),
        ...target.tests,
      ],
      TEST_TIMEOUT_MS,
    );
    if (test.timedOut) return { status: "timeout", detail: "tests timed out" };
    if (test.status === 0) return { status: "survived", detail: "" };
    const failed = /\n\s+1\) [^\n]*\n\s+([^\n]+)\n\s+([^\n]+):/.exec(test.output);
    return {
      status: "killed",
      detail: failed ? `${failed[1]!.trim()} › ${failed[2]!.trim()}` : lastLines(test.output, 2),
    };
  } finally {
    writeFileSync(join(ROOT, m.file), original);
  }
}

const lastLines = (text: string, n: number) => text.trim().split("\n").slice(-n).join(" | ");

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : process.argv[i + 1];
}

export interface SolidityResult {
  tool: string;
  targets: { file: string; functions: readonly string[]; tests: string[] }[];
  operators: { id: string; description: string }[];
  enumerated: number;
  tested: number;
  subset: boolean;
  killed: number;
  survived: number;
  timeout: number;
  compileErrors: number;
  score: number | null;
  mutants: (Mutant & { status: Status; detail: string })[];
}

async function main(): Promise<void> {
  const named = arg("target");
  const targets = TARGETS.filter((t) => named === undefined || t.file === named).map((t) => ({
    ...t,
    functions: arg("functions")?.split(",") ?? t.functions,
  }));
  if (targets.length === 0) throw new Error(`--target: not one of ${TARGETS.map((t) => t.file).join(", ")}`);
  if (arg("functions") !== undefined && named === undefined) throw new Error("--functions needs --target");
  const all = targets.flatMap((t) => enumerateMutants(t.file, t.functions));
  const targetOf = (m: Mutant) => targets.find((t) => t.file === m.file)!;
  if (process.argv.includes("--list")) {
    for (const m of all) console.log(`${m.id}\t${m.fn}\t${m.mutated}`);
    console.log(`${all.length} mutants`);
    return;
  }
  const only = arg("only")?.split(",");
  const limit = Number(arg("limit") ?? Infinity);
  const deadline = Date.now() + Number(arg("budget-minutes") ?? Infinity) * 60_000;
  // The operators behind the bugs issue 19 planted first, so a time-bounded run covers them.
  const first = (m: Mutant) =>
    ["clock", "rounding", "drop-addend", "boundary"].includes(m.operator) ? 0 : 1;
  const chosen = all
    .filter((m) => !only || only.includes(m.id))
    .sort((a, b) => first(a) - first(b))
    .slice(0, limit);
  const out = arg("out") ?? join(ROOT, "reports", "mutation", "solidity.json");

  recoverInterrupted();
  const originals = new Map(targets.map((t) => [t.file, readFileSync(join(ROOT, t.file), "utf8")]));
  backup(targets.map((t) => t.file));
  const onSignal = () => {
    current?.kill("SIGKILL");
    restore();
    process.exit(130);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  // --merge: rerun some mutants (e.g. survivors after a new test) and keep the other results of `out`.
  const kept: SolidityResult["mutants"] =
    process.argv.includes("--merge") && existsSync(out)
      ? (JSON.parse(readFileSync(out, "utf8")) as SolidityResult).mutants.filter(
          (m) => !chosen.some((c) => c.id === m.id),
        )
      : [];
  const results: SolidityResult["mutants"] = [...kept];
  try {
    for (const [i, m] of chosen.entries()) {
      if (Date.now() > deadline) {
        console.log(`time budget spent: ${chosen.length - i} mutants not run`);
        break;
      }
      const r = await testMutant(m, targetOf(m), originals.get(m.file)!);
      results.push({ ...m, ...r });
      console.log(`[${i + 1}/${chosen.length}] ${r.status.padEnd(13)} ${m.id}  ${m.mutated}`);
      results.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.id.localeCompare(b.id));
      writeResult(out, targets, all.length, results.length < all.length, results);
    }
  } finally {
    restore();
  }
  const summary = writeResult(out, targets, all.length, results.length < all.length, results);
  console.log(
    `contracts score ${summary.score}% (${summary.killed + summary.timeout}/${summary.tested - summary.compileErrors})`,
  );
}

function writeResult(
  out: string,
  targets: Target[],
  enumerated: number,
  subset: boolean,
  mutants: SolidityResult["mutants"],
): SolidityResult {
  const count = (s: Status) => mutants.filter((m) => m.status === s).length;
  const valid = mutants.length - count("compile-error");
  const detected = count("killed") + count("timeout");
  const result: SolidityResult = {
    tool: "scripts/mutation/solidity.ts",
    targets: targets.map(({ file, functions, tests }) => ({ file, functions, tests })),
    operators: OPERATORS.map(({ id, description }) => ({ id, description })),
    enumerated,
    tested: mutants.length,
    subset,
    killed: count("killed"),
    survived: count("survived"),
    timeout: count("timeout"),
    compileErrors: count("compile-error"),
    score: valid === 0 ? null : Math.round((detected / valid) * 1000) / 10,
    mutants,
  };
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(result, null, 2) + "\n");
  return result;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
