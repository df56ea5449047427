import { POOL_MIN_DELAYS, memoText, royaltyPoolAbi } from "@wellspring/sdk";
import type { Address, PublicClient } from "viem";
import { isContractAnswer } from "../chain-errors.ts";
import { ServerError } from "../errors.ts";
import { toCsv } from "./csv.ts";
import { inUnits, type TokenBook } from "./tokens.ts";
import type {
  BalanceRecord,
  DepositRecord,
  PoolRecord,
  PoolRepository,
  ScheduleRecord,
  ScheduleStatus,
} from "../repositories/pools.ts";

const str = (v: bigint | null) => (v === null ? null : v.toString());

const poolDto = (p: PoolRecord) => ({
  chainId: p.chainId,
  address: p.address,
  name: p.name,
  deployedBlock: p.deployedBlock.toString(),
  activationDelaySeconds: str(p.activationDelaySeconds),
  claimWindowSeconds: str(p.claimWindowSeconds),
  registeredBy: p.registeredBy,
  createdAt: p.createdAt.toISOString(),
});

const balanceDto = (b: BalanceRecord) => ({
  token: b.token,
  deposited: b.deposited.toString(),
  claimed: b.claimed.toString(),
  balance: b.balance.toString(),
});

const scheduleDto = (s: ScheduleRecord) => ({
  scheduleId: s.scheduleId.toString(),
  status: s.status,
  proposer: s.proposer,
  root: s.root,
  totalShares: s.totalShares.toString(),
  tableHash: s.tableHash,
  policyHash: s.policyHash,
  inputsHash: s.inputsHash,
  uri: s.uri,
  activatesAt: s.activatesAt.toISOString(),
  proposedBlock: s.proposedBlock.toString(),
  proposedTx: s.proposedTx,
  revokedBlock: str(s.revokedBlock),
  revokedBy: s.revokedBy,
  sweptTokens: s.sweptTokens,
  runId: str(s.runId),
});

/** A deposit event as the API shows it (the deposits list, and each deposit of the payer statement). */
export const depositReceipt = (d: DepositRecord) => ({
  blockNumber: d.blockNumber.toString(),
  logIndex: d.logIndex,
  txHash: d.txHash,
  blockTime: d.blockTime?.toISOString() ?? null,
  scheduleId: str(d.scheduleId),
  source: d.source,
  token: d.token,
  payer: d.payer,
  amount: d.amount.toString(),
  memo: d.memo,
});

export type DepositReceipt = ReturnType<typeof depositReceipt>;

export const DEPOSIT_CSV_COLUMNS = [
  "blockNumber",
  "logIndex",
  "txHash",
  "blockTime",
  "scheduleId",
  "source",
  "token",
  "payer",
  "amount",
  "memo",
  // Beside the raw columns: the token's symbol, the amount in its decimal units, the memo as text.
  "tokenSymbol",
  "amountDecimal",
  "memoText",
] as const;

const DEPOSIT_RAW = DEPOSIT_CSV_COLUMNS.slice(0, DEPOSIT_CSV_COLUMNS.indexOf("tokenSymbol"));

export function depositsToCsv(rows: readonly DepositReceipt[], tokens: TokenBook): string {
  return toCsv(
    DEPOSIT_CSV_COLUMNS,
    rows.map((row) => {
      const token = tokens(row.token);
      return [
        ...DEPOSIT_RAW.map((column) => row[column as keyof DepositReceipt]),
        token.symbol,
        inUnits(row.amount, token),
        memoText(row.memo),
      ];
    }),
  );
}

/** Pools of the one chain this server serves (CHAIN_ID). */
export class PoolService {
  constructor(
    private readonly pools: PoolRepository,
    private readonly chainId: number,
    /** The clock schedule statuses are computed against (ms since the epoch). */
    private readonly now: () => number = Date.now,
    /** When given, a registered address must be a royalty pool on it. */
    private readonly chain?: PublicClient,
  ) {}

  async register(input: { address: Address; name: string; deployedBlock: bigint; registeredBy: Address }) {
    if (this.chain) await assertIsPool(this.chain, input.address, this.chainId);
    return poolDto(await this.pools.insert({ ...input, chainId: this.chainId }));
  }

