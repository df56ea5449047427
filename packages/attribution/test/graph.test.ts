import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { GraphBuilder } from "../src/graph.ts";
import { isWellspringError } from "../src/errors.ts";

const at = (file: string, field: string) => ({ file, field });

describe("GraphBuilder", () => {
  it("interns keys, numbers them in key order and builds CSR edges sorted by (target, kind)", () => {
    const b = new GraphBuilder();
    b.edge("z", "b", "dev", at("f", "e0"));
    b.edge("z", "a", "runtime", at("f", "e1"));
    b.edge("z", "b", "runtime", at("f", "e2"));
    for (const k of ["z", "a", "b"]) b.component(k, { kind: "package", name: k }, at("f", k));
    b.root("z", at("f", "root"));
    const g = b.build();
    assert.deepEqual([...g.keys].sort(), ["a", "b", "z"]);
    const id = (k: string): number => g.keys.indexOf(k);
    assert.equal(g.root, id("z"));
    const z = id("z");
    const row = Array.from({ length: g.offsets[z + 1]! - g.offsets[z]! }, (_, i) => g.offsets[z]! + i);
    assert.deepEqual(
      row.map((e) => [g.keys[g.targets[e]!], g.kinds[e]]),
      [
        ["a", 0],
        ["b", 0],
        ["b", 1],
      ].sort((x, y) => id(x[0] as string) - id(y[0] as string) || (x[1] as number) - (y[1] as number)),
    );
  });

  it("numbers components by the keys alone, whatever order they arrive in", () => {
    const keys = Array.from({ length: 500 }, (_, i) => `pkg:npm/k${i}@1.0.0`);
    const orders = [keys, [...keys].reverse()];
    const built = orders.map((list) => {
      const b = new GraphBuilder();
      for (const k of list) b.component(k, { kind: "package", name: k }, at("f", k));
      b.root(keys[0]!, at("f", "root"));
      return b.build().keys;
    });
    assert.deepEqual(built[0], built[1]);
    assert.equal(new Set(built[0]).size, 500);
  });

  it("merges the same edge from two inputs (largest usage) and drops self-loops", () => {
    const b = new GraphBuilder();
    b.component("r", { kind: "application", name: "r" }, at("a", "x"));
    b.component("d", { kind: "package", name: "d" }, at("a", "y"));
    b.edge("r", "d", "runtime", at("a", "e"), 1);
    b.edge("r", "d", "runtime", at("b", "e"), 3);
    b.edge("d", "d", "runtime", at("b", "e"));
    b.root("r", at("a", "root"));
    const g = b.build();
    assert.equal(g.targets.length, 1);
    assert.deepEqual([...g.usage], [3]);
  });

  it("fills component facts that earlier inputs left empty, unions opt-out signals and joins differing licences", () => {
    const b = new GraphBuilder();
    b.component("m", { kind: "package", name: "m" }, at("a", "c"));
    b.component(
      "m",
      { kind: "model", name: "m2", license: "MIT", aiOptOut: ["x"], availability: { weights: true } },
      at("b", "c"),
    );
    b.component(
      "m",
      { kind: "model", name: "m3", license: "GPL-3.0-only", aiOptOut: ["a"], availability: { code: true } },
      at("c", "c"),
    );
    b.root("m", at("a", "root"));
    const g = b.build();
    assert.deepEqual(g.info[0], {
      kind: "model",
      name: "m",
      // Two inputs disagree: both apply, so the stricter governs gating (sorted: order-free).
      license: "GPL-3.0-only AND MIT",
      aiOptOut: ["a", "x"],
      availability: { weights: true, code: true },
    });
    assert.equal(g.files[g.declaredIn[0]!], "a");
    assert.deepEqual(g.warnings, [
      "m: the inputs state different licences (GPL-3.0-only / MIT); all apply: GPL-3.0-only AND MIT",
    ]);
  });

  it("merges contributor evidence per identity and tracks the newest commit", () => {
    const b = new GraphBuilder();
    b.component("r", { kind: "application", name: "r" }, at("a", "c"));
    b.contributor(
      "r",
      { identity: "github:1", source: "git", activity: [{ time: 50, lines: 3 }] },
      at("g", "c0"),
    );
    b.contributor("r", { identity: "github:1", source: "declared", weight: 2 }, at("f", "c1"));
    b.contributor(
      "r",
      { identity: "github:0", source: "git", activity: [{ time: 70, lines: 1 }] },
      at("g", "c2"),
    );
    b.root("r", at("a", "root"));
    const g = b.build();
    assert.equal(g.newestCommit, 70);
    assert.deepEqual(
      g.contributors.map((c) => [c.identity, c.declared, c.weight, c.commits.length]),
      [
        ["github:0", false, Number.NaN, 1],
        ["github:1", true, 2, 1],
      ],
    );
  });

  it("names the file and field of a dangling reference", () => {
    const b = new GraphBuilder();
    b.component("r", { kind: "application", name: "r" }, at("bom.json", "metadata.component"));
    b.edge("r", "ghost", "runtime", at("bom.json", "dependencies[0].dependsOn[1]"));
    b.root("r", at("bom.json", "metadata.component"));
    assert.throws(
      () => b.build(),
      (e) =>
        isWellspringError(e, "INPUT_DANGLING_REFERENCE") &&
        e.file === "bom.json" &&
        e.field === "dependencies[0].dependsOn[1]",
    );
  });

  it("needs exactly one root", () => {
    const none = new GraphBuilder();
    none.component("r", { kind: "application", name: "r" }, at("a", "c"));
    assert.throws(
      () => none.build(),
      (e) => isWellspringError(e, "INPUT_NO_ROOT"),
    );
    const two = new GraphBuilder();
    two.component("r", { kind: "application", name: "r" }, at("a", "c"));
    two.component("s", { kind: "application", name: "s" }, at("b", "c"));
    two.root("r", at("a", "root"));
    two.root("s", at("b", "root"));
    assert.throws(
      () => two.build(),
      (e) => isWellspringError(e, "INPUT_CONFLICT") && e.file === "b",
    );
  });

  it("rejects bad usage weights and empty identities with INPUT_SCHEMA", () => {
    const b = new GraphBuilder();
    assert.throws(
      () => b.edge("a", "b", "runtime", at("f", "e"), -1),
      (e) => isWellspringError(e, "INPUT_SCHEMA"),
    );
    assert.throws(
      () => b.contributor("a", { identity: " ", source: "declared" }, at("f", "c")),
      (e) => isWellspringError(e, "INPUT_SCHEMA"),
    );
  });
});
