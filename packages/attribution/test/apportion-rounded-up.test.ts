import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { apportion } from "../src/apportion.ts";
import { referenceApportion, referenceRoundedUp } from "./apportion-reference.ts";

/**
 * `roundedUp` counts the units of the remainder round, so a row whose quota is a whole number is
 * never among them. The float path computes such a quota as a hair below the integer for some
 * inputs (its floor one too small, its fraction 1); only the guard around the fraction sends
 * those rows to the exact path. Values are small integers and totals multiples of ΣW plus a few
 * units, so that whole quotas are common.
 */
const wholeQuotasArb = fc
  .array(fc.integer({ min: 1, max: 12 }), { minLength: 2, maxLength: 6 })
  .chain((values) => {
    const vmax = Math.max(...values);
    const D = values.reduce((a, v) => a + BigInt(Math.round((v / vmax) * 2 ** 52)), 0n);
    const total = fc
      .tuple(fc.bigInt({ min: 1n, max: 100n }), fc.bigInt({ min: 0n, max: BigInt(values.length) }))
      .map(([m, extra]) => m * D + extra);
    return fc.tuple(fc.constant(values), fc.oneof(total, fc.bigInt({ min: 1n, max: 1n << 30n })));
  });

const check = (values: number[], total: bigint) => {
  const r = apportion(Float64Array.from(values), total);
  const context = `values ${values.join(",")} total ${total}`;
  assert.deepEqual(r.shares, referenceApportion(values, total), context);
  assert.equal(r.roundedUp, referenceRoundedUp(values, total), context);
};

describe("apportion's count of rounded-up rows", () => {
  it("does not count a whole quota that the float path sees just below its integer", () => {
    // Row 2's quota is exactly 82,681,277; the float path makes it 82,681,276 + 1.0.
    check([8, 7, 3], 496_087_662n);
    assert.equal(apportion(Float64Array.from([8, 7, 3]), 496_087_662n).roundedUp, 1);
  });

  it("equals total − Σ floor(quota) where quotas are whole numbers", () => {
    fc.assert(
      fc.property(wholeQuotasArb, ([values, total]) => check(values, total)),
      {
        numRuns: 3000,
        endOnFailure: true,
      },
    );
  });
});
