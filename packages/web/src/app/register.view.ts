/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Admin: register a deployed pool on this server (signed, ADMIN), so a server without pools is not a
// dead end. The request is registerPool in admin.ts; field errors show at their field.
import { createAndRegisterPool, registerPool } from "./admin.ts";
import type { Pool } from "./api.ts";
import type { Ctx } from "./context.ts";
import { InputError } from "./errors.ts";
import { field, h, setFieldError, setStatus, showError, statusBox } from "./ui.ts";

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
  const controls = {
    factory: h("input", { id: "create-factory", type: "text", autocomplete: "off", spellcheck: "false" }),
    registry: h("input", { id: "create-registry", type: "text", autocomplete: "off", spellcheck: "false" }),
    name: h("input", { id: "create-name", type: "text", autocomplete: "off" }),
    delayHours: h("input", { id: "create-delay", type: "text", inputmode: "numeric", value: "24" }),
    windowDays: h("input", { id: "create-window", type: "text", inputmode: "numeric", value: "30" }),
  };
  const status = statusBox("create-status");
  const form = h(
    "form",
    { class: "card", id: "create-pool", "aria-labelledby": "create-h" },
    h("h2", { id: "create-h" }, "Create a pool"),
    h(
      "p",
      { class: "hint" },
      "Deploys a new pool from your wallet, which becomes its admin, proposer and guardian, and registers it here (needs the ADMIN role on this server).",
    ),
    field("PoolFactory address", controls.factory),
    field("IdentityRegistry address", controls.registry, "Where the pool looks up who an identity pays."),
    field("Name", controls.name),
    field(
      "Activation delay (hours)",
      controls.delayHours,
      "Time guardians have to revoke a proposed schedule.",
    ),
    field("Claim window (days)", controls.windowDays, "How long a superseded schedule stays claimable."),
    h(
      "div",
      { class: "actions" },
      h("button", { type: "submit", id: "create-submit" }, "Create and register"),
    ),
    status,
  );
  onSubmit(form, controls, status, async () => {
    const pool = await createAndRegisterPool(
      ctx.api,
      ctx.wallet,
      {
        factory: controls.factory.value,
        registry: controls.registry.value,
        name: controls.name.value,
        delayHours: controls.delayHours.value,
        windowDays: controls.windowDays.value,
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
