import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { TokenBucketLimiter } from "../src/http/rate-limit.ts";

describe("TokenBucketLimiter", () => {
  it("allows a burst, then refuses until tokens refill at the configured rate", () => {
    const limiter = new TokenBucketLimiter(2, 3);
    const t0 = 1_000_000;
    assert.deepEqual(
      [1, 2, 3].map(() => limiter.take("a", t0).allowed),
      [true, true, true],
    );
    const refused = limiter.take("a", t0);
    assert.equal(refused.allowed, false);
    assert.equal(refused.retryAfterSeconds, 1);
    assert.equal(limiter.take("a", t0 + 499).allowed, false, "0.998 tokens after 499 ms at 2/s");
    assert.equal(limiter.take("a", t0 + 500).allowed, true, "one token after 500 ms at 2/s");
    assert.equal(limiter.take("b", t0).allowed, true, "buckets are per key");
  });

  it("never refills beyond the burst", () => {
    const limiter = new TokenBucketLimiter(100, 2);
    limiter.take("a", 0);
    const later = 60_000;
    assert.equal(limiter.take("a", later).remaining, 1);
    assert.equal(limiter.take("a", later).allowed, true);
    assert.equal(limiter.take("a", later).allowed, false);
  });

  it("a clock stepping backwards neither drains nor refills a bucket", () => {
    const limiter = new TokenBucketLimiter(1, 2);
    assert.equal(limiter.take("a", 10_000).remaining, 1);
    assert.equal(limiter.take("a", 5_000).remaining, 0);
    assert.equal(limiter.take("a", 5_000).allowed, false);
    assert.equal(limiter.take("a", 10_999).allowed, false, "time is measured from the latest instant seen");
    assert.equal(limiter.take("a", 11_000).allowed, true);
  });

  it("stays bounded in memory: idle full buckets are evicted first", () => {
    const limiter = new TokenBucketLimiter(1, 1, 10);
    for (let i = 0; i < 10; i++) limiter.take(`k${i}`, 0);
    assert.equal(limiter.size, 10);
    limiter.take("new", 5_000); // all others refilled by now: evicted
    assert.equal(limiter.size, 1);
    for (let i = 0; i < 50; i++) limiter.take(`busy${i}`, 5_000);
    assert.ok(limiter.size <= 10, `size ${limiter.size}`);
  });
});
