/**
 * Value flow over the component graph. The root receives 1. A component v with inflow x_v keeps
 * k_v·x_v for its own contributors and passes (1-k_v)·x_v along its out-edges in proportion to
 * their weights; a component whose out-edges weigh 0 in total keeps everything. In matrix form
 * x = e_root + Pᵀx with P[v][t] = (1-k_v)·w_vt/W_v — a linear system, solved exactly for DAGs
 * and iteratively inside cycles (never by cutting an edge):
 *
 * 1. Strongly connected components (iterative Tarjan) of the part reachable from the root
 *    through positive-weight edges, processed in topological order; value leaving one SCC is
 *    final input for the SCCs below it.
 * 2. A single component without a self-loop is solved in one step.
 * 3. Inside a cyclic SCC, residual pushing (Gauss–Seidel order): each sweep moves every
 *    member's unprocessed inflow one step along its edges. Unprocessed mass shrinks at least by
 *    the factor (1 - leak) per sweep, where the leak is what members keep or send out of the SCC,
 *    so it converges geometrically. Sweeps stop when the unprocessed mass is below `tolerance`
 *    times the SCC's inflow (or after `maxSweeps`, or a work bound); the remainder is credited to the member
 *    holding it, which makes conservation exact up to float rounding: retained sums to 1.
 * 4. A closed cycle that keeps nothing and sends nothing out (every member keeps 0) cannot be
 *    solved as a flow; its inflow is split equally among its members and reported.
 *
 * Arrays only: no object per node or edge.
 */

export interface FlowInput {
  n: number;
  root: number;
  offsets: Int32Array;
  targets: Int32Array;
  /** Effective edge weights (>= 0). */
  weights: Float64Array;
  /** Fraction each component keeps, in [0, 1]. */
  keep: Float64Array;
  tolerance?: number;
  maxSweeps?: number;
  /** Bound on edge visits inside cycles (default 200 × (edges + nodes)); a cycle that leaks
   *  almost nothing converges slowly, and the bound keeps the run time predictable. */
  maxWork?: number;
}

export interface FlowResult {
  /** Total inflow of each component (in a cycle this counts value passing through repeatedly). */
  inflow: Float64Array;
  /** What each component keeps for its contributors; sums to 1. */
  retained: Float64Array;
  /** For explanations: the predecessor that sent a component most of its value (-1: none). */
  mainParent: Int32Array;
  stats: FlowStats;
}

export interface FlowStats {
  reachable: number;
  sccs: number;
  cyclicSccs: number;
  largestScc: number;
  sweeps: number;
  /** Unprocessed mass credited in place when sweeps stopped (sum over cyclic SCCs). */
  residual: number;
  /** Closed cycles split equally (keys are resolved by the caller). */
  closedCycles: number[][];
}

