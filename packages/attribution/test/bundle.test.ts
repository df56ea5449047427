import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { attribute } from "../src/attribute.ts";
import {
  BUNDLE_FILES,
  bundleEntries,
  bundleHash,
  bundleInputName,
  createBundle,
  decodeTar,
  encodeTar,
  readBundleManifest,
  verifyBundle,
  type Commitment,
} from "../src/bundle.ts";
import { isWellspringError } from "../src/errors.ts";
import { inputFile } from "../src/inputs/index.ts";
import { bytesToHex, keccak256 } from "../src/keccak.ts";
import { parsePolicy } from "../src/policy.ts";
import { serializeShareTableToString } from "../src/table.ts";

const lock = (libVersion: string) =>
  JSON.stringify({
    name: "app",
    version: "1.0.0",
    lockfileVersion: 3,
    packages: {
      "": { name: "app", version: "1.0.0", dependencies: { lib: "^1", other: "^2" } },
      "node_modules/lib": {
        version: libVersion,
        license: "MIT",
        funding: "https://github.com/sponsors/alice",
      },
      "node_modules/other": { version: "2.0.0", license: "MIT", funding: "https://github.com/sponsors/bob" },
    },
  });
const funding = JSON.stringify({
  version: "v1.0.0",
  entity: { type: "individual", role: "owner", name: "Lib", email: "lib@example.invalid" },
});

function computed(policyDoc: unknown = { version: 1 }, libVersion = "1.2.0") {
  const files = [inputFile("package-lock.json", Buffer.from(lock(libVersion)))];
  const policy = parsePolicy(policyDoc);
  const { table } = attribute({ files, policy });
  return { table, policy, files };
}

const commitmentOf = (t: Commitment): Commitment => ({
  root: t.root,
  totalShares: t.totalShares,
  tableHash: t.tableHash,
  policyHash: t.policyHash,
  inputsHash: t.inputsHash,
});

const tar = (entries: ReturnType<typeof createBundle>) => Buffer.concat([...encodeTar(entries)]);

describe("evidence bundles", () => {
  it("round-trips through one ustar file that tar(1) reads, and verifies against its commitment", () => {
    const { table, policy, files } = computed();
    const bytes = tar(createBundle({ table, policy, files }));
    const dir = mkdtempSync(join(tmpdir(), "bundle-"));
    try {
      writeFileSync(join(dir, "b.tar"), bytes);
      const listed = execFileSync("tar", ["-tf", join(dir, "b.tar")], { encoding: "utf8" })
        .trim()
        .split("\n");
      assert.deepEqual(listed, [
        BUNDLE_FILES.manifest,
        BUNDLE_FILES.table,
        BUNDLE_FILES.policy,
        bundleInputName(files[0]!.sha256),
      ]);
      execFileSync("tar", ["-xf", join(dir, "b.tar"), "-C", dir]);
      assert.equal(readFileSync(join(dir, BUNDLE_FILES.table), "utf8"), serializeShareTableToString(table));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const entries = bundleEntries(decodeTar(bytes));
    const result = verifyBundle(entries, commitmentOf(table));
    assert.deepEqual(result.findings, []);
    assert.equal(result.ok, true);
    assert.equal(result.recipients, table.rows.length);
    // The name derives from the three committed hashes alone.
    const packed = Buffer.concat(
      [table.tableHash, table.policyHash, table.inputsHash].map((h) => Buffer.from(h.slice(2), "hex")),
    );
    assert.equal(result.bundleHash, bytesToHex(keccak256(packed)));
    assert.equal(readBundleManifest(entries).bundleHash, bundleHash(table));
    // Same entries, same bytes.
    assert.deepEqual(tar(createBundle({ table, policy, files })), bytes);
  });

  it("keeps the engine's product and subjects, so a table computed with them recomputes", () => {
    const files = [
      inputFile("package-lock.json", Buffer.from(lock("1.2.0"))),
      inputFile("lib/funding.json", Buffer.from(funding)),
    ];
    const subjects = new Map([["lib/funding.json", "pkg:npm/lib@1.2.0"]]);
    const policy = parsePolicy({ version: 1 });
    const { table } = attribute({ files, policy, options: { readInputs: { subjects } } });
    const entries = bundleEntries(createBundle({ table, policy, files, subjects }));
    assert.equal(
      readBundleManifest(entries).inputs.find((i) => i.path === "lib/funding.json")?.subject,
      subjects.get("lib/funding.json"),
    );
    assert.deepEqual(verifyBundle(entries, commitmentOf(table)).findings, []);
  });

  it("names the recipients that differ when the published table moved shares (hashes consistent)", () => {
    const honest = computed();
    // The table a dishonest proposer would publish: the same inputs, another policy's shares, but
    // every hash recomputed to match it (and committed on-chain as such).
    const other = computed({ version: 1, keep: { root: 0.2 } });
    const forged = { ...other.table, policyHash: honest.table.policyHash };
    const entries = bundleEntries(
      createBundle({ table: honest.table, policy: honest.policy, files: honest.files }),
    );
    const forgedBytes = Buffer.from(serializeShareTableToString(forged));
    entries.set(BUNDLE_FILES.table, forgedBytes);
    // The forger also fixes the manifest's digest of the table.
    const manifest = readBundleManifest(entries);
    manifest.files[BUNDLE_FILES.table] = inputFile(BUNDLE_FILES.table, forgedBytes).sha256;
    manifest.root = forged.root;
    manifest.tableHash = forged.tableHash;
    manifest.bundleHash = bundleHash(forged);
    entries.set(BUNDLE_FILES.manifest, Buffer.from(JSON.stringify(manifest)));
    const result = verifyBundle(entries, commitmentOf(forged));
    assert.equal(result.ok, false);
    const fields = result.findings.map((f) => f.field);
    assert.ok(fields.includes("recipients"), JSON.stringify(result.findings));
    assert.ok(fields.includes("tableHash"));
    const recipients = result.findings.find((f) => f.field === "recipients")!;
    assert.ok(recipients.changed! > 0);
    assert.ok(recipients.recipients!.every((r) => r.published !== r.recomputed));
  });

  it("names the input whose bytes were swapped, and the policy that changed", () => {
    const { table, policy, files } = computed();
    const entries = bundleEntries(createBundle({ table, policy, files }));
    const name = bundleInputName(files[0]!.sha256);
    entries.set(name, Buffer.from(lock("1.3.0")));
    entries.set(BUNDLE_FILES.policy, Buffer.from(JSON.stringify({ version: 1, keep: { root: 0.3 } })));
    const result = verifyBundle(entries, commitmentOf(table));
    const input = result.findings.find((f) => f.field === "input");
    assert.equal(input?.path, "package-lock.json");
    assert.match(input!.message, /SHA-256/);
    assert.ok(result.findings.some((f) => f.field === "file" && f.path === BUNDLE_FILES.policy));
  });

  it("refuses a bundle without a readable manifest, naming the field", () => {
    const { table, policy, files } = computed();
    const entries = bundleEntries(createBundle({ table, policy, files }));
    entries.set(BUNDLE_FILES.manifest, Buffer.from(JSON.stringify({ version: 1 })));
    assert.throws(
      () => verifyBundle(entries),
      (e: unknown) =>
        isWellspringError(e, "BUNDLE_INVALID") && e.file === BUNDLE_FILES.manifest && e.field !== undefined,
    );
    assert.throws(
      () => decodeTar(new Uint8Array(100)),
      (e: unknown) => isWellspringError(e, "BUNDLE_INVALID"),
    );
  });
});
