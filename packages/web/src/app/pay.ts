// Pay, the logic: read the form, deposit through the SDK (ETH, approve-then-deposit with the USDT
// zero-approve step, or an EIP-2612 permit with the token's ERC-5267 domain), and wait for the
// server's payer statement. No DOM: pay.view.ts renders; test/pay.test.ts runs this on a real chain.
import { InvalidArgumentError, deposit, depositETH, depositWithPermit, toMemo } from "@wellspring/sdk";
import {
  type Address,
  type Hash,
  type Hex,
  getAddress,
  erc20Abi,
  isAddress,
  parseUnits,
  toFunctionSelector,
  zeroAddress,
} from "viem";

import type { Api, PayerDeposit } from "./api.ts";
import { isHeld, recipientName } from "./held.ts";
import { type TokenInfo, tokenInfo } from "./context.ts";
import { InputError } from "./errors.ts";
import { type Token, exactAmount, token as tokenOf, tokens, txCost } from "./units.ts";
import type { Progress, TxObserver, Wallet } from "./wallet.ts";

export type PayMethod = "approve" | "permit";

/** The form as typed. */
export interface PayForm {
  pool: string;
  /** The token chosen in the list (zero address = ETH). */
  token: string;
  /** Another token's address; overrides `token` when not empty. */
  customToken: string;
  amount: string;
  memo: string;
  method: PayMethod;
}

export interface PayOrder {
  pool: Address;
  token: TokenInfo;
  value: bigint;
  memo: Hex;
  method: PayMethod;
}

/** Checks the form; throws InputError naming the field. `token` reads symbol and decimals. */
export async function readPayForm(
  form: PayForm,
  token: (address: Address) => Promise<TokenInfo>,
): Promise<PayOrder> {
  if (!isAddress(form.pool)) throw new InputError("pool", "Choose a pool.");
  const custom = form.customToken.trim();
  if (custom && !isAddress(custom))
    throw new InputError("customToken", "The token address is not an address.");
  const info = await token(getAddress(custom || form.token));
  const text = form.amount.trim();
  const value = /^\d+(\.\d+)?$/.test(text) ? parseUnits(text, info.decimals) : 0n;
  // parseUnits rounds extra decimals away; an amount the token cannot hold is refused instead.
  const decimals = text.split(".")[1]?.length ?? 0;
  if (value <= 0n || decimals > info.decimals)
    throw new InputError("amount", `Enter a positive amount with at most ${info.decimals} decimals.`);
  let memo: Hex;
  try {
    memo = toMemo(form.memo.trim());
  } catch (error) {
    if (error instanceof InvalidArgumentError) throw new InputError("memo", error.shortMessage);
    throw error;
  }
  return { pool: getAddress(form.pool), token: info, value, memo, method: form.method };
}

export interface PayReceipt {
  payer: Address;
  pool: Address;
  token: TokenInfo;
  hash: Hash;
  blockNumber: bigint;
  gasUsed: bigint;
  /** What the deposit (and its approval, if one was sent) cost in the chain's currency. */
  cost: bigint;
  /** What the pool credited (less than the amount for fee-on-transfer tokens). */
  credited: bigint;
  /** 0 = the unallocated pot before the first schedule. */
  scheduleId: bigint;
  memo: Hex;
  /** The approve transaction, when the allowance had to be raised. */
  approvalHash: Hash | undefined;
}

const APPROVE = toFunctionSelector("approve(address,uint256)");

/** Names what the wallet is asked for, so the user knows which of two prompts this is. */
function payObserver(order: PayOrder, progress: Progress): TxObserver {
  let what = "the deposit";
  return {
    onPrompt(request) {
      if (request.method === "eth_signTypedData_v4") {
        progress("prompt", "Sign the permit in your wallet…");
        return;
      }
      what = request.data?.startsWith(APPROVE)
        ? `the approval of ${exactAmount(order.value, order.token.decimals)} ${order.token.symbol}`
        : "the deposit";
      progress("prompt", `Confirm ${what} in your wallet…`);
    },
    onPending: (hash) => progress("pending", `Transaction pending (${what}): ${hash}`),
  };
}

