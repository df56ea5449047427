/** SPDX tag-value: read as the JSON form of the same document; errors name the line. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { attribute } from "../../src/attribute.ts";
import { serializeShareTableToString } from "../../src/table.ts";
import { detectFormat, readInputs } from "../../src/inputs/index.ts";
import { caught, fixture, fromText, RecordingSink } from "./helpers.ts";
import { tableWithoutInputs } from "../helpers.ts";

function recorded(name: string): RecordingSink {
  const sink = new RecordingSink();
  readInputs([fixture("spec", name)], sink);
  return sink;
}
const edges = (s: RecordingSink): string[] => s.edges.map((e) => `${e.from} -${e.kind}-> ${e.to}`).sort();

test("a tag-value document reads exactly as its JSON twin", () => {
  assert.equal(detectFormat(fixture("spec", "app-2.3.spdx")), "spdx-2.3-tag-value");
  const tv = recorded("app-2.3.spdx");
  const json = recorded("app-2.3.spdx.json");
  assert.deepEqual([...tv.components].sort(), [...json.components].sort());
  assert.deepEqual(edges(tv), edges(json));
  assert.deepEqual([...tv.contributors].sort(), [...json.contributors].sort());
  assert.deepEqual(
    tv.roots.map((r) => r.key),
    ["pkg:npm/app@1.0.0"],
  );
  assert.deepEqual(edges(tv), [
    "pkg:npm/app@1.0.0 -dev-> pkg:pypi/pytest@8.0.0",
    "pkg:npm/app@1.0.0 -runtime-> pkg:pypi/requests@2.31.0",
  ]);
  assert.equal(tv.components.get("pkg:pypi/requests@2.31.0")?.license, "Apache-2.0");
  assert.deepEqual(tv.identities("pkg:pypi/requests@2.31.0"), ["github:psf"]);
  const policy = { version: 1 };
  const table = (name: string) =>
    tableWithoutInputs(
      serializeShareTableToString(attribute({ files: [fixture("spec", name)], policy }).table),
    );
  assert.equal(table("app-2.3.spdx"), table("app-2.3.spdx.json"));
});

test("tag-value errors name the line or the field", () => {
  const noColon = "SPDXVersion: SPDX-2.3\nSPDXID: SPDXRef-DOCUMENT\nthis is not a tag\n";
  const e1 = caught(() => readInputs([fromText("x.spdx", noColon)], new RecordingSink()));
  assert.equal(e1.code, "INPUT_SCHEMA");
  assert.equal(e1.line, 3);
  const open = "SPDXVersion: SPDX-2.3\nDocumentComment: <text>never closed\n";
  assert.equal(caught(() => readInputs([fromText("x.spdx", open)], new RecordingSink())).line, 2);
  const dangling =
    "SPDXVersion: SPDX-2.3\nSPDXID: SPDXRef-DOCUMENT\nPackageName: a\nSPDXID: SPDXRef-a\nRelationship: SPDXRef-a DEPENDS_ON SPDXRef-b\n";
  // Dropped with a warning naming the JSON-equivalent field (the document's product is `a`).
  const sink = new RecordingSink();
  readInputs([fromText("x.spdx", `${dangling}Relationship: SPDXRef-DOCUMENT DESCRIBES SPDXRef-a\n`)], sink);
  assert.match(sink.warnings[0]?.message ?? "", /relationships\[0\]\.relatedSpdxElement "SPDXRef-b"/);
  assert.deepEqual(sink.edges, []);
  const noId = "SPDXVersion: SPDX-2.3\nSPDXID: SPDXRef-DOCUMENT\nPackageName: a\n";
  assert.equal(
    caught(() => readInputs([fromText("x.spdx", noId)], new RecordingSink())).field,
    "packages[0].SPDXID",
  );
});
