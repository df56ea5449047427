// Admin, the logic: policy versions (signed API calls), runs on uploaded inputs, the what-if against
// the active schedule, publishing (proposeSchedule through the SDK), the pending schedule and its
// revocation (revokeSchedule). No DOM: admin.view.ts renders; test/admin.test.ts runs this for real.
import { proposeSchedule, revokeSchedule, royaltyPoolAbi } from "@wellspring/sdk";
import { type Address, type Hex, getAddress, isAddress } from "viem";

import {
  type Api,
  ApiError,
  type PolicyDiff,
  type PolicyLine,
  type PolicyVersionList,
  type Pool,
  type PoolDetail,
  type Recipient,
  type Run,
  type RunDiff,
} from "./api.ts";
import { InputError } from "./errors.ts";
import { percent, toBase64 } from "./format.ts";
import type { HeldReport } from "./held.ts";
import { type Progress, type Wallet, progressOf } from "./wallet.ts";
import type { JsonSchema } from "./policy-form.ts";
import { type Pot, type WhatIfSummary, poolPots, whatIfSummary } from "./whatif.ts";

export interface PolicyVersion {
  name: string;
  version: number;
  hash: Hex;
  document: unknown;
}

/** Shares are fractions of 10^18 (docs/design.md#share-table). */
export const TOTAL_SHARES = 10n ** 18n;

/** The latest version of a policy, or undefined when it has none yet. */
export async function latestPolicy(api: Api, name: string): Promise<PolicyVersion | undefined> {
  const { policies } = await api.get<{ policies: PolicyLine[] }>("/v1/policies");
  const line = policies.find((p) => p.name === name.trim());
  if (!line || line.latestVersion === 0) return undefined;
  return api.get<PolicyVersion>(`/v1/policies/${line.name}/versions/${line.latestVersion}`);
}

/**
 * The JSON Schema of a policy document, which the form beside the JSON is generated from; undefined
 * from a server that does not serve it (404), where the JSON alone edits the policy.
 */
export async function policySchema(api: Api): Promise<JsonSchema | undefined> {
  try {
    return await api.get<JsonSchema>("/v1/policies/schema");
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return undefined;
    throw error;
  }
}

/** Every version of `name`, newest first (empty for a name with no version yet). */
export async function policyHistory(api: Api, name: string): Promise<PolicyVersionList["versions"]> {
  try {
    const versions = await api.getAll<PolicyVersionList["versions"][number]>(
      `/v1/policies/${encodeURIComponent(name.trim())}/versions`,
      "versions",
      "after",
    );
    return versions.reverse();
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return [];
    throw error;
  }
}

/** What changed between two versions of `name`, as JSON Pointer paths. */
export function policyDiff(api: Api, name: string, from: number, to: number): Promise<PolicyDiff> {
  return api.get<PolicyDiff>(`/v1/policies/${encodeURIComponent(name.trim())}/diff?from=${from}&to=${to}`);
}

/**
 * Saves the editor's text as the next version of `name` (signed). Throws InputError("document") for
 * text that is not JSON; the server's field errors come back as an ApiError with `issues`.
 */
export async function savePolicy(
  api: Api,
  wallet: Wallet,
  input: { name: string; text: string; note: string; latest: PolicyVersion | undefined },
): Promise<PolicyVersion> {
  let document: unknown;
  try {
    document = JSON.parse(input.text);
  } catch (error) {
    throw new InputError("document", `The policy is not valid JSON (${(error as Error).message}).`);
  }
  const name = input.name.trim();
  const note = input.note.trim();
  return api.signedRequest<PolicyVersion>(
    wallet,
    "POST",
    `/v1/policies/${encodeURIComponent(name)}/versions`,
    {
      document,
      ...(note ? { note } : {}),
      expectedLatestVersion: input.latest?.name === name ? input.latest.version : 0,
    },
  );
}

