// Claim, the logic: what an account is owed per schedule and token (proofs checked here against the
// root), one claim transaction through the SDK, and binding an identity (the attestor's attestation,
// submitted through the SDK). No DOM: claim.view.ts renders; test/claim.test.ts runs this for real.
import {
  type AccountId,
  type ClaimInput,
  RootMismatchError,
  type SignedAttestation,
  buildShareTree,
  claim,
  identityRegistryAbi,
  isAddressAccount,
  isClaimableStatus,
  royaltyPoolAbi,
  submitAttestation,
  toAccountId,
  verifyAccountProof,
} from "@wellspring/sdk";
import {
  type Address,
  type Hash,
  type Hex,
  type PublicClient,
  bytesToHex,
  getAddress,
  sha256,
  zeroAddress,
} from "viem";

import {
  type Api,
  ApiError,
  type AttestationAnswer,
  type AttestationInfo,
  type PoolDetail,
  type Recipient,
  type Schedule,
  scheduleRunId,
} from "./api.ts";
import type { TokenInfo } from "./context.ts";
import { InputError } from "./errors.ts";
import { shortHex, toBase64 } from "./format.ts";
import { token as tokenOf, txCost } from "./units.ts";
import { type Progress, type Wallet, progressOf } from "./wallet.ts";

export interface Entry {
  schedule: Schedule;
  runId: string | undefined;
  recipient: Recipient;
  proof: Hex[];
  policy: string;
  /** Where the root the proof was checked against came from. */
  rootFrom: "chain" | "server index";
  /**
   * From when anyone may sweep what is unclaimed (a superseded schedule), null for the current one;
   * undefined when the server did not say (the fallback path).
   */
  sweepableAt?: Date | null;
}

export interface Line {
  entry: Entry;
  token: TokenInfo;
  claimable: bigint;
}

export interface Lookup {
  input: string;
  pool: Address;
  accountId: AccountId;
  entries: Entry[];
  /** Amounts per schedule and token; empty when they could not be read. */
  lines: Line[];
  tokens: TokenInfo[];
  /** Who is paid (zero address: an unbound identity); undefined without a wallet to read it. */
  payee: Address | undefined;
  /** Whether the amounts were read (from the server or through the wallet). */
  withAmounts: boolean;
  /** Schedules whose tables the server does not hold. */
  unavailable: number;
}

interface ClaimsResponse {
  accountId: Hex;
  items: {
    scheduleId: string;
    shares: string;
    proof: Hex[];
    claimable: { token: Hex; amount: string }[];
    sweepableAt: string | null;
  }[];
  totals: { token: Hex; amount: string }[];
  unavailableSchedules: string[];
}

/** The account an input names: an identity (github:…, npm:…), an address or a raw accountId. */
export function readAccount(input: string): { input: string; accountId: AccountId } {
  const v = input.trim();
  if (!v) throw new InputError("account", "Enter an identity (github:…, npm:…) or an address.");
  return { input: v, accountId: toAccountId(v).toLowerCase() as AccountId };
}

/** What the account is owed: from the server's claims endpoint, else from the run tables it serves. */
export async function lookupClaims(api: Api, wallet: Wallet, pool: string, input: string): Promise<Lookup> {
  const { accountId, input: account } = readAccount(input);
  if (!pool) throw new InputError("pool", "No pool is registered on this server.");
  const poolAddress = getAddress(pool);
  const reader = wallet.reader();
  const payee = async () =>
    reader
      ? reader.readContract({
          address: poolAddress,
          abi: royaltyPoolAbi,
          functionName: "payeeOf",
          args: [accountId],
        })
      : undefined;
  const base = { input: account, pool: poolAddress, accountId };
  const viaServer = await serverClaims(api, poolAddress, account, accountId, reader);
  if (viaServer)
    return {
      ...base,
      ...viaServer,
      payee: viaServer.entries.length ? await payee() : undefined,
      withAmounts: true,
    };

  const { entries, unreadable } = await tableEntries(api, poolAddress, accountId);
  const detail = await api.get<PoolDetail>(`/v1/pools/${poolAddress}`);
  const tokens = await Promise.all(
    (detail.balances.length ? detail.balances.map((b) => b.token) : [zeroAddress]).map((t) =>
      tokenOf(api, t),
    ),
  );
  const lines: Line[] = [];
  if (reader) {
    for (const entry of entries) {
      for (const token of tokens) {
        const claimable = await reader.readContract({
          address: poolAddress,
          abi: royaltyPoolAbi,
          functionName: "claimable",
          args: [BigInt(entry.schedule.scheduleId), accountId, BigInt(entry.recipient.shares), token.address],
        });
        lines.push({ entry, token, claimable });
      }
    }
  }
  return {
    ...base,
    entries,
    lines,
    tokens,
    payee: entries.length ? await payee() : undefined,
    withAmounts: reader !== undefined,
    unavailable: unreadable,
  };
}

