/** SPDX 3.0 JSON-LD: software, AI and dataset profiles, relationships, roots, errors. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { attribute } from "../../src/attribute.ts";
import { serializeShareTableToString } from "../../src/table.ts";
import { detectFormat, readInputs } from "../../src/inputs/index.ts";
import { caught, fixture, fromText, RecordingSink } from "./helpers.ts";
import { seeded, shuffledJson, tableWithoutInputs } from "../helpers.ts";

const NAME = "ai-3.0.1.spdx3.json";

test("an SPDX 3 AI BOM: packages, model, dataset, licences, people, edges and root", () => {
  assert.equal(detectFormat(fixture("spec", NAME)), "spdx-3.0.1");
  const sink = new RecordingSink();
  readInputs([fixture("spec", NAME)], sink);
  assert.deepEqual(
    sink.roots.map((r) => [r.key, r.source.field]),
    [["pkg:pypi/assistant@1.0.0", "@graph[4].rootElement[0]"]],
  );
  const model = "pkg:huggingface/meta-llama/llama-3.2-1b";
  assert.deepEqual(sink.components.get(model), {
    kind: "model",
    name: "Llama-3.2-1B",
    license: "LicenseRef-Llama-3.2",
    availability: { weights: true },
  });
  assert.equal(sink.components.get("dataset:huggingface/huggingfacefw/fineweb")?.kind, "dataset");
  assert.equal(sink.components.get("pkg:pypi/numpy@2.0.0")?.license, "BSD-3-Clause");
  assert.deepEqual(sink.identities("pkg:pypi/assistant@1.0.0"), ["github:owner"]);
  assert.deepEqual(sink.identities("pkg:pypi/numpy@2.0.0"), ["github:numpy"]);
  assert.deepEqual(sink.edges.map((e) => `${e.from} -${e.kind}-> ${e.to}`).sort(), [
    `${model} -fineTunedFrom-> pkg:huggingface/acme/base-model`,
    `${model} -trainedOn-> dataset:huggingface/huggingfacefw/fineweb`,
    `pkg:pypi/assistant@1.0.0 -dev-> pkg:pypi/pytest@8.0.0`,
    `pkg:pypi/assistant@1.0.0 -runtime-> ${model}`,
    `pkg:pypi/assistant@1.0.0 -runtime-> pkg:pypi/numpy@2.0.0`,
  ]);
});

test("SPDX 3: the table ignores member and element order", () => {
  const file = fixture("spec", NAME);
  const policy = { version: 1 };
  const table = (text: string) =>
    tableWithoutInputs(
      serializeShareTableToString(attribute({ files: [fromText(NAME, text)], policy }).table),
    );
  const value = JSON.parse(new TextDecoder().decode(file.bytes)) as { "@graph": unknown[] };
  const expected = table(JSON.stringify(value));
  const reversed = { ...value, "@graph": [...value["@graph"]].reverse() };
  assert.equal(table(shuffledJson(reversed, seeded(7))), expected);
});

test("SPDX 3 errors: duplicate ids name both; undeclared relationship ends are dropped, an undeclared root refused", () => {
  const value = JSON.parse(new TextDecoder().decode(fixture("spec", NAME).bytes)) as {
    "@graph": Array<Record<string, unknown>>;
  };
  const dup = { ...value, "@graph": [...value["@graph"], { ...value["@graph"][10] }] };
  const e1 = caught(() => readInputs([fromText("d.json", JSON.stringify(dup))], new RecordingSink()));
  assert.equal(e1.code, "INPUT_DUPLICATE_REFERENCE");
  assert.match(e1.message, /@graph\[10\].*@graph\[17\]/);
  const graph = value["@graph"].map((e) =>
    e.spdxId === "https://example.org/spdx3/rel/app-model"
      ? { ...e, to: ["https://example.org/spdx3/pkg/nope"] }
      : e,
  );
  // A relationship end declared nowhere is dropped, with a warning naming it.
  const sink = new RecordingSink();
  readInputs([fromText("n.json", JSON.stringify({ ...value, "@graph": graph }))], sink);
  assert.deepEqual(
    sink.warnings.map((w) => w.message),
    [
      '1 relationship(s) name SPDX elements this document does not declare and were dropped: @graph[1].to[0] "https://example.org/spdx3/pkg/nope"',
    ],
  );
  assert.ok(
    !sink.edges.some((e) => e.to === "pkg:huggingface/meta-llama/llama-3.2-1b" && e.kind === "runtime"),
  );
  // A root element declared nowhere is still refused: the product would be unknown.
  const rootless = value["@graph"].map((e) =>
    Array.isArray(e.rootElement) ? { ...e, rootElement: ["https://example.org/spdx3/nope"] } : e,
  );
  const e2 = caught(() =>
    readInputs([fromText("n.json", JSON.stringify({ ...value, "@graph": rootless }))], new RecordingSink()),
  );
  assert.equal(e2.code, "INPUT_DANGLING_REFERENCE");
  assert.match(e2.field ?? "", /^@graph\[\d+\]\.rootElement\[0\]$/);
});
