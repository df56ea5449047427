import { buildMerkleTree, hexToBytes, merkleProof, merkleRoot } from "@wellspring/attribution/core";
import { merkleTree, verifyProof } from "@wellspring/protocol";
import type { Hex } from "viem";

import { type AccountId, toAccountId } from "./account.ts";
import { ProofNotFoundError, RootMismatchError } from "./errors.ts";
import type { ShareTable } from "./shareTable.ts";

/** Leaf types fixed by docs/design.md#leaf-format-and-proofs, stated in @wellspring/protocol. */
export { LEAF_ENCODING } from "@wellspring/protocol";

/**
 * Tables with more leaves than this are built with the attribution engine's typed-array builder
 * (byte-identical, much faster and leaner); smaller ones with @wellspring/protocol's `merkleTree`
 * (the "openzeppelin" builder: OpenZeppelin's StandardMerkleTree layout, stated plainly).
 */
export const FAST_BUILDER_THRESHOLD = 1024;

/** One account's leaf and its proof: exactly what a ClaimRequest needs besides scheduleId and tokens. */
export interface AccountProof {
  accountId: AccountId;
  shares: bigint;
  proof: Hex[];
}

export interface ShareTree {
  root: Hex;
  /** Number of leaves. */
  size: number;
  /** The proof for an accountId, address or identity string; throws ProofNotFoundError. */
  proofFor(accountOrIdentity: string): AccountProof;
  /** Whether the account is in the table. */
  has(accountOrIdentity: string): boolean;
  /** Every account's proof, in table order. */
  allProofs(): AccountProof[];
}

/**
 * Builds the OpenZeppelin StandardMerkleTree of a share table and, unless told otherwise, checks that
 * its root equals the table's stated root (RootMismatchError).
 */
export function buildShareTree(
  table: Pick<ShareTable, "recipients"> & { root?: Hex | undefined },
  options: { verifyRoot?: boolean; builder?: "openzeppelin" | "fast" } = {},
): ShareTree {
  const { recipients } = table;
  const builder = options.builder ?? (recipients.length > FAST_BUILDER_THRESHOLD ? "fast" : "openzeppelin");
  const { root, proofAt } = builder === "fast" ? fastTree(table.recipients) : ozTree(table.recipients);
  if ((options.verifyRoot ?? true) && table.root !== undefined && table.root.toLowerCase() !== root) {
    throw new RootMismatchError(table.root, root);
  }
  const rowOf = new Map<string, number>();
  recipients.forEach((r, row) => rowOf.set(r.accountId.toLowerCase(), row));
  const at = (row: number): AccountProof => {
    const r = recipients[row]!;
    return { accountId: r.accountId.toLowerCase() as AccountId, shares: r.shares, proof: proofAt(row) };
  };
  return {
    root,
    size: recipients.length,
    has: (accountOrIdentity) => rowOf.has(toAccountId(accountOrIdentity)),
    proofFor(accountOrIdentity) {
      const accountId = toAccountId(accountOrIdentity);
      const row = rowOf.get(accountId);
      if (row === undefined) throw new ProofNotFoundError(accountId);
      return at(row);
    },
    allProofs: () => recipients.map((_, row) => at(row)),
  };
}

type Rows = ShareTable["recipients"];

function ozTree(recipients: Rows): { root: Hex; proofAt: (row: number) => Hex[] } {
  // Leaves keep the table's order, so leaf index = table row.
  const tree = merkleTree(recipients.map((r) => ({ accountId: r.accountId, shares: r.shares })));
  return { root: tree.root, proofAt: (row) => tree.proof(row) };
}

function fastTree(recipients: Rows): { root: Hex; proofAt: (row: number) => Hex[] } {
  const ids = new Uint8Array(recipients.length * 32);
  recipients.forEach((r, row) => ids.set(hexToBytes(r.accountId), row * 32));
  const tree = buildMerkleTree(
    ids,
    recipients.map((r) => r.shares),
  );
  return { root: merkleRoot(tree), proofAt: (row) => merkleProof(tree, row) };
}

/** Checks a proof off-chain, byte for byte as the pool does (protocol `verifyProof`). */
export function verifyAccountProof(root: Hex, accountProof: AccountProof): boolean {
  return verifyProof(root, accountProof, accountProof.proof);
}
