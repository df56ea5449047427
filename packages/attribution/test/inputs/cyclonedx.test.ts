import { test } from "node:test";
import assert from "node:assert/strict";
import { readInputs } from "../../src/inputs/index.ts";
import { GraphBuilder } from "../../src/graph.ts";
import { caught, fixture, fromText, RecordingSink } from "./helpers.ts";

/** The two ML-BOM samples with their published trailing commas removed (and nothing else). */
function repaired(name: string) {
  const file = fixture("samples", name);
  const text = new TextDecoder().decode(file.bytes).replace(/,(\s*[}\]])/g, "$1");
  return fromText(file.path.replace(".json", ".repaired.json"), text);
}

test("juice-shop SBOM (CycloneDX 1.4): root, every dependency edge, licenses, authors", () => {
  const sink = new RecordingSink();
  readInputs([fixture("samples", "sbom-juice-shop-npm-1.4.json")], sink);
  assert.deepEqual(
    sink.roots.map((r) => r.key),
    ["pkg:npm/juice-shop@14.1.1"],
  );
  assert.equal(sink.components.get("pkg:npm/juice-shop@14.1.1")?.kind, "application");
  assert.equal(sink.components.get("pkg:npm/juice-shop@14.1.1")?.license, "MIT");
  // 1,115 components of which some share a purl (the same version installed twice).
  assert.equal(sink.components.size, 979);
  const parser = sink.components.get("pkg:npm/%40babel/parser@7.21.2");
  assert.deepEqual([parser?.name, parser?.version, parser?.license], ["@babel/parser", "7.21.2", "MIT"]);
  // "The Babel Team" is not an identity; the GitHub owner of the vcs reference stands in.
  assert.deepEqual(sink.identities("pkg:npm/%40babel/parser@7.21.2"), ["github:babel"]);
  // Every dependsOn becomes an edge, all resolvable.
  const sample = JSON.parse(
    new TextDecoder().decode(fixture("samples", "sbom-juice-shop-npm-1.4.json").bytes),
  ) as {
    dependencies: Array<{ dependsOn?: string[] }>;
  };
  const expected = sample.dependencies.reduce((n, d) => n + (d.dependsOn?.length ?? 0), 0);
  assert.equal(sink.edges.length, expected);
  const builder = new GraphBuilder();
  readInputs([fixture("samples", "sbom-juice-shop-npm-1.4.json")], builder);
  assert.equal(builder.build().n, 979);
});

test("foundation-model ML-BOM: a lone model is the subject, with no verifiable people", () => {
  const sink = new RecordingSink();
  const [summary] = readInputs([fixture("samples", "mlbom-model-foundationmodels.json")], sink);
  assert.equal(summary?.format, "cyclonedx-1.6");
  assert.deepEqual(
    sink.roots.map((r) => r.key),
    ["model:gpt-4o"],
  );
  assert.equal(sink.components.get("model:gpt-4o")?.kind, "model");
  // Closed model: nothing says weights, code or data are published.
  assert.equal(sink.components.get("model:gpt-4o")?.availability, undefined);
  assert.deepEqual(sink.identities("model:gpt-4o"), []);
});

test("open-source model ML-BOM: Hub key, license, training datasets and openness", () => {
  const sink = new RecordingSink();
  readInputs([repaired("mlbom-model-opensource.json")], sink);
  const key = "pkg:huggingface/google-bert/bert-base-cased";
  assert.deepEqual(
    sink.roots.map((r) => r.key),
    [key],
  );
  const model = sink.components.get(key);
  assert.equal(model?.kind, "model");
  assert.equal(model?.version, "cd5ef92a9fb2f889e972770a36d4ed042daf221e");
  assert.equal(model?.license, "Apache-2.0");
  assert.deepEqual(model?.availability, { weights: true, data: true });
  assert.deepEqual(
    sink.edgesFrom(key).map((e) => [e.kind, e.to, e.source.field]),
    [
      [
        "trainedOn",
        "dataset:huggingface/legacy-datasets/wikipedia",
        "components[0].modelCard.modelParameters.datasets[0]",
      ],
      [
        "trainedOn",
        "dataset:huggingface/bookcorpus/bookcorpus",
        "components[0].modelCard.modelParameters.datasets[1]",
      ],
    ],
  );
  assert.equal(sink.components.get("dataset:huggingface/bookcorpus/bookcorpus")?.kind, "dataset");
});

