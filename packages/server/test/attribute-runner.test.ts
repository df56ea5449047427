import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { after, describe, it } from "node:test";
import { attribute, inputFile, isWellspringError } from "@wellspring/attribution";
import { AttributeRunner } from "../src/engine/attribute-runner.ts";
import { bigLockfile } from "./helpers.ts";

const root = path.resolve(import.meta.dirname, "..", "..", "..");
const policy: unknown = JSON.parse(
  readFileSync(path.join(root, "packages", "attribution", "policies", "default.json"), "utf8"),
);

describe("AttributeRunner (the engine in a worker thread)", () => {
  const runner = new AttributeRunner();
  after(() => runner.close());

  it("returns exactly the table the engine computes in-process", async () => {
    const lock = readFileSync(path.join(root, "package-lock.json"));
    const here = attribute({ files: [inputFile("package-lock.json", lock)], policy });
    const there = await runner.run([{ name: "package-lock.json", content: lock }], policy);
    assert.equal(there.table.root, here.table.root);
    assert.equal(there.table.tableHash, here.table.tableHash);
    assert.equal(there.table.totalShares, here.table.totalShares);
    assert.deepEqual([...there.table.rows.shares], [...here.table.rows.shares]);
    assert.deepEqual(there.sha256, [inputFile("x", lock).sha256]);
    assert.equal(there.report.recipients, here.report.recipients);
  });

  it("keeps the event loop free while it computes", async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const started = performance.now();
    const result = await runner.run([{ name: "package-lock.json", content: bigLockfile(60_000) }], policy);
    const ms = performance.now() - started;
    clearInterval(timer);
    assert.ok(result.table.rows.length > 1000);
    // A blocked loop would tick about once for the whole run; a free one every few milliseconds.
    assert.ok(ticks >= Math.min(20, ms / 25), `${ticks} ticks in ${Math.round(ms)} ms`);
  });

  it("hands engine errors back as WellspringError naming the file", async () => {
    const broken = new TextEncoder().encode('{"lockfileVersion": 3, "packages": {');
    await assert.rejects(runner.run([{ name: "broken-lock.json", content: broken }], policy), (error) => {
      assert.ok(isWellspringError(error), String(error));
      assert.equal(error.file, "broken-lock.json");
      return true;
    });
    // The worker survives a failed job.
    const lock = readFileSync(path.join(root, "package-lock.json"));
    assert.ok(
      (await runner.run([{ name: "package-lock.json", content: lock }], policy)).table.rows.length > 0,
    );
  });
});
