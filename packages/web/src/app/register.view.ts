/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Admin: register a deployed pool on this server (signed, ADMIN), or create one from the wallet, so a
// server without pools is not a dead end. What the server knows is filled in (register.ts); the
// register request is registerPool in admin.ts; field errors show at their field.
import { registerPool } from "./admin.ts";
import type { Pool } from "./api.ts";
import type { Ctx } from "./context.ts";
import { InputError } from "./errors.ts";
import { shortHex } from "./format.ts";
import { createAndRegisterPool, poolDefaults } from "./register.ts";
import { clear, field, h, setFieldError, setStatus, showError, statusBox } from "./ui.ts";

export function registerPoolCard(ctx: Ctx, onRegistered: (pool: Pool) => void): HTMLFormElement {
  const controls = {
    address: h("input", { id: "register-address", type: "text", autocomplete: "off", spellcheck: "false" }),
    name: h("input", { id: "register-name", type: "text", autocomplete: "off" }),
    deployedBlock: h("input", {
      id: "register-block",
      type: "text",
      inputmode: "numeric",
      autocomplete: "off",
    }),
  };
  const status = statusBox("register-status");
  const form = h(
    "form",
    { class: "card", id: "register-pool", "aria-labelledby": "register-h" },
    h("h2", { id: "register-h" }, "Register a pool"),
    h(
      "p",
      { class: "hint" },
      ctx.pools.length === 0
        ? "No pools are registered on this server yet: register a deployed pool here (needs the ADMIN role), and every page can use it."
        : "Add another deployed pool to this server (needs the ADMIN role).",
    ),
    field("Pool address", controls.address),
    field("Name", controls.name),
    field(
      "Deployed in block",
      controls.deployedBlock,
      "The indexer reads the pool's events from this block on.",
    ),
    h(
      "div",
      { class: "actions" },
      h("button", { type: "submit", id: "register-submit" }, "Register (signed)"),
    ),
    status,
  );
  // The deployment's own pool, when the server knows it and it is not registered yet.
  void poolDefaults(ctx.api, ctx.pools)
    .then(({ unregistered }) => {
      if (!unregistered || controls.address.value || controls.deployedBlock.value) return;
      controls.address.value = unregistered.address;
      controls.deployedBlock.value = unregistered.deployedBlock;
    })
    .catch(() => undefined);
  onSubmit(form, controls, status, async () => {
    setStatus(status, "pending", "prompt", "Sign the request in your wallet…");
    const pool = await registerPool(ctx.api, ctx.wallet, {
      address: controls.address.value,
      name: controls.name.value,
      deployedBlock: controls.deployedBlock.value,
    });
    setStatus(status, "success", "registered", `Registered ${pool.name} (${pool.address}).`);
    onRegistered(pool);
  });
  return form;
}

