import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  buildMerkleTree,
  buildMerkleTreeFromWords,
  decodeMerkleData,
  encodeMerkleData,
} from "../src/merkle.ts";
import { WellspringError } from "../src/errors.ts";

/**
 * Refusals that name what is wrong: share words handed over by a worker that are not whole 32-byte
 * words (even when the ids are as long), and corrupt `merkle.bin` data, reported against the
 * `merkle` field.
 */
describe("Merkle refusals", () => {
  it("refuses share words that are not whole 32-byte words, whatever the ids' length", () => {
    for (const len of [1, 31, 33, 63, 65]) {
      assert.throws(
        () => buildMerkleTreeFromWords(new Uint8Array(len), new Uint8Array(len)),
        (e) => e instanceof RangeError && /32 bytes each/.test(e.message),
        `${len} bytes`,
      );
    }
  });

  it("reports corrupt merkle data against the merkle field", () => {
    const bytes = encodeMerkleData(buildMerkleTree(new Uint8Array(32).fill(7), [3n]));
    const wrong = bytes.slice();
    wrong[3]! ^= 1;
    for (const data of [bytes.subarray(0, 5), wrong, bytes.subarray(0, bytes.length - 1)]) {
      assert.throws(
        () => decodeMerkleData(data),
        (e) => e instanceof WellspringError && e.code === "TABLE_INVALID" && e.field === "merkle",
      );
    }
  });
});
