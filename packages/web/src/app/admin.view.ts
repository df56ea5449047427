/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Admin, the view: policy editor with the server's field errors, runs and what-if, publish, the
// pending schedule's countdown and revoke (logic in admin.ts).
import { type Address, getAddress } from "viem";

import {
  type Pending,
  type PolicyVersion,
  type Preview,
  type Roles,
  type RunResult,
  TOTAL_SHARES,
  countdownText,
  fieldRange,
  latestPolicy,
  pendingSchedule,
  poolRoles,
  proposalSummary,
  previewRun,
  publishRun,
  revokePending,
  roleNeeded,
  savePolicy,
  startRun,
  topLevelNumbers,
  withTopLevelNumber,
} from "./admin.ts";
import { ApiError, type Pool } from "./api.ts";
import type { Ctx } from "./context.ts";
import { InputError } from "./errors.ts";
import { percent, shortHex } from "./format.ts";
import { type HeldReport, heldReasonRows, recipientName } from "./held.ts";
import {
  barChart,
  clear,
  copyable,
  field,
  h,
  poolSelect,
  setStatus,
  showError,
  setFieldError,
  statusBox,
  table,
} from "./ui.ts";
import { dateTime, duration, token } from "./units.ts";
import { policyHistoryView } from "./policy-history.view.ts";
import { createPoolCard, registerPoolCard } from "./register.view.ts";
import { whatIfSection } from "./whatif.view.ts";

