import { type Hex, concat, keccak256, numberToHex } from "viem";

import { type AccountId, isAccountId } from "./account.ts";
import { ProtocolArgumentError } from "./errors.ts";

/**
 * Leaves and proofs (docs/design.md#leaf-format-and-proofs): OpenZeppelin `StandardMerkleTree`
 * with leaf encoding `["bytes32","uint256"]`, i.e. leaf = keccak256(keccak256(abi.encode(accountId,
 * shares))), and a node hashes its two children in ascending order. The attribution engine builds
 * the same tree on typed arrays for 10^6 leaves; this is the plain statement for small tables,
 * browsers and checks.
 */
export const LEAF_ENCODING = ["bytes32", "uint256"] as const;

export interface Leaf {
  accountId: AccountId;
  shares: bigint;
}

const MAX_UINT256 = (1n << 256n) - 1n;

/** The leaf of (accountId, shares). Mirrors RoyaltyPool `_leaf`. */
export function leafHash(accountId: AccountId, shares: bigint): Hex {
  if (!isAccountId(accountId))
    throw new ProtocolArgumentError("accountId", `Not a 32-byte accountId: ${accountId}`);
  if (shares < 0n || shares > MAX_UINT256)
    throw new ProtocolArgumentError("shares", `Not a uint256: ${shares}`);
  return keccak256(keccak256(concat([accountId, numberToHex(shares, { size: 32 })])));
}

/** The parent of two nodes: keccak256 of the smaller then the larger. Mirrors one step of `_processProof`. */
export function hashPair(a: Hex, b: Hex): Hex {
  const x = a.toLowerCase() as Hex;
  const y = b.toLowerCase() as Hex;
  return keccak256(x < y ? concat([x, y]) : concat([y, x]));
}

/** The root a proof leads to from `leaf`. Mirrors RoyaltyPool `_processProof` (OpenZeppelin `MerkleProof.processProof`). */
export function processProof(proof: readonly Hex[], leaf: Hex): Hex {
  return proof.reduce<Hex>((node, sibling) => hashPair(node, sibling), leaf.toLowerCase() as Hex);
}

/** Whether (accountId, shares) with `proof` is in the tree of `root`: the check `claim` makes before paying. */
export function verifyProof(root: Hex, leaf: Leaf, proof: readonly Hex[]): boolean {
  return processProof(proof, leafHash(leaf.accountId, leaf.shares)) === root.toLowerCase();
}

export interface StandardTree {
  root: Hex;
  /** All 2n-1 nodes in OpenZeppelin's array layout (root at 0, children of i at 2i+1 and 2i+2). */
  nodes: Hex[];
  /** For leaf (row) i of the input, its index in `nodes`. */
  treeIndex: number[];
  /** The proof of input row `row`: sibling hashes from the leaf up. */
  proof(row: number): Hex[];
}

/**
 * The tree OpenZeppelin's `StandardMerkleTree.of(leaves, LEAF_ENCODING)` builds: leaves sorted by
 * hash, sorted leaf k at node 2n-2-k. Row order is the caller's.
 */
export function merkleTree(leaves: readonly Leaf[]): StandardTree {
  const n = leaves.length;
  if (n === 0) throw new ProtocolArgumentError("leaves", "A Merkle tree needs at least one leaf.");
  const hashes = leaves.map((l) => leafHash(l.accountId, l.shares));
  const order = hashes
    .map((_, row) => row)
    .sort((a, b) => (hashes[a]! < hashes[b]! ? -1 : hashes[a]! > hashes[b]! ? 1 : 0));
  const nodes = new Array<Hex>(2 * n - 1);
  const treeIndex = new Array<number>(n);
  order.forEach((row, k) => {
    treeIndex[row] = 2 * n - 2 - k;
    nodes[2 * n - 2 - k] = hashes[row]!;
  });
  for (let i = n - 2; i >= 0; i--) nodes[i] = hashPair(nodes[2 * i + 1]!, nodes[2 * i + 2]!);
  return {
    root: nodes[0]!,
    nodes,
    treeIndex,
    proof(row) {
      if (!Number.isInteger(row) || row < 0 || row >= n)
        throw new ProtocolArgumentError("row", `No leaf ${row}`);
      const proof: Hex[] = [];
      for (let i = treeIndex[row]!; i > 0; i = (i - 1) >> 1) proof.push(nodes[i % 2 === 1 ? i + 1 : i - 1]!);
      return proof;
    },
  };
}

/** The root of the leaves' tree (what `proposeSchedule` commits). */
export function merkleRoot(leaves: readonly Leaf[]): Hex {
  return merkleTree(leaves).root;
}

/** The proof of row `row` of `leaves`. */
export function merkleProof(leaves: readonly Leaf[], row: number): Hex[] {
  return merkleTree(leaves).proof(row);
}
