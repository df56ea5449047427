/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Explorer: pools, schedules, share distribution, top recipients, account search, deposits over time.
import { type Hex, getAddress } from "viem";

import {
  type Deposit,
  type PoolDetail,
  type Recipient,
  type Schedule,
  type Verification,
  get,
  getAll,
  scheduleRunId,
  verificationText,
} from "./api.ts";
import { type Ctx, poolSelect, showError, toAccountId, tokenInfo } from "./context.ts";
import { heldOfTable } from "./held.ts";
import {
  type Point,
  amount,
  barChart,
  clear,
  field,
  h,
  lineChart,
  percent,
  setStatus,
  shortHex,
  statusBox,
  table,
} from "./ui.ts";

export function explorerPage(ctx: Ctx): HTMLElement {
  const pool = poolSelect(ctx, "explorer-pool");
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
  let recipients: Recipient[] = [];
  let active: Schedule | undefined;

  async function load(): Promise<void> {
    if (!pool.value)
      return setStatus(status, "empty", "no-pools", "No pools are registered on this server yet.");
    setStatus(status, "pending", "loading", "Loading the pool…");
    try {
      const address = getAddress(pool.value);
      const [detail, { schedules }] = await Promise.all([
        get<PoolDetail>(`/v1/pools/${address}`),
        get<{ schedules: Schedule[] }>(`/v1/pools/${address}/schedules`),
      ]);
      // The latest check of each schedule's bundle (docs/verification.md), newest first.
      const latest = await Promise.all(
        schedules.map(
          async (s) =>
            (
              await get<{ verifications: Verification[] }>(
                `/v1/pools/${address}/schedules/${s.scheduleId}/verifications`,
              )
            ).verifications[0],
        ),
      );
      const reader = ctx.wallet.reader();
      const balanceRows = [];
      for (const b of detail.balances) {
        const t = await tokenInfo(reader, b.token);
        balanceRows.push([
          t.symbol,
          amount(BigInt(b.deposited), t.decimals),
          amount(BigInt(b.claimed), t.decimals),
          amount(BigInt(b.balance), t.decimals),
        ]);
      }
      clear(
        overview,
        h("h2", {}, detail.name),
        h(
          "p",
          {},
          `Pool ${detail.address}; activation delay ${detail.activationDelaySeconds ?? "?"} s; claim window ${detail.claimWindowSeconds ?? "?"} s.`,
        ),
        table("Balances", ["Token", "Deposited", "Claimed", "Held"], balanceRows, "balances"),
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
                class: `verification verification-${latest[i]?.status ?? "unchecked"}`,
                title: latest[i]?.differences.join("\n") ?? "",
              },
              verificationText(latest[i]),
            ),
          ]),
          "schedules",
        ),
      );
      active = schedules.filter((s) => s.status === "active").at(-1);
      const runId = active ? scheduleRunId(active) : undefined;
      recipients = runId
        ? await getAll<Recipient, "recipients">(`/v1/runs/${runId}/recipients`, "recipients", "after")
        : [];
      renderShares();
      await renderDeposits(address);
      setStatus(
        status,
        "success",
        "loaded",
        `Loaded ${schedules.length} schedule(s), ${recipients.length} recipient(s) in the active table.`,
      );
    } catch (error) {
      showError(status, error);
    }
  }

  function renderShares(): void {
    if (!active || recipients.length === 0) {
      clear(
        shares,
        h("h2", {}, "Share distribution"),
        h("p", {}, "No active schedule published from this server yet."),
      );
      return;
    }
    const total = BigInt(active.totalShares);
    const sorted = [...recipients].sort((a, b) =>
      BigInt(b.shares) > BigInt(a.shares) ? 1 : BigInt(b.shares) < BigInt(a.shares) ? -1 : 0,
    );
    const top = sorted.slice(0, 10);
    const rest = sorted.slice(10).reduce((a, r) => a + BigInt(r.shares), 0n);
    const bars = top.map((r) => ({
      label: r.identity ?? r.accountId,
      value: Number((BigInt(r.shares) * 1_000_000n) / total) / 10_000,
      title: `${r.identity ?? r.accountId}: ${percent(BigInt(r.shares), total)}`,
    }));
    if (rest > 0n)
      bars.push({
        label: `${sorted.length - 10} others`,
        value: Number((rest * 1_000_000n) / total) / 10_000,
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
      heldSection(total),
    );
  }

  /** The share held for components nobody can claim yet, and the largest of them. */
  function heldSection(total: bigint): HTMLElement {
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

  async function renderDeposits(address: string): Promise<void> {
    let list: Deposit[];
    try {
      list = await getAll<Deposit, "deposits">(`/v1/pools/${address}/deposits`, "deposits", "cursor", 5000);
    } catch {
      clear(deposits, h("h2", {}, "Deposits over time"), h("p", {}, "This server does not list deposits."));
      return;
    }
    const reader = ctx.wallet.reader();
    const byToken = new Map<string, Deposit[]>();
    for (const d of list) byToken.set(d.token, [...(byToken.get(d.token) ?? []), d]);
    const parts: Element[] = [h("h2", {}, "Deposits over time")];
    if (list.length === 0) parts.push(h("p", {}, "No deposits yet."));
    for (const [token, ds] of byToken) {
      const t = await tokenInfo(reader, token);
      let cum = 0n;
      const points: Point[] = ds.map((d) => {
        cum += BigInt(d.amount);
        const x = d.blockTime ? Date.parse(d.blockTime) : Number(d.blockNumber);
        return {
          x,
          y: Number(cum / 10n ** BigInt(Math.max(0, t.decimals - 6))) / 1e6,
          title: `${amount(cum, t.decimals, t.symbol)} after block ${d.blockNumber}`,
        };
      });
      const isTime = ds.every((d) => d.blockTime);
      parts.push(
        h("h3", {}, `${t.symbol}: ${amount(cum, t.decimals, t.symbol)} in ${ds.length} deposit(s)`),
        lineChart(points, `Cumulative ${t.symbol} deposited`, (x) =>
          isTime ? new Date(x).toISOString().slice(0, 16).replace("T", " ") : `block ${x}`,
        ),
      );
    }
    clear(deposits, ...parts);
  }

  function doSearch(): void {
    const q = search.value.trim();
    if (!q) return void clear(found);
    const id: Hex = toAccountId(q);
    const r = recipients.find((x) => x.accountId.toLowerCase() === id);
    if (!r || !active) {
      clear(found, h("p", { "data-state": "not-found" }, `${q} has no share in the active schedule.`));
      return;
    }
    const rank =
      [...recipients].sort((a, b) => (BigInt(b.shares) > BigInt(a.shares) ? 1 : -1)).indexOf(r) + 1;
    clear(
      found,
      h(
        "p",
        { "data-state": "found" },
        `${r.identity ?? r.accountId}: ${percent(BigInt(r.shares), BigInt(active.totalShares))} of schedule #${active.scheduleId} (rank ${rank} of ${recipients.length}). `,
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
    doSearch();
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
