/** CycloneDX XML: read as the JSON form of the same BOM, streamed; errors with line and column. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { attribute } from "../../src/attribute.ts";
import { serializeShareTableToString } from "../../src/table.ts";
import { detectFormat, readInputs } from "../../src/inputs/index.ts";
import { caught, fixture, fromText, RecordingSink } from "./helpers.ts";
import { tableWithoutInputs } from "../helpers.ts";

function recorded(name: string, root?: string): RecordingSink {
  const sink = new RecordingSink();
  readInputs([fixture("spec", name)], sink, root === undefined ? {} : { root });
  return sink;
}

const edges = (s: RecordingSink): string[] => s.edges.map((e) => `${e.from} -${e.kind}-> ${e.to}`).sort();

test("an XML ML-BOM reads exactly as its JSON twin", () => {
  assert.equal(detectFormat(fixture("spec", "mlbom-1.6.xml")), "cyclonedx-xml-1.6");
  const xml = recorded("mlbom-1.6.xml");
  const json = recorded("mlbom-1.6.json");
  assert.deepEqual([...xml.components].sort(), [...json.components].sort());
  assert.deepEqual(edges(xml), edges(json));
  assert.deepEqual(
    xml.roots.map((r) => [r.key, r.source.field]),
    json.roots.map((r) => [r.key, r.source.field]),
  );
  assert.deepEqual([...xml.contributors].sort(), [...json.contributors].sort());
  // What the test document says, spelled out once.
  assert.equal(
    xml.components.get("dataset:huggingface/wikimedia/wikipedia")?.license,
    "CC-BY-SA-3.0 AND GFDL-1.3",
  );
  assert.ok(
    edges(xml).includes(
      "pkg:huggingface/google-bert/bert-base-cased -trainedOn-> dataset:huggingface/wikimedia/wikipedia",
    ),
  );
  assert.ok(edges(xml).includes("pkg:npm/chat-app@2.0.0 -runtime-> service:inference-api@1"));
  assert.deepEqual(xml.identities("pkg:pypi/tokenizers@0.15.0"), ["github:tok-dev"]);

  const policy = { version: 1 };
  const table = (name: string) =>
    tableWithoutInputs(
      serializeShareTableToString(attribute({ files: [fixture("spec", name)], policy }).table),
    );
  assert.equal(table("mlbom-1.6.xml"), table("mlbom-1.6.json"));
  // left-pad has no edge: reported, and made a direct dependency.
  const result = attribute({ files: [fixture("spec", "mlbom-1.6.xml")], policy });
  assert.deepEqual(result.report.unreachable.components, [
    { component: "pkg:npm/left-pad@1.3.0", reason: "no-dependents", attached: true },
  ]);
});

test("CycloneDX 1.1 XML with the dependency-graph extension", () => {
  const file = fixture("spec", "bom-1.1-dependency-graph.xml");
  assert.equal(detectFormat(file), "cyclonedx-xml-1.1");
  const sink = recorded("bom-1.1-dependency-graph.xml", "pkg:maven/org.acme/app@1.0");
  assert.deepEqual(edges(sink), [
    "pkg:maven/org.acme/app@1.0 -runtime-> pkg:maven/org.apache.commons/commons-lang3@3.12.0",
  ]);
  assert.deepEqual(sink.identities("pkg:maven/org.apache.commons/commons-lang3@3.12.0"), ["github:apache"]);
});

test("XML errors: syntax with line and column, schema with the field, dangling references", () => {
  const broken = `<?xml version="1.0"?>\n<bom xmlns="http://cyclonedx.org/schema/bom/1.5">\n  <components>\n    <component type="library"><name>a</nme></component>\n  </components>\n</bom>\n`;
  const e1 = caught(() => readInputs([fromText("b.xml", broken)], new RecordingSink()));
  assert.equal(e1.code, "INPUT_SCHEMA");
  assert.equal(e1.file, "b.xml");
  assert.equal(e1.line, 4);
  const noName = `<bom xmlns="http://cyclonedx.org/schema/bom/1.5"><components><component type="library"><version>1</version></component></components></bom>`;
  const e2 = caught(() => readInputs([fromText("n.xml", noName)], new RecordingSink()));
  assert.equal(e2.code, "INPUT_SCHEMA");
  assert.equal(e2.field, "components[0].name");
  const dangling = `<bom xmlns="http://cyclonedx.org/schema/bom/1.5"><metadata><component type="application" bom-ref="a"><name>a</name></component></metadata><dependencies><dependency ref="a"><dependency ref="nope"/></dependency></dependencies></bom>`;
  const e3 = caught(() => readInputs([fromText("d.xml", dangling)], new RecordingSink()));
  assert.equal(e3.code, "INPUT_DANGLING_REFERENCE");
  assert.equal(e3.field, "dependencies[0].dependsOn[0]");
  // Not CycloneDX: another XML vocabulary is not recognised.
  assert.equal(
    detectFormat(
      fromText("pom.xml", `<?xml version="1.0"?><project xmlns="http://maven.apache.org/POM/4.0.0"/>`),
    ),
    undefined,
  );
});
