/**
 * What is still held, and why, for the `attribute` summary: the engine's `report.held` (the
 * largest `component:<key>` recipients and a reason code each) in words.
 */
import type { AttributeResult, HeldComponent } from "@wellspring/attribution";

export interface HeldLine {
  component: string;
  fraction: number;
  /** The engine's reason code (docs/attribution.md, "Held value"). */
  reason: HeldComponent["why"];
  why: string;
}

/** One sentence per reason code; `detail` is the gating reasons or the snapshot's reason. */
export function heldWhy(h: Pick<HeldComponent, "why" | "detail">): string {
  switch (h.why) {
    case "gated":
      return `gated (${(h.detail ?? "").split("+").join(", ")})`;
    case "product-part":
      return "the product or its own workspace package: no registry describes it (its git history or a funding manifest would)";
    case "no-registry-data":
      return `no registry data (${(h.detail ?? "unknown").replace(":", ": ")})`;
    case "no-maintainer":
      return "the registry names nobody";
    case "no-contributors":
      return "no contributor in the inputs (wellspring resolve may find one)";
    case "no-weight":
      return "no contributor with weight under this policy";
  }
}

export function largestHeld(result: Pick<AttributeResult, "report">, limit = 5): HeldLine[] {
  return result.report.held.largest.slice(0, limit).map((h) => ({
    component: h.component,
    fraction: h.fraction,
    reason: h.why,
    why: heldWhy(h),
  }));
}
