/** Model cards, funding manifests, package.json and the root choice across inputs. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { readInputs, npmKey, inputFile, detectFormat } from "../../src/inputs/index.ts";
import { emailIdentity } from "../../src/inputs/identity.ts";
import { caught, fromText, RecordingSink, REPO_ROOT } from "./helpers.ts";

const CARD = `---
language: en
license: apache-2.0
base_model:
  - meta-llama/Llama-2-7b-hf
  - mistralai/Mistral-7B-v0.1
datasets:
- HuggingFaceH4/ultrachat_200k
- squad
model-index:
- name: zephyr-mix
  results:
  - task:
      type: text-generation
    metrics:
    - type: accuracy
      value: 0.7
---

# Zephyr mix

Text that is not front matter: base_model: nope
`;

test("Hugging Face model card: base models, datasets, license, openness", () => {
  const sink = new RecordingSink();
  const file = fromText("models/acme/zephyr-mix/README.md", CARD);
  assert.equal(detectFormat(file), "hf-model-card");
  readInputs([file], sink);
  const key = "pkg:huggingface/zephyr-mix";
  assert.deepEqual(
    sink.roots.map((r) => r.key),
    [key],
  );
  assert.equal(sink.components.get(key)?.license, "Apache-2.0");
  assert.deepEqual(sink.components.get(key)?.availability, { weights: true, data: true });
  assert.deepEqual(
    sink.edges.map((e) => [e.kind, e.to, e.source.field]),
    [
      ["fineTunedFrom", "pkg:huggingface/meta-llama/llama-2-7b-hf", "base_model[0]"],
      ["fineTunedFrom", "pkg:huggingface/mistralai/mistral-7b-v0.1", "base_model[1]"],
      ["trainedOn", "dataset:huggingface/huggingfaceh4/ultrachat_200k", "datasets[0]"],
      ["trainedOn", "dataset:huggingface/squad", "datasets[1]"],
    ],
  );
});

test("model card: a single base_model string, model_id, other licenses, YAML errors with a line", () => {
  const sink = new RecordingSink();
  readInputs(
    [
      fromText(
        "README.md",
        "---\nmodel_id: acme/tiny\nbase_model: google-bert/bert-base-cased\nlicense: llama2\n---\n",
      ),
    ],
    sink,
  );
  assert.equal(sink.components.get("pkg:huggingface/acme/tiny")?.license, "LicenseRef-llama2");
  assert.deepEqual(
    sink.edges.map((e) => [e.to, e.source.field]),
    [["pkg:huggingface/google-bert/bert-base-cased", "base_model"]],
  );
  const error = caught(() =>
    readInputs(
      [fromText("card/README.md", "---\nlicense: mit\nbase_model: [a, b\n---\n")],
      new RecordingSink(),
    ),
  );
  assert.equal(error.code, "INPUT_SCHEMA");
  assert.equal(error.file, "card/README.md");
  assert.ok((error.line ?? 0) >= 3);
  const typeError = caught(() =>
    readInputs([fromText("card/README.md", "---\nlicense: mit\ndatasets: 5\n---\n")], new RecordingSink()),
  );
  assert.equal(typeError.code, "INPUT_SCHEMA");
  assert.equal(typeError.field, "datasets");
});

test("funding.json v1: entity identity and EVM payout channel", () => {
  const doc = {
    version: "v1.0.0",
    entity: {
      type: "individual",
      role: "maintainer",
      name: "Jane",
      email: "Jane@Example.org",
      webpageUrl: { url: "https://jane.example.org" },
    },
    projects: [
      {
        guid: "lib",
        name: "lib",
        repositoryUrl: { url: "https://github.com/jane/lib" },
        licenses: ["spdx:MIT"],
      },
    ],
    funding: {
      channels: [
        { guid: "bank", type: "bank", address: "IBAN DE00" },
        { guid: "eth", type: "other", address: "0x00000000000000000000000000000000000000AA" },
      ],
    },
  };
  const sink = new RecordingSink();
  readInputs([fromText("funding.json", JSON.stringify(doc))], sink);
  assert.deepEqual(sink.contributors.get("git:github.com/jane/lib"), [
    {
      identity: emailIdentity("jane@example.org"),
      source: "declared",
      payout: "0x00000000000000000000000000000000000000aa",
    },
  ]);
  assert.equal(sink.components.get("git:github.com/jane/lib")?.license, "MIT");
  // Given a subject (the CLI's sibling package.json), the manifest funds that component.
  const sink2 = new RecordingSink();
  readInputs(
    [
      fromText("x/package.json", JSON.stringify({ name: "lib", version: "2.0.0" })),
      fromText("x/funding.json", JSON.stringify(doc)),
    ],
    sink2,
    {
      subjects: new Map([["x/funding.json", npmKey("lib", "2.0.0")]]),
    },
  );
  assert.deepEqual(sink2.identities(npmKey("lib", "2.0.0")), [emailIdentity("jane@example.org")]);
  const bad = caught(() =>
    readInputs(
      [fromText("funding.json", JSON.stringify({ ...doc, entity: { name: 5 } }))],
      new RecordingSink(),
    ),
  );
  assert.equal(bad.code, "INPUT_SCHEMA");
  assert.equal(bad.field, "entity.name");
});

test("FUNDING.json: Drips owners and Wellspring declared weights with payouts", () => {
  const doc = {
    drips: { ethereum: { ownedBy: "0x1111111111111111111111111111111111111111" } },
    wellspring: {
      component: "pkg:npm/lib@2.0.0",
      contributors: [
        { identity: "github:42", weight: 3, payout: "0x2222222222222222222222222222222222222222" },
        { identity: "npm:jane", weight: 1 },
      ],
    },
  };
  const sink = new RecordingSink();
  readInputs(
    [
      fromText("p/package.json", JSON.stringify({ name: "lib", version: "2.0.0" })),
      fromText("p/FUNDING.json", JSON.stringify(doc)),
    ],
    sink,
  );
  assert.deepEqual(sink.contributors.get("pkg:npm/lib@2.0.0"), [
    { identity: "0x1111111111111111111111111111111111111111", source: "declared" },
    {
      identity: "github:42",
      source: "declared",
      weight: 3,
      payout: "0x2222222222222222222222222222222222222222",
    },
    { identity: "npm:jane", source: "declared", weight: 1 },
  ]);
  const badWeight = structuredClone(doc);
  (badWeight.wellspring.contributors[1] as { weight: number }).weight = -1;
  const e = caught(() =>
    readInputs([fromText("FUNDING.json", JSON.stringify(badWeight))], new RecordingSink()),
  );
  assert.equal(e.code, "INPUT_SCHEMA");
  assert.equal(e.field, "wellspring.contributors[1].weight");
});

test("package.json: author, contributors, maintainers and funding in string and object forms", () => {
  const pkg = {
    name: "@acme/lib",
    version: "1.2.3",
    license: "MIT",
    author: "Jane Doe <jane@example.org> (https://jane.example.org)",
    contributors: [
      { name: "Kim", url: "https://github.com/kim" },
      "Lee <77+lee@users.noreply.github.com>",
      "Just A Name",
    ],
    maintainers: [{ name: "janedoe", email: "jane@example.org" }, { name: "kimk" }],
    funding: [{ type: "github", url: "https://github.com/sponsors/acme" }, "https://opencollective.com/acme"],
  };
  const sink = new RecordingSink();
  readInputs([fromText("package.json", JSON.stringify(pkg))], sink);
  const key = npmKey("@acme/lib", "1.2.3");
  assert.deepEqual(
    sink.identities(key),
    [
      emailIdentity("jane@example.org"),
      "github:77",
      "github:acme",
      "github:kim",
      "npm:kimk",
      "opencollective:acme",
    ].sort(),
  );
  assert.deepEqual(
    sink.roots.map((r) => r.key),
    [key],
  );
});

test("installed node_modules manifests of this repository parse and never become the root", () => {
  const root = join(REPO_ROOT, "node_modules");
  const files = [];
  for (const name of readdirSync(root).sort()) {
    const dirs = name.startsWith("@") ? readdirSync(join(root, name)).map((n) => join(name, n)) : [name];
    for (const dir of dirs) {
      const path = join(root, dir, "package.json");
      if (!existsSync(path)) continue;
      files.push(inputFile(path, readFileSync(path)));
    }
  }
  assert.ok(files.length > 100);
  const sink = new RecordingSink();
  const summaries = readInputs(
    [...files, fromText("package-lock.json", readFileSync(join(REPO_ROOT, "package-lock.json"), "utf8"))],
    sink,
  );
  assert.equal(summaries.filter((s) => s.format === "package-json").length, files.length);
  assert.deepEqual(
    sink.roots.map((r) => r.key),
    [npmKey("wellspring", "0.1.0")],
  );
  // node_modules manifests carry people the lockfile lacks.
  const withPeople = [...sink.contributors.keys()].filter((k) => k.startsWith("pkg:npm/"));
  assert.ok(withPeople.length > 100);
});

test("root choice: declared beats manifest; two declared products conflict; --root overrides", () => {
  const lock = JSON.stringify({ lockfileVersion: 3, packages: { "": { name: "a", version: "1.0.0" } } });
  const other = JSON.stringify({ lockfileVersion: 3, packages: { "": { name: "b", version: "1.0.0" } } });
  const sink = new RecordingSink();
  readInputs(
    [
      fromText("package.json", JSON.stringify({ name: "zzz", version: "1" })),
      fromText("package-lock.json", lock),
    ],
    sink,
  );
  assert.deepEqual(
    sink.roots.map((r) => r.key),
    ["pkg:npm/a@1.0.0"],
  );
  const conflict = caught(() =>
    readInputs(
      [fromText("a/package-lock.json", lock), fromText("b/package-lock.json", other)],
      new RecordingSink(),
    ),
  );
  assert.equal(conflict.code, "INPUT_CONFLICT");
  const chosen = new RecordingSink();
  readInputs([fromText("a/package-lock.json", lock), fromText("b/package-lock.json", other)], chosen, {
    root: "pkg:npm/b@1.0.0",
  });
  assert.deepEqual(
    chosen.roots.map((r) => r.key),
    ["pkg:npm/b@1.0.0"],
  );
  const unknown = caught(() => readInputs([fromText("notes.txt", "hello")], new RecordingSink()));
  assert.equal(unknown.code, "INPUT_UNKNOWN_FORMAT");
  assert.equal(unknown.file, "notes.txt");
  const none = caught(() =>
    readInputs(
      [
        fromText(
          "FUNDING.json",
          JSON.stringify({ wellspring: { component: "pkg:npm/x@1", contributors: [] } }),
        ),
      ],
      new RecordingSink(),
    ),
  );
  assert.equal(none.code, "INPUT_NO_ROOT");
});

test("a product no input declares: suggested by INPUT_NO_ROOT, added when named, a typo when one is declared", () => {
  const scan = (metadata?: object) =>
    fromText(
      "scan.cdx.json",
      JSON.stringify({
        bomFormat: "CycloneDX",
        specVersion: "1.6",
        ...(metadata === undefined ? {} : { metadata }),
        components: [
          { type: "library", name: "a", purl: "pkg:pypi/a@1" },
          { type: "library", name: "b", purl: "pkg:pypi/b@2" },
        ],
      }),
    );
  const none = caught(() => readInputs([scan()], new RecordingSink()));
  assert.equal(none.code, "INPUT_NO_ROOT");
  assert.match(none.details ?? "", /--product <key>/);
  assert.match(none.details ?? "", /e\.g\. pkg:pypi\/a@1, pkg:pypi\/b@2$/);

  const sink = new RecordingSink();
  readInputs([scan()], sink, { root: "pkg:pypi/project@3" });
  assert.deepEqual(sink.components.get("pkg:pypi/project@3"), {
    kind: "application",
    name: "pkg:pypi/project@3",
  });
  assert.deepEqual(sink.roots, [{ key: "pkg:pypi/project@3", source: { file: "(options)", field: "root" } }]);
  assert.match(sink.warnings[0]?.message ?? "", /is declared by no input and was added as the product/);

  const product = { component: { type: "application", name: "app", purl: "pkg:pypi/app@1" } };
  const typo = caught(() => readInputs([scan(product)], new RecordingSink(), { root: "pkg:pypi/ap@1" }));
  assert.equal(typo.code, "INPUT_NO_ROOT");
  assert.equal(typo.field, "root");
  assert.equal(typo.details, "the inputs declare pkg:pypi/app@1");
});

test("Markdown with ordinary front matter is not a model card", () => {
  const page = fromText("docs/README.md", "---\ntitle: Docs\nlicense: mit\nlayout: page\n---\n# Hello\n");
  assert.equal(detectFormat(page), undefined);
});

test("releaseBytes empties each file's bytes once it is parsed (the CLI's memory saver)", () => {
  const file = fromText("package.json", JSON.stringify({ name: "a", version: "1.0.0" }));
  const sha = file.sha256;
  const [summary] = readInputs([file], new RecordingSink(), { releaseBytes: true });
  assert.equal(file.bytes.length, 0);
  assert.equal(summary?.sha256, sha);
  const kept = fromText("package.json", JSON.stringify({ name: "a", version: "1.0.0" }));
  readInputs([kept], new RecordingSink());
  assert.ok(kept.bytes.length > 0);
});