export function solveFlow(input: FlowInput): FlowResult {
  const { n, root, keep } = input;
  const tolerance = input.tolerance ?? 1e-15;
  const maxSweeps = input.maxSweeps ?? 100_000;
  const maxWork = input.maxWork ?? 200 * (input.targets.length + n);
  let work = 0;

  // Positive-weight edges only (one sequential pass), and the total out-weight per node.
  const offsets = new Int32Array(n + 1);
  let m = 0;
  for (let e = 0; e < input.targets.length; e++) if (input.weights[e]! > 0) m++;
  const targets = new Int32Array(m);
  const weights = new Float64Array(m);
  const outW = new Float64Array(n);
  m = 0;
  for (let v = 0; v < n; v++) {
    offsets[v] = m;
    let s = 0;
    for (let e = input.offsets[v]!; e < input.offsets[v + 1]!; e++) {
      const w = input.weights[e]!;
      if (w > 0) {
        targets[m] = input.targets[e]!;
        weights[m++] = w;
        s += w;
      }
    }
    outW[v] = s;
    // Normalise to fractions now: dividing by a tiny total later could overflow to Infinity.
    for (let e = offsets[v]!; e < m; e++) weights[e]! /= s;
  }
  offsets[n] = m;

  const { comp, order, compStart, count, reversePostorder } = tarjan(n, root, offsets, targets);

  const inflow = new Float64Array(n);
  const retained = new Float64Array(n);
  // Interleaved per node: [2v] value arrived and not yet processed, [2v+1] the largest single
  // amount received (for mainParent). One cache line serves both in the scattered hot loop.
  const pb = new Float64Array(2 * n);
  const mainParent = new Int32Array(n).fill(-1);
  pb[2 * root] = 1;
  let sweeps = 0;
  let residualTotal = 0;
  let cyclic = 0;
  let largest = 0;
  const closedCycles: number[][] = [];

  // Tarjan numbers SCCs in reverse topological order: the root's SCC is the last one.
  for (let c = count - 1; c >= 0; c--) {
    const lo = compStart[c]!;
    const hi = compStart[c + 1]!;
    const size = hi - lo;
    if (size > largest) largest = size;
    if (size === 1) {
      const v = order[lo]!;
      const x = pb[2 * v]!;
      pb[2 * v] = 0;
      inflow[v] = x;
      push(v, x, c, false);
      continue;
    }
    cyclic++;
    let total = 0;
    let leaks = false;
    for (let i = lo; i < hi; i++) {
      const v = order[i]!;
      total += pb[2 * v]!;
      if (keep[v]! > 0 || outW[v] === 0) leaks = true;
      for (let e = offsets[v]!; e < offsets[v + 1]! && !leaks; e++) {
        if (comp[targets[e]!] !== c) leaks = true;
      }
    }
    if (!leaks) {
      const members: number[] = [];
      for (let i = lo; i < hi; i++) {
        const v = order[i]!;
        members.push(v);
        inflow[v] = pb[2 * v]!;
        retained[v]! += total / size;
        pb[2 * v] = 0;
      }
      closedCycles.push(members.sort((a, b) => a - b));
      continue;
    }
    // Residual pushing; members in ascending id order for a fixed, data-defined sweep order.
    // Members in reverse postorder of the depth-first search: every edge except the back edges
    // (the ones that close cycles) points forward, so most value crosses the whole cycle within
    // one sweep and only what returns along back edges waits for the next.
    const members = byRank(order.subarray(lo, hi), reversePostorder, n);
    let left = total;
    let s = 0;
    let sccEdges = 0;
    for (let i = 0; i < size; i++) sccEdges += offsets[members[i]! + 1]! - offsets[members[i]!]!;
    while (left > tolerance * total && s < maxSweeps && work < maxWork) {
      work += sccEdges + size;
      s++;
      for (let i = 0; i < size; i++) {
        const v = members[i]!;
        const x = pb[2 * v]!;
        if (x === 0) continue;
        pb[2 * v] = 0;
        inflow[v]! += x;
        push(v, x, c, true);
      }
      left = 0;
      for (let i = 0; i < size; i++) left += pb[2 * members[i]!]!;
    }
    sweeps += s;
    residualTotal += left;
    for (let i = 0; i < size; i++) {
      const v = members[i]!;
      const x = pb[2 * v]!;
      if (x !== 0) {
        inflow[v]! += x;
        retained[v]! += x;
        pb[2 * v] = 0;
      }
    }
  }

  function push(v: number, x: number, c: number, inCycle: boolean): void {
    if (x === 0) return;
    const w = outW[v]!;
    if (w === 0) {
      retained[v]! += x;
      return;
    }
    const k = keep[v]!;
    retained[v]! += x * k;
    const pass = x - x * k;
    let sent = 0;
    let largest = -1;
    let largestAmount = -1;
    for (let e = offsets[v]!; e < offsets[v + 1]!; e++) {
      const we = weights[e]!;
      const t = targets[e]!;
      const amount = pass * we;
      pb[2 * t]! += amount;
      sent += amount;
      if (amount > largestAmount) {
        largestAmount = amount;
        largest = t;
      }
      // Inside a cycle only value entering from outside (or the first arrival) names the main
      // parent, so following main parents always leads back towards the root. A component
      // outside any cycle sends only to other SCCs, so it skips the comp[] lookup.
      if (amount > pb[2 * t + 1]! && (!inCycle || comp[t] !== c)) {
        pb[2 * t + 1] = amount;
        mainParent[t] = v;
      } else if (inCycle && mainParent[t] === -1) mainParent[t] = v;
    }
    // The rounding of the split (a few ulps, either sign) goes to the largest share, which can
    // absorb it without turning negative, so what leaves v is what v passed.
    if (largest >= 0) pb[2 * largest]! += pass - sent;
  }

  let reachable = 0;
  for (let v = 0; v < n; v++) if (comp[v] !== -1) reachable++;
  return {
    inflow,
    retained,
    mainParent,
    stats: {
      reachable,
      sccs: count,
      cyclicSccs: cyclic,
      largestScc: largest,
      sweeps,
      residual: residualTotal,
      closedCycles,
    },
  };
}

