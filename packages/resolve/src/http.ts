/**
 * The one HTTP client of `resolve`: bounded concurrency, retries with exponential backoff that
 * honour `Retry-After` and GitHub-style rate-limit headers, a disk cache, and a per-host circuit
 * breaker so an unreachable service fails its remaining requests at once instead of each
 * waiting for a timeout. Every outcome is a value (`HttpResult`), never a throw, so the
 * resolver can count failures by reason.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface HttpOptions {
  /** Requests in flight at once, over all hosts (default 8). */
  concurrency?: number;
  /** Retries after the first attempt for network errors, 429 and 5xx (default 3). */
  retries?: number;
  /** First backoff in ms, doubled per retry (default 500). */
  backoffMs?: number;
  /** Longest wait a rate limit may impose before the request counts as failed (default 60 s). */
  maxWaitMs?: number;
  /** Per-request timeout in ms (default 20 s). */
  timeoutMs?: number;
  /** Directory of the disk cache; undefined = no cache. */
  cacheDir?: string | undefined;
  /** Cached answers older than this are fetched again (default 7 days). */
  cacheMaxAgeMs?: number;
  /** Consecutive connection failures after which a host is considered down (default 3). */
  hostFailureLimit?: number;
  userAgent?: string;
  /** Headers added to requests to a host (e.g. an API token), by host name. */
  hostHeaders?: Record<string, Record<string, string>>;
  /** Injected for tests of the backoff; defaults to setTimeout. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export type HttpResult =
  | { ok: true; status: number; body: string; fromCache: boolean }
  /** A definitive answer that is not 2xx (e.g. 404): cached like a success. */
  | { ok: false; status: number; reason: string; fromCache: boolean };

interface CacheEntry {
  url: string;
  status: number;
  body: string;
  fetchedAt: number;
}

export interface HttpStats {
  requests: number;
  cacheHits: number;
  retries: number;
  rateLimitWaits: number;
}

const RETRYABLE = new Set([408, 425, 429, 500, 502, 503, 504]);

export class HttpClient {
  readonly stats: HttpStats = { requests: 0, cacheHits: 0, retries: 0, rateLimitWaits: 0 };
  private active = 0;
  private readonly queue: Array<() => void> = [];
  private readonly hostFailures = new Map<string, number>();
  private readonly o: Required<Omit<HttpOptions, "cacheDir" | "hostHeaders">> &
    Pick<HttpOptions, "cacheDir" | "hostHeaders">;

  constructor(options: HttpOptions = {}) {
    this.o = {
      concurrency: options.concurrency ?? 8,
      retries: options.retries ?? 3,
      backoffMs: options.backoffMs ?? 500,
      maxWaitMs: options.maxWaitMs ?? 60_000,
      timeoutMs: options.timeoutMs ?? 20_000,
      cacheDir: options.cacheDir,
      cacheMaxAgeMs: options.cacheMaxAgeMs ?? 7 * 86_400_000,
      hostFailureLimit: options.hostFailureLimit ?? 3,
      userAgent: options.userAgent ?? "wellspring-resolve/0.1",
      hostHeaders: options.hostHeaders,
      sleep: options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
      now: options.now ?? Date.now,
    };
    if (this.o.cacheDir !== undefined) mkdirSync(this.o.cacheDir, { recursive: true });
  }

  /** GET a URL; `accept` also keys the cache (one URL may serve several representations). */
  async get(url: string, accept = "application/json"): Promise<HttpResult> {
    const cached = this.readCache(url, accept);
    if (cached !== undefined) {
      this.stats.cacheHits++;
      return cached.status >= 200 && cached.status < 300
        ? { ok: true, status: cached.status, body: cached.body, fromCache: true }
        : { ok: false, status: cached.status, reason: `http-${cached.status}`, fromCache: true };
    }
    await this.acquire();
    try {
      return await this.fetchWithRetries(url, accept);
    } finally {
      this.release();
    }
  }

