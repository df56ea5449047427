import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { keccak256 as viemKeccak } from "viem";
import {
  bytesToHex,
  keccak256,
  keccak256Utf8,
  keccak256Words32,
  keccak256Words64,
  Keccak256Stream,
} from "../src/keccak.ts";

describe("keccak256", () => {
  it("matches @noble/hashes on random inputs of every length up to three blocks", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 420 }), (data) => {
        assert.equal(bytesToHex(keccak256(data)), bytesToHex(keccak_256(data)));
      }),
      { numRuns: 400 },
    );
  });

  it("matches at every block-boundary length", () => {
    for (let n = 0; n <= 280; n++) {
      const data = Uint8Array.from({ length: n }, (_, i) => (i * 31 + n) & 0xff);
      assert.equal(bytesToHex(keccak256(data)), bytesToHex(keccak_256(data)), `length ${n}`);
    }
  });

  it("hashes UTF-8 strings like viem (ASCII fast path and multi-byte path)", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200, unit: "binary" }), (text) => {
        assert.equal(bytesToHex(keccak256Utf8(text)), viemKeccak(new TextEncoder().encode(text)));
      }),
      { numRuns: 300 },
    );
    assert.equal(
      bytesToHex(keccak256Utf8("")),
      "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470",
    );
  });

  it("specialised 64- and 32-byte word hashes match the generic one", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 64, maxLength: 64 }), (bytes) => {
        const words = new Uint32Array(bytes.slice().buffer);
        const out = new Uint32Array(8);
        keccak256Words64(words, 0, out, 0);
        assert.equal(bytesToHex(new Uint8Array(out.buffer)), bytesToHex(keccak_256(bytes)));
        keccak256Words32(words, 8, out, 0);
        assert.equal(bytesToHex(new Uint8Array(out.buffer)), bytesToHex(keccak_256(bytes.subarray(32))));
      }),
      { numRuns: 300 },
    );
  });

  it("streams: any split of the input gives the one-shot hash", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 1000 }),
        fc.array(fc.nat(1000), { maxLength: 6 }),
        (data, cuts) => {
          const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
          const h = new Keccak256Stream();
          let last = 0;
          for (const p of [...points, data.length]) {
            h.update(data.subarray(last, p));
            last = p;
          }
          assert.equal(bytesToHex(h.digest()), bytesToHex(keccak_256(data)));
        },
      ),
      { numRuns: 200 },
    );
  });
});
