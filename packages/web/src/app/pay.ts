/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Pay: deposit ETH or an ERC-20 (approve or EIP-2612 permit) with a memo; receipt and payer statement.
import { royaltyPoolAbi, testERC20Abi } from "@wellspring/sdk/abi";
import { PERMIT_TYPES } from "@wellspring/sdk/eip712";
import {
  type Address,
  type Hex,
  type TransactionReceipt,
  getAddress,
  hexToSignature,
  isAddress,
  parseEventLogs,
  parseUnits,
  zeroAddress,
} from "viem";

import { type Deposit, type PoolDetail, get } from "./api.ts";
import { type Ctx, memoText, poolSelect, showError, toMemo, tokenInfo } from "./context.ts";
import { amount, clear, field, h, setStatus, shortHex, statusBox, table } from "./ui.ts";
import { WalletError, isUserRejection, sendAndWait } from "./wallet.ts";

export function payPage(ctx: Ctx): HTMLElement {
  const pool = poolSelect(ctx, "pay-pool");
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

  async function loadTokens(): Promise<void> {
    if (!pool.value) return;
    try {
      const detail = await get<PoolDetail>(`/v1/pools/${pool.value}`);
      const reader = ctx.wallet.reader();
      clear(token, h("option", { value: zeroAddress }, "ETH"));
      for (const b of detail.balances) {
        if (getAddress(b.token) === zeroAddress) continue;
        const info = await tokenInfo(reader, b.token);
        token.append(h("option", { value: info.address }, `${info.symbol} (${shortHex(info.address, 4)})`));
      }
    } catch (error) {
      showError(status, error);
    }
  }
  pool.addEventListener("change", () => void loadTokens());
  void loadTokens();

  async function deposit(): Promise<void> {
    clear(receiptBox);
    const { wallet, client, account } = ctx.wallet.ready();
    const poolAddress = getAddress(pool.value);
    const custom = customToken.value.trim();
    if (custom && !isAddress(custom)) {
      customToken.setAttribute("aria-invalid", "true");
      throw new TypeError("The token address is not an address.");
    }
    customToken.removeAttribute("aria-invalid");
    const tokenAddress = getAddress(custom || token.value);
    const info = await tokenInfo(client, tokenAddress);
    let value: bigint;
    try {
      value = parseUnits(amountIn.value.trim(), info.decimals);
      if (!/^\d+(\.\d+)?$/.test(amountIn.value.trim()) || value <= 0n) throw new Error();
      amountIn.removeAttribute("aria-invalid");
    } catch (error) {
      amountIn.setAttribute("aria-invalid", "true");
      throw new TypeError(`Enter a positive amount with at most ${info.decimals} decimals.`, {
        cause: error,
      });
    }
    let memoHex: Hex;
    try {
      memoHex = toMemo(memo.value);
      memo.removeAttribute("aria-invalid");
    } catch (error) {
      memo.setAttribute("aria-invalid", "true");
      throw new TypeError((error as Error).message, { cause: error });
    }
    const cb = (what: string) => ({
      onPrompt: () => setStatus(status, "pending", "prompt", `Confirm ${what} in your wallet…`),
      onPending: (hash: Hex) =>
        setStatus(status, "pending", "pending", `Transaction pending (${what}): ${hash}`),
    });
    let receipt: TransactionReceipt;
    if (tokenAddress === zeroAddress) {
      receipt = await sendAndWait(
        client,
        () =>
          wallet.writeContract({
            address: poolAddress,
            abi: royaltyPoolAbi,
            functionName: "depositETH",
            args: [memoHex],
            value,
            account,
            chain: null,
          }),
        cb("the deposit"),
      );
    } else {
      const usePermit =
        (method.querySelector("input:checked") as HTMLInputElement | null)?.value === "permit";
      if (usePermit) {
        const [name, nonce, block] = await Promise.all([
          client.readContract({ address: tokenAddress, abi: testERC20Abi, functionName: "name" }),
          client.readContract({
            address: tokenAddress,
            abi: testERC20Abi,
            functionName: "nonces",
            args: [account],
          }),
          client.getBlock(),
        ]);
        const deadline = block.timestamp + 3600n;
        setStatus(status, "pending", "prompt", "Sign the permit in your wallet…");
        let signature: Hex;
        try {
          signature = await wallet.signTypedData({
            account,
            domain: { name, version: "1", chainId: ctx.chainId, verifyingContract: tokenAddress },
            types: PERMIT_TYPES,
            primaryType: "Permit",
            message: { owner: account, spender: poolAddress, value, nonce, deadline },
          });
        } catch (error) {
          if (isUserRejection(error))
            throw new WalletError("REJECTED", "You rejected the permit signature in your wallet.", error);
          throw error;
        }
        const { v, r, s } = hexToSignature(signature);
        receipt = await sendAndWait(
          client,
          () =>
            wallet.writeContract({
              address: poolAddress,
              abi: royaltyPoolAbi,
              functionName: "depositWithPermit",
              args: [tokenAddress, value, memoHex, deadline, Number(v), r, s],
              account,
              chain: null,
            }),
          cb("the deposit"),
        );
      } else {
        const allowance = await client.readContract({
          address: tokenAddress,
          abi: testERC20Abi,
          functionName: "allowance",
          args: [account, poolAddress],
        });
        if (allowance < value) {
          await sendAndWait(
            client,
            () =>
              wallet.writeContract({
                address: tokenAddress,
                abi: testERC20Abi,
                functionName: "approve",
                args: [poolAddress, value],
                account,
                chain: null,
              }),
            cb(`the approval of ${amount(value, info.decimals, info.symbol)}`),
          );
        }
        receipt = await sendAndWait(
          client,
          () =>
            wallet.writeContract({
              address: poolAddress,
              abi: royaltyPoolAbi,
              functionName: "deposit",
              args: [tokenAddress, value, memoHex],
              account,
              chain: null,
            }),
          cb("the deposit"),
        );
      }
    }
    const events = parseEventLogs({ abi: royaltyPoolAbi, logs: receipt.logs, eventName: "Deposited" });
    const ev = events[0]?.args as { amount?: bigint; scheduleId?: bigint } | undefined;
    const credited = ev?.amount ?? value;
    setStatus(status, "success", "deposited", `Deposited ${amount(credited, info.decimals, info.symbol)}.`);
    clear(
      receiptBox,
      h("h2", {}, "Receipt"),
      h(
        "dl",
        { class: "receipt" },
        h("dt", {}, "Transaction"),
        h("dd", {}, h("code", { id: "pay-tx" }, receipt.transactionHash)),
        h("dt", {}, "Block"),
        h("dd", {}, receipt.blockNumber.toString()),
        h("dt", {}, "Credited"),
        h(
          "dd",
          { id: "pay-credited", "data-amount": credited.toString() },
          amount(credited, info.decimals, info.symbol),
        ),
        h("dt", {}, "Schedule pot"),
        h(
          "dd",
          {},
          ev?.scheduleId === undefined || ev.scheduleId === 0n
            ? "unallocated (flows into the first schedule)"
            : `#${ev.scheduleId}`,
        ),
        h("dt", {}, "Memo"),
        h("dd", {}, memoText(memoHex) || "—"),
        h("dt", {}, "Gas used"),
        h("dd", {}, receipt.gasUsed.toString()),
      ),
    );
    void loadStatement(poolAddress, account, receipt.transactionHash);
  }

  /** The payer's deposits as the server indexed them; waits (bounded) for the new one to be indexed. */
  async function loadStatement(poolAddress: Address, payer: Address, txHash: Hex): Promise<void> {
    clear(
      statement,
      h("p", { class: "hint", id: "pay-statement-wait" }, "Waiting for the server to index the deposit…"),
    );
    const path = `/v1/pools/${poolAddress}/deposits?payer=${payer}&limit=500`;
    for (let attempt = 0; attempt < 120; attempt++) {
      try {
        const page = await get<{ deposits: Deposit[] }>(path);
        if (page.deposits.some((d) => d.txHash.toLowerCase() === txHash.toLowerCase())) {
          const reader = ctx.wallet.reader();
          const rows = [];
          for (const d of page.deposits) {
            const t = await tokenInfo(reader, d.token);
            rows.push([
              d.blockTime
                ? new Date(d.blockTime).toISOString().replace("T", " ").slice(0, 19)
                : `block ${d.blockNumber}`,
              t.symbol,
              h("span", { class: "num" }, amount(BigInt(d.amount), t.decimals)),
              memoText(d.memo) || "—",
              d.scheduleId ? `#${d.scheduleId}` : "unallocated",
              h("code", {}, shortHex(d.txHash)),
            ]);
          }
          clear(
            statement,
            h("h2", {}, "Payer statement"),
            table(
              `Deposits by ${payer}`,
              ["Time", "Token", "Amount", "Memo", "Pot", "Transaction"],
              rows,
              "statement",
            ),
            h(
              "p",
              {},
              h("a", { href: `${path}&format=csv`, download: `deposits-${payer}.csv` }, "Download CSV"),
            ),
          );
          return;
        }
      } catch {
        clear(statement, h("p", { class: "hint" }, "This server does not serve payer statements."));
        return;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    clear(
      statement,
      h(
        "p",
        { class: "hint" },
        "The server has not indexed the deposit yet; reload later for the statement.",
      ),
    );
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
    deposit()
      .catch((error: unknown) => {
        if (error instanceof TypeError) setStatus(status, "error", "invalid", error.message);
        else showError(status, error);
      })
      .finally(() => {
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
