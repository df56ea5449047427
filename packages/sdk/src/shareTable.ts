import { computeInputsHash, computeTableHash, hexToBytes } from "@wellspring/attribution/core";
import { type Hex, zeroHash } from "viem";
import { z } from "zod";

import {
  type AccountId,
  addressToAccountId,
  identityToAccountId,
  isAccountId,
  toAccountId,
} from "./account.ts";
import { InvalidShareTableError, InvalidArgumentError } from "./errors.ts";

/** `engineVersion` of tables written by createShareTable rather than computed by the engine. */
export const HAND_WRITTEN_ENGINE_VERSION = "wellspring-sdk/0.1.0 (hand-written)";

/** The default total of a share table (docs/design.md#share-table): shares are fractions of 10^18. */
export const DEFAULT_TOTAL_SHARES = 10n ** 18n;

const bytes32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "expected 0x followed by 64 hex digits");
const decimal = z.string().regex(/^(0|[1-9][0-9]*)$/, "expected a decimal integer string");

/** share-table.json as docs/design.md#files-and-figures fixes it; other fields the engine writes are kept as they are. */
export const shareTableSchema = z
  .object({
    version: z.union([z.number(), z.string()]),
    totalShares: decimal,
    root: bytes32,
    policyHash: bytes32,
    inputsHash: bytes32,
    tableHash: bytes32,
    engineVersion: z.string().optional(),
    inputs: z.array(z.object({ path: z.string(), sha256: z.string(), format: z.string() })).optional(),
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
  /** What produced the table (the engine writes `wellspring-attribution/<version>`). */
  engineVersion?: string | undefined;
  /** The inputs the engine read (inputsHash commits to their sha256 digests). */
  inputs?: Array<{ path: string; sha256: string; format: string }> | undefined;
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
    engineVersion: doc.engineVersion,
    inputs: doc.inputs,
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
    // As the engine writes it: the identity, the address, or the accountId itself when unknown.
    if (r.identity !== undefined && r.identity !== r.accountId && toAccountId(r.identity) !== r.accountId) {
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
    ...(table.engineVersion !== undefined ? { engineVersion: table.engineVersion } : {}),
    ...(table.inputs !== undefined ? { inputs: table.inputs } : {}),
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
 * fills in `tableHash` the way the attribution engine defines it (keccak256 of totalShares and
 * every (accountId, shares) pair, packed), leaving `root` to buildShareTree. Every recipient gets
 * the display identity the engine would write (the identity, the lower-case address, or the hex
 * id), so `wellspring verify` accepts the file. Tables computed from dependency data come from the
 * attribution engine (`wellspring attribute`), the canonical producer.
 */
export function createShareTable(parameters: {
  entries: readonly ShareTableEntryInput[];
  totalShares?: bigint | undefined;
  policyHash?: Hex | undefined;
}): Omit<ShareTable, "root"> {
  const recipients = parameters.entries
    .map((e): ShareTableRecipient => {
      if (isAccountId(e.account)) {
        const accountId = e.account.toLowerCase() as AccountId;
        return { accountId, shares: e.shares, identity: accountId };
      }
      if (/^0x[0-9a-fA-F]{40}$/.test(e.account)) {
        return {
          accountId: addressToAccountId(e.account as Hex),
          shares: e.shares,
          identity: e.account.toLowerCase(),
        };
      }
      return { accountId: identityToAccountId(e.account), shares: e.shares, identity: e.account };
    })
    .sort((a, b) => (a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0));
  const totalShares = parameters.totalShares ?? recipients.reduce((sum, r) => sum + r.shares, 0n);
  if (totalShares <= 0n) throw new InvalidArgumentError("totalShares must be positive.");
  checkRecipients(recipients, totalShares);
  const accountIds = new Uint8Array(recipients.length * 32);
  recipients.forEach((r, i) => accountIds.set(hexToBytes(r.accountId), i * 32));
  return {
    version: 1,
    totalShares,
    policyHash: parameters.policyHash ?? zeroHash,
    // No engine inputs: inputsHash commits to the empty list, as the engine computes it.
    inputsHash: computeInputsHash([]),
    engineVersion: HAND_WRITTEN_ENGINE_VERSION,
    inputs: [],
    tableHash: computeTableHash(totalShares, {
      length: recipients.length,
      accountIds,
      shares: recipients.map((r) => r.shares),
    }),
    recipients,
  };
}
