/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Pay, the view: the deposit form, its status, the receipt and the payer statement (logic in pay.ts).
import { getAddress, zeroAddress } from "viem";

import { type Ctx, memoText } from "./context.ts";
import { InputError } from "./errors.ts";
import { amount, shortHex } from "./format.ts";
import {
  type PayForm,
  type PayMethod,
  type PayReceipt,
  type Statement,
  pay,
  payerStatement,
  poolTokens,
} from "./pay.ts";
import { clear, field, h, poolSelect, setStatus, showError, statusBox, table } from "./ui.ts";

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
  const memo = h("input", {
    id: "pay-memo",
    type: "text",
    maxlength: 66,
    placeholder: "invoice-2026-11 (at most 32 bytes)",
  });
  const method = h(
    "fieldset",
    { class: "radio" },
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
  const submit = h("button", { type: "submit", id: "pay-submit", class: "primary" }, "Deposit");
  const inputs: Record<string, HTMLElement> = { customToken, amount: amountIn, memo, pool };

  async function loadTokens(): Promise<void> {
    if (!pool.value) return;
    try {
      const tokens = await poolTokens(ctx.api, ctx.wallet, getAddress(pool.value));
      clear(
        token,
        h("option", { value: zeroAddress }, "ETH"),
        ...tokens.map((t) => h("option", { value: t.address }, `${t.symbol} (${shortHex(t.address, 4)})`)),
      );
    } catch (error) {
      showError(status, error);
    }
  }
  pool.addEventListener("change", () => void loadTokens());
  void loadTokens();

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

  function showReceipt(r: PayReceipt): void {
    const { decimals, symbol } = r.token;
    setStatus(status, "success", "deposited", `Deposited ${amount(r.credited, decimals, symbol)}.`);
    clear(
      receiptBox,
      h("h2", {}, "Receipt"),
      h(
        "dl",
        { class: "receipt" },
        h("dt", {}, "Transaction"),
        h("dd", {}, h("code", { id: "pay-tx" }, r.hash)),
        h("dt", {}, "Block"),
        h("dd", {}, r.blockNumber.toString()),
        h("dt", {}, "Credited"),
        h(
          "dd",
          { id: "pay-credited", "data-amount": r.credited.toString() },
          amount(r.credited, decimals, symbol),
        ),
        h("dt", {}, "Schedule pot"),
        h("dd", {}, r.scheduleId === 0n ? "unallocated (flows into the first schedule)" : `#${r.scheduleId}`),
        h("dt", {}, "Memo"),
        h("dd", {}, memoText(r.memo) || "—"),
        h("dt", {}, "Gas used"),
        h("dd", {}, r.gasUsed.toString()),
      ),
    );
  }

  function showStatement(s: Statement, payer: string): void {
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
    const rows = s.deposits.map((d) => [
      d.blockTime
        ? new Date(d.blockTime).toISOString().replace("T", " ").slice(0, 19)
        : `block ${d.blockNumber}`,
      d.tokenInfo.symbol,
      h("span", { class: "num" }, amount(BigInt(d.amount), d.tokenInfo.decimals)),
      memoText(d.memo) || "—",
      d.scheduleId ? `#${d.scheduleId}` : "unallocated",
      h("code", {}, shortHex(d.txHash)),
    ]);
    clear(
      statement,
      h("h2", {}, "Payer statement"),
      table(
        `Deposits by ${payer}`,
        ["Time", "Token", "Amount", "Memo", "Pot", "Transaction"],
        rows,
        "statement",
      ),
      h("p", {}, h("a", { href: s.csvPath, download: `statement-${payer}.csv` }, "Download CSV")),
    );
  }

  async function submitDeposit(): Promise<void> {
    clear(receiptBox);
    for (const el of Object.values(inputs)) el.removeAttribute("aria-invalid");
    try {
      const receipt = await pay(ctx.wallet, readForm(), (state, text) =>
        setStatus(status, "pending", state, text),
      );
      showReceipt(receipt);
      clear(
        statement,
        h("p", { class: "hint", id: "pay-statement-wait" }, "Waiting for the server to index the deposit…"),
      );
      void payerStatement(ctx.api, ctx.wallet, receipt)
        .catch((): Statement => ({ status: "unsupported" }))
        .then((s) => showStatement(s, receipt.payer));
    } catch (error) {
      if (error instanceof InputError) inputs[error.field]?.setAttribute("aria-invalid", "true");
      showError(status, error);
    }
  }

  const form = h(
    "form",
    { class: "card", "aria-labelledby": "pay-form-h" },
    h("h2", { id: "pay-form-h" }, "Deposit royalties"),
    field("Pool", pool),
    field("Token", token),
    field("Or another token address", customToken, "Leave empty to use the token chosen above."),
    field("Amount", amountIn, "In whole units of the token, e.g. 12.5"),
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
  return h(
    "section",
    { "aria-labelledby": "pay-h" },
    h("h1", { id: "pay-h" }, "Pay"),
    h(
      "p",
      { class: "lead" },
      "Deposit royalties into a pool. The money streams to contributors by the pool's current share table.",
    ),
    form,
    status,
    receiptBox,
    statement,
  );
}
