/**
 * Evidence bundles (docs/verification.md): everything needed to recompute a share table —
 * the table, every input file, the policy document, the engine version and the options given to
 * the engine — with a manifest of their SHA-256 digests. The bundle's own hash is
 * keccak256(tableHash ‖ policyHash ‖ inputsHash), the three values a schedule commits to on-chain,
 * so a bundle is checked against a schedule with nothing else. Pure: the caller reads and writes
 * the bytes (a directory, or one ustar file: internal/tar.ts).
 */
import { createHash } from "node:crypto";
import { z } from "zod/v4";
import type { Hex32 } from "./account.ts";
import { attribute } from "./attribute.ts";
import { WellspringError } from "./errors.ts";
import { inputFile } from "./inputs/index.ts";
import type { InputFile } from "./inputs/types.ts";
import { decodeTar, encodeTar, type TarEntry } from "./internal/tar.ts";
import { bytesToHex, hexToBytes, keccak256 } from "./keccak.ts";
import { canonicalJson } from "./canonical.ts";
import { canonicalPolicy, parsePolicy, policyHash, type Policy } from "./policy.ts";
import { assertEngineCompatible, isEngineVersion } from "./version.ts";
import {
  accountIdHexAt,
  computeInputsHash,
  parseShareTable,
  serializeShareTableBytes,
  type ShareTable,
} from "./table.ts";

export { encodeTar, decodeTar, type TarEntry };

export const BUNDLE_VERSION = 1;

/** Entry names inside a bundle; each input is stored under its digest (no paths from outside). */
export const BUNDLE_FILES = {
  manifest: "manifest.json",
  table: "share-table.json",
  policy: "policy.json",
} as const;
export const bundleInputName = (sha256: string): string => `inputs/${sha256}`;

/** What a schedule commits to on-chain (the `ScheduleProposed` event's values). */
export interface Commitment {
  root: Hex32;
  totalShares: bigint;
  tableHash: Hex32;
  policyHash: Hex32;
  inputsHash: Hex32;
}

/** keccak256(tableHash ‖ policyHash ‖ inputsHash): a bundle's name, derived from the schedule. */
export function bundleHash(c: Pick<Commitment, "tableHash" | "policyHash" | "inputsHash">): Hex32 {
  const packed = new Uint8Array(96);
  packed.set(hexToBytes(c.tableHash), 0);
  packed.set(hexToBytes(c.policyHash), 32);
  packed.set(hexToBytes(c.inputsHash), 64);
  return bytesToHex(keccak256(packed));
}

const hex32 = z.string().regex(/^0x[0-9a-f]{64}$/, "expected 0x-prefixed lower-case 32-byte hex");
const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, "expected a lower-case hex SHA-256 digest");

const manifestSchema = z.strictObject({
  version: z.literal(BUNDLE_VERSION),
  bundleHash: hex32,
  engineVersion: z.string().min(1),
  root: hex32,
  totalShares: z.string().regex(/^[1-9][0-9]*$/, "expected a positive decimal string"),
  tableHash: hex32,
  policyHash: hex32,
  inputsHash: hex32,
  /** `--product` as given to the engine (absent: the inputs name the product). */
  product: z.string().min(1).optional(),
  /** In the table's order; `subject`: the component a funding manifest or git history belongs to. */
  inputs: z.array(
    z.strictObject({
      path: z.string().min(1),
      sha256: sha256Hex,
      size: z.number().int().nonnegative(),
      subject: z.string().min(1).optional(),
    }),
  ),
  /** SHA-256 of share-table.json and policy.json. */
  files: z.strictObject({ [BUNDLE_FILES.table]: sha256Hex, [BUNDLE_FILES.policy]: sha256Hex }),
});
export type BundleManifest = z.infer<typeof manifestSchema>;

const sha256 = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex");
const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

export interface CreateBundleParams {
  table: ShareTable;
  policy: Policy;
  /** The inputs the table was computed from, bytes still held (not released by the reader). */
  files: readonly InputFile[];
  product?: string | undefined;
  subjects?: ReadonlyMap<string, string> | undefined;
}

