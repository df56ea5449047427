/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Pay, the view: the deposit form (balance and Max, the ERC-20 authorisation only for tokens, errors
// at their field), the receipt, the wallet's deposits into the pool and, per deposit, where it went
// (logic in pay.ts).
import { type Address, getAddress, isAddress, zeroAddress } from "viem";

import type { PayerDeposit } from "./api.ts";
import { type Ctx, memoText } from "./context.ts";
import { InputError } from "./errors.ts";
import { POT_PARTS, loadPots } from "./explorer.ts";
import { percent } from "./format.ts";
import {
  type PayForm,
  PayerHistory,
  type PayMethod,
  type PayReceipt,
  type Statement,
  type WhereItWent,
  maxDeposit,
  pay,
  payerStatement,
  poolTokens,
  walletBalance,
  whereItWent,
} from "./pay.ts";
import {
  barChart,
  clear,
  copyable,
  field,
  h,
  noPools,
  poolSelect,
  setFieldError,
  setStatus,
  showError,
  statusBox,
  table,
} from "./ui.ts";
import { type Token, dateTime, inputAmount, money, moneyText, token as tokenOf, tokens } from "./units.ts";

/** Why a deposit has no split yet, in words. */
const UNSPLIT: Record<string, string> = {
  unallocated:
    "Not shared out yet: no schedule has activated, so it waits in the pool's unallocated pot and goes to the first schedule's table.",
  table_unavailable:
    "This server does not hold the share table of the schedule that shares it out, so it cannot list the recipients.",
};

export function payPage(ctx: Ctx): HTMLElement {
  const pool = poolSelect(ctx.pools, "pay-pool");
  const token = h("select", { id: "pay-token", name: "token" }, h("option", { value: zeroAddress }, "ETH"));
  const customToken = h("input", {
    id: "pay-token-address",
    type: "text",
    placeholder: "0x… (another ERC-20)",
    autocomplete: "off",
    spellcheck: "false",
  });
  const amountIn = h("input", {
    id: "pay-amount",
    type: "text",
    inputmode: "decimal",
    autocomplete: "off",
    placeholder: "100.00",
  });
  // data-state says when the balance has settled (ready, no-wallet, no-token, failed); aria-busy while read.
  const balance = h("span", {
    id: "pay-balance",
    class: "hint",
    "data-state": "loading",
    "aria-busy": "true",
  });
  const max = h("button", { type: "button", id: "pay-max", disabled: true }, "Max");
  const memo = h("input", {
    id: "pay-memo",
    type: "text",
    maxlength: 66,
    placeholder: "invoice-2026-11 (at most 32 bytes)",
  });
  const method = h(
    "fieldset",
    { class: "radio", id: "pay-method" },
    h("legend", {}, "ERC-20 authorisation"),
    h(
      "label",
      {},
      h("input", {
        type: "radio",
        name: "method",
        value: "approve",
        checked: true,
        id: "pay-method-approve",
      }),
      " approve, then deposit (two transactions)",
    ),
    h(
      "label",
      {},
      h("input", { type: "radio", name: "method", value: "permit", id: "pay-method-permit" }),
      " permit signature (EIP-2612), one transaction",
    ),
  );
  const status = statusBox("pay-status");
  const receiptBox = h("div", { id: "pay-receipt" });
  const statement = h("div", { id: "pay-statement" });
  const history = h("div", { id: "pay-history" });
  const split = h("div", { id: "pay-split", tabindex: -1 });
  const submit = h("button", { type: "submit", id: "pay-submit", class: "primary" }, "Deposit");
  const inputs: Record<string, HTMLElement> = { customToken, amount: amountIn, memo, pool };
  let payerHistory: PayerHistory | undefined;

  /** The token the form names: the typed address when there is one, else the chosen one. */
  const chosenToken = (): Address | undefined => {
    const typed = customToken.value.trim();
    if (typed) return isAddress(typed) ? getAddress(typed) : undefined;
    return token.value ? getAddress(token.value) : undefined;
  };

  /** ETH needs no authorisation; the choice is shown for tokens only. */
  function showMethod(): void {
    method.hidden = chosenToken() === zeroAddress;
  }

  // Several reads may overlap (the pool's tokens arrive, the wallet connects, a token is typed): only
  // the latest one writes, and the element says when it has settled.
  let balanceRead = 0;
  async function showBalance(): Promise<void> {
    const read = ++balanceRead;
    const settle = (state: string, ...text: (string | Node)[]) => {
      if (read !== balanceRead) return;
      balance.dataset.state = state;
      balance.removeAttribute("aria-busy");
      clear(balance, ...text);
    };
    const address = chosenToken();
    max.disabled = true;
    if (ctx.wallet.state !== "ready") return settle("no-wallet", "Connect your wallet to see your balance.");
    if (!address) return settle("no-token");
    balance.dataset.state = "loading";
    balance.setAttribute("aria-busy", "true");
    try {
      const [held, t] = await Promise.all([walletBalance(ctx.wallet, address), tokenOf(ctx.api, address)]);
      if (read !== balanceRead) return;
      settle("ready", "Your balance: ", money(held, t));
      max.disabled = held === 0n;
    } catch {
      settle("failed", "Your balance could not be read.");
    }
  }

  max.addEventListener("click", () => {
    const address = chosenToken();
    if (!address) return;
    void Promise.all([maxDeposit(ctx.wallet, address), tokenOf(ctx.api, address)]).then(
      ([value, t]) => {
        amountIn.value = inputAmount(value, t.decimals);
        setFieldError(amountIn, undefined);
      },
      (error: unknown) => showError(status, error),
    );
  });

  async function loadTokens(): Promise<void> {
    if (!pool.value) return;
    try {
      const list = await poolTokens(ctx.api, getAddress(pool.value));
      clear(
        token,
        h("option", { value: zeroAddress }, "ETH"),
        ...list.map((t) => h("option", { value: t.address }, `${t.symbol} (${t.address.slice(0, 8)}…)`)),
      );
    } catch (error) {
      showError(status, error);
    }
    showMethod();
    void showBalance();
  }

  function readForm(): PayForm {
    return {
      pool: pool.value,
      token: token.value,
      customToken: customToken.value,
      amount: amountIn.value,
      memo: memo.value,
      method: ((method.querySelector("input:checked") as HTMLInputElement | null)?.value ??
        "approve") as PayMethod,
    };
  }

  function showReceipt(r: PayReceipt, chainCurrency: Token): void {
    setStatus(status, "success", "deposited", `Deposited ${moneyText(r.credited, r.token)}.`);
    clear(
      receiptBox,
      h("h2", {}, "Receipt"),
      h(
        "dl",
        { class: "receipt" },
        h("dt", {}, "Credited"),
        h("dd", {}, money(r.credited, r.token, "pay-credited")),
        h("dt", {}, "Schedule pot"),
        h("dd", {}, r.scheduleId === 0n ? "unallocated (flows into the first schedule)" : `#${r.scheduleId}`),
        h("dt", {}, "Memo"),
        h("dd", {}, memoText(r.memo) || "—"),
        h("dt", {}, "Transaction cost"),
        h(
          "dd",
          { id: "pay-cost" },
          money(r.cost, chainCurrency),
          r.approvalHash ? " (approval and deposit)" : "",
        ),
        h("dt", {}, "Transaction"),
        h("dd", { id: "pay-tx", "data-hash": r.hash }, copyable(r.hash), ` in block ${r.blockNumber}`),
      ),
    );
  }

  function depositRows(list: (PayerDeposit & { tokenInfo: Token })[]) {
    return [...list].reverse().map((d) => [
      d.blockTime ? dateTime(d.blockTime) : `block ${d.blockNumber}`,
      money(BigInt(d.amount), d.tokenInfo),
      memoText(d.memo) || "—",
      d.scheduleId ? `#${d.scheduleId}` : "unallocated",
      copyable(d.txHash),
      h(
        "button",
        {
          type: "button",
          class: "where",
          "data-deposit": `${d.blockNumber}:${d.logIndex}`,
          "aria-label": `Where it went: the deposit of ${moneyText(BigInt(d.amount), d.tokenInfo)} in block ${d.blockNumber}`,
          onclick: () => void showWhere(d),
        },
        "Where it went",
      ),
    ]);
  }

  function showStatement(s: Statement): void {
    if (s.status === "unsupported") {
      clear(statement, h("p", { class: "hint" }, "This server does not serve payer statements."));
      return;
    }
    if (s.status === "not-indexed") {
      clear(
        statement,
        h(
          "p",
          { class: "hint" },
          "The server has not indexed the deposit yet; reload later for the statement.",
        ),
      );
      return;
    }
    clear(statement);
    renderHistory(s.deposits, s.csvPath);
  }

  function renderHistory(list: (PayerDeposit & { tokenInfo: Token })[], csvPath: string): void {
    if (list.length === 0) {
      clear(
        history,
        h("h2", {}, "Your deposits"),
        h(
          "p",
          { class: "empty-next", "data-state": "empty" },
          "This wallet has not deposited into this pool yet: fill in the form above and press Deposit to make the first.",
        ),
      );
      return;
    }
    clear(
      history,
      h("h2", {}, "Your deposits"),
      table(
        `Deposits by this wallet, newest first`,
        ["Time", "Amount", "Memo", "Pot", "Transaction", "Split"],
        depositRows(list),
        "statement",
      ),
      h("p", {}, h("a", { href: csvPath, download: "statement.csv" }, "Download the statement (CSV)")),
    );
  }

  /** The connected wallet's deposits into the chosen pool, without paying first. */
  async function loadHistory(): Promise<void> {
    clear(split);
    if (!pool.value) return;
    if (ctx.wallet.state !== "ready") {
      clear(
        history,
        h("h2", {}, "Your deposits"),
        h(
          "p",
          { class: "empty-next", "data-state": "no-wallet" },
          "Connect your wallet (top right) to see what it deposited into this pool and where the money went.",
        ),
      );
      return;
    }
    const { account } = ctx.wallet.ready();
    payerHistory = new PayerHistory(ctx.api, getAddress(pool.value), account);
    try {
      await payerHistory.refresh();
      renderHistory(await payerHistory.withTokens(), payerHistory.csvPath);
    } catch (error) {
      clear(history);
      showError(status, error);
    }
  }

  async function showWhere(d: PayerDeposit & { tokenInfo: Token }): Promise<void> {
    const title = `Where ${moneyText(BigInt(d.amount), d.tokenInfo)} of ${d.blockTime ? dateTime(d.blockTime) : `block ${d.blockNumber}`} went`;
    clear(
      split,
      h("h2", {}, title),
      h("p", { class: "hint", "data-state": "loading" }, "Adding up every part…"),
    );
    split.focus();
    try {
      const address = getAddress(pool.value);
      const [w, pots] = await Promise.all([whereItWent(ctx.api, address, d), loadPots(ctx.api, address)]);
      renderWhere(title, w);
      // Claimed vs waiting is known per schedule's pot (not per deposit): say so, for this one's pot.
      const pot = pots?.find(
        (l) => l.scheduleId === w.deposit.sharedBy?.scheduleId && l.token.address === w.token.address,
      );
      if (pot && !w.deposit.unsplitReason)
        split.append(
          h(
            "p",
            { id: "pay-split-pot" },
            `Schedule #${pot.scheduleId}'s whole pot of ${pot.token.symbol} (this deposit and the others it shares) now: `,
            ...POT_PARTS.flatMap((p, i) => [i ? ", " : "", `${p} `, money(pot.parts[p], pot.token)]),
            ".",
          ),
        );
    } catch (error) {
      clear(split, h("h2", {}, title));
      const box = statusBox("pay-split-status");
      split.append(box);
      showError(box, error);
    }
  }

  function renderWhere(title: string, w: WhereItWent): void {
    const t = w.token;
    const total = BigInt(w.deposit.amount);
    if (w.deposit.unsplitReason) {
      clear(
        split,
        h("h2", {}, title),
        h("p", { "data-state": w.deposit.unsplitReason }, UNSPLIT[w.deposit.unsplitReason]),
      );
      return;
    }
    const bars = w.top.map((p) => ({
      label: p.label,
      value: Number((p.amount * 1_000_000n) / (total || 1n)) / 10_000,
      title: `${p.label}: ${moneyText(p.amount, t)} (${percent(p.amount, total)})`,
      shown: moneyText(p.amount, t),
    }));
    if (w.others.count > 0)
      bars.push({
        label: `${w.others.count} others`,
        value: Number((w.others.amount * 1_000_000n) / (total || 1n)) / 10_000,
        title: `${w.others.count} others together: ${moneyText(w.others.amount, t)}`,
        shown: moneyText(w.others.amount, t),
      });
    clear(
      split,
      h("h2", {}, title),
      h(
        "p",
        { "data-state": "split" },
        `Shared by schedule #${w.deposit.sharedBy?.scheduleId} among ${w.recipients} recipient(s): `,
        money(w.claimable, t),
        " for recipients who can claim, ",
        money(w.held, t),
        " held for components nobody can claim yet, ",
        money(w.dust, t),
        " left over by rounding.",
      ),
      barChart(bars, `The largest recipients of this deposit (percent of it)`),
      table(
        "Largest recipients",
        ["Recipient", "Amount", "Share of the deposit", "Kind"],
        [
          ...w.top.map((p) => [
            p.label,
            money(p.amount, t),
            percent(p.amount, total),
            p.held ? "held" : "claimable",
          ]),
          ...(w.others.count > 0
            ? [[`${w.others.count} others`, money(w.others.amount, t), percent(w.others.amount, total), ""]]
            : []),
        ],
        "split-top",
      ),
      table(
        "By kind of recipient",
        ["Kind", "Amount", "Share of the deposit"],
        w.byKind.map((k) => [k.label, money(k.amount, t), percent(k.amount, total)]),
        "split-kinds",
      ),
    );
  }

  async function submitDeposit(): Promise<void> {
    clear(receiptBox);
    for (const el of Object.values(inputs)) setFieldError(el, undefined);
    try {
      const receipt = await pay(ctx.wallet, readForm(), (state, text) =>
        setStatus(status, "pending", state, text),
      );
      showReceipt(receipt, await tokenOf(ctx.api, zeroAddress));
      void showBalance();
      clear(
        statement,
        h("p", { class: "hint", id: "pay-statement-wait" }, "Waiting for the server to index the deposit…"),
      );
      const same =
        payerHistory && payerHistory.pool === receipt.pool && payerHistory.payer === receipt.payer
          ? payerHistory
          : undefined;
      void payerStatement(ctx.api, receipt, undefined, same)
        .catch((): Statement => ({ status: "unsupported" }))
        .then(showStatement);
    } catch (error) {
      if (error instanceof InputError && inputs[error.field]) {
        setFieldError(inputs[error.field]!, error.message);
        setStatus(status, "error", "invalid", "Check the field marked above.");
        inputs[error.field]!.focus();
        return;
      }
      showError(status, error);
    }
  }

  const form = h(
    "form",
    { class: "card", "aria-labelledby": "pay-form-h", novalidate: true },
    h("h2", { id: "pay-form-h" }, "Deposit royalties"),
    field("Pool", pool),
    field("Token", token),
    field("Or another token address", customToken, "Leave empty to use the token chosen above."),
    field("Amount", amountIn, "In whole units of the token, e.g. 12.5"),
    h("div", { class: "actions balance" }, balance, max),
    field(
      "Memo",
      memo,
      "An invoice or product reference, kept on-chain with the deposit (at most 32 bytes).",
    ),
    method,
    h("div", { class: "actions" }, submit),
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    submit.disabled = true;
    // Free again once the deposit is done; the statement may still be loading.
    void submitDeposit().finally(() => {
      submit.disabled = false;
    });
  });
  pool.addEventListener("change", () => {
    void loadTokens();
    void loadHistory();
  });
  token.addEventListener("change", () => {
    showMethod();
    void showBalance();
  });
  customToken.addEventListener("input", () => {
    showMethod();
    void showBalance();
  });
  const section = h(
    "section",
    { "aria-labelledby": "pay-h" },
    h("h1", { id: "pay-h" }, "Pay"),
    h(
      "p",
      { class: "lead" },
      "Deposit royalties into a pool. The money streams to contributors by the pool's current share table.",
    ),
  );
  if (ctx.pools.length === 0) {
    section.append(noPools("pay-empty", "there is nowhere to pay yet"));
    return section;
  }
  // The wallet's deposits follow the wallet: connecting shows them, switching accounts reloads them.
  const off = ctx.wallet.onChange(() => {
    if (!section.isConnected) return off();
    void loadHistory();
    void showBalance();
  });
  void loadTokens();
  void loadHistory();
  void tokens(ctx.api, [zeroAddress]);
  section.append(form, status, receiptBox, statement, history, split);
  return section;
}
