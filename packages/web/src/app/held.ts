import { accountIdToAddress } from "@wellspring/sdk";
import type { Hex } from "viem";

import { shortHex } from "./format.ts";

/** The identity prefix of components nobody can claim yet (docs/attribution.md "Held value"). */
export const HOLDING = "component:";

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