  private async fetchWithRetries(url: string, accept: string): Promise<HttpResult> {
    const host = new URL(url).host;
    let lastReason = "network";
    for (let attempt = 0; attempt <= this.o.retries; attempt++) {
      if ((this.hostFailures.get(host) ?? 0) >= this.o.hostFailureLimit)
        return { ok: false, status: 0, reason: `unreachable:${host}`, fromCache: false };
      if (attempt > 0) this.stats.retries++;
      this.stats.requests++;
      let response: Response;
      try {
        response = await fetch(url, {
          headers: {
            accept,
            "user-agent": this.o.userAgent,
            ...(this.o.hostHeaders?.[host] ?? {}),
          },
          redirect: "follow",
          signal: AbortSignal.timeout(this.o.timeoutMs),
        });
      } catch (error) {
        this.hostFailures.set(host, (this.hostFailures.get(host) ?? 0) + 1);
        lastReason = networkReason(error);
        if (attempt < this.o.retries) await this.o.sleep(this.o.backoffMs * 2 ** attempt);
        continue;
      }
      this.hostFailures.set(host, 0);
      const wait = rateLimitWait(response, this.o.now());
      if (response.status === 429 || (response.status === 403 && wait !== undefined)) {
        await response.body?.cancel();
        lastReason = "rate-limited";
        const ms = wait ?? this.o.backoffMs * 2 ** attempt;
        if (ms > this.o.maxWaitMs || attempt === this.o.retries) break;
        this.stats.rateLimitWaits++;
        await this.o.sleep(ms);
        continue;
      }
      if (RETRYABLE.has(response.status)) {
        await response.body?.cancel();
        lastReason = `http-${response.status}`;
        if (attempt < this.o.retries) await this.o.sleep(wait ?? this.o.backoffMs * 2 ** attempt);
        continue;
      }
      const body = await response.text();
      this.writeCache(url, accept, response.status, body);
      if (response.ok) return { ok: true, status: response.status, body, fromCache: false };
      return { ok: false, status: response.status, reason: `http-${response.status}`, fromCache: false };
    }
    return { ok: false, status: 0, reason: lastReason, fromCache: false };
  }

  private acquire(): Promise<void> {
    if (this.active < this.o.concurrency) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.queue.push(resolve));
  }

  private release(): void {
    const next = this.queue.shift();
    if (next !== undefined) next();
    else this.active--;
  }

  private cachePath(url: string, accept: string): string | undefined {
    if (this.o.cacheDir === undefined) return undefined;
    const key = createHash("sha256").update(`${accept}\n${url}`).digest("hex");
    return join(this.o.cacheDir, `${key}.json`);
  }

  private readCache(url: string, accept: string): CacheEntry | undefined {
    const path = this.cachePath(url, accept);
    if (path === undefined) return undefined;
    try {
      const entry = JSON.parse(readFileSync(path, "utf8")) as CacheEntry;
      if (entry.url !== url || this.o.now() - entry.fetchedAt > this.o.cacheMaxAgeMs) return undefined;
      return entry;
    } catch {
      return undefined; // absent or torn: fetch again
    }
  }

  /** Only definitive answers are cached: 2xx and 4xx other than rate limits. */
  private writeCache(url: string, accept: string, status: number, body: string): void {
    const path = this.cachePath(url, accept);
    if (path === undefined || status >= 500 || status === 429 || status === 403) return;
    const entry: CacheEntry = { url, status, body, fetchedAt: this.o.now() };
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(entry));
    renameSync(tmp, path); // atomic: a concurrent reader sees the old entry or the new one
  }
}

/** How long a response asks us to wait, in ms, if it says so. */
export function rateLimitWait(response: Pick<Response, "headers">, now: number): number | undefined {
  const retryAfter = response.headers.get("retry-after");
  if (retryAfter !== null) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  if (response.headers.get("x-ratelimit-remaining") === "0") {
    const reset = Number(response.headers.get("x-ratelimit-reset"));
    if (Number.isFinite(reset) && reset > 0) return Math.max(0, reset * 1000 - now);
  }
  return undefined;
}

function networkReason(error: unknown): string {
  const e = error as { name?: string; cause?: { code?: string } };
  if (e.name === "TimeoutError") return "timeout";
  return e.cause?.code !== undefined ? `network:${e.cause.code}` : "network";
}
