import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { csvCell } from "../src/services/csv.ts";

/** The cell's text as a spreadsheet reads it back (RFC 4180 unquoting). */
const unquote = (cell: string) => (cell.startsWith('"') ? cell.slice(1, -1).replaceAll('""', '"') : cell);
const TRIGGERS = ["=", "+", "-", "@", "\uFF1D", "\uFF0B", "\uFF0D", "\uFF20"];

describe("CSV cells never start a formula", () => {
  it("escapes triggers after leading whitespace and their full-width forms", () => {
    for (const text of [
      " =1+1",
      "\u3000=1",
      "\u00a0@SUM(A1)",
      '＝HYPERLINK("x")',
      "＋1",
      "\t=1",
      "\r1",
      "=1",
    ]) {
      assert.ok(unquote(csvCell(text)).startsWith("'"), JSON.stringify(text));
    }
    assert.equal(csvCell("plain text"), "plain text");
    assert.equal(csvCell("1000"), "1000");
  });

  it("property: no cell, once read back, starts (after whitespace) with a trigger, and text is kept", () => {
    const piece = fc.oneof(fc.constantFrom(...TRIGGERS, " ", "\t", "\u3000", '"', ",", "\n"), fc.string());
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 6 }), (parts) => {
        const text = parts.join("");
        const read = unquote(csvCell(text));
        assert.ok(!TRIGGERS.some((t) => read.trimStart().startsWith(t)), JSON.stringify(text));
        assert.ok(read === text || read === `'${text}`);
      }),
    );
  });
});
