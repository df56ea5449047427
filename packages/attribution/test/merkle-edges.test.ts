import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { hashPair, leafHash as statedLeafHash, merkleTree, verifyProof } from "@wellspring/protocol";
import {
  buildMerkleTree,
  buildMerkleTreeFromWords,
  decodeMerkleData,
  encodeMerkleData,
  encodeMerkleDataChunks,
  merkleProof,
  merkleRoot,
  shareWords,
  standardMerkleTreeDump,
  verifyMerkleProof,
  writeUint256,
} from "../src/merkle.ts";
import { bytesToHex } from "../src/keccak.ts";
import { isWellspringError } from "../src/errors.ts";

/**
 * The edges of the engine's tree against the rules stated in @wellspring/protocol (what the pool's
 * `claim` checks): the uint256 word of a leaf, one leaf, odd counts, duplicated leaves, the pair
 * order, proofs that must fail, the `merkle.bin` header and its refusals (merkle-chunks.test.ts:
 * a table larger than one hashing chunk).
 */

const MAX = (1n << 256n) - 1n;

/** The uint256 as the ABI writes it: 32 bytes, big-endian (independent of the code under test). */
const word = (v: bigint): string => v.toString(16).padStart(64, "0");

const idOf = (i: number): `0x${string}` =>
  bytesToHex(Uint8Array.from({ length: 32 }, (_, j) => (i * 37 + j * 11 + (i >> 8) * 5 + 1) & 0xff));

function pack(ids: readonly `0x${string}`[]): Uint8Array {
  const buf = new Uint8Array(ids.length * 32);
  ids.forEach((id, i) => buf.set(Buffer.from(id.slice(2), "hex"), i * 32));
  return buf;
}

const invalid = (e: unknown): boolean => isWellspringError(e, "TABLE_INVALID");

describe("uint256 words of the leaves", () => {
  const values = [0n, 1n, 255n, 256n, (1n << 64n) - 1n, 1n << 64n, (1n << 64n) + 1n, 1n << 255n, MAX];

  it("writeUint256 writes 32 big-endian bytes at the offset and nothing else", () => {
    const backing = new Uint8Array(200);
    // A view that does not start at its buffer's first byte, written twice (its DataView is reused).
    const out = backing.subarray(16, 16 + 96);
    for (const v of values) {
      backing.fill(0xee);
      writeUint256(out, 40, v);
      assert.equal(Buffer.from(out.subarray(40, 72)).toString("hex"), word(v), `value ${v}`);
      assert.ok(
        backing.subarray(0, 56).every((b) => b === 0xee),
        `bytes before the word, value ${v}`,
      );
      assert.ok(
        backing.subarray(88).every((b) => b === 0xee),
        `bytes after the word, value ${v}`,
      );
    }
  });

  it("writeUint256 refuses what is not a uint256", () => {
    const out = new Uint8Array(32);
    assert.throws(() => writeUint256(out, 0, -1n), RangeError);
    assert.throws(() => writeUint256(out, 0, MAX + 1n), RangeError);
    writeUint256(out, 0, MAX);
    assert.ok(out.every((b) => b === 0xff));
  });

  it("shareWords packs one ABI word per share and refuses a negative share", () => {
    const words = shareWords(values);
    assert.equal(words.length, 32 * values.length);
    assert.equal(Buffer.from(words).toString("hex"), values.map(word).join(""));
    assert.throws(() => shareWords([1n, -1n]), RangeError);
    assert.throws(() => shareWords([MAX + 1n]), RangeError);
  });

  it("a leaf's share word is the uint256 the contract hashes, at every size", () => {
    for (const v of values) {
      const id = idOf(Number(v % 1000n));
      const root = merkleRoot(buildMerkleTree(pack([id]), [v]));
      assert.equal(root, statedLeafHash(id, v), `shares ${v}`);
      assert.equal(merkleRoot(buildMerkleTreeFromWords(pack([id]), shareWords([v]))), root);
    }
    assert.throws(() => buildMerkleTree(pack([idOf(1)]), [-1n]), RangeError);
    assert.throws(() => buildMerkleTree(pack([idOf(1)]), [MAX + 1n]), RangeError);
  });

  it("both builders refuse rows whose ids and shares do not line up", () => {
    assert.throws(() => buildMerkleTree(pack([idOf(1), idOf(2)]), [1n]), RangeError);
    assert.throws(() => buildMerkleTree(pack([idOf(1)]).subarray(0, 31), [1n]), RangeError);
    assert.throws(() => buildMerkleTreeFromWords(pack([idOf(1)]), new Uint8Array(33)), RangeError);
    assert.throws(() => buildMerkleTreeFromWords(pack([idOf(1)]), new Uint8Array(64)), RangeError);
    assert.throws(() => buildMerkleTreeFromWords(new Uint8Array(0), new Uint8Array(0)), invalid);
  });
});

