import { JsonRpcSigner, type Signer, type TransactionLike, type TransactionReceipt } from "ethers";
import {
  type Account,
  type Address,
  type Chain,
  type Hex,
  type TransactionSerializable,
  type WalletClient,
  createWalletClient,
  custom,
  defineChain,
  getAddress,
  hexToBytes,
} from "viem";
import { toAccount } from "viem/accounts";

import { InvalidArgumentError, NoAccountError } from "../errors.ts";
import type { TransactionResult } from "../internal/client.ts";

/** What the ethers adapter's writes return: the viem action's result with ethers' receipt. */
export type EthersResult<T extends TransactionResult> = Omit<T, "hash" | "receipt"> & EthersTransactionResult;

export interface EthersTransactionResult {
  hash: string;
  receipt: TransactionReceipt;
}

/** The part of an ethers JSON-RPC provider (JsonRpcProvider, BrowserProvider, Hardhat's) the transport uses. */
interface RpcProvider {
  send(method: string, params: unknown[] | Record<string, unknown>): Promise<unknown>;
  getNetwork(): Promise<{ chainId: bigint }>;
  getTransactionReceipt(hash: string): Promise<TransactionReceipt | null>;
}

/**
 * Runs one viem action with an ethers v6 signer: the signer's provider becomes the viem transport
 * and the signer its account, so the ethers adapter and the viem actions share one implementation.
 * The result's receipt is ethers' own.
 */
export async function withSigner<T extends TransactionResult>(
  signer: Signer,
  action: (client: WalletClient) => Promise<T>,
): Promise<EthersResult<T>> {
  const provider = rpcProvider(signer);
  const result = await action(await ethersWalletClient(signer, provider));
  const receipt = await provider.getTransactionReceipt(result.hash);
  if (!receipt) throw new Error(`no receipt for ${result.hash} from the signer's provider`);
  return { ...result, hash: result.hash, receipt };
}

function rpcProvider(signer: Signer): RpcProvider {
  const provider = signer.provider as Partial<RpcProvider> | null;
  if (!provider) throw new NoAccountError("The ethers adapter (a signer connected to a provider)");
  if (typeof provider.send !== "function") {
    throw new InvalidArgumentError(
      "The ethers adapter needs a JSON-RPC provider (JsonRpcProvider, BrowserProvider or Hardhat's).",
    );
  }
  return provider as RpcProvider;
}

async function ethersWalletClient(signer: Signer, provider: RpcProvider): Promise<WalletClient> {
  const [address, { chainId }] = await Promise.all([
    signer.getAddress().then((a) => getAddress(a)),
    provider.getNetwork(),
  ]);
  return createWalletClient({
    account: (await nodeHoldsKey(signer, provider, address)) ? address : signingAccount(signer, address),
    chain: chainOf(Number(chainId)),
    transport: custom({
      request: async ({ method, params }: { method: string; params?: unknown }) => {
        try {
          return await provider.send(method, (params ?? []) as unknown[]);
        } catch (error) {
          throw nodeError(error);
        }
      },
    }),
  });
}

/**
 * Whether the node or wallet behind the provider signs for the address (a browser wallet, an
 * unlocked node account): then viem sends `eth_sendTransaction`, since such signers cannot sign a
 * transaction without sending it. Otherwise (a private-key `Wallet`, a KMS signer) the signer
 * signs locally and viem sends the raw transaction.
 */
async function nodeHoldsKey(signer: Signer, provider: RpcProvider, address: Address): Promise<boolean> {
  if (signer instanceof JsonRpcSigner) return true;
  const accounts = (await provider.send("eth_accounts", []).catch(() => [])) as string[];
  return accounts.some((a) => a.toLowerCase() === address.toLowerCase());
}

/** A viem local account whose signatures come from the ethers signer. */
function signingAccount(signer: Signer, address: Address): Account {
  return toAccount({
    address,
    signMessage: async ({ message }) =>
      (await signer.signMessage(
        typeof message === "string"
          ? message
          : typeof message.raw === "string"
            ? hexToBytes(message.raw)
            : message.raw,
      )) as Hex,
    signTypedData: async ({ domain, types, message }) => {
      // ethers derives the EIP712Domain type from the domain itself.
      const { EIP712Domain: _, ...rest } = types as Record<string, { name: string; type: string }[]>;
      return (await signer.signTypedData(
        (domain ?? {}) as Parameters<Signer["signTypedData"]>[0],
        rest,
        message as Record<string, unknown>,
      )) as Hex;
    },
    signTransaction: async (transaction) =>
      (await signer.signTransaction(ethersTransaction(transaction))) as Hex,
  });
}

const TRANSACTION_TYPES = { legacy: 0, eip2930: 1, eip1559: 2 } as const;

/** viem's filled-in transaction in ethers' terms (the fields a Wallet signs). */
function ethersTransaction(tx: TransactionSerializable): TransactionLike<string> {
  const type = TRANSACTION_TYPES[tx.type as keyof typeof TRANSACTION_TYPES];
  if (type === undefined)
    throw new InvalidArgumentError(`The ethers adapter cannot sign ${tx.type} transactions.`);
  return {
    type,
    chainId: tx.chainId ?? null,
    nonce: tx.nonce ?? null,
    gasLimit: tx.gas ?? null,
    gasPrice: tx.gasPrice ?? null,
    maxFeePerGas: tx.maxFeePerGas ?? null,
    maxPriorityFeePerGas: tx.maxPriorityFeePerGas ?? null,
    to: tx.to ?? null,
    data: tx.data ?? null,
    value: tx.value ?? null,
    accessList: (tx.accessList as TransactionLike["accessList"]) ?? null,
  };
}

function chainOf(id: number): Chain {
  return defineChain({
    id,
    name: `chain ${id}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [] } },
  });
}

/**
 * The node's JSON-RPC error (`{ code, message, data }`) as an EIP-1193 provider throws it, so viem
 * decodes reverts as it does for any provider. ethers keeps it in `info.error`; Hardhat's provider
 * throws it as is.
 */
function nodeError(error: unknown): unknown {
  const inner = (error as { info?: { error?: unknown } } | null)?.info?.error ?? error;
  const { code, message, data } = (inner ?? {}) as { code?: unknown; message?: unknown; data?: unknown };
  if (typeof code !== "number") return error;
  return Object.assign(new Error(String(message), { cause: error }), { code, data });
}
