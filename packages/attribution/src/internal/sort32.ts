/**
 * Sorts n 32-byte big-endian keys packed in `buf` and returns the permutation (ascending;
 * stable: equal keys keep their index order).
 * Most-significant-word first: each range is ordered by one 32-bit word packed with its index
 * into a float64 (exact below 2^53), which the engine sorts natively; ranges that tie on that
 * word recurse on the next word. Keys that share a long prefix (addresses start with 12 zero
 * bytes) therefore cost a few more passes, never a comparator sort over the whole input.
 */
const INDEX_BITS = 2 ** 21;

export function sortKeys32(buf: Uint8Array, n: number): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  if (n > 1) sortRange(buf, order, 0, n, 0);
  return order;
}

function wordAt(buf: Uint8Array, key: number, word: number): number {
  const o = key * 32 + word * 4;
  return ((buf[o]! << 24) | (buf[o + 1]! << 16) | (buf[o + 2]! << 8) | buf[o + 3]!) >>> 0;
}

function sortRange(buf: Uint8Array, order: Uint32Array, lo: number, hi: number, word: number): void {
  const len = hi - lo;
  if (len < 2 || word >= 8) return;
  if (len > INDEX_BITS) {
    const slice = order.subarray(lo, hi);
    // Ties by index, so equal keys keep their order (the sort is stable at every size).
    slice.sort((a, b) => compareKeys(buf, a, b) || a - b);
    return;
  }
  const keys = new Float64Array(len);
  for (let i = 0; i < len; i++) keys[i] = wordAt(buf, order[lo + i]!, word) * INDEX_BITS + i;
  keys.sort();
  const original = order.slice(lo, hi);
  const words = new Float64Array(len);
  for (let i = 0; i < len; i++) {
    const k = keys[i]!;
    const w = Math.floor(k / INDEX_BITS);
    order[lo + i] = original[k - w * INDEX_BITS]!;
    words[i] = w;
  }
  let start = 0;
  for (let i = 1; i <= len; i++) {
    if (i === len || words[i] !== words[start]) {
      if (i - start > 1) sortRange(buf, order, lo + start, lo + i, word + 1);
      start = i;
    }
  }
}

export function compareKeys(buf: Uint8Array, a: number, b: number): number {
  const oa = a * 32;
  const ob = b * 32;
  for (let i = 0; i < 32; i++) {
    const d = buf[oa + i]! - buf[ob + i]!;
    if (d !== 0) return d;
  }
  return 0;
}
