import { LEAF_ENCODING, verifyProof } from "@wellspring/protocol";

import { WellspringError } from "./errors.ts";
import { bytesToHex } from "./keccak.ts";
import { sortKeys32 } from "./internal/sort32.ts";
import { FREE_BASE, keccakWasm } from "./internal/keccak-wasm.ts";

/**
 * The share table's Merkle tree for 10^6 leaves. The leaf and node rule is stated once in
 * @wellspring/protocol (merkle.ts: OpenZeppelin `StandardMerkleTree`, leaf encoding
 * `LEAF_ENCODING`); this builds the same tree on typed arrays inside WebAssembly: leaves sorted by
 * hash, the library's array layout (root at 0, children of i at 2i+1 and 2i+2, sorted leaf k at
 * index length-1-k). Roots, proofs and `dump()` output match the protocol's `merkleTree` and the
 * OpenZeppelin library byte for byte (test/merkle.test.ts). No hex strings exist until a caller
 * asks for one.
 */

export { LEAF_ENCODING, leafHash } from "@wellspring/protocol";

export interface MerkleTree {
  /** Number of leaves. */
  readonly length: number;
  /** All 2n-1 nodes, 32 bytes each, in OpenZeppelin's array layout. */
  readonly nodes: Uint8Array;
  /** For value (table row) i, its node index in `nodes`. */
  readonly treeIndex: Uint32Array;
}

const MAX_UINT256 = (1n << 256n) - 1n;

const views = new WeakMap<Uint8Array, DataView>();

/** Writes `value` as a 32-byte big-endian word at `out[off..]`. */
export function writeUint256(out: Uint8Array, off: number, value: bigint): void {
  if (value < 0n || value > MAX_UINT256) throw new RangeError("uint256 out of range");
  if (value <= 0xffffffffffffffffn) {
    out.fill(0, off, off + 24);
    let view = views.get(out);
    if (view === undefined) {
      view = new DataView(out.buffer, out.byteOffset, out.byteLength);
      views.set(out, view);
    }
    view.setBigUint64(off + 24, value, false);
    return;
  }
  let v = value;
  for (let i = 31; i >= 0; i--) {
    out[off + i] = Number(v & 0xffn);
    v >>= 8n;
  }
}

/**
 * Builds the tree for rows (accountIds packed 32 bytes each, shares). Row order is the caller's
 * (the share table's); the leaf order inside the tree is by leaf hash, as OpenZeppelin does.
 * All hashing runs inside one WebAssembly instance created for this tree; its memory holds the
 * tree (32 bytes x (2n-1)) plus a small input buffer, and `nodes` is a view into it, so nothing
 * is copied and the memory goes when the tree does.
 */
export function buildMerkleTree(accountIds: Uint8Array, shares: readonly bigint[]): MerkleTree {
  return build(accountIds, shares.length, shares, undefined);
}

/** The shares as 32-byte big-endian words, packed (what `buildMerkleTreeFromWords` takes). */
export function shareWords(shares: readonly bigint[]): Uint8Array {
  const out = new Uint8Array(shares.length * 32);
  for (let i = 0; i < shares.length; i++) writeUint256(out, i * 32, shares[i]!);
  return out;
}

/**
 * `buildMerkleTree` with the shares already encoded as 32-byte words (`shareWords`): typed
 * arrays only, so the rows can be handed to a worker thread without copying bigints.
 */
export function buildMerkleTreeFromWords(accountIds: Uint8Array, words: Uint8Array): MerkleTree {
  if (words.length % 32 !== 0) throw new RangeError("share words must be 32 bytes each");
  return build(accountIds, words.length / 32, undefined, words);
}

function build(
  accountIds: Uint8Array,
  n: number,
  shares: readonly bigint[] | undefined,
  words: Uint8Array | undefined,
): MerkleTree {
  if (n === 0) throw new WellspringError("TABLE_INVALID", "a Merkle tree needs at least one leaf");
  if (accountIds.length !== n * 32) throw new RangeError("accountIds must hold 32 bytes per row");
  const engine = keccakWasm();
  const size = 2 * n - 1;
  const treeBase = FREE_BASE;
  const CHUNK = 32_768;
  const scratch = treeBase + size * 32;
  const need = scratch + Math.min(n, CHUNK) * 64;
  const have = engine.memory.buffer.byteLength;
  if (need > have) engine.memory.grow(Math.ceil((need - have) / 65536));
  const mem = new Uint8Array(engine.memory.buffer);
  // Leaf hashes, in row order, go to node slots 0..n-1: the inner-node region is free until
  // the inner nodes are hashed.
  for (let start = 0; start < n; start += CHUNK) {
    const end = Math.min(n, start + CHUNK);
    for (let i = start; i < end; i++) {
      const o = scratch + (i - start) * 64;
      for (let b = 0; b < 32; b++) mem[o + b] = accountIds[i * 32 + b]!;
      if (words !== undefined) {
        for (let b = 0; b < 32; b++) mem[o + 32 + b] = words[i * 32 + b]!;
        continue;
      }
      writeUint256(mem, o + 32, shares![i]!);
    }
    engine.leaves(scratch, treeBase + start * 32, end - start);
  }
  const order = sortKeys32(mem.subarray(treeBase, treeBase + n * 32), n);
  // Sorted leaf k goes to slot size-1-k. Every destination but the last (slot n-1) lies above
  // the sources (slots 0..n-1), and slot n-1 is written last, after its own hash was read.
  const treeIndex = new Uint32Array(n);
  const memWords = new Uint32Array(engine.memory.buffer);
  const base = treeBase >>> 2;
  for (let k = 0; k < n; k++) {
    const row = order[k]!;
    const t = size - 1 - k;
    treeIndex[row] = t;
    const dst = base + t * 8;
    const src = base + row * 8;
    for (let w = 0; w < 8; w++) memWords[dst + w] = memWords[src + w]!;
  }
  engine.nodes(treeBase, n);
  const nodes = new Uint8Array(engine.memory.buffer, treeBase, size * 32);
  return { length: n, nodes, treeIndex };
}

