import {
  accountIdToAddress,
  entitlement,
  genesisScheduleId,
  isClaimableStatus,
  memoText,
  unpaidEntitlement,
} from "@wellspring/protocol";
import { getAddress, type Address, type Hex } from "viem";
import { ServerError } from "../errors.ts";
import {
  proposedSchedule,
  type DepositRecord,
  type PoolRecord,
  type PoolRepository,
  type ScheduleRecord,
} from "../repositories/pools.ts";
import type { RunRepository } from "../repositories/runs.ts";
import type { StatementQueries } from "../repositories/statements.ts";
import { toCsv } from "./csv.ts";
import { depositReceipt } from "./pools.ts";
import { accountParam } from "./shared.ts";
import { inUnits, type TokenBook, type TokenMeta } from "./tokens.ts";

/** One recipient's part of a deposit. */
const share = (
  amount: bigint,
  r: { accountId: Hex; shares: bigint; identity: string | null },
  totalShares: bigint,
): PayerShare => ({
  accountId: r.accountId,
  identity: r.identity,
  shares: r.shares.toString(),
  amount: entitlement(amount, r.shares, totalShares).toString(),
});

/**
 * The genesis schedule (protocol `genesisScheduleId`: it owns the unallocated pot) once it has
 * activated: only then does its table share out what was deposited before it.
 */
function activatedGenesis(schedules: readonly ScheduleRecord[]): ScheduleRecord | undefined {
  const id = genesisScheduleId(schedules.map(proposedSchedule));
  const genesis = schedules.find((s) => s.scheduleId === id);
  return genesis && isClaimableStatus(genesis.status) ? genesis : undefined;
}

export type PayerShare = { accountId: Hex; identity: string | null; shares: string; amount: string };

export interface PayerDeposit {
  blockNumber: string;
  logIndex: number;
  txHash: Hex;
  blockTime: string | null;
  source: "deposit" | "sync";
  token: Address;
  amount: string;
  memo: Hex;
  /** The pot the event credited (null = unallocated). */
  scheduleId: string | null;
  /** The schedule whose table shares the deposit out (the genesis schedule for unallocated deposits). */
  sharedBy: {
    scheduleId: string;
    status: string;
    root: Hex;
    totalShares: string;
    runId: string | null;
  } | null;
  /** Why no split is shown: `unallocated` (no schedule activated yet) or `table_unavailable`. */
  unsplitReason: "unallocated" | "table_unavailable" | null;
  /** Recipients of the sharing table (all of them share the deposit). */
  recipientCount: number | null;
  /** Σ over every recipient of floor(amount × shares / totalShares). */
  distributed: string | null;
  /** The largest recipients' parts (as many as the request's `split`); the rest by the split endpoint. */
  recipients: PayerShare[];
  /** amount − distributed: what integer division leaves over. */
  dust: string | null;
}

/** A sharing table as the payer statement needs it: its run, size and largest recipients. */
interface SplitTable {
  runId: bigint;
  largest: { accountId: Hex; shares: bigint; identity: string | null }[];
}

export const PAYER_CSV_COLUMNS = [
  "blockNumber",
  "logIndex",
  "txHash",
  "blockTime",
  "token",
  "depositAmount",
  "memo",
  "scheduleId",
  "kind",
  "accountId",
  "identity",
  "shares",
  "totalShares",
  "amount",
  // Beside the raw columns above: the token's symbol, the amounts in its decimal units, the memo as text.
  "tokenSymbol",
  "depositAmountDecimal",
  "memoText",
  "amountDecimal",
] as const;

/**
 * Per deposit: a `share` line per listed recipient, an `others` line for everyone else in the table
 * (their shares and amount together), then a `dust` line; the lines of a deposit add up to its
 * amount. Unsplit deposits get one line with their reason.
 */