/** Deploy a new pool through a PoolFactory from the wallet, then register it (both need the wallet). */
export function createPoolCard(ctx: Ctx, onCreated: (pool: Pool) => void): HTMLFormElement {
  const text = (id: string, extra: Record<string, string> = {}) =>
    h("input", { id, type: "text", autocomplete: "off", spellcheck: "false", ...extra });
  const controls = {
    factory: text("create-factory"),
    registry: text("create-registry"),
    name: text("create-name"),
    admin: text("create-admin"),
    proposers: text("create-proposers"),
    guardians: text("create-guardians"),
    delayHours: text("create-delay", { inputmode: "numeric", value: "24" }),
    windowDays: text("create-window", { inputmode: "numeric", value: "30" }),
    otherTokens: text("create-other-tokens", { placeholder: "0x… (more ERC-20s, separated by commas)" }),
  };
  const tokenChoices = h("div", { id: "create-token-choices" });
  const status = statusBox("create-status");
  const submit = h("button", { type: "submit", id: "create-submit" }, "Create and register");
  const form = h(
    "form",
    { class: "card", id: "create-pool", "aria-labelledby": "create-h", "data-state": "loading" },
    h("h2", { id: "create-h" }, "Create a pool"),
    h(
      "p",
      { class: "hint" },
      "Deploys a new pool from your wallet and registers it here (needs the ADMIN role on this server). What this server knows is filled in; change anything before you create.",
    ),
    field("PoolFactory address", controls.factory, "Where new pools come from."),
    field("IdentityRegistry address", controls.registry, "Where the pool looks up who an identity pays."),
    field("Name", controls.name),
    field("Admin", controls.admin, "Grants and revokes the roles below; your wallet, or a multisig."),
    field("Proposers", controls.proposers, "Who may propose share tables (addresses, separated by commas)."),
    field("Guardians", controls.guardians, "Who may revoke a proposal before it activates."),
    field(
      "Activation delay (hours)",
      controls.delayHours,
      "Time guardians have to revoke a proposed schedule.",
    ),
    field("Claim window (days)", controls.windowDays, "How long a superseded schedule stays claimable."),
    h(
      "fieldset",
      { id: "create-tokens", class: "radio" },
      h("legend", {}, "Tokens it accepts"),
      h(
        "p",
        { class: "hint" },
        "ETH, the chain's currency, always. Leave every token unticked to accept any ERC-20, or tick the ones to accept and no others (a token nobody chose then cannot post deposits).",
      ),
      tokenChoices,
      field("Other ERC-20 addresses", controls.otherTokens),
    ),
    h("div", { class: "actions" }, submit),
    status,
  );
  const hint = (control: HTMLElement, words: string) => {
    const el = form.querySelector(`#${control.id}-hint`);
    if (el) el.textContent = words;
  };
  // A value the page filled in follows its source (the wallet may change); a typed one stays.
  for (const c of Object.values(controls)) c.addEventListener("input", () => (c.dataset.typed = "true"));
  const fill = (control: HTMLInputElement, value: string) => {
    if (control.dataset.typed) return;
    control.value = value;
  };
  const fillWallet = () => {
    const account = ctx.wallet.state === "ready" ? ctx.wallet.account! : "";
    for (const c of [controls.admin, controls.proposers, controls.guardians]) fill(c, account);
  };
  fillWallet();
  const off = ctx.wallet.onChange(() => {
    if (!form.isConnected) return off();
    fillWallet();
  });
  void poolDefaults(ctx.api, ctx.pools)
    .then((d) => {
      fill(controls.factory, d.factory);
      fill(controls.registry, d.registry);
      if (d.factory) hint(controls.factory, "This server's deployment's PoolFactory (you may change it).");
      else
        hint(
          controls.factory,
          "This server names no deployment: the factory is in the deployment's address file, deploy/addresses/<chainId>.json.",
        );
      clear(
        tokenChoices,
        ...d.tokens.map((t) =>
          h(
            "label",
            {},
            h("input", { type: "checkbox", name: "create-token", value: t.address }),
            ` ${t.symbol} `,
            h("code", { title: t.address }, shortHex(t.address, 4)),
          ),
        ),
      );
    })
    .catch((error: unknown) => showError(status, error))
    .finally(() => (form.dataset.state = "ready"));
  onSubmit(form, controls, status, async () => {
    const pool = await createAndRegisterPool(
      ctx.api,
      ctx.wallet,
      {
        factory: controls.factory.value,
        registry: controls.registry.value,
        name: controls.name.value,
        admin: controls.admin.value,
        proposers: controls.proposers.value,
        guardians: controls.guardians.value,
        delayHours: controls.delayHours.value,
        windowDays: controls.windowDays.value,
        tokens: [...tokenChoices.querySelectorAll<HTMLInputElement>("input:checked")].map((i) => i.value),
        otherTokens: controls.otherTokens.value,
      },
      (state, text) => setStatus(status, "pending", state, text),
    );
    setStatus(status, "success", "created", `Created and registered ${pool.name} (${pool.address}).`);
    onCreated(pool);
  });
  return form;
}

/** Submits `form` with `act`; an InputError shows at the field it names, anything else in `status`. */
function onSubmit(
  form: HTMLFormElement,
  controls: Record<string, HTMLInputElement>,
  status: HTMLElement,
  act: () => Promise<void>,
): void {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void (async () => {
      for (const c of Object.values(controls)) setFieldError(c, undefined);
      try {
        await act();
      } catch (error) {
        const control = error instanceof InputError ? controls[error.field] : undefined;
        if (control) {
          setFieldError(control, (error as Error).message);
          setStatus(status, "error", "invalid", "Check the field marked above.");
          control.focus();
        } else showError(status, error);
      }
    })();
  });
}
