import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { merkleTree } from "@wellspring/protocol";
import {
  buildMerkleTree,
  decodeMerkleData,
  encodeMerkleData,
  encodeMerkleDataChunks,
  leafHash,
  merkleProof,
  merkleRoot,
  standardMerkleTreeDump,
  verifyMerkleProof,
} from "../src/merkle.ts";
import { bytesToHex } from "../src/keccak.ts";
import { isWellspringError } from "../src/errors.ts";

const MAX = (1n << 256n) - 1n;

/** Random tables: unique accountIds (some of them addresses), shares over the whole uint256 range. */
const tableArb = fc
  .array(
    fc.record({
      id: fc.uint8Array({ minLength: 32, maxLength: 32 }),
      address: fc.boolean(),
      shares: fc.oneof(fc.bigInt({ min: 1n, max: 10n ** 18n }), fc.bigInt({ min: 1n, max: MAX })),
    }),
    { minLength: 1, maxLength: 70 },
  )
  .map((rows) => {
    const seen = new Set<string>();
    const out: { id: `0x${string}`; shares: bigint }[] = [];
    for (const r of rows) {
      const id = r.id.slice();
      if (r.address) id.fill(0, 0, 12);
      const hex = bytesToHex(id);
      if (seen.has(hex)) continue;
      seen.add(hex);
      out.push({ id: hex, shares: r.shares });
    }
    return out;
  });

function pack(rows: { id: `0x${string}` }[]): Uint8Array {
  const buf = new Uint8Array(rows.length * 32);
  rows.forEach((r, i) => buf.set(Buffer.from(r.id.slice(2), "hex"), i * 32));
  return buf;
}

describe("Merkle tree (OpenZeppelin StandardMerkleTree compatible)", () => {
  it("has the same root, proofs and leaf hashes as @openzeppelin/merkle-tree", () => {
    fc.assert(
      fc.property(tableArb, (rows) => {
        const tree = buildMerkleTree(
          pack(rows),
          rows.map((r) => r.shares),
        );
        const oz = StandardMerkleTree.of(
          rows.map((r) => [r.id, r.shares.toString()]),
          ["bytes32", "uint256"],
        );
        assert.equal(merkleRoot(tree), oz.root);
        rows.forEach((r, i) => {
          assert.deepEqual(merkleProof(tree, i), oz.getProof(i));
          assert.equal(leafHash(r.id, r.shares), oz.leafHash([r.id, r.shares.toString()]));
          assert.ok(
            verifyMerkleProof(oz.root as `0x${string}`, r.id, r.shares, oz.getProof(i) as `0x${string}`[]),
          );
        });
      }),
      { numRuns: 60 },
    );
  });

  it("builds the protocol's tree: same nodes, tree indexes and proofs", () => {
    fc.assert(
      fc.property(tableArb, (rows) => {
        const tree = buildMerkleTree(
          pack(rows),
          rows.map((r) => r.shares),
        );
        const stated = merkleTree(rows.map((r) => ({ accountId: r.id, shares: r.shares })));
        assert.equal(merkleRoot(tree), stated.root);
        assert.deepEqual([...tree.treeIndex], stated.treeIndex);
        rows.forEach((_, i) => assert.deepEqual(merkleProof(tree, i), stated.proof(i)));
      }),
      { numRuns: 40 },
    );
  });

  it("dumps a tree StandardMerkleTree.load accepts, equal to OpenZeppelin's own dump", () => {
    fc.assert(
      fc.property(tableArb, (rows) => {
        const ids = rows.map((r) => r.id);
        const shares = rows.map((r) => r.shares);
        const dump = standardMerkleTreeDump(buildMerkleTree(pack(rows), shares), ids, shares);
        const loaded = StandardMerkleTree.load(JSON.parse(JSON.stringify(dump)));
        const oz = StandardMerkleTree.of(
          rows.map((r) => [r.id, r.shares.toString()]),
          ["bytes32", "uint256"],
        );
        assert.equal(loaded.root, oz.root);
        assert.deepEqual(dump, oz.dump());
      }),
      { numRuns: 30 },
    );
  });

  it("rejects a proof for other shares, another account or a tampered step", () => {
    const rows = [
      { id: bytesToHex(new Uint8Array(32).fill(1)), shares: 5n },
      { id: bytesToHex(new Uint8Array(32).fill(2)), shares: 7n },
      { id: bytesToHex(new Uint8Array(32).fill(3)), shares: 9n },
    ];
    const tree = buildMerkleTree(
      pack(rows),
      rows.map((r) => r.shares),
    );
    const root = merkleRoot(tree);
    const proof = merkleProof(tree, 1);
    assert.ok(verifyMerkleProof(root, rows[1]!.id, 7n, proof));
    assert.ok(!verifyMerkleProof(root, rows[1]!.id, 8n, proof));
    assert.ok(!verifyMerkleProof(root, rows[0]!.id, 7n, proof));
    const bad = [...proof];
    bad[0] = `0x${"00".repeat(32)}`;
    assert.ok(!verifyMerkleProof(root, rows[1]!.id, 7n, bad));
  });

  it("round-trips the compact binary merkle data and refuses corrupt files", () => {
    const rows = Array.from({ length: 33 }, (_, i) => ({
      id: bytesToHex(Uint8Array.from({ length: 32 }, (_, j) => (i * 7 + j * 13) & 0xff)),
      shares: BigInt(i + 1),
    }));
    const tree = buildMerkleTree(
      pack(rows),
      rows.map((r) => r.shares),
    );
    const bytes = encodeMerkleData(tree);
    assert.deepEqual(Buffer.concat(encodeMerkleDataChunks(tree)), Buffer.from(bytes));
    const back = decodeMerkleData(bytes);
    assert.equal(merkleRoot(back), merkleRoot(tree));
    for (let i = 0; i < rows.length; i++) assert.deepEqual(merkleProof(back, i), merkleProof(tree, i));
    assert.throws(
      () => decodeMerkleData(bytes.subarray(0, bytes.length - 1)),
      (e) => isWellspringError(e, "TABLE_INVALID"),
    );
    const wrong = bytes.slice();
    wrong[0] = 0;
    assert.throws(
      () => decodeMerkleData(wrong),
      (e) => isWellspringError(e, "TABLE_INVALID"),
    );
  });

  it("handles one leaf (the root is the leaf, the proof is empty) and refuses none", () => {
    const id = bytesToHex(new Uint8Array(32).fill(9));
    const tree = buildMerkleTree(pack([{ id }]), [1n]);
    assert.equal(merkleRoot(tree), leafHash(id, 1n));
    assert.deepEqual(merkleProof(tree, 0), []);
    assert.throws(
      () => buildMerkleTree(new Uint8Array(0), []),
      (e) => isWellspringError(e, "TABLE_INVALID"),
    );
    assert.throws(
      () => merkleProof(tree, 1),
      (e) => isWellspringError(e, "ACCOUNT_NOT_FOUND"),
    );
  });
});