export function payerStatementToCsv(deposits: readonly PayerDeposit[], tokens: TokenBook): string {
  const rows: unknown[][] = [];
  for (const d of deposits) {
    const line = depositLine(d, tokens(d.token));
    if (d.unsplitReason) {
      rows.push(line(d.unsplitReason, null, null, null, d.amount));
      continue;
    }
    let listedShares = 0n;
    let listedAmount = 0n;
    for (const r of d.recipients) {
      listedShares += BigInt(r.shares);
      listedAmount += BigInt(r.amount);
      rows.push(line("share", r.accountId, r.identity, r.shares, r.amount));
    }
    const others = (d.recipientCount ?? 0) - d.recipients.length;
    if (others > 0 && d.sharedBy && d.distributed !== null) {
      const shares = BigInt(d.sharedBy.totalShares) - listedShares;
      rows.push(
        line("others", null, `${others} more recipients`, shares, BigInt(d.distributed) - listedAmount),
      );
    }
    rows.push(line("dust", null, null, null, d.dust));
  }
  return toCsv(PAYER_CSV_COLUMNS, rows);
}

/** One page of a deposit's split: a `share` line per recipient (the deposit's columns repeated). */
export function depositSplitToCsv(
  page: { deposit: PayerDeposit; recipients: readonly PayerShare[] },
  tokens: TokenBook,
): string {
  const line = depositLine(page.deposit, tokens(page.deposit.token));
  return toCsv(
    PAYER_CSV_COLUMNS,
    page.recipients.map((r) => line("share", r.accountId, r.identity, r.shares, r.amount)),
  );
}

/** A CSV line of one deposit (PAYER_CSV_COLUMNS): the deposit's columns, then the line's own. */
function depositLine(d: PayerDeposit, token: TokenMeta) {
  const head = [d.blockNumber, d.logIndex, d.txHash, d.blockTime, d.token, d.amount, d.memo];
  const units = [token.symbol, inUnits(d.amount, token), memoText(d.memo)];
  const scheduleId = d.sharedBy?.scheduleId ?? null;
  // Unsplit lines have no table, so no totalShares either.
  const totalShares = d.unsplitReason ? null : d.sharedBy?.totalShares;
  return (
    kind: string,
    accountId: unknown,
    identity: unknown,
    shares: unknown,
    amount: string | bigint | null,
  ): unknown[] => [
    ...head,
    scheduleId,
    kind,
    accountId,
    identity,
    shares,
    totalShares,
    amount,
    ...units,
    inUnits(amount, token),
  ];
}

const potKey = (schedule: bigint, token: Address) => `${schedule}:${token}`;

/** One schedule's pot of one token and where it is (StatementService.schedulePots). */
export interface PotLine {
  scheduleId: string;
  status: string;
  token: Address;
  pot: string;
  claimed: string;
  waiting: string;
  unbound: string;
  held: string;
  swept: string;
  dust: string;
}

const POT_PARTS = ["pot", "claimed", "waiting", "unbound", "held", "swept", "dust"] as const;
const potLine = (
  l: Omit<PotLine, (typeof POT_PARTS)[number]> & Record<(typeof POT_PARTS)[number], bigint>,
): PotLine => ({
  ...l,
  ...(Object.fromEntries(POT_PARTS.map((p) => [p, l[p].toString()])) as Record<
    (typeof POT_PARTS)[number],
    string
  >),
});

export interface ContributorLine {
  scheduleId: string;
  status: string;
  runId: string;
  shares: string;
  totalShares: string;
  token: Address;
  pot: string;
  entitled: string;
  claimed: string;
  waiting: string;
  swept: boolean;
}

export const CONTRIBUTOR_CSV_COLUMNS = [
  "scheduleId",
  "status",
  "runId",
  "shares",
  "totalShares",
  "token",
  "pot",
  "entitled",
  "claimed",
  "waiting",
  "swept",
  // Beside the raw columns: the token's symbol and the amounts in its decimal units.
  "tokenSymbol",
  "potDecimal",
  "entitledDecimal",
  "claimedDecimal",
  "waitingDecimal",
] as const;

const CONTRIBUTOR_RAW = CONTRIBUTOR_CSV_COLUMNS.slice(0, CONTRIBUTOR_CSV_COLUMNS.indexOf("tokenSymbol"));

export function contributorStatementToCsv(lines: readonly ContributorLine[], tokens: TokenBook): string {
  return toCsv(
    CONTRIBUTOR_CSV_COLUMNS,
    lines.map((l) => {
      const token = tokens(l.token);
      return [
        ...CONTRIBUTOR_RAW.map((c) => l[c as keyof ContributorLine]),
        token.symbol,
        ...[l.pot, l.entitled, l.claimed, l.waiting].map((v) => inUnits(v, token)),
      ];
    }),
  );
}

