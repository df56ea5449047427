/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Claim, the view: the lookup form, shares and why, amounts, the claim button and the binding form
// (logic in claim.ts).
import { zeroAddress } from "viem";

import { ApiError } from "./api.ts";
import {
  AttestorUnavailableError,
  type Lookup,
  bindIdentity,
  claimAll,
  githubSignInEnabled,
  signedBinding,
  startGitHubSignIn,
  lookupClaims,
  parseAttestation,
  requestAttestation,
  totals,
  verdict,
} from "./claim.ts";
import type { Ctx } from "./context.ts";
import { InputError } from "./errors.ts";
import { percent, shortHex } from "./format.ts";
import { clear, field, h, noPools, poolSelect, setStatus, showError, statusBox, table } from "./ui.ts";
import { dateTime, money, token as tokenOf } from "./units.ts";
import { WalletError } from "./wallet.ts";
import { suggestIdentities, sweepText } from "./wallet-home.ts";
import { walletHomeCard } from "./wallet-home.view.ts";

export function claimPage(ctx: Ctx): HTMLElement {
  const pool = poolSelect(ctx.pools, "claim-pool");
  const account = h("input", {
    id: "claim-account",
    name: "account",
    type: "text",
    autocomplete: "off",
    spellcheck: "false",
    placeholder: "github:octocat, npm:alice or 0x…",
  });
  const status = statusBox("claim-status");
  const results = h("div", { id: "claim-results" });
  let found: Lookup | undefined;
  const home = walletHomeCard(ctx);
  void home.refresh();

  const claimButton = h(
    "button",
    { type: "button", id: "claim-all", class: "primary", disabled: true },
    "Claim everything in one transaction",
  );

  async function lookup(): Promise<void> {
    account.removeAttribute("aria-invalid");
    claimButton.disabled = true;
    clear(results);
    setStatus(status, "pending", "loading", "Looking up schedules and proofs…");
    try {
      found = await lookupClaims(ctx.api, ctx.wallet, pool.value, account.value);
      render(found);
    } catch (error) {
      if (error instanceof InputError && error.field === "account") {
        account.setAttribute("aria-invalid", "true");
        account.focus();
      }
      showError(status, error);
    }
  }

  function render(l: Lookup): void {
    const v = verdict(l, ctx.wallet.state);
    setStatus(status, v.kind, v.state, v.message);
    claimButton.disabled = !v.canClaim;
    // A bound identity needs no binding; the card stays for unbound ones and for lookups by address.
    bindCard.hidden = l.payee !== undefined && l.payee !== zeroAddress;
    if (l.entries.length === 0) {
      const suggestions = suggestIdentities(l.input);
      if (suggestions.length)
        clear(
          results,
          h(
            "p",
            { id: "claim-suggestions" },
            "Tables name identities with a prefix. Try ",
            ...suggestions.flatMap((s, i) => [
              i ? " or " : "",
              h(
                "button",
                {
                  type: "button",
                  class: "link",
                  "data-suggestion": s,
                  onclick: () => {
                    account.value = s;
                    void lookup();
                  },
                },
                s,
              ),
            ]),
            ".",
          ),
        );
      return;
    }
    const now = Date.now();
    const shareRows = l.entries.map((e) => [
      `#${e.schedule.scheduleId} (${e.schedule.status})`,
      h("span", { class: "num" }, percent(BigInt(e.recipient.shares), BigInt(e.schedule.totalShares))),
      h(
        "span",
        { class: "explain" },
        `${e.recipient.identity ?? e.recipient.accountId} holds ${e.recipient.shares} of ${e.schedule.totalShares} shares in ${e.runId ? `the table of run ${e.runId}` : "the schedule's table"} (${e.policy}); `,
        `the proof of ${e.proof.length} hashes was checked in this page against the root from the ${e.rootFrom}, ${shortHex(e.schedule.root)}.`,
      ),
      h(
        "span",
        { class: "sweep" },
        e.sweepableAt === undefined
          ? `Activated ${dateTime(e.schedule.activatesAt)}.`
          : sweepText({ sweepableAt: e.sweepableAt }, now),
      ),
    ]);
    const parts: HTMLElement[] = [
      table("Shares and why", ["Schedule", "Share", "Explanation", "Claim window"], shareRows, "shares"),
    ];
    if (!l.withAmounts) {
      clear(results, ...parts);
      return;
    }
    const amountRows = l.lines.map((line) => [
      `#${line.entry.schedule.scheduleId}`,
      h(
        "span",
        { class: "num", "data-token": line.token.address, "data-schedule": line.entry.schedule.scheduleId },
        money(line.claimable, line.token),
      ),
    ]);
    parts.push(
      table("Claimable now", ["Schedule", "Amount"], amountRows, "claimable"),
      h("h3", {}, "Total"),
      h(
        "ul",
        { id: "claim-totals", class: "totals" },
        ...totals(l).map((t) =>
          h(
            "li",
            { "data-token": t.token.address, "data-amount": t.amount.toString() },
            h("strong", {}, money(t.amount, t.token)),
          ),
        ),
      ),
      h(
        "p",
        { id: "claim-payee" },
        l.payee === undefined
          ? "Connect a wallet to see who is paid."
          : l.payee === zeroAddress
            ? "This identity is not bound to a wallet yet: its money waits in the pool. Bind it below, then claim."
            : `Paid to ${l.payee}.`,
      ),
      claimButton,
    );
    clear(results, ...parts);
  }

  claimButton.addEventListener("click", () => {
    void (async () => {
      if (!found) return;
      claimButton.disabled = true;
      try {
        const claimed = found;
        const r = await claimAll(ctx.wallet, claimed, (state, text) =>
          setStatus(status, "pending", state, text),
        );
        const eth = await tokenOf(ctx.api, zeroAddress);
        const paid = claimed.tokens.filter((t) => (r.totals.get(t.address) ?? 0n) > 0n);
        setStatus(
          status,
          "success",
          "claimed",
          "Claimed ",
          ...paid.flatMap((t, i) => [i ? " and " : "", money(r.totals.get(t.address)!, t)]),
          ` in block ${r.blockNumber}; the transaction cost `,
          h("span", { id: "claim-cost" }, money(r.cost, eth)),
          ". Transaction ",
          h("code", { id: "claim-tx" }, r.hash),
        );
        results.querySelector("#claim-totals")?.setAttribute("data-claimed", "true");
      } catch (error) {
        showError(status, error);
        claimButton.disabled = false;
      }
    })();
  });

  // Identity binding: the attestor checks the maintainer's funding manifest and signs an EIP-712
  // attestation (or one obtained elsewhere is pasted); the wallet submits it to the IdentityRegistry.
  const manifest = h("input", { id: "bind-manifest", type: "file", accept: ".json,application/json" });
  const requestButton = h(
    "button",
    { type: "button", id: "bind-request", class: "primary" },
    "Ask the attestor, then bind",
  );
  const attestation = h("textarea", { id: "bind-attestation", rows: 6, spellcheck: "false" });
  const bindStatus = statusBox("bind-status");
  const bindButton = h("button", { type: "button", id: "bind-submit" }, "Bind with this attestation");
  const bindProgress = (state: "prompt" | "pending", text: string) =>
    setStatus(bindStatus, "pending", state, text);
  const bindFields: Record<string, HTMLElement> = { account, manifest, attestation };

  function showBindError(error: unknown): void {
    if (error instanceof InputError) {
      bindFields[error.field]?.setAttribute("aria-invalid", "true");
      bindFields[error.field]?.focus();
    }
    if (error instanceof AttestorUnavailableError)
      setStatus(bindStatus, "error", "unavailable", error.message);
    else if (error instanceof ApiError && error.reason)
      setStatus(
        bindStatus,
        "error",
        "refused",
        `The attestor refused the binding (${error.reason}): ${error.message}`,
      );
    else showError(bindStatus, error);
  }

  async function bind(text: string): Promise<void> {
    const b = await bindIdentity(ctx.wallet, pool.value, parseAttestation(text), bindProgress);
    // The payee shown above and the wallet home follow the binding at once.
    if (account.value.trim()) await lookup();
    void home.refresh();
    if (b.bound) {
      // A first binding is paid only after a window in which another attestor or the admin may cancel it.
      const from = b.payableFrom === undefined ? "now" : dateTime(Number(b.payableFrom) * 1000);
      setStatus(
        bindStatus,
        "success",
        "bound",
        `${b.identity} is now bound to ${b.payee} (block ${b.blockNumber}); pools pay it from ${from}.`,
      );
    } else {
      setStatus(
        bindStatus,
        "warning",
        "rebind-pending",
        `Re-binding of ${b.identity} proposed: it takes effect after the registry's delay unless the current payee cancels it.`,
      );
    }
  }

  // Sign in with GitHub: off (hidden) unless the server has a GitHub OAuth app.
  const githubButton = h(
    "button",
    { type: "button", id: "bind-github", class: "primary", hidden: true },
    "Sign in with GitHub, then bind",
  );
  githubButton.addEventListener("click", () => {
    for (const el of Object.values(bindFields)) el.removeAttribute("aria-invalid");
    void (async () => {
      const url = await startGitHubSignIn(ctx.api, ctx.wallet, account.value, bindProgress);
      setStatus(bindStatus, "pending", "redirecting", "On to GitHub…");
      location.assign(url);
    })().catch(showBindError);
  });
  void githubSignInEnabled(ctx.api)
    .then((on) => (githubButton.hidden = !on))
    .catch(() => undefined);
  // Back from GitHub: the server says which request it signed, or why it refused and what to do.
  const back = new URLSearchParams(location.search);
  const signedId = back.get("binding");
  const refusedWith = back.get("binding-error");
  if (refusedWith)
    setStatus(
      bindStatus,
      "error",
      "refused",
      `The attestor refused the binding (${refusedWith}): ${back.get("message") ?? ""}`,
    );
  const finishButton = h(
    "button",
    { type: "button", id: "bind-finish", class: "primary", hidden: !signedId },
    "Send the binding GitHub confirmed",
  );
  if (signedId) {
    setStatus(
      bindStatus,
      "success",
      "signed-in",
      "GitHub confirmed your account and the attestor signed the binding: send it from your wallet.",
    );
    finishButton.addEventListener("click", () => {
      void (async () => {
        const signed = await signedBinding(ctx.api, signedId);
        account.value = signed.identity;
        await bind(JSON.stringify(signed, (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v)));
        finishButton.hidden = true;
      })().catch(showBindError);
    });
  }

  bindButton.addEventListener("click", () => {
    for (const el of Object.values(bindFields)) el.removeAttribute("aria-invalid");
    bind(attestation.value).catch(showBindError);
  });

  requestButton.addEventListener("click", () => {
    for (const el of Object.values(bindFields)) el.removeAttribute("aria-invalid");
    void (async () => {
      const file = manifest.files?.[0];
      const signed = await requestAttestation(
        ctx.api,
        ctx.wallet,
        account.value,
        file && { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) },
        bindProgress,
      );
      attestation.value = JSON.stringify(
        signed,
        (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v),
        2,
      );
      await bind(attestation.value);
    })().catch(showBindError);
  });

  const useMine = h(
    "button",
    {
      type: "button",
      id: "claim-use-wallet",
      onclick: () => {
        if (ctx.wallet.account) {
          account.value = ctx.wallet.account;
          void lookup();
        } else
          showError(
            status,
            ctx.wallet.provider
              ? new WalletError("NOT_CONNECTED", "Connect your wallet first.")
              : new WalletError("NO_WALLET", "No wallet found: install or unlock an Ethereum wallet."),
          );
      },
    },
    "Use my wallet address",
  );

  const form = h(
    "form",
    { class: "card", "aria-labelledby": "claim-lookup-h" },
    h("h2", { id: "claim-lookup-h" }, "Who is owed?"),
    field("Pool", pool),
    field(
      "Identity or address",
      account,
      "An identity such as github:octocat (a login, as tables write it) or npm:alice, or a wallet address.",
    ),
    h(
      "div",
      { class: "actions" },
      h("button", { type: "submit", id: "claim-lookup", class: "primary" }, "Look up"),
      useMine,
    ),
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    void lookup();
  });
  const bindCard = h(
    "section",
    { class: "card", id: "bind-card", "aria-labelledby": "bind-h" },
    h("h2", { id: "bind-h" }, "Bind an identity to your wallet"),
    h(
      "p",
      {},
      "The identity is the one entered above; your connected wallet becomes its payee. The attestor checks that your funding manifest names both, and that it is the manifest it knows for that identity; you sign the request, then send the attestation to the identity registry.",
    ),
    field(
      "Funding manifest",
      manifest,
      "funding.json or FUNDING.json naming the identity and this wallet as its payout address.",
    ),
    h("div", { class: "actions" }, requestButton, githubButton, finishButton),
    field(
      "Or an attestation obtained elsewhere (JSON)",
      attestation,
      "{ attestation: { accountId, payee, nonce, deadline }, identity, attestor, signature }",
    ),
    h("div", { class: "actions" }, bindButton),
  );
  return h(
    "section",
    { "aria-labelledby": "claim-h" },
    h("h1", { id: "claim-h" }, "Claim"),
    h(
      "p",
      { class: "lead" },
      "See what an identity or address is owed in each schedule and token, and why; claim it all in one transaction.",
    ),
    ctx.pools.length === 0 ? noPools("claim-empty", "there is nothing to claim yet") : null,
    home.element,
    form,
    status,
    results,
    bindCard,
    // Outside the card: a binding's outcome stays in view when the card hides for the bound identity.
    bindStatus,
  );
}
