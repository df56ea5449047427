/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Admin: policy editor with the server's field errors, runs on uploaded inputs, what-if diff,
// publish (propose on-chain), pending schedule countdown, guardian revoke. API calls are EIP-712 signed.
import { royaltyPoolAbi } from "@wellspring/sdk/abi";
import { type Address, type Hex, getAddress, parseEventLogs } from "viem";

import { ApiError, type PolicyLine, type Run, type RunDiff, get, signedRequest } from "./api.ts";
import { type Ctx, poolSelect, showError } from "./context.ts";
import { type HeldReport, heldReasonRows } from "./held.ts";
import { barChart, clear, field, h, percent, setStatus, shortHex, statusBox, table, toBase64 } from "./ui.ts";
import { sendAndWait } from "./wallet.ts";

interface PolicyVersion {
  name: string;
  version: number;
  hash: Hex;
  document: unknown;
}

const TOTAL = 10n ** 18n;

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

  async function loadPolicy(): Promise<void> {
    clear(issues);
    try {
      const { policies } = await get<{ policies: PolicyLine[] }>("/v1/policies");
      const line = policies.find((p) => p.name === policyName.value.trim());
      if (!line || line.latestVersion === 0) {
        latest = undefined;
        setStatus(
          policyStatus,
          "info",
          "new-policy",
          `No version of "${policyName.value}" yet: the first save creates version 1.`,
        );
        return;
      }
      latest = await get<PolicyVersion>(`/v1/policies/${line.name}/versions/${line.latestVersion}`);
      editor.value = JSON.stringify(latest.document, null, 2);
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

  async function savePolicy(): Promise<void> {
    clear(issues);
    editor.removeAttribute("aria-invalid");
    let document: unknown;
    try {
      document = JSON.parse(editor.value);
    } catch (error) {
      editor.setAttribute("aria-invalid", "true");
      issues.append(
        h(
          "li",
          { "data-path": "body.document" },
          h("code", {}, "document"),
          `: not valid JSON (${(error as Error).message})`,
        ),
      );
      setStatus(policyStatus, "error", "invalid", "The policy is not valid JSON.");
      return;
    }
    const name = policyName.value.trim();
    try {
      setStatus(policyStatus, "pending", "prompt", "Sign the request in your wallet…");
      const created = await signedRequest<PolicyVersion>(
        ctx.wallet,
        "POST",
        `/v1/policies/${encodeURIComponent(name)}/versions`,
        {
          document,
          ...(note.value.trim() ? { note: note.value.trim() } : {}),
          expectedLatestVersion: latest?.name === name ? latest.version : 0,
        },
      );
      latest = created;
      setStatus(
        policyStatus,
        "success",
        "saved",
        `Saved ${created.name} v${created.version} (${shortHex(created.hash)}).`,
      );
      refreshRunPolicy();
    } catch (error) {
      if (error instanceof ApiError && error.issues.length > 0) {
        editor.setAttribute("aria-invalid", "true");
        for (const i of error.issues)
          issues.append(
            h(
              "li",
              { "data-path": i.path },
              h(
                "button",
                {
                  type: "button",
                  class: "link",
                  title: "Show this field in the editor",
                  onclick: () => selectField(editor, i.path),
                },
                h("code", {}, i.path.replace(/^body\.document\.?/, "") || i.path),
              ),
              `: ${i.message}`,
            ),
          );
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
    }
  }
  editor.setAttribute("aria-describedby", "policy-issues");

  // ---- runs
  const pool = poolSelect(ctx, "admin-pool");
  const files = h("input", { id: "run-files", type: "file", multiple: true });
  const runPolicy = h("p", { id: "run-policy", class: "hint" });
  const runStatus = statusBox("run-status");
  const runResult = h("div", { id: "run-result" });
  let run: Run | undefined;
  const publish = h(
    "button",
    { type: "button", id: "publish", class: "primary", disabled: true },
    "Publish: propose on-chain",
  );

  function refreshRunPolicy(): void {
    runPolicy.textContent = latest
      ? `Runs use ${latest.name} v${latest.version}.`
      : "Save or load a policy first.";
  }

  async function startRun(): Promise<void> {
    clear(runResult);
    publish.disabled = true;
    if (!latest) return setStatus(runStatus, "error", "invalid", "Load or save a policy version first.");
    const chosen = [...(files.files ?? [])];
    if (chosen.length === 0) {
      files.setAttribute("aria-invalid", "true");
      return setStatus(
        runStatus,
        "error",
        "invalid",
        "Choose at least one input file (package-lock.json, CycloneDX, SPDX, git log, funding.json…).",
      );
    }
    files.removeAttribute("aria-invalid");
    try {
      const inputs = await Promise.all(
        chosen.map(async (f) => ({
          name: f.name,
          ...(f.type ? { mediaType: f.type } : {}),
          content: toBase64(new Uint8Array(await f.arrayBuffer())),
        })),
      );
      setStatus(runStatus, "pending", "prompt", "Sign the run request in your wallet…");
      const created = await signedRequest<Run & { report?: HeldReport }>(ctx.wallet, "POST", "/v1/runs", {
        policy: { name: latest.name, version: latest.version },
        ...(pool.value ? { pool: pool.value } : {}),
        inputs,
      });
      run = created;
      setStatus(
        runStatus,
        "success",
        "run-complete",
        `Run ${run.id}: ${run.recipientCount} recipients, root ${shortHex(run.root ?? "")}.`,
      );
      await showDiff(run);
      runResult.append(heldSection(created.report));
      publish.disabled = false;
    } catch (error) {
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

  async function showDiff(r: Run): Promise<void> {
    try {
      const diff = await get<RunDiff>(`/v1/runs/${r.id}/diff?limit=500`);
      const top = [...diff.changes].sort((a, b) => cmpAbs(BigInt(b.delta), BigInt(a.delta))).slice(0, 20);
      clear(
        runResult,
        h("h3", {}, "What-if: against the active schedule"),
        h(
          "p",
          { id: "diff-summary" },
          `${diff.summary.added} added, ${diff.summary.removed} removed, ${diff.summary.changed} changed, ${diff.summary.unchanged} unchanged.`,
        ),
        barChart(
          top.map((c) => ({
            label: c.identity ?? c.accountId,
            value: Number((BigInt(c.delta) * 1_000_000n) / TOTAL) / 10_000,
            title: `${c.identity ?? c.accountId}: ${signedPercent(BigInt(c.delta))}`,
          })),
          "Largest share changes (percentage points)",
        ),
        table(
          "Accounts whose share changes",
          ["Account", "Before", "After", "Change"],
          diff.changes.map((c) => [
            c.identity ?? shortHex(c.accountId),
            percent(BigInt(c.before), TOTAL),
            percent(BigInt(c.after), TOTAL),
            signedPercent(BigInt(c.delta)),
          ]),
          "diff",
        ),
      );
    } catch (error) {
      if (error instanceof ApiError && error.status === 409) {
        const { recipients } = await get<{
          recipients: { accountId: Hex; shares: string; identity: string | null }[];
        }>(`/v1/runs/${r.id}/recipients?limit=500`);
        const top = [...recipients].sort((a, b) => cmpAbs(BigInt(b.shares), BigInt(a.shares))).slice(0, 15);
        clear(
          runResult,
          h("h3", {}, "What-if"),
          h(
            "p",
            { id: "diff-summary" },
            "No active schedule to compare with: every recipient is new. Largest shares:",
          ),
          barChart(
            top.map((t) => ({
              label: t.identity ?? t.accountId,
              value: Number((BigInt(t.shares) * 1_000_000n) / TOTAL) / 10_000,
              title: `${t.identity ?? t.accountId}: ${percent(BigInt(t.shares), TOTAL)}`,
            })),
            "Largest shares in the new table (percent)",
          ),
        );
      } else showError(runStatus, error);
    }
  }

  // ---- publish, countdown, revoke
  const scheduleStatus = statusBox("schedule-status");
  const countdown = h("p", { id: "countdown", role: "timer", "aria-live": "off" });
  const revoke = h(
    "button",
    { type: "button", id: "revoke", class: "danger", disabled: true },
    "Revoke pending schedule (guardian)",
  );
  let timer: number | undefined;
  let pendingId: bigint | undefined;

  async function doPublish(): Promise<void> {
    if (!run?.root || !run.tableHash || !run.inputsHash || !run.totalShares) return;
    try {
      const { wallet, client, account } = ctx.wallet.ready();
      const poolAddress = getAddress(pool.value);
      const r = run;
      const receipt = await sendAndWait(
        client,
        () =>
          wallet.writeContract({
            address: poolAddress,
            abi: royaltyPoolAbi,
            functionName: "proposeSchedule",
            args: [
              r.root!,
              BigInt(r.totalShares!),
              r.tableHash!,
              r.policy.hash,
              r.inputsHash!,
              // The run's evidence bundle: anyone can check the proposal (docs/verification.md).
              `${location.origin}/v1/runs/${r.id}/bundle`,
            ],
            account,
            chain: null,
          }),
        {
          onPrompt: () =>
            setStatus(scheduleStatus, "pending", "prompt", "Confirm the proposal in your wallet…"),
          onPending: (hash) =>
            setStatus(scheduleStatus, "pending", "pending", `Transaction pending: ${hash}`),
        },
      );
      const ev = parseEventLogs({
        abi: royaltyPoolAbi,
        logs: receipt.logs,
        eventName: "ScheduleProposed",
      })[0];
      const id = (ev?.args as { scheduleId?: bigint } | undefined)?.scheduleId;
      setStatus(
        scheduleStatus,
        "success",
        "proposed",
        `Proposed schedule #${id ?? "?"} in block ${receipt.blockNumber}.`,
      );
      publish.disabled = true;
      await watchPending(poolAddress);
    } catch (error) {
      showError(scheduleStatus, error);
    }
  }

  async function watchPending(poolAddress: Address): Promise<void> {
    const client = ctx.wallet.reader();
    if (!client) return;
    const id = await client.readContract({
      address: poolAddress,
      abi: royaltyPoolAbi,
      functionName: "pendingScheduleId",
    });
    if (timer !== undefined) clearInterval(timer);
    if (id === 0n) {
      pendingId = undefined;
      revoke.disabled = true;
      countdown.textContent = "No schedule is pending.";
      return;
    }
    pendingId = id;
    const s = await client.readContract({
      address: poolAddress,
      abi: royaltyPoolAbi,
      functionName: "scheduleOf",
      args: [id],
    });
    revoke.disabled = false;
    // Chain time, not the browser's clock: a local chain may run ahead of wall time.
    const block = await client.getBlock();
    const offset = Number(block.timestamp) - Math.floor(Date.now() / 1000);
    const tick = () => {
      const left = Number(s.activatesAt) - (Math.floor(Date.now() / 1000) + offset);
      countdown.dataset.scheduleId = id.toString();
      countdown.textContent =
        left > 0
          ? `Schedule #${id} activates in ${formatDuration(left)} unless a guardian revokes it.`
          : `Schedule #${id} is active now.`;
    };
    tick();
    timer = window.setInterval(tick, 1000);
  }

  revoke.addEventListener("click", () => {
    void (async () => {
      if (pendingId === undefined) return;
      try {
        const { wallet, client, account } = ctx.wallet.ready();
        const poolAddress = getAddress(pool.value);
        const id = pendingId;
        await sendAndWait(
          client,
          () =>
            wallet.writeContract({
              address: poolAddress,
              abi: royaltyPoolAbi,
              functionName: "revokeSchedule",
              args: [id],
              account,
              chain: null,
            }),
          {
            onPrompt: () =>
              setStatus(scheduleStatus, "pending", "prompt", "Confirm the revocation in your wallet…"),
            onPending: (hash) =>
              setStatus(scheduleStatus, "pending", "pending", `Transaction pending: ${hash}`),
          },
        );
        setStatus(scheduleStatus, "success", "revoked", `Schedule #${id} revoked.`);
        await watchPending(poolAddress);
      } catch (error) {
        showError(scheduleStatus, error);
      }
    })();
  });
  publish.addEventListener("click", () => void doPublish());

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
    field("Policy document (JSON)", editor),
    issues,
    field("Note", note),
    h(
      "div",
      { class: "actions" },
      h("button", { type: "submit", id: "policy-save", class: "primary" }, "Save new version (signed)"),
    ),
    policyStatus,
  );
  policyForm.addEventListener("submit", (e) => {
    e.preventDefault();
    void savePolicy();
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
    h("div", { class: "actions" }, publish),
  );
  runForm.addEventListener("submit", (e) => {
    e.preventDefault();
    void startRun();
  });
  pool.addEventListener("change", () => void watchPending(getAddress(pool.value)).catch(() => undefined));
  refreshRunPolicy();
  void loadPolicy();
  if (pool.value) void watchPending(getAddress(pool.value)).catch(() => undefined);
  return h(
    "section",
    { "aria-labelledby": "admin-h" },
    h("h1", { id: "admin-h" }, "Admin"),
    h(
      "p",
      { class: "lead" },
      "Every change is signed by your wallet; the server checks your role on the pool.",
    ),
    policyForm,
    runForm,
    h(
      "section",
      { class: "card", "aria-labelledby": "pending-h" },
      h("h2", { id: "pending-h" }, "Pending schedule"),
      countdown,
      h("div", { class: "actions" }, revoke),
      scheduleStatus,
    ),
  );
}

/**
 * Selects the key of a server field path (`body.document.keep.default`) in the JSON editor: each
 * segment's `"key"` is searched after the previous one, so nested keys land on the right line.
 */
function selectField(editor: HTMLTextAreaElement, path: string): void {
  const segments = path
    .replace(/^body\.document\.?/, "")
    .split(".")
    .filter(Boolean);
  let from = 0;
  let start = -1;
  let end = -1;
  for (const seg of segments) {
    if (/^\d+$/.test(seg)) continue; // array index: the enclosing key is close enough
    const at = editor.value.indexOf(`"${seg}"`, from);
    if (at < 0) break;
    start = at;
    end = at + seg.length + 2;
    from = end;
  }
  editor.focus();
  if (start >= 0) editor.setSelectionRange(start, end);
}

function cmpAbs(a: bigint, b: bigint): number {
  const x = a < 0n ? -a : a;
  const y = b < 0n ? -b : b;
  return x > y ? 1 : x < y ? -1 : 0;
}

function signedPercent(delta: bigint): string {
  return delta < 0n ? `−${percent(-delta, TOTAL)}` : `+${percent(delta, TOTAL)}`;
}

function formatDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `${h}h ${String(m).padStart(2, "0")}m ${String(s).padStart(2, "0")}s`;
}
