// Admin's run history, the logic: a pool's runs newest first (GET /v1/runs, page by page) and how a
// row says its policy and whether a schedule published it. No DOM: run-history.view.ts draws it.
import { getAddress } from "viem";

import type { Api, RunList, RunSummary } from "./api.ts";

export const HISTORY_PAGE = 20;

/** One page of a pool's runs, newest first; `cursor` is the previous page's nextCursor. */
export function poolRuns(api: Api, pool: string, cursor?: string | null): Promise<RunList> {
  const query = new URLSearchParams({ pool: getAddress(pool), limit: String(HISTORY_PAGE) });
  if (cursor) query.set("cursor", cursor);
  return api.get<RunList>(`/v1/runs?${query}`);
}

/** "default@3": the policy line and version a run used. */
export const policyLabel = (run: Pick<RunSummary, "policy">): string =>
  `${run.policy.name}@${run.policy.version}`;

/** Whether the run's table was proposed, and as which schedule: "schedule #2, active", or "not proposed". */
export function publishedText(run: Pick<RunSummary, "schedules">): string {
  if (run.schedules.length === 0) return "not proposed";
  return run.schedules.map((s) => `schedule #${s.scheduleId}, ${s.status}`).join("; ");
}
