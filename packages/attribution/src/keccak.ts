import { keccakWasm } from "./internal/keccak-wasm.ts";

/**
 * Keccak-256 (the Ethereum variant, padding 0x01) without allocation per hash on the hot paths.
 * Words are read through `Uint32Array` views, which is little-endian on every platform Node
 * supports; the module refuses to load on a big-endian host rather than hash wrongly.
 */
if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) {
  throw new Error("keccak: big-endian hosts are not supported");
}

const RATE_BYTES = 136;

interface Engine {
  state: Int32Array;
  stateBytes: Uint8Array;
  permute: (offset: number) => void;
}
let compiled: Engine | undefined;
/**
 * The WebAssembly permutation, compiled on first use rather than on import: a web page whose
 * Content-Security-Policy forbids compiling WebAssembly can still import this module through the
 * SDK, as long as it does not hash with it. The instance is private to this module: its memory
 * never grows, so the views stay valid.
 */
function engine(): Engine {
  if (compiled) return compiled;
  const wasm = keccakWasm();
  compiled = {
    state: new Int32Array(wasm.memory.buffer, 0, 50),
    stateBytes: new Uint8Array(wasm.memory.buffer, 0, 200),
    permute: wasm.permute,
  };
  return compiled;
}

/** Hashes 16 words (64 bytes) at `src[srcOff..]` into 8 words at `dst[dstOff..]`. */
export function keccak256Words64(src: Uint32Array, srcOff: number, dst: Uint32Array, dstOff: number): void {
  const { state: s, permute } = engine();
  for (let i = 0; i < 16; i++) s[i] = src[srcOff + i]!;
  s[16] = 1; // padding byte 0x01 at offset 64 (lane 8, low word)
  for (let i = 17; i < 50; i++) s[i] = 0;
  s[33] = -0x80000000; // padding bit 0x80 at offset 135 (lane 16, high word)
  permute(0);
  for (let i = 0; i < 8; i++) dst[dstOff + i] = s[i]!;
}

/** Hashes 8 words (32 bytes) at `src[srcOff..]` into 8 words at `dst[dstOff..]`. */
export function keccak256Words32(src: Uint32Array, srcOff: number, dst: Uint32Array, dstOff: number): void {
  const { state: s, permute } = engine();
  for (let i = 0; i < 8; i++) s[i] = src[srcOff + i]!;
  s[8] = 1; // padding byte 0x01 at offset 32 (lane 4, low word)
  for (let i = 9; i < 50; i++) s[i] = 0;
  s[33] = -0x80000000;
  permute(0);
  for (let i = 0; i < 8; i++) dst[dstOff + i] = s[i]!;
}

/** Keccak-256 of arbitrary bytes. */
export function keccak256(data: Uint8Array): Uint8Array {
  const { stateBytes: sb, permute } = engine();
  sb.fill(0);
  let off = 0;
  while (data.length - off >= RATE_BYTES) {
    for (let i = 0; i < RATE_BYTES; i++) sb[i]! ^= data[off + i]!;
    permute(0);
    off += RATE_BYTES;
  }
  const rest = data.length - off;
  for (let i = 0; i < rest; i++) sb[i]! ^= data[off + i]!;
  sb[rest]! ^= 0x01;
  sb[RATE_BYTES - 1]! ^= 0x80;
  permute(0);
  return sb.slice(0, 32);
}

const encoder = new TextEncoder();

/**
 * Keccak-256 of the UTF-8 encoding of a string, written to `out[outOff..outOff+32]`. Short
 * ASCII strings (the common identity) are absorbed straight into the state, without allocation.
 */
export function keccak256Utf8Into(text: string, out: Uint8Array, outOff: number): void {
  const n = text.length;
  let ascii = n < RATE_BYTES;
  if (ascii) {
    for (let i = 0; i < n; i++) {
      if (text.charCodeAt(i) > 0x7f) {
        ascii = false;
        break;
      }
    }
  }
  if (!ascii) {
    out.set(keccak256(encoder.encode(text)), outOff);
    return;
  }
  const { stateBytes: sb, permute } = engine();
  sb.fill(0);
  for (let i = 0; i < n; i++) sb[i] = text.charCodeAt(i);
  sb[n]! ^= 0x01;
  sb[RATE_BYTES - 1]! ^= 0x80;
  permute(0);
  for (let i = 0; i < 32; i++) out[outOff + i] = sb[i]!;
}