  async list(page: { limit: number; cursor?: string }) {
    const rows = await this.pools.list(this.chainId, {
      limit: page.limit + 1,
      ...(page.cursor === undefined ? {} : { afterId: BigInt(page.cursor) }),
    });
    const shown = rows.slice(0, page.limit);
    return {
      pools: shown.map(poolDto),
      nextCursor: rows.length > page.limit ? (shown.at(-1)?.id.toString() ?? null) : null,
    };
  }

  async get(address: Address) {
    const pool = await this.require(address);
    const [balances, schedules] = await Promise.all([
      this.pools.balances(pool.id),
      this.pools.schedules(pool.id, new Date(this.now())),
    ]);
    const scheduleCounts: Record<string, number> = { pending: 0, active: 0, superseded: 0, revoked: 0 };
    for (const s of schedules) scheduleCounts[s.status] = (scheduleCounts[s.status] ?? 0) + 1;
    return { ...poolDto(pool), balances: balances.map(balanceDto), scheduleCounts };
  }

  async schedules(address: Address, status?: ScheduleStatus) {
    const pool = await this.require(address);
    return {
      schedules: (await this.pools.schedules(pool.id, new Date(this.now()), status)).map(scheduleDto),
    };
  }

  /** Receipts: deposits into the pool in chain order, optionally of one payer or token. */
  async deposits(
    address: Address,
    page: { limit: number; cursor?: string; payer?: Address; token?: Address },
  ) {
    const pool = await this.require(address);
    const [block, index] = page.cursor ? page.cursor.split(":") : [];
    const rows = await this.pools.deposits(pool.id, {
      limit: page.limit + 1,
      ...(page.payer ? { payer: page.payer } : {}),
      ...(page.token ? { token: page.token } : {}),
      ...(block !== undefined && index !== undefined
        ? { after: { blockNumber: BigInt(block), logIndex: Number(index) } }
        : {}),
    });
    const shown = rows.slice(0, page.limit);
    const last = shown.at(-1);
    return {
      deposits: shown.map(depositReceipt),
      nextCursor: rows.length > page.limit && last ? `${last.blockNumber}:${last.logIndex}` : null,
    };
  }

  async balances(address: Address) {
    const pool = await this.require(address);
    return { balances: (await this.pools.balances(pool.id)).map(balanceDto) };
  }

  async require(address: Address): Promise<PoolRecord> {
    const pool = await this.pools.findByAddress(this.chainId, address);
    if (!pool) throw new ServerError("NOT_FOUND", `no pool ${address} registered on chain ${this.chainId}`);
    return pool;
  }
}

/**
 * A pool answers the RoyaltyPool's `registry()`; an address without code (or another contract)
 * does not. Registering one would make every role check on it fail later.
 */
/**
 * A registered address must be a royalty pool whose delays are at least the pool's on-chain minimums:
 * below them (pools made before the bounds, or by another factory) a proposer can activate a table
 * and sweep older money into it before any guardian can act, so such a pool is not shown as safe.
 */
async function assertIsPool(chain: PublicClient, address: Address, chainId: number): Promise<void> {
  let delays: { activationDelay: number; claimWindow: number };
  try {
    const read = (functionName: "registry" | "activationDelay" | "claimWindow") =>
      chain.readContract({ address, abi: royaltyPoolAbi, functionName });
    const [, activationDelay, claimWindow] = await Promise.all([
      read("registry"),
      read("activationDelay") as Promise<number>,
      read("claimWindow") as Promise<number>,
    ]);
    delays = { activationDelay, claimWindow };
  } catch (error) {
    if (isContractAnswer(error)) {
      throw new ServerError("VALIDATION", `${address} is not a royalty pool on chain ${chainId}`, {
        issues: [{ path: "body.address", message: "no royalty pool at this address" }],
      });
    }
    throw new ServerError("CHAIN_UNAVAILABLE", "could not check the pool on the chain", { cause: error });
  }
  const short = (["activationDelay", "claimWindow"] as const).filter(
    (name) => delays[name] < POOL_MIN_DELAYS[name],
  );
  if (short.length > 0) {
    throw new ServerError("VALIDATION", `${address} has delays below the pool minimums`, {
      reason: "POOL_DELAYS_TOO_SHORT",
      issues: short.map((name) => ({
        path: "body.address",
        message: `the pool's ${name} is ${delays[name]} s, below the minimum of ${POOL_MIN_DELAYS[name]} s`,
      })),
    });
  }
}