/**
 * The server's claims endpoint: proofs and exact amounts (read from the pool by the server). Every
 * proof is checked here against the schedule's root, read from the chain through the wallet when
 * there is one. Undefined when the server has no such endpoint or no chain connection.
 */
async function serverClaims(
  api: Api,
  pool: Address,
  input: string,
  accountId: AccountId,
  reader: PublicClient | undefined,
): Promise<Pick<Lookup, "entries" | "lines" | "tokens" | "unavailable"> | undefined> {
  let res: ClaimsResponse;
  try {
    res = await api.get<ClaimsResponse>(`/v1/pools/${pool}/claims/${encodeURIComponent(input)}`);
  } catch (error) {
    if (
      error instanceof ApiError &&
      (error.status === 503 || (error.status === 404 && error.message.startsWith("no route")))
    )
      return undefined;
    throw error;
  }
  if (res.accountId.toLowerCase() !== accountId)
    throw new Error(`The server resolved ${input} to ${res.accountId}, not ${accountId}.`);
  const { schedules } = await api.get<{ schedules: Schedule[] }>(`/v1/pools/${pool}/schedules`);
  const entries: Entry[] = [];
  const lines: Line[] = [];
  for (const item of res.items) {
    const schedule = schedules.find((x) => x.scheduleId === item.scheduleId);
    if (!schedule)
      throw new Error(`The server listed schedule #${item.scheduleId}, which it does not index.`);
    const root = reader
      ? (
          await reader.readContract({
            address: pool,
            abi: royaltyPoolAbi,
            functionName: "scheduleOf",
            args: [BigInt(item.scheduleId)],
          })
        ).root
      : schedule.root;
    if (!verifyAccountProof(root, { accountId, shares: BigInt(item.shares), proof: item.proof }))
      throw new Error(`The server's proof for schedule #${item.scheduleId} does not match its root ${root}.`);
    const entry: Entry = {
      schedule,
      runId: scheduleRunId(schedule),
      recipient: { accountId, shares: item.shares, identity: isAddressAccount(accountId) ? null : input },
      proof: item.proof,
      policy: await policyLabel(api, schedule.policyHash),
      rootFrom: reader ? "chain" : "server index",
      sweepableAt: item.sweepableAt === null ? null : new Date(item.sweepableAt),
    };
    entries.push(entry);
    for (const c of item.claimable)
      lines.push({ entry, token: await tokenOf(api, c.token), claimable: BigInt(c.amount) });
  }
  const tokens = await Promise.all(res.totals.map((t) => tokenOf(api, t.token)));
  return { entries, lines, tokens, unavailable: res.unavailableSchedules.length };
}

async function policyLabel(api: Api, hash: Hex): Promise<string> {
  try {
    const r = await api.get<{ versions: { name: string; version: number }[] }>(`/v1/policy-versions/${hash}`);
    const v = r.versions[0];
    return v ? `policy ${v.name} v${v.version}` : `policy ${shortHex(hash)}`;
  } catch {
    return `policy ${shortHex(hash)}`;
  }
}