test("dataset ML-BOM: data component keyed by its Hub URL, dual license kept", () => {
  const sink = new RecordingSink();
  readInputs([repaired("mlbom-dataset.json")], sink);
  const key = "dataset:huggingface/wikimedia/wikipedia";
  assert.deepEqual(
    sink.roots.map((r) => r.key),
    [key],
  );
  const dataset = sink.components.get(key);
  assert.equal(dataset?.kind, "dataset");
  assert.equal(dataset?.license, "CC-BY-SA-3.0 AND GFDL-1.3");
  assert.deepEqual(dataset?.availability, { data: true });
});

const bom = (extra: object) =>
  JSON.stringify({
    bomFormat: "CycloneDX",
    specVersion: "1.6",
    metadata: {
      component: {
        type: "application",
        name: "product",
        version: "1",
        "bom-ref": "app",
        purl: "pkg:npm/product@1",
      },
    },
    ...extra,
  });

test("ML-BOM provenance: base models, dataset refs, nested components, opt-out signals", () => {
  const text = bom({
    components: [
      {
        type: "machine-learning-model",
        "bom-ref": "m",
        name: "tuned",
        group: "acme",
        externalReferences: [{ type: "website", url: "https://huggingface.co/acme/tuned" }],
        properties: [
          { name: "huggingface:base_model", value: "meta-llama/Llama-2-7b-hf" },
          { name: "tdm-reservation", value: "1" },
        ],
        modelCard: { modelParameters: { datasets: [{ ref: "d" }] } },
        authors: [{ name: "A", email: "12+a@users.noreply.github.com" }],
        components: [{ type: "library", name: "tok", version: "2", purl: "pkg:pypi/Tok_Lib@2" }],
      },
      {
        type: "data",
        "bom-ref": "d",
        name: "corpus",
        licenses: [
          {
            license: {
              name: "Corpus License",
              text: { content: "The data may not be used for training AI systems." },
            },
          },
        ],
      },
    ],
    dependencies: [{ ref: "app", dependsOn: ["m"] }],
  });
  const sink = new RecordingSink();
  readInputs([fromText("bom.json", text)], sink);
  const m = "pkg:huggingface/acme/tuned";
  assert.deepEqual(
    sink.edges.map((e) => `${e.from} -${e.kind}-> ${e.to}`).sort(),
    [
      `${m} -contains-> pkg:pypi/tok-lib@2`,
      `${m} -fineTunedFrom-> pkg:huggingface/meta-llama/llama-2-7b-hf`,
      `${m} -trainedOn-> dataset:corpus`,
      `pkg:npm/product@1 -runtime-> ${m}`,
    ].sort(),
  );
  assert.deepEqual(sink.components.get(m)?.aiOptOut, ["tdm-reservation"]);
  assert.deepEqual(sink.components.get("dataset:corpus")?.aiOptOut, ["license-clause"]);
  assert.equal(sink.components.get("dataset:corpus")?.license, "LicenseRef-Corpus-License");
  assert.deepEqual(sink.identities(m), ["github:12"]);
  // The engine accepts it: every referenced key is declared.
  const builder = new GraphBuilder();
  readInputs([fromText("bom.json", text)], builder);
  assert.equal(builder.build().n, 5);
});

test("CycloneDX: a dependency naming an undeclared purl declares that component, with a warning", () => {
  // rust-aibom-generator names its base model this way without declaring it.
  const text = bom({
    components: [{ type: "library", name: "x", "bom-ref": "x" }],
    dependencies: [
      { ref: "app", dependsOn: ["x", "pkg:huggingface/meta-llama/Llama-3.1-8B@1.0"] },
      { ref: "pkg:pypi/Tool_Kit@2", dependsOn: ["pkg:huggingface-dataset/org/data"] },
    ],
  });
  const sink = new RecordingSink();
  readInputs([fromText("bom.json", text)], sink);
  assert.deepEqual(sink.components.get("pkg:huggingface/meta-llama/llama-3.1-8b"), {
    kind: "model",
    name: "meta-llama/llama-3.1-8b",
    purl: "pkg:huggingface/meta-llama/llama-3.1-8b",
    version: "1.0",
  });
  assert.equal(sink.components.get("pkg:pypi/tool-kit@2")?.kind, "package");
  assert.equal(sink.components.get("dataset:huggingface/org/data")?.kind, "dataset");
  assert.deepEqual(
    sink.edges.map((e) => `${e.from} -> ${e.to}`).sort(),
    [
      "pkg:npm/product@1 -> pkg:huggingface/meta-llama/llama-3.1-8b",
      "pkg:npm/product@1 -> pkg:generic/x",
      "pkg:pypi/tool-kit@2 -> dataset:huggingface/org/data",
    ].sort(),
  );
  assert.deepEqual(
    sink.warnings.map((w) => w.source.field),
    ["dependencies[0].dependsOn[1]", "dependencies[1].ref", "dependencies[1].dependsOn[0]"],
  );
  assert.match(sink.warnings[0]!.message, /names no component declared in this file; read as the component/);
});

