/**
 * Command dispatch and the three commands. `run` takes argv and an output stream so tests can
 * drive it in-process; `main.ts` wires it to the real process.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { z } from "zod/v4";
import {
  decodeMerkleData,
  encodeMerkleDataChunks,
  isWellspringError,
  merkleRoot,
  parsePolicy,
  parseShareTable,
  POLICY_VERSION,
  prepareAttribution,
  proofForAccount,
  shareTableTail,
  standardMerkleTreeDump,
  accountIdHexAt,
  assertEngineCompatible,
  verifyShareTable,
  createBundle,
  WellspringError,
  type AttributeResult,
  type MerkleTree,
  type Policy,
  type ShareTable,
} from "@wellspring/attribution";
import { parseJson, type InputFile } from "@wellspring/attribution/inputs";
import { collectInputs } from "./collect.ts";
import { resolveCommand, RESOLVE_HELP } from "./resolve-command.ts";
import { largestHeld } from "./held.ts";
import { OutputDir } from "./output.ts";
import { Progress } from "./progress.ts";
import { MerkleWorker, merkleTreeInBackground } from "./merkle-worker.ts";
import { writeBundle } from "./bundle-io.ts";
import { verifyUriCommand } from "./verify-uri.ts";
import { watchCommand } from "./watch.ts";

export const EXIT = { ok: 0, mismatch: 1, usage: 2, input: 3, notFound: 4, internal: 70 } as const;

export function exitCodeOf(error: unknown): number {
  if (!isWellspringError(error)) return EXIT.internal;
  if (error.code === "USAGE") return EXIT.usage;
  if (error.code === "VERIFY_MISMATCH") return EXIT.mismatch;
  if (error.code === "ACCOUNT_NOT_FOUND") return EXIT.notFound;
  return EXIT.input;
}

export interface Io {
  stdout: { write(chunk: string): unknown };
  cwd: string;
}

/** Output file names inside `--out`. */
export const FILES = {
  table: "share-table.json",
  explanation: "explanation.jsonl",
  merkle: "merkle.bin",
  merkleJson: "merkle-tree.json",
} as const;

/** Inputs of this many bytes start the Merkle worker before the engine runs (see merkle-worker.ts). */
const WARM_WORKER_BYTES = 16 << 20;

/** Tables up to this size also get an OpenZeppelin StandardMerkleTree dump (JSON with every node). */
const STANDARD_DUMP_LIMIT = 100_000;

const HELP = {
  resolve: RESOLVE_HELP,
  main: `wellspring — attribution share tables for Wellspring royalty pools

Usage:
  wellspring resolve   --input <file|dir>... --out <snapshot.json>
  wellspring attribute --input <file|dir>... [--policy <policy.json>] --out <dir>
  wellspring verify    --table <share-table.json> [--input <file|dir>... [--policy <policy.json>]] [--root 0x..]
  wellspring verify    --uri <bundle uri> [--rpc <url> --pool <address> --schedule <id>]
  wellspring verify    --rpc <url> --pool <address>
  wellspring watch     --rpc <url> --pool <address>... --state <file>
  wellspring proof     --table <share-table.json> --account <accountId|identity|address>

Run "wellspring <command> --help" for the options of a command.
Exit codes: 0 ok, 1 verification mismatch, 2 usage error, 3 bad input, 4 account not found, 70 internal error.
`,
  attribute: `wellspring attribute — compute a share table from dependency and provenance inputs

Usage: wellspring attribute --input <file|dir>... [options] --out <dir>

Options:
  --input <file|dir>     an input file or a directory to scan (repeatable). Files: package-lock.json,
                         CycloneDX (JSON, XML), SPDX (2 JSON, tag-value; 3 JSON-LD), git log output
                         (*.gitlog), a model card README.md, funding.json, FUNDING.json, package.json,
                         a resolution snapshot (from "wellspring resolve"). Directories: the known file
                         names, .git (runs git log) and node_modules (installed manifests).
  --policy <file>        weight policy (default: packages/attribution/policies/default.json)
  --out <dir>            output directory; replaced only when everything was written
  --product <key>        component key of the product, when the inputs name several or none
                         (a new key when none: it becomes the product of every top-level component)
  --source-of <key>      component a git history / funding manifest belongs to
  --no-node-modules      do not read installed node_modules manifests in directories
  --bundle <path>        also write the evidence bundle (table, inputs, policy, manifest): one file
                         when the path ends in .tar, else a directory (docs/verification.md)
  --json                 print a JSON summary (and JSON errors)
  -h, --help             this help

Writes share-table.json, explanation.jsonl, merkle.bin (and merkle-tree.json for tables of up to
100,000 recipients).
`,
  verify: `wellspring verify — check a share table, optionally by recomputing it

Usage: wellspring verify --table <share-table.json> [options]

Options:
  --table <file>         the share table to check (sums, order, hashes, Merkle root)
  --input <file|dir>     recompute the table from these inputs (repeatable) and compare byte for byte
  --policy <file>        policy for recomputation (default policy when omitted)
  --product <key>        product component key, as given to attribute
  --source-of <key>      as given to attribute
  --no-node-modules      as given to attribute
  --root <0x..>          expected Merkle root (e.g. the on-chain schedule's)
  --merkle <file>        also check this merkle.bin (default: merkle.bin next to the table, if any)
  --json                 print the result as JSON
  -h, --help             this help

Exits 0 when everything matches, 1 on any mismatch.
Published evidence bundles and on-chain schedules: "wellspring verify --uri --help".
`,
  proof: `wellspring proof — print the Merkle proof of one account

Usage: wellspring proof --table <share-table.json> --account <accountId|identity|address>

Options:
  --table <file>         the share table
  --account <value>      a 32-byte accountId, a 0x address or an identity such as github:123
  --merkle <file>        merkle.bin to read the proof from (default: next to the table, if any)
  --json                 print the proof as JSON
  -h, --help             this help
`,
} as const;

