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
/** Quotas below this take the float path (sums of them stay exact below 2^53 before a flush). */
const FAST_LIMIT = 2 ** 50;
const FRAC_GUARD = 1e-9;

export function apportion(values: Float64Array, total: bigint): ApportionResult {
  const n = values.length;
  if (total <= 0n) throw new RangeError("total must be positive");
  let vmax = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (!(v >= 0) || !Number.isFinite(v)) throw new RangeError(`value ${i} is not a finite number >= 0`);
    vmax = Math.max(vmax, v);
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
  // rho = total / D as a double-double (rhoHi + rhoLo, ~106 bits), from a 128-bit fixed-point
  // quotient. For a row whose quota rho·w is below 2^50, rho·w is formed with an exact
  // two-product (Dekker), which gives its floor exactly and its fraction to about 2^-50 unless
  // the fraction is within FRAC_GUARD of an integer; such rows, and big quotas, take the exact
  // bigint path. Most rows of a large table thus need no bigint arithmetic but the final BigInt().
  // Mutation testing: mutants marked "fast path only" are equivalent. A wrong rho, a skipped
  // branch or a wrong normalisation of the fraction only sends rows to the exact path (their
  // product or fraction leaves the windows tested below), which gives the same result.
  // Stryker disable next-line all: fast path only (see above)
  const S = (total << 128n) / D;
  const sHi = Number(S);
  const sLo = Number(S - BigInt(sHi));
  // Stryker disable next-line all: fast path only (see above)
  const rhoHi = sHi * 2 ** -128;
  // Stryker disable next-line all: fast path only (see above)
  const rhoLo = sLo * 2 ** -128;
  const split = 134217729 * rhoHi; // Veltkamp split of rhoHi into 26 + 27 bits
  const rhoH = split - (split - rhoHi);
  const rhoL = rhoHi - rhoH;
  // Stryker disable next-line all: fast path only (see above); rho is always positive and finite
  const fastPath = rhoHi > 0 && Number.isFinite(rhoHi);
  // Stryker disable next-line ArrayDeclaration: the length is a hint to V8; every row is written
  const shares: bigint[] = new Array<bigint>(n);
  const frac = new Float64Array(n);
  let assigned = 0n;
  let assignedFast = 0; // exact while below 2^53: flushed before it could pass it
  for (let i = 0; i < n; i++) {
    const w = W[i]!;
    // Stryker disable next-line BlockStatement: fast path only (see above): w = 0 gives fraction 0
    if (w === 0) {
      shares[i] = 0n;
      continue;
    }
    // Stryker disable next-line all: fast path only (see above)
    if (fastPath) {
      // Stryker disable next-line all: fast path only (see above)
      const prod = rhoHi * w;
      // Stryker disable next-line BlockStatement: fast path only (see above)
      if (prod < FAST_LIMIT) {
        const wh = w - (w % HALF);
        const wl = w - wh;
        const err = rhoH * wh - prod + rhoH * wl + rhoL * wh + rhoL * wl;
        let f = Math.floor(prod);
        let fr = prod - f + (err + rhoLo * w);
        // Stryker disable ConditionalExpression,EqualityOperator,BlockStatement: fast path only (see above)
        if (fr < 0) {
          f -= 1;
          // Stryker disable next-line AssignmentOperator: fast path only (see above)
          fr += 1;
        } else if (fr >= 1) {
          // Stryker disable next-line AssignmentOperator: fast path only (see above)
          f += 1;
          // Stryker disable next-line AssignmentOperator: fast path only (see above)
          fr -= 1;
        }
        // Stryker restore ConditionalExpression,EqualityOperator,BlockStatement
        if (fr > FRAC_GUARD && fr < 1 - FRAC_GUARD) {
          shares[i] = BigInt(f);
          frac[i] = fr;
          assignedFast += f;
          // Stryker disable next-line EqualityOperator,ArithmeticOperator: any flush by 2^52 keeps it exact
          if (assignedFast >= FAST_LIMIT * 4) {
            assigned += BigInt(assignedFast);
            assignedFast = 0;
          }
          continue;
        }
      }
    }
    const p = total * BigInt(w);
    const q = p / D;
    const r = p - q * D;
    shares[i] = q;
    frac[i] = Number(r) / Dn;
    assigned += q;
  }
  assigned += BigInt(assignedFast);
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
  const dropped = shares.filter((s, i) => s === 0n && values[i]! > 0).length;
  return { shares, dropped, roundedUp };
}
