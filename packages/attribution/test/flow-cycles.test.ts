import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { solveFlow } from "../src/flow.ts";

/**
 * Inside cycles, with amounts that are exact in binary so every figure is checked exactly: when
 * the sweeps stop (tolerance, maxSweeps, maxWork) and where the residual goes, how a closed cycle
 * is split and reported, and which predecessor is named main parent (flow.ts, steps 3 and 4).
 */

/** A graph from its out-edges per node: [target, weight]. */
function graph(out: [number, number][][], keep: number[]) {
  const offsets = new Int32Array(out.length + 1);
  out.forEach((edges, v) => (offsets[v + 1] = offsets[v]! + edges.length));
  const flat = out.flat();
  return {
    n: out.length,
    root: 0,
    offsets,
    targets: Int32Array.from(flat.map(([t]) => t)),
    weights: Float64Array.from(flat.map(([, w]) => w)),
    keep: Float64Array.from(keep),
  };
}

// Root 0 sends everything to 1; 1 and 2 each keep half and send the rest to the other. Each
// sweep leaves a quarter of what it started with at 1.
const twoCycle = graph([[[1, 1]], [[2, 1]], [[1, 1]]], [0, 0.5, 0.5]);

describe("flow inside cycles", () => {
  it("sweeps until what is left is below the tolerance, and solves the cycle", () => {
    const r = solveFlow(twoCycle);
    // 4^-25 < 1e-15 <= 4^-24: 25 sweeps.
    assert.equal(r.stats.sweeps, 25);
    assert.equal(r.stats.residual, 4 ** -25);
    assert.ok(Math.abs(r.retained[1]! - 2 / 3) < 1e-15);
    assert.ok(Math.abs(r.retained[2]! - 1 / 3) < 1e-15);
  });

  it("stops after maxSweeps and credits what is left to the member holding it", () => {
    const r = solveFlow({ ...twoCycle, maxSweeps: 3 });
    assert.equal(r.stats.sweeps, 3);
    assert.equal(r.stats.residual, 1 / 64);
    // Kept: 1/2 + 1/8 + 1/32 at 1, 1/4 + 1/16 + 1/64 at 2, and the residual 1/64 at 1.
    assert.deepEqual([...r.retained], [0, 0.671875, 0.328125]);
    assert.deepEqual([...r.inflow], [1, 1 + 1 / 4 + 1 / 16 + 1 / 64, 1 / 2 + 1 / 8 + 1 / 32]);
  });

  it("stops when the next sweep would pass maxWork (edges + members per sweep)", () => {
    // Two edges and two members: 4 units a sweep.
    assert.equal(solveFlow({ ...twoCycle, maxWork: 8 }).stats.sweeps, 2);
    assert.equal(solveFlow({ ...twoCycle, maxWork: 9 }).stats.sweeps, 3);
    assert.equal(solveFlow({ ...twoCycle, maxWork: 9 }).stats.residual, 1 / 64);
  });

  it("solves a cycle that keeps but sends nothing out (it is not closed)", () => {
    const r = solveFlow(twoCycle);
    assert.deepEqual(r.stats.closedCycles, []);
    assert.equal(r.stats.cyclicSccs, 1);
    assert.equal(r.stats.largestScc, 2);
  });

  it("splits a closed cycle equally, counts as inflow only what arrived, and lists its members in id order", () => {
    // Root 0 keeps half and sends half to 5; 5 -> 2 -> 1 -> 5 keep nothing. Breadth-first order
    // (5, 2, 1) has fewer backward edges than id order, so the cycle is solved in that order.
    const r = solveFlow(graph([[[5, 1]], [[5, 1]], [[1, 1]], [], [], [[2, 1]]], [0.5, 0, 0, 0.2, 0.2, 0]));
    assert.deepEqual(r.stats.closedCycles, [[1, 2, 5]]);
    assert.deepEqual([...r.inflow], [1, 0, 0, 0, 0, 0.5]);
    for (const v of [1, 2, 5]) assert.equal(r.retained[v], 0.5 / 3);
    assert.equal(r.retained[0], 0.5);
    assert.equal(r.stats.reachable, 4);
  });

  it("names as main parent of a cycle member the sender from outside, not a bigger sender inside", () => {
    // Root 0 (keeps nothing) sends 0.1 to 1 and 0.9 to 2; 1 -> 2; 2 sends half to 1, half to 3.
    const r = solveFlow(
      graph(
        [
          [
            [1, 0.1],
            [2, 0.9],
          ],
          [[2, 1]],
          [
            [1, 0.5],
            [3, 0.5],
          ],
          [],
        ],
        [0, 0, 0, 1],
      ),
    );
    // 2 sends 1 more than the root's 0.1 in the first sweep; the root still names both.
    assert.deepEqual([...r.mainParent], [-1, 0, 0, 2]);
    assert.ok(Math.abs(r.retained[3]! - 1) < 1e-14);
    assert.ok(Math.abs(r.inflow[2]! - 2) < 1e-14);
  });

  it("names the largest sender from another cycle, not the first to arrive; inside, the first arrival", () => {
    // Cycle {1, 2}: 1 sends 0.1 to 3 first, then 2 sends 0.81 to 3. Cycle {3, 4} keeps half.
    const r = solveFlow(
      graph(
        [
          [[1, 1]],
          [
            [2, 0.9],
            [3, 0.1],
          ],
          [
            [1, 0.1],
            [3, 0.9],
          ],
          [[4, 1]],
          [[3, 1]],
        ],
        [0, 0, 0, 0.5, 0.5],
      ),
    );
    assert.deepEqual([...r.mainParent], [-1, 0, 1, 2, 3]);
    assert.ok(Math.abs(r.retained[3]! + r.retained[4]! - 1) < 1e-14);
  });
});
