// The wallet home, the logic: what the server's GET /v1/wallets/{address} says the connected wallet
// and the identities bound to it can claim, with sweep dates and past claims; one claim per pool
// through the SDK; "why" a share in plain words; prefixed identities suggested for a bare name.
// No DOM: wallet-home.view.ts renders; test/wallet-home.test.ts runs this for real.
import { type AccountId, type ClaimInput, claim, isAddressString } from "@wellspring/sdk";
import { type Address, type Hash, getAddress } from "viem";

import type { Api, RecipientWhy, WalletHome } from "./api.ts";
import type { TokenInfo } from "./context.ts";
import { shortHex } from "./format.ts";
import { dateTime, duration, moneyText, token as tokenOf, txCost } from "./units.ts";
import { type Progress, type Wallet, progressOf } from "./wallet.ts";

type Item = WalletHome["claimable"][number];

export interface HomeLine extends Omit<Item, "amounts" | "sweepableAt"> {
  amounts: { token: TokenInfo; amount: bigint }[];
  sweepableAt: Date | null;
}

export interface Home {
  wallet: Address;
  identities: WalletHome["identities"];
  lines: HomeLine[];
  past: (Omit<WalletHome["pastClaims"][number], "amount" | "token"> & { token: TokenInfo; amount: bigint })[];
  /** Pools with something claimable now (not held), in the order listed. */
  pools: Address[];
}

/** The connected wallet's home, amounts in the token's units. */
export async function loadHome(api: Api, wallet: Wallet): Promise<Home> {
  const { account } = wallet.ready();
  const body = await api.get<WalletHome>(`/v1/wallets/${account}`);
  const lines: HomeLine[] = [];
  for (const item of body.claimable) {
    lines.push({
      ...item,
      amounts: await Promise.all(
        item.amounts.map(async (a) => ({
          token: await tokenOf(api, a.token),
          amount: BigInt(a.amount),
        })),
      ),
      sweepableAt: item.sweepableAt === null ? null : new Date(item.sweepableAt),
    });
  }
  const past = await Promise.all(
    body.pastClaims.map(async (c) => ({
      ...c,
      token: await tokenOf(api, c.token),
      amount: BigInt(c.amount),
    })),
  );
  const pools = [...new Set(lines.filter((l) => l.hold === null).map((l) => getAddress(l.pool)))];
  return { wallet: getAddress(body.wallet), identities: body.identities, lines, past, pools };
}

/** The claim requests of one pool: every line not held, its tokens with something to claim. */
export function poolRequests(home: Pick<Home, "lines">, pool: Address): ClaimInput[] {
  return home.lines
    .filter((l) => l.hold === null && getAddress(l.pool) === pool)
    .map((l) => ({
      scheduleId: BigInt(l.scheduleId),
      proof: { accountId: l.accountId.toLowerCase() as AccountId, shares: BigInt(l.shares), proof: l.proof },
      tokens: l.amounts.filter((a) => a.amount > 0n).map((a) => a.token.address),
    }));
}

/** Claims everything claimable now in `pool` in one transaction (the SDK simulates it first). */
export async function claimPool(
  wallet: Wallet,
  home: Pick<Home, "lines">,
  pool: Address,
  progress: Progress,
): Promise<{ hash: Hash; blockNumber: bigint; totals: Map<Address, bigint>; cost: bigint }> {
  const { wallet: signer } = wallet.ready(progressOf(progress, "the claim"));
  const result = await claim(signer, { pool, claims: poolRequests(home, pool) });
  return {
    hash: result.hash,
    blockNumber: result.receipt.blockNumber,
    totals: result.totals,
    cost: txCost(result.receipt),
  };
}

/**
 * The sweep date in words; with `sweepSoon` (the server flags 14 days) a warning. The time left is
 * a duration in days and hours ("in 3 days 4 hours"), the date as every page writes dates.
 */