function usage(message: string): WellspringError {
  return new WellspringError("USAGE", message, { details: 'run "wellspring --help"' });
}

function parse(
  command: string,
  argv: string[],
  options: NonNullable<ParseArgsConfig["options"]>,
): { values: Record<string, unknown> } {
  try {
    const { values } = parseArgs({
      args: argv,
      options: { ...options, json: { type: "boolean" }, help: { type: "boolean", short: "h" } },
      strict: true,
      allowPositionals: false,
    });
    return { values: values as Record<string, unknown> };
  } catch (error) {
    throw usage(`${command}: ${(error as Error).message}`);
  }
}

function validate<T>(command: string, schema: z.ZodType<T>, values: unknown): T {
  const result = schema.safeParse(values);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const option =
    issue?.path[0] !== undefined
      ? `--${String(issue.path[0]).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`
      : "";
  throw usage(`${command}: ${option} ${issue?.message ?? "invalid arguments"}`.replace(/\s+/g, " "));
}

const Hex32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "expected a 0x-prefixed 32-byte hex value");

const AttributeArgs = z.object({
  input: z.array(z.string().min(1)).min(1, "is required (at least one input)"),
  policy: z.string().min(1).optional(),
  out: z.string({ error: "is required" }).min(1),
  product: z.string().min(1).optional(),
  sourceOf: z.string().min(1).optional(),
  noNodeModules: z.boolean().optional(),
  bundle: z.string().min(1).optional(),
  json: z.boolean().optional(),
});

const VerifyArgs = z.object({
  table: z.string({ error: "is required" }).min(1),
  input: z.array(z.string().min(1)).optional(),
  policy: z.string().min(1).optional(),
  product: z.string().min(1).optional(),
  sourceOf: z.string().min(1).optional(),
  noNodeModules: z.boolean().optional(),
  root: Hex32.optional(),
  merkle: z.string().min(1).optional(),
  json: z.boolean().optional(),
});

const ProofArgs = z.object({
  table: z.string({ error: "is required" }).min(1),
  account: z.string({ error: "is required" }).min(1),
  merkle: z.string().min(1).optional(),
  json: z.boolean().optional(),
});

const COMMON_INPUT_OPTIONS = {
  input: { type: "string", multiple: true },
  policy: { type: "string" },
  product: { type: "string" },
  "source-of": { type: "string" },
  "no-node-modules": { type: "boolean" },
} as const;

function camel(values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values))
    out[k.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())] = v;
  return out;
}

/** The shipped default policy file (packages/attribution/policies/default.json). */
/** Shared with resolve-command.ts. */
export { parse, validate, camel, usage, COMMON_INPUT_OPTIONS };