/** The account's rows in every claimable (active or superseded) schedule, from the run tables; proofs built here. */
async function tableEntries(
  api: Api,
  pool: Address,
  accountId: AccountId,
): Promise<{ entries: Entry[]; unreadable: number }> {
  const { schedules } = await api.get<{ schedules: Schedule[] }>(`/v1/pools/${pool}/schedules`);
  const entries: Entry[] = [];
  let unreadable = 0;
  for (const schedule of schedules.filter((s) => isClaimableStatus(s.status))) {
    const runId = scheduleRunId(schedule);
    if (!runId) {
      unreadable++;
      continue;
    }
    const recipients = await api.getAll<Recipient>(`/v1/runs/${runId}/recipients`, "recipients", "after");
    const recipient = recipients.find((r) => r.accountId.toLowerCase() === accountId);
    if (!recipient) continue;
    let proof: Hex[];
    try {
      const tree = buildShareTree({
        root: schedule.root,
        recipients: recipients.map((r) => ({ accountId: r.accountId, shares: BigInt(r.shares) })),
      });
      proof = tree.proofFor(accountId).proof;
    } catch (error) {
      if (error instanceof RootMismatchError)
        throw new Error(
          `The table of run ${runId} does not match the on-chain root of schedule ${schedule.scheduleId}.`,
          { cause: error },
        );
      throw error;
    }
    entries.push({
      schedule,
      runId,
      recipient,
      proof,
      policy: await policyLabel(api, schedule.policyHash),
      rootFrom: "server index",
    });
  }
  return { entries, unreadable };
}

/** Total per token of the lines, in the order of `tokens`. */
export function totals(lookup: Pick<Lookup, "lines" | "tokens">): { token: TokenInfo; amount: bigint }[] {
  return lookup.tokens.map((token) => ({
    token,
    amount: lookup.lines
      .filter((l) => l.token.address === token.address)
      .reduce((a, l) => a + l.claimable, 0n),
  }));
}

export interface Verdict {
  kind: "success" | "warning" | "empty";
  state: "claimable" | "nothing" | "unbound" | "no-wallet" | "disconnected" | "wrong-network";
  message: string;
  /** Whether the claim button is offered. */
  canClaim: boolean;
}

/** What the page says about a lookup, given the wallet's state. */
export function verdict(lookup: Lookup, walletState: Wallet["state"]): Verdict {
  const notReady = walletState === "ready" ? undefined : walletState;
  if (lookup.entries.length === 0) {
    const more = lookup.unavailable
      ? ` (${lookup.unavailable} schedule(s) have tables this server does not hold.)`
      : "";
    return {
      kind: "empty",
      state: "nothing",
      message: `Nothing to claim: ${lookup.input} has no shares in any active or superseded schedule of this pool.${more} Check how the table writes it (github:<login>, npm:<name>), try another pool, or search the Explorer's table.`,
      canClaim: false,
    };
  }
  if (!lookup.withAmounts)
    return {
      kind: "warning",
      state: notReady ?? "disconnected",
      message: "Connect a wallet on the right network to read claimable amounts and to claim.",
      canClaim: false,
    };
  const total = lookup.lines.reduce((a, l) => a + l.claimable, 0n);
  if (total > 0n && notReady)
    return {
      kind: "warning",
      state: notReady,
      message:
        "Amounts as the server read them from the pool. Connect a wallet on the right network to claim.",
      canClaim: false,
    };
  if (total === 0n)
    return {
      kind: "empty",
      state: "nothing",
      message:
        "Nothing to claim right now: everything owed so far has been claimed. New deposits into the pool become claimable as they arrive; look again then.",
      canClaim: false,
    };
  if (lookup.payee === zeroAddress)
    return {
      kind: "warning",
      state: "unbound",
      message: "Claimable, but the identity has no payee yet: bind it to your wallet below, then claim.",
      canClaim: false,
    };
  return {
    kind: "success",
    state: "claimable",
    message: `Claimable across ${lookup.entries.length} schedule(s).`,
    canClaim: true,
  };
}

/** One claim request per schedule for every token with something claimable. */
export function claimRequests(lines: readonly Line[]): ClaimInput[] {
  const byEntry = new Map<Entry, Address[]>();
  for (const l of lines) {
    if (l.claimable === 0n) continue;
    byEntry.set(l.entry, [...(byEntry.get(l.entry) ?? []), l.token.address]);
  }
  return [...byEntry].map(([e, tokens]) => ({
    scheduleId: BigInt(e.schedule.scheduleId),
    proof: {
      accountId: e.recipient.accountId.toLowerCase() as AccountId,
      shares: BigInt(e.recipient.shares),
      proof: e.proof,
    },
    tokens,
  }));
}

/** Claims everything the lookup found in one transaction (simulated first; reverts in plain words). */
export async function claimAll(
  wallet: Wallet,
  lookup: Pick<Lookup, "pool" | "lines">,
  progress: Progress,
): Promise<{ hash: Hash; blockNumber: bigint; totals: Map<Address, bigint>; cost: bigint }> {
  const { wallet: signer } = wallet.ready(progressOf(progress, "the claim"));
  const result = await claim(signer, { pool: lookup.pool, claims: claimRequests(lookup.lines) });
  return {
    hash: result.hash,
    blockNumber: result.receipt.blockNumber,
    totals: result.totals,
    cost: txCost(result.receipt),
  };
}

