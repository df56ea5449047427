/**
 * What is still held, and why: the largest `component:<key>` recipients of a table with the
 * reason nobody can claim them yet, for the `attribute` summary. The reasons come from the
 * engine's report (gating) and from the resolution snapshots among the inputs.
 */
import type { AttributeResult } from "@wellspring/attribution";
import {
  contributorsByPrecedence,
  detectFormat,
  parseResolution,
  RESOLUTION_FORMAT,
  type InputFile,
  type ResolvedComponent,
} from "@wellspring/attribution/inputs";

export interface HeldComponent {
  component: string;
  fraction: number;
  why: string;
}

/** Snapshot entries by component key; read before the CLI releases the input bytes. */
export function snapshotEntries(files: readonly InputFile[]): Map<string, ResolvedComponent> | undefined {
  let out: Map<string, ResolvedComponent> | undefined;
  for (const file of files) {
    if (detectFormat(file) !== RESOLUTION_FORMAT) continue;
    out ??= new Map();
    for (const [key, entry] of Object.entries(parseResolution(file).components)) out.set(key, entry);
  }
  return out;
}

function why(
  key: string,
  gated: ReadonlyMap<string, string[]>,
  snapshot: ReadonlyMap<string, ResolvedComponent> | undefined,
): string {
  const reasons = gated.get(key);
  if (reasons !== undefined) return `gated (${reasons.join(", ")})`;
  if (snapshot === undefined) return "no contributor in the inputs (wellspring resolve may find one)";
  const entry = snapshot.get(key);
  if (entry === undefined) return "not in the resolution snapshot";
  if (entry.reason === "product-or-workspace")
    return "the product or its own workspace package: no registry describes it (its git history or a funding manifest would)";
  if (entry.status !== "resolved") return `no registry data (${entry.status}: ${entry.reason ?? "unknown"})`;
  if (contributorsByPrecedence(entry).tier === "none") return "the registry names nobody";
  return "no contributor with weight under this policy";
}

export function largestHeld(
  result: Pick<AttributeResult, "table" | "report">,
  snapshot: ReadonlyMap<string, ResolvedComponent> | undefined,
  limit = 5,
): HeldComponent[] {
  const { rows, totalShares } = result.table;
  const held: Array<{ key: string; shares: bigint }> = [];
  for (let i = 0; i < rows.length; i++) {
    const identity = rows.identities[i]!;
    if (identity.startsWith("component:")) held.push({ key: identity.slice(10), shares: rows.shares[i]! });
  }
  held.sort((a, b) => (b.shares > a.shares ? 1 : b.shares < a.shares ? -1 : a.key < b.key ? -1 : 1));
  const gated = new Map(result.report.gated.map((d) => [d.component, d.reasons]));
  return held.slice(0, limit).map(({ key, shares }) => ({
    component: key,
    fraction: Number((shares * 1_000_000n) / totalShares) / 1_000_000,
    why: why(key, gated, snapshot),
  }));
}
