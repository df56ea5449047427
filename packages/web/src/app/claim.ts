/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Claim: what an account is owed per schedule and token, why, one-transaction claim, identity binding.
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { identityRegistryAbi, royaltyPoolAbi } from "@wellspring/sdk/abi";
import { type Address, type Hex, type PublicClient, bytesToHex, getAddress, zeroAddress } from "viem";

import {
  ApiError,
  type AttestationAnswer,
  type AttestationInfo,
  type PoolDetail,
  type Recipient,
  type Schedule,
  get,
  getAll,
  post,
  scheduleRunId,
} from "./api.ts";
import {
  type Ctx,
  type TokenInfo,
  isAddressAccount,
  poolSelect,
  showError,
  toAccountId,
  tokenInfo,
} from "./context.ts";
import { amount, clear, field, h, percent, setStatus, shortHex, statusBox, table, toBase64 } from "./ui.ts";
import { WalletError, isUserRejection, sendAndWait } from "./wallet.ts";

interface Entry {
  schedule: Schedule;
  runId: string | undefined;
  recipient: Recipient;
  proof: Hex[];
  policy: string;
  /** Where the root the proof was checked against came from. */
  rootFrom: "chain" | "server index";
}

interface ClaimsResponse {
  accountId: Hex;
  items: {
    scheduleId: string;
    shares: string;
    proof: Hex[];
    claimable: { token: Hex; amount: string }[];
  }[];
  totals: { token: Hex; amount: string }[];
  unavailableSchedules: string[];
  transaction: { to: Address; data: Hex } | null;
}

/**
 * The server's claims endpoint: proofs, exact amounts (read from the pool by the server) and one
 * ready claim transaction. Every proof is checked here against the schedule's root, read from the
 * chain through the wallet when there is one. Undefined when the server has no such endpoint or no
 * chain connection; the page then builds the proofs itself (findEntries).
 */
async function serverClaims(
  pool: Address,
  input: string,
  accountId: Hex,
  reader: PublicClient | undefined,
): Promise<
  | {
      entries: Entry[];
      lines: Line[];
      tokens: TokenInfo[];
      transaction: ClaimsResponse["transaction"];
      unavailable: number;
    }
  | undefined
> {
  let res: ClaimsResponse;
  try {
    res = await get<ClaimsResponse>(`/v1/pools/${pool}/claims/${encodeURIComponent(input)}`);
  } catch (error) {
    if (
      error instanceof ApiError &&
      (error.status === 503 || (error.status === 404 && error.message.startsWith("no route")))
    ) {
      return undefined;
    }
    throw error;
  }
  if (res.accountId.toLowerCase() !== accountId) {
    throw new Error(`The server resolved ${input} to ${res.accountId}, not ${accountId}.`);
  }
  const { schedules } = await get<{ schedules: Schedule[] }>(`/v1/pools/${pool}/schedules`);
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
    if (!StandardMerkleTree.verify(root, ["bytes32", "uint256"], [accountId, item.shares], item.proof)) {
      throw new Error(`The server's proof for schedule #${item.scheduleId} does not match its root ${root}.`);
    }
    const entry: Entry = {
      schedule,
      runId: scheduleRunId(schedule),
      recipient: { accountId, shares: item.shares, identity: isAddressAccount(accountId) ? null : input },
      proof: item.proof,
      policy: await policyLabel(schedule.policyHash),
      rootFrom: reader ? "chain" : "server index",
    };
    entries.push(entry);
    for (const c of item.claimable) {
      lines.push({ entry, token: await tokenInfo(reader, c.token), claimable: BigInt(c.amount) });
    }
  }
  const tokens = await Promise.all(res.totals.map((t) => tokenInfo(reader, t.token)));
  return {
    entries,
    lines,
    tokens,
    transaction: res.transaction,
    unavailable: res.unavailableSchedules.length,
  };
}

interface Line {
  entry: Entry;
  token: TokenInfo;
  claimable: bigint;
}

async function policyLabel(hash: Hex): Promise<string> {
  try {
    const r = await get<{ versions: { name: string; version: number }[] }>(`/v1/policy-versions/${hash}`);
    const v = r.versions[0];
    return v ? `policy ${v.name} v${v.version}` : `policy ${shortHex(hash)}`;
  } catch {
    return `policy ${shortHex(hash)}`;
  }
}

