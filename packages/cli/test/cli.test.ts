/** Spawns the real `wellspring` command (bin/wellspring.js) and checks what a user would see. */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync, execFileSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { accountIdOf, computeTableHash } from "@wellspring/attribution";

const HERE = dirname(fileURLToPath(import.meta.url));
const BIN = join(HERE, "..", "bin", "wellspring.js");
const REPO = join(HERE, "..", "..", "..");
const LIBRARY_POLICY = join(REPO, "packages", "attribution", "policies", "library.json");
const FIXTURES = join(REPO, "packages", "attribution", "test", "fixtures");

let work: string;

function wellspring(args: string[], cwd = work): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function git(cwd: string, args: string[], env: Record<string, string> = {}): void {
  execFileSync("git", args, {
    cwd,
    stdio: "ignore",
    env: {
      ...process.env,
      GIT_CONFIG_NOSYSTEM: "1",
      HOME: cwd,
      GIT_COMMITTER_NAME: "ci",
      GIT_COMMITTER_EMAIL: "ci@example.invalid",
      ...env,
    },
  });
}

function filesOf(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) out[name] = readFileSync(join(dir, name)).toString("base64");
  return out;
}

/** A small project: lockfile, package.json, funding.json and a git repository with three authors. */
function makeProject(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const lock = {
    name: "demo-app",
    version: "1.0.0",
    lockfileVersion: 3,
    packages: {
      "": {
        name: "demo-app",
        version: "1.0.0",
        dependencies: { lib: "^1" },
        devDependencies: { tool: "^2" },
      },
      "node_modules/lib": {
        version: "1.2.0",
        license: "MIT",
        funding: { url: "https://github.com/sponsors/libauthor" },
        dependencies: { dep: "^3" },
      },
      "node_modules/dep": { version: "3.0.1", license: "ISC", funding: "https://opencollective.com/dep" },
      "node_modules/tool": {
        version: "2.0.0",
        dev: true,
        license: "MIT",
        funding: { url: "https://github.com/sponsors/toolmaker" },
      },
    },
  };
  writeFileSync(join(dir, "package-lock.json"), JSON.stringify(lock, null, 2));
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({ name: "demo-app", version: "1.0.0", license: "MIT" }, null, 2),
  );
  writeFileSync(
    join(dir, "funding.json"),
    JSON.stringify({
      version: "v1.0.0",
      entity: { type: "organisation", role: "owner", name: "Demo", email: "team@demo.example" },
      funding: {
        channels: [{ guid: "eth", type: "other", address: "0x000000000000000000000000000000000000dEaD" }],
      },
    }),
  );
  git(dir, ["init", "-q", "-b", "main"]);
  const authors: Array<[string, string, number]> = [
    ["Ann", "1+ann@users.noreply.github.com", 1_700_000_000],
    ["Ben", "ben@demo.example", 1_700_100_000],
    ["Cy", "cy@users.noreply.github.com", 1_700_200_000],
  ];
  authors.forEach(([name, email, time], i) => {
    writeFileSync(join(dir, `f${i}.txt`), "line\n".repeat(i + 1));
    git(dir, ["add", `f${i}.txt`]);
    git(dir, ["commit", "-q", "-m", `c${i}`], {
      GIT_AUTHOR_NAME: name,
      GIT_AUTHOR_EMAIL: email,
      GIT_AUTHOR_DATE: `${time} +0000`,
      GIT_COMMITTER_DATE: `${time} +0000`,
    });
  });
}

before(() => {
  work = mkdtempSync(join(tmpdir(), "ws-cli-"));
  makeProject(join(work, "proj"));
  mkdirSync(join(work, "samples"));
  for (const name of readdirSync(join(FIXTURES, "samples")))
    cpSync(join(FIXTURES, "samples", name), join(work, "samples", name));
});

after(() => rmSync(work, { recursive: true, force: true }));