/** An attestation as pasted: `{ attestation: { accountId, payee, nonce, deadline }, identity, attestor, signature }`. */
export function parseAttestation(text: string): SignedAttestation {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new InputError("attestation", "The attestation is not valid JSON.");
  }
  const o = (raw ?? {}) as {
    attestation?: Record<string, unknown>;
    identity?: unknown;
    attestor?: unknown;
    signature?: unknown;
  };
  const a = o.attestation;
  const bad = (message: string) => new InputError("attestation", message);
  const hex = (v: unknown, bytes?: number): v is Hex =>
    typeof v === "string" &&
    /^0x[0-9a-fA-F]*$/.test(v) &&
    (bytes === undefined || v.length === 2 + bytes * 2);
  const uint = (v: unknown): bigint => {
    if (
      (typeof v === "string" && /^[0-9]+$/.test(v)) ||
      (typeof v === "number" && Number.isSafeInteger(v) && v >= 0)
    )
      return BigInt(v);
    throw bad("attestation.nonce and attestation.deadline must be decimal integers.");
  };
  if (!a || !hex(a.accountId, 32)) throw bad("attestation.accountId must be 32 bytes of hex.");
  if (!hex(a.payee, 20)) throw bad("attestation.payee must be an address.");
  if (typeof o.identity !== "string" || !o.identity) throw bad("identity must be the identity string.");
  if (!hex(o.attestor, 20)) throw bad("attestor must be an address.");
  if (!hex(o.signature)) throw bad("signature must be hex.");
  const accountId = a.accountId.toLowerCase() as AccountId;
  if (isAddressAccount(accountId)) throw bad("Addresses are paid directly; only identities are bound.");
  if (toAccountId(o.identity).toLowerCase() !== accountId)
    throw bad(`accountId is not keccak256("${o.identity}").`);
  return {
    attestation: { accountId, payee: getAddress(a.payee), nonce: uint(a.nonce), deadline: uint(a.deadline) },
    identity: o.identity,
    attestor: getAddress(o.attestor),
    signature: o.signature,
  };
}

/** A funding manifest as the page reads it from a file input. */
export interface ManifestFile {
  name: string;
  bytes: Uint8Array;
}

/**
 * Asks the server's attestor to bind `identity` to the connected wallet: the wallet signs an
 * EIP-712 BindingRequest over the manifest's SHA-256; the attestor checks the manifest names both.
 */
export async function requestAttestation(
  api: Api,
  wallet: Wallet,
  identity: string,
  manifest: ManifestFile | undefined,
  progress: Progress,
): Promise<SignedAttestation> {
  const id = identity.trim();
  if (!id || /^0x/i.test(id))
    throw new InputError("account", "Enter the identity to bind (github:…, npm:…) above.");
  if (!manifest)
    throw new InputError(
      "manifest",
      "Choose the funding manifest (funding.json or FUNDING.json) that names this identity and your wallet.",
    );
  const signed = await signBindingRequest(api, wallet, id, sha256(manifest.bytes), progress);
  progress("pending", `The attestor is checking ${manifest.name}…`);
  const answer = await api.post<AttestationAnswer>("/v1/attestations", {
    ...signed,
    manifest: { name: manifest.name, content: toBase64(manifest.bytes) },
  });
  return parseAttestation(
    JSON.stringify({
      attestation: answer.attestation,
      identity: answer.identity,
      attestor: answer.attestor,
      signature: answer.signature,
    }),
  );
}

/** The wallet signs the attestor's EIP-712 BindingRequest (domain and types from GET /v1/attestations/info). */
async function signBindingRequest(
  api: Api,
  wallet: Wallet,
  identity: string,
  manifestHash: Hex,
  progress: Progress,
): Promise<{ identity: string; payee: Address; nonce: Hex; deadline: string; signature: Hex }> {
  const { wallet: signer, account: payee } = wallet.ready(progressOf(progress, "the binding request"));
  const info = await api.get<AttestationInfo>("/v1/attestations/info");
  if (!info.enabled || !info.domain) throw new AttestorUnavailableError();
  const nonce = bytesToHex(crypto.getRandomValues(new Uint8Array(32)));
  const deadline = BigInt(Math.floor(Date.now() / 1000) + Math.min(300, info.maxAgeSeconds ?? 300));
  const types = Object.fromEntries(Object.entries(info.types).filter(([k]) => k !== "EIP712Domain"));
  const signature = await signer.signTypedData({
    account: payee,
    domain: info.domain,
    types,
    primaryType: "BindingRequest",
    message: { identity, payee, manifestHash, nonce, deadline },
  });
  return { identity, payee, nonce, deadline: deadline.toString(), signature };
}

