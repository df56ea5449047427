// The policy form's logic on the schema the server serves: a control for every field of every
// shipped policy, text read into values (errors naming the field), edits by path that copy rather
// than mutate, new rows from the schema, and the run history's wording.
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

import { enginePolicyCodec } from "@wellspring/server";

import { InputError } from "../src/app/errors.ts";
import {
  type JsonSchema,
  type Path,
  fits,
  initialValue,
  issuePath,
  label,
  nodeOf,
  readText,
  skeleton,
  valueAt,
  withRenamedKey,
  withValue,
  withoutItem,
} from "../src/app/policy-form.ts";
import { policyLabel, publishedText } from "../src/app/run-history.ts";

const schema = enginePolicyCodec.jsonSchema() as JsonSchema;
const policies = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../attribution/policies");

/** The schema node the form draws at `at` (array indexes go into items), or undefined. */
function schemaAt(at: Path): JsonSchema | undefined {
  let node: JsonSchema | undefined = schema;
  for (const key of at) {
    if (!node) return undefined;
    const n = nodeOf(node);
    node =
      n.kind === "object"
        ? n.properties.find(([k]) => k === key)?.[1]
        : n.kind === "array"
          ? n.items
          : n.kind === "record"
            ? n.values
            : undefined;
  }
  return node;
}

function* leaves(value: unknown, at: (string | number)[] = []): Generator<(string | number)[]> {
  if (Array.isArray(value)) for (const [i, v] of value.entries()) yield* leaves(v, [...at, i]);
  else if (value !== null && typeof value === "object")
    for (const [k, v] of Object.entries(value)) yield* leaves(v, [...at, k]);
  else yield at;
}

const field = { required: false, field: "f", label: "Keep" };