/** The account's rows in every claimable (active or superseded) schedule, with proofs checked against the root. */
async function findEntries(
  pool: string,
  accountId: Hex,
): Promise<{ entries: Entry[]; unreadable: Schedule[] }> {
  const { schedules } = await get<{ schedules: Schedule[] }>(`/v1/pools/${pool}/schedules`);
  const entries: Entry[] = [];
  const unreadable: Schedule[] = [];
  for (const schedule of schedules.filter((s) => s.status === "active" || s.status === "superseded")) {
    const runId = scheduleRunId(schedule);
    if (!runId) {
      unreadable.push(schedule);
      continue;
    }
    const recipients = await getAll<Recipient, "recipients">(
      `/v1/runs/${runId}/recipients`,
      "recipients",
      "after",
    );
    const recipient = recipients.find((r) => r.accountId.toLowerCase() === accountId);
    if (!recipient) continue;
    const tree = StandardMerkleTree.of(
      recipients.map((r) => [r.accountId, r.shares]),
      ["bytes32", "uint256"],
    );
    if (tree.root.toLowerCase() !== schedule.root.toLowerCase()) {
      throw new Error(
        `The table of run ${runId} does not match the on-chain root of schedule ${schedule.scheduleId}.`,
      );
    }
    const proof = tree.getProof([recipient.accountId, recipient.shares]) as Hex[];
    entries.push({
      schedule,
      runId,
      recipient,
      proof,
      policy: await policyLabel(schedule.policyHash),
      rootFrom: "server index",
    });
  }
  return { entries, unreadable };
}

