import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";

import { WebAssetsMissingError, webAssetsDir, webHandler } from "../src/index.ts";

describe("webHandler", () => {
  let dir: string;
  let server: Server;
  let base: string;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "ws-web-dist-"));
    mkdirSync(path.join(dir, "assets"));
    writeFileSync(path.join(dir, "index.html"), "<!doctype html><title>t</title>");
    writeFileSync(path.join(dir, "assets", "app.js"), "export {};");
    writeFileSync(path.join(dir, "assets", "app.css"), "body{}");
    writeFileSync(path.join(dir, "secret.txt"), "not an asset");
    const handle = webHandler({ dir });
    server = createServer((req, res) =>
      handle(req, res, (error?: unknown) => {
        res.statusCode = error ? 500 : 404;
        res.end("next");
      }),
    );
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it("serves the app at / and its assets with their types", async () => {
    const index = await fetch(`${base}/`);
    assert.equal(index.status, 200);
    assert.equal(index.headers.get("content-type"), "text/html; charset=utf-8");
    assert.equal(index.headers.get("x-content-type-options"), "nosniff");
    assert.match(await index.text(), /<title>t<\/title>/);
    const js = await fetch(`${base}/assets/app.js`);
    assert.equal(js.headers.get("content-type"), "text/javascript; charset=utf-8");
    assert.equal(await js.text(), "export {};");
    const css = await fetch(`${base}/assets/app.css?v=1`);
    assert.equal(css.headers.get("content-type"), "text/css; charset=utf-8");
  });

  it("passes everything else to next(): API paths, unknown assets, escapes and other methods", async () => {
    for (const p of [
      "/v1/pools",
      "/assets/missing.js",
      "/assets/..%2Fsecret.txt",
      "/assets/%2e%2e%2fsecret.txt",
      "/secret.txt",
      "/assets/",
    ]) {
      const res = await fetch(`${base}${p}`);
      assert.equal(res.status, 404, p);
      assert.equal(await res.text(), "next", p);
    }
    const post = await fetch(`${base}/`, { method: "POST" });
    assert.equal(post.status, 404);
    const head = await fetch(`${base}/`, { method: "HEAD" });
    assert.equal(head.status, 200);
  });

  it("refuses to start without built pages, with a stable code", () => {
    const empty = mkdtempSync(path.join(tmpdir(), "ws-web-empty-"));
    try {
      assert.throws(
        () => webHandler({ dir: empty }),
        (e: unknown) => e instanceof WebAssetsMissingError && e.code === "WEB_ASSETS_MISSING",
      );
      assert.throws(() => webAssetsDir(empty), WebAssetsMissingError);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
