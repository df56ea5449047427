/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Explorer, the view: pool overview, share chart, held value, search and deposit charts (logic in explorer.ts).
import { type Address, getAddress } from "viem";

import { scheduleRunId, verificationText } from "./api.ts";
import type { Ctx } from "./context.ts";
import {
  type PoolView,
  chartPercent,
  depositSeries,
  distribution,
  findAccount,
  loadPool,
} from "./explorer.ts";
import { amount, percent, shortHex } from "./format.ts";
import { heldOfTable } from "./held.ts";
import {
  barChart,
  clear,
  field,
  h,
  lineChart,
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
      return setStatus(status, "empty", "no-pools", "No pools are registered on this server yet.");
    setStatus(status, "pending", "loading", "Loading the pool…");
    try {
      const address = getAddress(pool.value);
      view = await loadPool(ctx.api, ctx.wallet, address);
      renderOverview(view);
      renderShares(view);
      await renderDeposits(address);
      setStatus(
        status,
        "success",
        "loaded",
        `Loaded ${view.schedules.length} schedule(s), ${view.recipients.length} recipient(s) in the active table.`,
      );
    } catch (error) {
      showError(status, error);
    }
  }

  function renderOverview({ detail, balances, schedules, verifications }: PoolView): void {
    clear(
      overview,
      h("h2", {}, detail.name),
      h(
        "p",
        {},
        `Pool ${detail.address}; activation delay ${detail.activationDelaySeconds ?? "?"} s; claim window ${detail.claimWindowSeconds ?? "?"} s.`,
      ),
      table(
        "Balances",
        ["Token", "Deposited", "Claimed", "Held"],
        balances.map((b) => [
          b.token.symbol,
          amount(b.deposited, b.token.decimals),
          amount(b.claimed, b.token.decimals),
          amount(b.balance, b.token.decimals),
        ]),
        "balances",
      ),
      table(
        "Schedules",
        ["#", "Status", "Activates", "Root", "Recipients (run)", "Evidence", "Verification"],
        schedules.map((s, i) => [
          s.scheduleId,
          h("span", { class: `badge badge-${s.status}` }, s.status),
          new Date(s.activatesAt).toISOString().replace("T", " ").slice(0, 16),
          h("code", {}, shortHex(s.root)),
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
    );
  }

  function renderShares({ active, recipients }: PoolView): void {
    if (!active || recipients.length === 0) {
      clear(
        shares,
        h("h2", {}, "Share distribution"),
        h("p", {}, "No active schedule published from this server yet."),
      );
      return;
    }
    const total = BigInt(active.totalShares);
    const { top, rest, restCount } = distribution(recipients);
    const bars = top.map((r) => ({
      label: r.identity ?? r.accountId,
      value: chartPercent(BigInt(r.shares), total),
      title: `${r.identity ?? r.accountId}: ${percent(BigInt(r.shares), total)}`,
    }));
    if (rest > 0n)
      bars.push({
        label: `${restCount} others`,
        value: chartPercent(rest, total),
        title: `others: ${percent(rest, total)}`,
      });
    clear(
      shares,
      h("h2", {}, `Share distribution of schedule #${active.scheduleId}`),
      barChart(bars, "Share of the ten largest recipients and everyone else (percent)"),
      table(
        "Top recipients",
        ["#", "Recipient", "Share"],
        top.map((r, i) => [
          i + 1,
          r.identity ?? h("code", {}, shortHex(r.accountId)),
          percent(BigInt(r.shares), total),
        ]),
        "top-recipients",
      ),
      heldSection(recipients, total),
    );
  }

  /** The share held for components nobody can claim yet, and the largest of them. */
  function heldSection(recipients: PoolView["recipients"], total: bigint): HTMLElement {
    const { held, largest, count } = heldOfTable(recipients);
    const section = h("div", { id: "explorer-held" }, h("h3", {}, "Held value"));
    if (count === 0) {
      section.append(h("p", {}, "Nothing is held: every share of this table has a claimable recipient."));
      return section;
    }
    section.append(
      h(
        "p",
        {},
        `${percent(held, total)} of this table is held for ${count} component(s) that name nobody who can claim it yet; it waits in the pool until someone binds the component's identity (the run's report says why each is held).`,
      ),
      table(
        "Largest held components",
        ["Component", "Share"],
        largest.map((c) => [h("code", {}, c.component), percent(c.shares, total)]),
        "held",
      ),
    );
    return section;
  }

  async function renderDeposits(address: Address): Promise<void> {
    const series = await depositSeries(ctx.api, ctx.wallet, address);
    if (!series) {
      clear(deposits, h("h2", {}, "Deposits over time"), h("p", {}, "This server does not list deposits."));
      return;
    }
    const parts: Element[] = [h("h2", {}, "Deposits over time")];
    if (series.length === 0) parts.push(h("p", {}, "No deposits yet."));
    for (const s of series) {
      const { symbol, decimals } = s.token;
      parts.push(
        h("h3", {}, `${symbol}: ${amount(s.total, decimals, symbol)} in ${s.count} deposit(s)`),
        lineChart(s.points, `Cumulative ${symbol} deposited`, (x) =>
          s.byTime ? new Date(x).toISOString().slice(0, 16).replace("T", " ") : `block ${x}`,
        ),
      );
    }
    clear(deposits, ...parts);
  }

  function doSearch(): void {
    const f = view ? findAccount(view, search.value) : undefined;
    if (!f) return void clear(found);
    if (!f.found) {
      clear(found, h("p", { "data-state": "not-found" }, `${f.query} has no share in the active schedule.`));
      return;
    }
    clear(
      found,
      h(
        "p",
        { "data-state": "found" },
        `${f.recipient.identity ?? f.recipient.accountId}: ${percent(f.shares, f.total)} of schedule #${f.scheduleId} (rank ${f.rank} of ${f.of}). `,
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
    try {
      doSearch();
    } catch (error) {
      showError(status, error);
    }
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
