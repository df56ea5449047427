import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { JsonBytes } from "../src/internal/json-bytes.ts";

function bytesOf(write: (out: JsonBytes) => void, reuse = false): string {
  // A tiny chunk size makes every value cross chunk and growth boundaries.
  const out = new JsonBytes(reuse, 64);
  const chunks: Buffer[] = [];
  write(out);
  chunks.push(Buffer.from(out.take()));
  return Buffer.concat(chunks).toString("utf8");
}

test("strings and numbers are written as JSON.stringify writes them, in UTF-8", () => {
  fc.assert(
    fc.property(
      fc.array(fc.oneof(fc.string({ unit: "binary" }), fc.string(), fc.double(), fc.integer()), {
        maxLength: 20,
      }),
      (values) => {
        const text = bytesOf((out) => {
          out.byte(0x5b);
          values.forEach((v, i) => {
            if (i > 0) out.byte(0x2c);
            if (typeof v === "string") out.string(v);
            else if (Number.isFinite(v)) out.number(v);
            else out.raw("null");
          });
          out.byte(0x5d);
        });
        assert.equal(
          text,
          JSON.stringify(values.map((v) => (typeof v === "number" && !Number.isFinite(v) ? null : v))),
        );
      },
    ),
    { numRuns: 300 },
  );
});

test("hex32 writes a quoted 0x-prefixed lower-case hex word", () => {
  const bytes = Uint8Array.from({ length: 40 }, (_, i) => i * 7);
  assert.equal(
    bytesOf((out) => out.hex32(bytes, 5)),
    `"0x${Buffer.from(bytes.subarray(5, 37)).toString("hex")}"`,
  );
});
