/**
 * Exact apportionment of `total` integer shares to non-negative float values by largest
 * remainder (Hamilton). The float values are first quantised to integer weights
 * W_i = round(v_i / max(v) · 2^52) (a relative step of 2^-52, far below the flow's tolerance),
 * so the quotas q_i = total·W_i / ΣW are exact rationals and the result is a pure function of
 * the input bits:
 *   shares_i = floor(q_i), then the K = total − Σ floor(q_i) largest remainders get one more,
 *   remainders compared exactly, ties to the lower row index (rows are in accountId order).
 * Rows ending with 0 shares are reported as dropped; their quota went to others by the rule above.
 */

export interface ApportionResult {
  shares: bigint[];
  /** Rows whose share rounded to 0 (value present but too small for one base unit). */
  dropped: number;
  /** Rows that received the extra unit from the remainder round. */
  roundedUp: number;
}

const SCALE = 2 ** 52;
const HALF = 2 ** 26;

export function apportion(values: Float64Array, total: bigint): ApportionResult {
  const n = values.length;
  if (total <= 0n) throw new RangeError("total must be positive");
  let vmax = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (!(v >= 0) || !Number.isFinite(v)) throw new RangeError(`value ${i} is not a finite number >= 0`);
    if (v > vmax) vmax = v;
  }
  if (vmax === 0) throw new RangeError("nothing to apportion: every value is 0");
  const W = new Float64Array(n);
  let sumHi = 0;
  let sumLo = 0;
  for (let i = 0; i < n; i++) {
    const w = Math.round((values[i]! / vmax) * SCALE);
    W[i] = w;
    const hi = Math.floor(w / HALF);
    sumHi += hi;
    sumLo += w - hi * HALF;
  }
  const D = BigInt(sumHi) * BigInt(HALF) + BigInt(sumLo);
  const Dn = Number(D);
  const shares: bigint[] = new Array<bigint>(n);
  const frac = new Float64Array(n);
  let assigned = 0n;
  for (let i = 0; i < n; i++) {
    const w = W[i]!;
    if (w === 0) {
      shares[i] = 0n;
      continue;
    }
    const p = total * BigInt(w);
    const q = p / D;
    const r = p - q * D;
    shares[i] = q;
    frac[i] = Number(r) / Dn;
    assigned += q;
  }
  const k = Number(total - assigned); // < n, since each floor loses less than one unit
  let roundedUp = 0;
  if (k > 0) {
    const sorted = frac.slice().sort();
    const tau = sorted[n - k]!;
    const eps = 1e-9;
    const sure: number[] = [];
    const near: number[] = [];
    for (let i = 0; i < n; i++) {
      const f = frac[i]!;
      if (f > tau + eps) sure.push(i);
      else if (f >= tau - eps && W[i]! > 0) near.push(i);
    }
    // Exact remainders only for the rows near the cut.
    const rem = new Map<number, bigint>();
    for (const i of near) rem.set(i, (total * BigInt(W[i]!)) % D);
    near.sort((a, b) => {
      const ra = rem.get(a)!;
      const rb = rem.get(b)!;
      return ra > rb ? -1 : ra < rb ? 1 : a - b;
    });
    const take = k - sure.length;
    for (const i of sure) shares[i]! += 1n;
    for (let j = 0; j < take; j++) shares[near[j]!]! += 1n;
    roundedUp = k;
  }
  let dropped = 0;
  for (let i = 0; i < n; i++) if (shares[i] === 0n && values[i]! > 0) dropped++;
  return { shares, dropped, roundedUp };
}
