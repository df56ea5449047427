import { resolveAccount, type Hex32 } from "./account.ts";
import { attribute, type AttributeOptions } from "./attribute.ts";
import { WellspringError } from "./errors.ts";
import type { InputFile } from "./inputs/types.ts";
import { buildMerkleTree, merkleProof, merkleRoot, verifyMerkleProof, type MerkleTree } from "./merkle.ts";
import { accountIdHexAt, findRow, serializeShareTableToString, type ShareTable } from "./table.ts";

export interface VerifyParams {
  /** A parsed, validated table (see `parseShareTable`). */
  table: ShareTable;
  /** When given with `policy`, the table is recomputed from them and compared byte for byte. */
  files?: readonly InputFile[];
  policy?: unknown;
  options?: AttributeOptions;
  /** An expected Merkle root (e.g. read from the pool's schedule). */
  root?: string;
}

export interface VerifyResult {
  root: Hex32;
  recipients: number;
  /** What was checked, in order. */
  checks: string[];
}

/**
 * Recomputes what can be recomputed and throws `VERIFY_MISMATCH` (field = what differed) at the
 * first difference: the Merkle root of the rows against the table's `root` and the expected root;
 * with inputs and policy, the whole table (policyHash, inputsHash, tableHash, then every byte).
 */
export function verifyShareTable(params: VerifyParams): VerifyResult {
  const { table } = params;
  const checks: string[] = ["table parsed: sorted, positive, sums to totalShares, tableHash, inputsHash"];
  const tree = buildMerkleTree(table.rows.accountIds, table.rows.shares);
  const root = merkleRoot(tree);
  if (root !== table.root) mismatch("root", `the rows hash to ${root}, the table says ${table.root}`);
  checks.push("merkle root of the rows equals table.root");
  if (params.root !== undefined) {
    if (params.root.toLowerCase() !== root)
      mismatch("root", `expected root ${params.root}, the table has ${root}`);
    checks.push("table.root equals the expected root");
  }
  if (params.files !== undefined || params.policy !== undefined) {
    if (params.files === undefined || params.policy === undefined) {
      throw new WellspringError("USAGE", "recomputing a table needs both the inputs and the policy");
    }
    const again = attribute({
      files: params.files,
      policy: params.policy,
      ...(params.options ? { options: params.options } : {}),
    });
    for (const field of [
      "policyHash",
      "inputsHash",
      "tableHash",
      "root",
      "totalShares",
      "engineVersion",
    ] as const) {
      if (again.table[field] !== table[field]) {
        mismatch(field, `recomputed ${String(again.table[field])}, the table says ${String(table[field])}`);
      }
    }
    if (serializeShareTableToString(again.table) !== serializeShareTableToString(table)) {
      mismatch("recipients", "the recomputed table differs (identities or input list)");
    }
    checks.push("recomputed from inputs and policy: byte-identical");
  }
  return { root, recipients: table.rows.length, checks };
}

function mismatch(field: string, message: string): never {
  throw new WellspringError("VERIFY_MISMATCH", message, { field });
}

export interface AccountProof {
  accountId: Hex32;
  identity: string;
  shares: bigint;
  root: Hex32;
  proof: `0x${string}`[];
}

/**
 * The proof for an account given as accountId, address or identity. `tree` may be passed when
 * already built (or decoded from merkle.bin) to avoid rebuilding it.
 */
export function proofForAccount(table: ShareTable, account: string, tree?: MerkleTree): AccountProof {
  const accountId = resolveAccount(account);
  const row = findRow(table.rows, accountId);
  if (row < 0)
    throw new WellspringError("ACCOUNT_NOT_FOUND", `${account} (${accountId}) is not in the table`);
  const t = tree ?? buildMerkleTree(table.rows.accountIds, table.rows.shares);
  const proof = merkleProof(t, row);
  const shares = table.rows.shares[row]!;
  const root = merkleRoot(t);
  if (!verifyMerkleProof(root, accountIdHexAt(table.rows, row), shares, proof)) {
    throw new WellspringError("VERIFY_MISMATCH", "the proof does not verify against the root", {
      field: "proof",
    });
  }
  return { accountId, identity: table.rows.identities[row]!, shares, root, proof };
}
