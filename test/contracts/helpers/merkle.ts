import { keccak_256 } from "@noble/hashes/sha3.js";
import { buildMerkleTreeFromWords, merkleProof, merkleRoot, type MerkleTree } from "@wellspring/attribution";

/**
 * A share table's Merkle tree built by the product's own code (`@wellspring/attribution`, the
 * tree the engine proposes on-chain), with the accessors the contract tests and the gas benchmark
 * use. The 1,000,000-leaf claim test therefore proves the product's proofs against the pool.
 */
export class ShareTree {
  constructor(private readonly tree: MerkleTree) {}

  get root(): string {
    return merkleRoot(this.tree);
  }

  /** Proof of table row i (siblings from the leaf up). */
  proof(i: number): string[] {
    return merkleProof(this.tree, i);
  }

  /** Number of siblings in the proof of table row i. */
  depth(i: number): number {
    const idx = this.tree.treeIndex[i];
    if (idx === undefined) throw new Error(`no leaf ${i}`);
    return Math.floor(Math.log2(idx + 1));
  }
}

function uint256ToBytes(value: bigint): Uint8Array {
  if (value < 0n || value >= 1n << 256n) throw new Error(`not a uint256: ${value}`);
  return Uint8Array.from(Buffer.from(value.toString(16).padStart(64, "0"), "hex"));
}

function toHex(bytes: Uint8Array): string {
  return "0x" + Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

/** accountId of an address account: the address, left-padded to 32 bytes. */
export function addressAccountId(address: string): string {
  return "0x" + address.toLowerCase().replace(/^0x/, "").padStart(64, "0");
}

/**
 * A table of `n` address accounts with equal shares (`sharesEach`), addresses derived from
 * keccak256(seed, i) so that every payee starts with zero balance.
 */
export function syntheticAddressTable(
  n: number,
  sharesEach: bigint,
  seed = 1,
  /** Leaves whose accountId is the identity `identityOf(i)` (keccak256 of `bench:<seed>:<i>`) instead of an address. */
  isIdentity: (i: number) => boolean = () => false,
): {
  tree: ShareTree;
  accountIdOf: (i: number) => string;
  addressOf: (i: number) => string;
  identityOf: (i: number) => string;
} {
  const identityOf = (i: number): string => `bench:${seed}:${i}`;
  const ids = new Uint8Array(n * 20);
  const src = new Uint8Array(8);
  const dv = new DataView(src.buffer);
  for (let i = 0; i < n; i++) {
    dv.setUint32(0, seed);
    dv.setUint32(4, i);
    ids.set(keccak_256(src).subarray(12), i * 20);
  }
  const accountIds = new Uint8Array(n * 32);
  const words = new Uint8Array(n * 32);
  const share = uint256ToBytes(sharesEach);
  for (let i = 0; i < n; i++) {
    if (isIdentity(i)) accountIds.set(keccak_256(new TextEncoder().encode(identityOf(i))), i * 32);
    else accountIds.set(ids.subarray(i * 20, i * 20 + 20), i * 32 + 12);
    words.set(share, i * 32);
  }
  const tree = new ShareTree(buildMerkleTreeFromWords(accountIds, words));
  const addressOf = (i: number): string => toHex(ids.subarray(i * 20, i * 20 + 20));
  const accountIdOf = (i: number): string => toHex(accountIds.subarray(i * 32, i * 32 + 32));
  return { tree, accountIdOf, addressOf, identityOf };
}
