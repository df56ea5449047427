/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Admin: register a deployed pool on this server (signed, ADMIN), so a server without pools is not a
// dead end. The request is registerPool in admin.ts; field errors show at their field.
import { registerPool } from "./admin.ts";
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
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void (async () => {
      for (const c of Object.values(controls)) setFieldError(c, undefined);
      try {
        setStatus(status, "pending", "prompt", "Sign the request in your wallet…");
        const pool = await registerPool(ctx.api, ctx.wallet, {
          address: controls.address.value,
          name: controls.name.value,
          deployedBlock: controls.deployedBlock.value,
        });
        setStatus(status, "success", "registered", `Registered ${pool.name} (${pool.address}).`);
        onRegistered(pool);
      } catch (error) {
        if (error instanceof InputError && error.field in controls) {
          const control = controls[error.field as keyof typeof controls];
          setFieldError(control, error.message);
          setStatus(status, "error", "invalid", "Check the field marked above.");
          control.focus();
        } else showError(status, error);
      }
    })();
  });
  return form;
}