describe("tree shape against the protocol's statement", () => {
  it("every count from 1 to 17 (odd and even): same nodes, tree indexes and proofs, from both builders", () => {
    for (let n = 1; n <= 17; n++) {
      const ids = Array.from({ length: n }, (_, i) => idOf(i));
      const shares = ids.map((_, i) => (i % 3 === 0 ? MAX - BigInt(i) : BigInt(i * 1000 + 1)));
      const stated = merkleTree(ids.map((accountId, i) => ({ accountId, shares: shares[i]! })));
      for (const tree of [
        buildMerkleTree(pack(ids), shares),
        buildMerkleTreeFromWords(pack(ids), shareWords(shares)),
      ]) {
        assert.equal(tree.length, n);
        assert.deepEqual([...tree.treeIndex], stated.treeIndex, `n = ${n}`);
        assert.equal(tree.nodes.length, 32 * (2 * n - 1));
        const dump = standardMerkleTreeDump(tree, ids, shares);
        assert.deepEqual(dump.tree, stated.nodes, `n = ${n}`);
        for (let row = 0; row < n; row++) {
          assert.deepEqual(merkleProof(tree, row), stated.proof(row));
          assert.equal(merkleProof(tree, row).length, Math.floor(Math.log2(tree.treeIndex[row]! + 1)));
        }
      }
    }
  });

  it("two leaves: the root hashes the smaller leaf first, whichever row it is", () => {
    const a = { accountId: idOf(1), shares: 10n };
    const b = { accountId: idOf(2), shares: 20n };
    const la = statedLeafHash(a.accountId, a.shares);
    const lb = statedLeafHash(b.accountId, b.shares);
    const [lo, hi] = la < lb ? [la, lb] : [lb, la];
    for (const rows of [
      [a, b],
      [b, a],
    ]) {
      const tree = buildMerkleTree(
        pack(rows.map((r) => r.accountId)),
        rows.map((r) => r.shares),
      );
      assert.equal(merkleRoot(tree), hashPair(lo, hi));
      assert.deepEqual(
        merkleProof(tree, 0),
        [statedLeafHash(rows[1]!.accountId, rows[1]!.shares)],
        "the proof of a row is its sibling leaf",
      );
    }
  });

  it("duplicated leaves: both rows get their own leaf and a proof that verifies", () => {
    const ids = [idOf(1), idOf(2), idOf(1), idOf(3), idOf(1)];
    const shares = [5n, 6n, 5n, 7n, 5n];
    const tree = buildMerkleTree(pack(ids), shares);
    const stated = merkleTree(ids.map((accountId, i) => ({ accountId, shares: shares[i]! })));
    assert.equal(merkleRoot(tree), stated.root);
    assert.equal(new Set(tree.treeIndex).size, ids.length);
    ids.forEach((id, row) =>
      assert.ok(verifyProof(stated.root, { accountId: id, shares: shares[row]! }, merkleProof(tree, row))),
    );
  });
});