/** The bundle's entries: manifest.json, share-table.json, policy.json, inputs/<sha256>. */
export function createBundle(params: CreateBundleParams): TarEntry[] {
  const { table, policy } = params;
  const byPath = new Map(params.files.map((f) => [f.path, f]));
  const tableBytes = Buffer.concat([...serializeShareTableBytes(table)]);
  const policyBytes = encoder.encode(canonicalPolicy(policy));
  const entries = new Map<string, Uint8Array>();
  const inputs = table.inputs.map((summary) => {
    const file = byPath.get(summary.path);
    // Also catches bytes the input reader released (`releaseBytes`): they no longer hash right.
    if (file === undefined || sha256(file.bytes) !== summary.sha256)
      throw new Error(`the bytes of input ${summary.path} are not at hand for the bundle`);
    entries.set(bundleInputName(file.sha256), file.bytes);
    const subject = params.subjects?.get(file.path);
    return { path: file.path, sha256: file.sha256, size: file.bytes.length, ...(subject ? { subject } : {}) };
  });
  const manifest: BundleManifest = {
    version: BUNDLE_VERSION,
    bundleHash: bundleHash(table),
    engineVersion: table.engineVersion,
    root: table.root,
    totalShares: table.totalShares.toString(),
    tableHash: table.tableHash,
    policyHash: table.policyHash,
    inputsHash: table.inputsHash,
    ...(params.product !== undefined ? { product: params.product } : {}),
    inputs,
    files: { [BUNDLE_FILES.table]: sha256(tableBytes), [BUNDLE_FILES.policy]: sha256(policyBytes) },
  };
  return [
    { name: BUNDLE_FILES.manifest, bytes: encoder.encode(`${canonicalJson(manifest)}\n`) },
    { name: BUNDLE_FILES.table, bytes: tableBytes },
    { name: BUNDLE_FILES.policy, bytes: policyBytes },
    ...[...entries].map(([name, bytes]) => ({ name, bytes })),
  ];
}

/** One thing that differs; `field` names which of the bundle's parts or committed values. */
export interface BundleFinding {
  field:
    | "bundleHash"
    | "root"
    | "totalShares"
    | "tableHash"
    | "policyHash"
    | "inputsHash"
    | "engineVersion"
    | "file"
    | "input"
    | "table"
    | "recipients";
  message: string;
  /** The entry or input path concerned. */
  path?: string;
  /** For `recipients`: the rows that differ (up to RECIPIENTS_SHOWN), shares as decimal strings. */
  recipients?: RecipientChange[];
  /** For `recipients`: how many rows differ in all. */
  changed?: number;
}

export interface RecipientChange {
  accountId: Hex32;
  identity: string;
  /** Shares in the bundle's table ("0": not in it). */
  published: string;
  /** Shares recomputed from the inputs and policy ("0": not in it). */
  recomputed: string;
}

export interface BundleVerification {
  ok: boolean;
  bundleHash: Hex32;
  recipients: number;
  /** What was checked, in order. */
  checks: string[];
  /** Every difference found (empty when ok). */
  findings: BundleFinding[];
}

const RECIPIENTS_SHOWN = 20;

function invalid(message: string, field?: string): never {
  throw new WellspringError("BUNDLE_INVALID", message, {
    file: BUNDLE_FILES.manifest,
    ...(field === undefined ? {} : { field }),
  });
}

/** The manifest of a bundle's entries, validated (BUNDLE_INVALID naming the field otherwise). */
export function readBundleManifest(entries: ReadonlyMap<string, Uint8Array>): BundleManifest {
  const bytes = entries.get(BUNDLE_FILES.manifest);
  if (bytes === undefined) invalid("the bundle has no manifest.json");
  let document: unknown;
  try {
    document = JSON.parse(decoder.decode(bytes));
  } catch (error) {
    invalid(`not valid JSON: ${(error as Error).message}`);
  }
  const parsed = manifestSchema.safeParse(document);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    invalid(issue.message, issue.path.join(".") || "$");
  }
  return parsed.data;
}

/** Entries by name; a name twice is refused (which one would count?). */
export function bundleEntries(list: Iterable<TarEntry>): Map<string, Uint8Array> {
  const map = new Map<string, Uint8Array>();
  for (const { name, bytes } of list) {
    if (map.has(name)) throw new WellspringError("BUNDLE_INVALID", `entry ${name} appears twice`);
    map.set(name, bytes);
  }
  return map;
}

/**
 * Checks a bundle against a schedule's commitment (or, without one, against its own manifest):
 * every digest in the manifest, the bundle hash, the policy's and the inputs' hashes, the table's
 * root, total and hash; then recomputes the table from the inputs and the policy and compares it
 * byte for byte, naming the recipients that differ. Collects every finding rather than stopping at
 * the first. Throws BUNDLE_INVALID only when the manifest itself is unreadable, and ENGINE_INCOMPATIBLE
 * when it names an engine of another major version, whose tables this engine does not judge.
 */
