import type { Address } from "viem";

import { buildShareTree, createShareTable, type ShareTable, type ShareTree } from "../../src/index.ts";

/** A small explicit table; returns it with its root filled in and its tree. */
export function makeTable(entries: ReadonlyArray<{ account: string; shares: bigint }>): {
  table: ShareTable;
  tree: ShareTree;
} {
  const draft = createShareTable({ entries });
  const tree = buildShareTree(draft);
  return { table: { ...draft, root: tree.root }, tree };
}

/** floor(pot × shares / totalShares), as the pool's mulDiv computes it. */
export const entitled = (pot: bigint, shares: bigint, totalShares: bigint): bigint =>
  (pot * shares) / totalShares;

export const addr = (a: { account: { address: Address } }): Address => a.account.address;