test("--help on every command, from any directory", () => {
  for (const args of [["--help"], ["attribute", "--help"], ["verify", "--help"], ["proof", "--help"]]) {
    const r = wellspring(args, tmpdir());
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Usage:/);
  }
});

test("npx wellspring runs the linked bin", () => {
  const r = spawnSync("npx", ["--no-install", "wellspring", "--help"], { cwd: REPO, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /wellspring attribute --input/);
});

test("attribute a project directory; rerun is byte-identical; verify passes; proof verifies with OpenZeppelin", () => {
  const a = wellspring(["attribute", "--input", "proj", "--out", "out-a", "--json"]);
  assert.equal(a.code, 0, a.stderr);
  const summary = JSON.parse(a.stdout) as { recipients: number; root: string; components: number };
  assert.equal(summary.recipients, 3);
  const b = wellspring(["attribute", "--input", "proj", "--out", "out-b/"]);
  assert.equal(b.code, 0, b.stderr);
  assert.match(b.stdout, /^wrote out-b\/share-table\.json: /);
  assert.deepEqual(filesOf(join(work, "out-a")), filesOf(join(work, "out-b")));
  assert.deepEqual(Object.keys(filesOf(join(work, "out-a"))), [
    "explanation.jsonl",
    "merkle-tree.json",
    "merkle.bin",
    "share-table.json",
  ]);

  const table = JSON.parse(readFileSync(join(work, "out-a", "share-table.json"), "utf8")) as {
    root: string;
    inputs: Array<{ path: string; format: string }>;
    recipients: Array<{ accountId: string; identity: string; shares: string }>;
  };
  assert.deepEqual(table.inputs.map((i) => [i.path, i.format]).sort(), [
    ["proj/.git", "git-log"],
    ["proj/funding.json", "funding-json-v1"],
    ["proj/package-lock.json", "npm-lockfile-v3"],
    ["proj/package.json", "package-json"],
  ]);
  // The default policy: the product keeps nothing, its dependencies are paid.
  const identities = table.recipients.map((r) => r.identity);
  assert.deepEqual(identities.sort(), ["github:libauthor", "github:toolmaker", "opencollective:dep"]);
  // A pool funding the project itself (keep.root 0.5): funding.json beside package.json funds
  // the package, and being a declared funding manifest it outranks the git history's people.
  const lib = wellspring(["attribute", "--input", "proj", "--out", "out-lib", "--policy", LIBRARY_POLICY]);
  assert.equal(lib.code, 0, lib.stderr);
  const libTable = readFileSync(join(work, "out-lib", "share-table.json"), "utf8");
  const entity = `email-sha256:${createHash("sha256").update("team@demo.example").digest("hex")}`;
  assert.ok(libTable.includes(`"${entity}"`), "the funding.json entity is paid");
  assert.ok(!libTable.includes("demo.example"), "no raw e-mail in the table");

  const v = wellspring([
    "verify",
    "--table",
    "out-a/share-table.json",
    "--input",
    "proj",
    "--root",
    table.root,
  ]);
  assert.equal(v.code, 0, v.stderr);
  assert.match(v.stdout, /^OK /);

  for (const account of ["github:libauthor", accountIdOf("github:libauthor")]) {
    const p = wellspring(["proof", "--table", "out-a/share-table.json", "--account", account, "--json"]);
    assert.equal(p.code, 0, p.stderr);
    const proof = JSON.parse(p.stdout) as {
      accountId: string;
      shares: string;
      root: string;
      proof: string[];
    };
    assert.equal(proof.root, table.root);
    assert.ok(
      StandardMerkleTree.verify(
        table.root,
        ["bytes32", "uint256"],
        [proof.accountId, proof.shares],
        proof.proof,
      ),
    );
  }
  // The StandardMerkleTree dump loads in OpenZeppelin's library with the same root.
  const dump = JSON.parse(readFileSync(join(work, "out-a", "merkle-tree.json"), "utf8"));
  assert.equal(StandardMerkleTree.load(dump).root, table.root);
});

test("a project directory's git history is the product's own: paid by sustained work when the product keeps a part", () => {
  cpSync(join(work, "proj"), join(work, "proj-git"), { recursive: true });
  rmSync(join(work, "proj-git", "funding.json"));
  const r = wellspring([
    "attribute",
    "--input",
    "proj-git",
    "--out",
    "out-git",
    "--policy",
    LIBRARY_POLICY,
    "--json",
  ]);
  assert.equal(r.code, 0, r.stderr);
  // lockfile root, lib, dep, tool: no repository component beside the product.
  assert.equal((JSON.parse(r.stdout) as { components: number }).components, 4);
  const table = JSON.parse(readFileSync(join(work, "out-git", "share-table.json"), "utf8")) as {
    recipients: Array<{ identity: string; shares: string }>;
  };
  const shares = new Map(table.recipients.map((x) => [x.identity, BigInt(x.shares)]));
  const ben = `email-sha256:${createHash("sha256").update("ben@demo.example").digest("hex")}`;
  let people = 0n;
  for (const id of ["github:1", ben, "github:cy"]) {
    assert.ok(shares.has(id), `${id} is paid`);
    people += shares.get(id)!;
  }
  // The product keeps half for its people (up to the rounding of exact shares); the rest goes
  // on to the dependencies.
  const half = 5n * 10n ** 17n;
  assert.ok(people - half < 100n && half - people < 100n, `${people}`);
});

test("verify fails on a tampered table and on a different policy", () => {
  assert.equal(wellspring(["attribute", "--input", "proj", "--out", "out-t"]).code, 0);
  const path = join(work, "out-t", "share-table.json");
  const original = readFileSync(path, "utf8");
  const doc = JSON.parse(original) as {
    recipients: Array<{ shares: string }>;
    tableHash: string;
    totalShares: string;
  };
  // Move one share between two recipients: the sum holds, tableHash no longer does.
  const [r0, r1] = doc.recipients as [{ shares: string }, { shares: string }];
  r0.shares = (BigInt(r0.shares) + 1n).toString();
  r1.shares = (BigInt(r1.shares) - 1n).toString();
  writeFileSync(path, JSON.stringify(doc));
  const inconsistent = wellspring(["verify", "--table", "out-t/share-table.json"]);
  assert.equal(inconsistent.code, 3, inconsistent.stderr);
  assert.match(inconsistent.stderr, /TABLE_INVALID.*field tableHash/);
  writeFileSync(path, original);

  const tampered = JSON.parse(original) as { root: string };
  tampered.root = `0x${"ab".repeat(32)}`;
  writeFileSync(path, JSON.stringify(tampered));
  const badRoot = wellspring(["verify", "--table", "out-t/share-table.json", "--json"]);
  assert.equal(badRoot.code, 1, badRoot.stderr);
  assert.equal(
    (JSON.parse(badRoot.stderr) as { error: { code: string; field: string } }).error.code,
    "VERIFY_MISMATCH",
  );
  writeFileSync(path, original);

  writeFileSync(join(work, "other-policy.json"), JSON.stringify({ version: 1, keep: { default: 0.2 } }));
  const otherPolicy = wellspring([
    "verify",
    "--table",
    "out-t/share-table.json",
    "--input",
    "proj",
    "--policy",
    "other-policy.json",
  ]);
  assert.equal(otherPolicy.code, 1, otherPolicy.stderr);
  assert.match(otherPolicy.stderr, /VERIFY_MISMATCH.*policyHash/);

  const wrongRoot = wellspring([
    "verify",
    "--table",
    "out-t/share-table.json",
    "--root",
    `0x${"12".repeat(32)}`,
  ]);
  assert.equal(wrongRoot.code, 1);
});

test("a consistent table with moved shares fails verification by root", () => {
  assert.equal(wellspring(["attribute", "--input", "proj", "--out", "out-m"]).code, 0);
  const path = join(work, "out-m", "share-table.json");
  const doc = JSON.parse(readFileSync(path, "utf8")) as {
    recipients: Array<{ accountId: string; shares: string }>;
    totalShares: string;
    tableHash: string;
  };
  const [r0, r1] = doc.recipients as [
    { accountId: string; shares: string },
    { accountId: string; shares: string },
  ];
  r0.shares = (BigInt(r0.shares) + 1n).toString();
  r1.shares = (BigInt(r1.shares) - 1n).toString();
  const ids = new Uint8Array(doc.recipients.length * 32);
  doc.recipients.forEach((r, i) => ids.set(Buffer.from(r.accountId.slice(2), "hex"), i * 32));
  doc.tableHash = computeTableHash(BigInt(doc.totalShares), {
    length: doc.recipients.length,
    accountIds: ids,
    shares: doc.recipients.map((r) => BigInt(r.shares)),
  });
  writeFileSync(path, JSON.stringify(doc));
  rmSync(join(work, "out-m", "merkle.bin"));
  const r = wellspring(["verify", "--table", "out-m/share-table.json"]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /VERIFY_MISMATCH.*field root/);
});

test("bad input: one clear message naming file and place, exit 3, no partial output", () => {
  const cases: Array<{ args: string[]; code: string; where: RegExp }> = [
    {
      args: ["--input", "samples/mlbom-model-opensource.json"],
      code: "INPUT_INVALID_JSON",
      where: /samples\/mlbom-model-opensource\.json, line 8, column 44/,
    },
    { args: ["--input", "missing.json"], code: "INPUT_UNREADABLE", where: /missing\.json/ },
    { args: ["--input", "notes.txt"], code: "INPUT_UNKNOWN_FORMAT", where: /notes\.txt/ },
    {
      args: ["--input", "dangling.cdx.json"],
      code: "INPUT_DANGLING_REFERENCE",
      where: /dangling\.cdx\.json, field dependencies\[0\]\.dependsOn\[0\]/,
    },
    {
      args: ["--input", "schema.cdx.json"],
      code: "INPUT_SCHEMA",
      where: /schema\.cdx\.json, field components\[0\]\.version/,
    },
    {
      args: ["--input", "proj", "--policy", "bad-policy.json"],
      code: "POLICY_INVALID",
      where: /bad-policy\.json, field keep\.default/,
    },
    {
      args: ["--input", "proj", "--policy", "broken-policy.json"],
      code: "POLICY_INVALID",
      where: /broken-policy\.json, line 1, column 14/,
    },
  ];
  writeFileSync(join(work, "notes.txt"), "hello");
  const head = {
    bomFormat: "CycloneDX",
    specVersion: "1.6",
    metadata: { component: { type: "application", name: "a", "bom-ref": "a" } },
  };
  writeFileSync(
    join(work, "dangling.cdx.json"),
    JSON.stringify({ ...head, components: [], dependencies: [{ ref: "a", dependsOn: ["ghost"] }] }),
  );
  writeFileSync(
    join(work, "schema.cdx.json"),
    JSON.stringify({ ...head, components: [{ type: "library", name: "x", version: 1 }] }),
  );
  writeFileSync(join(work, "bad-policy.json"), JSON.stringify({ version: 1, keep: { default: 7 } }));
  writeFileSync(join(work, "broken-policy.json"), '{"version": 1,}');
  for (const { args, code, where } of cases) {
    const out = join(work, "never");
    const r = wellspring(["attribute", ...args, "--out", "never"]);
    assert.equal(r.code, 3, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, new RegExp(`error ${code}: `), r.stderr);
    assert.match(r.stderr, where, r.stderr);
    assert.equal(r.stdout, "");
    assert.equal(existsSync(out), false, "no output directory");
    assert.deepEqual(
      readdirSync(work).filter((n) => n.includes("never")),
      [],
      "no temporary directory left behind",
    );
  }
});

test("an existing --out is replaced only on success", () => {
  const out = join(work, "keep");
  mkdirSync(out);
  writeFileSync(join(out, "share-table.json"), "previous");
  const failed = wellspring(["attribute", "--input", "samples/mlbom-dataset.json", "--out", "keep"]);
  assert.equal(failed.code, 3);
  assert.equal(readFileSync(join(out, "share-table.json"), "utf8"), "previous");
  const ok = wellspring(["attribute", "--input", "proj", "--out", "keep"]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.notEqual(readFileSync(join(out, "share-table.json"), "utf8"), "previous");
  assert.deepEqual(
    readdirSync(work).filter((n) => n.startsWith(".keep")),
    [],
  );
});

test("usage errors exit 2; unknown accounts exit 4", () => {
  for (const args of [
    ["frobnicate"],
    ["attribute", "--out", "x"],
    ["attribute", "--input", "proj"],
    ["attribute", "--input", "proj", "--out", "x", "--bogus"],
    ["verify", "--table", "t", "--root", "0x12"],
    ["proof", "--table", "t"],
  ]) {
    const r = wellspring(args);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, /error USAGE/);
  }
  assert.equal(wellspring(["attribute", "--input", "proj", "--out", "out-p"]).code, 0);
  const missing = wellspring([
    "proof",
    "--table",
    "out-p/share-table.json",
    "--account",
    "github:nobody-here",
  ]);
  assert.equal(missing.code, 4, missing.stderr);
  assert.match(missing.stderr, /ACCOUNT_NOT_FOUND/);
});

test("the real CycloneDX samples and npm's own SBOMs of this repository run end to end", () => {
  const sample = wellspring([
    "attribute",
    "--input",
    "samples/sbom-juice-shop-npm-1.4.json",
    "--out",
    "juice",
    "--json",
  ]);
  assert.equal(sample.code, 0, sample.stderr);
  assert.ok((JSON.parse(sample.stdout) as { recipients: number }).recipients > 100);
  const model = wellspring([
    "attribute",
    "--input",
    "samples/mlbom-model-foundationmodels.json",
    "--out",
    "gpt",
  ]);
  assert.equal(model.code, 0, model.stderr);
  const npm = join(FIXTURES, "npm-sbom");
  const all = wellspring([
    "attribute",
    "--input",
    join(npm, "wellspring.cdx.json"),
    "--input",
    join(npm, "wellspring.spdx.json"),
    "--input",
    join(npm, "wellspring.package-lock.json"),
    "--out",
    "npm",
    "--json",
  ]);
  assert.equal(all.code, 0, all.stderr);
  const v = wellspring([
    "verify",
    "--table",
    "npm/share-table.json",
    "--input",
    join(npm, "wellspring.cdx.json"),
    "--input",
    join(npm, "wellspring.spdx.json"),
    "--input",
    join(npm, "wellspring.package-lock.json"),
  ]);
  assert.equal(v.code, 0, v.stderr);
});

test("unreachable components and merge warnings are printed in the summary", () => {
  const author = (login: string) => [{ name: login, email: `${login}@users.noreply.github.com` }];
  const bom = {
    bomFormat: "CycloneDX",
    specVersion: "1.6",
    metadata: { component: { type: "application", name: "app", "bom-ref": "app", authors: author("me") } },
    components: [
      { type: "machine-learning-model", name: "m", "bom-ref": "m", authors: author("modeller") },
      { type: "library", name: "p", purl: "pkg:npm/p@1", "bom-ref": "p1", licenses: [{ expression: "MIT" }] },
      { type: "library", name: "p", purl: "pkg:npm/p@1", "bom-ref": "p2", licenses: [{ expression: "ISC" }] },
    ],
    dependencies: [{ ref: "app", dependsOn: ["p1"] }],
  };
  writeFileSync(join(work, "scan.cdx.json"), JSON.stringify(bom));
  const r = wellspring(["attribute", "--input", "scan.cdx.json", "--out", "scan"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /unreachable: 1 components no dependency reaches; policy "direct"/);
  assert.match(r.stdout, /model:m \(no-dependents, attached to the product\)/);
  assert.match(r.stdout, /warning: .*pkg:npm\/p@1 is declared under two bom-refs/);
  const json = wellspring(["attribute", "--input", "scan.cdx.json", "--out", "scan2", "--json"]);
  const summary = JSON.parse(json.stdout) as { unreachable: unknown; warnings: number };
  assert.deepEqual(summary.unreachable, { policy: "direct", count: 1, attached: 1 });
  assert.equal(summary.warnings, 2);
});

test("a scan naming no product: the error says how to name one; --product adds it; dangling purls are warned", () => {
  const author = (login: string) => [{ name: login, email: `${login}@users.noreply.github.com` }];
  const bom = {
    bomFormat: "CycloneDX",
    specVersion: "1.6",
    components: [
      { type: "library", name: "a", purl: "pkg:pypi/a@1", "bom-ref": "a", authors: author("ay") },
      { type: "library", name: "b", purl: "pkg:pypi/b@2", "bom-ref": "b", authors: author("bee") },
    ],
    // The model is named by its purl only, as rust-aibom-generator does.
    dependencies: [{ ref: "a", dependsOn: ["pkg:huggingface/org/model@1.0"] }],
  };
  writeFileSync(join(work, "noproduct.cdx.json"), JSON.stringify(bom));
  const refused = wellspring(["attribute", "--input", "noproduct.cdx.json", "--out", "noproduct"]);
  assert.equal(refused.code, 3, refused.stderr);
  assert.match(refused.stderr, /INPUT_NO_ROOT/);
  assert.match(
    refused.stderr,
    /--product <key>.*e\.g\. pkg:pypi\/a@1, pkg:pypi\/b@2, pkg:huggingface\/org\/model/,
  );
  assert.ok(!existsSync(join(work, "noproduct")));

  const r = wellspring([
    "attribute",
    "--input",
    "noproduct.cdx.json",
    "--out",
    "noproduct",
    "--product",
    "pkg:pypi/mine@3",
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stdout,
    /warning: \(options\): the product pkg:pypi\/mine@3 is declared by no input and was added/,
  );
  assert.match(
    r.stdout,
    /warning: noproduct\.cdx\.json: field dependencies\[0\]\.dependsOn\[0\]: reference "pkg:huggingface\/org\/model@1\.0" names no component/,
  );
  assert.match(r.stdout, /pkg:pypi\/a@1 \(no-dependents, attached to the product\)/);
  assert.match(r.stdout, /pkg:pypi\/b@2 \(no-dependents, attached to the product\)/);
});

test("a directory scan picks up CycloneDX XML and SPDX tag-value by name", () => {
  const dir = join(work, "xml-scan");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "bom.xml"), readFileSync(join(FIXTURES, "spec", "mlbom-1.6.xml")));
  writeFileSync(join(dir, "deps.spdx"), readFileSync(join(FIXTURES, "spec", "app-2.3.spdx")));
  const r = wellspring([
    "attribute",
    "--input",
    "xml-scan",
    "--out",
    "xml-out",
    "--product",
    "pkg:npm/chat-app@2.0.0",
    "--json",
  ]);
  assert.equal(r.code, 0, r.stderr);
  const table = JSON.parse(readFileSync(join(work, "xml-out", "share-table.json"), "utf8")) as {
    inputs: Array<{ path: string; format: string }>;
  };
  assert.deepEqual(table.inputs.map((i) => i.format).sort(), ["cyclonedx-xml-1.6", "spdx-2.3-tag-value"]);
});

test("a directory whose repository has no commits yet is read without its history", () => {
  const dir = join(work, "fresh");
  mkdirSync(dir);
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({ name: "fresh", version: "0.0.1", author: "Dee <dee@users.noreply.github.com>" }),
  );
  // Markdown front matter that is not a model card is not an input of a directory scan.
  writeFileSync(join(dir, "README.md"), "---\ntitle: Fresh\nlicense: mit\n---\n# Fresh\n");
  git(dir, ["init", "-q"]);
  const r = wellspring(["attribute", "--input", "fresh", "--out", "fresh-out", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const table = JSON.parse(readFileSync(join(work, "fresh-out", "share-table.json"), "utf8")) as {
    inputs: Array<{ path: string }>;
    recipients: Array<{ identity: string }>;
  };
  assert.deepEqual(
    table.inputs.map((i) => i.path),
    ["fresh/package.json"],
  );
  assert.ok(table.recipients.some((x) => x.identity === "github:dee"));
});

test("an AI product: SBOM + model card + funding manifests pay the model's base model and datasets", () => {
  const dir = join(work, "ai");
  mkdirSync(join(dir, "model"), { recursive: true });
  writeFileSync(
    join(dir, "product.cdx.json"),
    JSON.stringify({
      bomFormat: "CycloneDX",
      specVersion: "1.6",
      metadata: {
        component: {
          type: "application",
          name: "ai-app",
          version: "1.0.0",
          "bom-ref": "app",
          purl: "pkg:npm/ai-app@1.0.0",
          authors: [{ name: "Ops", email: "5+ops@users.noreply.github.com" }],
        },
      },
      components: [
        {
          type: "machine-learning-model",
          name: "tuned",
          group: "acme",
          "bom-ref": "m",
          purl: "pkg:huggingface/acme/tuned@abc123",
          licenses: [{ license: { id: "Apache-2.0" } }],
        },
      ],
      dependencies: [{ ref: "app", dependsOn: ["m"] }],
    }),
  );
  writeFileSync(
    join(dir, "model", "README.md"),
    "---\nmodel_id: acme/tuned\nlicense: apache-2.0\nbase_model: org/base-7b\ndatasets:\n- org/corpus\n---\n# tuned\n",
  );
  const manifest = (component: string, identity: string) =>
    JSON.stringify({ wellspring: { component, contributors: [{ identity }] } });
  writeFileSync(join(dir, "tuned.FUNDING.json"), manifest("pkg:huggingface/acme/tuned", "github:100"));
  writeFileSync(join(dir, "base.FUNDING.json"), manifest("pkg:huggingface/org/base-7b", "github:200"));
  writeFileSync(join(dir, "corpus.FUNDING.json"), manifest("dataset:huggingface/org/corpus", "github:300"));
  const inputs = [
    "product.cdx.json",
    "model/README.md",
    "tuned.FUNDING.json",
    "base.FUNDING.json",
    "corpus.FUNDING.json",
  ].flatMap((f) => ["--input", join("ai", f)]);
  const r = wellspring(["attribute", ...inputs, "--out", "ai-out", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const table = JSON.parse(readFileSync(join(work, "ai-out", "share-table.json"), "utf8")) as {
    recipients: Array<{ identity: string; shares: string }>;
  };
  const shares = new Map(table.recipients.map((x) => [x.identity, BigInt(x.shares)]));
  for (const id of ["github:100", "github:200", "github:300"])
    assert.ok((shares.get(id) ?? 0n) > 0n, `${id} is paid`);
  // The product's own author is the payer's side: the product keeps nothing by default.
  assert.equal(shares.get("github:5"), undefined);
  // The explanation traces the dataset's share through the model to the product.
  const lines = readFileSync(join(work, "ai-out", "explanation.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { identity?: string; sources?: Array<{ path: string[] }> });
  const corpus = lines.find((l) => l.identity === "github:300");
  assert.deepEqual(corpus?.sources?.[0]?.path, [
    "pkg:npm/ai-app@1.0.0",
    "pkg:huggingface/acme/tuned",
    "dataset:huggingface/org/corpus",
  ]);
});
