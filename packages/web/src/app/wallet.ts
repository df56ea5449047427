/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// The connected EIP-1193 wallet: accounts, chain, typed errors, and viem clients over it.
import {
  type Address,
  type Chain,
  type Hash,
  type Hex,
  type PublicClient,
  type WalletClient,
  createPublicClient,
  createWalletClient,
  custom,
  defineChain,
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
export type WalletErrorCode = "NO_WALLET" | "WRONG_NETWORK" | "REJECTED" | "NOT_CONNECTED";

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

  /** `provider`: the injected wallet (window.ethereum); tests pass a node's EIP-1193 provider. */
  constructor(
    readonly expectedChainId: number,
    private readonly injected: () => Eip1193Provider | undefined = () => globalThis.window?.ethereum,
  ) {}

  get provider(): Eip1193Provider | undefined {
    return this.injected();
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

  /**
   * Throws the state's error unless the wallet is connected to the expected chain. The wallet client
   * is what the SDK's actions take; `observer` hears each prompt and each sent transaction.
   */
  ready(observer?: TxObserver): Ready {
    const p = this.provider;
    if (!p) throw new WalletError("NO_WALLET", "No wallet found: install or unlock an Ethereum wallet.");
    if (!this.account) throw new WalletError("NOT_CONNECTED", "Connect your wallet first.");
    if (this.chainId !== this.expectedChainId) {
      throw new WalletError(
        "WRONG_NETWORK",
        `Your wallet is on chain ${this.chainId}; this server serves chain ${this.expectedChainId}. Switch networks in your wallet.`,
      );
    }
    return walletClients(p, this.expectedChainId, this.account, observer);
  }

  /** Read-only client over the wallet (the page reaches no RPC of its own). */
  reader(): PublicClient | undefined {
    const p = this.provider;
    if (!p || this.chainId !== this.expectedChainId) return undefined;
    return createPublicClient({
      chain: pageChain(this.expectedChainId),
      transport: custom(p),
      pollingInterval: 250,
    });
  }
}

export interface Ready {
  account: Address;
  wallet: WalletClient;
  client: PublicClient;
}

/** What the wallet is asked to sign or send. */
export interface WalletRequest {
  method: "eth_sendTransaction" | "eth_signTypedData_v4";
  /** For transactions: the target and calldata (the first 4 bytes name the function). */
  to?: Address | undefined;
  data?: Hex | undefined;
}

/** Hears the wallet's prompts and the hashes of sent transactions, so pages can show both states. */
export interface TxObserver {
  /** The wallet is asking the user. */
  onPrompt(request: WalletRequest): void;
  /** Sent; waiting to be mined. */
  onPending(hash: Hash): void;
}

/** What a controller reports while it waits for the wallet: "prompt" (asking the user), "pending" (sent). */
export type Progress = (state: "prompt" | "pending", text: string) => void;

/** An observer for a single transaction or signature, named `what` ("the claim"). */
export function progressOf(progress: Progress, what: string): TxObserver {
  return {
    onPrompt: (request) =>
      progress(
        "prompt",
        request.method === "eth_signTypedData_v4"
          ? `Sign ${what} in your wallet…`
          : `Confirm ${what} in your wallet…`,
      ),
    onPending: (hash) => progress("pending", `Transaction pending: ${hash}`),
  };
}

/** The server's chain as viem needs it to send; RPC goes through the wallet only. */
function pageChain(id: number): Chain {
  return defineChain({
    id,
    name: `chain ${id}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [] } },
  });
}

/** viem clients over an EIP-1193 provider; with an observer, prompts and sent hashes are reported. */
export function walletClients(
  provider: Eip1193Provider,
  chainId: number,
  account: Address,
  observer?: TxObserver,
): Ready {
  const observed: Eip1193Provider = observer
    ? {
        async request(args) {
          const method = args.method;
          if (method !== "eth_sendTransaction" && method !== "eth_signTypedData_v4")
            return provider.request(args);
          const tx =
            method === "eth_sendTransaction" ? (args.params as { to?: Address; data?: Hex }[])[0] : {};
          observer.onPrompt({ method, to: tx?.to, data: tx?.data });
          const result = await provider.request(args);
          if (method === "eth_sendTransaction") observer.onPending(result as Hash);
          return result;
        },
      }
    : provider;
  const chain = pageChain(chainId);
  return {
    account,
    wallet: createWalletClient({ account, chain, transport: custom(observed), pollingInterval: 250 }),
    client: createPublicClient({ chain, transport: custom(provider), pollingInterval: 250 }),
  };
}
