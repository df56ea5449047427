/** apportion's definition, computed the slow way: exact rationals over the quantised weights. */
export function referenceApportion(values: readonly number[], total: bigint): bigint[] {
  const vmax = Math.max(...values);
  const W = values.map((v) => BigInt(Math.round((v / vmax) * 2 ** 52)));
  const D = W.reduce((a, b) => a + b, 0n);
  const q = W.map((w) => (total * w) / D);
  const r = W.map((w) => (total * w) % D);
  let k = total - q.reduce((a, b) => a + b, 0n);
  const order = values.map((_, i) => i).sort((a, b) => (r[a]! > r[b]! ? -1 : r[a]! < r[b]! ? 1 : a - b));
  for (const i of order) {
    if (k === 0n) break;
    if (W[i] === 0n) continue;
    q[i]! += 1n;
    k--;
  }
  return q;
}

/** How many rows the remainder round gives a unit: total − Σ floor(quota). */
export function referenceRoundedUp(values: readonly number[], total: bigint): number {
  const vmax = Math.max(...values);
  const W = values.map((v) => BigInt(Math.round((v / vmax) * 2 ** 52)));
  const D = W.reduce((a, b) => a + b, 0n);
  return Number(total - W.reduce((a, w) => a + (total * w) / D, 0n));
}
