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
 * 2. A single component is solved in one step (self-edges are dropped first: see below).
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

  // Positive-weight edges only (one sequential pass), and the total out-weight per node. A
  // self-edge is dropped: what a node sends itself comes back and is split again by the same
  // rule, so in the limit its other edges carry it all (or, with none, the node keeps it).
  const kept = (v: number, e: number) => input.weights[e]! > 0 && input.targets[e] !== v;
  const offsets = new Int32Array(n + 1);
  let m = 0;
  for (let v = 0; v < n; v++) {
    for (let e = input.offsets[v]!; e < input.offsets[v + 1]!; e++) if (kept(v, e)) m++;
  }
  const targets = new Int32Array(m);
  const weights = new Float64Array(m);
  const outW = new Float64Array(n);
  m = 0;
  for (let v = 0; v < n; v++) {
    offsets[v] = m;
    let s = 0;
    for (let e = input.offsets[v]!; e < input.offsets[v + 1]!; e++) {
      if (kept(v, e)) {
        const w = input.weights[e]!;
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

  const { comp: compOf, order, compStart, count } = tarjan(n, root, offsets, targets);
  const bfsRank = bfsOrderRank(n, root, offsets, targets);

  // Renumber the reachable components in processing order: SCCs in topological order, the
  // members of a cycle in whichever of two orders has fewer backward edges inside it: the
  // caller's numbering or breadth-first order from the root. Every sweep is then a sequential
  // scan of one id range (cache-friendly), and value moving along forward edges crosses the
  // cycle within one sweep; only what goes along backward edges waits for the next.
  const R = order.length;
  const proc = new Int32Array(R); // new id -> original id
  const sccStart = new Int32Array(count + 1); // by topological position j
  let filled = 0;
  for (let j = 0; j < count; j++) {
    const c = count - 1 - j; // Tarjan emits SCCs in reverse topological order
    const lo = compStart[c]!;
    const hi = compStart[c + 1]!;
    sccStart[j] = filled;
    // Stryker disable next-line ArithmeticOperator: a single member is ordered alike either way
    if (hi - lo === 1) proc[filled++] = order[lo]!;
    else {
      const members = order.subarray(lo, hi);
      proc.set(
        byRank(members, fewerBackEdges(members, c, compOf, offsets, targets, bfsRank) ? bfsRank : null, n),
        filled,
      );
      filled += hi - lo;
    }
  }
  sccStart[count] = filled;
  // Stryker disable next-line UnaryOperator: only reachable nodes' ids are read, all written below
  const newId = new Int32Array(n).fill(-1);
  for (let i = 0; i < R; i++) newId[proc[i]!] = i;
  const pOff = new Int32Array(R + 1);
  let pm = 0;
  for (let i = 0; i < R; i++) {
    const v = proc[i]!;
    pOff[i] = pm;
    pm += offsets[v + 1]! - offsets[v]!;
  }
  pOff[R] = pm;
  const pT = new Int32Array(pm);
  const pW = new Float64Array(pm);
  const pKeep = new Float64Array(R);
  const pOutW = new Float64Array(R);
  for (let i = 0; i < R; i++) {
    const v = proc[i]!;
    pKeep[i] = keep[v]!;
    pOutW[i] = outW[v]!;
    let o = pOff[i]!;
    for (let e = offsets[v]!; e < offsets[v + 1]!; e++) {
      pT[o] = newId[targets[e]!]!;
      pW[o++] = weights[e]!;
    }
  }

  const inflowP = new Float64Array(R);
  const retainedP = new Float64Array(R);
  // Interleaved per component: [2v] value arrived and not yet processed, [2v+1] the largest
  // single amount received (for mainParent). One cache line serves both in the scattered writes.
  const pb = new Float64Array(2 * R);
  const parentP = new Int32Array(R).fill(-1);
  pb[0] = 1; // the root is first: its SCC comes first and it finishes last
  let sweeps = 0;
  let residualTotal = 0;
  let cyclic = 0;
  let largest = 0;
  const closedCycles: number[][] = [];
  // Members of the cyclic SCC being solved that have no main parent yet (see push).
  let orphans = 0;

  for (let j = 0; j < count; j++) {
    const lo = sccStart[j]!;
    const hi = sccStart[j + 1]!;
    const size = hi - lo;
    largest = Math.max(largest, size);
    if (size === 1) {
      // A finished SCC's slots are not read again (its edges lead to later SCCs only).
      const x = pb[2 * lo]!;
      inflowP[lo] = x;
      push(lo, x, lo, hi, false);
      continue;
    }
    cyclic++;
    let total = 0;
    let leaks = false;
    for (let v = lo; v < hi; v++) {
      total += pb[2 * v]!;
      // A member of a cycle has an edge inside it, so it leaks by keeping or by an edge out.
      if (pKeep[v]! > 0) leaks = true;
      for (let e = pOff[v]!; e < pOff[v + 1]! && !leaks; e++) if (pT[e]! >= hi) leaks = true;
    }
    if (!leaks) {
      const members: number[] = [];
      for (let v = lo; v < hi; v++) {
        members.push(proc[v]!);
        inflowP[v] = pb[2 * v]!;
        retainedP[v]! += total / size;
      }
      closedCycles.push(members.sort((a, b) => a - b));
      continue;
    }
    // Members still without a main parent (only they need the first-arrival check below).
    orphans = 0;
    for (let v = lo; v < hi; v++) if (parentP[v] === -1) orphans++;
    let left = total;
    let s = 0;
    const sccEdges = pOff[hi]! - pOff[lo]!;
    while (left > tolerance * total && s < maxSweeps && work < maxWork) {
      work += sccEdges + size;
      s++;
      for (let v = lo; v < hi; v++) {
        const x = pb[2 * v]!;
        if (x === 0) continue;
        pb[2 * v] = 0;
        inflowP[v]! += x;
        push(v, x, lo, hi, true);
      }
      left = 0;
      for (let v = lo; v < hi; v++) left += pb[2 * v]!;
    }
    sweeps += s;
    residualTotal += left;
    for (let v = lo; v < hi; v++) {
      const x = pb[2 * v]!;
      inflowP[v]! += x;
      retainedP[v]! += x;
    }
  }

  // The SCC being solved occupies ids lo..hi-1 and SCCs are numbered in topological order, so an
  // edge leaves it exactly when its target is hi or beyond.
  function push(v: number, x: number, lo: number, hi: number, inCycle: boolean): void {
    if (x === 0) return;
    if (pOutW[v] === 0) {
      retainedP[v]! += x;
      return;
    }
    const k = pKeep[v]!;
    retainedP[v]! += x * k;
    const pass = x - x * k;
    let sent = 0;
    let big = -1;
    let bigAmount = -1;
    for (let e = pOff[v]!; e < pOff[v + 1]!; e++) {
      const t = pT[e]!;
      const amount = pass * pW[e]!;
      pb[2 * t]! += amount;
      sent += amount;
      if (amount > bigAmount) {
        bigAmount = amount;
        big = t;
      }
      // Inside a cycle only value entering from outside (or the first arrival) names the main
      // parent, so following main parents always leads back towards the root. A component
      // outside any cycle sends only to other SCCs, so it skips the SCC lookup.
      const outside = t >= hi;
      if (amount > pb[2 * t + 1]! && (!inCycle || outside)) {
        pb[2 * t + 1] = amount;
        parentP[t] = v;
      } else if (inCycle && (outside || orphans > 0) && parentP[t] === -1) {
        // Members without a parent are counted, so once all have one their entries are not read.
        parentP[t] = v;
        if (!outside) orphans--;
      }
    }
    // The rounding of the split (a few ulps, either sign) goes to the largest share, which can
    // absorb it without turning negative, so what leaves v is what v passed.
    if (big >= 0) pb[2 * big]! += pass - sent;
  }

  // Back to the caller's numbering.
  const inflow = new Float64Array(n);
  const retained = new Float64Array(n);
  const mainParent = new Int32Array(n).fill(-1);
  for (let i = 0; i < R; i++) {
    const v = proc[i]!;
    inflow[v] = inflowP[i]!;
    retained[v] = retainedP[i]!;
    const p = parentP[i]!;
    mainParent[v] = p === -1 ? -1 : proc[p]!;
  }
  return {
    inflow,
    retained,
    mainParent,
    stats: {
      reachable: R,
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
} {
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const comp = new Int32Array(n).fill(-1);
  const stack = new Int32Array(n);
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
        callNode[cp] = t;
        callEdge[cp] = offsets[t]!;
        cp++;
        descended = true;
        break;
      } else {
        // Nodes already assigned to an SCC carry index DONE, so this reads one array, not two.
        low[v] = Math.min(low[v]!, index[t]!);
      }
    }
    if (descended) continue;
    if (low[v] === index[v]) {
      let w: number;
      do {
        w = stack[--sp]!;
        index[w] = DONE;
        comp[w] = count;
        order[written++] = w;
      } while (w !== v);
      count++;
      starts.push(written);
    }
    cp--;
    if (cp > 0) {
      const p = callNode[cp - 1]!;
      low[p] = Math.min(low[p]!, low[v]!);
    }
  }
  return {
    comp,
    order: order.subarray(0, written),
    compStart: Int32Array.from(starts),
    count,
  };
}

/** True when breadth-first order leaves fewer edges of SCC `c` pointing backwards than the
 *  caller's numbering does. */
function fewerBackEdges(
  members: Int32Array,
  c: number,
  comp: Int32Array,
  offsets: Int32Array,
  targets: Int32Array,
  bfsRank: Int32Array,
): boolean {
  let backById = 0;
  let backByBfs = 0;
  for (let i = 0; i < members.length; i++) {
    const v = members[i]!;
    for (let e = offsets[v]!; e < offsets[v + 1]!; e++) {
      const t = targets[e]!;
      if (comp[t] !== c) continue;
      if (t <= v) backById++;
      if (bfsRank[t]! <= bfsRank[v]!) backByBfs++;
    }
  }
  return backByBfs < backById;
}

/** The nodes sorted by a rank in [0, n), or by node id when `rank` is null (packed with the
 *  node into one float64, sorted natively). */
function byRank(nodes: Int32Array, rank: Int32Array | null, n: number): Int32Array {
  const packed = new Float64Array(nodes.length);
  for (let i = 0; i < nodes.length; i++)
    packed[i] = (rank === null ? nodes[i]! : rank[nodes[i]!]!) * n + nodes[i]!;
  packed.sort();
  const out = new Int32Array(nodes.length);
  for (let i = 0; i < nodes.length; i++) {
    const p = packed[i]!;
    out[i] = p - Math.floor(p / n) * n;
  }
  return out;
}

/** Index of a node whose SCC is known (off the stack): never below any low-link. */
const DONE = 0x7fffffff;

/** Breadth-first visiting rank from the root (unreachable: n). */
function bfsOrderRank(n: number, root: number, offsets: Int32Array, targets: Int32Array): Int32Array {
  const rank = new Int32Array(n).fill(n);
  const queue = new Int32Array(n);
  let head = 0;
  let tail = 0;
  rank[root] = 0;
  queue[tail++] = root;
  while (head < tail) {
    const v = queue[head++]!;
    for (let e = offsets[v]!; e < offsets[v + 1]!; e++) {
      const t = targets[e]!;
      if (rank[t] === n) {
        rank[t] = tail;
        queue[tail++] = t;
      }
    }
  }
  return rank;
}
