import { buildMerkleTree, merkleProof, merkleRoot, type MerkleTree } from "@wellspring/attribution";
import {
  claimableFrom,
  type ClaimableStatus,
  encodeClaimCalldata,
  genesisScheduleId,
  isClaimableStatus,
  potKey,
  type ProposedSchedule,
  scheduleStatuses,
  sweepableAt,
} from "@wellspring/protocol";
import { getAddress, type Address, type Hex } from "viem";
import type { Database } from "../db/database.ts";
import { ServerError } from "../errors.ts";
import { poolStream } from "../indexer/pool-indexer.ts";
import { ClaimStateQueries, type IndexedCursor, type SweepRow } from "../repositories/claim-state.ts";
import {
  chainSeconds,
  proposedSchedule,
  type PoolRecord,
  type PoolRepository,
  type ScheduleRecord,
} from "../repositories/pools.ts";
import { StatementQueries } from "../repositories/statements.ts";
import { accountParam } from "./shared.ts";

/** Key of the sums of a (schedule, token) pair; schedule 0 = no schedule current, as deposits name it. */
const sumKey = (scheduleId: bigint, token: Hex): string => `${scheduleId}|${token}`;

interface ScheduleView extends ProposedSchedule {
  root: Hex;
  totalShares: bigint;
}

/**
 * What the indexer has stored for one pool, as of one cursor: the sums the pool's `claimable`
 * view needs, kept in memory so a request costs no database round trip. Deposit and claim sums
 * follow the indexer incrementally (only events above the previous cursor are read); a reorg
 * rollback (the previous cursor's block hash is gone) or a cursor that moved back reloads it all.
 */
interface PoolState {
  cursor: IndexedCursor | undefined;
  /** The stream's latest reorg rollback when the state was loaded (a new one forces a reload). */
  lastReorg: bigint | null;
  schedules: ScheduleView[];
  /** The stored run behind each schedule (undefined: this server does not hold its table). */
  runs: Map<bigint, bigint | undefined>;
  /** Deposits and syncs per (schedule the event credited, token), lower-case token hex. */
  deposited: Map<string, bigint>;
  /** Claims per (schedule, token) over all accounts: the pot's `claimed`. */
  potClaimed: Map<string, bigint>;
  /** Claims per account, then per (schedule, token): the pool's `claimed(scheduleId, accountId, token)`. */
  accountClaimed: Map<string, Map<string, bigint>>;
  sweeps: SweepRow[];
  /** Every token ever deposited, lower-case hex ascending, with its checksummed form. */
  tokens: { hex: Hex; address: Address }[];
}

interface PoolEntry {
  pool: PoolRecord;
  state: PoolState | undefined;
  /** performance.now() of the last check against the database. */
  checkedAt: number;
  checking: Promise<void> | undefined;
}

/**
 * A stored share table in compact form with its Merkle tree (OpenZeppelin layout, typed arrays).
 * Nothing is kept per row as a JavaScript object: 10^6 bigints in the old generation would make
 * every major garbage collection walk them.
 */
interface RunTree {
  length: number;
  /** 32 bytes per row, ascending. */
  accountIds: Uint8Array;
  /** Shares, one 32-byte big-endian word per row. */
  shares: DataView;
  tree: MerkleTree;
}

function packShares(shares: readonly bigint[]): DataView {
  const view = new DataView(new ArrayBuffer(shares.length * 32));
  shares.forEach((value, row) => {
    let v = value;
    for (let w = 3; w >= 0; w--) {
      view.setBigUint64(row * 32 + w * 8, v & 0xffffffffffffffffn);
      v >>= 64n;
    }
  });
  return view;
}