describe("proofs", () => {
  const ids = Array.from({ length: 7 }, (_, i) => idOf(i + 40));
  const shares = ids.map((_, i) => BigInt(100 + i));
  const tree = buildMerkleTree(pack(ids), shares);
  const root = merkleRoot(tree);

  it("refuses a row that is not in the table", () => {
    for (const row of [-1, 7, 8, 0.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(
        () => merkleProof(tree, row),
        (e) => isWellspringError(e, "ACCOUNT_NOT_FOUND"),
        `row ${row}`,
      );
    }
    assert.equal(merkleProof(tree, 6).length > 0, true);
  });

  it("a proof verifies for its own row only: not another row's leaf, index or shares", () => {
    for (let row = 0; row < ids.length; row++) {
      const proof = merkleProof(tree, row);
      assert.ok(verifyMerkleProof(root, ids[row]!, shares[row]!, proof));
      for (let other = 0; other < ids.length; other++) {
        if (other === row) continue;
        assert.ok(
          !verifyMerkleProof(root, ids[other]!, shares[other]!, proof),
          `row ${other} with proof of ${row}`,
        );
        assert.ok(!verifyMerkleProof(root, ids[row]!, shares[row]!, merkleProof(tree, other)));
      }
      assert.ok(!verifyMerkleProof(root, ids[row]!, shares[row]! + 1n, proof));
      assert.ok(!verifyMerkleProof(root, ids[row]!, shares[row]!, proof.slice(1)));
      assert.ok(!verifyMerkleProof(root, ids[row]!, shares[row]!, [...proof, root]));
    }
  });
});

describe("merkle.bin", () => {
  const ids = Array.from({ length: 5 }, (_, i) => idOf(i + 70));
  const shares = ids.map((_, i) => BigInt(i + 1) << 70n);
  const tree = buildMerkleTree(pack(ids), shares);
  const bytes = encodeMerkleData(tree);

  it('is "WSMERKL1", n and the tree indexes (uint32 little-endian), then the 2n-1 nodes', () => {
    const n = 5;
    assert.equal(bytes.length, 12 + 4 * n + 32 * (2 * n - 1));
    assert.equal(Buffer.from(bytes.subarray(0, 8)).toString("latin1"), "WSMERKL1");
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    assert.equal(view.getUint32(8, true), n);
    for (let i = 0; i < n; i++) assert.equal(view.getUint32(12 + 4 * i, true), tree.treeIndex[i]);
    assert.deepEqual(bytes.subarray(12 + 4 * n), tree.nodes);
    const [head, nodes] = encodeMerkleDataChunks(tree);
    assert.deepEqual(head, bytes.subarray(0, 12 + 4 * n));
    assert.deepEqual(nodes, tree.nodes);
  });

  it("round-trips one leaf and a tree read from the middle of a bigger buffer", () => {
    const one = buildMerkleTree(pack([idOf(3)]), [MAX]);
    const back = decodeMerkleData(encodeMerkleData(one));
    assert.equal(back.length, 1);
    assert.deepEqual([...back.treeIndex], [0]);
    assert.equal(merkleRoot(back), statedLeafHash(idOf(3), MAX));
    const padded = new Uint8Array(bytes.length + 9);
    padded.set(bytes, 5);
    const mid = decodeMerkleData(padded.subarray(5, 5 + bytes.length));
    assert.deepEqual([...mid.treeIndex], [...tree.treeIndex]);
    assert.deepEqual(mid.nodes, tree.nodes);
    for (let row = 0; row < ids.length; row++)
      assert.deepEqual(merkleProof(mid, row), merkleProof(tree, row));
  });

  it("refuses short data, a wrong magic, a length that does not match n, and n = 0", () => {
    const refuse = (data: Uint8Array, why: RegExp) =>
      assert.throws(
        () => decodeMerkleData(data),
        (e) => invalid(e) && why.test((e as Error).message),
        why.source,
      );
    refuse(bytes.subarray(0, 11), /too short/);
    refuse(bytes.subarray(0, 8), /too short/);
    for (let i = 0; i < 8; i++) {
      const wrong = bytes.slice();
      wrong[i]! ^= 0x20;
      refuse(wrong, /bad magic/);
    }
    const zero = bytes.slice(0, 12);
    new DataView(zero.buffer).setUint32(8, 0, true);
    refuse(zero, /length does not match n/);
    refuse(bytes.subarray(0, 12), /length does not match n/);
    refuse(bytes.subarray(0, bytes.length - 1), /length does not match n/);
    const longer = new Uint8Array(bytes.length + 32);
    longer.set(bytes);
    refuse(longer, /length does not match n/);
  });

  it("refuses a tree index that is not a leaf's, and takes the first and last leaf slots", () => {
    const n = 5;
    const withIndex = (row: number, t: number): Uint8Array => {
      const b = bytes.slice();
      new DataView(b.buffer).setUint32(12 + 4 * row, t, true);
      return b;
    };
    for (const t of [0, n - 2, 2 * n - 1, 0xffffffff]) {
      assert.throws(
        () => decodeMerkleData(withIndex(2, t)),
        (e) => invalid(e) && /tree index of row 2 is not a leaf/.test((e as Error).message),
        `index ${t}`,
      );
    }
    assert.equal(decodeMerkleData(withIndex(2, n - 1)).treeIndex[2], n - 1);
    assert.equal(decodeMerkleData(withIndex(2, 2 * n - 2)).treeIndex[2], 2 * n - 2);
  });
});

describe("standard-v1 dump", () => {
  it("writes account ids in lower case and shares as decimal strings", () => {
    const ids = [idOf(1), idOf(2)];
    const tree = buildMerkleTree(pack(ids), [MAX, 3n]);
    const upper = ids.map((id) => `0x${id.slice(2).toUpperCase()}` as `0x${string}`);
    const dump = standardMerkleTreeDump(tree, upper, [MAX, 3n]);
    assert.deepEqual(
      dump.values.map((v) => v.value),
      [
        [ids[0], MAX.toString()],
        [ids[1], "3"],
      ],
    );
    assert.deepEqual(
      dump.values.map((v) => v.treeIndex),
      [...tree.treeIndex],
    );
    assert.equal(dump.tree.length, 3);
    assert.equal(dump.tree[0], merkleRoot(tree));
  });
});
