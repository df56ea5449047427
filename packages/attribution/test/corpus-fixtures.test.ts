/**
 * The conformance corpus (fixtures/corpus) stays accounted for: every document is described in
 * its README (source, commit, licence), every folder keeps its source's licence, the status table
 * lists exactly the documents, and the corpus stays small. Also checks the census the status
 * script compares the engine's counts with (scripts/lib/sbom-census.ts).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

import { census } from "../../../scripts/lib/sbom-census.ts";
import { FIXTURES } from "./inputs/helpers.ts";

const CORPUS = join(FIXTURES, "corpus");
const NOT_A_DOCUMENT = /^(LICENSE(\..*)?|NOTICE(\..*)?)$/;
const MAX_FILE_BYTES = 3 << 20;
const MAX_TOTAL_BYTES = 15 << 20;

const folders = readdirSync(CORPUS).filter((name) => statSync(join(CORPUS, name)).isDirectory());
const documents = folders.flatMap((folder) =>
  readdirSync(join(CORPUS, folder))
    .filter((name) => !NOT_A_DOCUMENT.test(name))
    .map((name) => `${folder}/${name}`),
);

/** Backquoted document paths in the first column of a Markdown table. */
function firstColumnPaths(markdown: string): string[] {
  return [...markdown.matchAll(/^\| `([^`]+\/[^`]+)` \|/gm)].map((m) => m[1]!);
}

test("corpus: at least 25 documents, each described once in README.md, and nothing else", () => {
  assert.ok(documents.length >= 25, `${documents.length} documents`);
  const described = firstColumnPaths(readFileSync(join(CORPUS, "README.md"), "utf8"));
  assert.deepEqual([...described].sort(), [...documents].sort());
});

test("corpus: every folder keeps its source's licence", () => {
  for (const folder of folders) {
    const names = readdirSync(join(CORPUS, folder));
    assert.ok(
      names.some((n) => n.startsWith("LICENSE")),
      `${folder} has no LICENSE file`,
    );
  }
});

test("corpus: corpus-status.md lists exactly the documents", () => {
  const listed = firstColumnPaths(readFileSync(join(CORPUS, "corpus-status.md"), "utf8"));
  assert.deepEqual([...listed].sort(), [...documents].sort());
});

test("corpus: no file over 3 MB, all under 15 MB", () => {
  let total = 0;
  for (const doc of documents) {
    const size = statSync(join(CORPUS, doc)).size;
    assert.ok(size <= MAX_FILE_BYTES, `${doc}: ${size} bytes`);
    total += size;
  }
  assert.ok(total <= MAX_TOTAL_BYTES, `${total} bytes`);
});

test("census: format by content, and the same count from a document's JSON and XML forms", () => {
  const of = (doc: string) => census(readFileSync(join(CORPUS, doc)));
  const twins: Array<[string, string, string, string, number]> = [
    // JSON, XML, their formats, components declared (metadata.component included)
    [
      "cyclonedx-node-module/cern-lhc-vdm-editor-e564943.bom.json",
      "cyclonedx-node-module/cern-lhc-vdm-editor-e564943.bom.xml",
      "cyclonedx-json-1.2",
      "cyclonedx-xml-1.2",
      44,
    ],
    [
      "syft/cyclonedxjson_TestCycloneDxImageEncoder.cdx.json",
      "syft/cyclonedxxml_TestCycloneDxImageEncoder.cdx.xml",
      "cyclonedx-json-1.7",
      "cyclonedx-xml-1.7",
      4,
    ],
    // Same environment at two spec versions (the XML form has tools and nested elements to skip).
    [
      "cyclonedx-py/environment_plain_with-extras_1.7.cdx.json",
      "cyclonedx-py/environment_plain_with-extras_1.3.cdx.xml",
      "cyclonedx-json-1.7",
      "cyclonedx-xml-1.3",
      32,
    ],
  ];
  for (const [json, xml, jsonFormat, xmlFormat, declared] of twins) {
    assert.deepEqual(of(json), { format: jsonFormat, declared }, json);
    assert.deepEqual(of(xml), { format: xmlFormat, declared }, xml);
  }
  // Nested components under metadata.component count (cyclonedx-gomod's packages of an app).
  assert.deepEqual(of("cyclonedx-gomod/app_TestGenerator_Generate-SimpleWithPackages.cdx.json"), {
    format: "cyclonedx-json-1.7",
    declared: 5,
  });
  // Services, nested ones too (the product, a gateway and the five services under it).
  assert.deepEqual(of("cyclonedx-bom-examples/saasbom-apigateway-microservices-datastores.bom.json"), {
    format: "cyclonedx-json-1.4",
    declared: 7,
  });
  assert.deepEqual(of("spdx-spec/SPDXJSONExample-v2.3.spdx.json"), { format: "spdx-json-2.3", declared: 4 });
  assert.deepEqual(of("spdx-spec/SPDXTagExample-v2.3.spdx"), { format: "spdx-tag-value-2.3", declared: 4 });
  assert.deepEqual(of("spdx-examples/ai-example02.spdx3.json"), {
    format: "spdx3-jsonld-3.0.1",
    declared: 2,
  });
});
