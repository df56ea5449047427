import type { ContributorRecord } from "./graph.ts";
import type { Policy } from "./policy.ts";

/**
 * How a component's kept value splits among its contributors (docs/policy.md, `contributors`).
 *
 * - `declared`: funding-manifest weights (a contributor declared without a weight counts 1);
 *   no compression, the manifest's numbers are taken as meant.
 * - `commits` / `lines`: git activity, each commit weighted 2^(-age/halfLife) where age is
 *   measured from the newest commit in all inputs (never the wall clock, so the result is
 *   reproducible), counting 1 per commit or its changed lines; the per-person total is then
 *   compressed (sqrt, log1p or linear) so a prolific committer does not crowd out everyone else.
 * - `auto`: declared weights when the component has any declared contributor, else commits.
 */
export interface ContributorShare {
  identity: string;
  payout: `0x${string}` | undefined;
  fraction: number;
}

const SECONDS_PER_DAY = 86_400;

export function contributorShares(
  records: readonly ContributorRecord[],
  policy: Policy["contributors"],
  newestCommit: number | undefined,
): ContributorShare[] {
  if (records.length === 0) return [];
  let mode = policy.source;
  if (mode === "auto") mode = records.some((r) => r.declared) ? "declared" : "commits";
  const raw: number[] = [];
  if (mode === "declared") {
    for (const r of records) raw.push(r.declared ? (Number.isNaN(r.weight) ? 1 : r.weight) : 0);
  } else {
    const halfLife = policy.halfLifeDays;
    const now = newestCommit ?? 0;
    for (const r of records) {
      let w = 0;
      for (const c of r.commits) {
        const decay =
          halfLife === null ? 1 : Math.pow(2, -Math.max(0, now - c.time) / (halfLife * SECONDS_PER_DAY));
        w += decay * (mode === "lines" ? Math.max(0, c.lines) : 1);
      }
      raw.push(compress(w, policy.compression));
    }
  }
  let total = 0;
  for (const w of raw) total += w;
  if (!(total > 0)) return [];
  const out: ContributorShare[] = [];
  records.forEach((r, i) => {
    const w = raw[i]!;
    if (w > 0) out.push({ identity: r.identity, payout: r.payout, fraction: w / total });
  });
  return out;
}

export function compress(x: number, how: Policy["contributors"]["compression"]): number {
  switch (how) {
    case "sqrt":
      return Math.sqrt(x);
    case "log":
      return Math.log1p(x);
    case "linear":
      return x;
  }
}

/** The common case of one contributor, without intermediate arrays: all of it, or nothing if
 *  the policy gives that contributor no weight. */
export function soleContributor(
  record: ContributorRecord,
  policy: Policy["contributors"],
  newestCommit: number | undefined,
): ContributorShare[] {
  const mode = policy.source === "auto" ? (record.declared ? "declared" : "commits") : policy.source;
  if (mode !== "declared") return contributorShares([record], policy, newestCommit);
  const positive = record.declared && (Number.isNaN(record.weight) || record.weight > 0);
  return positive ? [{ identity: record.identity, payout: record.payout, fraction: 1 }] : [];
}