export function claimPage(ctx: Ctx): HTMLElement {
  const pool = poolSelect(ctx, "claim-pool");
  const account = h("input", {
    id: "claim-account",
    name: "account",
    type: "text",
    autocomplete: "off",
    spellcheck: "false",
    placeholder: "github:583231, npm:alice or 0x…",
  });
  const status = statusBox("claim-status");
  const results = h("div", { id: "claim-results" });
  let lines: Line[] = [];
  let lookedUp: { pool: Address; accountId: Hex } | undefined;
  let serverTx: ClaimsResponse["transaction"] = null;

  const claimButton = h(
    "button",
    { type: "button", id: "claim-all", class: "primary", disabled: true },
    "Claim everything in one transaction",
  );

  async function lookup(): Promise<void> {
    const input = account.value.trim();
    if (!input) {
      setStatus(status, "error", "invalid", "Enter an identity (github:…, npm:…) or an address.");
      account.setAttribute("aria-invalid", "true");
      account.focus();
      return;
    }
    account.removeAttribute("aria-invalid");
    if (!pool.value) return setStatus(status, "error", "no-pool", "No pool is registered on this server.");
    claimButton.disabled = true;
    clear(results);
    setStatus(status, "pending", "loading", "Looking up schedules and proofs…");
    try {
      const accountId = toAccountId(input);
      const poolAddress = getAddress(pool.value);
      lookedUp = { pool: poolAddress, accountId };
      serverTx = null;
      const reader = ctx.wallet.reader();
      const viaServer = await serverClaims(poolAddress, input, accountId, reader);
      if (viaServer) {
        lines = viaServer.lines;
        serverTx = viaServer.transaction;
        if (viaServer.entries.length === 0) {
          setStatus(
            status,
            "empty",
            "nothing",
            `Nothing to claim: ${input} has no shares in any active or superseded schedule of this pool.`,
            viaServer.unavailable
              ? ` (${viaServer.unavailable} schedule(s) have tables this server does not hold.)`
              : "",
          );
          return;
        }
        const payee = reader
          ? await reader.readContract({
              address: poolAddress,
              abi: royaltyPoolAbi,
              functionName: "payeeOf",
              args: [accountId],
            })
          : undefined;
        renderLines(viaServer.entries, viaServer.tokens, payee, true);
        return;
      }
      const { entries, unreadable } = await findEntries(poolAddress, accountId);
      const detail = await get<PoolDetail>(`/v1/pools/${poolAddress}`);
      const tokens = await Promise.all(
        (detail.balances.length ? detail.balances.map((b) => b.token) : [zeroAddress]).map((t) =>
          tokenInfo(reader, t),
        ),
      );
      lines = [];
      if (entries.length === 0) {
        setStatus(
          status,
          "empty",
          "nothing",
          `Nothing to claim: ${input} has no shares in any active or superseded schedule of this pool.`,
          unreadable.length
            ? ` (${unreadable.length} schedule(s) were not published from this server and could not be read.)`
            : "",
        );
        return;
      }
      let payee: Address | undefined;
      if (reader) {
        for (const e of entries) {
          for (const token of tokens) {
            const claimable = await reader.readContract({
              address: poolAddress,
              abi: royaltyPoolAbi,
              functionName: "claimable",
              args: [BigInt(e.schedule.scheduleId), accountId, BigInt(e.recipient.shares), token.address],
            });
            lines.push({ entry: e, token, claimable });
          }
        }
        payee = await reader.readContract({
          address: poolAddress,
          abi: royaltyPoolAbi,
          functionName: "payeeOf",
          args: [accountId],
        });
      }
      renderLines(entries, tokens, payee, reader !== undefined);
    } catch (error) {
      showError(status, error);
    }
  }

  function renderLines(
    entries: Entry[],
    tokens: TokenInfo[],
    payee: Address | undefined,
    withAmounts: boolean,
  ): void {
    const shareRows = entries.map((e) => [
      `#${e.schedule.scheduleId} (${e.schedule.status})`,
      h("span", { class: "num" }, percent(BigInt(e.recipient.shares), BigInt(e.schedule.totalShares))),
      h(
        "span",
        { class: "explain" },
        `${e.recipient.identity ?? e.recipient.accountId} holds ${e.recipient.shares} of ${e.schedule.totalShares} shares in ${e.runId ? `the table of run ${e.runId}` : "the schedule's table"} (${e.policy}); `,
        `the proof of ${e.proof.length} hashes was checked in this page against the root from the ${e.rootFrom}, ${shortHex(e.schedule.root)}.`,
      ),
    ]);
    const parts: HTMLElement[] = [
      table("Shares and why", ["Schedule", "Share", "Explanation"], shareRows, "shares"),
    ];
    if (!withAmounts) {
      clear(results, ...parts);
      setStatus(
        status,
        "warning",
        ctx.wallet.state === "no-wallet" ? "no-wallet" : ctx.wallet.state,
        "Connect a wallet on the right network to read claimable amounts and to claim.",
      );
      return;
    }
    const amountRows = lines.map((l) => [
      `#${l.entry.schedule.scheduleId}`,
      l.token.symbol,
      h(
        "span",
        { class: "num", "data-token": l.token.address, "data-schedule": l.entry.schedule.scheduleId },
        amount(l.claimable, l.token.decimals),
      ),
    ]);
    const totals = tokens.map((t) => {
      const sum = lines.filter((l) => l.token.address === t.address).reduce((a, l) => a + l.claimable, 0n);
      return h(
        "li",
        { "data-token": t.address, "data-amount": sum.toString() },
        h("strong", {}, amount(sum, t.decimals, t.symbol)),
      );
    });
    parts.push(table("Claimable now", ["Schedule", "Token", "Amount"], amountRows, "claimable"));
    parts.push(h("h3", {}, "Total"), h("ul", { id: "claim-totals", class: "totals" }, ...totals));
    const unbound = payee === zeroAddress;
    parts.push(
      h(
        "p",
        { id: "claim-payee" },
        payee === undefined
          ? "Connect a wallet to see who is paid."
          : unbound
            ? "This identity is not bound to a wallet yet: its money waits in the pool. Bind it below, then claim."
            : `Paid to ${payee}.`,
      ),
    );
    parts.push(claimButton);
    clear(results, ...parts);
    const total = lines.reduce((a, l) => a + l.claimable, 0n);
    const walletState = ctx.wallet.state;
    if (total > 0n && walletState !== "ready") {
      setStatus(
        status,
        "warning",
        walletState,
        "Amounts as the server read them from the pool. Connect a wallet on the right network to claim.",
      );
    } else if (total === 0n) {
      setStatus(
        status,
        "empty",
        "nothing",
        "Nothing to claim right now: everything owed so far has been claimed.",
      );
    } else if (unbound) {
      setStatus(status, "warning", "unbound", "Claimable, but the identity has no payee yet.");
    } else {
      claimButton.disabled = false;
      setStatus(status, "success", "claimable", `Claimable across ${entries.length} schedule(s).`);
    }
  }

  claimButton.addEventListener("click", () => {
    void (async () => {
      if (!lookedUp) return;
      claimButton.disabled = true;
      try {
        const { wallet, client, account: from } = ctx.wallet.ready();
        const byEntry = new Map<Entry, Address[]>();
        for (const l of lines) {
          if (l.claimable === 0n) continue;
          byEntry.set(l.entry, [...(byEntry.get(l.entry) ?? []), l.token.address]);
        }
        const requests = [...byEntry].map(([e, tokens]) => ({
          scheduleId: BigInt(e.schedule.scheduleId),
          accountId: e.recipient.accountId,
          shares: BigInt(e.recipient.shares),
          proof: e.proof,
          tokens,
        }));
        const pool = lookedUp.pool;
        const tx = serverTx;
        const receipt = await sendAndWait(
          client,
          () =>
            tx
              ? wallet.sendTransaction({ to: tx.to, data: tx.data, account: from, chain: null })
              : wallet.writeContract({
                  address: pool,
                  abi: royaltyPoolAbi,
                  functionName: "claim",
                  args: [requests],
                  account: from,
                  chain: null,
                }),
          {
            onPrompt: () => setStatus(status, "pending", "prompt", "Confirm the claim in your wallet…"),
            onPending: (hash) => setStatus(status, "pending", "pending", `Transaction pending: ${hash}`),
          },
        );
        setStatus(
          status,
          "success",
          "claimed",
          `Claimed in block ${receipt.blockNumber}. Transaction `,
          h("code", { id: "claim-tx" }, receipt.transactionHash),
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
  const manifest = h("input", {
    id: "bind-manifest",
    type: "file",
    accept: ".json,application/json",
  });
  const requestButton = h(
    "button",
    { type: "button", id: "bind-request", class: "primary" },
    "Ask the attestor, then bind",
  );
  const attestation = h("textarea", { id: "bind-attestation", rows: 6, spellcheck: "false" });
  const bindStatus = statusBox("bind-status");
  const bindButton = h("button", { type: "button", id: "bind-submit" }, "Bind with this attestation");

  async function submitBinding(parsed: ParsedAttestation): Promise<void> {
    const { wallet, client, account: from } = ctx.wallet.ready();
    const poolAddress = getAddress(pool.value);
    const registry = await client.readContract({
      address: poolAddress,
      abi: royaltyPoolAbi,
      functionName: "registry",
    });
    const receipt = await sendAndWait(
      client,
      () =>
        wallet.writeContract({
          address: registry,
          abi: identityRegistryAbi,
          functionName: "submitAttestation",
          args: [parsed.attestation, parsed.identity, parsed.attestor, parsed.signature],
          account: from,
          chain: null,
        }),
      {
        onPrompt: () => setStatus(bindStatus, "pending", "prompt", "Confirm the binding in your wallet…"),
        onPending: (hash) => setStatus(bindStatus, "pending", "pending", `Transaction pending: ${hash}`),
      },
    );
    const [payee, , payableFrom] = await client.readContract({
      address: registry,
      abi: identityRegistryAbi,
      functionName: "bindingOf",
      args: [parsed.attestation.accountId],
    });
    if (getAddress(payee) === getAddress(parsed.attestation.payee)) {
      // A first binding is paid only after a window in which another attestor or the admin may cancel it.
      const from = new Date(Number(payableFrom) * 1000).toISOString();
      setStatus(
        bindStatus,
        "success",
        "bound",
        `${parsed.identity} is now bound to ${payee} (block ${receipt.blockNumber}); pools pay it from ${from}.`,
      );
    } else {
      setStatus(
        bindStatus,
        "warning",
        "rebind-pending",
        `Re-binding of ${parsed.identity} proposed: it takes effect after the registry's delay unless the current payee cancels it.`,
      );
    }
  }

  bindButton.addEventListener("click", () => {
    void (async () => {
      try {
        const parsed = parseAttestation(attestation.value);
        attestation.removeAttribute("aria-invalid");
        await submitBinding(parsed);
      } catch (error) {
        if (error instanceof SyntaxError || error instanceof TypeError) {
          attestation.setAttribute("aria-invalid", "true");
          setStatus(bindStatus, "error", "invalid", error.message);
        } else showError(bindStatus, error);
      }
    })();
  });

  requestButton.addEventListener("click", () => {
    void (async () => {
      const identity = account.value.trim();
      const file = manifest.files?.[0];
      if (!identity || /^0x/i.test(identity)) {
        account.setAttribute("aria-invalid", "true");
        account.focus();
        return setStatus(
          bindStatus,
          "error",
          "invalid",
          "Enter the identity to bind (github:…, npm:…) above.",
        );
      }
      if (!file) {
        manifest.focus();
        return setStatus(
          bindStatus,
          "error",
          "invalid",
          "Choose the funding manifest (funding.json or FUNDING.json) that names this identity and your wallet.",
        );
      }
      try {
        const { wallet, account: payee } = ctx.wallet.ready();
        const info = await get<AttestationInfo>("/v1/attestations/info");
        if (!info.enabled || !info.domain)
          return setStatus(bindStatus, "error", "unavailable", "This server has no attestor.");
        const bytes = new Uint8Array(await file.arrayBuffer());
        const manifestHash = bytesToHex(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)));
        const nonce = bytesToHex(crypto.getRandomValues(new Uint8Array(32)));
        const deadline = BigInt(Math.floor(Date.now() / 1000) + Math.min(300, info.maxAgeSeconds ?? 300));
        const types = Object.fromEntries(Object.entries(info.types).filter(([k]) => k !== "EIP712Domain"));
        setStatus(bindStatus, "pending", "prompt", "Sign the binding request in your wallet…");
        let signature: Hex;
        try {
          signature = await wallet.signTypedData({
            account: payee,
            domain: info.domain,
            types,
            primaryType: "BindingRequest",
            message: { identity, payee, manifestHash, nonce, deadline },
          });
        } catch (error) {
          if (isUserRejection(error))
            throw new WalletError("REJECTED", "You rejected the signature request in your wallet.", error);
          throw error;
        }
        setStatus(bindStatus, "pending", "attesting", `The attestor is checking ${file.name}…`);
        const answer = await post<AttestationAnswer>("/v1/attestations", {
          identity,
          payee,
          manifest: { name: file.name, content: toBase64(bytes) },
          nonce,
          deadline: deadline.toString(),
          signature,
        });
        const signed = {
          attestation: answer.attestation,
          identity: answer.identity,
          attestor: answer.attestor,
          signature: answer.signature,
        };
        attestation.value = JSON.stringify(signed, null, 2);
        await submitBinding(parseAttestation(attestation.value));
      } catch (error) {
        if (error instanceof ApiError && error.reason) {
          setStatus(
            bindStatus,
            "error",
            "refused",
            `The attestor refused the binding (${error.reason}): ${error.message}`,
          );
        } else showError(bindStatus, error);
      }
    })();
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
            new WalletError(
              ctx.wallet.provider ? "NOT_CONNECTED" : "NO_WALLET",
              ctx.wallet.provider
                ? "Connect your wallet first."
                : "No wallet found: install or unlock an Ethereum wallet.",
            ),
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
      "An identity such as github:583231 or npm:alice, or a wallet address.",
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
  return h(
    "section",
    { "aria-labelledby": "claim-h" },
    h("h1", { id: "claim-h" }, "Claim"),
    h(
      "p",
      { class: "lead" },
      "See what an identity or address is owed in each schedule and token, and why; claim it all in one transaction.",
    ),
    form,
    status,
    results,
    h(
      "section",
      { class: "card", "aria-labelledby": "bind-h" },
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
      h("div", { class: "actions" }, requestButton),
      field(
        "Or an attestation obtained elsewhere (JSON)",
        attestation,
        "{ attestation: { accountId, payee, nonce, deadline }, identity, attestor, signature }",
      ),
      h("div", { class: "actions" }, bindButton),
      bindStatus,
    ),
  );
}

interface ParsedAttestation {
  attestation: { accountId: Hex; payee: Address; nonce: bigint; deadline: bigint };
  identity: string;
  attestor: Address;
  signature: Hex;
}

function parseAttestation(text: string): ParsedAttestation {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new SyntaxError("The attestation is not valid JSON.");
  }
  const o = raw as {
    attestation?: Record<string, unknown>;
    identity?: unknown;
    attestor?: unknown;
    signature?: unknown;
  };
  const a = o.attestation;
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
    throw new TypeError("attestation.nonce and attestation.deadline must be decimal integers.");
  };
  if (!a || !hex(a.accountId, 32)) throw new TypeError("attestation.accountId must be 32 bytes of hex.");
  if (!hex(a.payee, 20)) throw new TypeError("attestation.payee must be an address.");
  if (typeof o.identity !== "string" || !o.identity)
    throw new TypeError("identity must be the identity string.");
  if (!hex(o.attestor, 20)) throw new TypeError("attestor must be an address.");
  if (!hex(o.signature)) throw new TypeError("signature must be hex.");
  const accountId = a.accountId.toLowerCase() as Hex;
  if (isAddressAccount(accountId))
    throw new TypeError("Addresses are paid directly; only identities are bound.");
  if (toAccountId(o.identity) !== accountId)
    throw new TypeError(`accountId is not keccak256("${o.identity}").`);
  return {
    attestation: { accountId, payee: getAddress(a.payee), nonce: uint(a.nonce), deadline: uint(a.deadline) },
    identity: o.identity,
    attestor: getAddress(o.attestor),
    signature: o.signature,
  };
}