export function merkleRoot(tree: MerkleTree): `0x${string}` {
  return bytesToHex(tree.nodes.subarray(0, 32));
}

/** The proof for table row `row`: sibling hashes from the leaf up, as OpenZeppelin returns them. */
export function merkleProof(tree: MerkleTree, row: number): `0x${string}`[] {
  if (!Number.isInteger(row) || row < 0 || row >= tree.length) {
    throw new WellspringError("ACCOUNT_NOT_FOUND", `row ${row} is not in the tree`);
  }
  const siblings: number[] = [];
  for (let i = tree.treeIndex[row]!; i > 0; i = (i - 1) >> 1) siblings.push(i % 2 === 1 ? i + 1 : i - 1);
  // One buffer, hex-encoded at once: the claims endpoint asks for a proof per request.
  const bytes = new Uint8Array(siblings.length * 32);
  siblings.forEach((node, k) => bytes.set(tree.nodes.subarray(node * 32, node * 32 + 32), k * 32));
  const hex = bytesToHex(bytes);
  return siblings.map((_, k) => `0x${hex.slice(2 + k * 64, 2 + k * 64 + 64)}` as `0x${string}`);
}

/** Checks a proof the way the pool's `claim` does (protocol `verifyProof`). */
export function verifyMerkleProof(
  root: `0x${string}`,
  accountId: `0x${string}`,
  shares: bigint,
  proof: readonly `0x${string}`[],
): boolean {
  return verifyProof(root, { accountId, shares }, proof);
}

export interface StandardMerkleTreeDump {
  format: "standard-v1";
  leafEncoding: ["bytes32", "uint256"];
  tree: `0x${string}`[];
  values: { value: [`0x${string}`, string]; treeIndex: number }[];
}

/**
 * The object `StandardMerkleTree.load` accepts (small tables only: it holds every node as hex).
 */
export function standardMerkleTreeDump(
  tree: MerkleTree,
  accountIds: readonly `0x${string}`[],
  shares: readonly bigint[],
): StandardMerkleTreeDump {
  const size = 2 * tree.length - 1;
  const hexNodes: `0x${string}`[] = [];
  for (let i = 0; i < size; i++) hexNodes.push(bytesToHex(tree.nodes.subarray(i * 32, i * 32 + 32)));
  return {
    format: "standard-v1",
    leafEncoding: [...LEAF_ENCODING],
    tree: hexNodes,
    values: accountIds.map((id, row) => ({
      value: [id.toLowerCase() as `0x${string}`, shares[row]!.toString()],
      treeIndex: tree.treeIndex[row]!,
    })),
  };
}

/**
 * Compact binary Merkle data for big tables (`merkle.bin`):
 *   bytes 0..7   ASCII "WSMERKL1"
 *   bytes 8..11  n, uint32 little-endian
 *   then n uint32 little-endian tree indexes (row order = share table order)
 *   then 2n-1 nodes of 32 bytes in OpenZeppelin's layout (node 0 is the root).
 * A proof for row i is read from it without rebuilding anything.
 */
const MAGIC = new TextEncoder().encode("WSMERKL1");

/**
 * The bytes of `encodeMerkleData` as two chunks (header with the tree indexes, then the nodes
 * as a view of the tree): a file writer need not copy the nodes into one buffer.
 */
export function encodeMerkleDataChunks(tree: MerkleTree): [Uint8Array, Uint8Array] {
  const n = tree.length;
  const head = new Uint8Array(12 + 4 * n);
  head.set(MAGIC);
  const view = new DataView(head.buffer);
  view.setUint32(8, n, true);
  for (let i = 0; i < n; i++) view.setUint32(12 + 4 * i, tree.treeIndex[i]!, true);
  return [head, tree.nodes.subarray(0, 32 * (2 * n - 1))];
}

export function encodeMerkleData(tree: MerkleTree): Uint8Array {
  const [head, nodes] = encodeMerkleDataChunks(tree);
  const out = new Uint8Array(head.length + nodes.length);
  out.set(head);
  out.set(nodes, head.length);
  return out;
}

export function decodeMerkleData(bytes: Uint8Array): MerkleTree {
  const bad = (why: string): WellspringError =>
    new WellspringError("TABLE_INVALID", `merkle data: ${why}`, { field: "merkle" });
  if (bytes.length < 12) throw bad("too short");
  for (let i = 0; i < 8; i++) if (bytes[i] !== MAGIC[i]) throw bad("bad magic");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getUint32(8, true);
  // n = 0 fails this too (it would need 12 - 32 bytes).
  if (bytes.length !== 12 + 4 * n + 32 * (2 * n - 1)) throw bad("length does not match n");
  const treeIndex = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const t = view.getUint32(12 + 4 * i, true);
    if (t < n - 1 || t > 2 * n - 2) throw bad(`tree index of row ${i} is not a leaf`);
    treeIndex[i] = t;
  }
  const nodes = bytes.slice(12 + 4 * n);
  return { length: n, nodes, treeIndex };
}
