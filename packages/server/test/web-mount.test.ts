import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { webHandler } from "@wellspring/web";
import type { Database } from "../src/db/database.ts";
import { migrate } from "../src/db/migrate.ts";
import { openPglite } from "../src/db/pglite.ts";
import { startTestServer, type TestServer } from "./helpers.ts";

// The pages are mounted after every API route: they are served with the API's security headers,
// and neither shadow an API path nor turn an unknown path into a page.
describe("web pages mounted in the app", () => {
  let db: Database;
  let server: TestServer;
  let dist: string;
  before(async () => {
    dist = mkdtempSync(path.join(tmpdir(), "ws-web-"));
    mkdirSync(path.join(dist, "assets"));
    writeFileSync(path.join(dist, "index.html"), "<!doctype html><title>Wellspring</title>");
    writeFileSync(path.join(dist, "assets", "app.js"), "export {};");
    db = await openPglite();
    await migrate(db);
    server = await startTestServer(db, { web: webHandler({ dir: dist }) });
  });
  after(async () => {
    await server?.close();
    await db?.close();
    rmSync(dist, { recursive: true, force: true });
  });

  it("serves the page at / with the API's security headers", async () => {
    const response = await fetch(`${server.url}/`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type") ?? "", /^text\/html/);
    assert.ok(response.headers.get("content-security-policy"));
    assert.match(await response.text(), /<title>Wellspring<\/title>/);
  });

  it("serves built assets", async () => {
    const response = await fetch(`${server.url}/assets/app.js`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type") ?? "", /^text\/javascript/);
  });

  it("leaves API routes and unknown paths to the API", async () => {
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
    const missing = await fetch(`${server.url}/assets/nope.js`);
    assert.equal(missing.status, 404);
    assert.match(missing.headers.get("content-type") ?? "", /json/);
  });
});
