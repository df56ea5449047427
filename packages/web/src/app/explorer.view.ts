/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Explorer, the view: pool overview, share chart, held value, search and deposit charts (logic in explorer.ts).
import { type Address, getAddress } from "viem";

import { scheduleRunId, verificationText } from "./api.ts";
import type { Ctx } from "./context.ts";
import { POT_PARTS, type PoolView, chartPercent, depositSeries, findAccount, loadPool } from "./explorer.ts";
import { percent } from "./format.ts";
import { HOLDING, readableIdentity, recipientName } from "./held.ts";
import { dateTime, duration, money } from "./units.ts";
import {
  barChart,
  clear,
  copyable,
  field,
  h,
  lineChart,
  noPools,
  poolSelect,
  setStatus,
  showError,
  statusBox,
  table,
} from "./ui.ts";

export function explorerPage(ctx: Ctx): HTMLElement {
  const pool = poolSelect(ctx.pools, "explorer-pool");
  const status = statusBox("explorer-status");
  const overview = h("div", { id: "explorer-overview" });
  const shares = h("div", { id: "explorer-shares" });
  const deposits = h("div", { id: "explorer-deposits" });
  const search = h("input", {
    id: "explorer-search",
    type: "search",
    placeholder: "github:…, npm:… or 0x…",
    autocomplete: "off",
    spellcheck: "false",
  });
  const found = h("div", { id: "explorer-found", role: "status", "aria-live": "polite" });
  let view: PoolView | undefined;

  async function load(): Promise<void> {
    if (!pool.value)
      return setStatus(
        status,
        "empty",
        "no-pools",
        noPools("explorer-empty", "there is nothing to explore yet"),
      );
    setStatus(status, "pending", "loading", "Loading the pool…");
    try {
      const address = getAddress(pool.value);
      view = await loadPool(ctx.api, address);
      renderOverview(view);
      renderShares(view);
      await renderDeposits(address);
      setStatus(
        status,
        "success",
        "loaded",
        `Loaded ${view.schedules.length} schedule(s)${view.top ? `, ${view.top.recipientCount.toLocaleString("en")} recipient(s) in the active table` : ""}.`,
      );
    } catch (error) {
      showError(status, error);
    }
  }

  /** Per schedule and token: where its pot is now. */
  function potsSection(pots: PoolView["pots"]): HTMLElement | null {
    if (!pots) return null;
    const section = h("div", { id: "explorer-pots" }, h("h3", {}, "Where each schedule's money is"));
    if (pots.length === 0) {
      section.append(
        h(
          "p",
          { class: "empty-next", "data-state": "no-pots" },
          "No schedule has activated yet, so no money has been shared out: deposits wait in the unallocated pot until the first schedule activates. An admin publishes one on the ",
          h("a", { href: "#/admin" }, "Admin page"),
          ".",
        ),
      );
      return section;
    }
    section.append(
      h(
        "p",
        { class: "hint" },
        "Claimed: paid out. Waiting: owed to recipients who can claim. Unbound: owed to identities no wallet is bound to yet. Held: kept for components nobody can claim yet. Swept: moved to a later schedule after the claim window. Dust: left over by rounding. Each row adds up to its pot.",
      ),
      table(
        "Pots by schedule and token",
        ["Schedule", "Pot", ...POT_PARTS.map((p) => p[0]!.toUpperCase() + p.slice(1))],
        pots.map((l) => [
          `#${l.scheduleId}`,
          money(l.pot, l.token),
          ...POT_PARTS.map((p) => money(l.parts[p], l.token)),
        ]),
        "pots",
      ),
    );
    return section;
  }

  function renderOverview({ detail, balances, schedules, verifications, pots }: PoolView): void {
    clear(
      overview,
      h("h2", {}, detail.name),
      h(
        "p",
        { id: "explorer-pool-facts" },
        "Pool ",
        copyable(detail.address, 4),
        `; a new schedule activates ${detail.activationDelaySeconds ? duration(detail.activationDelaySeconds) : "(delay not indexed yet)"} after it is proposed; each schedule's pot can be claimed for ${detail.claimWindowSeconds ? duration(detail.claimWindowSeconds) : "(window not indexed yet)"}.`,
      ),
      balances.length === 0
        ? h(
            "p",
            { class: "empty-next", "data-state": "no-deposits" },
            "Nothing has been deposited into this pool yet: payers deposit on the ",
            h("a", { href: "#/pay" }, "Pay page"),
            ".",
          )
        : table(
            "Balances",
            ["Token", "Deposited", "Claimed", "In the pool"],
            balances.map((b) => [
              b.token.symbol,
              money(b.deposited, b.token),
              money(b.claimed, b.token),
              money(b.balance, b.token),
            ]),
            "balances",
          ),
      schedules.length === 0
        ? h(
            "p",
            { class: "empty-next", "data-state": "no-schedules" },
            "No schedule has been proposed for this pool yet: an admin runs the attribution and publishes its share table on the ",
            h("a", { href: "#/admin" }, "Admin page"),
            ".",
          )
        : table(
            "Schedules",
            ["#", "Status", "Activates", "Root", "Recipients (run)", "Evidence", "Verification"],
            schedules.map((s, i) => [
              s.scheduleId,
              h("span", { class: `badge badge-${s.status}` }, s.status),
              dateTime(s.activatesAt),
              copyable(s.root),
              scheduleRunId(s) ? `run ${scheduleRunId(s)}` : "—",
              // The uri the schedule recorded: its evidence bundle (docs/verification.md).
              /^https?:\/\//.test(s.uri) ? h("a", { href: s.uri }, "bundle") : s.uri || "—",
              h(
                "span",
                {
                  class: `verification verification-${verifications[i]?.status ?? "unchecked"}`,
                  title: verifications[i]?.differences.join("\n") ?? "",
                },
                verificationText(verifications[i]),
              ),
            ]),
            "schedules",
          ),
      potsSection(pots),
    );
  }

  function renderShares({ active, top, held }: PoolView): void {
    if (!active) {
      clear(
        shares,
        h("h2", {}, "Share distribution"),
        h(
          "p",
          { class: "empty-next", "data-state": "no-active" },
          "No schedule of this pool is active yet: an admin publishes one on the ",
          h("a", { href: "#/admin" }, "Admin page"),
          "; it becomes active after the pool's activation delay.",
        ),
      );
      return;
    }
    if (!top) {
      clear(
        shares,
        h("h2", {}, `Share distribution of schedule #${active.scheduleId}`),
        h(
          "p",
          { class: "empty-next", "data-state": "no-table" },
          "This server does not hold the table of the active schedule (it was computed elsewhere), so it cannot rank its recipients. The table is in the schedule's evidence bundle: ",
          /^https?:\/\//.test(active.uri)
            ? h("a", { href: active.uri }, active.uri)
            : h("code", {}, active.uri),
          ".",
        ),
      );
      return;
    }
    const total = BigInt(top.totalShares);
    const rest = BigInt(top.others.shares);
    const bars = top.top.map((r) => ({
      label: recipientName(r),
      value: chartPercent(BigInt(r.shares), total),
      title: `${recipientName(r)}: ${percent(BigInt(r.shares), total)}`,
      shown: percent(BigInt(r.shares), total),
    }));
    const others = `${top.others.count.toLocaleString("en")} others`;
    if (rest > 0n)
      bars.push({
        label: others,
        value: chartPercent(rest, total),
        title: `${others} together: ${percent(rest, total)}`,
        shown: percent(rest, total),
      });
    clear(
      shares,
      h("h2", {}, `Share distribution of schedule #${active.scheduleId}`),
      barChart(bars, `Share of the ${top.top.length} largest recipients and everyone else (percent)`),
      table(
        "Top recipients",
        ["#", "Recipient", "Share"],
        [
          ...top.top.map((r, i) => [
            i + 1,
            r.identity === null ? copyable(r.accountId) : recipientName(r),
            percent(BigInt(r.shares), total),
          ]),
          ...(top.others.count > 0 ? [["", `${others} together`, percent(rest, total)]] : []),
        ],
        "top-recipients",
      ),
      heldSection(held, total),
    );
  }

  /** The share held for components nobody can claim yet, and the largest of them. */
  function heldSection(held: PoolView["held"], total: bigint): HTMLElement {
    const section = h("div", { id: "explorer-held" }, h("h3", {}, "Held value"));
    if (!held || held.matched.count === 0) {
      section.append(h("p", {}, "Nothing is held: every share of this table has a claimable recipient."));
      return section;
    }
    const more = held.others.count;
    section.append(
      h(
        "p",
        {},
        `${percent(BigInt(held.matched.shares), total)} of this table is held for ${held.matched.count.toLocaleString("en")} component(s) that name nobody who can claim it yet; it waits in the pool until someone binds the component's identity (the run's report says why each is held).`,
      ),
      table(
        "Largest held components",
        ["Component", "Share"],
        [
          ...held.top.map((c) => [
            h("code", {}, readableIdentity(c.identity!.slice(HOLDING.length))),
            percent(BigInt(c.shares), total),
          ]),
          ...(more > 0
            ? [
                [
                  `${more.toLocaleString("en")} smaller components`,
                  percent(BigInt(held.others.shares), total),
                ],
              ]
            : []),
        ],
        "held",
      ),
    );
    return section;
  }

  async function renderDeposits(address: Address): Promise<void> {
    const series = await depositSeries(ctx.api, address);
    if (!series) {
      clear(deposits, h("h2", {}, "Deposits over time"), h("p", {}, "This server does not list deposits."));
      return;
    }
    const parts: Element[] = [h("h2", {}, "Deposits over time")];
    if (series.length === 0)
      parts.push(
        h(
          "p",
          { class: "empty-next", "data-state": "no-deposits" },
          "No deposits yet: payers deposit on the ",
          h("a", { href: "#/pay" }, "Pay page"),
          ".",
        ),
      );
    for (const s of series) {
      const { symbol } = s.token;
      parts.push(
        h("h3", {}, `${symbol}: `, money(s.total, s.token), ` in ${s.count} deposit(s)`),
        lineChart(s.points, `Cumulative ${symbol} deposited`, (x) => (s.byTime ? dateTime(x) : `block ${x}`)),
      );
    }
    clear(deposits, ...parts);
  }

  async function doSearch(): Promise<void> {
    const f = view ? await findAccount(ctx.api, view, search.value) : undefined;
    if (!f) return void clear(found);
    if (!f.found) {
      clear(
        found,
        h(
          "p",
          { class: "empty-next", "data-state": "not-found" },
          `${f.query} has no share in the active schedule. Tables write identities with a prefix (github:<login>, npm:<name>); to see what it can claim from earlier schedules, look it up on the `,
          h("a", { href: "#/claim" }, "Claim page"),
          ".",
        ),
      );
      return;
    }
    clear(
      found,
      h(
        "p",
        { "data-state": "found" },
        `${recipientName(f.recipient)}: ${percent(f.shares, f.total)} of schedule #${f.scheduleId} (rank ${f.rank.toLocaleString("en")} of ${f.of.toLocaleString("en")}). `,
        h("a", { href: "#/claim" }, "Claim page"),
      ),
    );
  }

  const searchForm = h(
    "form",
    { class: "card", role: "search", "aria-labelledby": "search-h" },
    h("h2", { id: "search-h" }, "Search by account"),
    field("Identity or address", search),
    h("div", { class: "actions" }, h("button", { type: "submit", id: "explorer-search-go" }, "Search")),
    found,
  );
  searchForm.addEventListener("submit", (e) => {
    e.preventDefault();
    doSearch().catch((error: unknown) => showError(status, error));
  });
  pool.addEventListener("change", () => void load());
  void load();
  return h(
    "section",
    { "aria-labelledby": "explorer-h" },
    h("h1", { id: "explorer-h" }, "Explorer"),
    h("div", { class: "card" }, field("Pool", pool)),
    status,
    overview,
    shares,
    searchForm,
    deposits,
  );
}
