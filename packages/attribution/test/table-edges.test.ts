import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { bytesToHex, concat, keccak256, numberToBytes } from "viem";
import { accountIdOf, isWellspringError } from "../src/index.ts";
import {
  accountIdHexAt,
  computeInputsHash,
  computeTableHashFromWords,
  findRow,
  parseShareTable,
  serializeShareTableBytes,
  serializeShareTableToString,
  serializeShareTable,
  type ShareTable,
} from "../src/table.ts";
import { shareTableOf } from "./share-table-fixture.ts";

/**
 * The share table where the small example of table.test.ts does not reach: tables longer than
 * one hashing block (2,048 rows) or one output chunk (1 MiB), lookups of every row, and the
 * checks of parseShareTable one field at a time.
 */

/** A table of `n` recipients "npm:p<i>" with shares i + 1. */
const tableOf = (n: number, identityOf = (i: number) => `npm:p${i}`): ShareTable =>
  shareTableOf(Array.from({ length: n }, (_, i) => ({ identity: identityOf(i), shares: BigInt(i + 1) })));

const word = (x: bigint) => numberToBytes(x, { size: 32 });

describe("share table at scale and field by field", () => {
  it("hashes tables of more than one 2,048-row block as abi.encodePacked, from shares or share words", () => {
    for (const n of [1, 2048, 2049, 4100]) {
      const t = tableOf(n);
      const parts = [word(t.totalShares)];
      for (let i = 0; i < n; i++)
        parts.push(t.rows.accountIds.subarray(i * 32, i * 32 + 32), word(t.rows.shares[i]!));
      assert.equal(t.tableHash, keccak256(concat(parts)), `${n} rows`);
      const words = concat(t.rows.shares.map(word));
      assert.equal(computeTableHashFromWords(t.totalShares, t.rows.accountIds, words), t.tableHash);
    }
    const t = tableOf(3);
    assert.throws(
      () => computeTableHashFromWords(t.totalShares, t.rows.accountIds, new Uint8Array(64)),
      RangeError,
    );
  });

  it("finds every row at its index, and -1 for any other id", () => {
    for (const n of [1, 2, 3, 8, 101]) {
      const t = tableOf(n);
      for (let i = 0; i < n; i++) {
        const id = accountIdHexAt(t.rows, i);
        assert.equal(id, bytesToHex(t.rows.accountIds.subarray(i * 32, i * 32 + 32)));
        assert.equal(findRow(t.rows, id), i);
      }
      for (const other of [
        accountIdOf("npm:absent"),
        `0x${"00".repeat(32)}`,
        `0x${"ff".repeat(32)}`,
      ] as const)
        assert.equal(findRow(t.rows, other), -1);
      assert.equal(findRow(t.rows, "0x12" as `0x${string}`), -1);
    }
  });

  it("writes the same bytes as the string serializer, over several 1 MiB chunks, reused or not", () => {
    const t = tableOf(12_000);
    const text = serializeShareTableToString(t);
    const decode = (chunks: Uint8Array[]) => Buffer.concat(chunks).toString("utf8");
    const fresh = [...serializeShareTableBytes(t)];
    assert.ok(fresh.length > 2, `${fresh.length} chunks`);
    assert.equal(decode(fresh), text);
    assert.equal(fresh.length, 3, "chunks of about 1 MiB");
    assert.notEqual(fresh[0]!.buffer, fresh[1]!.buffer);
    // A reused chunk is valid until the next one is asked for: copy each as it comes (a Node
    // Buffer's slice() would be a view).
    const reused: Uint8Array[] = [];
    let buffer: ArrayBufferLike | undefined;
    for (const chunk of serializeShareTableBytes(t, { reuseChunks: true })) {
      if (reused.length === 0) buffer = chunk.buffer;
      if (reused.length === 1) assert.equal(chunk.buffer, buffer, "one buffer for the rows");
      reused.push(Uint8Array.from(chunk));
    }
    assert.equal(decode(reused), text);
    // The head, ⌈rows / rowsPerChunk⌉ chunks of rows, the tail.
    for (const [rowsPerChunk, chunks] of [
      [7, 1717],
      [6_000, 4],
      [12_000, 3],
    ] as const) {
      const parts = [...serializeShareTable(t, rowsPerChunk)];
      assert.equal(parts.join(""), text);
      assert.equal(parts.length, chunks, `${rowsPerChunk} rows per chunk`);
    }
    assert.equal(parseShareTable(text).rows.length, 12_000);
  });

  it("names the field of every check it makes", () => {
    const t = tableOf(3);
    const text = serializeShareTableToString(t);
    type Doc = Record<string, unknown> & {
      recipients: Record<string, unknown>[];
      inputs: Record<string, unknown>[];
    };
    const cases: [(d: Doc) => unknown, string][] = [
      [(d) => (d.totalShares = "06"), "totalShares"],
      [(d) => (d.totalShares = 6), "totalShares"],
      [(d) => (d.engineVersion = 1), "engineVersion"],
      [(d) => (d.policyHash = `0x${"AA".repeat(32)}`), "policyHash"],
      [(d) => ((d as Record<string, unknown>).inputs = {}), "inputs"],
      [(d) => delete d.inputs[0]!.path, "inputs[0].path"],
      [(d) => (d.inputs[0]!.format = 1), "inputs[0].format"],
      [(d) => (d.inputs[0]!.sha256 = "AB".repeat(32)), "inputs[0].sha256"],
      [(d) => ((d as Record<string, unknown>).recipients = "none"), "recipients"],
      [(d) => (d.recipients[2] = null as unknown as Record<string, unknown>), "recipients[2]"],
      [(d) => (d.recipients[2] = 5 as unknown as Record<string, unknown>), "recipients[2]"],
      [(d) => (d.recipients[2]!.identity = 5), "recipients[2].identity"],
      [(d) => (d.inputs[0] = null as unknown as Record<string, unknown>), "inputs[0].path"],
      [(d) => (d.recipients[2]!.identity = ""), "recipients[2].identity"],
      [(d) => (d.recipients[2] = d.recipients[1]!), "recipients[2].accountId"],
    ];
    for (const [change, field] of cases) {
      const d = JSON.parse(text) as Doc;
      change(d);
      assert.throws(
        () => parseShareTable(d),
        (e) => isWellspringError(e, "TABLE_INVALID") && e.field === field && !("file" in e && e.file),
        field,
      );
    }
    assert.throws(
      () => parseShareTable("{not json", "t.json"),
      (e) =>
        isWellspringError(e, "TABLE_INVALID") &&
        e.file === "t.json" &&
        e.field === undefined &&
        e.cause instanceof SyntaxError,
    );
    for (const notAnObject of [[], null, "text"])
      assert.throws(
        () => parseShareTable(JSON.stringify(notAnObject)),
        (e) => isWellspringError(e, "TABLE_INVALID") && e.field === "$",
      );
  });

  it("accepts an accountId as its own identity, and upper-case input digests", () => {
    const t = tableOf(4, (i) => (i === 2 ? accountIdOf("npm:hidden") : `npm:p${i}`));
    assert.equal(parseShareTable(serializeShareTableToString(t)).tableHash, t.tableHash);
    // A row shown by its accountId (no identity known): the hash covers ids and shares only.
    const doc = JSON.parse(serializeShareTableToString(t)) as { recipients: Record<string, string>[] };
    doc.recipients[1]!.identity = doc.recipients[1]!.accountId!;
    assert.equal(parseShareTable(doc).rows.identities[1], doc.recipients[1]!.accountId);
    const lower = "ab".repeat(32);
    assert.equal(
      computeInputsHash([{ sha256: lower.toUpperCase() }]),
      computeInputsHash([{ sha256: lower }]),
    );
    assert.throws(
      () => computeInputsHash([{ sha256: "ab" }]),
      (e) => isWellspringError(e, "TABLE_INVALID") && e.field === "inputs",
    );
  });
});
