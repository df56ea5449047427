import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { isWellspringError } from "../src/index.ts";
import { findRow, parseShareTable, serializeShareTableToString } from "../src/table.ts";
import { shareTableOf } from "./share-table-fixture.ts";

/**
 * What parseShareTable and findRow say about bad input: the message names the rule that failed
 * (table-edges.test.ts checks the field of every check), and a lookup of something that is not an
 * accountId finds nothing instead of throwing.
 */

const text = serializeShareTableToString(
  shareTableOf([
    { identity: "npm:a", shares: 1n },
    { identity: "npm:b", shares: 2n },
  ]),
);

function refusal(change: (doc: { recipients: unknown[] & Record<string, unknown>[] }) => void): Error {
  const doc = JSON.parse(text) as { recipients: unknown[] & Record<string, unknown>[] };
  change(doc);
  try {
    parseShareTable(doc);
  } catch (error) {
    assert.ok(isWellspringError(error, "TABLE_INVALID"), String(error));
    return error;
  }
  assert.fail("the table was accepted");
}

describe("share table refusals say which rule failed", () => {
  it("an empty recipient list needs a recipient, not a matching sum", () => {
    const e = refusal((d) => (d.recipients = []));
    assert.equal((e as { field?: string }).field, "recipients");
    assert.match(e.message, /at least one recipient/);
  });

  it("an identity that is empty or not a string is refused as such, before any hashing", () => {
    for (const identity of ["", 5, null, ["npm:b"]]) {
      const e = refusal((d) => (d.recipients[1]!.identity = identity));
      assert.equal((e as { field?: string }).field, "recipients[1].identity", JSON.stringify(identity));
      assert.match(e.message, /expected a non-empty string/, JSON.stringify(identity));
    }
    const e = refusal((d) => (d.recipients[1]!.identity = "npm:someone-else"));
    assert.match(e.message, /does not hash to the accountId/);
  });

  it("finds no row for a 32-byte string that is not hex", () => {
    const { rows } = parseShareTable(text);
    for (const notHex of [`0x${"zz".repeat(32)}`, `0x${"0".repeat(63)}g`, "0x", "npm:a"])
      assert.equal(findRow(rows, notHex as `0x${string}`), -1, notHex);
  });
});