/**
 * Where a server field path (`body.document.keep.default`) is in the JSON text: each segment's
 * `"key"` is searched after the previous one, so nested keys land on the right line. Undefined when
 * no key is found.
 */
export function fieldRange(text: string, path: string): { start: number; end: number } | undefined {
  const segments = path
    .replace(/^body\.document\.?/, "")
    .split(".")
    .filter(Boolean);
  let from = 0;
  let found: { start: number; end: number } | undefined;
  for (const seg of segments) {
    if (/^\d+$/.test(seg)) continue; // array index: the enclosing key is close enough
    const at = text.indexOf(`"${seg}"`, from);
    if (at < 0) break;
    found = { start: at, end: at + seg.length + 2 };
    from = found.end;
  }
  return found;
}

/** An input file as the page reads it from a file input. */
export interface InputFile {
  name: string;
  type: string;
  bytes: Uint8Array;
}

export type RunResult = Run & { report?: HeldReport };

/** Starts a run of `policy` on the files (signed). Throws InputError naming what is missing. */
export async function startRun(
  api: Api,
  wallet: Wallet,
  input: { policy: PolicyVersion | undefined; pool: string; files: readonly InputFile[] },
): Promise<RunResult> {
  if (!input.policy) throw new InputError("policy", "Load or save a policy version first.");
  if (input.files.length === 0)
    throw new InputError(
      "files",
      "Choose at least one input file (package-lock.json, CycloneDX, SPDX, git log, funding.json…).",
    );
  return api.signedRequest<RunResult>(wallet, "POST", "/v1/runs", {
    policy: { name: input.policy.name, version: input.policy.version },
    ...(input.pool ? { pool: input.pool } : {}),
    inputs: input.files.map((f) => ({
      name: f.name,
      ...(f.type ? { mediaType: f.type } : {}),
      content: toBase64(f.bytes),
    })),
  });
}

export type Preview =
  | {
      kind: "diff";
      diff: RunDiff;
      /** The new table, for its concentration. */
      recipients: Recipient[];
      total: bigint;
      /** Every token the pool holds; the summary is priced at `pot`, the first (none: in shares). */
      pots: Pot[];
      pot: Pot | undefined;
      summary: WhatIfSummary;
    }
  | { kind: "first"; largest: Recipient[] };

/**
 * What the run changes against the active schedule, every page of it, priced at the pool's first
 * token (see `priceAt` for another); with no active schedule, the new table's largest shares.
 */
export async function previewRun(
  api: Api,
  run: Pick<Run, "id" | "totalShares">,
  pool = "",
): Promise<Preview> {
  let first: RunDiff;
  try {
    first = await api.get<RunDiff>(`/v1/runs/${run.id}/diff?limit=1`);
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 409)) throw error;
    const { recipients } = await api.get<{ recipients: Recipient[] }>(
      `/v1/runs/${run.id}/recipients?limit=500`,
    );
    const largest = [...recipients].sort((a, b) => cmpAbs(BigInt(b.shares), BigInt(a.shares))).slice(0, 15);
    return { kind: "first", largest };
  }
  const [changes, recipients, detail] = await Promise.all([
    api.getAll<RunDiff["changes"][number]>(`/v1/runs/${run.id}/diff`, "changes", "after"),
    api.getAll<Recipient>(`/v1/runs/${run.id}/recipients`, "recipients", "after"),
    pool ? api.get<PoolDetail>(`/v1/pools/${getAddress(pool)}`) : undefined,
  ]);
  const pots = detail ? poolPots(detail.balances) : [];
  const preview = {
    kind: "diff" as const,
    diff: { ...first, changes },
    recipients,
    total: BigInt(run.totalShares ?? TOTAL_SHARES),
    pots,
    pot: pots[0],
  };
  return { ...preview, summary: priceAt(preview, pots[0]) };
}