export function adminPage(ctx: Ctx): HTMLElement {
  // ---- policy editor
  const policyName = h("input", {
    id: "policy-name",
    type: "text",
    value: "default",
    autocomplete: "off",
    spellcheck: "false",
  });
  const editor = h("textarea", { id: "policy-editor", rows: 16, spellcheck: "false", class: "code" });
  const issues = h("ul", { id: "policy-issues", class: "issues", "aria-live": "polite" });
  const policyStatus = statusBox("policy-status");
  const note = h("input", { id: "policy-note", type: "text", placeholder: "why this change" });
  let latest: PolicyVersion | undefined;
  const history = policyHistoryView(ctx.api);
  /** The top-level numbers as inputs; editing one rewrites the JSON (the server still checks it). */
  const numbers = h("fieldset", { id: "policy-numbers", class: "numbers" });
  function refreshNumbers(): void {
    const found = topLevelNumbers(editor.value);
    clear(numbers, h("legend", {}, "Numbers in the policy"));
    numbers.hidden = found.length === 0;
    for (const [key, value] of found) {
      const input = h("input", {
        id: `policy-number-${key}`,
        type: "text",
        inputmode: "decimal",
        value: String(value),
      });
      input.addEventListener("change", () => {
        try {
          editor.value = withTopLevelNumber(editor.value, key, input.value);
          setFieldError(input, undefined);
        } catch (error) {
          setFieldError(input, (error as Error).message);
        }
      });
      numbers.append(field(key, input));
    }
  }
  // Redrawn on load and save only: a redraw on the editor's change event (its blur) would move the
  // Save button under the pointer.
  refreshNumbers();

  async function loadPolicy(): Promise<void> {
    clear(issues);
    void history.refresh(policyName.value);
    try {
      latest = await latestPolicy(ctx.api, policyName.value);
      if (!latest) {
        setStatus(
          policyStatus,
          "info",
          "new-policy",
          `No version of "${policyName.value}" yet: the first save creates version 1.`,
        );
        return;
      }
      editor.value = JSON.stringify(latest.document, null, 2);
      refreshNumbers();
      setStatus(
        policyStatus,
        "info",
        "loaded",
        `Loaded ${latest.name} v${latest.version} (${shortHex(latest.hash)}).`,
      );
      refreshRunPolicy();
    } catch (error) {
      showError(policyStatus, error);
    }
  }

  function issue(path: string, label: string, message: string): HTMLLIElement {
    return h(
      "li",
      { "data-path": path },
      h(
        "button",
        {
          type: "button",
          class: "link",
          title: "Show this field in the editor",
          onclick: () => {
            const range = fieldRange(editor.value, path);
            editor.focus();
            if (range) editor.setSelectionRange(range.start, range.end);
          },
        },
        h("code", {}, label),
      ),
      `: ${message}`,
    );
  }

  async function save(): Promise<void> {
    clear(issues);
    editor.removeAttribute("aria-invalid");
    try {
      setStatus(policyStatus, "pending", "prompt", "Sign the request in your wallet…");
      latest = await savePolicy(ctx.api, ctx.wallet, {
        name: policyName.value,
        text: editor.value,
        note: note.value,
        latest,
      });
      setStatus(
        policyStatus,
        "success",
        "saved",
        `Saved ${latest.name} v${latest.version} (${shortHex(latest.hash)}).`,
      );
      void history.refresh(latest.name);
      refreshNumbers();
      refreshRunPolicy();
    } catch (error) {
      if (error instanceof InputError) {
        editor.setAttribute("aria-invalid", "true");
        issues.append(issue("body.document", "document", error.message));
        setStatus(policyStatus, "error", "invalid", "The policy is not valid JSON.");
      } else if (error instanceof ApiError && error.issues.length > 0) {
        editor.setAttribute("aria-invalid", "true");
        for (const i of error.issues)
          issues.append(issue(i.path, i.path.replace(/^body\.document\.?/, "") || i.path, i.message));
        setStatus(
          policyStatus,
          "error",
          "invalid",
          `The server rejected the policy (${error.issues.length} field error(s)).`,
        );
      } else if (error instanceof ApiError) {
        setStatus(
          policyStatus,
          "error",
          error.code === "FORBIDDEN" ? "forbidden" : "failed",
          `${error.code}: ${error.message}`,
        );
      } else showError(policyStatus, error);
      // The errors sit under the editor, which may be tall: bring them into view.
      (issues.childElementCount ? issues : policyStatus).scrollIntoView({ block: "nearest" });
    }
  }
  editor.setAttribute("aria-describedby", "policy-issues");

  // ---- runs
  const pool = poolSelect(ctx.pools, "admin-pool");
  const files = h("input", { id: "run-files", type: "file", multiple: true });
  const runPolicy = h("p", { id: "run-policy", class: "hint" });
  const runStatus = statusBox("run-status");
  const runResult = h("div", { id: "run-result" });
  let run: RunResult | undefined;
  const publish = h(
    "button",
    { type: "button", id: "publish", class: "primary", disabled: true },
    "Publish: propose on-chain",
  );
  const publishWhy = h("p", { id: "publish-why", class: "hint" });
  const confirmBox = h("div", { id: "publish-confirm", "aria-live": "polite" });
  let roles: Roles | undefined;

  /** Enables Publish and Revoke only for what the wallet's roles allow, saying which role is missing. */
  function gate(): void {
    const publishBlock = roleNeeded(roles, "publish");
    publish.disabled = !run?.root || publishBlock !== undefined;
    publishWhy.textContent = !run?.root
      ? "Run a policy first: Publish proposes the run's table."
      : (publishBlock ?? "");
    const revokeBlock = roleNeeded(roles, "revoke");
    revoke.disabled = pending === undefined || revokeBlock !== undefined;
    revokeWhy.textContent = pending ? (revokeBlock ?? "") : "";
  }
  async function refreshRoles(): Promise<void> {
    roles = await poolRoles(ctx.wallet, pool.value).catch(() => undefined);
    gate();
  }

  function refreshRunPolicy(): void {
    runPolicy.textContent = latest
      ? `Runs use ${latest.name} v${latest.version}.`
      : "Save or load a policy first.";
  }

  async function runNow(): Promise<void> {
    clear(runResult);
    clear(confirmBox);
    run = undefined;
    gate();
    files.removeAttribute("aria-invalid");
    try {
      const chosen = await Promise.all(
        [...(files.files ?? [])].map(async (f) => ({
          name: f.name,
          type: f.type,
          bytes: new Uint8Array(await f.arrayBuffer()),
        })),
      );
      if (latest && chosen.length > 0)
        setStatus(runStatus, "pending", "prompt", "Sign the run request in your wallet…");
      run = await startRun(ctx.api, ctx.wallet, { policy: latest, pool: pool.value, files: chosen });
      setStatus(
        runStatus,
        "success",
        "run-complete",
        `Run ${run.id}: ${run.recipientCount} recipients, root ${shortHex(run.root ?? "")}.`,
      );
      await showPreview(await previewRun(ctx.api, run, pool.value));
      runResult.append(heldSection(run.report));
      gate();
    } catch (error) {
      if (error instanceof InputError && error.field === "files") files.setAttribute("aria-invalid", "true");
      if (error instanceof ApiError && error.issues.length) {
        setStatus(
          runStatus,
          "error",
          "invalid",
          `${error.message}: ${error.issues.map((i) => `${i.path} ${i.message}`).join("; ")}`,
        );
      } else if (error instanceof ApiError)
        setStatus(runStatus, "error", "failed", `${error.code}: ${error.message}`);
      else showError(runStatus, error);
    }
  }

  /** What the new table holds for components nobody can claim yet, and why (the run's report). */
  function heldSection(report: HeldReport | undefined): HTMLElement {
    const rows = heldReasonRows(report);
    const section = h("div", { id: "run-held" }, h("h3", {}, "Held value"));
    if (rows.length === 0) {
      section.append(h("p", {}, "Nothing is held: every share has a claimable recipient."));
      return section;
    }
    section.append(
      h(
        "p",
        {},
        `${(100 * (report?.heldFraction ?? 0)).toFixed(2)} % of the table waits in the pool for ${report?.held?.count ?? rows.length} component(s) until someone binds them. The largest, and why:`,
      ),
      table("Largest held components", ["Component", "Share", "Why"], rows, "held"),
    );
    return section;
  }

  const points = (n: bigint) => Number((n * 1_000_000n) / TOTAL_SHARES) / 10_000;

  async function showPreview(p: Preview): Promise<void> {
    if (p.kind === "first") {
      clear(
        runResult,
        h("h3", {}, "What-if"),
        h(
          "p",
          { id: "diff-summary" },
          "No active schedule to compare with: every recipient is new. Largest shares:",
        ),
        barChart(
          p.largest.map((t) => ({
            label: recipientName(t),
            value: points(BigInt(t.shares)),
            title: `${recipientName(t)}: ${percent(BigInt(t.shares), TOTAL_SHARES)}`,
            shown: percent(BigInt(t.shares), TOTAL_SHARES),
          })),
          "Largest shares in the new table (percent)",
        ),
      );
      return;
    }
    const tokenInfo = p.pot ? await token(ctx.api, p.pot.token) : undefined;
    clear(runResult, ...whatIfSection(p.diff.summary, p.summary, p.pot, tokenInfo));
  }

  // ---- publish, countdown, revoke
  const scheduleStatus = statusBox("schedule-status");
  const countdown = h("p", { id: "countdown", role: "timer", "aria-live": "off" });
  const revoke = h(
    "button",
    { type: "button", id: "revoke", class: "danger", disabled: true },
    "Revoke pending schedule (guardian)",
  );
  const revokeWhy = h("p", { id: "revoke-why", class: "hint" });
  let timer: number | undefined;
  let pending: Pending | undefined;
  const progress = (state: "prompt" | "pending", text: string) =>
    setStatus(scheduleStatus, "pending", state, text);

  async function watchPending(poolAddress: Address): Promise<void> {
    if (!ctx.wallet.reader()) return;
    pending = await pendingSchedule(ctx.wallet, poolAddress);
    if (timer !== undefined) clearInterval(timer);
    gate();
    if (!pending) {
      delete countdown.dataset.scheduleId;
      countdown.textContent = "No schedule is pending.";
      return;
    }
    const p = pending;
    countdown.dataset.scheduleId = p.scheduleId.toString();
    const tick = () => {
      countdown.textContent = countdownText(p, Date.now());
    };
    tick();
    timer = window.setInterval(tick, 1000);
  }

  /** Publish first shows what will be proposed; the wallet is asked only after "Confirm". */
  publish.addEventListener("click", () => {
    void (async () => {
      if (!run) return;
      const chosen = run;
      try {
        const p = await proposalSummary(ctx.wallet, pool.value, chosen);
        const confirm = h(
          "button",
          { type: "button", id: "publish-confirm-go", class: "primary" },
          "Confirm and sign",
        );
        const cancel = h(
          "button",
          { type: "button", id: "publish-cancel", onclick: () => clear(confirmBox) },
          "Cancel",
        );
        confirm.addEventListener("click", () => void proposeNow(chosen));
        clear(
          confirmBox,
          h("p", {}, "You are about to propose this table on the pool:"),
          h(
            "dl",
            { class: "receipt", id: "publish-summary" },
            h("dt", {}, "Root"),
            h("dd", {}, copyable(p.root)),
            h("dt", {}, "Total shares"),
            h("dd", {}, p.totalShares.toLocaleString("en-US")),
            h("dt", {}, "Recipients"),
            h("dd", {}, p.recipients.toLocaleString("en-US")),
            h("dt", {}, "Activates"),
            h(
              "dd",
              {},
              `${duration(p.delay)} after the proposal (about ${dateTime(p.activatesAtMs)}), unless a guardian revokes it`,
            ),
          ),
          h("div", { class: "actions" }, confirm, cancel),
        );
        confirm.focus();
      } catch (error) {
        showError(scheduleStatus, error);
      }
    })();
  });

  async function proposeNow(chosen: RunResult): Promise<void> {
    clear(confirmBox);
    try {
      const r = await publishRun(ctx.wallet, pool.value, chosen, location.origin, progress);
      setStatus(
        scheduleStatus,
        "success",
        "proposed",
        `Proposed schedule #${r.scheduleId} in block ${r.blockNumber}.`,
      );
      run = undefined;
      await watchPending(getAddress(pool.value));
    } catch (error) {
      showError(scheduleStatus, error);
    }
  }

  revoke.addEventListener("click", () => {
    void (async () => {
      if (!pending) return;
      const id = pending.scheduleId;
      try {
        await revokePending(ctx.wallet, pool.value, id, progress);
        setStatus(scheduleStatus, "success", "revoked", `Schedule #${id} revoked.`);
        await watchPending(getAddress(pool.value));
      } catch (error) {
        showError(scheduleStatus, error);
      }
    })();
  });

  const policyForm = h(
    "form",
    { class: "card", "aria-labelledby": "policy-h" },
    h("h2", { id: "policy-h" }, "Policy"),
    field("Policy name", policyName),
    h(
      "div",
      { class: "actions" },
      h("button", { type: "button", id: "policy-load", onclick: () => void loadPolicy() }, "Load latest"),
    ),
    numbers,
    field("Policy document (JSON)", editor),
    issues,
    field("Note", note),
    h(
      "div",
      { class: "actions" },
      h("button", { type: "submit", id: "policy-save", class: "primary" }, "Save new version (signed)"),
    ),
    policyStatus,
    history.el,
  );
  policyForm.addEventListener("submit", (e) => {
    e.preventDefault();
    void save();
  });
  const runForm = h(
    "form",
    { class: "card", "aria-labelledby": "run-h" },
    h("h2", { id: "run-h" }, "Run and preview"),
    field("Pool", pool),
    field(
      "Input files",
      files,
      "Lockfiles, SBOMs, git logs, model cards and funding manifests; they are sent to the server and stored with the run.",
    ),
    runPolicy,
    h(
      "div",
      { class: "actions" },
      h("button", { type: "submit", id: "run-submit", class: "primary" }, "Run (signed)"),
    ),
    runStatus,
    runResult,
    h(
      "div",
      { class: "publish-bar", id: "publish-bar" },
      confirmBox,
      h("div", { class: "actions" }, publish),
      publishWhy,
      scheduleStatus,
    ),
  );
  runForm.addEventListener("submit", (e) => {
    e.preventDefault();
    void runNow();
  });
  pool.addEventListener("change", () => {
    void refreshRoles();
    void watchPending(getAddress(pool.value)).catch(() => undefined);
  });
  ctx.wallet.onChange(() => void refreshRoles());
  void refreshRoles();
  refreshRunPolicy();
  void loadPolicy();
  if (pool.value) void watchPending(getAddress(pool.value)).catch(() => undefined);
  const addPool = (p: Pool) => {
    if (ctx.pools.length === 0) clear(pool);
    ctx.pools.push(p);
    pool.append(h("option", { value: p.address }, `${p.name} (${p.address.slice(0, 10)}…)`));
    pool.value = p.address;
    pool.dispatchEvent(new Event("change"));
  };
  const register = h("div", {}, registerPoolCard(ctx, addPool), createPoolCard(ctx, addPool));
  return h(
    "section",
    { "aria-labelledby": "admin-h" },
    h("h1", { id: "admin-h" }, "Admin"),
    h(
      "p",
      { class: "lead" },
      "Every change is signed by your wallet; the server checks your role on the pool.",
    ),
    ctx.pools.length === 0 ? register : null,
    policyForm,
    runForm,
    h(
      "section",
      { class: "card", "aria-labelledby": "pending-h" },
      h("h2", { id: "pending-h" }, "Pending schedule"),
      countdown,
      h("div", { class: "actions" }, revoke),
      revokeWhy,
    ),
    ctx.pools.length === 0 ? null : register,
  );
}
