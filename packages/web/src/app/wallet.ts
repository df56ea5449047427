/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// The connected EIP-1193 wallet: accounts, chain, typed errors, and viem clients over it.
import {
  type Address,
  type Hash,
  type PublicClient,
  type TransactionReceipt,
  type WalletClient,
  createPublicClient,
  createWalletClient,
  custom,
  getAddress,
} from "viem";

export interface Eip1193Provider {
  request(args: { method: string; params?: unknown[] | object }): Promise<unknown>;
  on?(event: string, listener: (...args: unknown[]) => void): void;
}

declare global {
  interface Window {
    ethereum?: Eip1193Provider;
  }
}

/** Stable codes for what a user can run into with a wallet. */
export type WalletErrorCode = "NO_WALLET" | "WRONG_NETWORK" | "REJECTED" | "NOT_CONNECTED" | "TX_FAILED";

export class WalletError extends Error {
  constructor(
    readonly code: WalletErrorCode,
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = "WalletError";
  }
}

/** EIP-1193 4001 (user rejected) anywhere in the cause chain, as viem wraps it. */
export function isUserRejection(error: unknown): boolean {
  let e: unknown = error;
  for (let i = 0; i < 8 && e && typeof e === "object"; i++) {
    const o = e as { code?: unknown; cause?: unknown; name?: unknown };
    if (o.code === 4001 || o.name === "UserRejectedRequestError") return true;
    e = o.cause;
  }
  return false;
}

/** The most specific short message of a (viem) error. */
export function errorMessage(error: unknown): string {
  if (error && typeof error === "object") {
    const o = error as { shortMessage?: unknown; message?: unknown; details?: unknown };
    const base =
      typeof o.shortMessage === "string" ? o.shortMessage : typeof o.message === "string" ? o.message : "";
    const details =
      typeof o.details === "string" && o.details && !base.includes(o.details) ? ` (${o.details})` : "";
    return (base || String(error)).split("\n")[0] + details;
  }
  return String(error);
}

type Listener = () => void;

export class Wallet {
  account: Address | undefined;
  chainId: number | undefined;
  private readonly listeners = new Set<Listener>();

  constructor(readonly expectedChainId: number) {}

  get provider(): Eip1193Provider | undefined {
    return window.ethereum;
  }

  get state(): "no-wallet" | "disconnected" | "wrong-network" | "ready" {
    if (!this.provider) return "no-wallet";
    if (!this.account) return "disconnected";
    if (this.chainId !== this.expectedChainId) return "wrong-network";
    return "ready";
  }

  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(): void {
    for (const l of this.listeners) l();
  }

  /** Reads accounts without prompting (eth_accounts), so a returning user is recognised. */
  async restore(): Promise<void> {
    const p = this.provider;
    if (!p) return;
    p.on?.("accountsChanged", (accounts) => {
      const list = accounts as string[];
      this.account = list[0] ? getAddress(list[0]) : undefined;
      this.emit();
    });
    p.on?.("chainChanged", (id) => {
      this.chainId = Number(id as string);
      this.emit();
    });
    const accounts = (await p.request({ method: "eth_accounts" })) as string[];
    this.account = accounts[0] ? getAddress(accounts[0]) : undefined;
    this.chainId = Number((await p.request({ method: "eth_chainId" })) as string);
    this.emit();
  }

  async connect(): Promise<void> {
    const p = this.provider;
    if (!p) throw new WalletError("NO_WALLET", "No wallet found in this browser.");
    try {
      const accounts = (await p.request({ method: "eth_requestAccounts" })) as string[];
      this.account = accounts[0] ? getAddress(accounts[0]) : undefined;
      this.chainId = Number((await p.request({ method: "eth_chainId" })) as string);
    } catch (error) {
      if (isUserRejection(error))
        throw new WalletError("REJECTED", "You rejected the connection request.", error);
      throw error;
    } finally {
      this.emit();
    }
  }

  async switchNetwork(): Promise<void> {
    const p = this.provider;
    if (!p) throw new WalletError("NO_WALLET", "No wallet found in this browser.");
    await p.request({
      method: "wallet_switchEthereumChain",
      params: [{ chainId: `0x${this.expectedChainId.toString(16)}` }],
    });
    this.chainId = Number((await p.request({ method: "eth_chainId" })) as string);
    this.emit();
  }

  /** Throws the state's error unless the wallet is connected to the expected chain. */
  ready(): { account: Address; wallet: WalletClient; client: PublicClient } {
    const p = this.provider;
    if (!p) throw new WalletError("NO_WALLET", "No wallet found: install or unlock an Ethereum wallet.");
    if (!this.account) throw new WalletError("NOT_CONNECTED", "Connect your wallet first.");
    if (this.chainId !== this.expectedChainId) {
      throw new WalletError(
        "WRONG_NETWORK",
        `Your wallet is on chain ${this.chainId}; this server serves chain ${this.expectedChainId}. Switch networks in your wallet.`,
      );
    }
    const transport = custom(p);
    return {
      account: this.account,
      wallet: createWalletClient({ account: this.account, transport }),
      client: createPublicClient({ transport, pollingInterval: 250 }),
    };
  }

  /** Read-only client over the wallet (the page reaches no RPC of its own). */
  reader(): PublicClient | undefined {
    const p = this.provider;
    if (!p || this.chainId !== this.expectedChainId) return undefined;
    return createPublicClient({ transport: custom(p), pollingInterval: 250 });
  }
}

export interface TxCallbacks {
  /** The wallet is asking the user. */
  onPrompt(): void;
  /** Sent; waiting to be mined. */
  onPending(hash: Hash): void;
}

/** Sends through the wallet and waits; rejection and revert become WalletErrors with codes. */
export async function sendAndWait(
  client: PublicClient,
  send: () => Promise<Hash>,
  cb: TxCallbacks,
): Promise<TransactionReceipt> {
  cb.onPrompt();
  let hash: Hash;
  try {
    hash = await send();
  } catch (error) {
    if (isUserRejection(error))
      throw new WalletError("REJECTED", "You rejected the transaction in your wallet.", error);
    throw new WalletError("TX_FAILED", `The transaction could not be sent: ${errorMessage(error)}`, error);
  }
  cb.onPending(hash);
  const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: 250 });
  if (receipt.status !== "success") {
    throw new WalletError("TX_FAILED", `The transaction ${hash} reverted in block ${receipt.blockNumber}.`);
  }
  return receipt;
}
