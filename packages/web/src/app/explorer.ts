// Explorer, the logic: a pool's balances and schedules with their latest verification, the active
// table's largest recipients and held value (the server ranks them: the table is never downloaded),
// account search, and cumulative deposits per token. No DOM: explorer.view.ts renders;
// test/explorer.test.ts runs this against a real server.
import { type Address, getAddress } from "viem";

import {
  type Api,
  ApiError,
  type Deposit,
  type PoolDetail,
  type RecipientRank,
  type Schedule,
  type TopRecipients,
  type Verification,
  scheduleRunId,
} from "./api.ts";
import { HOLDING } from "./held.ts";
import { type Token, moneyText, tokens } from "./units.ts";

export interface PoolView {
  detail: PoolDetail;
  balances: { token: Token; deposited: bigint; claimed: bigint; balance: bigint }[];
  schedules: Schedule[];
  /** The latest check of each schedule's bundle (docs/verification.md), in the order of `schedules`. */
  verifications: (Verification | undefined)[];
  /** The newest active schedule, and the run with its table when the server holds one. */
  active: Schedule | undefined;
  runId: string | undefined;
  /** The table's ten largest recipients and everyone else together (GET /v1/runs/{id}/top). */
  top: TopRecipients | undefined;
  /** The same among the shares held for components (identities `component:…`). */
  held: TopRecipients | undefined;
  /** Where each activated schedule's money is, per token (undefined: the server has no such list). */
  pots: PotView[] | undefined;
}

export type PotPart = "claimed" | "waiting" | "unbound" | "held" | "swept" | "dust";
export const POT_PARTS: readonly PotPart[] = ["claimed", "waiting", "unbound", "held", "swept", "dust"];

export interface PotView {
  scheduleId: string;
  token: Token;
  pot: bigint;
  parts: Record<PotPart, bigint>;
}

/** GET /v1/pools/{address}/pots with each line's token; undefined when the server does not serve it. */
export async function loadPots(api: Api, pool: Address): Promise<PotView[] | undefined> {
  let body: { pots: (Record<PotPart | "pot", string> & { scheduleId: string; token: string })[] };
  try {
    body = await api.get(`/v1/pools/${pool}/pots`);
  } catch {
    return undefined;
  }
  const book = await tokens(
    api,
    body.pots.map((l) => l.token),
  );
  return body.pots.map((l) => ({
    scheduleId: l.scheduleId,
    token: book.get(getAddress(l.token))!,
    pot: BigInt(l.pot),
    parts: Object.fromEntries(POT_PARTS.map((p) => [p, BigInt(l[p])])) as Record<PotPart, bigint>,
  }));
}

export async function loadPool(api: Api, pool: Address): Promise<PoolView> {
  const address = getAddress(pool);
  const [detail, { schedules }, pots] = await Promise.all([
    api.get<PoolDetail>(`/v1/pools/${address}`),
    api.get<{ schedules: Schedule[] }>(`/v1/pools/${address}/schedules`),
    loadPots(api, address),
  ]);
  const verifications = await Promise.all(
    schedules.map(
      async (s) =>
        (
          await api.get<{ verifications: Verification[] }>(
            `/v1/pools/${address}/schedules/${s.scheduleId}/verifications`,
          )
        ).verifications[0],
    ),
  );
  const book = await tokens(
    api,
    detail.balances.map((b) => b.token),
  );
  const balances = detail.balances.map((b) => ({
    token: book.get(getAddress(b.token))!,
    deposited: BigInt(b.deposited),
    claimed: BigInt(b.claimed),
    balance: BigInt(b.balance),
  }));
  const active = schedules.filter((s) => s.status === "active").at(-1);
  const runId = active ? scheduleRunId(active) : undefined;
  const [top, held] = runId
    ? await Promise.all([
        api.get<TopRecipients>(`/v1/runs/${runId}/top?limit=10`),
        api.get<TopRecipients>(
          `/v1/runs/${runId}/top?limit=10&identityPrefix=${encodeURIComponent(HOLDING)}`,
        ),
      ])
    : [undefined, undefined];
  return { detail, balances, schedules, verifications, active, runId, top, held, pots };
}

/** Percent with 4 decimals as a number, for charts (exact figures are printed with `percent`). */
export const chartPercent = (shares: bigint, total: bigint): number =>
  Number((shares * 1_000_000n) / total) / 10_000;

export type Found =
  | { found: false; query: string }
  | {
      found: true;
      recipient: RecipientRank;
      shares: bigint;
      total: bigint;
      scheduleId: string;
      rank: number;
      of: number;
    };

/** An account's share in the active table and its rank (1 = largest), as the server ranks it. */
export async function findAccount(
  api: Api,
  view: Pick<PoolView, "active" | "runId">,
  query: string,
): Promise<Found | undefined> {
  const q = query.trim();
  if (!q) return undefined;
  if (!view.active || !view.runId) return { found: false, query: q };
  let r: RecipientRank;
  try {
    r = await api.get<RecipientRank>(`/v1/runs/${view.runId}/recipients/${encodeURIComponent(q)}`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return { found: false, query: q };
    throw error;
  }
  return {
    found: true,
    recipient: r,
    shares: BigInt(r.shares),
    total: BigInt(r.totalShares),
    scheduleId: view.active.scheduleId,
    rank: r.rank,
    of: r.recipientCount,
  };
}

export interface Series {
  token: Token;
  total: bigint;
  count: number;
  /** Cumulative amount after each deposit; x is the block time (ms) when every deposit has one, else the block. */
  points: { x: number; y: number; title: string }[];
  byTime: boolean;
}

/** Cumulative deposits per token; undefined when the server does not list deposits. */
export async function depositSeries(api: Api, pool: Address): Promise<Series[] | undefined> {
  let list: Deposit[];
  try {
    list = await api.getAll<Deposit>(`/v1/pools/${pool}/deposits`, "deposits", "cursor", 5000);
  } catch {
    return undefined;
  }
  const byToken = new Map<string, Deposit[]>();
  for (const d of list) byToken.set(d.token, [...(byToken.get(d.token) ?? []), d]);
  const series: Series[] = [];
  for (const [address, ds] of byToken) {
    const token = (await tokens(api, [address])).get(getAddress(address))!;
    const byTime = ds.every((d) => d.blockTime);
    let total = 0n;
    const points = ds.map((d) => {
      total += BigInt(d.amount);
      return {
        x: byTime ? Date.parse(d.blockTime!) : Number(d.blockNumber),
        // Six decimals are plenty for a chart; the exact total is printed beside it.
        y: Number(total / 10n ** BigInt(Math.max(0, token.decimals - 6))) / 1e6,
        title: `${moneyText(total, token)} after block ${d.blockNumber}`,
      };
    });
    series.push({ token, total, count: ds.length, points, byTime });
  }
  return series;
}