test("CycloneDX errors: schema field paths, dangling refs, unsupported versions", () => {
  const badType = bom({
    components: [
      { type: "library", name: "x" },
      { type: "library", name: 7 },
    ],
  });
  const e1 = caught(() => readInputs([fromText("bom.json", badType)], new RecordingSink()));
  assert.equal(e1.code, "INPUT_SCHEMA");
  assert.equal(e1.file, "bom.json");
  assert.equal(e1.field, "components[1].name");

  const dangling = bom({
    components: [{ type: "library", name: "x", "bom-ref": "x" }],
    dependencies: [{ ref: "app", dependsOn: ["x", "y"] }],
  });
  const e2 = caught(() => readInputs([fromText("bom.json", dangling)], new RecordingSink()));
  assert.equal(e2.code, "INPUT_DANGLING_REFERENCE");
  assert.equal(e2.field, "dependencies[0].dependsOn[1]");

  const nestedLicense = bom({
    components: [{ type: "library", name: "x", licenses: [{ license: { id: 3 } }] }],
  });
  const e3 = caught(() => readInputs([fromText("bom.json", nestedLicense)], new RecordingSink()));
  assert.equal(e3.code, "INPUT_SCHEMA");
  assert.match(e3.field ?? "", /^components\[0\]\.licenses\[0\]/);

  const badRef = bom({
    components: [{ type: "library", name: "x", "bom-ref": "x" }],
    dependencies: [{ ref: "app" }, { ref: 5 }],
  });
  const e5 = caught(() => readInputs([fromText("bom.json", badRef)], new RecordingSink()));
  assert.equal(e5.code, "INPUT_SCHEMA");
  assert.equal(e5.field, "dependencies[1].ref");

  const badLicense = bom({
    components: [{ type: "library", name: "x", licenses: [{ expression: "MIT" }, { license: { name: 5 } }] }],
  });
  const e6 = caught(() => readInputs([fromText("bom.json", badLicense)], new RecordingSink()));
  assert.equal(e6.field, "components[0].licenses[1].license.name");

  const badProperty = bom({
    components: [
      {
        type: "library",
        name: "x",
        properties: [
          { name: "a", value: "1" },
          { name: "b", value: 2 },
        ],
      },
    ],
  });
  assert.equal(
    caught(() => readInputs([fromText("bom.json", badProperty)], new RecordingSink())).field,
    "components[0].properties[1].value",
  );
  const badReference = bom({
    components: [{ type: "library", name: "x", externalReferences: [{ type: "vcs" }] }],
  });
  assert.equal(
    caught(() => readInputs([fromText("bom.json", badReference)], new RecordingSink())).field,
    "components[0].externalReferences[0].url",
  );

  const old = JSON.stringify({ bomFormat: "CycloneDX", specVersion: "2.0", components: [] });
  const e4 = caught(() => readInputs([fromText("bom.json", old)], new RecordingSink()));
  assert.equal(e4.code, "INPUT_SCHEMA");
  assert.equal(e4.field, "specVersion");
});

test("dependencies before components are resolved once all bom-refs are known", () => {
  const text = JSON.stringify({
    bomFormat: "CycloneDX",
    specVersion: "1.5",
    dependencies: [{ ref: "app", dependsOn: ["x"] }],
    metadata: { component: { type: "application", name: "p", "bom-ref": "app" } },
    components: [{ type: "library", name: "x", version: "1", "bom-ref": "x" }],
  });
  const sink = new RecordingSink();
  readInputs([fromText("bom.json", text)], sink);
  assert.deepEqual(
    sink.edges.map((e) => [e.from, e.to]),
    [["pkg:generic/p", "pkg:generic/x@1"]],
  );
});
