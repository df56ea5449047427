import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { IndexerProblem, SyncReport } from "./indexer/pool-indexer.ts";

/** Connection counts of a database pool (node-postgres); PGlite has none. */
export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
}

/**
 * The server's Prometheus metrics, one registry per process (tests build several apps, so nothing
 * goes to prom-client's global registry). Names and the alerts built on them: docs/server.md.
 */
export class ServerMetrics {
  readonly registry = new Registry();

  private readonly requestSeconds = new Histogram({
    name: "wellspring_http_request_duration_seconds",
    help: "HTTP request latency by route template, method and status",
    labelNames: ["method", "route", "status"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  private readonly errors = new Counter({
    name: "wellspring_http_errors_total",
    help: "Error responses by stable error code",
    labelNames: ["code"] as const,
    registers: [this.registry],
  });
  private readonly attestations = new Counter({
    name: "wellspring_attestations_total",
    help: "Binding requests (POST /v1/attestations) by outcome: signed, or the error code",
    labelNames: ["outcome"] as const,
    registers: [this.registry],
  });
  private readonly publishes = new Counter({
    name: "wellspring_publish_total",
    help: "Publications (POST /v1/runs/{id}/publish) by outcome: published, or the error code",
    labelNames: ["outcome"] as const,
    registers: [this.registry],
  });
  private readonly indexerRounds = new Counter({
    name: "wellspring_indexer_rounds_total",
    help: "Indexer rounds by outcome (ok, failed)",
    labelNames: ["outcome"] as const,
    registers: [this.registry],
  });
  private readonly indexerLastBlock = new Gauge({
    name: "wellspring_indexer_last_block",
    help: "Last block indexed, per pool",
    labelNames: ["pool"] as const,
    registers: [this.registry],
  });
  private readonly indexerLag = new Gauge({
    name: "wellspring_indexer_lag_blocks",
    help: "Chain head minus the last block indexed, per pool",
    labelNames: ["pool"] as const,
    registers: [this.registry],
  });
  private readonly indexerHead = new Gauge({
    name: "wellspring_indexer_chain_head",
    help: "Chain head seen by the indexer's last successful round",
    registers: [this.registry],
  });
  private readonly indexerProblems = new Gauge({
    name: "wellspring_indexer_problems",
    help: "Conditions stopping the indexer, by alert (INDEXER_CHAIN_MISMATCH, INDEXER_REORG_TOO_DEEP)",
    labelNames: ["alert"] as const,
    registers: [this.registry],
  });

  constructor(options: { dbStats?: () => PoolStats | undefined; processMetrics?: boolean } = {}) {
    if (options.processMetrics !== false) collectDefaultMetrics({ register: this.registry });
    const stats = options.dbStats;
    if (stats) {
      new Gauge({
        name: "wellspring_db_pool_connections",
        help: "Database pool connections by state (total, idle, waiting = requests queued for one)",
        labelNames: ["state"] as const,
        registers: [this.registry],
        collect() {
          const s = stats();
          if (!s) return;
          this.set({ state: "total" }, s.total);
          this.set({ state: "idle" }, s.idle);
          this.set({ state: "waiting" }, s.waiting);
        },
      });
    }
  }

  /** One finished request; `route` is the matched template (bounded cardinality), `code` the error code. */
  request(method: string, route: string, status: number, seconds: number, code: string | undefined): void {
    this.requestSeconds.observe({ method, route, status: String(status) }, seconds);
    if (code) this.errors.inc({ code });
    if (method === "POST" && route === "/v1/attestations")
      this.attestations.inc({ outcome: status < 300 ? "signed" : (code ?? String(status)) });
    if (method === "POST" && route === "/v1/runs/:id/publish")
      this.publishes.inc({ outcome: status < 300 ? "published" : (code ?? String(status)) });
  }

  /** After an indexer round: `cursors` maps pool address to its last indexed block. */
  indexerRound(
    outcome: { report: SyncReport; head: bigint; cursors: ReadonlyMap<string, bigint> } | "failed",
    problems: readonly IndexerProblem[],
  ): void {
    this.indexerProblems.reset();
    for (const p of problems) this.indexerProblems.inc({ alert: p.alert });
    if (outcome === "failed") {
      this.indexerRounds.inc({ outcome: "failed" });
      return;
    }
    this.indexerRounds.inc({ outcome: "ok" });
    this.indexerHead.set(Number(outcome.head));
    for (const [pool, block] of outcome.cursors) {
      this.indexerLastBlock.set({ pool }, Number(block));
      this.indexerLag.set({ pool }, Number(outcome.head - block));
    }
  }
}