export function verifyBundle(
  entries: ReadonlyMap<string, Uint8Array>,
  expected?: Commitment,
): BundleVerification {
  const manifest = readBundleManifest(entries);
  assertEngineCompatible(manifest.engineVersion, BUNDLE_FILES.manifest);
  const reference: Commitment = expected ?? {
    root: manifest.root as Hex32,
    totalShares: BigInt(manifest.totalShares),
    tableHash: manifest.tableHash as Hex32,
    policyHash: manifest.policyHash as Hex32,
    inputsHash: manifest.inputsHash as Hex32,
  };
  const findings: BundleFinding[] = [];
  const checks: string[] = [
    expected ? "compared with the schedule's on-chain commitment" : "compared with the bundle's own manifest",
  ];
  const find = (f: BundleFinding): void => void findings.push(f);

  const name = bundleHash(reference);
  if (manifest.bundleHash !== name)
    find({
      field: "bundleHash",
      message: `the manifest says ${manifest.bundleHash}, the commitment gives ${name}`,
    });
  checks.push("bundle hash = keccak256(tableHash ‖ policyHash ‖ inputsHash)");

  // Every entry the manifest lists is there with its digest, and nothing else is. An entry with
  // another digest is still read below: recomputing with it says which recipients it changes.
  const listed = new Set<string>([BUNDLE_FILES.manifest]);
  const present = (entry: string, digest: string, path: string, field: "file" | "input"): boolean => {
    listed.add(entry);
    const bytes = entries.get(entry);
    if (bytes === undefined) {
      find({ field, path, message: `${entry} is missing from the bundle` });
      return false;
    }
    const actual = sha256(bytes);
    if (actual !== digest) {
      find({ field, path, message: `${entry} has SHA-256 ${actual}, the manifest says ${digest}` });
    }
    return true;
  };
  const tableOk = present(BUNDLE_FILES.table, manifest.files[BUNDLE_FILES.table], BUNDLE_FILES.table, "file");
  const policyOk = present(
    BUNDLE_FILES.policy,
    manifest.files[BUNDLE_FILES.policy],
    BUNDLE_FILES.policy,
    "file",
  );
  let inputsOk = true;
  for (const input of manifest.inputs)
    inputsOk = present(bundleInputName(input.sha256), input.sha256, input.path, "input") && inputsOk;
  for (const entry of entries.keys())
    if (!listed.has(entry)) find({ field: "file", path: entry, message: `${entry} is not in the manifest` });
  checks.push(`SHA-256 of ${listed.size - 1} files against the manifest`);

  const inputsHash = computeInputsHash(manifest.inputs);
  if (inputsHash !== reference.inputsHash)
    find({
      field: "inputsHash",
      message: `the bundle's inputs hash to ${inputsHash}, the commitment is ${reference.inputsHash}`,
    });
  checks.push("inputs hash of the bundle's inputs");

  let policy: Policy | undefined;
  if (policyOk) {
    try {
      policy = parsePolicy(
        JSON.parse(decoder.decode(entries.get(BUNDLE_FILES.policy)!)),
        BUNDLE_FILES.policy,
      );
      const hash = policyHash(policy);
      if (hash !== reference.policyHash)
        find({
          field: "policyHash",
          path: BUNDLE_FILES.policy,
          message: `the bundle's policy hashes to ${hash}, the commitment is ${reference.policyHash}`,
        });
    } catch (error) {
      find({
        field: "policyHash",
        path: BUNDLE_FILES.policy,
        message: `unreadable policy: ${(error as Error).message}`,
      });
      policy = undefined;
    }
    checks.push("policy hash of policy.json");
  }

  let table: ShareTable | undefined;
  if (tableOk) {
    try {
      table = parseShareTable(decoder.decode(entries.get(BUNDLE_FILES.table)!), BUNDLE_FILES.table);
    } catch (error) {
      find({ field: "table", path: BUNDLE_FILES.table, message: (error as Error).message });
    }
  }
  if (table !== undefined) {
    for (const field of ["root", "totalShares", "tableHash", "policyHash", "inputsHash"] as const)
      if (table[field] !== reference[field])
        find({
          field,
          path: BUNDLE_FILES.table,
          message: `share-table.json has ${String(table[field])}, the commitment is ${String(reference[field])}`,
        });
    if (table.engineVersion !== manifest.engineVersion)
      find({
        field: "engineVersion",
        message: `share-table.json says ${table.engineVersion}, the manifest ${manifest.engineVersion}`,
      });
    findInputListDifferences(table, manifest, find);
    checks.push("share-table.json: root, totalShares and hashes against the commitment");
  }

  // Recompute from what the bundle holds, whatever the table says.
  if (policy !== undefined && inputsOk) {
    const files = manifest.inputs.map((i) => inputFile(i.path, entries.get(bundleInputName(i.sha256))!));
    const subjects = new Map(
      manifest.inputs.flatMap((i) => (i.subject ? [[i.path, i.subject] as const] : [])),
    );
    try {
      const again = attribute({
        files,
        policy,
        options: { readInputs: { root: manifest.product, subjects } },
      }).table;
      compareRecomputed(again, table, entries.get(BUNDLE_FILES.table), reference, find);
      checks.push("recomputed from the bundle's inputs and policy, compared byte for byte");
    } catch (error) {
      find({ field: "table", message: `recomputing the table failed: ${(error as Error).message}` });
    }
  }
  return {
    ok: findings.length === 0,
    bundleHash: name,
    recipients: table?.rows.length ?? 0,
    checks,
    findings,
  };
}