export function sweepText(line: { sweepableAt: Date | null; sweepSoon?: boolean }, nowMs: number): string {
  if (!line.sweepableAt) return "No sweep date: the schedule is current.";
  const date = dateTime(line.sweepableAt);
  const left = Math.floor((line.sweepableAt.getTime() - nowMs) / 1000);
  if (left <= 0)
    return `Claim now: since ${date} anyone may sweep what is unclaimed into the current schedule.`;
  if (line.sweepSoon)
    return `Claim soon: from ${date} (in ${duration(left)}) what is unclaimed may be swept.`;
  return `Unclaimed money may be swept from ${date} (in ${duration(left)}).`;
}

/** Why the pool does not pay a line now, in plain words (null: it does). */
export function holdText(
  line: Pick<HomeLine, "hold" | "account">,
  identities: Home["identities"],
): string | null {
  if (line.hold === null) return null;
  const identity = identities.find((i) => i.identity === line.account || i.accountId === line.account);
  if (line.hold === "binding-not-yet-payable")
    return `Bound recently: pools pay ${line.account} from ${identity?.payableFrom ? dateTime(identity.payableFrom) : "a day after binding"}.`;
  return `A re-binding of ${line.account} is pending: pools pay it nothing until it is finalized or cancelled.`;
}

const PREFIXES = ["github", "npm"] as const;

/**
 * Identities to try for an input that found nothing: a bare name gets each prefix
 * (`wevm` → `github:wevm`, `npm:wevm`), lower-cased as tables write them.
 */
export function suggestIdentities(input: string): string[] {
  const v = input.trim();
  if (!v || v.includes(":") || isAddressString(v) || /^0x/i.test(v) || /\s/.test(v)) return [];
  const name = v.replace(/^@/, "").toLowerCase();
  return PREFIXES.map((p) => `${p}:${name}`);
}

/** A recipient's why in plain sentences: the paths, gating and caps, and the worth at the current pot. */
export async function whySentences(api: Api, why: RecipientWhy): Promise<string[]> {
  const pct = (x: number) => `${(x * 100).toFixed(4)} %`;
  const out = [
    `${why.identity} holds ${why.shares} of ${why.totalShares} shares of run ${why.run} (${pct(why.value)} of everything the pool pays for it).`,
  ];
  for (const s of why.sources) {
    const via = s.path.length > 1 ? ` along ${s.path.join(" → ")}` : "";
    const as =
      s.as === "contributor"
        ? `as a contributor to ${s.component}`
        : `through ${s.component}, ${s.as.replace(/^held:/, "held back: ").replace(/^returned:/, "returned: ")}`;
    out.push(`${pct(s.value)} comes ${as}${via}; ${s.component} keeps ${pct(s.keep)} of what reaches it.`);
  }
  if (why.sourceCount > why.sources.length)
    out.push(`…and ${why.sourceCount - why.sources.length} smaller sources.`);
  for (const g of why.gating) {
    const what = g.excluded ? "was excluded" : "was gated";
    const where = g.destination ? `; its value went to ${g.destination}` : "";
    out.push(`${g.component} ${what} (${g.reasons.join(", ") || "policy"})${where}.`);
  }
  if (why.capsAdjustment !== 0)
    out.push(
      `The policy's ${why.capsAdjustment < 0 ? "cap removed" : "floor added"} ${pct(Math.abs(why.capsAdjustment))}.`,
    );
  if (why.worth) {
    const parts: string[] = [];
    for (const c of why.worth.claimable)
      for (const a of c.claimable) {
        parts.push(`${moneyText(BigInt(a.amount), await tokenOf(api, a.token))} (schedule #${c.scheduleId})`);
      }
    out.push(
      parts.length
        ? `At the current pot of pool ${shortHex(why.worth.pool)} it is worth ${parts.join(", ")} to claim now.`
        : `At the current pot of pool ${shortHex(why.worth.pool)} nothing is left to claim for it.`,
    );
  }
  return out;
}

/** GET the why of a line's account in its run. */
export function fetchWhy(api: Api, line: Pick<HomeLine, "runId" | "account">): Promise<RecipientWhy> {
  return api.get<RecipientWhy>(`/v1/runs/${line.runId}/recipients/${encodeURIComponent(line.account)}/why`);
}
