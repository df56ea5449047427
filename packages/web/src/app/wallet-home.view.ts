/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// The wallet home, the view: the connected wallet's identities, claimable amounts per pool, schedule
// and token with sweep warnings, one claim button per pool, "why" per line, past claims
// (logic in wallet-home.ts).
import { type Address, zeroAddress } from "viem";

import type { Ctx } from "./context.ts";
import { shortHex } from "./format.ts";
import { clear, copyable, h, setStatus, showError, statusBox, table } from "./ui.ts";
import { dateTime, money, token as tokenOf } from "./units.ts";
import {
  type Home,
  type HomeLine,
  claimPool,
  fetchWhy,
  holdText,
  loadHome,
  sweepText,
  whySentences,
} from "./wallet-home.ts";

const IDENTITY_STATE: Record<string, string> = {
  bound: "bound to this wallet",
  "rebind-to-this-wallet": "re-binding to this wallet pending",
};

/** A pool by the name the server knows it by, else its short address. */
function poolName(home: Home, pool: string): string {
  return home.lines.find((l) => l.pool.toLowerCase() === pool.toLowerCase())?.poolName ?? shortHex(pool);
}

/** The "Your wallet" card; `refresh` reloads it (after a connect, a binding or a claim). */
export function walletHomeCard(ctx: Ctx): { element: HTMLElement; refresh(): Promise<void> } {
  const status = statusBox("home-status");
  const body = h("div", { id: "home-body" });
  const load = h("button", { type: "button", id: "home-load", class: "primary" }, "Show my wallet");

  async function refresh(): Promise<void> {
    clear(body);
    if (ctx.wallet.state !== "ready") {
      setStatus(
        status,
        "empty",
        ctx.wallet.state,
        "Connect your wallet to see what it and its identities can claim.",
      );
      return;
    }
    setStatus(status, "pending", "loading", "Reading your wallet's identities and claims…");
    try {
      render(await loadHome(ctx.api, ctx.wallet));
    } catch (error) {
      showError(status, error);
    }
  }

  function render(home: Home): void {
    const now = Date.now();
    const claimable = home.lines.filter((l) => l.hold === null).length;
    setStatus(
      status,
      claimable ? "success" : "empty",
      claimable ? "claimable" : "nothing",
      claimable
        ? `${home.wallet} and its identities can claim in ${home.pools.length} pool(s).`
        : home.identities.length
          ? `Nothing to claim for ${home.wallet} or its identities right now: money shows here as payers deposit into pools whose tables name them.`
          : `Nothing to claim for ${home.wallet} right now. If a table names you by an identity (github:…, npm:…), look it up below and bind it to this wallet.`,
    );
    const identities = home.identities.length
      ? h(
          "ul",
          { id: "home-identities" },
          ...home.identities.map((i) =>
            h(
              "li",
              { "data-identity": i.identity ?? i.accountId, "data-state": i.state },
              h("strong", {}, i.identity ?? shortHex(i.accountId)),
              ` — ${IDENTITY_STATE[i.state] ?? i.state}`,
              i.pendingRebind
                ? ` (re-binding to ${shortHex(i.pendingRebind.newPayee)} from ${dateTime(i.pendingRebind.executableAt)})`
                : "",
            ),
          ),
        )
      : h(
          "p",
          { id: "home-identities", class: "empty-next", "data-state": "no-identities" },
          "No identity is bound to this wallet yet: look yours up below (github:<login>, npm:<name>) and bind it with your funding manifest or by signing in with GitHub.",
        );
    const rows = home.lines.map((l) => lineRow(home, l, now));
    const parts: HTMLElement[] = [h("h3", {}, "Identities"), identities];
    if (rows.length)
      parts.push(
        Object.assign(
          table(
            "Claimable",
            ["Pool", "Account", "Schedule", "Amount", "Sweep date", "Why"],
            rows,
            "claimable",
          ),
          { id: "home-claimable" },
        ),
        h("div", { class: "actions" }, ...home.pools.map((pool) => claimButton(home, pool))),
      );
    if (home.past.length)
      parts.push(
        Object.assign(
          table(
            "Past claims",
            ["Pool", "Account", "Schedule", "Amount", "When", "Transaction"],
            home.past.map((c) => [
              poolName(home, c.pool),
              c.account,
              `#${c.scheduleId}`,
              h("span", { class: "num" }, money(c.amount, c.token)),
              c.blockTime ? dateTime(c.blockTime) : `block ${c.blockNumber}`,
              copyable(c.txHash),
            ]),
            "claimable",
          ),
          { id: "home-past" },
        ),
      );
    clear(body, ...parts);
  }

  function lineRow(home: Home, l: HomeLine, now: number) {
    const why = h("div", { class: "explain", "data-why": `${l.runId}:${l.account}` });
    const whyButton = h("button", { type: "button", class: "why" }, "Why?");
    whyButton.addEventListener("click", () => {
      whyButton.disabled = true;
      void (async () => {
        try {
          const sentences = await whySentences(ctx.api, await fetchWhy(ctx.api, l));
          clear(why, h("ul", {}, ...sentences.map((s) => h("li", {}, s))));
        } catch (error) {
          clear(why, error instanceof Error ? error.message : String(error));
          whyButton.disabled = false;
        }
      })();
    });
    const hold = holdText(l, home.identities);
    return [
      `${l.poolName} (${shortHex(l.pool)})`,
      l.account,
      `#${l.scheduleId} (${l.status})`,
      h(
        "span",
        { class: "num" },
        ...l.amounts.flatMap((a, i) => [i ? ", " : "", money(a.amount, a.token)]),
        hold ? h("small", { class: "hold" }, ` ${hold}`) : "",
      ),
      h(
        "span",
        { class: l.sweepSoon ? "sweep warning" : "sweep", "data-sweep-soon": String(l.sweepSoon) },
        sweepText(l, now),
      ),
      h("div", {}, whyButton, why),
    ];
  }

  function claimButton(home: Home, pool: Address): HTMLButtonElement {
    const name = poolName(home, pool);
    const button = h(
      "button",
      { type: "button", class: "primary home-claim", "data-pool": pool },
      `Claim everything in ${name} (one transaction)`,
    );
    button.addEventListener("click", () => {
      button.disabled = true;
      void (async () => {
        try {
          const r = await claimPool(ctx.wallet, home, pool, (state, text) =>
            setStatus(status, "pending", state, text),
          );
          const eth = await tokenOf(ctx.api, zeroAddress);
          const paid = await Promise.all(
            [...r.totals].map(async ([address, amount]) => money(amount, await tokenOf(ctx.api, address))),
          );
          await refresh();
          setStatus(
            status,
            "success",
            "claimed",
            "Claimed ",
            ...paid.flatMap((m, i) => [i ? " and " : "", m]),
            ` from ${name} in block ${r.blockNumber}; the transaction cost `,
            h("span", { id: "home-claim-cost" }, money(r.cost, eth)),
            ". Transaction ",
            h("code", { id: "home-claim-tx" }, r.hash),
          );
        } catch (error) {
          showError(status, error);
          button.disabled = false;
        }
      })();
    });
    return button;
  }

  load.addEventListener("click", () => void refresh());
  ctx.wallet.onChange(() => void refresh());
  const element = h(
    "section",
    { class: "card", id: "wallet-home", "aria-labelledby": "home-h" },
    h("h2", { id: "home-h" }, "Your wallet"),
    h(
      "p",
      {},
      "Everything your connected wallet and the identities bound to it can claim, in every pool, with the date after which unclaimed money may be swept.",
    ),
    h("div", { class: "actions" }, load),
    status,
    body,
  );
  return { element, refresh };
}
