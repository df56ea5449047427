/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Admin, the view: policy editor (a form generated from the policy's JSON Schema beside the JSON,
// the server's field errors at their fields), runs, run history and what-if, publish, the pending
// schedule's countdown and revoke (logic in admin.ts).
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
  policySchema,
  poolRoles,
  priceAt,
  proposalSummary,
  previewRun,
  publishRun,
  revokePending,
  roleNeeded,
  savePolicy,
  startRun,
} from "./admin.ts";
import { ApiError, type Pool, type RunSummary } from "./api.ts";
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
import { dateTime, duration, moneyText, token } from "./units.ts";
import { type JsonSchema, isObject, issuePath, skeleton } from "./policy-form.ts";
import { type SchemaForm, schemaForm } from "./policy-form.view.ts";
import { policyHistoryView } from "./policy-history.view.ts";
import { createPoolCard, registerPoolCard } from "./register.view.ts";
import { policyLabel, publishedText } from "./run-history.ts";
import { runHistoryView } from "./run-history.view.ts";
import type { Pot } from "./whatif.ts";
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
  const editor = h("textarea", { id: "policy-editor", rows: 24, spellcheck: "false", class: "code" });
  const issues = h("ul", { id: "policy-issues", class: "issues", "aria-live": "polite" });
  const policyStatus = statusBox("policy-status");
  const note = h("input", { id: "policy-note", type: "text", placeholder: "why this change" });
  let latest: PolicyVersion | undefined;
  const history = policyHistoryView(ctx.api);

  // The form beside the JSON edits the same document: an edit in either shows in the other. Text
  // that is not a JSON object is an error at the editor, and the form keeps the last good document.
  const formHolder = h("div", { id: "policy-form" }, h("p", { class: "hint" }, "Loading the form…"));
  let form: SchemaForm | undefined;
  /** The editor's text the form shows. */
  let shownText = "";
  let jsonTimer: number | undefined;
  const jsonDocument = (): Record<string, unknown> | undefined => {
    try {
      const doc = JSON.parse(editor.value) as unknown;
      return isObject(doc) ? doc : undefined;
    } catch {
      return undefined;
    }
  };
  const schemaReady: Promise<JsonSchema | undefined> = policySchema(ctx.api).then(
    (schema) => {
      if (!schema) {
        clear(
          formHolder,
          h("p", { class: "hint" }, "This server does not describe its policies: edit the JSON."),
        );
        return undefined;
      }
      form = schemaForm(schema, "policy-field", (doc) => {
        editor.value = shownText = JSON.stringify(doc, null, 2);
        setFieldError(editor, undefined);
      });
      form.show(jsonDocument() ?? {});
      clear(formHolder, form.el);
      return schema;
    },
    (error: unknown) => {
      clear(formHolder, h("p", { class: "hint" }, "The form could not be loaded: edit the JSON."));
      showError(policyStatus, error);
      return undefined;
    },
  );
  /**
   * The JSON into the form; an error shows at once on leaving the editor, after a pause while typing.
   * Text the form already shows is not drawn again: leaving the editor by clicking into the form
   * must not replace what the click lands on.
   */
  function fromJson(now: boolean): void {
    window.clearTimeout(jsonTimer);
    if (editor.value === shownText) {
      setFieldError(editor, undefined);
      return;
    }
    let problem: string | undefined;
    try {
      const doc = JSON.parse(editor.value) as unknown;
      if (isObject(doc)) {
        setFieldError(editor, undefined);
        shownText = editor.value;
        form?.show(doc);
        return;
      }
      problem = "A policy is a JSON object: { … }.";
    } catch (error) {
      problem = `Not valid JSON: ${(error as Error).message}.`;
    }
    const show = () => setFieldError(editor, `${problem} The form still shows the last valid document.`);
    if (now) show();
    else jsonTimer = window.setTimeout(show, 700);
  }
  editor.addEventListener("input", () => fromJson(false));
  editor.addEventListener("change", () => fromJson(true));

  async function loadPolicy(): Promise<void> {
    clear(issues);
    void history.refresh(policyName.value);
    try {
      latest = await latestPolicy(ctx.api, policyName.value);
      if (!latest) {
        // A new line starts from what the schema requires; text already there is kept (saving
        // it under the new name copies a policy).
        const schema = await schemaReady;
        if (!editor.value.trim() && schema) {
          editor.value = JSON.stringify(skeleton(schema), null, 2);
          fromJson(true);
        }
        setStatus(
          policyStatus,
          "info",
          "new-policy",
          `No version of "${policyName.value}" yet: the first save creates version 1.`,
        );
        return;
      }
      editor.value = JSON.stringify(latest.document, null, 2);
      fromJson(true);
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
    form?.clearIssues();
    setFieldError(editor, undefined);
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
      refreshRunPolicy();
    } catch (error) {
      if (error instanceof InputError) {
        setFieldError(editor, error.message);
        setStatus(policyStatus, "error", "invalid", "The policy is not valid JSON.");
      } else if (error instanceof ApiError && error.issues.length > 0) {
        editor.setAttribute("aria-invalid", "true");
        for (const i of error.issues)
          issues.append(issue(i.path, i.path.replace(/^body\.document\.?/, "") || i.path, i.message));
        // Each also at its field of the form (those no field holds are in the list only).
        form?.markIssues(error.issues, issuePath);
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
      // The errors sit beside or under the editor, which may be tall: bring the first into view.
      (
        formHolder.querySelector(".field-error") ??
        (issues.childElementCount ? issues : editor.closest(".field")?.querySelector(".field-error")) ??
        policyStatus
      ).scrollIntoView({ block: "nearest" });
    }
  }

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
      void runs.refresh(pool.value);
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

  /** A run picked from the history: its what-if, and Publish proposes it. */
  async function openRun(picked: RunSummary): Promise<void> {
    clear(runResult);
    clear(confirmBox);
    run = picked;
    gate();
    setStatus(
      runStatus,
      "info",
      "run-opened",
      `Run ${picked.id} (${policyLabel(picked)}, made ${dateTime(picked.createdAt)}): ` +
        `${picked.recipientCount ?? 0} recipients, root ${shortHex(picked.root ?? "")}; ${publishedText(picked)}.`,
    );
    runStatus.scrollIntoView({ block: "start" });
    try {
      await showPreview(await previewRun(ctx.api, picked, pool.value));
    } catch (error) {
      showError(runStatus, error);
    }
  }
  const runs = runHistoryView(ctx.api, (r) => void openRun(r));

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
    // Priced in one token at a time: 6- and 18-decimal amounts do not compare. The first the pool
    // holds to start with, and a choice when it holds more than one.
    const whatIf = h("div", { id: "whatif" });
    const drawAt = async (pot: Pot | undefined) => {
      const t = pot ? await token(ctx.api, pot.token) : undefined;
      clear(whatIf, ...whatIfSection(p.diff.summary, priceAt(p, pot), pot, t));
    };
    let picker: HTMLElement | null = null;
    if (p.pots.length > 1) {
      const held = await Promise.all(p.pots.map((x) => token(ctx.api, x.token)));
      const select = h(
        "select",
        { id: "whatif-token" },
        ...p.pots.map((x, i) =>
          h("option", { value: String(i) }, `${held[i]!.symbol} (${moneyText(x.amount, held[i]!)})`),
        ),
      );
      select.addEventListener("change", () => void drawAt(p.pots[Number(select.value)]));
      picker = field(
        "Price the changes in",
        select,
        `The pool holds ${p.pots.length} tokens; the page starts with ${held[0]!.symbol}, the first. Amounts are per token: pick the one to price the changes in.`,
      );
    }
    clear(runResult, h("h3", {}, "What-if: against the active schedule"), picker, whatIf);
    await drawAt(p.pot);
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
      void runs.refresh(pool.value);
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
        void runs.refresh(pool.value);
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
    h(
      "div",
      { class: "policy-edit" },
      h("div", { class: "policy-edit-form" }, h("h3", {}, "Fields"), formHolder),
      h(
        "div",
        { class: "policy-edit-json" },
        field(
          "Policy document (JSON)",
          editor,
          "The same document as the fields: edit either; the other follows.",
        ),
        issues,
      ),
    ),
    field("Note", note),
    h(
      "div",
      { class: "actions" },
      h("button", { type: "submit", id: "policy-save", class: "primary" }, "Save new version (signed)"),
    ),
    policyStatus,
    history.el,
  );
  editor.setAttribute("aria-describedby", "policy-editor-hint policy-issues");
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
    void runs.refresh(pool.value);
    void watchPending(getAddress(pool.value)).catch(() => undefined);
  });
  ctx.wallet.onChange(() => void refreshRoles());
  void refreshRoles();
  refreshRunPolicy();
  void loadPolicy();
  void runs.refresh(pool.value);
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
    runs.el,
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