/**
 * Statements from indexed chain events and stored share tables. A payer sees each of its
 * deposits shared out by the table of the schedule whose pot it credited; a contributor sees,
 * per schedule and token, what it is entitled to, what it claimed and what still waits.
 */
export class StatementService {
  constructor(
    private readonly pools: PoolRepository,
    private readonly runs: RunRepository,
    private readonly queries: StatementQueries,
    private readonly chainId: number,
    private readonly now: () => number = Date.now,
  ) {}

  async payer(
    poolAddress: Address,
    payer: Address,
    page: { limit: number; cursor?: string; token?: Address; split: number },
  ): Promise<{ pool: Address; payer: Address; deposits: PayerDeposit[]; nextCursor: string | null }> {
    const pool = await this.require(poolAddress);
    const [block, index] = page.cursor ? page.cursor.split(":") : [];
    const rows = await this.pools.deposits(pool.id, {
      limit: page.limit + 1,
      payer,
      ...(page.token ? { token: page.token } : {}),
      ...(block !== undefined && index !== undefined
        ? { after: { blockNumber: BigInt(block), logIndex: Number(index) } }
        : {}),
    });
    const shown = rows.slice(0, page.limit);
    const schedules = await this.pools.schedules(pool.id, new Date(this.now()));
    const genesis = activatedGenesis(schedules);
    const byId = new Map(schedules.map((s) => [s.scheduleId, s]));
    // One read of the largest recipients per schedule per page; a table is never loaded whole
    // (10^6 recipients): the sums over it are computed in SQL.
    const tables = new Map<bigint, SplitTable | null>();
    const tableOf = async (s: ScheduleRecord) => {
      if (!tables.has(s.scheduleId)) {
        const runId = await this.queries.runForSchedule(pool.id, s.scheduleId, s.root);
        tables.set(
          s.scheduleId,
          runId === undefined
            ? null
            : { runId, largest: await this.queries.largestRecipients(runId, page.split) },
        );
      }
      return tables.get(s.scheduleId) ?? null;
    };

    const deposits: PayerDeposit[] = [];
    for (const d of shown) {
      const schedule = d.scheduleId === null ? genesis : byId.get(d.scheduleId);
      const table = schedule ? await tableOf(schedule) : null;
      deposits.push(await this.split(d, schedule, table));
    }
    const last = shown.at(-1);
    return {
      pool: pool.address,
      payer: getAddress(payer),
      deposits,
      nextCursor: rows.length > page.limit && last ? `${last.blockNumber}:${last.logIndex}` : null,
    };
  }

  /**
   * Every recipient's part of one deposit, page by page in accountId order (the whole split of a
   * deposit, which the payer statement only summarises).
   */
  async depositSplit(
    poolAddress: Address,
    at: { blockNumber: bigint; logIndex: number },
    page: { limit: number; after?: Hex },
  ): Promise<{ deposit: PayerDeposit; recipients: PayerShare[]; nextCursor: string | null }> {
    const pool = await this.require(poolAddress);
    const [d] = await this.pools.deposits(pool.id, {
      limit: 1,
      after: { blockNumber: at.blockNumber, logIndex: at.logIndex - 1 },
    });
    if (!d || d.blockNumber !== at.blockNumber || d.logIndex !== at.logIndex)
      throw new ServerError("NOT_FOUND", `no deposit at block ${at.blockNumber}, log ${at.logIndex}`);
    const schedules = await this.pools.schedules(pool.id, new Date(this.now()));
    const schedule =
      d.scheduleId === null
        ? activatedGenesis(schedules)
        : schedules.find((s) => s.scheduleId === d.scheduleId);
    const runId = schedule
      ? await this.queries.runForSchedule(pool.id, schedule.scheduleId, schedule.root)
      : undefined;
    const deposit = await this.split(d, schedule, runId === undefined ? null : { runId, largest: [] });
    if (!schedule || runId === undefined) return { deposit, recipients: [], nextCursor: null };
    const rows = await this.runs.recipients(runId, {
      limit: page.limit + 1,
      ...(page.after ? { afterAccountId: page.after } : {}),
    });
    const shown = rows.slice(0, page.limit);
    return {
      deposit,
      recipients: shown.map((r) => share(d.amount, r, schedule.totalShares)),
      nextCursor: rows.length > page.limit ? (shown.at(-1)?.accountId ?? null) : null,
    };
  }

