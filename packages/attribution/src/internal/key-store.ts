/**
 * Component keys packed into one byte array (UTF-8) with offsets: at 10^6 components the
 * engine's later steps then hold one buffer instead of 10^6 strings, which every full garbage
 * collection would trace. `at(v)` gives a key back as a string (for the few places that need
 * one); `plain(v)` says whether its bytes can go into JSON between quotes as they are.
 */
const NodeBuffer = (
  globalThis as {
    Buffer?: {
      allocUnsafe(size: number): Uint8Array & { write(s: string, offset: number): number };
      from(b: ArrayBufferLike, o: number, l: number): { toString(enc: "utf8", s: number, e: number): string };
    };
  }
).Buffer;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class KeyStore {
  readonly n: number;
  readonly bytes: Uint8Array;
  /** Key v is bytes[offsets[v]..offsets[v+1]). */
  readonly offsets: Int32Array;
  /** 1 when key v is ASCII without characters JSON escapes. */
  private readonly plainFlags: Uint8Array;
  /** The other keys as strings (non-ASCII, escapes, lone surrogates: kept exactly). */
  private readonly others = new Map<number, string>();

  constructor(keys: readonly string[]) {
    const n = keys.length;
    this.n = n;
    let total = 0;
    for (let v = 0; v < n; v++) total += keys[v]!.length * 3;
    let bytes: Uint8Array = NodeBuffer !== undefined ? NodeBuffer.allocUnsafe(total) : new Uint8Array(total);
    const offsets = new Int32Array(n + 1);
    const plain = new Uint8Array(n);
    let p = 0;
    for (let v = 0; v < n; v++) {
      offsets[v] = p;
      const k = keys[v]!;
      const written =
        NodeBuffer !== undefined
          ? (bytes as Uint8Array & { write(s: string, o: number): number }).write(k, p)
          : encoder.encodeInto(k, bytes.subarray(p)).written;
      let ok = 1;
      for (let i = p; i < p + written; i++) {
        const b = bytes[i]!;
        if (b < 0x20 || b === 0x22 || b === 0x5c || b >= 0x80) {
          ok = 0;
          break;
        }
      }
      plain[v] = ok;
      if (ok === 0) this.others.set(v, k);
      p += written;
    }
    offsets[n] = p;
    // Keep only what was written.
    bytes = bytes.slice(0, p);
    this.bytes = bytes;
    this.offsets = offsets;
    this.plainFlags = plain;
  }

  plain(v: number): boolean {
    return this.plainFlags[v] === 1;
  }

  at(v: number): string {
    const other = this.others.get(v);
    if (other !== undefined) return other;
    const start = this.offsets[v]!;
    const end = this.offsets[v + 1]!;
    if (NodeBuffer !== undefined)
      return NodeBuffer.from(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength).toString(
        "utf8",
        start,
        end,
      );
    return decoder.decode(this.bytes.subarray(start, end));
  }
}
