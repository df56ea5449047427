import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { solveFlow, tarjan } from "../src/flow.ts";

/**
 * The order inside a cycle (flow.ts: Tarjan, then the caller's numbering or breadth-first order,
 * whichever leaves fewer edges pointing backwards). Value along a forward edge crosses the cycle
 * within one sweep; along a backward edge it waits for the next one, so the order shows in the
 * number of sweeps.
 */

/** A graph from [from, to, weight] edges (CSR, edges of a node in the order given). */
function graph(n: number, edges: [number, number, number][], keep: number[], root = 0) {
  const offsets = new Int32Array(n + 1);
  const byNode: [number, number][][] = Array.from({ length: n }, () => []);
  for (const [f, t, w] of edges) byNode[f]!.push([t, w]);
  byNode.forEach((out, v) => (offsets[v + 1] = offsets[v]! + out.length));
  const flat = byNode.flat();
  return {
    n,
    root,
    offsets,
    targets: Int32Array.from(flat.map(([t]) => t)),
    weights: Float64Array.from(flat.map(([, w]) => w)),
    keep: Float64Array.from(keep),
  };
}

/** Root 0 feeds a ring of k members numbered by `label` (ring position -> node id); each keeps 1/8. */
function ring(k: number, label: (pos: number) => number) {
  const edges: [number, number, number][] = [[0, label(0), 1]];
  for (let p = 0; p < k; p++) edges.push([label(p), label((p + 1) % k), 1]);
  return graph(k + 1, edges, [0, ...Array.from({ length: k }, () => 1 / 8)]);
}

describe("order of the members of a cycle", () => {
  const k = 12;
  const along = solveFlow(ring(k, (p) => p + 1));
  const against = solveFlow(ring(k, (p) => k - p));

  it("a ring numbered along its direction is swept in that order: value goes round once a sweep", () => {
    // Each sweep keeps 1 - (7/8)^12 of what is left, so 1e-15 takes a few dozen sweeps, not hundreds.
    assert.ok(along.stats.sweeps < 40, `${along.stats.sweeps} sweeps`);
    const sum = along.retained.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - 1) < 1e-12);
  });

  it("a ring numbered against its direction is swept in breadth-first order, as fast", () => {
    assert.equal(against.stats.sweeps, along.stats.sweeps);
    for (let p = 0; p < k; p++) {
      const a = along.retained[p + 1]!;
      const b = against.retained[k - p]!;
      assert.ok(Math.abs(a - b) <= 1e-15, `ring position ${p}: ${a} vs ${b}`);
    }
    for (let p = 1; p < k; p++) assert.equal(against.mainParent[k - p], k - p + 1);
    assert.equal(against.mainParent[k], 0);
  });

  it("a ring numbered in no order at all is swept in breadth-first order, as fast", () => {
    const perm = [5, 11, 2, 8, 1, 12, 7, 3, 10, 4, 9, 6];
    const shuffled = solveFlow(ring(k, (p) => perm[p]!));
    assert.equal(shuffled.stats.sweeps, along.stats.sweeps);
  });

  it("keeps the caller's numbering when breadth-first order is worse", () => {
    // Root 0 enters the ring 1 -> 2 -> 3 -> 4 -> 1 at 1 and (lightly) at 4. Breadth-first order
    // is 1, 4, 2, 3 (two backward edges: 4 -> 1 and 3 -> 4); the numbering has one (4 -> 1).
    const g = graph(
      5,
      [
        [0, 1, 1],
        [0, 4, 1e-9],
        [1, 2, 1],
        [2, 3, 1],
        [3, 4, 1],
        [4, 1, 1],
      ],
      [0, 1 / 8, 1 / 8, 1 / 8, 1 / 8],
    );
    const byId = solveFlow(g);
    // Without the light entry at 4, breadth-first order is the numbering: the reference. Swept in
    // breadth-first order the ring would take about twice as many sweeps.
    const plain = solveFlow(
      graph(
        5,
        [
          [0, 1, 1],
          [1, 2, 1],
          [2, 3, 1],
          [3, 4, 1],
          [4, 1, 1],
        ],
        [0, 1 / 8, 1 / 8, 1 / 8, 1 / 8],
      ),
    );
    assert.ok(
      Math.abs(byId.stats.sweeps - plain.stats.sweeps) <= 1,
      `${byId.stats.sweeps} vs ${plain.stats.sweeps}`,
    );
  });
});

describe("Tarjan", () => {
  it("numbers SCCs in reverse topological order, members contiguous, unreachable nodes -1", () => {
    // 0 -> {1,2} cycle -> 3 -> {4,5,6} cycle; 7 is unreachable and points into the graph.
    const g = graph(
      8,
      [
        [0, 1, 1],
        [1, 2, 1],
        [2, 1, 1],
        [2, 3, 1],
        [3, 4, 1],
        [4, 5, 1],
        [5, 6, 1],
        [6, 4, 1],
        [7, 0, 1],
      ],
      [0, 0, 0, 0, 0, 0, 0, 0],
    );
    const { comp, order, compStart, count } = tarjan(8, 0, g.offsets, g.targets);
    assert.equal(count, 4);
    assert.deepEqual([...compStart], [0, 3, 4, 6, 7]);
    assert.equal(order.length, 7);
    const members = (c: number) => [...order.subarray(compStart[c]!, compStart[c + 1]!)].sort();
    assert.deepEqual(members(0), [4, 5, 6]);
    assert.deepEqual(members(1), [3]);
    assert.deepEqual(members(2), [1, 2]);
    assert.deepEqual(members(3), [0]);
    assert.deepEqual([...comp], [3, 2, 2, 1, 0, 0, 0, -1]);
  });

  it("finds a cycle closed by an edge to a node still on the stack deep below (low-links)", () => {
    // 0 -> 1 -> 2 -> 3 -> 4 -> 2, and 4 -> 5 -> 1: one SCC {1..5} found through nested low-links.
    const g = graph(
      6,
      [
        [0, 1, 1],
        [1, 2, 1],
        [2, 3, 1],
        [3, 4, 1],
        [4, 2, 1],
        [4, 5, 1],
        [5, 1, 1],
      ],
      [0, 0, 0, 0, 0, 0],
    );
    const { comp, count } = tarjan(6, 0, g.offsets, g.targets);
    assert.equal(count, 2);
    assert.deepEqual([...comp], [1, 0, 0, 0, 0, 0]);
  });

  it("does not join an SCC through an edge to one already finished (cross edge)", () => {
    // 0 -> 1 -> 2 -> 1 finishes {1,2}; then 0 -> 3 -> 2 reaches it again, and 3 <-> 4.
    const g = graph(
      5,
      [
        [0, 1, 1],
        [0, 3, 1],
        [1, 2, 1],
        [2, 1, 1],
        [3, 2, 1],
        [3, 4, 1],
        [4, 3, 1],
      ],
      [0, 0, 0, 0, 0],
    );
    const { comp, count } = tarjan(5, 0, g.offsets, g.targets);
    assert.equal(count, 3);
    assert.equal(comp[1], comp[2]);
    assert.equal(comp[3], comp[4]);
    assert.notEqual(comp[1], comp[3]);
    assert.ok(comp[1]! < comp[3]! && comp[3]! < comp[0]!);
  });
});