/** Deposits as the form says; the SDK simulates each transaction first and decodes reverts. */
export async function pay(wallet: Wallet, form: PayForm, progress: Progress): Promise<PayReceipt> {
  const { client } = wallet.ready();
  const order = await readPayForm(form, (address) => tokenInfo(client, address));
  const { wallet: signer, account } = wallet.ready(payObserver(order, progress));
  const { pool, token, value, memo } = order;
  const result =
    token.address === zeroAddress
      ? { ...(await depositETH(signer, { pool, value, memo })), approvalHash: undefined }
      : order.method === "permit"
        ? {
            ...(await depositWithPermit(signer, { pool, token: token.address, amount: value, memo })),
            approvalHash: undefined,
          }
        : await deposit(signer, { pool, token: token.address, amount: value, memo });
  const approval = result.approvalHash
    ? await client.getTransactionReceipt({ hash: result.approvalHash })
    : undefined;
  return {
    payer: account,
    pool,
    token,
    hash: result.hash,
    blockNumber: result.receipt.blockNumber,
    gasUsed: result.receipt.gasUsed,
    cost: txCost(result.receipt) + (approval ? txCost(approval) : 0n),
    credited: result.credited,
    scheduleId: result.scheduleId,
    memo,
    approvalHash: result.approvalHash,
  };
}

/** The pool's tokens other than ETH, as the server saw them deposited. */
export async function poolTokens(api: Api, pool: Address): Promise<Token[]> {
  const detail = await api.get<{ balances: { token: string }[] }>(`/v1/pools/${pool}`);
  const others = detail.balances.map((b) => b.token).filter((t) => getAddress(t) !== zeroAddress);
  return [...(await tokens(api, others)).values()];
}

export type Statement =
  | {
      status: "ready";
      path: string;
      /** The statement as CSV: a line per recipient's part, `others` and dust (first 100 deposits). */
      csvPath: string;
      deposits: (PayerDeposit & { tokenInfo: Token })[];
    }
  | { status: "unsupported" }
  | { status: "not-indexed" };

/**
 * A payer's deposits into a pool as the server's statement lists them (`split=0`: the parts are
 * fetched per deposit, by `whereItWent`). `refresh` continues from the cursor of the last page it
 * read (that page may have grown), so a poll downloads only what is new.
 */
export class PayerHistory {
  readonly path: string;
  readonly csvPath: string;
  private readonly pages: PayerDeposit[][] = [];
  /** The cursor each stored page was read with (undefined: the first page). */
  private readonly cursors: (string | undefined)[] = [];

  constructor(
    private readonly api: Api,
    readonly pool: Address,
    readonly payer: Address,
    /** Deposits per page (the statement serves at most 100). */
    private readonly pageSize = 100,
  ) {
    const base = `/v1/pools/${pool}/statements/payers/${payer}`;
    this.path = `${base}?split=0`;
    this.csvPath = `${base}?limit=100&format=csv`;
  }

  get deposits(): PayerDeposit[] {
    return this.pages.flat();
  }