  private async split(
    d: DepositRecord,
    schedule: ScheduleRecord | undefined,
    table: SplitTable | null,
  ): Promise<PayerDeposit> {
    // The deposits list's receipt fields (the statement names its payer once, at the top).
    const { payer: _payer, ...receipt } = depositReceipt(d);
    const base = {
      ...receipt,
      sharedBy: schedule
        ? {
            scheduleId: schedule.scheduleId.toString(),
            status: schedule.status,
            root: schedule.root,
            totalShares: schedule.totalShares.toString(),
            runId: table ? table.runId.toString() : null,
          }
        : null,
    };
    const unsplit = { recipientCount: null, distributed: null, recipients: [], dust: null };
    if (!schedule) return { ...base, ...unsplit, unsplitReason: "unallocated" };
    if (!table) return { ...base, ...unsplit, unsplitReason: "table_unavailable" };
    const totals = await this.queries.splitTotals(table.runId, d.amount, schedule.totalShares);
    return {
      ...base,
      unsplitReason: null,
      recipientCount: totals.count,
      distributed: totals.distributed.toString(),
      recipients: table.largest.map((r) => share(d.amount, r, schedule.totalShares)),
      dust: (d.amount - totals.distributed).toString(),
    };
  }

  async contributor(poolAddress: Address, account: string) {
    const accountId = accountParam(account);
    const pool = await this.require(poolAddress);
    const schedules = await this.pools.schedules(pool.id, new Date(this.now()));
    const [{ pots, tokens }, claimed] = await Promise.all([
      this.pots(pool.id, schedules),
      this.queries.claimedBy(pool.id, accountId),
    ]);
    const claimedMap = new Map(claimed.map((c) => [potKey(c.scheduleId, c.token), c.amount]));

    let identity: string | null = account.includes(":") ? account : null;
    const lines: ContributorLine[] = [];
    const { withRuns, unavailable } = await this.claimableWithRuns(pool.id, schedules);
    for (const { schedule: s, runId } of withRuns) {
      const leaf = await this.queries.recipient(runId, accountId);
      if (!leaf) continue;
      identity ??= leaf.identity;
      for (const token of [...tokens].sort()) {
        const pot = pots.get(potKey(s.scheduleId, token)) ?? 0n;
        const entitled = entitlement(pot, leaf.shares, s.totalShares);
        const got = claimedMap.get(potKey(s.scheduleId, token)) ?? 0n;
        const isSwept = s.sweptTokens.includes(token);
        // A swept pot pays nothing more: its remainder now belongs to a later schedule.
        const waiting = unpaidEntitlement({
          pot: { deposited: pot, swept: isSwept },
          shares: leaf.shares,
          totalShares: s.totalShares,
          paid: got,
        });
        lines.push({
          scheduleId: s.scheduleId.toString(),
          status: s.status,
          runId: runId.toString(),
          shares: leaf.shares.toString(),
          totalShares: s.totalShares.toString(),
          token,
          pot: pot.toString(),
          entitled: entitled.toString(),
          claimed: got.toString(),
          waiting: waiting.toString(),
          swept: isSwept,
        });
      }
    }
    const totals = new Map<Address, { entitled: bigint; claimed: bigint; waiting: bigint }>();
    for (const l of lines) {
      const t = totals.get(l.token) ?? { entitled: 0n, claimed: 0n, waiting: 0n };
      t.entitled += BigInt(l.entitled);
      t.claimed += BigInt(l.claimed);
      t.waiting += BigInt(l.waiting);
      totals.set(l.token, t);
    }
    return {
      pool: pool.address,
      accountId,
      identity,
      address: accountIdToAddress(accountId) ?? null,
      lines,
      totals: [...totals].map(([token, t]) => ({
        token,
        entitled: t.entitled.toString(),
        claimed: t.claimed.toString(),
        waiting: t.waiting.toString(),
      })),
      unavailableSchedules: unavailable,
    };
  }

