import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { keccak256, stringToHex } from "viem";
import { canonicalHash, canonicalJson, jsonDiff } from "../src/canonical.ts";

describe("canonicalJson", () => {
  it("sorts keys at every depth and drops whitespace", () => {
    const text = canonicalJson({ b: [3, { z: true, a: null }], a: "x", é: 1.5, A: -0.25 });
    assert.equal(text, '{"A":-0.25,"a":"x","b":[3,{"a":null,"z":true}],"é":1.5}');
  });

  it("gives the same hash for the same value written differently", () => {
    const one = JSON.parse('{ "weights": { "runtime": 1, "dev": 0.1 }, "keep": "0.2" }');
    const two = JSON.parse('{"keep":"0.2","weights":{"dev":0.1,"runtime":1}}');
    assert.equal(canonicalHash(canonicalJson(one)), canonicalHash(canonicalJson(two)));
    assert.equal(
      canonicalHash(canonicalJson(one)),
      keccak256(stringToHex('{"keep":"0.2","weights":{"dev":0.1,"runtime":1}}')),
    );
  });

  it("hashes UTF-8 bytes", () => {
    // keccak256("\"é\"") over the 4 bytes 22 c3 a9 22.
    assert.equal(canonicalHash(canonicalJson("é")), keccak256("0x22c3a922"));
  });

  it("refuses values JSON cannot carry exactly", () => {
    for (const bad of [Number.NaN, Infinity, undefined, 1n, () => 1, new Date(0), { a: undefined }]) {
      assert.throws(() => canonicalJson(bad), TypeError);
    }
  });
});

describe("jsonDiff", () => {
  it("reports nested adds, removes and replacements as JSON Pointers", () => {
    const from = { keep: 0.2, weights: { runtime: 1, dev: 0.1 }, "a/b": 1, "t~": 1 };
    const to = { keep: 0.25, weights: { runtime: 1, peer: 0.5 }, "a/b": 2, "t~": 1 };
    assert.deepEqual(jsonDiff(from, to), [
      { op: "replace", path: "/a~1b", from: 1, to: 2 },
      { op: "replace", path: "/keep", from: 0.2, to: 0.25 },
      { op: "remove", path: "/weights/dev", from: 0.1 },
      { op: "add", path: "/weights/peer", to: 0.5 },
    ]);
  });

  it("compares arrays by index and removes from the end backwards", () => {
    assert.deepEqual(jsonDiff({ l: [1, 2, 3, 4] }, { l: [1, 9] }), [
      { op: "replace", path: "/l/1", from: 2, to: 9 },
      { op: "remove", path: "/l/3", from: 4 },
      { op: "remove", path: "/l/2", from: 3 },
    ]);
    assert.deepEqual(jsonDiff([1], [1, { a: 1 }]), [{ op: "add", path: "/1", to: { a: 1 } }]);
  });

  it("replaces across types and is empty for equal documents", () => {
    assert.deepEqual(jsonDiff({ x: [1] }, { x: { 0: 1 } }), [
      { op: "replace", path: "/x", from: [1], to: { 0: 1 } },
    ]);
    assert.deepEqual(jsonDiff({ a: { b: [1, { c: null }] } }, { a: { b: [1, { c: null }] } }), []);
  });
});
