/**
 * What an account may take from a pot (docs/design.md#claims): floor(deposited × shares /
 * totalShares) minus what it was paid, and nothing that would take the pot's claims beyond what
 * was deposited into it.
 */

/** floor(a × b / d). Mirrors OpenZeppelin `Math.mulDiv` (rounding down), which the pool uses. */
export function mulDiv(a: bigint, b: bigint, d: bigint): bigint {
  if (d === 0n) throw new RangeError("mulDiv: division by zero");
  return (a * b) / d;
}

/** An account's entitlement to a pot: floor(pot × shares / totalShares). Mirrors `entitled` in `claimable` and `_claimOne`. */
export function entitlement(pot: bigint, shares: bigint, totalShares: bigint): bigint {
  return mulDiv(pot, shares, totalShares);
}

/** One (schedule, token) pot as the pool keeps it. */
export interface PotState {
  /** Everything credited to the pot (deposits, syncs, sweeps into it). */
  deposited: bigint;
  /** Everything claimed from it, by every account. */
  claimed: bigint;
  /** Swept into a later schedule: it pays nothing more. */
  swept: boolean;
}

/** What `potOf` returns: a swept pot reads as (0, 0). Mirrors `potOf`. */
export function potView(pot: PotState): { deposited: bigint; claimed: bigint } {
  return pot.swept ? { deposited: 0n, claimed: 0n } : { deposited: pot.deposited, claimed: pot.claimed };
}

/** What remains in a pot for everyone (what `sweep` moves). Mirrors `_remainder`. */
export function potRemainder(pot: PotState): bigint {
  return pot.swept ? 0n : pot.deposited - pot.claimed;
}

/**
 * What the pot still owes one account: entitlement minus what it was paid (never negative), and
 * nothing from a swept pot. Mirrors `claimable` and `_claimOne` up to the pot bound.
 */
export function unpaidEntitlement(parameters: {
  pot: Pick<PotState, "deposited" | "swept">;
  shares: bigint;
  totalShares: bigint;
  /** What the account was already paid from this pot: `claimed(scheduleId, accountId, token)`. */
  paid: bigint;
}): bigint {
  const { pot, shares, totalShares, paid } = parameters;
  if (pot.swept) return 0n;
  const entitled = entitlement(pot.deposited, shares, totalShares);
  return entitled <= paid ? 0n : entitled - paid;
}

/**
 * What one account can claim from a pot of a claimable schedule: `unpaidEntitlement`, or 0 when
 * paying it would take the pot's claims beyond its deposits (an inconsistent table: `claim`
 * reverts with RoyaltyPoolPotExceeded). Mirrors `claimable` after its schedule check (see
 * `isClaimableStatus`).
 */
export function claimableFrom(parameters: {
  pot: PotState;
  shares: bigint;
  totalShares: bigint;
  paid: bigint;
}): bigint {
  const amount = unpaidEntitlement(parameters);
  return parameters.pot.claimed + amount > parameters.pot.deposited ? 0n : amount;
}
