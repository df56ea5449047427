import { test } from "node:test";
import assert from "node:assert/strict";
import { buildMerkleTree, merkleProof, merkleRoot } from "@wellspring/attribution";
import { merkleTreeInBackground } from "../src/merkle-worker.ts";

function rows(n: number): { length: number; accountIds: Uint8Array; shares: bigint[] } {
  const accountIds = new Uint8Array(n * 32);
  let x = 7;
  for (let i = 0; i < accountIds.length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    accountIds[i] = x >>> 24;
  }
  // Shares of every size the leaf encoding distinguishes: small, above 2^64, near 2^256.
  const shares = Array.from({ length: n }, (_, i) =>
    i % 3 === 0 ? BigInt(i + 1) : i % 3 === 1 ? (1n << 70n) + BigInt(i) : (1n << 255n) + BigInt(i),
  );
  return { length: n, accountIds, shares };
}

test("the tree built on a worker thread is the in-process tree, node for node", async () => {
  const r = rows(1001);
  const expected = buildMerkleTree(r.accountIds, r.shares);
  const tree = await merkleTreeInBackground(r, { worker: true, strict: true });
  assert.equal(tree.length, expected.length);
  assert.equal(merkleRoot(tree), merkleRoot(expected));
  assert.deepEqual(Buffer.from(tree.nodes), Buffer.from(expected.nodes));
  assert.deepEqual(Array.from(tree.treeIndex), Array.from(expected.treeIndex));
  assert.deepEqual(merkleProof(tree, 500), merkleProof(expected, 500));
  // The caller's rows are untouched (the worker got copies).
  assert.deepEqual(r.accountIds, rows(1001).accountIds);
});

test("small tables are built in-process", async () => {
  const r = rows(10);
  assert.equal(
    merkleRoot(await merkleTreeInBackground(r)),
    merkleRoot(buildMerkleTree(r.accountIds, r.shares)),
  );
});
