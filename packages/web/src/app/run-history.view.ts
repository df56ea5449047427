/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Admin's run history, drawn: the pool's runs newest first (date, policy, recipients, root, engine,
// the schedule that published it), older pages on request; picking one opens its what-if.
import type { Api, RunSummary } from "./api.ts";
import { poolRuns, policyLabel, publishedText } from "./run-history.ts";
import { clear, copyable, h, setStatus, showError, statusBox, table } from "./ui.ts";
import { dateTime } from "./units.ts";

export function runHistoryView(
  api: Api,
  open: (run: RunSummary) => void,
): { el: HTMLElement; refresh(pool: string): Promise<void> } {
  const list = h("div", { id: "run-history-list" });
  const status = statusBox("run-history-status");
  const more = h("button", { type: "button", id: "run-history-more", hidden: true }, "Show older runs");
  let pool = "";
  let cursor: string | null = null;
  let shown: RunSummary[] = [];

  function draw(): void {
    clear(
      list,
      table(
        "Runs of this pool, newest first",
        ["Run", "Made", "Policy", "Recipients", "Root", "Engine", "Published"],
        shown.map((r) => [
          h(
            "button",
            {
              type: "button",
              class: "run-open",
              "data-run-id": r.id,
              title: "Open this run's what-if",
              onclick: () => open(r),
            },
            `Run ${r.id}`,
          ),
          dateTime(r.createdAt),
          policyLabel(r),
          (r.recipientCount ?? 0).toLocaleString("en-US"),
          r.root ? copyable(r.root) : "—",
          r.engineVersion ?? "—",
          publishedText(r),
        ]),
        "run-history",
      ),
    );
    more.hidden = cursor === null;
  }

  async function page(first: boolean): Promise<void> {
    try {
      const got = await poolRuns(api, pool, first ? null : cursor);
      shown = first ? got.runs : [...shown, ...got.runs];
      cursor = got.nextCursor;
      if (shown.length === 0) {
        clear(list);
        more.hidden = true;
        setStatus(
          status,
          "empty",
          "no-runs",
          "No runs for this pool yet: choose input files above and Run; each run is listed here.",
        );
        return;
      }
      setStatus(
        status,
        "info",
        "loaded",
        `${shown.length} run(s) shown${cursor ? "; older ones below" : ""}.`,
      );
      draw();
    } catch (error) {
      showError(status, error);
    }
  }
  more.addEventListener("click", () => void page(false));

  const el = h(
    "section",
    { class: "card", "aria-labelledby": "run-history-h", id: "run-history" },
    h("h2", { id: "run-history-h" }, "Run history"),
    h(
      "p",
      { class: "hint" },
      "Every run made for the selected pool. Open one to see its what-if against the active schedule and publish it.",
    ),
    status,
    list,
    h("div", { class: "actions" }, more),
  );
  return {
    el,
    refresh(next: string) {
      pool = next;
      cursor = null;
      shown = [];
      if (!pool) {
        clear(list);
        more.hidden = true;
        setStatus(status, "empty", "no-pool", "Register or create a pool first; its runs are listed here.");
        return Promise.resolve();
      }
      return page(true);
    },
  };
}
