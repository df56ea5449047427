/**
 * engineVersion: every table names the engine package's version, and `verify` judges only tables
 * of the engine's own major version (docs/verification.md#engine-versions).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";

import {
  ENGINE_VERSION,
  isWellspringError,
  parseShareTable,
  serializeShareTableToString,
} from "@wellspring/attribution";

import { run } from "../src/index.ts";

const HERE = dirname(fileURLToPath(import.meta.url));
const BIN = join(HERE, "..", "bin", "wellspring.js");
const REPO = join(HERE, "..", "..", "..");
const INPUT = join(REPO, "packages", "attribution", "test", "fixtures", "spec", "app-2.3.spdx.json");
const ENGINE_PACKAGE = JSON.parse(
  readFileSync(join(REPO, "packages", "attribution", "package.json"), "utf8"),
) as { version: string };

let work: string;
let tableText: string;

async function wellspring(args: string[]): Promise<string> {
  let out = "";
  await run(args, { stdout: { write: (s: string) => (out += s) }, cwd: work });
  return out;
}

/** The attributed table with another engineVersion (tableHash covers the rows, not this field). */
function tableMadeBy(engineVersion: string): string {
  const table = { ...parseShareTable(tableText), engineVersion };
  const file = join(work, `table-${engineVersion.replace(/[^0-9A-Za-z.-]/g, "_")}.json`);
  writeFileSync(file, serializeShareTableToString(table));
  return file;
}

/** The attributed evidence bundle (a directory) as an engine of `engineVersion` would have written it. */
function bundleMadeBy(engineVersion: string): string {
  const dir = join(work, `bundle-${engineVersion.replace(/[^0-9A-Za-z.-]/g, "_")}`);
  cpSync(join(work, "bundle"), dir, { recursive: true });
  const table = serializeShareTableToString({
    ...parseShareTable(readFileSync(join(dir, "share-table.json"), "utf8")),
    engineVersion,
  });
  writeFileSync(join(dir, "share-table.json"), table);
  const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as {
    engineVersion: string;
    files: Record<string, string>;
  };
  manifest.engineVersion = engineVersion;
  manifest.files["share-table.json"] = createHash("sha256").update(table).digest("hex");
  writeFileSync(join(dir, "manifest.json"), JSON.stringify(manifest));
  return pathToFileURL(dir).href;
}

const major = Number(ENGINE_PACKAGE.version.split(".")[0]);

describe("engineVersion in tables and in verify", () => {
  before(async () => {
    work = mkdtempSync(join(tmpdir(), "wellspring-engine-version-"));
    await wellspring(["attribute", "--input", INPUT, "--out", "out", "--bundle", "bundle"]);
    tableText = readFileSync(join(work, "out", "share-table.json"), "utf8");
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it("a table names the engine package's version, read from its package.json", () => {
    assert.equal(ENGINE_VERSION, `wellspring-attribution/${ENGINE_PACKAGE.version}`);
    assert.equal(parseShareTable(tableText).engineVersion, ENGINE_VERSION);
  });

  it("verify accepts a table from another minor or patch of the same major (and recomputes it byte for byte)", async () => {
    assert.match(await wellspring(["verify", "--table", "out/share-table.json", "--input", INPUT]), /^OK /);
    for (const version of [`${major}.999.3`, `${major}.0.0-rc.1`]) {
      const file = tableMadeBy(`wellspring-attribution/${version}`);
      assert.match(await wellspring(["verify", "--table", file]), /^OK /, version);
    }
  });

  it("verify judges a table no engine made (the SDK's hand-written ones) as a table", async () => {
    const file = tableMadeBy("wellspring-sdk/0.1.0 (hand-written)");
    assert.match(await wellspring(["verify", "--table", file]), /^OK /);
  });

  it("verify refuses a table of another major version, or of a version that is not semantic", async () => {
    for (const version of [`${major + 1}.0.0`, `${major + 1}.2.3-beta`, "latest", `${major}.1`]) {
      const file = tableMadeBy(`wellspring-attribution/${version}`);
      await assert.rejects(wellspring(["verify", "--table", file]), (e: unknown) => {
        assert.ok(isWellspringError(e) && e.code === "ENGINE_INCOMPATIBLE", String(e));
        assert.equal(e.field, "engineVersion");
        assert.ok(e.message.includes(`wellspring-attribution/${version}`), e.message);
        assert.ok(e.message.includes(ENGINE_VERSION), e.message);
        return true;
      });
    }
  });

  it("the command says why on stderr and exits 3, printing no verdict", () => {
    const file = tableMadeBy(`wellspring-attribution/${major + 1}.0.0`);
    const r = spawnSync(process.execPath, [BIN, "verify", "--table", file], { cwd: work, encoding: "utf8" });
    assert.equal(r.status, 3, r.stderr);
    assert.equal(r.stdout, "");
    assert.match(
      r.stderr,
      new RegExp(
        `^wellspring: error ENGINE_INCOMPATIBLE: .*field engineVersion: the table was made by wellspring-attribution/${major + 1}\\.0\\.0; this is ${ENGINE_VERSION.replace(/\./g, "\\.")}`,
      ),
    );
  });

  it("verify --uri accepts a bundle from another minor or patch of the same major, recomputed byte for byte", async () => {
    for (const version of [`${major}.999.3`, `${major}.0.0-rc.1`]) {
      const uri = bundleMadeBy(`wellspring-attribution/${version}`);
      assert.match(await wellspring(["verify", "--uri", uri]), /^OK /, version);
    }
  });

  it("verify --uri refuses a bundle made by an engine of another major, as --table refuses a table", async () => {
    assert.match(await wellspring(["verify", "--uri", pathToFileURL(join(work, "bundle")).href]), /^OK /);
    for (const version of [`${major + 1}.0.0`, "latest"]) {
      const uri = bundleMadeBy(`wellspring-attribution/${version}`);
      await assert.rejects(wellspring(["verify", "--uri", uri]), (e: unknown) => {
        assert.ok(isWellspringError(e) && e.code === "ENGINE_INCOMPATIBLE", String(e));
        assert.equal(e.field, "engineVersion");
        assert.equal(e.file, "manifest.json");
        assert.ok(e.message.includes(`wellspring-attribution/${version}`), e.message);
        return true;
      });
    }
    const uri = bundleMadeBy(`wellspring-attribution/${major + 1}.0.0`);
    const r = spawnSync(process.execPath, [BIN, "verify", "--uri", uri], { cwd: work, encoding: "utf8" });
    assert.equal(r.status, 3, r.stderr);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, /^wellspring: error ENGINE_INCOMPATIBLE: manifest\.json, field engineVersion: /);
  });
});
