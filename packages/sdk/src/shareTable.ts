import { type Hex, keccak256, stringToBytes, zeroHash } from "viem";
import { z } from "zod";

import { type AccountId, identityToAccountId, addressToAccountId, isAccountId } from "./account.ts";
import { InvalidShareTableError, InvalidArgumentError } from "./errors.ts";

/** The default total of a share table (DESIGN.md): shares are fractions of 10^18. */
export const DEFAULT_TOTAL_SHARES = 10n ** 18n;

const bytes32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "expected 0x followed by 64 hex digits");
const decimal = z.string().regex(/^(0|[1-9][0-9]*)$/, "expected a decimal integer string");

/** share-table.json as DESIGN.md fixes it; other fields the engine writes are kept as they are. */
export const shareTableSchema = z
  .object({
    version: z.union([z.number(), z.string()]),
    totalShares: decimal,
    root: bytes32,
    policyHash: bytes32,
    inputsHash: bytes32,
    tableHash: bytes32,
    recipients: z.array(
      z.object({ accountId: bytes32, shares: decimal, identity: z.string().optional() }).passthrough(),
    ),
  })
  .passthrough();

export interface ShareTableRecipient {
  accountId: AccountId;
  shares: bigint;
  identity?: string | undefined;
}

export interface ShareTable {
  version: number | string;
  totalShares: bigint;
  root: Hex;
  policyHash: Hex;
  inputsHash: Hex;
  tableHash: Hex;
  recipients: ShareTableRecipient[];
}

/**
 * Validates a parsed share-table.json: schema, recipients sorted by accountId without duplicates,
 * every share positive, shares summing exactly to totalShares. The Merkle root is checked when the
 * tree is built (buildShareTree).
 */
export function parseShareTable(json: unknown): ShareTable {
  const parsed = shareTableSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InvalidShareTableError("The share table does not match the share-table.json format.", {
      details: issue ? `${issue.path.join(".")}: ${issue.message}` : undefined,
      cause: parsed.error,
    });
  }
  const doc = parsed.data;
  const recipients: ShareTableRecipient[] = doc.recipients.map((r) => ({
    accountId: r.accountId.toLowerCase() as AccountId,
    shares: BigInt(r.shares),
    identity: r.identity,
  }));
  checkRecipients(recipients, BigInt(doc.totalShares));
  return {
    version: doc.version,
    totalShares: BigInt(doc.totalShares),
    root: doc.root.toLowerCase() as Hex,
    policyHash: doc.policyHash.toLowerCase() as Hex,
    inputsHash: doc.inputsHash.toLowerCase() as Hex,
    tableHash: doc.tableHash.toLowerCase() as Hex,
    recipients,
  };
}

function checkRecipients(recipients: readonly ShareTableRecipient[], totalShares: bigint): void {
  if (recipients.length === 0) throw new InvalidShareTableError("The share table has no recipients.");
  let sum = 0n;
  let previous: string | undefined;
  for (const [i, r] of recipients.entries()) {
    if (r.shares <= 0n) {
      throw new InvalidShareTableError("Every recipient must hold a positive number of shares.", {
        details: `recipients[${i}] ${r.accountId} has ${r.shares}`,
      });
    }
    if (previous !== undefined && r.accountId <= previous) {
      throw new InvalidShareTableError("Recipients must be sorted by accountId without duplicates.", {
        details: `recipients[${i}] ${r.accountId} follows ${previous}`,
      });
    }
    if (r.identity !== undefined && identityToAccountId(r.identity) !== r.accountId) {
      throw new InvalidShareTableError("A recipient's identity does not hash to its accountId.", {
        details: `recipients[${i}] identity ${r.identity}`,
      });
    }
    previous = r.accountId;
    sum += r.shares;
  }
  if (sum !== totalShares) {
    throw new InvalidShareTableError("The shares do not sum to totalShares.", {
      details: `sum ${sum}, totalShares ${totalShares}`,
    });
  }
}

/** The JSON document for a table (decimal strings, as share-table.json stores them). */
export function shareTableToJson(table: ShareTable): z.infer<typeof shareTableSchema> {
  return {
    version: table.version,
    totalShares: table.totalShares.toString(),
    root: table.root,
    policyHash: table.policyHash,
    inputsHash: table.inputsHash,
    tableHash: table.tableHash,
    recipients: table.recipients.map((r) => ({
      accountId: r.accountId,
      shares: r.shares.toString(),
      ...(r.identity !== undefined ? { identity: r.identity } : {}),
    })),
  };
}

export interface ShareTableEntryInput {
  /** An identity string (`github:123`), an address, or a 32-byte accountId. */
  account: string;
  shares: bigint;
}

/**
 * For small hand-written tables (tests, demos, a one-off grant): sorts and checks the entries and
 * fills in `tableHash`, leaving `root` to buildShareTree. Tables computed from dependency data
 * come from the attribution engine (`wellspring attribute`), which is the canonical producer.
 * tableHash here is keccak256 of the JSON of `{version, totalShares, recipients}`.
 */
export function createShareTable(parameters: {
  entries: readonly ShareTableEntryInput[];
  totalShares?: bigint | undefined;
  policyHash?: Hex | undefined;
  inputsHash?: Hex | undefined;
}): Omit<ShareTable, "root"> {
  const recipients = parameters.entries
    .map((e): ShareTableRecipient => {
      if (isAccountId(e.account))
        return { accountId: e.account.toLowerCase() as AccountId, shares: e.shares };
      if (/^0x[0-9a-fA-F]{40}$/.test(e.account)) {
        return { accountId: addressToAccountId(e.account as Hex), shares: e.shares };
      }
      return { accountId: identityToAccountId(e.account), shares: e.shares, identity: e.account };
    })
    .sort((a, b) => (a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0));
  const totalShares = parameters.totalShares ?? recipients.reduce((sum, r) => sum + r.shares, 0n);
  if (totalShares <= 0n) throw new InvalidArgumentError("totalShares must be positive.");
  checkRecipients(recipients, totalShares);
  const body = {
    version: 1,
    totalShares: totalShares.toString(),
    recipients: recipients.map((r) => ({
      accountId: r.accountId,
      shares: r.shares.toString(),
      ...(r.identity !== undefined ? { identity: r.identity } : {}),
    })),
  };
  return {
    version: 1,
    totalShares,
    policyHash: parameters.policyHash ?? zeroHash,
    inputsHash: parameters.inputsHash ?? zeroHash,
    tableHash: keccak256(stringToBytes(JSON.stringify(body))),
    recipients,
  };
}
