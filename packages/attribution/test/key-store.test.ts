import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { KeyStore } from "../src/internal/key-store.ts";

test("keys come back as they went in; plain ones are their own JSON between quotes", () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.oneof(
          fc.string(),
          fc.string({ unit: "grapheme" }),
          fc.string({ unit: "binary" }),
          fc.constant('a"b\\c'),
        ),
        {
          maxLength: 30,
        },
      ),
      (keys) => {
        const store = new KeyStore(keys);
        keys.forEach((k, v) => {
          assert.equal(store.at(v), k);
          const raw = Buffer.from(store.bytes.subarray(store.offsets[v]!, store.offsets[v + 1]!)).toString(
            "utf8",
          );
          if (store.plain(v)) assert.equal(`"${raw}"`, JSON.stringify(k));
          else assert.ok(/[^\x20-\x7e]|["\\]/.test(k));
        });
      },
    ),
    { numRuns: 200 },
  );
});