/** The what-if's summary priced at `pot` (one of the pool's tokens), or in shares without one. */
export function priceAt(
  p: Pick<Extract<Preview, { kind: "diff" }>, "diff" | "recipients" | "total">,
  pot: Pot | undefined,
): WhatIfSummary {
  return whatIfSummary(p.diff.changes, p.recipients, p.total, pot?.amount ?? 0n);
}

/**
 * Proposes the run's table on the pool (PROPOSER), with the run's evidence bundle as the schedule's
 * URI so anyone can check the proposal (docs/verification.md).
 */
export async function publishRun(
  wallet: Wallet,
  pool: string,
  run: Run,
  origin: string,
  progress: Progress,
): Promise<{ scheduleId: bigint; blockNumber: bigint; activatesAt: bigint }> {
  if (!run.root || !run.tableHash || !run.inputsHash || !run.totalShares)
    throw new InputError("run", "The run has no table to publish.");
  const { wallet: signer } = wallet.ready(progressOf(progress, "the proposal"));
  const result = await proposeSchedule(signer, {
    pool: getAddress(pool),
    table: {
      root: run.root,
      totalShares: BigInt(run.totalShares),
      tableHash: run.tableHash,
      policyHash: run.policy.hash,
      inputsHash: run.inputsHash,
    },
    uri: `${origin}/v1/runs/${run.id}/bundle`,
  });
  return {
    scheduleId: result.scheduleId,
    blockNumber: result.receipt.blockNumber,
    activatesAt: result.activatesAt,
  };
}

export interface Pending {
  scheduleId: bigint;
  activatesAt: bigint;
  /** Chain time minus the browser's clock, in seconds: a local chain may run ahead of wall time. */
  offset: number;
}

/** The pool's pending schedule, read through the wallet; undefined when none is pending. */
export async function pendingSchedule(
  wallet: Wallet,
  pool: Address,
  nowMs = Date.now(),
): Promise<Pending | undefined> {
  const client = wallet.reader();
  if (!client) return undefined;
  const id = await client.readContract({
    address: pool,
    abi: royaltyPoolAbi,
    functionName: "pendingScheduleId",
  });
  if (id === 0n) return undefined;
  const [s, block] = await Promise.all([
    client.readContract({ address: pool, abi: royaltyPoolAbi, functionName: "scheduleOf", args: [id] }),
    client.getBlock(),
  ]);
  return {
    scheduleId: id,
    activatesAt: s.activatesAt,
    offset: Number(block.timestamp) - Math.floor(nowMs / 1000),
  };
}

/** The countdown line at browser time `nowMs`. */
export function countdownText(p: Pending, nowMs: number): string {
  const left = Number(p.activatesAt) - (Math.floor(nowMs / 1000) + p.offset);
  return left > 0
    ? `Schedule #${p.scheduleId} activates in ${formatDuration(left)} unless a guardian revokes it.`
    : `Schedule #${p.scheduleId} is active now.`;
}

/** Revokes the pending schedule (GUARDIAN or admin). */
export async function revokePending(
  wallet: Wallet,
  pool: string,
  scheduleId: bigint,
  progress: Progress,
): Promise<void> {
  const { wallet: signer } = wallet.ready(progressOf(progress, "the revocation"));
  await revokeSchedule(signer, { pool: getAddress(pool), scheduleId });
}

export function cmpAbs(a: bigint, b: bigint): number {
  const x = a < 0n ? -a : a;
  const y = b < 0n ? -b : b;
  return x > y ? 1 : x < y ? -1 : 0;
}

/** A change of shares in percentage points, with its sign. */
export function signedPercent(delta: bigint): string {
  return delta < 0n ? `−${percent(-delta, TOTAL_SHARES)}` : `+${percent(delta, TOTAL_SHARES)}`;
}

export function formatDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `${h}h ${String(m).padStart(2, "0")}m ${String(s).padStart(2, "0")}s`;
}