export function defaultPolicyPath(): string {
  const entry = fileURLToPath(import.meta.resolve("@wellspring/attribution"));
  return join(dirname(entry), "..", "policies", "default.json");
}

function readPolicy(path: string | undefined, cwd: string): Policy {
  const file = path === undefined ? defaultPolicyPath() : resolve(cwd, path);
  const shown = path ?? "default policy";
  if (path === undefined && !existsSync(file)) return parsePolicy({ version: POLICY_VERSION }, shown);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new WellspringError(
      "POLICY_INVALID",
      `cannot read the policy: ${(error as NodeJS.ErrnoException).code ?? "error"}`,
      { file: shown, cause: error },
    );
  }
  let document: unknown;
  try {
    document = parseJson({ path: shown, bytes });
  } catch (error) {
    if (error instanceof WellspringError) {
      throw new WellspringError("POLICY_INVALID", error.shortMessage, {
        file: shown,
        ...(error.line !== undefined ? { line: error.line } : {}),
        ...(error.column !== undefined ? { column: error.column } : {}),
        cause: error,
      });
    }
    throw error;
  }
  return parsePolicy(document, shown);
}

function readTable(path: string, cwd: string): { table: ShareTable; file: string } {
  const file = resolve(cwd, path);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new WellspringError(
      "TABLE_INVALID",
      `cannot read the share table: ${(error as NodeJS.ErrnoException).code ?? "error"}`,
      { file: path, cause: error },
    );
  }
  return { table: parseShareTable(text, path), file };
}

/** merkle.bin from `--merkle` or beside the table; checked against the table's root. */
function readMerkle(
  explicit: string | undefined,
  tableFile: string,
  table: ShareTable,
  cwd: string,
): MerkleTree | undefined {
  const path = explicit !== undefined ? resolve(cwd, explicit) : join(dirname(tableFile), FILES.merkle);
  if (explicit === undefined && !existsSync(path)) return undefined;
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new WellspringError(
      "TABLE_INVALID",
      `cannot read the Merkle data: ${(error as NodeJS.ErrnoException).code ?? "error"}`,
      { file: explicit ?? path, cause: error },
    );
  }
  let tree: MerkleTree;
  try {
    tree = decodeMerkleData(bytes);
  } catch (error) {
    if (error instanceof WellspringError)
      throw new WellspringError(error.code, error.shortMessage, {
        file: explicit ?? path,
        field: "merkle",
        cause: error,
      });
    throw error;
  }
  if (tree.length !== table.rows.length || merkleRoot(tree) !== table.root) {
    throw new WellspringError(
      "VERIFY_MISMATCH",
      `the Merkle data does not belong to this table (root ${merkleRoot(tree)}, table ${table.root})`,
      {
        file: explicit ?? path,
        field: "root",
      },
    );
  }
  return tree;
}

async function attributeCommand(argv: string[], io: Io): Promise<void> {
  const { values } = parse("attribute", argv, {
    ...COMMON_INPUT_OPTIONS,
    out: { type: "string" },
    bundle: { type: "string" },
  });
  if (values.help === true) {
    io.stdout.write(HELP.attribute);
    return;
  }
  const args = validate("attribute", AttributeArgs, camel(values));
  const progress = Progress.forTerminal(args.json === true);
  const policy = readPolicy(args.policy, io.cwd);
  const { files, subjects } = collectInputs(args.input, {
    cwd: io.cwd,
    sourceOf: args.sourceOf,
    nodeModules: args.noNodeModules !== true,
    progress,
  });
  // Big inputs make big tables: start the Merkle worker now, so it is ready when the rows are.
  let inputBytes = 0;
  for (const f of files) inputBytes += f.bytes.length;
  const warm = inputBytes >= WARM_WORKER_BYTES ? MerkleWorker.start() : undefined;
  try {
    await attributeFiles(args, files, subjects, policy, warm, progress, io);
  } finally {
    warm?.close();
  }
}

