/**
 * The conformance corpus: documents written by real generators, in `fixtures/corpus/**` (with
 * their licence notices, which are skipped here). Every document must give a table that
 * `verify` reproduces, and the same table (apart from the input's own hash) when the members of
 * every object are shuffled. An empty or absent corpus tests nothing; new files are picked up.
 *
 * An optional `fixtures/corpus/manifest.json` maps a document's path (relative to the corpus,
 * `/`-separated) to `{ "root": "<key>" }` for a document that names no product of its own, or
 * `{ "refused": "<ERROR_CODE>" }` for a real document the readers still refuse (the code is
 * asserted, so a fix shows up as a failing test to update).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { attribute } from "../src/attribute.ts";
import { isWellspringError } from "../src/errors.ts";
import { detectFormat, inputFile } from "../src/inputs/index.ts";
import { looksLikeJson } from "../src/inputs/json.ts";
import { parseShareTable, serializeShareTableToString } from "../src/table.ts";
import { verifyShareTable } from "../src/verify.ts";
import { FIXTURES } from "./inputs/helpers.ts";
import { seeded, shuffledJson, tableWithoutInputs } from "./helpers.ts";

const CORPUS = join(FIXTURES, "corpus");
const NOTICE = /^(readme|licen[sc]e|notice|copying|authors)([.-].*)?$/i;
const MARKDOWN = /\.(md|markdown)$/i;
const POLICY = { version: 1 };
const manifestPath = join(CORPUS, "manifest.json");

interface Expectation {
  root?: string;
  refused?: string;
}

/** Markdown that is not a model card (corpus-status.md, notes) documents the corpus. */
function notesFile(path: string): boolean {
  return MARKDOWN.test(path) && detectFormat(inputFile(path, readFileSync(path))) !== "hf-model-card";
}

function documents(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...documents(path));
    else if (entry.isFile() && !NOTICE.test(entry.name) && path !== manifestPath && !notesFile(path))
      out.push(path);
  }
  return out.sort();
}

const manifest: Record<string, Expectation> = existsSync(manifestPath)
  ? (JSON.parse(readFileSync(manifestPath, "utf8")) as Record<string, Expectation>)
  : {};

for (const path of documents(CORPUS)) {
  const name = relative(CORPUS, path).split(sep).join("/");
  const expect = manifest[name] ?? {};
  const options = expect.root === undefined ? {} : { readInputs: { root: expect.root } };
  const run = (bytes: Uint8Array): string =>
    serializeShareTableToString(
      attribute({ files: [inputFile(name, bytes)], policy: POLICY, options }).table,
    );

  test(`corpus: ${name}`, () => {
    const bytes = readFileSync(path);
    if (expect.refused !== undefined) {
      assert.throws(
        () => run(bytes),
        (e: unknown) => isWellspringError(e) && e.code === expect.refused,
      );
      return;
    }
    const serialized = run(bytes);
    const table = parseShareTable(serialized, name);
    const verified = verifyShareTable({ table, files: [inputFile(name, bytes)], policy: POLICY, options });
    assert.equal(verified.root, table.root);

    if (!looksLikeJson(bytes)) return;
    // JSON member order means nothing: three shuffles of every object give the same table.
    const value = JSON.parse(new TextDecoder().decode(bytes)) as unknown;
    for (const seed of [1, 2, 3]) {
      const shuffled = new TextEncoder().encode(shuffledJson(value, seeded(seed)));
      assert.equal(tableWithoutInputs(run(shuffled)), tableWithoutInputs(serialized), `seed ${seed}`);
    }
  });
}

test("corpus harness: notices and the manifest are not documents", () => {
  for (const n of ["README.md", "LICENSE", "LICENSE.txt", "NOTICE", "notice.md", "COPYING", "AUTHORS"])
    assert.ok(NOTICE.test(n), n);
  for (const n of ["bom.json", "licenses.cdx.json", "sbom-readme.spdx"]) assert.ok(!NOTICE.test(n), n);
  assert.ok(notesFile(join(CORPUS, "corpus-status.md")));
  // A model card is Markdown too, and stays a document.
  const dir = mkdtempSync(join(tmpdir(), "corpus-"));
  const card = join(dir, "model-card.md");
  writeFileSync(card, "---\nbase_model: org/base\nlicense: mit\n---\n# A model\n");
  assert.ok(!notesFile(card));
  rmSync(dir, { recursive: true });
});