/** Binary search of a 32-byte accountId in the table's ascending rows; -1 when absent. */
function rowOf(tree: RunTree, key: Uint8Array): number {
  const ids = tree.accountIds;
  let lo = 0;
  let hi = tree.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const o = mid * 32;
    let cmp = 0;
    for (let b = 0; b < 32 && cmp === 0; b++) cmp = ids[o + b]! - key[b]!;
    if (cmp === 0) return mid;
    if (cmp < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

function sharesAt(tree: RunTree, row: number): bigint {
  const o = row * 32;
  const { shares: v } = tree;
  return (
    (v.getBigUint64(o) << 192n) |
    (v.getBigUint64(o + 8) << 128n) |
    (v.getBigUint64(o + 16) << 64n) |
    v.getBigUint64(o + 24)
  );
}

export interface ClaimServiceOptions {
  /**
   * How long (ms) the in-memory state of a pool is used before the indexer's cursor is checked
   * again; a changed cursor loads the new events before the request is answered. 0 = check on
   * every request.
   */
  freshMs?: number;
  /** Trees kept in memory (a 10^6-recipient table takes ~135 MB: ids, packed shares, 2n-1 nodes, index). */
  maxTrees?: number;
}

/**
 * Everything an account can claim from a pool: for every activated, unrevoked schedule whose
 * table this server stored, the account's leaf and Merkle proof (from the stored table's tree),
 * the amounts claimable per token, and the calldata of one `claim` call that takes all of it.
 *
 * Amounts are computed from indexed events exactly as the pool's `claimable` view computes them
 * (pot per schedule and token, mulDiv rounding down, what the account was already paid, swept
 * pots, the pot bound), so they equal the chain's figures as of the indexer's cursor block. The
 * pool sums and the trees are derived caches of PostgreSQL (per instance, rebuilt on demand);
 * the database stays the only state.
 */
export class ClaimService {
  private readonly entries = new Map<string, PoolEntry>();
  private readonly trees = new Map<bigint, Promise<RunTree>>();
  private readonly state: ClaimStateQueries;
  private readonly statements: StatementQueries;
  private readonly freshMs: number;
  private readonly maxTrees: number;

  constructor(
    db: Database,
    private readonly pools: PoolRepository,
    private readonly chainId: number,
    private readonly now: () => number = Date.now,
    options: ClaimServiceOptions = {},
  ) {
    this.state = new ClaimStateQueries(db);
    this.statements = new StatementQueries(db);
    this.freshMs = options.freshMs ?? 1_000;
    this.maxTrees = options.maxTrees ?? 4;
  }

  async claimable(poolAddress: Address, account: string) {
    const { requests: _requests, ...answer } = await this.plan(poolAddress, accountParam(account));
    return answer;
  }

  /**
   * `claimable` with the claim requests behind its transaction, for callers that put the requests
   * of several accounts of one pool into one `claim` call.
   */
  async plan(poolAddress: Address, accountId: Hex) {
    const entry = await this.entry(poolAddress);
    const state = await this.fresh(entry);
    const now = chainSeconds(new Date(this.now()));

    // Schedules the pool lets claim now: activated and not revoked (active or superseded).
    const statuses = new Map(scheduleStatuses(state.schedules, now).map((s) => [s.scheduleId, s]));
    const claimWindow = entry.pool.claimWindowSeconds;
    const unavailable: string[] = [];
    const withTables: {
      schedule: ScheduleView;
      status: ClaimableStatus;
      sweepableAt: string | null;
      runId: bigint;
      tree: Promise<RunTree>;
    }[] = [];
    for (const schedule of state.schedules) {
      const { status, supersededAt } = statuses.get(schedule.scheduleId)!;
      if (!isClaimableStatus(status)) continue;
      const runId = state.runs.get(schedule.scheduleId);
      if (runId === undefined) unavailable.push(schedule.scheduleId.toString());
      else {
        const sweepable =
          claimWindow === null
            ? 0n
            : sweepableAt({ activatesAt: 0n, supersededAt, revoked: false }, claimWindow);
        withTables.push({
          schedule,
          status,
          sweepableAt: sweepable === 0n ? null : new Date(Number(sweepable) * 1000).toISOString(),
          runId,
          tree: this.tree(runId, schedule.root),
        });
      }
    }
    const trees = await Promise.all(withTables.map((w) => w.tree));

    // From here on everything is synchronous, so the state cannot change under the computation.
    const genesis = genesisScheduleId(state.schedules);
    const claimedByAccount = state.accountClaimed.get(accountId);
    const key = Buffer.from(accountId.slice(2), "hex");
    const items: {
      scheduleId: string;
      status: ClaimableStatus;
      sweepableAt: string | null;
      runId: string;
      shares: string;
      proof: Hex[];
      claimable: { token: Address; amount: string }[];
    }[] = [];
    const requests: {
      scheduleId: bigint;
      accountId: Hex;
      shares: bigint;
      proof: Hex[];
      tokens: Address[];
    }[] = [];
    const totals = new Map<Address, bigint>();
    withTables.forEach(({ schedule, status, sweepableAt, runId }, i) => {
      const tree = trees[i]!;
      const row = rowOf(tree, key);
      if (row < 0) return;
      const shares = sharesAt(tree, row);
      const proof = merkleProof(tree.tree, row);
      const amounts = state.tokens.map(({ hex, address }) => {
        const amount = claimableAmount(state, schedule, genesis, shares, hex, claimedByAccount);
        totals.set(address, (totals.get(address) ?? 0n) + amount);
        return { token: address, amount };
      });
      items.push({
        scheduleId: schedule.scheduleId.toString(),
        status,
        sweepableAt,
        runId: runId.toString(),
        shares: shares.toString(),
        proof,
        claimable: amounts.map((a) => ({ token: a.token, amount: a.amount.toString() })),
      });
      // One claim call for everything with a positive amount; tokens per request only where owed.
      const owed = amounts.filter((a) => a.amount > 0n).map((a) => a.token);
      if (owed.length > 0)
        requests.push({ scheduleId: schedule.scheduleId, accountId, shares, proof, tokens: owed });
    });
    return {
      accountId,
      items,
      // Empty when no schedule lists the account (totals are only added with an item).
      totals: [...totals].map(([token, amount]) => ({ token, amount: amount.toString() })),
      unavailableSchedules: unavailable,
      transaction:
        requests.length === 0
          ? null
          : {
              to: entry.pool.address,
              data: encodeClaimCalldata(requests),
            },
      requests,
    };
  }

  /** The registered pool (cached: a pool row does not change address or id). */
  private async entry(poolAddress: Address): Promise<PoolEntry> {
    const key = poolAddress.toLowerCase();
    const known = this.entries.get(key);
    if (known) return known;
    const pool = await this.pools.findByAddress(this.chainId, poolAddress);
    if (!pool)
      throw new ServerError("NOT_FOUND", `no pool ${poolAddress} registered on chain ${this.chainId}`);
    const entry: PoolEntry = { pool, state: undefined, checkedAt: -Infinity, checking: undefined };
    this.entries.set(key, entry);
    return entry;
  }

  /** The pool's state, checked against the indexer's cursor at most every `freshMs`. */
  private async fresh(entry: PoolEntry): Promise<PoolState> {
    if (entry.state && performance.now() - entry.checkedAt < this.freshMs) return entry.state;
    // One check at a time per pool; concurrent requests wait for the same one.
    entry.checking ??= this.check(entry).finally(() => {
      entry.checking = undefined;
    });
    await entry.checking;
    return entry.state!;
  }

  private async check(entry: PoolEntry): Promise<void> {
    const started = performance.now();
    const { cursor, lastReorg } = await this.state.position(this.chainId, poolStream(entry.pool.address));
    const previous = entry.state;
    if (previous && previous.lastReorg === lastReorg && sameCursor(previous.cursor, cursor)) {
      // Nothing new was indexed; a table stored since the last look may have become available.
      if ([...previous.runs.values()].some((r) => r === undefined))
        previous.runs = await this.resolveRuns(entry.pool, previous.schedules);
    } else if (
      previous?.cursor &&
      cursor &&
      previous.lastReorg === lastReorg &&
      cursor.blockNumber > previous.cursor.blockNumber
    ) {
      // No rollback since the last look: the rows up to the old cursor are unchanged.
      await this.advance(entry.pool, previous, cursor);
    } else {
      entry.state = await this.load(entry.pool, cursor, lastReorg);
    }
    entry.checkedAt = started;
  }

  /** Everything, as of `cursor` (no bound when the pool was never indexed). */
  private async load(
    pool: PoolRecord,
    cursor: IndexedCursor | undefined,
    lastReorg: bigint | null,
  ): Promise<PoolState> {
    const upTo = cursor?.blockNumber;
    const [scheduleRows, deposits, claims, sweeps] = await Promise.all([
      this.pools.schedules(pool.id, new Date(this.now())),
      this.state.depositSums(pool.id, { ...(upTo === undefined ? {} : { upTo }) }),
      this.state.claimSums(pool.id, { ...(upTo === undefined ? {} : { upTo }) }),
      this.state.sweeps(pool.id, upTo),
    ]);
    const schedules = toViews(scheduleRows, upTo);
    const state: PoolState = {
      cursor,
      lastReorg,
      schedules,
      runs: await this.resolveRuns(pool, schedules),
      deposited: new Map(),
      potClaimed: new Map(),
      accountClaimed: new Map(),
      sweeps,
      tokens: [],
    };
    addDeposits(state, deposits);
    addClaims(state, claims);
    return state;
  }

  /** Adds the events in (previous cursor, cursor]; schedules and sweeps (few rows) are re-read whole. */
  private async advance(pool: PoolRecord, state: PoolState, cursor: IndexedCursor): Promise<void> {
    const range = { after: state.cursor!.blockNumber, upTo: cursor.blockNumber };
    const [scheduleRows, deposits, claims, sweeps] = await Promise.all([
      this.pools.schedules(pool.id, new Date(this.now())),
      this.state.depositSums(pool.id, range),
      this.state.claimSums(pool.id, range),
      this.state.sweeps(pool.id, cursor.blockNumber),
    ]);
    const schedules = toViews(scheduleRows, cursor.blockNumber);
    const runs = await this.resolveRuns(pool, schedules, state.runs);
    // Applied in one synchronous step: a request never sees half of an update.
    addDeposits(state, deposits);
    addClaims(state, claims);
    state.schedules = schedules;
    state.runs = runs;
    state.sweeps = sweeps;
    state.cursor = cursor;
  }

  private async resolveRuns(
    pool: PoolRecord,
    schedules: readonly ScheduleView[],
    known?: ReadonlyMap<bigint, bigint | undefined>,
  ): Promise<Map<bigint, bigint | undefined>> {
    const runs = new Map<bigint, bigint | undefined>();
    for (const s of schedules) {
      if (s.revoked) continue;
      const runId =
        known?.get(s.scheduleId) ?? (await this.statements.runForSchedule(pool.id, s.scheduleId, s.root));
      runs.set(s.scheduleId, runId);
    }
    return runs;
  }

  /** The run's tree, built once per process; concurrent callers share the same promise. */
  private tree(runId: bigint, root: Hex): Promise<RunTree> {
    const cached = this.trees.get(runId);
    if (cached) return cached;
    const building = (async (): Promise<RunTree> => {
      const { accountIds, shares } = await this.state.compactTable(runId);
      if (shares.length === 0) throw new ServerError("INTERNAL", `run ${runId} has no recipients`);
      const tree = buildMerkleTree(accountIds, shares);
      const built = merkleRoot(tree);
      if (built !== root.toLowerCase())
        throw new ServerError(
          "INTERNAL",
          `run ${runId}: stored table has root ${built}, schedule says ${root}`,
        );
      return { length: shares.length, accountIds, shares: packShares(shares), tree };
    })();
    building.catch(() => this.trees.delete(runId));
    // Stryker disable next-line ConditionalExpression,EqualityOperator: the cache's size bound (memory only; any tree evicted is rebuilt the same)
    if (this.trees.size >= this.maxTrees) this.trees.delete(this.trees.keys().next().value!);
    // Stryker disable next-line CallExpression: not caching rebuilds the same tree (performance only)
    this.trees.set(runId, building);
    return building;
  }
}

const sameCursor = (a: IndexedCursor | undefined, b: IndexedCursor | undefined) =>
  a !== undefined && b !== undefined && a.blockNumber === b.blockNumber && a.blockHash === b.blockHash;

/**
 * Schedules as of the cursor block: a proposal or revocation indexed later is not visible yet.
 * `rows` are in id order (PoolRepository.schedules), and so is the answer.
 */
function toViews(rows: readonly ScheduleRecord[], upTo: bigint | undefined): ScheduleView[] {
  return rows
    .filter((s) => upTo === undefined || s.proposedBlock <= upTo)
    .map((s) => ({
      ...proposedSchedule({
        scheduleId: s.scheduleId,
        activatesAt: s.activatesAt,
        revokedBlock:
          s.revokedBlock !== null && (upTo === undefined || s.revokedBlock <= upTo) ? s.revokedBlock : null,
      }),
      root: s.root,
      totalShares: s.totalShares,
    }));
}

function addTo(map: Map<string, bigint>, key: string, amount: bigint): void {
  map.set(key, (map.get(key) ?? 0n) + amount);
}

function addDeposits(
  state: PoolState,
  deposits: readonly { scheduleId: bigint | null; token: Hex; amount: bigint }[],
) {
  let newToken = false;
  for (const d of deposits) {
    const token = d.token.toLowerCase() as Hex;
    addTo(state.deposited, sumKey(d.scheduleId ?? 0n, token), d.amount);
    if (!state.tokens.some((t) => t.hex === token)) {
      state.tokens.push({ hex: token, address: getAddress(token) });
      newToken = true;
    }
  }
  if (newToken) state.tokens.sort((a, b) => (a.hex < b.hex ? -1 : a.hex > b.hex ? 1 : 0));
}

function addClaims(
  state: PoolState,
  claims: readonly { accountId: Hex; scheduleId: bigint; token: Hex; amount: bigint }[],
) {
  for (const c of claims) {
    const key = sumKey(c.scheduleId, c.token.toLowerCase() as Hex);
    addTo(state.potClaimed, key, c.amount);
    const accountId = c.accountId.toLowerCase();
    let mine = state.accountClaimed.get(accountId);
    if (!mine) state.accountClaimed.set(accountId, (mine = new Map()));
    addTo(mine, key, c.amount);
  }
}

/**
 * The pool's `claimable(scheduleId, accountId, shares, token)` from indexed sums, for a claimable
 * schedule: the pot is what deposits, syncs and sweeps credited to the schedule's pot key (the
 * genesis schedule's key 0 also holds what was credited while none was current); the rest is
 * protocol `claimableFrom` (entitlement, what was paid, swept pots, the pot bound).
 */
function claimableAmount(
  state: PoolState,
  schedule: ScheduleView,
  genesis: bigint | undefined,
  shares: bigint,
  token: Hex,
  claimedByAccount: ReadonlyMap<string, bigint> | undefined,
): bigint {
  const id = schedule.scheduleId;
  const key = sumKey(id, token);
  let deposited = state.deposited.get(key) ?? 0n;
  if (potKey(id, genesis) === 0n) deposited += state.deposited.get(sumKey(0n, token)) ?? 0n;
  for (const w of state.sweeps)
    if (w.intoScheduleId === id && w.token.toLowerCase() === token) deposited += w.amount;
  const pot = {
    deposited,
    claimed: state.potClaimed.get(key) ?? 0n,
    swept: state.sweeps.some((w) => w.scheduleId === id && w.token.toLowerCase() === token),
  };
  return claimableFrom({
    pot,
    shares,
    totalShares: schedule.totalShares,
    paid: claimedByAccount?.get(key) ?? 0n,
  });
}