/**
 * Iterative Tarjan from `root` (the edges given are the positive-weight ones). Returns, per node, its SCC number
 * (-1 if unreachable) and the members of each SCC contiguously in `order` (SCC c spans
 * compStart[c]..compStart[c+1]-1). SCCs come out in reverse topological order.
 */
export function tarjan(
  n: number,
  root: number,
  offsets: Int32Array,
  targets: Int32Array,
): {
  comp: Int32Array;
  order: Int32Array;
  compStart: Int32Array;
  count: number;
  reversePostorder: Int32Array;
} {
  const index = new Int32Array(n).fill(-1);
  // Reverse finishing order: n-1 for the first node to finish, decreasing. In this order every
  // edge of the DFS except back edges points forward.
  const rpo = new Int32Array(n);
  let finished = 0;
  const low = new Int32Array(n);
  const comp = new Int32Array(n).fill(-1);
  const stack = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const callNode = new Int32Array(n);
  const callEdge = new Int32Array(n);
  const order = new Int32Array(n);
  const starts: number[] = [0];
  let sp = 0;
  let nextIndex = 0;
  let count = 0;
  let written = 0;

  callNode[0] = root;
  callEdge[0] = offsets[root]!;
  index[root] = low[root] = nextIndex++;
  stack[sp++] = root;
  onStack[root] = 1;
  let cp = 1;
  while (cp > 0) {
    const v = callNode[cp - 1]!;
    let e = callEdge[cp - 1]!;
    const end = offsets[v + 1]!;
    let descended = false;
    while (e < end) {
      const t = targets[e]!;
      e++;
      if (index[t] === -1) {
        callEdge[cp - 1] = e;
        index[t] = low[t] = nextIndex++;
        stack[sp++] = t;
        onStack[t] = 1;
        callNode[cp] = t;
        callEdge[cp] = offsets[t]!;
        cp++;
        descended = true;
        break;
      } else if (onStack[t] === 1 && index[t]! < low[v]!) {
        low[v] = index[t]!;
      }
    }
    if (descended) continue;
    callEdge[cp - 1] = e;
    if (low[v] === index[v]) {
      let w: number;
      do {
        w = stack[--sp]!;
        onStack[w] = 0;
        comp[w] = count;
        order[written++] = w;
      } while (w !== v);
      count++;
      starts.push(written);
    }
    rpo[v] = n - 1 - finished++;
    cp--;
    if (cp > 0) {
      const p = callNode[cp - 1]!;
      if (low[v]! < low[p]!) low[p] = low[v]!;
    }
  }
  return {
    comp,
    order: order.subarray(0, written),
    compStart: Int32Array.from(starts),
    count,
    reversePostorder: rpo,
  };
}

/** The nodes sorted by a rank in [0, n) (packed with the node into one float64, sorted natively). */
function byRank(nodes: Int32Array, rank: Int32Array, n: number): Int32Array {
  const packed = new Float64Array(nodes.length);
  for (let i = 0; i < nodes.length; i++) packed[i] = rank[nodes[i]!]! * n + nodes[i]!;
  packed.sort();
  const out = new Int32Array(nodes.length);
  for (let i = 0; i < nodes.length; i++) {
    const p = packed[i]!;
    out[i] = p - Math.floor(p / n) * n;
  }
  return out;
}