describe("policy form", () => {
  it("has a real control (not JSON text) for every value of every shipped policy", () => {
    let checked = 0;
    for (const file of readdirSync(policies).filter((f) => f.endsWith(".json"))) {
      const doc = JSON.parse(readFileSync(path.join(policies, file), "utf8")) as unknown;
      for (const at of leaves(doc)) {
        const node = schemaAt(at);
        assert.ok(node, `${file}: ${at.join(".")} is in the schema`);
        const n = nodeOf(node);
        assert.notEqual(n.kind, "json", `${file}: ${at.join(".")}`);
        assert.ok(fits(n, valueAt(doc, at)), `${file}: ${at.join(".")} has the type its control edits`);
        checked++;
      }
    }
    assert.ok(checked > 50);
    // Kinds as the form draws them.
    assert.deepEqual(nodeOf(schemaAt(["version"])!).kind, "choice");
    assert.deepEqual(nodeOf(schemaAt(["contributors", "source"])!).kind, "choice");
    assert.deepEqual(nodeOf(schemaAt(["identities", "usePayoutAddresses"])!).kind, "boolean");
    const halfLife = nodeOf(schemaAt(["contributors", "halfLifeDays"])!);
    assert.deepEqual([halfLife.kind, halfLife.nullable], ["number", true]);
    assert.equal(nodeOf(schemaAt(["rules"])!).kind, "array");
    assert.equal(nodeOf(schemaAt(["rules", 0, "match"])!).kind, "object");
    assert.equal(nodeOf({ type: "object", additionalProperties: { type: "number" } }).kind, "record");
    assert.equal(nodeOf({}).kind, "json");
  });

  it("reads a field's text: numbers, empty as not set or none, an error naming the field", () => {
    const number = nodeOf({ type: "number" });
    assert.equal(readText(" 0.75 ", number, field), 0.75);
    assert.equal(readText("1e-3", number, field), 0.001);
    assert.equal(readText("", number, field), undefined, "optional: not set, the default applies");
    assert.equal(readText("", nodeOf(schemaAt(["contributors", "halfLifeDays"])!), field), null);
    for (const bad of ["abc", "0x10", "1.2.3", "Infinity"])
      assert.throws(
        () => readText(bad, number, field),
        (e) => e instanceof InputError && e.field === "f" && /Keep must be a number/.test(e.message),
        bad,
      );
    assert.throws(() => readText("", number, { ...field, required: true }), /Keep is required/);
    assert.throws(() => readText("1.5", nodeOf({ type: "integer" }), field), /whole number/);
    assert.equal(readText("", nodeOf({ type: "string" }), field), undefined);
    assert.equal(readText("", nodeOf({ type: "string" }), { ...field, required: true }), "");
    assert.deepEqual(readText('{"a": [1]}', nodeOf({}), field), { a: [1] });
    assert.throws(() => readText("{", nodeOf({}), field), /not valid JSON/);
  });

  it("edits by path without touching the document it was given, creating what is missing", () => {
    const doc = Object.freeze({
      version: 1,
      keep: Object.freeze({ default: 0.5 }),
      rules: Object.freeze([1, 2, 3]),
    });
    assert.deepEqual(withValue(doc, ["keep", "default"], 0.4), {
      version: 1,
      keep: { default: 0.4 },
      rules: [1, 2, 3],
    });
    assert.deepEqual(withValue(doc, ["keep", "default"], undefined), {
      version: 1,
      keep: {},
      rules: [1, 2, 3],
    });
    assert.deepEqual(withValue({ version: 1 }, ["caps", "maxFraction"], 0.05), {
      version: 1,
      caps: { maxFraction: 0.05 },
    });
    assert.deepEqual(withValue({}, ["rules", 0, "weight"], 2), { rules: [{ weight: 2 }] });
    assert.deepEqual(withoutItem(doc, ["rules", 1]), { ...doc, rules: [1, 3] });
    assert.equal(valueAt(doc, ["keep", "default"]), 0.5);
    assert.equal(valueAt(doc, ["rules", "x"]), undefined);
    const record = { w: { a: 1, b: 2, c: 3 } };
    assert.deepEqual(Object.keys((withRenamedKey(record, ["w"], "b", "z", "k") as typeof record).w), [
      "a",
      "z",
      "c",
    ]);
    assert.throws(() => withRenamedKey(record, ["w"], "b", "c", "k"), /already an entry named "c"/);
    assert.throws(() => withRenamedKey(record, ["w"], "b", "", "k"), /Give the entry a name/);
  });

  it("starts new rows and new policies from what the schema requires", () => {
    assert.deepEqual(skeleton(schema), { version: 1 });
    assert.deepEqual(initialValue(schemaAt(["rules", 0])!), { match: {} });
    assert.deepEqual(initialValue(schemaAt(["keep", "overrides", 0])!), { match: {} });
    assert.equal(initialValue(schemaAt(["openness", "openLicenses", 0])!), "");
    assert.equal(initialValue(schemaAt(["openness", "exclude", 0])!), "open-source-ai");
  });

  it("places the server's field paths and labels keys for people", () => {
    assert.deepEqual(issuePath("body.document.keep.default"), ["keep", "default"]);
    assert.deepEqual(issuePath("body.document.rules.0.match"), ["rules", 0, "match"]);
    assert.deepEqual(issuePath("body.document"), []);
    assert.equal(label("depthDecay"), "Depth decay");
    assert.equal(label("halfLifeDays"), "Half life days");
    assert.equal(label("aiOptOut"), "AI opt out");
    assert.equal(label("noContributors"), "No contributors");
    assert.equal(label("open-source-ai"), "Open-source-ai");
    assert.equal(label(2), "Item 3");
  });

  it("says a run's policy and whether a schedule published it", () => {
    assert.equal(policyLabel({ policy: { name: "default", version: 3, hash: "0x" } }), "default@3");
    assert.equal(publishedText({ schedules: [] }), "not proposed");
    assert.equal(
      publishedText({
        schedules: [
          { scheduleId: "1", status: "revoked" },
          { scheduleId: "2", status: "active" },
        ],
      }),
      "schedule #1, revoked; schedule #2, active",
    );
  });
});
