import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { chromium, type Browser } from "playwright-core";
import type { Database } from "../src/db/database.ts";
import { migrate } from "../src/db/migrate.ts";
import { openPglite } from "../src/db/pglite.ts";
import { startTestServer, type TestServer } from "./helpers.ts";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

describe(
  "the /docs reference page in a real browser",
  { skip: existsSync(CHROMIUM) ? false : `no browser at ${CHROMIUM}` },
  () => {
    let db: Database;
    let server: TestServer;
    let browser: Browser;
    before(async () => {
      db = await openPglite();
      await migrate(db);
      server = await startTestServer(db);
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
      });
    });
    after(async () => {
      await browser?.close();
      await server?.close();
      await db?.close();
    });

    it("renders every operation from /openapi.json using only this server, and its Try-it sends requests", async () => {
      const page = await browser.newPage();
      const requested: string[] = [];
      const problems: string[] = [];
      page.on("request", (request) => requested.push(request.url()));
      page.on("console", (message) => {
        if (message.type() === "error") problems.push(message.text());
      });
      page.on("pageerror", (error) => problems.push(String(error)));
      await page.goto(`${server.url}/docs`);
      await page.waitForSelector("details.op");

      const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as {
        paths: Record<string, Record<string, unknown>>;
      };
      const operations = Object.values(doc.paths).reduce((n, methods) => n + Object.keys(methods).length, 0);
      assert.equal(await page.locator("details.op").count(), operations);
      assert.match((await page.textContent("#title")) ?? "", /Wellspring API/);

      // Filter, then try GET /v1/policies.
      await page.fill("#filter", "/v1/policies");
      assert.ok((await page.locator("details.op:not([hidden])").count()) < operations);
      const op = page.locator("details.op", { hasText: "List policy lines" });
      await op.locator("summary").click();
      await op.locator("button", { hasText: "Send GET" }).click();
      // A locator wait, not waitForFunction: a string predicate polled in the page is an eval, which
      // the page's CSP (script-src 'self') refuses whenever the answer is not there at the first look.
      await op
        .locator("pre")
        .filter({ hasText: /^200 OK/ })
        .first()
        .waitFor();
      assert.match((await op.locator("pre").last().textContent()) ?? "", /^200 OK[\s\S]*"policies": \[\]/);

      assert.deepEqual(problems, []);
      for (const url of requested) assert.ok(url.startsWith(server.url), `request to another origin: ${url}`);
    });
  },
);
