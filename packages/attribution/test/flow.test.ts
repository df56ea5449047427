import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { solveFlow, tarjan } from "../src/flow.ts";

function csr(n: number, edges: [number, number, number][]) {
  const sorted = [...edges].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const offsets = new Int32Array(n + 1);
  for (const [f] of sorted) offsets[f + 1]!++;
  for (let v = 0; v < n; v++) offsets[v + 1]! += offsets[v]!;
  return {
    offsets,
    targets: Int32Array.from(sorted.map((e) => e[1])),
    weights: Float64Array.from(sorted.map((e) => e[2])),
  };
}

const close = (a: number, b: number, eps = 1e-12): void => assert.ok(Math.abs(a - b) <= eps, `${a} != ${b}`);

describe("flow", () => {
  it("loses nothing to a self-edge: the node's other edges carry what it sends itself", () => {
    // 0 -> 0 (w 1), 0 -> 1 (w 1): as if the self-edge were not there.
    const withSelf = solveFlow({
      n: 2,
      root: 0,
      ...csr(2, [
        [0, 0, 1],
        [0, 1, 1],
      ]),
      keep: Float64Array.from([0.5, 0.5]),
    });
    close(withSelf.retained[0]!, 0.5);
    close(withSelf.retained[1]!, 0.5);
    // A node whose only edge is to itself keeps everything, like one with no edges.
    const onlySelf = solveFlow({
      n: 2,
      root: 0,
      ...csr(2, [
        [0, 1, 1],
        [1, 1, 1],
      ]),
      keep: Float64Array.from([0.5, 0.5]),
    });
    close(onlySelf.retained[0]! + onlySelf.retained[1]!, 1);
    close(onlySelf.retained[1]!, 0.5);
  });

  it("splits a DAG by keep and edge weights", () => {
    // 0 -> 1 (w 3), 0 -> 2 (w 1), 1 -> 2 (w 1); keep 0.5 everywhere.
    const g = csr(3, [
      [0, 1, 3],
      [0, 2, 1],
      [1, 2, 1],
    ]);
    const r = solveFlow({ n: 3, root: 0, ...g, keep: Float64Array.from([0.5, 0.5, 0.5]) });
    close(r.retained[0]!, 0.5);
    close(r.retained[1]!, 0.375 / 2);
    close(r.retained[2]!, 0.125 + 0.1875);
    close(r.inflow[2]!, 0.3125);
  });

  it("solves a cycle instead of cutting it (closed form)", () => {
    // root 0 -> 1, 1 <-> 2; keep k. x1 = (1-k) + (1-k) x2, x2 = (1-k) x1.
    for (const k of [0.1, 0.5, 0.9]) {
      const g = csr(3, [
        [0, 1, 1],
        [1, 2, 1],
        [2, 1, 1],
      ]);
      const r = solveFlow({ n: 3, root: 0, ...g, keep: Float64Array.from([k, k, k]) });
      const x1 = (1 - k) / (1 - (1 - k) ** 2);
      close(r.inflow[1]!, x1);
      close(r.inflow[2]!, (1 - k) * x1);
      close(r.retained[0]! + r.retained[1]! + r.retained[2]!, 1, 1e-14);
      assert.equal(r.stats.cyclicSccs, 1);
    }
  });

  it("splits a closed cycle that keeps nothing equally among its members and reports it", () => {
    const g = csr(3, [
      [0, 1, 1],
      [1, 2, 1],
      [2, 1, 1],
    ]);
    const r = solveFlow({ n: 3, root: 0, ...g, keep: Float64Array.from([0.5, 0, 0]) });
    close(r.retained[1]!, 0.25);
    close(r.retained[2]!, 0.25);
    assert.deepEqual(r.stats.closedCycles, [[1, 2]]);
  });

  it("stops a barely leaking cycle at the work bound and still conserves value", () => {
    const g = csr(3, [
      [0, 1, 1],
      [1, 2, 1],
      [2, 1, 1],
    ]);
    const r = solveFlow({ n: 3, root: 0, ...g, keep: Float64Array.from([0.5, 1e-12, 0]), maxWork: 1000 });
    assert.ok(r.stats.sweeps < 1000);
    assert.ok(r.stats.residual > 0);
    close(r.retained[0]! + r.retained[1]! + r.retained[2]!, 1, 1e-12);
  });

  it("a component whose edges weigh nothing keeps everything; unreachable ones get nothing", () => {
    const g = csr(4, [
      [0, 1, 0],
      [2, 3, 1],
    ]);
    const r = solveFlow({ n: 4, root: 0, ...g, keep: Float64Array.from([0.2, 0.2, 0.2, 0.2]) });
    assert.deepEqual([...r.retained], [1, 0, 0, 0]);
    assert.equal(r.stats.reachable, 1);
  });

  it("conserves value on random graphs with cycles (retained sums to 1)", () => {
    const graphArb = fc.integer({ min: 1, max: 40 }).chain((n) =>
      fc.record({
        n: fc.constant(n),
        edges: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1), fc.double({ min: 0, max: 5, noNaN: true })), {
          maxLength: 150,
        }),
        keep: fc.array(fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constant(0)), {
          minLength: n,
          maxLength: n,
        }),
      }),
    );
    fc.assert(
      fc.property(graphArb, ({ n, edges, keep }) => {
        const dedup = new Map<string, [number, number, number]>();
        for (const e of edges) if (e[0] !== e[1]) dedup.set(`${e[0]},${e[1]}`, e);
        const g = csr(n, [...dedup.values()]);
        const r = solveFlow({ n, root: 0, ...g, keep: Float64Array.from(keep) });
        let sum = 0;
        for (const x of r.retained) {
          assert.ok(x >= 0);
          sum += x;
        }
        close(sum, 1, 1e-9);
      }),
      { numRuns: 300 },
    );
  });

  it("Tarjan agrees with mutual reachability on random graphs", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 14 }).chain((n) =>
          fc.record({
            n: fc.constant(n),
            edges: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 40 }),
          }),
        ),
        ({ n, edges }) => {
          const g = csr(
            n,
            edges.filter(([a, b]) => a !== b).map(([a, b]) => [a, b, 1] as [number, number, number]),
          );
          const reach = (from: number): Set<number> => {
            const seen = new Set([from]);
            const todo = [from];
            while (todo.length > 0) {
              const v = todo.pop()!;
              for (let e = g.offsets[v]!; e < g.offsets[v + 1]!; e++) {
                const t = g.targets[e]!;
                if (!seen.has(t)) {
                  seen.add(t);
                  todo.push(t);
                }
              }
            }
            return seen;
          };
          const { comp } = tarjan(n, 0, g.offsets, g.targets);
          const fromRoot = reach(0);
          const r = Array.from({ length: n }, (_, v) => reach(v));
          for (let u = 0; u < n; u++) {
            assert.equal(comp[u] === -1, !fromRoot.has(u));
            for (let v = 0; v < n; v++) {
              if (!fromRoot.has(u) || !fromRoot.has(v)) continue;
              assert.equal(comp[u] === comp[v], r[u]!.has(v) && r[v]!.has(u));
              if (comp[u] !== comp[v] && r[u]!.has(v)) assert.ok(comp[u]! > comp[v]!);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("Tarjan finds strongly connected components in reverse topological order", () => {
    const g = csr(5, [
      [0, 1, 1],
      [1, 2, 1],
      [2, 1, 1],
      [2, 3, 1],
      [3, 4, 1],
      [4, 3, 1],
    ]);
    const { comp, count } = tarjan(5, 0, g.offsets, g.targets);
    assert.equal(count, 3);
    assert.equal(comp[1], comp[2]);
    assert.equal(comp[3], comp[4]);
    assert.ok(comp[3]! < comp[1]! && comp[1]! < comp[0]!);
  });
});
