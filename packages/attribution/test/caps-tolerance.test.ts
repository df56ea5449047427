import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { applyCapsAndFloors } from "../src/caps.ts";

/**
 * A fraction within a relative 1e-12 of the cap (floor) counts as at it: float noise in the
 * normalisation must not clip (raise) a recipient who is exactly at the bound. Two rows v and
 * 1 − v sum to exactly 1, so the fractions are the values as given.
 */
describe("caps and floors at their tolerance", () => {
  it("leaves a fraction at cap·(1 + 1e-12) alone and clips the next one up", () => {
    const cap = 0.5;
    const atLimit = cap * (1 + 1e-12);
    const at = applyCapsAndFloors(Float64Array.from([atLimit, 1 - atLimit]), cap);
    assert.equal(at.capped, 0);
    assert.equal(at.changes.size, 0);
    const above = atLimit + Number.EPSILON / 2;
    const values = Float64Array.from([above, 1 - above]);
    const over = applyCapsAndFloors(values, cap);
    assert.equal(over.capped, 1);
    assert.equal(values[0], cap);
  });

  it("leaves a fraction at floor·(1 − 1e-12) alone and raises the next one down", () => {
    const floor = 0.5;
    const atLimit = floor * (1 - 1e-12);
    const at = applyCapsAndFloors(Float64Array.from([atLimit, 1 - atLimit]), undefined, floor);
    assert.equal(at.floored, 0);
    assert.equal(at.changes.size, 0);
    const below = atLimit - Number.EPSILON / 4;
    const values = Float64Array.from([below, 1 - below]);
    const under = applyCapsAndFloors(values, undefined, floor);
    assert.equal(under.floored, 1);
    assert.equal(values[0], floor);
  });
});
