import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { tarjan } from "../src/flow.ts";

/**
 * Tarjan at the engine's scale (10^6 components): a component with a million out-edges. Each
 * descent records where the parent's edge scan stopped, so returning to the parent resumes there;
 * rescanning from its first edge after every child would take ~n²/2 steps and never finish.
 */
describe("Tarjan at scale", () => {
  it("a root with 1,000,000 children: each child its own SCC, in linear time", () => {
    const n = 1_000_001;
    const offsets = new Int32Array(n + 1).fill(n - 1);
    offsets[0] = 0;
    const targets = Int32Array.from({ length: n - 1 }, (_, i) => i + 1);
    const { comp, order, compStart, count } = tarjan(n, 0, offsets, targets);
    assert.equal(count, n);
    assert.equal(order.length, n);
    assert.equal(compStart.length, n + 1);
    // Children finish in edge order, the root last.
    assert.equal(comp[1], 0);
    assert.equal(comp[n - 1], n - 2);
    assert.equal(comp[0], n - 1);
    assert.equal(order[n - 1], 0);
  });
});
