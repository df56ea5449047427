/**
 * Writes JSON text straight into UTF-8 byte chunks, for serializers of 10^6 lines: no string
 * per line, no join, no second encoding pass. The bytes are exactly what `JSON.stringify` of the
 * same values would give in UTF-8. Chunks are handed out whole (`take()`); a fresh buffer
 * follows, so a caller may keep the chunks it was given (unless it asked for reuse).
 */

/** Characters JSON.stringify would escape (controls, quote, backslash, lone surrogates). */
// eslint-disable-next-line no-control-regex -- control characters are exactly what JSON escapes
const NEEDS_ESCAPE = /[\u0000-\u001f"\\\ud800-\udfff]/;

const HEX_DIGITS = Array.from({ length: 16 }, (_, i) => i.toString(16).charCodeAt(0));

const encoder = new TextEncoder();

/** Node's Buffer, when present: it writes a string's UTF-8 natively (several times faster). */
type NodeBytes = Uint8Array & { write(s: string, offset: number): number };
const NodeBuffer = (globalThis as { Buffer?: { allocUnsafe(size: number): NodeBytes } }).Buffer;

/** Fresh bytes (only the part written is ever handed out). */
function alloc(size: number): Uint8Array {
  return NodeBuffer !== undefined ? NodeBuffer.allocUnsafe(size) : new Uint8Array(size);
}

export class JsonBytes {
  private buf: Uint8Array;
  private pos = 0;

  /**
   * `reuse`: take() hands out a view of the one buffer, valid until the next write (for a
   * consumer that writes each chunk out before asking for the next).
   */
  constructor(
    private readonly reuse = false,
    private readonly chunkSize = 1 << 20,
  ) {
    this.buf = alloc(chunkSize);
  }

  /** Bytes written since the last take(). */
  get length(): number {
    return this.pos;
  }

  /** True once a chunk is full enough to hand out. */
  get full(): boolean {
    return this.pos >= this.chunkSize - 4096;
  }

  /** The bytes written so far, as a chunk of their own; writing continues in a fresh buffer. */
  take(): Uint8Array {
    const out = this.buf.subarray(0, this.pos);
    if (!this.reuse || this.buf.length > this.chunkSize) this.buf = alloc(this.chunkSize);
    this.pos = 0;
    return out;
  }

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = alloc(Math.max(this.buf.length * 2, this.pos + n));
    bigger.set(this.buf.subarray(0, this.pos));
    this.buf = bigger;
  }

  /** Text written as is (it must already be JSON: punctuation, numbers, literals). */
  raw(s: string): void {
    const len = s.length;
    this.room(len * 3);
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < len; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        p += encoder.encodeInto(s.slice(i), buf.subarray(p)).written;
        break;
      }
      buf[p++] = c;
    }
    this.pos = p;
  }

  /** Bytes written as they are (they must already be valid JSON text in UTF-8). */
  bytes(src: Uint8Array, start: number, end: number): void {
    const len = end - start;
    this.room(len);
    const buf = this.buf;
    const p = this.pos;
    if (len < 64) for (let i = 0; i < len; i++) buf[p + i] = src[start + i]!;
    else buf.set(src.subarray(start, end), p);
    this.pos = p + len;
  }

  /** One ASCII byte (punctuation). */
  byte(b: number): void {
    this.room(1);
    this.buf[this.pos++] = b;
  }

  /** A string value, quoted and escaped as JSON.stringify does. */
  string(s: string): void {
    if (NodeBuffer !== undefined) {
      // Native UTF-8 write, then a check of the bytes: plain ASCII needs no escaping; anything
      // else is written again below, over the same place.
      this.room(s.length * 3 + 2);
      const buf = this.buf as NodeBytes;
      const start = this.pos + 1;
      const end = start + buf.write(s, start);
      let plain = true;
      for (let i = start; i < end; i++) {
        const b = buf[i]!;
        if (b < 0x20 || b === 0x22 || b === 0x5c || b >= 0x80) {
          plain = false;
          break;
        }
      }
      if (plain) {
        buf[this.pos] = 0x22;
        buf[end] = 0x22;
        this.pos = end + 1;
        return;
      }
    }
    if (NEEDS_ESCAPE.test(s)) {
      this.raw(JSON.stringify(s));
      return;
    }
    this.byte(0x22);
    this.raw(s);
    this.byte(0x22);
  }

  /** A number, as JSON.stringify writes it (integers without a detour through a string). */
  number(x: number): void {
    if (Number.isSafeInteger(x) && x >= 0 && x < 1e15) this.uint(x);
    else this.raw(JSON.stringify(x));
  }

  /** A non-negative safe integer. */
  uint(x: number): void {
    this.room(16);
    const buf = this.buf;
    if (x < 10) {
      buf[this.pos++] = 0x30 + x;
      return;
    }
    let digits = 0;
    for (let y = x; y > 0; y = Math.floor(y / 10)) digits++;
    let p = this.pos + digits;
    this.pos = p;
    for (let y = x; y > 0; y = Math.floor(y / 10)) buf[--p] = 0x30 + (y % 10);
  }

  /** `"0x…"`: 32 bytes of `bytes` at `off` as a quoted lower-case hex string. */
  hex32(bytes: Uint8Array, off: number): void {
    this.room(68);
    const buf = this.buf;
    let p = this.pos;
    buf[p++] = 0x22;
    buf[p++] = 0x30;
    buf[p++] = 0x78;
    for (let i = 0; i < 32; i++) {
      const b = bytes[off + i]!;
      buf[p++] = HEX_DIGITS[b >>> 4]!;
      buf[p++] = HEX_DIGITS[b & 15]!;
    }
    buf[p++] = 0x22;
    this.pos = p;
  }
}

/** JSON.stringify of a string, without its cost for the common plain string. */
export function quote(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`;
}
