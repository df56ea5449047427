// Pay, the logic: read the form, deposit through the SDK (ETH, approve-then-deposit with the USDT
// zero-approve step, or an EIP-2612 permit with the token's ERC-5267 domain), and wait for the
// server's payer statement. No DOM: pay.view.ts renders; test/pay.test.ts runs this on a real chain.
import { InvalidArgumentError, deposit, depositETH, depositWithPermit, toMemo } from "@wellspring/sdk";
import {
  type Address,
  type Hash,
  type Hex,
  getAddress,
  isAddress,
  parseUnits,
  toFunctionSelector,
  zeroAddress,
} from "viem";

import type { Api, PayerDeposit } from "./api.ts";
import { type TokenInfo, tokenInfo } from "./context.ts";
import { InputError } from "./errors.ts";
import { amount } from "./format.ts";
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
        ? `the approval of ${amount(order.value, order.token.decimals, order.token.symbol)}`
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
  return {
    payer: account,
    pool,
    token,
    hash: result.hash,
    blockNumber: result.receipt.blockNumber,
    gasUsed: result.receipt.gasUsed,
    credited: result.credited,
    scheduleId: result.scheduleId,
    memo,
    approvalHash: result.approvalHash,
  };
}

/** The pool's tokens other than ETH, as the server saw them deposited. */
export async function poolTokens(api: Api, wallet: Wallet, pool: Address): Promise<TokenInfo[]> {
  const detail = await api.get<{ balances: { token: string }[] }>(`/v1/pools/${pool}`);
  const reader = wallet.reader();
  const tokens: TokenInfo[] = [];
  for (const b of detail.balances) {
    if (getAddress(b.token) !== zeroAddress) tokens.push(await tokenInfo(reader, b.token));
  }
  return tokens;
}

export type Statement =
  | {
      status: "ready";
      path: string;
      /** The statement as CSV: a line per recipient's part, `others` and dust (first 100 deposits). */
      csvPath: string;
      deposits: (PayerDeposit & { tokenInfo: TokenInfo })[];
    }
  | { status: "unsupported" }
  | { status: "not-indexed" };

/**
 * The server's payer statement (every page; `split=0`: the recipients' parts are not shown here);
 * waits (bounded) until it holds `txHash`. "unsupported": the server has no statement;
 * "not-indexed": it has not caught up in time.
 */
export async function payerStatement(
  api: Api,
  wallet: Wallet,
  receipt: Pick<PayReceipt, "pool" | "payer" | "hash">,
  wait: { attempts: number; intervalMs: number } = { attempts: 120, intervalMs: 500 },
): Promise<Statement> {
  const base = `/v1/pools/${receipt.pool}/statements/payers/${receipt.payer}`;
  const path = `${base}?split=0`;
  for (let attempt = 0; attempt < wait.attempts; attempt++) {
    let deposits: PayerDeposit[];
    try {
      // The statement's pages hold at most 100 deposits.
      deposits = await api.getAll<PayerDeposit>(path, "deposits", "cursor", 100_000, 100);
    } catch {
      return { status: "unsupported" };
    }
    if (deposits.some((d) => d.txHash.toLowerCase() === receipt.hash.toLowerCase())) {
      const reader = wallet.reader();
      const rows = [];
      for (const d of deposits) rows.push({ ...d, tokenInfo: await tokenInfo(reader, d.token) });
      return { status: "ready", path, csvPath: `${base}?limit=100&format=csv`, deposits: rows };
    }
    await new Promise((r) => setTimeout(r, wait.intervalMs));
  }
  return { status: "not-indexed" };
}