async function attributeFiles(
  args: z.infer<typeof AttributeArgs>,
  files: InputFile[],
  subjects: Map<string, string>,
  policy: Policy,
  warm: MerkleWorker | undefined,
  progress: Progress | undefined,
  io: Io,
): Promise<void> {
  progress?.step(`computing shares from ${files.length} inputs`);
  const pending = prepareAttribution({
    files,
    policy,
    options: {
      // A bundle holds the inputs' bytes: keep them.
      readInputs: { root: args.product, subjects, releaseBytes: args.bundle === undefined },
      // The worker hashes the payees' accountIds while the flow is solved.
      ...(warm !== undefined ? { accountIds: (ids: readonly string[]) => warm.accountIds(ids) } : {}),
    },
  });
  // The Merkle tree and the table hash are computed on a worker thread meanwhile the
  // explanation and the share table are written: all but the explanation's summary line and
  // the table's tail, which name both. Their hex has a fixed length, so the summary's place is
  // left free and filled in once they are there; the tail is appended.
  const background = merkleTreeInBackground(pending.rows, BigInt(policy.totalShares), { warm });
  progress?.step("writing output");
  const out = new OutputDir(resolve(io.cwd, args.out));
  let result: AttributeResult;
  try {
    // Each chunk is written before the next is made: the body can reuse one buffer.
    const headLength = pending.explanationSummaryLength();
    out.write(FILES.explanation, pending.explanationBody({ reuseChunks: true }), headLength);
    // share-table.json too, all but its tail (root and table hash).
    out.write(FILES.table, pending.tableHeadAndRows({ reuseChunks: true }));
    const { tree, tableHash } = await background;
    result = pending.finish(tree, tableHash);
    const head = result.explanationBytes().next().value as Uint8Array;
    if (head.length !== headLength) throw new Error("the explanation summary changed length");
    out.patch(FILES.explanation, 0, head);
    out.append(FILES.table, shareTableTail(result.table));
    out.write(FILES.merkle, encodeMerkleDataChunks(result.tree));
    const { rows } = result.table;
    if (rows.length <= STANDARD_DUMP_LIMIT) {
      const ids = Array.from({ length: rows.length }, (_, i) => accountIdHexAt(rows, i));
      out.write(FILES.merkleJson, [
        `${JSON.stringify(standardMerkleTreeDump(result.tree, ids, rows.shares))}\n`,
      ]);
    }
    if (args.bundle !== undefined)
      writeBundle(
        resolve(io.cwd, args.bundle),
        createBundle({ table: result.table, policy, files, product: args.product, subjects }),
      );
    out.commit();
  } catch (error) {
    out.discard();
    throw error;
  } finally {
    progress?.done();
  }
  const t = result.table;
  const summary = {
    out: args.out,
    recipients: t.rows.length,
    totalShares: t.totalShares.toString(),
    root: t.root,
    tableHash: t.tableHash,
    policyHash: t.policyHash,
    inputsHash: t.inputsHash,
    inputs: t.inputs.length,
    components: result.report.components,
    heldFraction: result.report.heldFraction,
    largestHeld: largestHeld(result),
    unreachable: {
      policy: result.report.unreachable.policy,
      count: result.report.unreachable.count,
      attached: result.report.unreachable.components.filter((c) => c.attached).length,
    },
    warnings: result.report.warnings.length,
  };
  if (args.json === true) io.stdout.write(`${JSON.stringify(summary)}\n`);
  else {
    io.stdout.write(
      `wrote ${join(args.out, FILES.table)}: ${summary.recipients} recipients from ${summary.components} components (${summary.inputs} inputs)\n` +
        `root       ${t.root}\ntableHash  ${t.tableHash}\npolicyHash ${t.policyHash}\ninputsHash ${t.inputsHash}\n` +
        `held       ${(100 * summary.heldFraction).toFixed(2)} % (waits in the pool until someone binds the component)\n` +
        summary.largestHeld
          .map((h) => `  ${(100 * h.fraction).toFixed(2).padStart(6)} %  ${h.component}: ${h.why}\n`)
          .join(""),
    );
  }
  if (args.json !== true) io.stdout.write(completenessText(result.report));
}

/** Lines listed per kind of notice before "… and N more"; the explanation has them all. */
const NOTICES_SHOWN = 10;