  /**
   * Every schedule's pot per token: the deposits credited to it, the unallocated deposits for the
   * genesis schedule (which owns that pot), and remainders swept into it. Keyed by `potKey`.
   */
  /**
   * The claimable schedules (in order) with the run whose table this server holds for each; the
   * ids of those it holds none for are `unavailable`.
   */
  private async claimableWithRuns(poolId: bigint, schedules: readonly ScheduleRecord[]) {
    const withRuns: { schedule: ScheduleRecord; runId: bigint }[] = [];
    const unavailable: string[] = [];
    for (const schedule of schedules) {
      if (!isClaimableStatus(schedule.status)) continue;
      const runId = await this.queries.runForSchedule(poolId, schedule.scheduleId, schedule.root);
      if (runId === undefined) unavailable.push(schedule.scheduleId.toString());
      else withRuns.push({ schedule, runId });
    }
    return { withRuns, unavailable };
  }

  private async pots(poolId: bigint, schedules: readonly ScheduleRecord[]) {
    const genesis = genesisScheduleId(schedules.map(proposedSchedule));
    const [deposited, swept] = await Promise.all([
      this.queries.depositTotals(poolId),
      this.queries.sweptInto(poolId),
    ]);
    const pots = new Map<string, bigint>();
    const tokens = new Set<Address>();
    const add = (s: bigint, t: Address, v: bigint) => {
      tokens.add(t);
      pots.set(potKey(s, t), (pots.get(potKey(s, t)) ?? 0n) + v);
    };
    for (const p of deposited) {
      // Unallocated deposits (no schedule current) wait in pot key 0, the genesis schedule's.
      const owner = p.scheduleId ?? genesis;
      if (owner !== undefined) add(owner, p.token, p.amount);
    }
    for (const p of swept) add(p.scheduleId!, p.token, p.amount);
    return { pots, tokens };
  }

  /**
   * Where each activated schedule's money is, per token: claimed, waiting for recipients who can
   * claim, waiting for identities nobody bound yet, held for components, swept to a later schedule,
   * and rounding dust. The parts add up to the pot exactly (a swept pot: claimed + swept).
   */
  async schedulePots(
    poolAddress: Address,
  ): Promise<{ pool: Address; pots: PotLine[]; unavailableSchedules: string[] }> {
    const pool = await this.require(poolAddress);
    const schedules = await this.pools.schedules(pool.id, new Date(this.now()));
    const [{ pots, tokens }, claims, sweeps] = await Promise.all([
      this.pots(pool.id, schedules),
      this.queries.claimTotals(pool.id),
      this.queries.sweptOut(pool.id),
    ]);
    const claimed = new Map(claims.map((c) => [potKey(c.scheduleId, c.token), c.amount]));
    const sweptOut = new Map(sweeps.map((c) => [potKey(c.scheduleId, c.token), c.amount]));
    const lines: PotLine[] = [];
    const { withRuns, unavailable } = await this.claimableWithRuns(pool.id, schedules);
    for (const { schedule: s, runId } of withRuns) {
      for (const token of [...tokens].sort()) {
        const k = potKey(s.scheduleId, token);
        const pot = pots.get(k) ?? 0n;
        const got = claimed.get(k) ?? 0n;
        const swept = sweptOut.get(k);
        const line = { scheduleId: s.scheduleId.toString(), status: s.status, token, pot, claimed: got };
        if (swept !== undefined) {
          lines.push(potLine({ ...line, waiting: 0n, unbound: 0n, held: 0n, swept, dust: 0n }));
          continue;
        }
        const g = await this.queries.potGroups(
          { poolId: pool.id, runId, chainId: this.chainId },
          pot,
          s.totalShares,
        );
        lines.push(
          potLine({
            ...line,
            waiting: g.distributed - g.held - g.unbound - got,
            unbound: g.unbound,
            held: g.held,
            swept: 0n,
            dust: pot - g.distributed,
          }),
        );
      }
    }
    return { pool: pool.address, pots: lines, unavailableSchedules: unavailable };
  }

  private async require(address: Address): Promise<PoolRecord> {
    const pool = await this.pools.findByAddress(this.chainId, address);
    if (!pool) throw new ServerError("NOT_FOUND", `no pool ${address} registered on chain ${this.chainId}`);
    return pool;
  }
}
