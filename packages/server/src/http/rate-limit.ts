import type { RequestHandler } from "express";
import { ServerError } from "../errors.ts";

/**
 * Token bucket per client key, in memory. Rate limits are per instance (N instances behind a
 * balancer allow N times the rate); correctness never depends on them, so this state may live
 * outside PostgreSQL. The map is bounded: idle full buckets are dropped first.
 */
export class TokenBucketLimiter {
  private readonly buckets = new Map<string, { tokens: number; updated: number }>();

  constructor(
    readonly ratePerSecond: number,
    readonly burst: number,
    private readonly maxKeys = 100_000,
  ) {}

  /** Takes one token for `key` at time `now` (ms). */
  take(key: string, now: number): { allowed: boolean; remaining: number; retryAfterSeconds: number } {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= this.maxKeys) this.evict(now);
      bucket = { tokens: this.burst, updated: now };
      this.buckets.set(key, bucket);
    } else {
      bucket.tokens = this.refilled(bucket, now);
      // A clock that steps back (NTP) must neither drain nor refill the bucket.
      bucket.updated = Math.max(bucket.updated, now);
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, remaining: Math.floor(bucket.tokens), retryAfterSeconds: 0 };
    }
    return {
      allowed: false,
      remaining: 0,
      retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / this.ratePerSecond)),
    };
  }

  get size(): number {
    return this.buckets.size;
  }

  private refilled(bucket: { tokens: number; updated: number }, now: number): number {
    const elapsed = Math.max(0, now - bucket.updated);
    return Math.min(this.burst, bucket.tokens + (elapsed / 1000) * this.ratePerSecond);
  }

  private evict(now: number): void {
    for (const [key, bucket] of this.buckets) {
      if (this.refilled(bucket, now) >= this.burst) this.buckets.delete(key);
    }
    // Everyone is active: drop the oldest-inserted half rather than grow without bound.
    if (this.buckets.size >= this.maxKeys) {
      let drop = Math.ceil(this.buckets.size / 2);
      for (const key of this.buckets.keys()) {
        if (drop-- <= 0) break;
        this.buckets.delete(key);
      }
    }
  }
}

/** Probes and metrics scrapers are never rate limited (nor declared so in the OpenAPI document). */
export const UNLIMITED_PATHS: ReadonlySet<string> = new Set(["/healthz", "/readyz", "/metrics"]);

export function rateLimit(limiter: TokenBucketLimiter, now: () => number): RequestHandler {
  return (req, res, next) => {
    const result = limiter.take(req.ip ?? "unknown", now());
    res.setHeader("RateLimit-Limit", String(limiter.burst));
    res.setHeader("RateLimit-Remaining", String(result.remaining));
    if (!result.allowed) {
      res.setHeader("Retry-After", String(result.retryAfterSeconds));
      throw new ServerError("RATE_LIMITED", "too many requests", {
        details: `retry after ${result.retryAfterSeconds} s`,
      });
    }
    next();
  };
}