/** Unreachable components and input warnings, so nothing is dropped or merged silently. */
function completenessText(report: AttributeResult["report"]): string {
  const { unreachable, warnings } = report;
  let text = "";
  if (unreachable.count > 0) {
    text +=
      unreachable.policy === "direct"
        ? `unreachable: ${unreachable.count} components no dependency reaches; policy "direct": treated as direct dependencies of the product\n`
        : `unreachable: ${unreachable.count} components no dependency reaches; policy "ignore": they receive nothing\n`;
    for (const c of unreachable.components.slice(0, NOTICES_SHOWN))
      text += `  ${c.component} (${c.reason}${c.attached ? ", attached to the product" : ""})\n`;
    if (unreachable.count > NOTICES_SHOWN)
      text += `  … and ${unreachable.count - NOTICES_SHOWN} more (see ${FILES.explanation})\n`;
  }
  for (const w of warnings.slice(0, NOTICES_SHOWN)) text += `warning: ${w}\n`;
  if (warnings.length > NOTICES_SHOWN)
    text += `warning: … and ${warnings.length - NOTICES_SHOWN} more (see ${FILES.explanation})\n`;
  return text;
}

function verifyCommand(argv: string[], io: Io): void {
  const { values } = parse("verify", argv, {
    ...COMMON_INPUT_OPTIONS,
    table: { type: "string" },
    root: { type: "string" },
    merkle: { type: "string" },
  });
  if (values.help === true) {
    io.stdout.write(HELP.verify);
    return;
  }
  const args = validate("verify", VerifyArgs, camel(values));
  if (args.policy !== undefined && args.input === undefined)
    throw usage("verify: --policy needs --input (the inputs to recompute from)");
  const { table, file } = readTable(args.table, io.cwd);
  assertEngineCompatible(table.engineVersion, args.table);
  const checks: string[] = [];
  const tree = readMerkle(args.merkle, file, table, io.cwd);
  if (tree !== undefined) checks.push("merkle.bin matches the table's root");
  let recompute = {};
  if (args.input !== undefined) {
    const policy = readPolicy(args.policy, io.cwd);
    const { files, subjects } = collectInputs(args.input, {
      cwd: io.cwd,
      sourceOf: args.sourceOf,
      nodeModules: args.noNodeModules !== true,
      progress: Progress.forTerminal(args.json === true),
    });
    recompute = {
      files,
      policy,
      options: { readInputs: { root: args.product, subjects, releaseBytes: true } },
    };
  }
  const result = verifyShareTable({
    table,
    ...recompute,
    ...(args.root !== undefined ? { root: args.root } : {}),
  });
  checks.unshift(...result.checks);
  if (args.json === true)
    io.stdout.write(
      `${JSON.stringify({ ok: true, root: result.root, recipients: result.recipients, checks })}\n`,
    );
  else
    io.stdout.write(
      `OK ${args.table}: ${result.recipients} recipients, root ${result.root}\n${checks.map((c) => `  ✓ ${c}`).join("\n")}\n`,
    );
}

function proofCommand(argv: string[], io: Io): void {
  const { values } = parse("proof", argv, {
    table: { type: "string" },
    account: { type: "string" },
    merkle: { type: "string" },
  });
  if (values.help === true) {
    io.stdout.write(HELP.proof);
    return;
  }
  const args = validate("proof", ProofArgs, camel(values));
  const { table, file } = readTable(args.table, io.cwd);
  const tree = readMerkle(args.merkle, file, table, io.cwd);
  const proof = proofForAccount(table, args.account.trim(), tree);
  const out = {
    accountId: proof.accountId,
    identity: proof.identity,
    shares: proof.shares.toString(),
    totalShares: table.totalShares.toString(),
    root: proof.root,
    proof: proof.proof,
  };
  if (args.json === true) io.stdout.write(`${JSON.stringify(out)}\n`);
  else {
    io.stdout.write(
      `account    ${out.accountId}\nidentity   ${out.identity}\nshares     ${out.shares} of ${out.totalShares}\nroot       ${out.root}\nproof (${out.proof.length}):\n${out.proof.map((p) => `  ${p}`).join("\n")}\n`,
    );
  }
}

export async function run(argv: string[], io: Io): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case "resolve":
      return resolveCommand(rest, io);
    case "attribute":
      return attributeCommand(rest, io);
    case "verify":
      // --uri / --rpc check published bundles against a pool (verify-uri.ts).
      return rest.some((a) => /^--(uri|rpc)(=|$)/.test(a))
        ? verifyUriCommand(rest, io)
        : verifyCommand(rest, io);
    case "watch":
      return watchCommand(rest, io);
    case "proof":
      return proofCommand(rest, io);
    case undefined:
    case "help":
    case "--help":
    case "-h":
      io.stdout.write(HELP.main);
      return;
    default:
      throw usage(`unknown command "${command}"`);
  }
}
