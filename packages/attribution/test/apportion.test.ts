import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { apportion } from "../src/apportion.ts";
import { referenceApportion as reference } from "./apportion-reference.ts";

const valuesArb = fc
  .array(fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(0, 1e-300, 0.5, 1, 1e-20)), {
    minLength: 1,
    maxLength: 60,
  })
  .filter((v) => v.some((x) => x > 0));
const totalArb = fc.oneof(
  fc.constant(10n ** 18n),
  fc.bigInt({ min: 1n, max: 1n << 200n }),
  fc.bigInt({ min: 1n, max: 100n }),
);

describe("apportion (largest remainder, exact)", () => {
  it("sums exactly to the total and equals the rational reference", () => {
    fc.assert(
      fc.property(valuesArb, totalArb, (values, total) => {
        const { shares } = apportion(Float64Array.from(values), total);
        assert.equal(
          shares.reduce((a, b) => a + b, 0n),
          total,
        );
        assert.deepEqual(shares, reference(values, total));
        shares.forEach((s, i) => assert.ok(s >= 0n && (values[i] === 0 ? s === 0n : true)));
      }),
      { numRuns: 500 },
    );
  });

  it("takes the exact path where the float path cannot decide (integer quotas, large tables)", () => {
    const equal = apportion(new Float64Array(8).fill(0.125), 10n ** 18n);
    assert.deepEqual(equal.shares, new Array(8).fill(125_000_000_000_000_000n));
    const values = Float64Array.from(
      { length: 5000 },
      (_, i) => ((i * 7919) % 1000) / 997 + (i % 3 === 0 ? 1e-7 : 0),
    );
    for (const total of [10n ** 18n, 12345n, 10n ** 40n]) {
      assert.deepEqual(apportion(values, total).shares, reference([...values], total));
    }
  });

  it("breaks ties by row order (accountId ascending)", () => {
    const { shares } = apportion(Float64Array.from([1, 1, 1]), 10n);
    assert.deepEqual(shares, [4n, 3n, 3n]);
    const two = apportion(Float64Array.from([1, 1, 1]), 2n);
    assert.deepEqual(two.shares, [1n, 1n, 0n]);
    assert.equal(two.dropped, 1);
  });

  it("refuses all-zero, negative and non-finite values", () => {
    assert.throws(() => apportion(Float64Array.from([0, 0]), 10n), RangeError);
    assert.throws(() => apportion(Float64Array.from([1, -1]), 10n), RangeError);
    assert.throws(() => apportion(Float64Array.from([1, Number.NaN]), 10n), RangeError);
    assert.throws(() => apportion(Float64Array.from([1]), 0n), RangeError);
  });
});
