/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Admin: a policy's versions (newest first) and what each changed against the one before, from
// GET /v1/policies/{name}/versions and /diff (logic in admin.ts).
import { policyDiff, policyHistory } from "./admin.ts";
import type { Api } from "./api.ts";
import { h, clear, showError, statusBox, table } from "./ui.ts";
import { dateTime } from "./units.ts";

/** A JSON value in one short line for the diff table. */
function shortJson(value: unknown): string {
  if (value === undefined) return "—";
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

/** The history block; `refresh(name)` reloads it (after a load or a save). */
export function policyHistoryView(api: Api): { el: HTMLElement; refresh(name: string): Promise<void> } {
  const list = h("div", { id: "policy-history" });
  const diff = h("div", { id: "policy-diff", "aria-live": "polite" });
  const status = statusBox("policy-history-status");
  const el = h(
    "details",
    { class: "history" },
    h("summary", {}, "Version history and changes"),
    list,
    diff,
    status,
  );

  async function showDiff(name: string, from: number, to: number): Promise<void> {
    try {
      const d = await policyDiff(api, name, from, to);
      clear(
        diff,
        d.changes.length === 0
          ? h("p", {}, `v${to} changes nothing against v${from}.`)
          : table(
              `What v${to} changes against v${from}`,
              ["Field", "Change", "Before", "After"],
              d.changes.map((c) => [
                h("code", {}, c.path || "/"),
                c.op === "add" ? "added" : c.op === "remove" ? "removed" : "changed",
                shortJson(c.from),
                shortJson(c.to),
              ]),
              "policy-diff",
            ),
      );
    } catch (error) {
      showError(status, error);
    }
  }

  async function refresh(name: string): Promise<void> {
    clear(diff);
    try {
      const versions = await policyHistory(api, name);
      clear(
        list,
        versions.length === 0
          ? h("p", {}, `No version of "${name}" yet.`)
          : table(
              `Versions of ${name}, newest first`,
              ["Version", "Saved", "By", "Note", "Compare"],
              versions.map((v) => [
                `v${v.version}`,
                dateTime(v.createdAt),
                h("code", { title: v.createdBy }, `${v.createdBy.slice(0, 6)}…${v.createdBy.slice(-4)}`),
                v.note || "—",
                v.version > 1
                  ? h(
                      "button",
                      {
                        type: "button",
                        class: "link",
                        "data-version": String(v.version),
                        onclick: () => void showDiff(name, v.version - 1, v.version),
                      },
                      `Changes from v${v.version - 1}`,
                    )
                  : "first version",
              ]),
              "policy-versions",
            ),
      );
    } catch (error) {
      showError(status, error);
    }
  }
  return { el, refresh };
}