/** Whether the server offers "Sign in with GitHub" (a GitHub OAuth app is configured). */
export async function githubSignInEnabled(api: Api): Promise<boolean> {
  const info = await api.get<AttestationInfo>("/v1/attestations/info");
  return info.enabled && info.githubSignIn;
}

/**
 * "Sign in with GitHub": the wallet signs a BindingRequest for `github:<login>` (no manifest: a zero
 * manifestHash); the server answers GitHub's authorize URL, to send the browser to. GitHub sends it
 * back to the server, which redirects to this page with `?binding=<request id>` (`signedBinding`).
 */
export async function startGitHubSignIn(
  api: Api,
  wallet: Wallet,
  input: string,
  progress: Progress,
): Promise<string> {
  let id = input.trim().toLowerCase();
  if (id && !id.includes(":") && !/^0x/.test(id)) id = `github:${id}`;
  if (!/^github:[a-z0-9-]+$/.test(id))
    throw new InputError("account", "Enter your GitHub identity (github:<login>) above.");
  const signed = await signBindingRequest(api, wallet, id, `0x${"00".repeat(32)}`, progress);
  const { authorizeUrl } = await api.post<{ authorizeUrl: string }>(
    "/v1/attestations/github/authorize",
    signed,
  );
  return authorizeUrl;
}

/** The attestation of a recorded binding request (after Sign in with GitHub), ready to submit. */
export async function signedBinding(api: Api, id: string): Promise<SignedAttestation> {
  const { request } = await api.get<BindingRequestView>(`/v1/attestations/${encodeURIComponent(id)}`);
  if (!request.attestation)
    throw new Error(
      `The attestor did not sign binding request ${id} (${request.reasonCode ?? request.status}): ${request.reason ?? "no attestation"}`,
    );
  return parseAttestation(
    JSON.stringify({
      attestation: {
        accountId: request.accountId,
        payee: request.payee,
        nonce: request.attestation.nonce,
        deadline: request.attestation.deadline,
      },
      identity: request.identity,
      attestor: request.attestation.attestor,
      signature: request.attestation.signature,
    }),
  );
}

interface BindingRequestView {
  request: {
    status: string;
    identity: string;
    accountId: string;
    payee: string;
    reasonCode: string | null;
    reason: string | null;
    attestation: { nonce: string; deadline: string; attestor: string; signature: string } | null;
  };
}

export class AttestorUnavailableError extends Error {
  constructor() {
    super("This server has no attestor.");
    this.name = "AttestorUnavailableError";
  }
}

export interface Binding {
  identity: string;
  payee: Address;
  /** False: the identity was bound to another wallet, and a delayed re-binding was proposed. */
  bound: boolean;
  blockNumber: bigint;
  /** When pools start paying a first binding (after the window in which it may be cancelled). */
  payableFrom: bigint | undefined;
}

/** Submits the attestation to the pool's identity registry through the SDK. */
export async function bindIdentity(
  wallet: Wallet,
  pool: string,
  signed: SignedAttestation,
  progress: Progress,
): Promise<Binding> {
  const { wallet: signer, client } = wallet.ready(progressOf(progress, "the binding"));
  const registry = await client.readContract({
    address: getAddress(pool),
    abi: royaltyPoolAbi,
    functionName: "registry",
  });
  const result = await submitAttestation(signer, { registry, ...signed });
  const payableFrom = result.bound
    ? (
        await client.readContract({
          address: registry,
          abi: identityRegistryAbi,
          functionName: "bindingOf",
          args: [signed.attestation.accountId],
        })
      )[2]
    : undefined;
  return {
    identity: signed.identity,
    payee: signed.attestation.payee,
    bound: result.bound,
    blockNumber: result.receipt.blockNumber,
    payableFrom,
  };
}