  /** Reads the last page again and any after it; returns every deposit. */
  async refresh(): Promise<PayerDeposit[]> {
    let at = Math.max(0, this.pages.length - 1);
    let cursor = this.cursors[at];
    for (;;) {
      const page = await this.api.get<{ deposits: PayerDeposit[]; nextCursor: string | null }>(
        `${this.path}&limit=${this.pageSize}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
      );
      this.pages[at] = page.deposits;
      this.cursors[at] = cursor;
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
      at++;
    }
    return this.deposits;
  }

  /** The deposits with their tokens' symbols and decimals. */
  async withTokens(): Promise<(PayerDeposit & { tokenInfo: Token })[]> {
    const list = this.deposits;
    const book = await tokens(
      this.api,
      list.map((d) => d.token),
    );
    return list.map((d) => ({ ...d, tokenInfo: book.get(getAddress(d.token))! }));
  }
}

/**
 * The server's payer statement, waiting (bounded) until it holds `txHash`. "unsupported": the
 * server has no statement; "not-indexed": it has not caught up in time.
 */
export async function payerStatement(
  api: Api,
  receipt: Pick<PayReceipt, "pool" | "payer" | "hash">,
  wait: { attempts: number; intervalMs: number } = { attempts: 120, intervalMs: 500 },
  history: PayerHistory = new PayerHistory(api, receipt.pool, receipt.payer),
): Promise<Statement> {
  for (let attempt = 0; attempt < wait.attempts; attempt++) {
    let deposits: PayerDeposit[];
    try {
      deposits = await history.refresh();
    } catch {
      return { status: "unsupported" };
    }
    if (deposits.some((d) => d.txHash.toLowerCase() === receipt.hash.toLowerCase())) {
      return {
        status: "ready",
        path: history.path,
        csvPath: history.csvPath,
        deposits: await history.withTokens(),
      };
    }
    await new Promise((r) => setTimeout(r, wait.intervalMs));
  }
  return { status: "not-indexed" };
}

/** What the wallet holds of the token (ETH: its balance, less a fee reserve for Max). */
export async function walletBalance(wallet: Wallet, token: Address): Promise<bigint> {
  const { client, account } = wallet.ready();
  if (getAddress(token) === zeroAddress) return client.getBalance({ address: account });
  return client.readContract({ address: token, abi: erc20Abi, functionName: "balanceOf", args: [account] });
}

/** The most "Max" may deposit: all of a token; of ETH, what is left after a deposit's fee at today's price. */
export async function maxDeposit(wallet: Wallet, token: Address): Promise<bigint> {
  const balance = await walletBalance(wallet, token);
  if (getAddress(token) !== zeroAddress) return balance;
  const { client } = wallet.ready();
  // depositETH costs about 70,000 gas; twice that covers a busier block's price.
  const reserve = (await client.getGasPrice()) * 140_000n;
  return balance > reserve ? balance - reserve : 0n;
}

export interface Part {
  label: string;
  amount: bigint;
}

export interface WhereItWent {
  deposit: PayerDeposit;
  token: Token;
  /** The largest parts, largest first; `others` is everyone else together. */
  top: (Part & { accountId: string; identity: string | null; held: boolean })[];
  others: { amount: bigint; count: number };
  /** By kind of recipient: github, npm, … , "wallet address", and held components. */
  byKind: Part[];
  /** What waits in the pool for components nobody can claim yet, and what recipients can claim. */
  held: bigint;
  claimable: bigint;
  recipients: number;
  dust: bigint;
}

/** A recipient's kind: its identity's prefix (github, npm, …), or a wallet address. */
export function recipientKind(identity: string | null): string {
  if (identity === null) return "wallet address";
  if (isHeld(identity)) return "held for components";
  return identity.split(":")[0] || "other";
}

/**
 * Every recipient's part of one deposit (the split endpoint, page by page), summed by kind and
 * held vs claimable, with the `top` largest parts. Exact: the parts and the dust add up to the deposit.
 */
export async function whereItWent(
  api: Api,
  pool: Address,
  deposit: Pick<PayerDeposit, "blockNumber" | "logIndex">,
  top = 10,
): Promise<WhereItWent> {
  const base = `/v1/pools/${pool}/deposits/${deposit.blockNumber}/${deposit.logIndex}/split`;
  const largest: WhereItWent["top"] = [];
  const kinds = new Map<string, bigint>();
  let held = 0n;
  let claimable = 0n;
  let count = 0;
  let after: string | null = null;
  let first: PayerDeposit | undefined;
  do {
    const page: { deposit: PayerDeposit; recipients: PayerDeposit["recipients"]; nextCursor: string | null } =
      await api.get(`${base}?limit=5000${after ? `&after=${after}` : ""}`);
    first ??= page.deposit;
    for (const r of page.recipients) {
      const part = BigInt(r.amount);
      const isHeldPart = r.identity !== null && isHeld(r.identity);
      if (isHeldPart) held += part;
      else claimable += part;
      const kind = recipientKind(r.identity);
      kinds.set(kind, (kinds.get(kind) ?? 0n) + part);
      count++;
      if (largest.length < top || part > largest.at(-1)!.amount) {
        largest.push({
          label: recipientName(r),
          amount: part,
          accountId: r.accountId,
          identity: r.identity,
          held: isHeldPart,
        });
        largest.sort((a, b) => (b.amount > a.amount ? 1 : b.amount < a.amount ? -1 : 0));
        if (largest.length > top) largest.pop();
      }
    }
    after = page.nextCursor;
  } while (after);
  const d = first!;
  const listed = largest.reduce((sum, p) => sum + p.amount, 0n);
  return {
    deposit: d,
    token: await tokenOf(api, d.token),
    top: largest,
    others: { amount: held + claimable - listed, count: count - largest.length },
    byKind: [...kinds]
      .map(([label, amount]) => ({ label, amount }))
      .sort((a, b) => (b.amount > a.amount ? 1 : b.amount < a.amount ? -1 : 0)),
    held,
    claimable,
    recipients: count,
    dust: BigInt(d.amount) - held - claimable,
  };
}
