import {
  BaseError,
  type Address,
  type Hex,
  type PublicClient,
  ExecutionRevertedError,
  RawContractError,
  decodeAbiParameters,
  formatUnits,
  getAddress,
  hexToString,
  size,
  toFunctionSelector,
  zeroAddress,
} from "viem";
import { bytea, type Queryable } from "../db/database.ts";
import { ServerError } from "../errors.ts";

/**
 * A token's symbol and decimals as pages and CSV print amounts. `guessed` names what the chain did
 * not say (no such function, a revert, an answer that does not decode): the symbol is then the
 * short address and the decimals 0, so amounts show in base units rather than at a wrong scale.
 */
export interface TokenMeta {
  address: Address;
  symbol: string;
  decimals: number;
  /** The zero address: the chain's own currency. */
  native: boolean;
  guessed: ("symbol" | "decimals")[];
}

const SYMBOL = toFunctionSelector("symbol()");
const DECIMALS = toFunctionSelector("decimals()");
const MAX_SYMBOL = 64; // the tokens table's limit

/** `symbol()`'s answer: an ABI string, or a bytes32 (MKR, SAI) read as NUL-padded UTF-8. */
export function decodeSymbol(data: Hex): string | null {
  if (size(data) === 0) return null;
  let text: string | null = null;
  try {
    [text] = decodeAbiParameters([{ type: "string" }], data);
  } catch {
    if (size(data) === 32) text = hexToString(data).replace(/\0+$/, "");
  }
  // A symbol is a label: control characters and endless text are not printed.
  const clean =
    text
      ?.replace(/\p{Cc}/gu, "")
      .trim()
      .slice(0, MAX_SYMBOL) ?? "";
  return clean === "" ? null : clean;
}

/** `decimals()`'s answer: a uint8 (as a 32-byte word); anything else is not an answer. */
export function decodeDecimals(data: Hex): number | null {
  if (size(data) !== 32) return null;
  const value = BigInt(data);
  return value <= 255n ? Number(value) : null;
}

/** The shape a token takes when the chain did not say (see TokenMeta). */
export function tokenMeta(address: Address, symbol: string | null, decimals: number | null): TokenMeta {
  const guessed: TokenMeta["guessed"] = [];
  if (symbol === null) guessed.push("symbol");
  if (decimals === null) guessed.push("decimals");
  return {
    address,
    symbol: symbol ?? `${address.slice(0, 6)}…${address.slice(-4)}`,
    decimals: decimals ?? 0,
    native: false,
    guessed,
  };
}

/** A token's metadata by address (every token the book was made for). */
export type TokenBook = (token: Address) => TokenMeta;

/**
 * A revert is the contract's "no" (the function is missing or refused); a transport failure is not
 * an answer. Nodes say "reverted" differently: EIP-1474's code 3, or a message (geth's -32000).
 */
function isRevert(error: unknown): boolean {
  if (!(error instanceof BaseError)) return false;
  return Boolean(
    error.walk((e) => {
      if (e instanceof ExecutionRevertedError || e instanceof RawContractError) return true;
      const o = e as { code?: unknown; message?: unknown };
      return o.code === 3 || (typeof o.message === "string" && /\breverted\b/i.test(o.message));
    }),
  );
}

/**
 * Token metadata read from the chain once per token and kept in the `tokens` table (a token's
 * symbol and decimals do not change); the zero address is the chain's currency at 18 decimals.
 */
export class TokenService {
  constructor(
    private readonly db: Queryable,
    private readonly chainId: number,
    private readonly chain?: PublicClient,
  ) {}

  native(): TokenMeta {
    const symbol = this.chain?.chain?.nativeCurrency.symbol ?? "ETH";
    return { address: zeroAddress, symbol, decimals: 18, native: true, guessed: [] };
  }

  async get(token: Address): Promise<TokenMeta> {
    const address = getAddress(token);
    if (address === zeroAddress) return this.native();
    const { rows } = await this.db.query<{ symbol: string | null; decimals: number | null }>(
      "SELECT symbol, decimals FROM tokens WHERE chain_id = $1 AND address = $2",
      [this.chainId, bytea(address)],
    );
    if (rows[0]) return tokenMeta(address, rows[0].symbol, rows[0].decimals);
    const [symbol, decimals] = await Promise.all([
      this.read(address, SYMBOL, decodeSymbol),
      this.read(address, DECIMALS, decodeDecimals),
    ]);
    await this.db.query(
      `INSERT INTO tokens (chain_id, address, symbol, decimals) VALUES ($1, $2, $3, $4)
       ON CONFLICT (chain_id, address) DO NOTHING`,
      [this.chainId, bytea(address), symbol, decimals],
    );
    return tokenMeta(address, symbol, decimals);
  }

  /** Every token deposited into a pool of this chain, and the chain's currency first. */
  async list(): Promise<TokenMeta[]> {
    const { rows } = await this.db.query<{ token: Hex }>(
      `SELECT DISTINCT d.token FROM deposits d JOIN pools p ON p.id = d.pool_id
       WHERE p.chain_id = $1 ORDER BY d.token`,
      [this.chainId],
    );
    const tokens = [this.native()];
    for (const { token } of rows) {
      if (getAddress(token) !== zeroAddress) tokens.push(await this.get(token));
    }
    return tokens;
  }

  /**
   * Metadata of several tokens by address, for CSV writers: a token the chain cannot be asked about
   * now (no RPC, or it failed) is written in base units under its address rather than failing the export.
   */
  async many(tokens: Iterable<Address>): Promise<TokenBook> {
    const out = new Map<Address, TokenMeta>();
    for (const t of new Set([...tokens].map((a) => getAddress(a)))) {
      out.set(
        t,
        await this.get(t).catch((error: unknown) => {
          if (error instanceof ServerError && error.code === "CHAIN_UNAVAILABLE")
            return tokenMeta(t, null, null);
          throw error;
        }),
      );
    }
    return (token) => out.get(getAddress(token))!;
  }

  private async read<T>(to: Address, data: Hex, decode: (data: Hex) => T | null): Promise<T | null> {
    if (!this.chain)
      throw new ServerError("CHAIN_UNAVAILABLE", `no chain RPC configured to read token ${to}`);
    try {
      const { data: answer } = await this.chain.call({ to, data });
      return decode(answer ?? "0x");
    } catch (error) {
      if (isRevert(error)) return null;
      throw new ServerError("CHAIN_UNAVAILABLE", `could not read token ${to} from the chain`, {
        cause: error,
      });
    }
  }
}

/** A base-unit amount in the token's decimal units, for CSV (no grouping: spreadsheets parse it). */
export function inUnits(value: string | bigint | null | undefined, token: TokenMeta): string | null {
  return value === null || value === undefined ? null : formatUnits(BigInt(value), token.decimals);
}
