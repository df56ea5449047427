import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { verifyProof } from "@wellspring/protocol";
import {
  buildMerkleTree,
  buildMerkleTreeFromWords,
  merkleProof,
  merkleRoot,
  shareWords,
} from "../src/merkle.ts";
import { bytesToHex } from "../src/keccak.ts";

/**
 * The engine hashes leaves 32,768 rows at a time through one input buffer, in a WebAssembly
 * memory grown for the table: a table larger than one chunk, checked against the protocol's leaf
 * rule (what the pool's `claim` verifies).
 */

const MAX = (1n << 256n) - 1n;

const idOf = (i: number): `0x${string}` =>
  bytesToHex(Uint8Array.from({ length: 32 }, (_, j) => (i * 37 + j * 11 + (i >> 8) * 5 + 1) & 0xff));

describe("Merkle tree larger than one hashing chunk", () => {
  it("a table across the 32,768-row hashing chunk: every leaf is the stated one", () => {
    const n = 32_768 + 100;
    const ids = Array.from({ length: n }, (_, i) => idOf(i));
    const packed = new Uint8Array(n * 32);
    ids.forEach((id, i) => packed.set(Buffer.from(id.slice(2), "hex"), i * 32));
    // The first chunk's share words have high bytes 0xff, so a second-chunk row that does not
    // clear them in the reused input buffer would hash another amount.
    const shares = ids.map((_, i) => (i < 32_768 ? MAX - BigInt(i) : BigInt(i)));
    for (const tree of [
      buildMerkleTree(packed, shares),
      buildMerkleTreeFromWords(packed, shareWords(shares)),
    ]) {
      const root = merkleRoot(tree);
      const sample = [0, 1, 32_766, 32_767, 32_768, 32_769, n - 2, n - 1];
      for (let i = 5; i < n; i += 331) sample.push(i);
      for (const row of sample) {
        assert.ok(
          verifyProof(root, { accountId: ids[row]!, shares: shares[row]! }, merkleProof(tree, row)),
          `row ${row}`,
        );
      }
      assert.equal(new Set(tree.treeIndex).size, n);
      assert.equal(Math.min(...tree.treeIndex), n - 1);
      assert.equal(Math.max(...tree.treeIndex), 2 * n - 2);
    }
  });
});