/** What the connected wallet may do on a pool, read from the chain (the pool's own role ids). */
export interface Roles {
  proposer: boolean;
  guardian: boolean;
  admin: boolean;
}

/** The wallet's roles on `pool`; undefined without a connected wallet (nothing is known yet). */
export async function poolRoles(wallet: Wallet, pool: string): Promise<Roles | undefined> {
  const client = wallet.reader();
  const account = wallet.account;
  if (!client || !account || !pool) return undefined;
  const address = getAddress(pool);
  const [proposerRole, guardianRole] = await Promise.all([
    client.readContract({ address, abi: royaltyPoolAbi, functionName: "PROPOSER_ROLE" }),
    client.readContract({ address, abi: royaltyPoolAbi, functionName: "GUARDIAN_ROLE" }),
  ]);
  const has = (role: Hex) =>
    client.readContract({ address, abi: royaltyPoolAbi, functionName: "hasRole", args: [role, account] });
  const [proposer, guardian, admin] = await Promise.all([
    has(proposerRole),
    has(guardianRole),
    has(`0x${"00".repeat(32)}`), // DEFAULT_ADMIN_ROLE
  ]);
  return { proposer, guardian, admin };
}

export type GatedAction = "publish" | "revoke";

/**
 * Why the wallet may not do `action` (the role it needs, as the contract checks it), or undefined
 * when it may, or when its roles are unknown (the contract still decides).
 */
export function roleNeeded(roles: Roles | undefined, action: GatedAction): string | undefined {
  if (!roles) return undefined;
  if (action === "publish")
    return roles.proposer ? undefined : "Needs the PROPOSER role on this pool; your wallet does not hold it.";
  return roles.guardian || roles.admin
    ? undefined
    : "Needs the GUARDIAN or ADMIN role on this pool; your wallet holds neither.";
}

/** What Publish will propose, for the confirmation before the wallet is asked. */
export interface ProposalSummary {
  root: Hex;
  totalShares: bigint;
  recipients: number;
  /** Seconds between proposal and activation (the pool's activationDelay). */
  delay: number;
  /** Activation if proposed now, in chain time (ms since 1970). */
  activatesAtMs: number;
}

export async function proposalSummary(wallet: Wallet, pool: string, run: Run): Promise<ProposalSummary> {
  if (!run.root || !run.totalShares) throw new InputError("run", "The run has no table to publish.");
  const client = wallet.reader();
  if (!client) throw new InputError("pool", "Connect a wallet to read the pool's activation delay.");
  const [delay, block] = await Promise.all([
    client.readContract({ address: getAddress(pool), abi: royaltyPoolAbi, functionName: "activationDelay" }),
    client.getBlock(),
  ]);
  return {
    root: run.root,
    totalShares: BigInt(run.totalShares),
    recipients: run.recipientCount ?? 0,
    delay: Number(delay),
    activatesAtMs: (Number(block.timestamp) + Number(delay)) * 1000,
  };
}

/**
 * Registers a deployed pool on the server (POST /v1/pools, signed; ADMIN) so it indexes and serves
 * it. Throws InputError naming the field for an address, name or block the server would refuse.
 */
export async function registerPool(
  api: Api,
  wallet: Wallet,
  input: { address: string; name: string; deployedBlock: string },
): Promise<Pool> {
  const address = input.address.trim();
  if (!isAddress(address, { strict: false }))
    throw new InputError("address", "Enter the pool's address: 0x and 40 hex digits.");
  const name = input.name.trim();
  if (!name) throw new InputError("name", "Name the pool (people see this name on every page).");
  const block = input.deployedBlock.trim();
  if (!/^\d+$/.test(block))
    throw new InputError("deployedBlock", "Enter the block the pool was deployed in (a whole number).");
  return api.signedRequest<Pool>(wallet, "POST", "/v1/pools", {
    address: getAddress(address),
    name,
    deployedBlock: block,
  });
}