/** Keccak-256 of the UTF-8 encoding of a string. */
export function keccak256Utf8(text: string): Uint8Array {
  const out = new Uint8Array(32);
  keccak256Utf8Into(text, out, 0);
  return out;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

// Node's Buffer encodes hex natively (several times faster than a lookup loop); elsewhere the
// loop is used.
const NodeBuffer = (
  globalThis as {
    Buffer?: { from(b: ArrayBufferLike, o: number, l: number): { toString(enc: "hex"): string } };
  }
).Buffer;

export function bytesToHex(bytes: Uint8Array): `0x${string}` {
  if (NodeBuffer !== undefined && bytes.length <= 4096) {
    return `0x${NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("hex")}`;
  }
  let out = "0x";
  for (let i = 0; i < bytes.length; i++) out += HEX[bytes[i]!]!;
  return out as `0x${string}`;
}

const NIBBLE = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) NIBBLE[48 + i] = i;
for (let i = 0; i < 6; i++) {
  NIBBLE[65 + i] = 10 + i;
  NIBBLE[97 + i] = 10 + i;
}

/**
 * Decodes `count` bytes of hex from `text` starting at character `from` into `out[off..]`
 * without slicing strings; false if a character is not a hex digit.
 */
export function decodeHexInto(
  text: string,
  from: number,
  count: number,
  out: Uint8Array,
  off: number,
): boolean {
  for (let i = 0; i < count; i++) {
    const a = text.charCodeAt(from + 2 * i);
    const b = text.charCodeAt(from + 2 * i + 1);
    const hi = a < 128 ? NIBBLE[a]! : -1;
    const lo = b < 128 ? NIBBLE[b]! : -1;
    if (hi < 0 || lo < 0) return false;
    out[off + i] = (hi << 4) | lo;
  }
  return true;
}

export function hexToBytes(hex: string): Uint8Array {
  const body = hex.startsWith("0x") || hex.startsWith("0X") ? hex.slice(2) : hex;
  if (body.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(body)) throw new Error(`not hex: ${hex.slice(0, 20)}`);
  const out = new Uint8Array(body.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(body.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Incremental Keccak-256 for long inputs (the table hash over 10^6 rows). */
export class Keccak256Stream {
  private readonly lanes = new Int32Array(50);
  private readonly buf = new Uint8Array(RATE_BYTES);
  private readonly words = new Int32Array(this.buf.buffer, 0, RATE_BYTES / 4);
  private used = 0;
  private done = false;

  update(data: Uint8Array): this {
    if (this.done) throw new Error("Keccak256Stream: already digested");
    let off = 0;
    while (off < data.length) {
      const take = Math.min(RATE_BYTES - this.used, data.length - off);
      this.buf.set(data.subarray(off, off + take), this.used);
      this.used += take;
      off += take;
      if (this.used === RATE_BYTES) this.absorb();
    }
    return this;
  }

  private absorb(): void {
    const { state: s, permute } = engine();
    const lanes = this.lanes;
    const words = this.words;
    for (let i = 0; i < 50; i++) s[i] = lanes[i]!;
    for (let i = 0; i < RATE_BYTES / 4; i++) s[i]! ^= words[i]!;
    permute(0);
    for (let i = 0; i < 50; i++) lanes[i] = s[i]!;
    this.used = 0;
  }

  digest(): Uint8Array {
    if (this.done) throw new Error("Keccak256Stream: already digested");
    this.buf.fill(0, this.used);
    this.buf[this.used]! ^= 0x01;
    this.buf[RATE_BYTES - 1]! ^= 0x80;
    this.used = RATE_BYTES;
    this.absorb();
    this.done = true;
    return new Uint8Array(this.lanes.buffer).slice(0, 32);
  }
}
