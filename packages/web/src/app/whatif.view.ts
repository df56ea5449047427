/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// The what-if, drawn: a summary first (largest gains and losses in money at the current pot,
// concentration, counts), then every change sorted by size, "+0" rows hidden, 50 a page, filtered by
// name. The maths is in whatif.ts.
import { signedPercent } from "./admin.ts";
import type { RunDiff } from "./api.ts";
import { percent } from "./format.ts";
import { barChart, clear, field, h, table } from "./ui.ts";
import { type Token, money, moneyText } from "./units.ts";
import { type Pot, type WhatIfRow, type WhatIfSummary, visibleRows } from "./whatif.ts";

export function whatIfSection(
  counts: RunDiff["summary"],
  s: WhatIfSummary,
  pot: Pot | undefined,
  t: Token | undefined,
): HTMLElement[] {
  const priced = pot !== undefined && t !== undefined;
  // "≈ +0.28 ETH" / "≈ −0.28 ETH": the sign after the rounding mark, a real minus sign.
  const signed = (text: string, value: bigint) =>
    value > 0n ? text.replace(/^(≈ )?/, "$1+") : text.replace(/^(≈ )?-/, "$1−");
  const change = (r: WhatIfRow): Node | string => {
    if (!priced) return signedPercent(r.delta);
    const span = money(r.money, t);
    span.textContent = signed(span.textContent ?? "", r.money);
    return span;
  };
  const changeText = (r: WhatIfRow) =>
    priced ? signed(moneyText(r.money, t), r.money) : signedPercent(r.delta);
  const largest = [...s.gains, ...s.losses];
  const summary = h(
    "div",
    { id: "whatif-summary", class: "whatif-summary" },
    h(
      "p",
      { id: "diff-summary" },
      priced
        ? h("span", {}, "Priced at the pool's current pot of ", money(pot.amount, t, "whatif-pot"), ". ")
        : "The pool holds nothing yet, so changes are in shares. ",
      `${s.gained} recipient(s) gain, ${s.lost} lose, ${s.changed} change in all ` +
        `(${counts.added} added, ${counts.removed} removed, ${counts.unchanged} unchanged).`,
    ),
    h(
      "p",
      { id: "whatif-concentration" },
      `Concentration of the new table: the top 10 hold ${percent(s.top10, s.total)}; ` +
        `HHI ${s.hhi.toLocaleString("en-US")} of 10,000 (above 2,500 is highly concentrated).`,
    ),
    largest.length
      ? barChart(
          largest.map((r) => ({
            label: r.name,
            value: priced ? Number(r.money) : Number(r.delta),
            title: `${r.name}: ${changeText(r)}`,
            shown: changeText(r),
          })),
          priced ? "Largest gains and losses at the current pot" : "Largest share changes",
        )
      : h("p", {}, "No recipient's share changes."),
  );

  // ---- the table: filter, "+0" rows, pages
  const filter = h("input", { id: "whatif-filter", type: "search", autocomplete: "off" });
  const showZero = h("input", { id: "whatif-zero", type: "checkbox" });
  const holder = h("div", { id: "whatif-table" });
  let page = 0;
  function draw(): void {
    const v = visibleRows(s.rows, { filter: filter.value, showZero: showZero.checked, priced, page });
    page = v.page;
    const nav = (label: string, to: number, disabled: boolean) =>
      h(
        "button",
        {
          type: "button",
          class: "link",
          disabled,
          onclick: () => {
            page = to;
            draw();
          },
        },
        label,
      );
    clear(
      holder,
      table(
        `Changes, largest first (${v.matching} shown of ${s.rows.length})`,
        ["Account", "Before", "After", "Share change", ...(priced ? ["At the current pot"] : [])],
        v.rows.map((r) => [
          r.name,
          percent(r.before, s.total),
          percent(r.after, s.total),
          signedPercent(r.delta),
          ...(priced ? [change(r)] : []),
        ]),
        "diff",
      ),
      h(
        "div",
        { class: "actions pager" },
        nav("Previous page", page - 1, page === 0),
        h("span", { id: "whatif-page", "aria-live": "polite" }, `Page ${page + 1} of ${v.pages}`),
        nav("Next page", page + 1, page >= v.pages - 1),
      ),
    );
  }
  filter.addEventListener("input", () => {
    page = 0;
    draw();
  });
  showZero.addEventListener("change", draw);
  draw();
  return [
    summary,
    field("Filter by name or account", filter),
    h(
      "div",
      { class: "field inline" },
      showZero,
      h(
        "label",
        { for: "whatif-zero" },
        priced ? "Show rows that change by 0 at the pot" : "Show unchanged rows",
      ),
    ),
    holder,
  ];
}
