/** npm lockfile, CycloneDX and SPDX from real npm runs on this repository, and their agreement. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { inputFile, readInputs, detectFormat, npmKey } from "../../src/inputs/index.ts";
import { GraphBuilder } from "../../src/graph.ts";
import { caught, fixture, fromText, RecordingSink, REPO_ROOT } from "./helpers.ts";

function read(file: ReturnType<typeof fixture>): RecordingSink {
  const sink = new RecordingSink();
  readInputs([file], sink);
  return sink;
}

const ROOT = npmKey("wellspring", "0.1.0");

test("formats are detected by content", () => {
  assert.equal(detectFormat(fixture("npm-sbom", "wellspring.package-lock.json")), "npm-lockfile-v3");
  assert.equal(detectFormat(fixture("npm-sbom", "wellspring.cdx.json")), "cyclonedx-1.5");
  assert.equal(detectFormat(fixture("npm-sbom", "wellspring.spdx.json")), "spdx-2.3");
  assert.equal(detectFormat(fixture("samples", "sbom-juice-shop-npm-1.4.json")), "cyclonedx-1.4");
  assert.equal(detectFormat(fromText("x.json", '{"hello": 1}')), undefined);
  assert.equal(detectFormat(fromText("x.txt", "plain text")), undefined);
});

test("committed lockfile: root, workspaces, kinds, licenses and funding", () => {
  const sink = read(fixture("npm-sbom", "wellspring.package-lock.json"));
  assert.deepEqual(
    sink.roots.map((r) => r.key),
    [ROOT],
  );
  assert.equal(sink.components.get(ROOT)?.kind, "application");
  const fromRoot = sink.edgesFrom(ROOT);
  // The five workspaces are part of the product.
  const contains = fromRoot
    .filter((e) => e.kind === "contains")
    .map((e) => e.to)
    .sort();
  assert.deepEqual(
    contains,
    ["attribution", "cli", "sdk", "server", "web"].map((w) => npmKey(`@wellspring/${w}`, "0.1.0")).sort(),
  );
  // Root devDependencies become dev edges with their field path.
  const hardhat = fromRoot.find((e) => e.to === npmKey("hardhat", "3.18.0"));
  assert.equal(hardhat?.kind, "dev");
  assert.equal(hardhat?.source.field, 'packages[""].devDependencies.hardhat');
  // Licenses and funding come from lockfile entries.
  assert.equal(sink.components.get(npmKey("chai", "5.3.3"))?.license, "MIT");
  assert.deepEqual(sink.identities(npmKey("@eslint/js", "10.0.1")), ["url:eslint.org/donate"]);
  // Every edge target is declared, so the engine's builder accepts the graph.
  const builder = new GraphBuilder();
  readInputs([fixture("npm-sbom", "wellspring.package-lock.json")], builder);
  const graph = builder.build();
  assert.equal(graph.keys[graph.root], ROOT);
});

test("nested node_modules resolve the way npm does, links follow their target", () => {
  const lock = {
    name: "app",
    version: "1.0.0",
    lockfileVersion: 3,
    packages: {
      "": {
        name: "app",
        version: "1.0.0",
        dependencies: { a: "^1", b: "^1", w: "*" },
        devDependencies: { d: "^1" },
        workspaces: ["pkgs/w"],
      },
      "node_modules/a": {
        version: "1.0.0",
        dependencies: { c: "^2", b: "^1" },
        license: "MIT",
        funding: { url: "https://github.com/sponsors/alice" },
      },
      "node_modules/a/node_modules/c": { version: "2.0.0" },
      "node_modules/b": {
        version: "1.1.0",
        dependencies: { c: "^1" },
        peerDependencies: { p: "*" },
        optionalDependencies: { o: "*" },
      },
      "node_modules/c": { version: "1.0.0" },
      "node_modules/d": { version: "1.0.0", dev: true, dependencies: { "@s/e": "1" } },
      "node_modules/@s/e": { version: "3.0.0", dev: true },
      "node_modules/w": { resolved: "pkgs/w", link: true },
      "pkgs/w": { name: "w", version: "0.1.0", dependencies: { c: "^1" } },
      "node_modules/x": { version: "9.0.0", optional: true },
    },
  };
  const sink = read(fromText("package-lock.json", JSON.stringify(lock)));
  const edges = sink.edges.map((e) => `${e.from} -${e.kind}-> ${e.to}`).sort();
  assert.deepEqual(edges, [
    "pkg:npm/a@1.0.0 -runtime-> pkg:npm/b@1.1.0",
    "pkg:npm/a@1.0.0 -runtime-> pkg:npm/c@2.0.0",
    "pkg:npm/app@1.0.0 -dev-> pkg:npm/d@1.0.0",
    "pkg:npm/app@1.0.0 -optional-> pkg:npm/x@9.0.0",
    "pkg:npm/app@1.0.0 -runtime-> pkg:npm/a@1.0.0",
    "pkg:npm/app@1.0.0 -runtime-> pkg:npm/b@1.1.0",
    "pkg:npm/app@1.0.0 -runtime-> pkg:npm/w@0.1.0",
    "pkg:npm/b@1.1.0 -runtime-> pkg:npm/c@1.0.0",
    "pkg:npm/d@1.0.0 -runtime-> pkg:npm/%40s/e@3.0.0",
    "pkg:npm/w@0.1.0 -runtime-> pkg:npm/c@1.0.0",
  ]);
  assert.deepEqual(sink.identities("pkg:npm/a@1.0.0"), ["github:alice"]);
  assert.equal(sink.components.get("pkg:npm/a@1.0.0")?.license, "MIT");
});

test("lockfile errors name the field", () => {
  const missing = {
    lockfileVersion: 3,
    packages: { "": { name: "a", version: "1.0.0", dependencies: { nope: "1" } } },
  };
  const e1 = caught(() => read(fromText("lock.json", JSON.stringify(missing))));
  assert.equal(e1.code, "INPUT_DANGLING_REFERENCE");
  assert.equal(e1.field, 'packages[""].dependencies.nope');
  const badType = { lockfileVersion: 3, packages: { "": { name: "a" }, "node_modules/b": { version: 5 } } };
  const e2 = caught(() => read(fromText("lock.json", JSON.stringify(badType))));
  assert.equal(e2.code, "INPUT_SCHEMA");
  assert.equal(e2.field, 'packages["node_modules/b"].version');
  const badRange = { lockfileVersion: 3, packages: { "": { name: "a", dependencies: { x: 1 } } } };
  const e3 = caught(() => read(fromText("lock.json", JSON.stringify(badRange))));
  assert.equal(e3.code, "INPUT_SCHEMA");
  assert.equal(e3.field, 'packages[""].dependencies.x');
  const badFunding = {
    lockfileVersion: 3,
    packages: { "": { name: "a" }, "node_modules/b": { version: "1.0.0", funding: { type: "x" } } },
  };
  const e4 = caught(() => read(fromText("lock.json", JSON.stringify(badFunding))));
  assert.equal(e4.code, "INPUT_SCHEMA");
  assert.match(e4.field ?? "", /^packages\["node_modules\/b"\]\.funding/);
  const v7 = caught(() =>
    read(fromText("lock.json", JSON.stringify({ lockfileVersion: 7, dependencies: {} }))),
  );
  assert.equal(v7.code, "INPUT_SCHEMA");
  assert.equal(v7.field, "lockfileVersion");
});

test("CycloneDX and SPDX from npm sbom agree with the lockfile on keys and edges", () => {
  const keysAndEdges = (file: ReturnType<typeof fixture>) => {
    const sink = read(file);
    return {
      keys: new Set(sink.components.keys()),
      edges: new Set(sink.edges.map((e) => `${e.from} ${e.to}`)),
      sink,
    };
  };
  const lock = keysAndEdges(fixture("npm-sbom", "wellspring.package-lock.json"));
  for (const name of ["wellspring.cdx.json", "wellspring.spdx.json"]) {
    const other = keysAndEdges(fixture("npm-sbom", name));
    assert.deepEqual(
      other.sink.roots.map((r) => r.key),
      [ROOT],
      name,
    );
    assert.ok(other.keys.size > 400, name);
    assert.deepEqual(
      [...other.keys].filter((k) => !lock.keys.has(k)),
      [],
      `${name}: keys missing from the lockfile`,
    );
    assert.deepEqual(
      [...other.edges].filter((k) => !lock.edges.has(k)),
      [],
      `${name}: edges missing from the lockfile`,
    );
  }
  // Reading all three into one graph merges them instead of duplicating nodes.
  const builder = new GraphBuilder();
  readInputs(
    ["wellspring.package-lock.json", "wellspring.cdx.json", "wellspring.spdx.json"].map((n) =>
      fixture("npm-sbom", n),
    ),
    builder,
  );
  const graph = builder.build();
  assert.equal(graph.n, lock.keys.size);
});

test("SPDX: relationship kinds, NOASSERTION licenses and supplier identities", () => {
  const spdx = {
    spdxVersion: "SPDX-2.3",
    SPDXID: "SPDXRef-DOCUMENT",
    files: [{ SPDXID: "SPDXRef-File-1", fileName: "./a.c" }],
    packages: [
      {
        SPDXID: "SPDXRef-app",
        name: "app",
        versionInfo: "1.0.0",
        licenseConcluded: "NOASSERTION",
        licenseDeclared: "MIT",
      },
      {
        SPDXID: "SPDXRef-lib",
        name: "lib",
        versionInfo: "2.0.0",
        supplier: "Person: Jane Doe (jane@example.org)",
        licenseConcluded: "Apache-2.0",
        externalRefs: [
          {
            referenceCategory: "PACKAGE-MANAGER",
            referenceType: "purl",
            referenceLocator: "pkg:npm/lib@2.0.0",
          },
        ],
      },
      {
        SPDXID: "SPDXRef-tool",
        name: "tool",
        versionInfo: "NOASSERTION",
        downloadLocation: "git+https://github.com/acme/tool.git",
      },
    ],
    relationships: [
      { spdxElementId: "SPDXRef-DOCUMENT", relatedSpdxElement: "SPDXRef-app", relationshipType: "DESCRIBES" },
      { spdxElementId: "SPDXRef-app", relatedSpdxElement: "SPDXRef-lib", relationshipType: "DEPENDS_ON" },
      { spdxElementId: "SPDXRef-tool", relatedSpdxElement: "SPDXRef-app", relationshipType: "BUILD_TOOL_OF" },
      { spdxElementId: "SPDXRef-app", relatedSpdxElement: "SPDXRef-File-1", relationshipType: "CONTAINS" },
      {
        spdxElementId: "SPDXRef-app",
        relatedSpdxElement: "DocumentRef-other:SPDXRef-x",
        relationshipType: "DEPENDS_ON",
      },
    ],
  };
  const sink = read(fromText("doc.spdx.json", JSON.stringify(spdx)));
  assert.deepEqual(
    sink.roots.map((r) => r.key),
    ["pkg:generic/app@1.0.0"],
  );
  assert.equal(sink.components.get("pkg:generic/app@1.0.0")?.license, "MIT");
  assert.equal(sink.components.get("pkg:npm/lib@2.0.0")?.license, "Apache-2.0");
  assert.deepEqual(
    sink.edges.map((e) => `${e.from} -${e.kind}-> ${e.to}`),
    ["pkg:generic/app@1.0.0 -runtime-> pkg:npm/lib@2.0.0", "pkg:generic/app@1.0.0 -dev-> pkg:generic/tool"],
  );
  assert.match(sink.identities("pkg:npm/lib@2.0.0")[0] as string, /^email-sha256:[0-9a-f]{64}$/);
  assert.deepEqual(sink.identities("pkg:generic/tool"), ["github:acme"]);

  // A relationship naming an id declared nowhere is dropped, with one warning naming it.
  const dangling = structuredClone(spdx);
  (dangling.relationships[1] as { relatedSpdxElement: string }).relatedSpdxElement = "SPDXRef-missing";
  const dropped = read(fromText("doc.spdx.json", JSON.stringify(dangling)));
  assert.deepEqual(
    dropped.edges.map((e) => `${e.from} -${e.kind}-> ${e.to}`),
    ["pkg:generic/app@1.0.0 -dev-> pkg:generic/tool"],
  );
  assert.deepEqual(
    dropped.warnings.map((w) => [w.source.field, w.message]),
    [
      [
        "relationships",
        '1 relationship(s) name SPDX elements this document does not declare and were dropped: relationships[1].relatedSpdxElement "SPDXRef-missing"',
      ],
    ],
  );

  // The product named by an id declared nowhere is still refused: whose revenue would it be?
  const noProduct = structuredClone(spdx);
  (noProduct.relationships[0] as { relatedSpdxElement: string }).relatedSpdxElement = "SPDXRef-missing";
  const error = caught(() => read(fromText("doc.spdx.json", JSON.stringify(noProduct))));
  assert.equal(error.code, "INPUT_DANGLING_REFERENCE");
  assert.equal(error.field, "relationships[0].relatedSpdxElement");
});

test("SPDX: described files and snippets are not the product; the described packages are", () => {
  const doc = (describes: string[]) => ({
    spdxVersion: "SPDX-2.3",
    SPDXID: "SPDXRef-DOCUMENT",
    documentDescribes: describes,
    files: [{ SPDXID: "SPDXRef-File-1", fileName: "./a.c" }],
    snippets: [{ SPDXID: "SPDXRef-Snippet-1", snippetFromFile: "SPDXRef-File-1" }],
    packages: [
      { SPDXID: "SPDXRef-app", name: "app", versionInfo: "1.0.0", hasFiles: ["SPDXRef-File-2"] },
      { SPDXID: "SPDXRef-lib", name: "lib", versionInfo: "2.0.0" },
    ],
    relationships: [
      { spdxElementId: "SPDXRef-app", relatedSpdxElement: "SPDXRef-lib", relationshipType: "DEPENDS_ON" },
      // A file listed only in hasFiles is known too: this relationship is skipped, not dropped.
      { spdxElementId: "SPDXRef-app", relatedSpdxElement: "SPDXRef-File-2", relationshipType: "CONTAINS" },
    ],
  });
  const both = read(fromText("doc.spdx.json", JSON.stringify(doc(["SPDXRef-File-1", "SPDXRef-app"]))));
  assert.deepEqual(
    both.roots.map((r) => [r.key, r.source.field]),
    [["pkg:generic/app@1.0.0", "documentDescribes[1]"]],
  );
  assert.deepEqual(both.warnings, []);
  assert.equal(both.edges.length, 1);
  // Only files and snippets described: this document names no product.
  const files = doc(["SPDXRef-File-1", "SPDXRef-Snippet-1"]);
  assert.equal(caught(() => read(fromText("doc.spdx.json", JSON.stringify(files)))).code, "INPUT_NO_ROOT");
  const error = caught(() => read(fromText("doc.spdx.json", JSON.stringify(doc(["SPDXRef-nothing"])))));
  assert.equal(error.code, "INPUT_DANGLING_REFERENCE");
  assert.equal(error.field, "documentDescribes[0]");
});

test("live: npm sbom on this repository parses in both formats", () => {
  for (const format of ["cyclonedx", "spdx"]) {
    const out = execFileSync("npm", ["sbom", "--sbom-format", format], {
      cwd: REPO_ROOT,
      maxBuffer: 256 << 20,
      stdio: ["ignore", "pipe", "ignore"],
    });
    const sink = new RecordingSink();
    const [summary] = readInputs([inputFile(`npm-sbom.${format}.json`, out)], sink);
    assert.match(summary?.format ?? "", format === "spdx" ? /^spdx-2\.3$/ : /^cyclonedx-1\.[4-6]$/);
    assert.deepEqual(
      sink.roots.map((r) => r.key),
      [ROOT],
    );
    assert.ok(sink.edges.length > 100);
  }
  // And the live lockfile with the live CycloneDX build one graph.
  const lockPath = join(REPO_ROOT, "package-lock.json");
  const builder = new GraphBuilder();
  readInputs([inputFile(lockPath, readFileSync(lockPath))], builder);
  assert.equal(builder.build().keys.includes(ROOT), true);
});

test("SPDX schema errors name the field", () => {
  const doc = (packages: unknown[], relationships: unknown[] = []) =>
    JSON.stringify({
      spdxVersion: "SPDX-2.3",
      SPDXID: "SPDXRef-DOCUMENT",
      documentDescribes: ["SPDXRef-a"],
      packages,
      relationships,
    });
  const e1 = caught(() =>
    read(
      fromText(
        "d.spdx.json",
        doc([
          { SPDXID: "SPDXRef-a", name: "a" },
          { SPDXID: "SPDXRef-b", name: 3 },
        ]),
      ),
    ),
  );
  assert.equal(e1.code, "INPUT_SCHEMA");
  assert.equal(e1.field, "packages[1].name");
  const e2 = caught(() =>
    read(
      fromText(
        "d.spdx.json",
        doc(
          [{ SPDXID: "SPDXRef-a", name: "a" }],
          [{ spdxElementId: "SPDXRef-a", relationshipType: "DEPENDS_ON" }],
        ),
      ),
    ),
  );
  assert.equal(e2.code, "INPUT_SCHEMA");
  assert.equal(e2.field, "relationships[0].relatedSpdxElement");
  const e3 = caught(() =>
    read(
      fromText(
        "d.spdx.json",
        doc([{ SPDXID: "SPDXRef-a", name: "a", externalRefs: [{ referenceType: "purl" }] }]),
      ),
    ),
  );
  assert.equal(e3.code, "INPUT_SCHEMA");
  assert.equal(e3.field, "packages[0].externalRefs[0].referenceLocator");
});
