import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ServerMetrics } from "../src/metrics.ts";
import { backends, startTestServer, type TestServer } from "./helpers.ts";

/** `name{labels} value` lines of the Prometheus text format, as a map. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const at = line.lastIndexOf(" ");
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

for (const backend of await backends()) {
  describe(`/metrics [${backend.name}]`, { skip: backend.skip }, () => {
    let server: TestServer;
    let dispose: () => Promise<void>;

    before(async () => {
      const opened = await backend.open();
      dispose = opened.dispose;
      server = await startTestServer(opened.db);
    });
    after(async () => {
      await server?.close();
      await dispose?.();
    });

    it("counts requests by route template (not raw path), status and error code", async () => {
      for (let i = 0; i < 3; i++) assert.equal((await fetch(`${server.url}/v1/pools`)).status, 200);
      assert.equal((await fetch(`${server.url}/v1/pools/0x${"12".repeat(20)}`)).status, 404);
      assert.equal((await fetch(`${server.url}/v1/pools/not-an-address`)).status, 400);
      assert.equal((await fetch(`${server.url}/nowhere/${"x".repeat(10)}`)).status, 404);
      const res = await fetch(`${server.url}/metrics`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get("content-type") ?? "", /text\/plain/);
      const m = samples(await res.text());
      const count = (labels: string) =>
        m.get(`wellspring_http_request_duration_seconds_count{${labels}}`) ?? 0;
      assert.equal(count('method="GET",route="/v1/pools",status="200"'), 3);
      assert.equal(count('method="GET",route="/v1/pools/:address",status="404"'), 1);
      assert.equal(count('method="GET",route="/v1/pools/:address",status="400"'), 1);
      assert.equal(count('method="GET",route="unmatched",status="404"'), 1);
      assert.ok(![...m.keys()].some((k) => k.includes("xxxxxxxxxx")), "raw paths never become labels");
      assert.equal(m.get('wellspring_http_errors_total{code="VALIDATION"}'), 1);
      assert.equal(m.get('wellspring_http_errors_total{code="NOT_FOUND"}'), 2);
      if (backend.name === "postgres")
        assert.ok((m.get('wellspring_db_pool_connections{state="total"}') ?? 0) >= 1);
    });
  });
}

describe("indexer metrics", () => {
  it("last block and lag per pool, rounds by outcome, problems by alert", async () => {
    const metrics = new ServerMetrics({ processMetrics: false });
    const report = { pools: 1, blocks: 10, events: 2, reorgs: 0, halted: 0 };
    metrics.indexerRound({ report, head: 120n, cursors: new Map([["0xabc", 100n]]) }, []);
    metrics.indexerRound("failed", [{ alert: "INDEXER_REORG_TOO_DEEP", message: "x", pool: "0xabc" }]);
    const m = samples(await metrics.registry.metrics());
    assert.equal(m.get('wellspring_indexer_last_block{pool="0xabc"}'), 100);
    assert.equal(m.get('wellspring_indexer_lag_blocks{pool="0xabc"}'), 20);
    assert.equal(m.get('wellspring_indexer_rounds_total{outcome="ok"}'), 1);
    assert.equal(m.get('wellspring_indexer_rounds_total{outcome="failed"}'), 1);
    assert.equal(m.get('wellspring_indexer_problems{alert="INDEXER_REORG_TOO_DEEP"}'), 1);
  });
});
