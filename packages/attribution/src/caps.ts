/**
 * Caps and floors by water-filling on recipient fractions (values summing to 1).
 *
 * Cap c: the smallest set of largest recipients is fixed at c and everyone else is scaled up by
 * one common factor so the total stays 1; the set is the smallest for which nobody left exceeds
 * c. If c times the number of positive recipients is below 1 no cap is feasible (a zero cannot be
 * scaled up) and it is skipped (reported). Floor f (applied after the cap, only
 * to recipients with a positive value): the smallest set of smallest recipients is raised to f
 * and the rest scaled down by one common factor, so nobody left falls below f; if f·n > 1 the
 * floor is infeasible and is skipped (reported). Both keep the order of recipients and the sum.
 */

export interface CapsReport {
  capped: number;
  floored: number;
  /** Total fraction moved by the cap and by the floor. */
  movedByCap: number;
  movedByFloor: number;
  capInfeasible: boolean;
  floorInfeasible: boolean;
  /** Per-row change (after − before) for rows that were clipped or raised. */
  changes: Map<number, number>;
}

export function applyCapsAndFloors(
  values: Float64Array,
  maxFraction?: number,
  minFraction?: number,
): CapsReport {
  const report: CapsReport = {
    capped: 0,
    floored: 0,
    movedByCap: 0,
    movedByFloor: 0,
    capInfeasible: false,
    floorInfeasible: false,
    changes: new Map(),
  };
  const n = values.length;
  let total = 0;
  for (let i = 0; i < n; i++) total += values[i]!;
  if (total <= 0) return report; // also no rows
  for (let i = 0; i < n; i++) values[i] = values[i]! / total;

  // Stryker disable next-line ConditionalExpression: a cap of 1 never binds (policies allow (0, 1])
  if (maxFraction !== undefined && maxFraction < 1) {
    const c = maxFraction;
    if (c * countPositive(values) < 1) {
      report.capInfeasible = true;
    } else {
      // Descending order of positions; the sort is stable, so ties stay in row order.
      const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[b]! - values[a]!);
      // rest[k] = sum of all but the top k, summed from the small end: subtracting from 1 would
      // cancel catastrophically when one recipient holds almost everything.
      const rest = suffixSums(values, idx);
      let k = 0;
      // Find smallest k: after clipping the top k to c and scaling the others by
      // s = (1 - k·c)/rest[k], the largest remaining value is <= c.
      while (k < n) {
        const s = (1 - k * c) / rest[k]!;
        if (values[idx[k]!]! * s <= c * (1 + 1e-12)) break;
        k++;
      }
      if (k > 0) {
        // With k = n every row is clipped and s is not used.
        const s = (1 - k * c) / rest[k]!;
        for (let j = 0; j < n; j++) {
          const i = idx[j]!;
          const before = values[i]!;
          const after = j < k ? c : before * s;
          values[i] = after;
          if (j < k) {
            report.changes.set(i, after - before);
            report.movedByCap += before - after;
          }
        }
        report.capped = k;
      }
    }
  }

  if (minFraction !== undefined) {
    const f = minFraction;
    if (f * countPositive(values) > 1) {
      report.floorInfeasible = true;
    } else {
      const idx: number[] = [];
      for (let i = 0; i < n; i++) if (values[i]! > 0) idx.push(i);
      idx.sort((a, b) => values[a]! - values[b]!); // stable: ties stay in row order
      // rest[k] = sum of all but the bottom k, as a sum of positive terms (no subtraction).
      const rest = suffixSums(values, idx);
      let k = 0;
      while (k < idx.length) {
        const s = (1 - k * f) / rest[k]!;
        if (values[idx[k]!]! * s >= f * (1 - 1e-12)) break;
        k++;
      }
      if (k > 0) {
        // With k = idx.length every row is raised and s is not used.
        const s = (1 - k * f) / rest[k]!;
        for (let j = 0; j < idx.length; j++) {
          const i = idx[j]!;
          const before = values[i]!;
          const after = j < k ? f : before * s;
          values[i] = after;
          if (j < k) {
            report.changes.set(i, (report.changes.get(i) ?? 0) + after - before);
            report.movedByFloor += after - before;
          }
        }
        report.floored = k;
      }
    }
  }
  return report;
}

function countPositive(values: Float64Array): number {
  let positive = 0;
  for (const v of values) if (v > 0) positive++;
  return positive;
}

/** out[k] = sum of values[idx[j]] for j >= k. */
function suffixSums(values: Float64Array, idx: readonly number[]): Float64Array {
  const out = new Float64Array(idx.length + 1);
  for (let j = idx.length - 1; j >= 0; j--) out[j] = out[j + 1]! + values[idx[j]!]!;
  return out;
}
