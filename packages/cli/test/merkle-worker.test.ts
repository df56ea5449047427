import { test } from "node:test";
import assert from "node:assert/strict";
import {
  accountIdOf,
  buildMerkleTree,
  bytesToHex,
  computeTableHash,
  merkleProof,
  merkleRoot,
} from "@wellspring/attribution";
import { MerkleWorker, merkleTreeInBackground } from "../src/merkle-worker.ts";

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

test("the tree and table hash built on a worker thread are the in-process ones, node for node", async () => {
  const r = rows(1001);
  const total = 10n ** 18n;
  const expected = buildMerkleTree(r.accountIds, r.shares);
  const { tree, tableHash } = await merkleTreeInBackground(r, total, { worker: true, strict: true });
  assert.equal(tableHash, computeTableHash(total, r));
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
  const { tree, tableHash } = await merkleTreeInBackground(r, 1000n);
  assert.equal(merkleRoot(tree), merkleRoot(buildMerkleTree(r.accountIds, r.shares)));
  assert.equal(tableHash, computeTableHash(1000n, r));
});

test("a worker started ahead of time serves the request", async () => {
  const warm = MerkleWorker.start();
  assert.ok(warm !== undefined);
  try {
    const r = rows(300);
    const { tree, tableHash } = await merkleTreeInBackground(r, 7n, { worker: true, warm, strict: true });
    assert.equal(merkleRoot(tree), merkleRoot(buildMerkleTree(r.accountIds, r.shares)));
    assert.equal(tableHash, computeTableHash(7n, r));
  } finally {
    warm.close();
  }
});

test("the worker computes accountIds into shared memory; a dead worker falls back in-process", async () => {
  const identities = ["github:1", "npm:someone", "0x00000000000000000000000000000000000000Ab", "名前:ü"];
  const expected = identities.map((i) => accountIdOf(i.startsWith("0x") ? i.toLowerCase() : i));
  const warm = MerkleWorker.start();
  assert.ok(warm !== undefined);
  try {
    const later = warm.accountIds(identities);
    const ids = later();
    assert.deepEqual(
      identities.map((_, i) => bytesToHex(ids.subarray(i * 32, i * 32 + 32))),
      expected,
    );
  } finally {
    warm.close();
  }
  const dead = MerkleWorker.start()!;
  dead.close();
  await new Promise((r) => setTimeout(r, 200));
  const ids = dead.accountIds(identities, 1000, 100)();
  assert.deepEqual(
    identities.map((_, i) => bytesToHex(ids.subarray(i * 32, i * 32 + 32))),
    expected,
  );
});
