/**
 * Completeness: every declared component ends either reachable from the product or listed as
 * unreachable with its reason. Scanners often emit components without dependency edges; the
 * policy's `unreachable` setting says what happens to them:
 *
 * - `"direct"` (default): each unreachable component that nothing depends on becomes a runtime
 *   dependency of the root; what they lead to becomes reachable through them. A group that only
 *   depends on itself (a cycle nothing enters) is attached at its first member in id order.
 * - `"ignore"`: they stay unreachable and receive nothing; the report still lists them.
 *
 * Ids are canonical (a function of the keys only), so the choice never depends on input order.
 */
import type { Graph } from "./graph.ts";
import { EDGE_KIND_INDEX } from "./graph.ts";

export type UnreachablePolicy = "direct" | "ignore";

export interface UnreachableComponent {
  id: number;
  /** `"no-dependents"`: nothing depends on it; `"only-unreachable-dependents"`: only components
   *  that are themselves unreachable do. */
  reason: "no-dependents" | "only-unreachable-dependents";
  /** Made a direct dependency of the root (policy `"direct"`). */
  attached: boolean;
}

export interface Completed {
  graph: Graph;
  unreachable: UnreachableComponent[];
}

/** Marks everything reachable from `start` (iterative DFS over the CSR). */
function mark(graph: Graph, start: number, seen: Uint8Array, stack: Int32Array): void {
  if (seen[start] === 1) return;
  seen[start] = 1;
  let top = 0;
  stack[top++] = start;
  while (top > 0) {
    const v = stack[--top]!;
    for (let e = graph.offsets[v]!; e < graph.offsets[v + 1]!; e++) {
      const t = graph.targets[e]!;
      if (seen[t] === 0) {
        seen[t] = 1;
        stack[top++] = t;
      }
    }
  }
}

/** The graph with unreachable components handled as `policy` says, and the list of them. */
export function completeGraph(graph: Graph, policy: UnreachablePolicy): Completed {
  const { n, root, targets } = graph;
  const seen = new Uint8Array(n);
  const stack = new Int32Array(n);
  mark(graph, root, seen, stack);
  let missing = 0;
  for (let v = 0; v < n; v++) if (seen[v] === 0) missing++;
  if (missing === 0) return { graph, unreachable: [] };

  const hasDependents = new Uint8Array(n);
  for (let e = 0; e < targets.length; e++) hasDependents[targets[e]!] = 1;
  const unreachable: UnreachableComponent[] = [];
  const index = new Int32Array(n).fill(-1);
  for (let v = 0; v < n; v++) {
    if (seen[v] === 1) continue;
    index[v] = unreachable.length;
    unreachable.push({
      id: v,
      reason: hasDependents[v] === 1 ? "only-unreachable-dependents" : "no-dependents",
      attached: false,
    });
  }
  if (policy === "ignore") return { graph, unreachable };

  const attach: number[] = [];
  // Sources first, then one member of each cycle nothing enters.
  for (const pass of [0, 1]) {
    for (let v = 0; v < n; v++) {
      if (seen[v] === 1 || (pass === 0 && hasDependents[v] === 1)) continue;
      attach.push(v);
      unreachable[index[v]!]!.attached = true;
      mark(graph, v, seen, stack);
    }
  }
  return { graph: withRootEdges(graph, attach), unreachable };
}

/** A copy of the graph with runtime edges (usage 1) from the root to each of `added`. */
function withRootEdges(graph: Graph, added: number[]): Graph {
  const { n, root, offsets, targets, kinds, usage } = graph;
  const k = added.length;
  const runtime = EDGE_KIND_INDEX.runtime;
  const outOffsets = new Int32Array(n + 1);
  const outTargets = new Int32Array(targets.length + k);
  const outKinds = new Uint8Array(targets.length + k);
  const outUsage = new Float64Array(targets.length + k);
  let w = 0;
  for (let v = 0; v < n; v++) {
    outOffsets[v] = w;
    const lo = offsets[v]!;
    const hi = offsets[v + 1]!;
    if (v !== root) {
      outTargets.set(targets.subarray(lo, hi), w);
      outKinds.set(kinds.subarray(lo, hi), w);
      outUsage.set(usage.subarray(lo, hi), w);
      w += hi - lo;
      continue;
    }
    // The root's row stays sorted by (target, kind); the added targets are all new to it.
    const row: Array<{ t: number; kind: number; u: number }> = [];
    for (let e = lo; e < hi; e++) row.push({ t: targets[e]!, kind: kinds[e]!, u: usage[e]! });
    for (const t of added) row.push({ t, kind: runtime, u: 1 });
    row.sort((a, b) => a.t - b.t || a.kind - b.kind);
    for (const e of row) {
      outTargets[w] = e.t;
      outKinds[w] = e.kind;
      outUsage[w] = e.u;
      w++;
    }
  }
  outOffsets[n] = w;
  return { ...graph, offsets: outOffsets, targets: outTargets, kinds: outKinds, usage: outUsage };
}
