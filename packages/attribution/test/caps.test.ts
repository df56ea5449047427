import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { applyCapsAndFloors } from "../src/caps.ts";

describe("caps and floors (water-filling)", () => {
  it("clips the largest to the cap, scales the rest up, keeps the sum and the order", () => {
    const v = Float64Array.from([0.7, 0.2, 0.1]);
    const r = applyCapsAndFloors(v, 0.4);
    assert.equal(r.capped, 1);
    assert.ok(Math.abs(v[0]! - 0.4) < 1e-15);
    assert.ok(Math.abs(v[1]! - 0.4) < 1e-12 && Math.abs(v[2]! - 0.2) < 1e-12);
    assert.ok(Math.abs(r.movedByCap - 0.3) < 1e-12);
  });

  it("raises the smallest to the floor and takes it proportionally from the rest", () => {
    const v = Float64Array.from([0.9, 0.09, 0.01]);
    const r = applyCapsAndFloors(v, undefined, 0.05);
    assert.equal(r.floored, 1);
    assert.ok(Math.abs(v[2]! - 0.05) < 1e-15);
    assert.ok(Math.abs(v[0]! + v[1]! + v[2]! - 1) < 1e-12);
    assert.ok(v[0]! / v[1]! - 10 < 1e-9);
  });

  it("reports infeasible caps and floors and leaves the values alone", () => {
    const v = Float64Array.from([0.5, 0.5]);
    assert.equal(applyCapsAndFloors(v, 0.4).capInfeasible, true);
    assert.equal(
      applyCapsAndFloors(Float64Array.from([0.5, 0.3, 0.2]), undefined, 0.4).floorInfeasible,
      true,
    );
  });

  it("always conserves the total and respects feasible bounds", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 1e-9, max: 1, noNaN: true }), { minLength: 1, maxLength: 50 }),
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        fc.double({ min: 0.0001, max: 0.05, noNaN: true }),
        (values, cap, floor) => {
          const v = Float64Array.from(values);
          const r = applyCapsAndFloors(v, cap, floor);
          const sum = v.reduce((a, b) => a + b, 0);
          assert.ok(Math.abs(sum - 1) < 1e-9, `sum ${sum}`);
          if (!r.capInfeasible) for (const x of v) assert.ok(x <= cap * (1 + 1e-9));
          if (!r.floorInfeasible) for (const x of v) assert.ok(x >= floor * (1 - 1e-9));
        },
      ),
      { numRuns: 300 },
    );
  });
});
