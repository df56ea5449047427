/**
 * Schedules (docs/design.md#schedules): at most one is pending at a time; one activates
 * `activationDelay` after its proposal unless revoked while pending; it is superseded when the next
 * unrevoked schedule activates; a superseded schedule's pots may be swept into the current one a
 * claim window later. Everything here is a pure function of values the pool stores or emits, and
 * names the contract code it mirrors (contracts/RoyaltyPool.sol).
 */

/** Every status `scheduleStatus` gives; a proposed schedule is never "unknown". */
export const SCHEDULE_STATUSES = ["unknown", "pending", "active", "superseded", "revoked"] as const;
export type ScheduleStatus = (typeof SCHEDULE_STATUSES)[number];
export const PROPOSED_SCHEDULE_STATUSES = ["pending", "active", "superseded", "revoked"] as const;
/** The statuses in which `claim` pays (`isClaimableStatus`). */
export const CLAIMABLE_STATUSES = ["active", "superseded"] as const;
export type ClaimableStatus = (typeof CLAIMABLE_STATUSES)[number];

/** A schedule's times as `scheduleOf` returns them (seconds; 0 = not set). */
export interface ScheduleTimes {
  activatesAt: bigint;
  supersededAt: bigint;
  revoked: boolean;
}

/** A proposal as the indexer knows it (`ScheduleProposed`, `ScheduleRevoked`). */
export interface ProposedSchedule {
  scheduleId: bigint;
  activatesAt: bigint;
  revoked: boolean;
}

/**
 * A schedule's status at `now` (block time): unknown (never proposed), revoked, pending until
 * `activatesAt`, superseded from `supersededAt`, else active. Mirrors the checks of `claim` and
 * `claimable` (`activatesAt == 0 || revoked || now < activatesAt`) and `supersededAt` of `scheduleOf`.
 */
export function scheduleStatus(schedule: ScheduleTimes, now: bigint): ScheduleStatus {
  if (schedule.activatesAt === 0n) return "unknown";
  if (schedule.revoked) return "revoked";
  if (now < schedule.activatesAt) return "pending";
  if (schedule.supersededAt !== 0n && now >= schedule.supersededAt) return "superseded";
  return "active";
}

/** Whether `claim` accepts the schedule now (active or superseded). Mirrors `RoyaltyPoolScheduleNotActive` in `claim`. */
export function isClaimableStatus(status: ScheduleStatus): status is ClaimableStatus {
  return (CLAIMABLE_STATUSES as readonly ScheduleStatus[]).includes(status);
}

/** When the schedule's pots may be swept (0 = not while it is not superseded). Mirrors `sweep`'s `sweepableAt`. */
export function sweepableAt(schedule: ScheduleTimes, claimWindow: bigint): bigint {
  return schedule.supersededAt === 0n ? 0n : schedule.supersededAt + claimWindow;
}

const byId = (history: readonly ProposedSchedule[]) =>
  [...history].sort((a, b) => (a.scheduleId < b.scheduleId ? -1 : a.scheduleId > b.scheduleId ? 1 : 0));

/**
 * `supersededAt` of each schedule (sorted by id): the activation time of the first later unrevoked
 * schedule, 0 if none or if the schedule is revoked. Mirrors `proposeSchedule` (sets the current
 * schedule's `supersededAt`) and `revokeSchedule` (clears it again): a schedule is only proposed
 * while none is pending, so the next unrevoked one was proposed while this one was current.
 */
function supersessions(sorted: readonly ProposedSchedule[]): bigint[] {
  const out = new Array<bigint>(sorted.length);
  let nextActivation = 0n;
  for (let i = sorted.length - 1; i >= 0; i--) {
    const s = sorted[i]!;
    out[i] = s.revoked ? 0n : nextActivation;
    if (!s.revoked) nextActivation = s.activatesAt;
  }
  return out;
}

/** `scheduleOf` rebuilt from the history (unknown ids: all zero). */
export function scheduleTimesOf(history: readonly ProposedSchedule[], scheduleId: bigint): ScheduleTimes {
  const sorted = byId(history);
  const i = sorted.findIndex((s) => s.scheduleId === scheduleId);
  if (i < 0) return { activatesAt: 0n, supersededAt: 0n, revoked: false };
  return {
    activatesAt: sorted[i]!.activatesAt,
    supersededAt: supersessions(sorted)[i]!,
    revoked: sorted[i]!.revoked,
  };
}

/** Every schedule's times and status at `now`, in id order. */
export function scheduleStatuses(
  history: readonly ProposedSchedule[],
  now: bigint,
): { scheduleId: bigint; status: ScheduleStatus; supersededAt: bigint }[] {
  const sorted = byId(history);
  const supersededAt = supersessions(sorted);
  return sorted.map((s, i) => ({
    scheduleId: s.scheduleId,
    status: scheduleStatus(
      { activatesAt: s.activatesAt, supersededAt: supersededAt[i]!, revoked: s.revoked },
      now,
    ),
    supersededAt: supersededAt[i]!,
  }));
}

/**
 * The schedule that owns the unallocated pot (key 0): the first unrevoked one, since a schedule
 * proposed while none is current is proposed after every earlier one was revoked. Mirrors
 * `Header.genesis` and `ScheduleMeta.genesisPot` as `_potKey` reads them (a revoked one never owns it).
 */
export function genesisScheduleId(history: readonly ProposedSchedule[]): bigint | undefined {
  return byId(history).find((s) => !s.revoked)?.scheduleId;
}

/**
 * The key a schedule's pots live under: 0 for the genesis schedule, else its id; 0 itself (no
 * schedule current, what `Deposited` and `Synced` emit then) is the unallocated pot. Mirrors
 * `_potKey` and `_credit`.
 */
export function potKey(scheduleId: bigint, genesis: bigint | undefined): bigint {
  return scheduleId === genesis ? 0n : scheduleId;
}

/**
 * The schedule deposits go to now (0 = none active yet). Mirrors `_current` / `currentScheduleId`:
 * the latest proposal once it activated, else the one current when it was proposed.
 */
export function currentScheduleId(history: readonly ProposedSchedule[], now: bigint): bigint {
  let current = 0n;
  for (const s of byId(history)) if (!s.revoked && now >= s.activatesAt) current = s.scheduleId;
  return current;
}

/** The proposal waiting to activate (0 = none). Mirrors `_pending` / `pendingScheduleId`. */
export function pendingScheduleId(history: readonly ProposedSchedule[], now: bigint): bigint {
  const latest = byId(history).at(-1);
  return latest !== undefined && !latest.revoked && now < latest.activatesAt ? latest.scheduleId : 0n;
}
