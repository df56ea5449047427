import type { ContributorRecord } from "./graph.ts";
import type { Policy } from "./policy.ts";

/**
 * How a component's kept value splits among its contributors (docs/policy.md, `contributors`).
 *
 * - `declared`: funding-manifest weights (a contributor declared without a weight counts 1);
 *   no compression, the manifest's numbers are taken as meant.
 * - `commits` / `lines` / `activity`: git history, each commit weighted 2^(-age/halfLife) where
 *   age is measured from the newest commit in all inputs (never the wall clock, so the result is
 *   reproducible), counting 1 per commit, its changed lines, or (`activity`) active months ×
 *   (1 + ln(1 + changed lines)); the per-person total is then compressed (sqrt, log1p or linear)
 *   so a prolific committer does not crowd out everyone else.
 * - `auto`: declared weights when the component has any declared contributor, else commits.
 * - `sustained` (the default): declared weights when a funding manifest, registry maintainer
 *   list or resolution snapshot declares someone; else git `activity`, with the people a
 *   package only names (package.json author/contributors) and who are absent from the history
 *   sharing NAMED_SHARE together; else those named people equally.
 */
export interface ContributorShare {
  identity: string;
  payout: `0x${string}` | undefined;
  fraction: number;
}

const SECONDS_PER_DAY = 86_400;

/** Under `sustained`, what people named in package metadata but absent from the git history
 *  share together: credit for a name, not half the component (docs/policy.md). */
export const NAMED_SHARE = 0.1;

type Mode = "declared" | "commits" | "lines" | "activity";

/** What a policy source means for one component's records. */
function modeOf(records: readonly ContributorRecord[], source: Policy["contributors"]["source"]): Mode {
  if (source === "auto") return records.some((r) => r.declared) ? "declared" : "commits";
  if (source !== "sustained") return source;
  if (records.some((r) => r.declared && !r.named)) return "declared";
  return records.some((r) => r.commits.length > 0) ? "activity" : "declared";
}

export function contributorShares(
  records: readonly ContributorRecord[],
  policy: Policy["contributors"],
  newestCommit: number | undefined,
): ContributorShare[] {
  if (records.length === 0) return [];
  const mode = modeOf(records, policy.source);
  const raw: number[] = [];
  if (mode === "declared") {
    for (const r of records) raw.push(r.declared ? (Number.isNaN(r.weight) ? 1 : r.weight) : 0);
  } else {
    for (const r of records)
      raw.push(compress(gitWeight(r, mode, policy.halfLifeDays, newestCommit), policy.compression));
  }
  let total = 0;
  for (const w of raw) total += w;
  if (!(total > 0)) return [];
  // Sustained work first: named people without history share NAMED_SHARE, the history the rest.
  let namedOnly = 0;
  if (mode === "activity" && policy.source === "sustained")
    for (const r of records) if (r.named && r.commits.length === 0) namedOnly++;
  const out: ContributorShare[] = [];
  records.forEach((r, i) => {
    const w = raw[i]!;
    if (w > 0) {
      const fraction = namedOnly > 0 ? (w / total) * (1 - NAMED_SHARE) : w / total;
      out.push({ identity: r.identity, payout: r.payout, fraction });
    } else if (namedOnly > 0 && r.named && r.commits.length === 0)
      out.push({ identity: r.identity, payout: r.payout, fraction: NAMED_SHARE / namedOnly });
  });
  return out;
}

/** One person's git total before compression. */
function gitWeight(
  r: ContributorRecord,
  mode: Exclude<Mode, "declared">,
  halfLife: number | null,
  newestCommit: number | undefined,
): number {
  const now = newestCommit ?? 0;
  const decay = (time: number): number =>
    halfLife === null ? 1 : Math.pow(2, -Math.max(0, now - time) / (halfLife * SECONDS_PER_DAY));
  let w = 0;
  if (mode !== "activity") {
    for (const c of r.commits) w += decay(c.time) * (mode === "lines" ? Math.max(0, c.lines) : 1);
    return w;
  }
  // Commits are sorted by time, so each calendar month (UTC) is one run; a month counts once,
  // decayed by the age of its newest commit.
  let months = 0;
  let lines = 0;
  let month = -1;
  let monthTime = 0;
  for (const c of r.commits) {
    const d = new Date(c.time * 1000);
    const m = d.getUTCFullYear() * 12 + d.getUTCMonth();
    if (m !== month) {
      if (month !== -1) months += decay(monthTime);
      month = m;
    }
    monthTime = c.time;
    lines += decay(c.time) * Math.max(0, c.lines);
  }
  if (month !== -1) months += decay(monthTime);
  return months * (1 + Math.log1p(lines));
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
  const mode = modeOf([record], policy.source);
  if (mode !== "declared") return contributorShares([record], policy, newestCommit);
  const positive = record.declared && (Number.isNaN(record.weight) || record.weight > 0);
  return positive ? [{ identity: record.identity, payout: record.payout, fraction: 1 }] : [];
}
