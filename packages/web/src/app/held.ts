import { accountIdToAddress } from "@wellspring/sdk";
import type { Hex } from "viem";

import { shortHex } from "./format.ts";

// What the active table holds for components nobody can claim yet (`component:<key>` identities,
// docs/attribution.md "Held value"): their total and the largest of them.
export interface HeldOfTable {
  held: bigint;
  /** Largest first (ties by key), at most `limit`. */
  largest: { component: string; shares: bigint }[];
  count: number;
}

const HOLDING = "component:";

/** A `component:<key>` identity: its share waits in the pool until someone binds the component. */
export const isHeld = (identity: string): boolean => identity.startsWith(HOLDING);

/** An identity as people read it: percent-escapes decoded (`pkg:npm/%40scope` → `@scope`). */
export function readableIdentity(identity: string): string {
  try {
    return decodeURIComponent(identity);
  } catch {
    return identity;
  }
}

/** A recipient's name: its readable identity, else its wallet address (shortened) or accountId. */
export function recipientName(r: { identity: string | null; accountId: string }): string {
  if (r.identity !== null) return readableIdentity(r.identity);
  const address = accountIdToAddress(r.accountId as Hex);
  return address ? shortHex(address, 4) : shortHex(r.accountId);
}

export function heldOfTable(
  recipients: readonly { identity: string | null; shares: string }[],
  limit = 10,
): HeldOfTable {
  const list: { component: string; shares: bigint }[] = [];
  let held = 0n;
  for (const r of recipients) {
    if (r.identity === null || !isHeld(r.identity)) continue;
    const shares = BigInt(r.shares);
    held += shares;
    list.push({ component: readableIdentity(r.identity.slice(HOLDING.length)), shares });
  }
  list.sort((a, b) =>
    b.shares > a.shares ? 1 : b.shares < a.shares ? -1 : a.component < b.component ? -1 : 1,
  );
  return { held, largest: list.slice(0, limit), count: list.length };
}

/** The engine report's `held` (docs/attribution.md "Held value"), as the run API returns it. */
export interface HeldReport {
  heldFraction?: number;
  held?: { count: number; largest: { component: string; fraction: number; why: string; detail?: string }[] };
}

/** Rows (component, percent, why) of a run report's largest held components; none without them. */
export function heldReasonRows(report: HeldReport | undefined): [string, string, string][] {
  return (report?.held?.largest ?? []).map((c) => [
    readableIdentity(c.component),
    `${(100 * c.fraction).toFixed(2)} %`,
    c.detail === undefined ? c.why : `${c.why} (${c.detail})`,
  ]);
}
