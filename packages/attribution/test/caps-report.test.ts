import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { applyCapsAndFloors, type CapsReport } from "../src/caps.ts";

/**
 * What the cap and the floor report (capped, floored, per-row changes, moved totals, infeasible
 * flags: the attribution summary publishes them) and the water-filling rule itself, checked
 * against its definition: the rows clipped (raised) are the fewest largest (smallest) for which
 * nobody left is above the cap (below the floor), and everyone else is scaled by one factor.
 */

const TOL = 1e-9;
const close = (a: number, b: number, what: string) =>
  assert.ok(Math.abs(a - b) <= TOL * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

/** values / Σ values, summed in row order as caps.ts does. */
function normalised(values: readonly number[]): number[] {
  let total = 0;
  for (const v of values) total += v;
  return values.map((v) => v / total);
}

function run(values: readonly number[], cap?: number, floor?: number) {
  const v = Float64Array.from(values);
  const report = applyCapsAndFloors(v, cap, floor);
  return { after: [...v], report, p: normalised(values) };
}

/** Checks one side (cap or floor) of the report against the definition. */
function checkSide(side: "cap" | "floor", p: number[], after: number[], report: CapsReport, bound: number) {
  const isCap = side === "cap";
  const positive = p.filter((x) => x > 0).length;
  const eligible = p.map((_, i) => i).filter((i) => isCap || p[i]! > 0);
  // Zero rows neither absorb what a cap takes nor count towards a floor.
  const infeasible = isCap ? bound * positive < 1 : bound * positive > 1;
  const count = isCap ? report.capped : report.floored;
  const moved = isCap ? report.movedByCap : report.movedByFloor;
  assert.equal(isCap ? report.capInfeasible : report.floorInfeasible, infeasible, `${side} infeasible`);
  assert.equal(isCap ? report.floorInfeasible : report.capInfeasible, false);
  assert.equal(isCap ? report.floored : report.capped, 0);
  if (infeasible) {
    assert.deepEqual(after, p, "an infeasible bound leaves the values as they were");
    assert.equal(count, 0);
    assert.equal(report.changes.size, 0);
    return;
  }
  // The rows clipped or raised: the `count` first in the bound's order (ties: lower row first).
  const order = [...eligible].sort((a, b) => (isCap ? p[b]! - p[a]! : p[a]! - p[b]!) || a - b);
  const bound_ = order.slice(0, count);
  const rest = order.slice(count);
  assert.deepEqual(
    [...report.changes.keys()].sort((a, b) => a - b),
    [...bound_].sort((a, b) => a - b),
  );
  let movedSum = 0;
  for (const i of bound_) {
    assert.equal(after[i], bound, `row ${i} is set to the ${side}`);
    assert.equal(report.changes.get(i), bound - p[i]!, `row ${i}'s change`);
    movedSum += isCap ? p[i]! - bound : bound - p[i]!;
  }
  close(moved, movedSum, `movedBy ${side}`);
  if (count === 0) {
    assert.deepEqual(after, p, `a ${side} that binds nobody leaves the values as they were`);
    assert.equal(moved, 0);
  } else {
    // Everyone else is scaled by one factor, and stays within the bound.
    const restSum = rest.reduce((a, i) => a + p[i]!, 0);
    const s = (1 - count * bound) / restSum;
    for (const i of rest) {
      close(after[i]!, p[i]! * s, `row ${i} scaled`);
      assert.ok(
        isCap ? after[i]! <= bound * (1 + TOL) : after[i]! >= bound * (1 - TOL),
        `row ${i} in bounds`,
      );
    }
  }
  // The fewest: the last row clipped or raised would, left to the common factor, cross the bound.
  if (count > 0) {
    const last = bound_.at(-1)!;
    const s = (1 - (count - 1) * bound) / (rest.reduce((a, i) => a + p[i]!, 0) + p[last]!);
    assert.ok(isCap ? p[last]! * s > bound * (1 - TOL) : p[last]! * s < bound * (1 + TOL), "fewest rows");
  }
  // Zero rows stay zero under a floor.
  if (!isCap) for (let i = 0; i < p.length; i++) if (p[i] === 0) assert.equal(after[i], 0);
}

const valuesArb = fc
  .array(fc.oneof(fc.double({ min: 1e-6, max: 1, noNaN: true }), fc.constantFrom(0, 0.5, 0.25)), {
    minLength: 1,
    maxLength: 30,
  })
  .filter((v) => v.some((x) => x > 0));

describe("caps and floors: the report and the rule", () => {
  it("a cap clips the fewest largest rows, scales the rest by one factor, and reports each change", () => {
    fc.assert(
      fc.property(valuesArb, fc.double({ min: 0.01, max: 0.999, noNaN: true }), (values, cap) => {
        const { after, report, p } = run(values, cap);
        checkSide("cap", p, after, report, cap);
      }),
      { numRuns: 400, endOnFailure: true },
    );
  });

  it("a floor raises the fewest smallest positive rows, scales the rest by one factor, and reports each change", () => {
    fc.assert(
      fc.property(valuesArb, fc.double({ min: 0.001, max: 0.6, noNaN: true }), (values, floor) => {
        const { after, report, p } = run(values, undefined, floor);
        checkSide("floor", p, after, report, floor);
      }),
      { numRuns: 400, endOnFailure: true },
    );
  });

  it("at the feasibility limits: cap · positive rows = 1 and floor · positive rows = 1 still apply", () => {
    const capped = run([0.7, 0.3], 0.5);
    assert.deepEqual(capped.after, [0.5, 0.5]);
    assert.equal(capped.report.capInfeasible, false);
    assert.equal(capped.report.capped, 1);
    const floored = run([0.4, 0.3, 0.2, 0.1], undefined, 0.25);
    assert.deepEqual(floored.after, [0.25, 0.25, 0.25, 0.25]);
    assert.equal(floored.report.floorInfeasible, false);
    assert.equal(floored.report.floored, 3);
    // Zero rows do not count towards the floor's feasibility, and are not raised.
    const withZeros = run([0.9, 0.1, 0, 0], undefined, 0.3);
    assert.equal(withZeros.report.floorInfeasible, false);
    assert.deepEqual(withZeros.after, [0.7, 0.3, 0, 0]);
    // Nor towards the cap's: one positive row cannot be capped, and a zero row gains nothing.
    const alone = run([0.5, 0], 0.999);
    assert.equal(alone.report.capInfeasible, true);
    assert.deepEqual(alone.after, [1, 0]);
  });

  it("a row exactly at the floor is not raised", () => {
    const { after, report } = run([0.25, 0.75], undefined, 0.25);
    assert.deepEqual(after, [0.25, 0.75]);
    assert.equal(report.floored, 0);
    assert.equal(report.changes.size, 0);
  });

  it("no cap, a cap of 1 or more, and all-zero values change nothing", () => {
    for (const cap of [undefined, 1, 1.5]) {
      const { after, report, p } = run([0.6, 0.3, 0.1], cap);
      assert.deepEqual(after, p);
      assert.equal(report.capped, 0);
      assert.equal(report.capInfeasible, false);
    }
    const zeros = run([0, 0], 0.4, 0.1);
    assert.deepEqual(zeros.after, [0, 0]);
    assert.deepEqual(
      { ...zeros.report, changes: zeros.report.changes.size },
      {
        capped: 0,
        floored: 0,
        movedByCap: 0,
        movedByFloor: 0,
        capInfeasible: false,
        floorInfeasible: false,
        changes: 0,
      },
    );
  });
});
