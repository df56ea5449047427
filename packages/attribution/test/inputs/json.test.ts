import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { JsonReader, lineColumn, parseJson } from "../../src/inputs/json.ts";
import { readInputs } from "../../src/inputs/index.ts";
import { caught, fixture, fromText, RecordingSink } from "./helpers.ts";

test("the broken ML-BOM samples are reported at the trailing comma's line and column", () => {
  for (const name of ["mlbom-model-opensource.json", "mlbom-dataset.json"]) {
    const file = fixture("samples", name);
    const error = caught(() => readInputs([file], new RecordingSink()));
    assert.equal(error.code, "INPUT_INVALID_JSON");
    assert.equal(error.file, file.path);
    // Line 8 is `        "timestamp": "2024-11-24T13:10:49Z",`: the comma is character 44.
    assert.equal(error.line, 8);
    assert.equal(error.column, 44);
    assert.match(error.message, new RegExp(`${name}, line 8, column 44: .*trailing comma`));
  }
});

test("mlbom-dataset.json has a second trailing comma, found once the first is fixed", () => {
  const file = fixture("samples", "mlbom-dataset.json");
  const text = new TextDecoder()
    .decode(file.bytes)
    .replace('"2024-11-24T13:10:49Z",', '"2024-11-24T13:10:49Z"');
  const error = caught(() => readInputs([fromText(file.path, text)], new RecordingSink()));
  assert.equal(error.code, "INPUT_INVALID_JSON");
  const lines = text.split("\n");
  const bad = lines.findIndex((l) =>
    l.includes('"url": "https://huggingface.co/datasets/wikimedia/wikipedia",'),
  );
  assert.ok(bad >= 0);
  assert.equal(error.line, bad + 1);
  assert.equal(error.column, (lines[bad] as string).lastIndexOf(",") + 1);
});

test("columns count characters, not bytes", () => {
  const text = '{"név": "ő", x}';
  const error = caught(() => parseJson(fromText("a.json", text)));
  assert.equal(error.code, "INPUT_INVALID_JSON");
  assert.equal(error.line, 1);
  assert.equal(error.column, 14);
  assert.deepEqual(lineColumn(new TextEncoder().encode("ab\ncé\nx"), 7), { line: 3, column: 1 });
});

test("errors that V8 reports without a position still get one", () => {
  for (const [text, line, column] of [
    ['{\n  "a": x\n}', 2, 8],
    ['{"a": [1, 2', 1, 12],
    ['{"a": "unterminated', 1, 7],
    ['{"a": 01}', 1, 8],
    ['{"a": "\\q"}', 1, 8],
    ["[1] [2]", 1, 5],
  ] as const) {
    const error = caught(() => parseJson(fromText("t.json", text)));
    assert.equal(error.code, "INPUT_INVALID_JSON", text);
    assert.deepEqual([error.line, error.column], [line, column], text);
  }
});

test("the scanner accepts exactly what JSON.parse accepts", () => {
  const accepts = (text: string): boolean => {
    try {
      const r = new JsonReader(fromText("f.json", text));
      r.skipValue();
      r.end();
      return true;
    } catch {
      return false;
    }
  };
  const parses = (text: string): boolean => {
    try {
      JSON.parse(text);
      return true;
    } catch {
      return false;
    }
  };
  // Valid documents, and documents with one character changed, inserted or deleted.
  const mutated = fc
    .tuple(
      fc.json(),
      fc.nat(),
      fc.constantFrom(",", "}", "]", '"', "\\", ":", "1", "-", ".", "e", " ", "\n", "\u0001", "t", "x"),
      fc.nat(2),
    )
    .map(([json, at, ch, op]) => {
      const i = at % (json.length + 1);
      if (op === 0) return json.slice(0, i) + ch + json.slice(i);
      if (op === 1) return json.slice(0, i) + ch + json.slice(i + 1);
      return json.slice(0, i) + json.slice(i + 1);
    });
  fc.assert(
    fc.property(fc.oneof(fc.json(), mutated), (text) => {
      assert.equal(accepts(text), parses(text), JSON.stringify(text));
    }),
    { numRuns: 3000 },
  );
});

test("readValue and object/array walks give the same values as JSON.parse", () => {
  fc.assert(
    fc.property(fc.array(fc.jsonValue(), { maxLength: 8 }), (values) => {
      const text = JSON.stringify({ items: values, other: { nested: values } });
      const r = new JsonReader(fromText("f.json", text));
      const seen: unknown[] = [];
      r.object((key) => {
        if (key === "items") r.array(() => seen.push(r.readValue()));
        else r.skipValue();
      });
      r.end();
      assert.deepEqual(seen, JSON.parse(JSON.stringify(values)));
    }),
    { numRuns: 300 },
  );
});

test("deep nesting does not overflow the stack", () => {
  const depth = 200_000;
  const text = "[".repeat(depth) + "]".repeat(depth);
  const r = new JsonReader(fromText("deep.json", text));
  r.skipValue();
  r.end();
});

test("loop-style walking (openObject/nextKey, openArray/nextElement) agrees with JSON.parse", () => {
  const walk = (r: JsonReader): unknown => {
    const kind = r.kind();
    if (kind === "object") {
      const out: Record<string, unknown> = {};
      r.openObject();
      // defineProperty, so a "__proto__" key is an own property as JSON.parse makes it.
      for (let k = r.nextKey(); k !== undefined; k = r.nextKey()) {
        Object.defineProperty(out, k, {
          value: walk(r),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    }
    if (kind === "array") {
      const out: unknown[] = [];
      r.openArray();
      while (r.nextElement()) out.push(walk(r));
      return out;
    }
    return kind === "string" ? r.readString() : r.readValue();
  };
  const parse = (text: string): { ok: boolean; value?: unknown } => {
    try {
      const r = new JsonReader(fromText("f.json", text));
      const value = walk(r);
      r.end();
      return { ok: true, value };
    } catch {
      return { ok: false };
    }
  };
  const reference = (text: string): { ok: boolean; value?: unknown } => {
    try {
      return { ok: true, value: JSON.parse(text) };
    } catch {
      return { ok: false };
    }
  };
  const mutated = fc
    .tuple(fc.json(), fc.nat(), fc.constantFrom(",", "}", "]", '"', ":", " ", "x"), fc.boolean())
    .map(([json, at, ch, insert]) => {
      const i = at % (json.length + 1);
      return insert ? json.slice(0, i) + ch + json.slice(i) : json.slice(0, i) + json.slice(i + 1);
    });
  fc.assert(
    fc.property(fc.oneof(fc.json(), mutated), (text) => {
      const a = parse(text);
      const b = reference(text);
      assert.equal(a.ok, b.ok, JSON.stringify(text));
      // Duplicate keys: both keep the last one.
      if (a.ok) assert.deepEqual(a.value, b.value);
    }),
    { numRuns: 2000 },
  );
});