/** Inputs the table lists that the manifest does not hold (or the other way round). */
function findInputListDifferences(
  table: ShareTable,
  manifest: BundleManifest,
  find: (f: BundleFinding) => void,
): void {
  const held = new Map(manifest.inputs.map((i) => [i.path, i.sha256]));
  const listed = new Map(table.inputs.map((i) => [i.path, i.sha256]));
  for (const [path, digest] of listed) {
    const have = held.get(path);
    if (have === undefined)
      find({ field: "input", path, message: `the table lists input ${path}, the bundle does not hold it` });
    else if (have !== digest)
      find({
        field: "input",
        path,
        message: `input ${path}: the table says SHA-256 ${digest}, the bundle holds ${have}`,
      });
  }
  for (const path of held.keys())
    if (!listed.has(path))
      find({ field: "input", path, message: `the bundle holds input ${path}, the table does not list it` });
}

function compareRecomputed(
  again: ShareTable,
  published: ShareTable | undefined,
  publishedBytes: Uint8Array | undefined,
  reference: Commitment,
  find: (f: BundleFinding) => void,
): void {
  for (const field of ["root", "totalShares", "tableHash"] as const)
    if (again[field] !== reference[field])
      find({
        field,
        message: `recomputed ${String(again[field])}, the commitment is ${String(reference[field])}`,
      });
  // A table names the engine that made it. One made by this engine's major (checked above) is recomputed
  // under the version it names, or every other minor or patch would differ; another producer's still differs.
  const recomputed =
    published !== undefined && isEngineVersion(published.engineVersion)
      ? { ...again, engineVersion: published.engineVersion }
      : again;
  const bytes = Buffer.concat([...serializeShareTableBytes(recomputed)]);
  if (publishedBytes !== undefined && Buffer.compare(bytes, publishedBytes) === 0) return;
  if (published === undefined) {
    find({
      field: "table",
      message: "share-table.json is unusable; the recomputed table cannot be compared",
    });
    return;
  }
  const changes = recipientChanges(published, again);
  if (changes.length > 0)
    find({
      field: "recipients",
      message: `${changes.length} recipients differ between share-table.json and the recomputed table`,
      recipients: changes.slice(0, RECIPIENTS_SHOWN),
      changed: changes.length,
    });
  else
    find({
      field: "table",
      path: BUNDLE_FILES.table,
      message: "share-table.json differs from the recomputed table in its identities or input list",
    });
}

/** Rows whose shares differ, walking both tables in accountId order. */
function recipientChanges(published: ShareTable, again: ShareTable): RecipientChange[] {
  const a = published.rows;
  const b = again.rows;
  const out: RecipientChange[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const order =
      i >= a.length
        ? 1
        : j >= b.length
          ? -1
          : Buffer.compare(
              a.accountIds.subarray(i * 32, i * 32 + 32),
              b.accountIds.subarray(j * 32, j * 32 + 32),
            );
    if (order < 0) {
      out.push({
        accountId: accountIdHexAt(a, i),
        identity: a.identities[i]!,
        published: a.shares[i]!.toString(),
        recomputed: "0",
      });
      i++;
    } else if (order > 0) {
      out.push({
        accountId: accountIdHexAt(b, j),
        identity: b.identities[j]!,
        published: "0",
        recomputed: b.shares[j]!.toString(),
      });
      j++;
    } else {
      if (a.shares[i] !== b.shares[j])
        out.push({
          accountId: accountIdHexAt(a, i),
          identity: a.identities[i]!,
          published: a.shares[i]!.toString(),
          recomputed: b.shares[j]!.toString(),
        });
      i++;
      j++;
    }
  }
  return out;
}
