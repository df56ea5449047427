/**
 * What real generators write and the readers once refused or misread (issue 10): member order,
 * every CycloneDX version, services, unreachable components, identifier collisions, purl keys,
 * lockfile licence arrays, and errors that name their real cause.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { attribute } from "../../src/attribute.ts";
import { GraphBuilder } from "../../src/graph.ts";
import { serializeShareTableToString } from "../../src/table.ts";
import { datasetKey, detectFormat, modelKey, normalisePurl, readInputs } from "../../src/inputs/index.ts";
import type { InputFile } from "../../src/inputs/types.ts";
import { caught, fixture, fromText, RecordingSink } from "./helpers.ts";
import { seeded, shuffledJson, tableWithoutInputs } from "../helpers.ts";

const POLICY = { version: 1 };

function table(files: InputFile[], policy: unknown = POLICY): string {
  return tableWithoutInputs(serializeShareTableToString(attribute({ files, policy }).table));
}

/** Sorts every object's members, as `jq -S` and some generators do. */
function sortedJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(sortedJson).join(",")}]`;
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${sortedJson((value as Record<string, unknown>)[k])}`).join(",")}}`;
}

function bom(body: Record<string, unknown>, specVersion = "1.6"): Record<string, unknown> {
  return { bomFormat: "CycloneDX", specVersion, ...body };
}

const ROOT = { type: "application", name: "app", version: "1.0.0", "bom-ref": "app" };
const person = (login: string) => ({
  authors: [{ name: login, email: `${login}@users.noreply.github.com` }],
});

test("CycloneDX: a BOM with its members sorted or shuffled gives the same table", () => {
  const file = fixture("samples", "sbom-juice-shop-npm-1.4.json");
  const value = JSON.parse(new TextDecoder().decode(file.bytes)) as unknown;
  const expected = table([file]);
  // The real failure: `dependencies` sorted before `metadata` named the root before it was read.
  assert.equal(table([fromText("sorted.json", sortedJson(value))]), expected);
  for (const seed of [1, 2]) {
    assert.equal(table([fromText(`shuffled-${seed}.json`, shuffledJson(value, seeded(seed)))]), expected);
  }
});

test("CycloneDX: every version 1.2-1.7 is read; others name the field", () => {
  for (const v of ["1.2", "1.3", "1.4", "1.5", "1.6", "1.7"]) {
    const file = fromText(`bom-${v}.json`, JSON.stringify(bom({ metadata: { component: ROOT } }, v)));
    assert.equal(detectFormat(file), `cyclonedx-${v}`);
    const sink = new RecordingSink();
    readInputs([file], sink);
    assert.deepEqual(
      sink.roots.map((r) => r.key),
      ["pkg:generic/app@1.0.0"],
    );
  }
  const e = caught(() =>
    readInputs([fromText("b.json", JSON.stringify(bom({}, "2.0")))], new RecordingSink()),
  );
  assert.equal(e.code, "INPUT_SCHEMA");
  assert.equal(e.field, "specVersion");
});

test("CycloneDX: services are components, whatever section comes first", () => {
  const doc = bom({
    dependencies: [{ ref: "app", dependsOn: ["api", "lib"] }],
    services: [
      {
        "bom-ref": "api",
        name: "billing",
        group: "acme",
        version: "2",
        provider: { name: "Acme", url: ["https://github.com/acme"] },
        licenses: [{ license: { id: "MIT" } }],
        services: [{ "bom-ref": "inner", name: "ledger", ...person("ledger-dev") }],
      },
    ],
    components: [{ type: "library", name: "lib", version: "1", "bom-ref": "lib", ...person("libdev") }],
    metadata: { component: ROOT },
  });
  const sink = new RecordingSink();
  readInputs([fromText("svc.json", JSON.stringify(doc))], sink);
  assert.equal(sink.components.get("service:acme/billing@2")?.license, "MIT");
  assert.deepEqual(sink.identities("service:acme/billing@2"), ["github:acme"]);
  assert.deepEqual(sink.edges.map((e) => `${e.from} -${e.kind}-> ${e.to}`).sort(), [
    "pkg:generic/app@1.0.0 -runtime-> pkg:generic/lib@1",
    "pkg:generic/app@1.0.0 -runtime-> service:acme/billing@2",
    "service:acme/billing@2 -contains-> service:ledger",
  ]);
});

test("unreachable components: direct dependencies of the root by default, listed either way", () => {
  // A scanner's output: components, no dependency edges except a cycle nothing enters.
  const doc = bom({
    metadata: { component: ROOT },
    components: [
      { type: "machine-learning-model", name: "m", "bom-ref": "m", ...person("modeller") },
      { type: "data", name: "d1", "bom-ref": "d1", ...person("curator1") },
      { type: "data", name: "d2", "bom-ref": "d2", ...person("curator2") },
      { type: "library", name: "x", version: "1", "bom-ref": "x", ...person("xdev") },
      { type: "library", name: "y", version: "1", "bom-ref": "y", ...person("ydev") },
    ],
    dependencies: [
      { ref: "x", dependsOn: ["y"] },
      { ref: "y", dependsOn: ["x"] },
    ],
  });
  const files = [fromText("scan.json", JSON.stringify(doc))];
  const direct = attribute({ files, policy: POLICY });
  assert.equal(direct.report.unreachable.policy, "direct");
  assert.equal(direct.report.unreachable.count, 5);
  // Three sources attached; of the cycle x <-> y only its first member (in canonical order).
  const attached = direct.report.unreachable.components.filter((c) => c.attached);
  assert.equal(attached.length, 4);
  assert.deepEqual(
    direct.report.unreachable.components.filter((c) => !c.attached).map((c) => c.reason),
    ["only-unreachable-dependents"],
  );
  assert.equal(direct.report.reachable, 6);
  const identities = [...direct.table.rows.identities].sort();
  for (const who of ["modeller", "curator1", "curator2", "xdev", "ydev"])
    assert.ok(identities.includes(`github:${who}`), who);

  const ignored = attribute({ files, policy: { version: 1, unreachable: "ignore" } });
  assert.equal(ignored.report.unreachable.policy, "ignore");
  assert.equal(ignored.report.unreachable.count, 5);
  assert.ok(ignored.report.unreachable.components.every((c) => !c.attached));
  assert.equal(ignored.report.reachable, 1);
  assert.ok(!ignored.table.rows.identities.some((i) => i === "github:modeller"));
  // The summary line of the explanation says which applied.
  const summary = JSON.parse([...ignored.explanation()][0]!) as {
    report: { unreachable: { policy: string; count: number } };
  };
  assert.deepEqual([summary.report.unreachable.policy, summary.report.unreachable.count], ["ignore", 5]);
});

test("duplicate bom-ref is an error naming both places; one purl under two refs is merged with a warning", () => {
  const dup = bom({
    metadata: { component: ROOT },
    components: [
      { type: "library", name: "a", "bom-ref": "r" },
      { type: "library", name: "b", "bom-ref": "r" },
    ],
  });
  const e = caught(() => readInputs([fromText("dup.json", JSON.stringify(dup))], new RecordingSink()));
  assert.equal(e.code, "INPUT_DUPLICATE_REFERENCE");
  assert.equal(e.file, "dup.json");
  assert.equal(e.field, "components[1]");
  assert.match(e.message, /components\[0\].*components\[1\]/);

  const twice = bom({
    metadata: { component: ROOT },
    components: [
      {
        type: "library",
        name: "p",
        version: "1",
        purl: "pkg:npm/p@1",
        "bom-ref": "p-a",
        licenses: [{ license: { id: "MIT" } }],
        hashes: [{ alg: "SHA-256", content: "AA" }],
        ...person("pdev"),
      },
      {
        type: "library",
        name: "p",
        version: "1",
        purl: "pkg:npm/p@1",
        "bom-ref": "p-b",
        licenses: [{ license: { id: "GPL-3.0-only" } }],
        hashes: [{ alg: "SHA-256", content: "BB" }],
      },
    ],
    dependencies: [{ ref: "app", dependsOn: ["p-a", "p-b"] }],
  });
  const files = [fromText("twice.json", JSON.stringify(twice))];
  const sink = new RecordingSink();
  readInputs(files, sink);
  assert.equal(sink.warnings.length, 1);
  assert.match(sink.warnings[0]!.message, /pkg:npm\/p@1 is declared under two bom-refs/);
  assert.match(sink.warnings[0]!.message, /licences MIT \/ GPL-3\.0-only/);
  assert.match(sink.warnings[0]!.message, /hashes SHA-256:aa \/ SHA-256:bb/);
  const builder = new GraphBuilder();
  readInputs(files, builder);
  const graph = builder.build();
  assert.equal(graph.info[graph.keys.indexOf("pkg:npm/p@1")]?.license, "GPL-3.0-only AND MIT");
  // The stricter licence governs gating: denying GPL excludes the merged package.
  const gated = attribute({ files, policy: { version: 1, licenses: { deny: ["GPL-3.0-only"] } } });
  assert.deepEqual(
    gated.report.gated.map((g) => [g.component, g.excluded]),
    [["pkg:npm/p@1", true]],
  );
  assert.equal(gated.report.warnings.length, 2);
});

test("SPDX: relationships, files and SPDXID in any order; duplicate SPDXIDs name both places", () => {
  const doc = {
    relationships: [
      { spdxElementId: "SPDXRef-DOC", relationshipType: "DESCRIBES", relatedSpdxElement: "SPDXRef-app" },
      { spdxElementId: "SPDXRef-app", relationshipType: "DEPENDS_ON", relatedSpdxElement: "SPDXRef-lib" },
      { spdxElementId: "SPDXRef-app", relationshipType: "CONTAINS", relatedSpdxElement: "SPDXRef-file" },
    ],
    files: [{ SPDXID: "SPDXRef-file", fileName: "./a.js" }],
    packages: [
      { SPDXID: "SPDXRef-app", name: "app", versionInfo: "1" },
      { SPDXID: "SPDXRef-lib", name: "lib", versionInfo: "2" },
    ],
    SPDXID: "SPDXRef-DOC",
    spdxVersion: "SPDX-2.3",
  };
  const sink = new RecordingSink();
  readInputs([fromText("doc.spdx.json", JSON.stringify(doc))], sink);
  assert.deepEqual(
    sink.roots.map((r) => r.key),
    ["pkg:generic/app@1"],
  );
  assert.deepEqual(
    sink.edges.map((e) => `${e.from}->${e.to}`),
    ["pkg:generic/app@1->pkg:generic/lib@2"],
  );
  const dup = { ...doc, files: [{ SPDXID: "SPDXRef-lib", fileName: "./b.js" }] };
  const e = caught(() => readInputs([fromText("dup.spdx.json", JSON.stringify(dup))], new RecordingSink()));
  assert.equal(e.code, "INPUT_DUPLICATE_REFERENCE");
  assert.match(e.message, /files\[0\].*packages\[1\]|packages\[1\].*files\[0\]/);
});

test("purl keys follow the purl specification", () => {
  const cases: Array<[string, string]> = [
    ["pkg:npm/%40Babel/Core@7.0.0?foo=bar#sub/path", "pkg:npm/%40babel/core@7.0.0"],
    ["pkg:pypi/Django_Rest@3.0", "pkg:pypi/django-rest@3.0"],
    ["pkg:maven/org.Apache/Commons@1", "pkg:maven/org.Apache/Commons@1"],
    ["pkg:rpm/Fedora/Curl@7", "pkg:rpm/fedora/Curl@7"],
    ["pkg:deb/Debian/Curl@7", "pkg:deb/debian/curl@7"],
    ["pkg:golang/github.com/Azure/go-autorest@v1", "pkg:golang/github.com/Azure/go-autorest@v1"],
    ["pkg:github/Package-URL/Purl-Spec@v1", "pkg:github/package-url/purl-spec@v1"],
    ["pkg:huggingface/Google-Bert%2FBert-Base-Cased@ABC123", "pkg:huggingface/google-bert/bert-base-cased"],
    ["pkg:huggingface/google-bert/bert-base-cased", "pkg:huggingface/google-bert/bert-base-cased"],
    ["pkg:huggingface-dataset/Stanford/IMDB@v2", "dataset:huggingface/stanford/imdb"],
    ["pkg:huggingface-dataset/stanford%2Fimdb", "dataset:huggingface/stanford/imdb"],
  ];
  for (const [purl, key] of cases) assert.equal(normalisePurl(purl), key, purl);
  // Model and dataset keys agree across purl types, Hub URLs and model-card ids.
  assert.equal(modelKey("Google-Bert/bert-base-cased"), "pkg:huggingface/google-bert/bert-base-cased");
  assert.equal(modelKey("https://huggingface.co/google-bert/bert-base-cased"), normalisePurl(cases[7]![0]));
  assert.equal(
    datasetKey("https://huggingface.co/datasets/Stanford/IMDB"),
    "dataset:huggingface/stanford/imdb",
  );
  assert.equal(datasetKey("stanford/imdb"), normalisePurl(cases[9]![0]));
});

test("npm lockfile: legacy licence arrays are alternatives", () => {
  const lock = {
    lockfileVersion: 3,
    packages: {
      "": { name: "a", version: "1.0.0", dependencies: { b: "1", c: "1" } },
      "node_modules/b": { version: "1.0.0", license: ["MIT", "Apache2"] },
      "node_modules/c": { version: "1.0.0", license: [{ type: "BSD-3-Clause", url: "https://x" }] },
    },
  };
  const sink = new RecordingSink();
  readInputs([fromText("package-lock.json", JSON.stringify(lock))], sink);
  assert.equal(sink.components.get("pkg:npm/b@1.0.0")?.license, "MIT OR Apache2");
  assert.equal(sink.components.get("pkg:npm/c@1.0.0")?.license, "BSD-3-Clause");
  const bad = { ...lock, packages: { ...lock.packages, "node_modules/b": { version: "1", license: [1] } } };
  const e = caught(() =>
    readInputs([fromText("package-lock.json", JSON.stringify(bad))], new RecordingSink()),
  );
  assert.equal(e.code, "INPUT_SCHEMA");
  assert.match(e.field ?? "", /^packages\["node_modules\/b"\]\.license/);
});

test("npm lockfile v1: the nested tree, resolved as npm does", () => {
  // The shape npm 5/6 writes (docs.npmjs.com, package-lock.json, lockfileVersion 1).
  const lock = {
    name: "app",
    version: "1.0.0",
    lockfileVersion: 1,
    requires: true,
    dependencies: {
      express: {
        version: "4.18.2",
        resolved: "https://registry.example/express/-/express-4.18.2.tgz",
        integrity: "sha512-x",
        requires: { debug: "2.6.9", ms: "2.0.0" },
        dependencies: { debug: { version: "2.6.9", requires: { ms: "2.0.0" } } },
      },
      ms: { version: "2.0.0" },
      mocha: {
        version: "10.0.0",
        dev: true,
        requires: { ms: "2.1.3" },
        dependencies: { ms: { version: "2.1.3", dev: true } },
      },
      fsevents: { version: "2.3.3", optional: true },
    },
  };
  const file = fromText("package-lock.json", JSON.stringify(lock));
  assert.equal(detectFormat(file), "npm-lockfile-v1");
  const sink = new RecordingSink();
  readInputs([file], sink);
  assert.deepEqual(
    sink.roots.map((r) => r.key),
    ["pkg:npm/app@1.0.0"],
  );
  assert.deepEqual(sink.edges.map((e) => `${e.from} -${e.kind}-> ${e.to}`).sort(), [
    "pkg:npm/app@1.0.0 -dev-> pkg:npm/mocha@10.0.0",
    "pkg:npm/app@1.0.0 -optional-> pkg:npm/fsevents@2.3.3",
    "pkg:npm/app@1.0.0 -runtime-> pkg:npm/express@4.18.2",
    // The nested debug resolves ms up the tree, to the top-level 2.0.0; mocha to its own.
    "pkg:npm/debug@2.6.9 -runtime-> pkg:npm/ms@2.0.0",
    "pkg:npm/express@4.18.2 -runtime-> pkg:npm/debug@2.6.9",
    "pkg:npm/express@4.18.2 -runtime-> pkg:npm/ms@2.0.0",
    "pkg:npm/mocha@10.0.0 -runtime-> pkg:npm/ms@2.1.3",
  ]);
  const bad = { ...lock, dependencies: { ...lock.dependencies, ms: { version: 2 } } };
  const e = caught(() =>
    readInputs([fromText("package-lock.json", JSON.stringify(bad))], new RecordingSink()),
  );
  assert.equal(e.code, "INPUT_SCHEMA");
  assert.equal(e.field, 'dependencies["ms"].version');
});

test("a git log whose # source-of names nothing is blamed, with file and field", () => {
  const log = `# repository: https://github.com/o/r\n# source-of: pkg:npm/nothing@1\n\x1e${"a".repeat(40)}\x1f1700000000\x1fA\x1fa@example.org\n\n1\t1\tx\n`;
  const e = caught(() => readInputs([fromText("r.gitlog", log)], new GraphBuilder()));
  assert.equal(e.code, "INPUT_DANGLING_REFERENCE");
  assert.equal(e.file, "r.gitlog");
  assert.equal(e.field, "# source-of");
  assert.match(e.message, /pkg:npm\/nothing@1/);
});
