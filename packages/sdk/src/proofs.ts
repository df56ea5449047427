import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import type { Hex } from "viem";

import { type AccountId, toAccountId } from "./account.ts";
import { ProofNotFoundError, RootMismatchError } from "./errors.ts";
import type { ShareTable } from "./shareTable.ts";

/** Leaf types fixed by DESIGN.md; the pool verifies proofs with OpenZeppelin MerkleProof. */
export const LEAF_ENCODING = ["bytes32", "uint256"] as const;

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
 * its root equals the table's stated root (RootMismatchError). Suited to tables up to ~10^5 leaves;
 * the attribution engine has a faster builder for bigger ones.
 */
export function buildShareTree(
  table: Pick<ShareTable, "recipients"> & { root?: Hex | undefined },
  options: { verifyRoot?: boolean } = {},
): ShareTree {
  const tree = StandardMerkleTree.of<[string, bigint]>(
    table.recipients.map((r) => [r.accountId, r.shares]),
    [...LEAF_ENCODING],
  );
  const root = tree.root as Hex;
  if ((options.verifyRoot ?? true) && table.root !== undefined && table.root.toLowerCase() !== root) {
    throw new RootMismatchError(table.root, root);
  }
  const indexOf = new Map<string, number>();
  for (const [index, [accountId]] of tree.entries()) indexOf.set(accountId.toLowerCase(), index);
  const proofAt = (index: number): AccountProof => {
    const [accountId, shares] = tree.at(index)!;
    return {
      accountId: accountId.toLowerCase() as AccountId,
      shares: BigInt(shares),
      proof: tree.getProof(index) as Hex[],
    };
  };
  return {
    root,
    size: table.recipients.length,
    has: (accountOrIdentity) => indexOf.has(toAccountId(accountOrIdentity)),
    proofFor(accountOrIdentity) {
      const accountId = toAccountId(accountOrIdentity);
      const index = indexOf.get(accountId);
      if (index === undefined) throw new ProofNotFoundError(accountId);
      return proofAt(index);
    },
    allProofs: () => table.recipients.map((r) => proofAt(indexOf.get(r.accountId)!)),
  };
}

/** Checks a proof off-chain, byte for byte as the pool does. */
export function verifyAccountProof(root: Hex, accountProof: AccountProof): boolean {
  return StandardMerkleTree.verify(
    root,
    [...LEAF_ENCODING],
    [accountProof.accountId, accountProof.shares],
    accountProof.proof,
  );
}
