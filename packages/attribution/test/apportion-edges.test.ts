import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { apportion } from "../src/apportion.ts";
import { referenceApportion } from "./apportion-reference.ts";

/**
 * The parts of apportion that random values and round totals rarely reach: quotas between 2^20
 * and 2^55 (where a float error in the quota's fraction would be large enough to move a unit but
 * not large enough to send the row to the exact path), remainders that differ by less than the
 * float path can see, exact ties, and which bad value a refusal names.
 */

/** Totals spread evenly over their bit length, from 1 to 2^64. */
const totalArb = fc
  .integer({ min: 1, max: 64 })
  .chain((bits) => fc.bigInt({ min: 1n << BigInt(bits - 1), max: (1n << BigInt(bits)) - 1n }));

/**
 * Values 1 − m·2^-40: differences far below 1e-9, so many remainders sit near the cut; up to 200
 * rows, as a sort of more than 64 rows compares them in more orders than an insertion sort does.
 */
const nearTiesArb = fc.array(
  fc.integer({ min: 0, max: 40 }).map((m) => 1 - m * 2 ** -40),
  { minLength: 2, maxLength: 200 },
);

/** Values from a short list: many exact ties, broken by row order. */
const tiesArb = fc
  .array(fc.constantFrom(1, 0.5, 0.25, 0.75, 0), { minLength: 2, maxLength: 40 })
  .filter((v) => v.some((x) => x > 0));

// The properties stop at the first failure (endOnFailure): shrinking a counterexample of these
// sizes takes minutes, and a mutation run needs only the failure.
const check = (values: number[], total: bigint) => {
  const { shares } = apportion(Float64Array.from(values), total);
  assert.deepEqual(shares, referenceApportion(values, total), `values ${values.join(",")} total ${total}`);
};

describe("apportion at its edges", () => {
  it("equals the rational reference for totals of every size", () => {
    const valuesArb = fc
      .array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 20 })
      .filter((v) => v.some((x) => x > 0));
    fc.assert(fc.property(valuesArb, totalArb, check), { numRuns: 1500, endOnFailure: true });
  });

  it("orders remainders exactly where they differ by less than 1e-9", () => {
    fc.assert(fc.property(nearTiesArb, totalArb, check), { numRuns: 600, endOnFailure: true });
    // Row 1's quota exceeds one half by 2^-42, row 0's falls short by as much: row 1 gets the unit.
    assert.deepEqual(apportion(Float64Array.from([1 - 2 ** -40, 1]), 1n).shares, [0n, 1n]);
    assert.deepEqual(apportion(Float64Array.from([1, 1 - 2 ** -40]), 1n).shares, [1n, 0n]);
  });

  it("breaks exact ties by row order, however many rows tie", () => {
    fc.assert(fc.property(tiesArb, totalArb, check), { numRuns: 600, endOnFailure: true });
    const shares = apportion(new Float64Array(20).fill(1), 7n).shares;
    assert.deepEqual(shares, [...new Array<bigint>(7).fill(1n), ...new Array<bigint>(13).fill(0n)]);
  });

  it("counts as dropped only rows with a value that got nothing", () => {
    const r = apportion(Float64Array.from([0, 1, 0, 1e-30]), 5n);
    assert.deepEqual(r.shares, [0n, 5n, 0n, 0n]);
    assert.equal(r.dropped, 1);
    assert.equal(r.roundedUp, 0);
  });

  it("names the bad value it refuses", () => {
    for (const bad of [-1, -Infinity, Infinity, Number.NaN]) {
      assert.throws(() => apportion(Float64Array.from([1, bad]), 10n), {
        name: "RangeError",
        message: "value 1 is not a finite number >= 0",
      });
    }
    assert.throws(() => apportion(Float64Array.from([0, 0]), 10n), {
      name: "RangeError",
      message: "nothing to apportion: every value is 0",
    });
  });
});
