/**
 * A validating JSON scanner over raw bytes. Large inputs (10^6 components) are never parsed
 * into one object tree: parsers walk the top-level structure here and `JSON.parse` one array
 * element at a time, so memory stays at the file's bytes plus one element. Every byte goes
 * through `skipValue`, which checks the full JSON grammar and reports line and column of the
 * first error (V8's own messages do not always carry a position).
 */
import { WellspringError } from "../errors.ts";
import type { InputFile } from "./types.ts";

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;

/** 1-based line and column (in characters) of a byte offset. */
export function lineColumn(bytes: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, bytes.length);
  for (let i = 0; i < end; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  let column = 1;
  for (let i = lineStart; i < end; i++) {
    // Count UTF-8 lead bytes only, so a column is a character position.
    if (((bytes[i] as number) & 0xc0) !== 0x80) column++;
  }
  return { line, column };
}

function describe(byte: number | undefined): string {
  if (byte === undefined) return "end of file";
  if (byte >= 0x20 && byte < 0x7f) return `'${String.fromCharCode(byte)}'`;
  return `byte 0x${byte.toString(16).padStart(2, "0")}`;
}

function isWs(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

function isHex(b: number): boolean {
  return (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66);
}

/** Buffer's own slicers (untyped in @types/node) skip toString's dispatch on the hot path. */
type FastBuffer = Buffer & { latin1Slice(start: number, end: number): string };

/** Interned member names: most keys repeat on every element, so they are not re-allocated. */
const KEY_CACHE_LIMIT = 4096;

export class JsonReader {
  readonly file: string;
  readonly bytes: Uint8Array;
  pos: number;
  private readonly buf: FastBuffer;
  private readonly keys = new Map<number, string>();

  constructor(file: Pick<InputFile, "path" | "bytes">) {
    this.file = file.path;
    this.bytes = file.bytes;
    this.buf = Buffer.from(file.bytes.buffer, file.bytes.byteOffset, file.bytes.byteLength) as FastBuffer;
    // A UTF-8 byte order mark is allowed before the value.
    this.pos = file.bytes[0] === 0xef && file.bytes[1] === 0xbb && file.bytes[2] === 0xbf ? 3 : 0;
  }

  /** A second reader over the same bytes, positioned at `pos` (to revisit a validated value). */
  fork(pos: number): JsonReader {
    const reader = new JsonReader({ path: this.file, bytes: this.bytes });
    reader.pos = pos;
    return reader;
  }

  fail(message: string, offset = this.pos): never {
    const { line, column } = lineColumn(this.bytes, offset);
    throw new WellspringError("INPUT_INVALID_JSON", `invalid JSON: ${message}`, {
      file: this.file,
      line,
      column,
    });
  }

  skipWs(): void {
    const bytes = this.bytes;
    let p = this.pos;
    while (p < bytes.length && isWs(bytes[p] as number)) p++;
    this.pos = p;
  }

  /** The next significant byte (after whitespace), or undefined at end of file. */
  peek(): number | undefined {
    this.skipWs();
    return this.bytes[this.pos];
  }

  /** After the top-level value only whitespace may follow. */
  end(): void {
    this.skipWs();
    if (this.pos < this.bytes.length)
      this.fail(`unexpected ${describe(this.bytes[this.pos])} after the end of the JSON value`);
  }

  private expect(byte: number, what: string): void {
    this.skipWs();
    if (this.bytes[this.pos] !== byte)
      this.fail(`expected ${what} but found ${describe(this.bytes[this.pos])}`);
    this.pos++;
  }

  /** Skips a string starting at `pos` (which must be a quote), validating escapes. */
  private skipString(): void {
    const bytes = this.bytes;
    const n = bytes.length;
    let p = this.pos + 1;
    for (;;) {
      // Hot loop: plain characters.
      let b = bytes[p];
      while (b !== undefined && b !== QUOTE && b !== BACKSLASH && b >= 0x20) b = bytes[++p];
      if (b === QUOTE) {
        this.pos = p + 1;
        return;
      }
      if (b === undefined || p >= n) this.fail("unterminated string", this.pos);
      if (b === BACKSLASH) {
        const e = bytes[p + 1];
        if (e === 0x75) {
          for (let k = 2; k < 6; k++) {
            const h = bytes[p + k];
            if (h === undefined || !isHex(h)) this.fail("invalid \\u escape in string", p);
          }
          p += 6;
        } else if (
          e === QUOTE ||
          e === BACKSLASH ||
          e === 0x2f ||
          e === 0x62 ||
          e === 0x66 ||
          e === 0x6e ||
          e === 0x72 ||
          e === 0x74
        ) {
          p += 2;
        } else {
          this.fail(`invalid escape ${describe(e)} in string`, p);
        }
        continue;
      }
      this.fail(`unescaped control character ${describe(b)} in string`, p);
    }
  }

  private skipNumber(): void {
    const bytes = this.bytes;
    let p = this.pos;
    const start = p;
    if (bytes[p] === 0x2d) p++;
    const first = bytes[p];
    if (first === 0x30) {
      p++;
    } else if (first !== undefined && first >= 0x31 && first <= 0x39) {
      while (p < bytes.length && (bytes[p] as number) >= 0x30 && (bytes[p] as number) <= 0x39) p++;
    } else {
      this.fail(`invalid number`, start);
    }
    if (bytes[p] === 0x2e) {
      p++;
      const d = p;
      while (p < bytes.length && (bytes[p] as number) >= 0x30 && (bytes[p] as number) <= 0x39) p++;
      if (p === d) this.fail("invalid number: digits expected after '.'", start);
    }
    if (bytes[p] === 0x65 || bytes[p] === 0x45) {
      p++;
      if (bytes[p] === 0x2b || bytes[p] === 0x2d) p++;
      const d = p;
      while (p < bytes.length && (bytes[p] as number) >= 0x30 && (bytes[p] as number) <= 0x39) p++;
      if (p === d) this.fail("invalid number: digits expected in exponent", start);
    }
    this.pos = p;
  }

  private skipLiteral(word: string): void {
    for (let k = 0; k < word.length; k++) {
      if (this.bytes[this.pos + k] !== word.charCodeAt(k))
        this.fail(`unexpected ${describe(this.bytes[this.pos])}`);
    }
    this.pos += word.length;
  }

  private skipScalar(): void {
    const b = this.bytes[this.pos];
    if (b === QUOTE) this.skipString();
    else if (b === 0x74) this.skipLiteral("true");
    else if (b === 0x66) this.skipLiteral("false");
    else if (b === 0x6e) this.skipLiteral("null");
    else if (b === 0x2d || (b !== undefined && b >= 0x30 && b <= 0x39)) this.skipNumber();
    else this.fail(`expected a value but found ${describe(b)}`);
  }

  /** Skips (and validates) one value. Iterative, so deep nesting cannot overflow the stack. */
  skipValue(): void {
    const bytes = this.bytes;
    // Stack of open containers: true = object, false = array.
    const stack: boolean[] = [];
    this.skipWs();
    for (;;) {
      // Here a value is expected.
      const b = bytes[this.pos];
      if (b === LBRACE || b === LBRACKET) {
        const isObject = b === LBRACE;
        this.pos++;
        this.skipWs();
        const close = isObject ? RBRACE : RBRACKET;
        if (bytes[this.pos] === close) {
          this.pos++;
        } else {
          stack.push(isObject);
          if (isObject) this.memberKey();
          continue;
        }
      } else {
        this.skipScalar();
      }
      // After a value: close containers or move to the next element.
      for (;;) {
        if (stack.length === 0) return;
        this.skipWs();
        const isObject = stack[stack.length - 1] as boolean;
        const c = bytes[this.pos];
        if (c === COMMA) {
          const comma = this.pos;
          this.pos++;
          this.skipWs();
          const next = bytes[this.pos];
          if (next === RBRACE || next === RBRACKET)
            this.fail(`trailing comma before ${describe(next)}`, comma);
          if (isObject) this.memberKey();
          break;
        }
        if (c === (isObject ? RBRACE : RBRACKET)) {
          this.pos++;
          stack.pop();
          continue;
        }
        this.fail(`expected ',' or ${isObject ? "'}'" : "']'"} but found ${describe(c)}`);
      }
    }
  }

  /** Reads `"key":` (validating) and leaves `pos` at the value. */
  private memberKey(): void {
    this.skipWs();
    if (this.bytes[this.pos] !== QUOTE)
      this.fail(`expected a property name in double quotes but found ${describe(this.bytes[this.pos])}`);
    this.skipString();
    this.expect(COLON, "':'");
    this.skipWs();
  }

  /** Decodes the bytes [start, end) as one JSON value already validated by the scanner. */
  private decode(start: number, end: number): unknown {
    return JSON.parse(this.buf.toString("utf8", start, end));
  }

  /**
   * Reads a string value without materialising anything else: plain ASCII is sliced directly,
   * anything with escapes goes through JSON.parse. Call only when `kind()` is "string".
   */
  readString(): string {
    this.skipWs();
    const bytes = this.bytes;
    const start = this.pos;
    if (bytes[start] !== QUOTE) this.fail(`expected a string but found ${describe(bytes[start])}`);
    let p = start + 1;
    let b = bytes[p];
    // Fast scan for the common case: printable ASCII, no escapes.
    while (b !== undefined && b !== QUOTE && b !== BACKSLASH && b >= 0x20 && b < 0x80) b = bytes[++p];
    if (b === QUOTE) {
      this.pos = p + 1;
      return this.buf.latin1Slice(start + 1, p);
    }
    this.skipString();
    if (b !== BACKSLASH) {
      // Non-ASCII but no escapes before the first special byte: check the rest for escapes.
      let escaped = false;
      for (let i = p; i < this.pos - 1; i++) if (bytes[i] === BACKSLASH) escaped = true;
      if (!escaped) return this.buf.toString("utf8", start + 1, this.pos - 1);
    }
    return this.decode(start, this.pos) as string;
  }

  /**
   * Like `readString`, for values that repeat across elements (types, versions, license ids):
   * short plain-ASCII values come from the same bounded intern table as member names.
   */
  readInterned(): string {
    this.skipWs();
    const bytes = this.bytes;
    const start = this.pos;
    if (bytes[start] !== QUOTE) this.fail(`expected a string but found ${describe(bytes[start])}`);
    let p = start + 1;
    let b = bytes[p];
    let hash = 0x9e37;
    while (b !== undefined && b !== QUOTE && b !== BACKSLASH && b >= 0x20 && b < 0x80) {
      hash = (Math.imul(hash, 31) + b) | 0;
      b = bytes[++p];
    }
    if (b !== QUOTE || p - start > 33) return this.readString();
    this.pos = p + 1;
    const len = p - start - 1;
    const cached = this.keys.get(hash);
    if (cached !== undefined && cached.length === len) {
      let same = true;
      for (let i = 0; same && i < len; i++) same = cached.charCodeAt(i) === bytes[start + 1 + i];
      if (same) return cached;
    }
    const value = this.buf.latin1Slice(start + 1, p);
    if (this.keys.size < KEY_CACHE_LIMIT) this.keys.set(hash, value);
    return value;
  }

  /**
   * Looks a string value up in `table` without allocating it when it is plain ASCII (the
   * common case for bom-refs and SPDX ids): the bytes are hashed and compared in place.
   * Returns the stored value, or undefined (then `lastString()` decodes it for the message).
   */
  lookupString<T>(table: StringTable<T>): T | undefined {
    this.skipWs();
    const bytes = this.bytes;
    const start = this.pos;
    if (bytes[start] !== QUOTE) this.fail(`expected a string but found ${describe(bytes[start])}`);
    let p = start + 1;
    let b = bytes[p];
    let hash = 0;
    while (b !== undefined && b !== QUOTE && b !== BACKSLASH && b >= 0x20 && b < 0x80) {
      hash = (Math.imul(hash, 31) + b) | 0;
      b = bytes[++p];
    }
    this.lastStart = start;
    if (b === QUOTE) {
      this.pos = p + 1;
      return table.getBytes(hash, bytes, start + 1, p);
    }
    this.pos = start;
    return table.getString(this.readString());
  }

  private lastStart = 0;

  /** The string last passed to `lookupString`, decoded (for error messages). */
  lastString(): string {
    return this.fork(this.lastStart).readString();
  }

  /** Reads one value into JS (validated first, so errors carry a position). */
  readValue(): unknown {
    this.skipWs();
    const start = this.pos;
    this.skipValue();
    return this.decode(start, this.pos);
  }

  private readKey(): string {
    this.skipWs();
    const bytes = this.bytes;
    const start = this.pos;
    if (bytes[start] !== QUOTE)
      this.fail(`expected a property name in double quotes but found ${describe(bytes[start])}`);
    // One pass: scan plain ASCII while hashing; anything else falls back to the general path.
    let p = start + 1;
    let b = bytes[p];
    let hash = 0;
    while (b !== undefined && b !== QUOTE && b !== BACKSLASH && b >= 0x20 && b < 0x80) {
      hash = (Math.imul(hash, 31) + b) | 0;
      b = bytes[++p];
    }
    if (b !== QUOTE) {
      this.skipString();
      const end = this.pos;
      this.expect(COLON, "':'");
      return this.decode(start, end) as string;
    }
    this.pos = p + 1;
    this.expect(COLON, "':'");
    const len = p - start - 1;
    const cached = this.keys.get(hash);
    if (cached !== undefined && cached.length === len) {
      let same = true;
      for (let i = 0; same && i < len; i++) same = cached.charCodeAt(i) === bytes[start + 1 + i];
      if (same) return cached;
    }
    const key = this.buf.latin1Slice(start + 1, p);
    if (this.keys.size < KEY_CACHE_LIMIT) this.keys.set(hash, key);
    return key;
  }

  /** The kind of the next value: "object", "array", "string", "number", "boolean", "null". */
  kind(): "object" | "array" | "string" | "number" | "boolean" | "null" {
    const b = this.peek();
    if (b === LBRACE) return "object";
    if (b === LBRACKET) return "array";
    if (b === QUOTE) return "string";
    if (b === 0x74 || b === 0x66) return "boolean";
    if (b === 0x6e) return "null";
    if (b === 0x2d || (b !== undefined && b >= 0x30 && b <= 0x39)) return "number";
    this.fail(`expected a value but found ${describe(b)}`);
  }

  /**
   * Walks an object: calls `onMember(key)` with `pos` at the member's value; the callback must
   * consume the value (readValue, skipValue, or a nested walk). Fails if the value is not an object.
   */
  object(onMember: (key: string) => void): void {
    this.expect(LBRACE, "'{'");
    this.skipWs();
    if (this.bytes[this.pos] === RBRACE) {
      this.pos++;
      return;
    }
    do {
      const key = this.readKey();
      this.skipWs();
      onMember(key);
    } while (this.afterItem(RBRACE));
  }

  /**
   * After a member or element of the container that `close` ends: consumes a `,` (not followed
   * by `close`: no trailing comma) and returns true, or consumes `close` and returns false.
   * Shared by objects and arrays, callback or loop style.
   */
  private afterItem(close: number): boolean {
    this.skipWs();
    const c = this.bytes[this.pos];
    if (c === COMMA) {
      const comma = this.pos++;
      this.skipWs();
      if (this.bytes[this.pos] === close) this.fail(`trailing comma before ${describe(close)}`, comma);
      return true;
    }
    if (c === close) {
      this.pos++;
      return false;
    }
    this.fail(`expected ',' or ${describe(close)} but found ${describe(c)}`);
  }

  /** Loop style: true when another member or element follows (`pos` at it), false at the end. */
  private nextItem(close: number): boolean {
    this.skipWs();
    const top = this.open.length - 1;
    if (this.open[top] === true) {
      if (this.bytes[this.pos] === close) {
        this.pos++;
        this.open.pop();
        return false;
      }
      this.open[top] = false;
      return true;
    }
    if (this.afterItem(close)) return true;
    this.open.pop();
    return false;
  }

  // Loop-style walking for hot paths (no callback per member): openObject() then nextKey()
  // until it returns undefined; openArray() then nextElement() until it returns false. The
  // caller consumes each value. `open` holds, per nesting level, whether no member was seen yet.
  private readonly open: boolean[] = [];

  openObject(): void {
    this.expect(LBRACE, "'{'");
    this.open.push(true);
  }

  nextKey(): string | undefined {
    if (!this.nextItem(RBRACE)) return undefined;
    const key = this.readKey();
    this.skipWs();
    return key;
  }

  openArray(): void {
    this.expect(LBRACKET, "'['");
    this.open.push(true);
  }

  nextElement(): boolean {
    if (!this.nextItem(RBRACKET)) return false;
    this.skipWs();
    return true;
  }

  /** Walks an array: calls `onElement(index)` with `pos` at each element, which it must consume. */
  array(onElement: (index: number) => void): void {
    this.expect(LBRACKET, "'['");
    this.skipWs();
    if (this.bytes[this.pos] === RBRACKET) {
      this.pos++;
      return;
    }
    let index = 0;
    do {
      this.skipWs();
      onElement(index++);
    } while (this.afterItem(RBRACKET));
  }
}

/**
 * A string-keyed map that can also be probed with raw ASCII bytes (see `lookupString`), so
 * references in a big file are resolved without creating a string per reference. Plain-ASCII
 * keys live in an open-addressing table over typed arrays (no object per entry); other keys
 * in a Map.
 */
export class StringTable<T> {
  private readonly other = new Map<string, T>();
  private keys: string[] = [];
  private values: T[] = [];
  private hashes = new Int32Array(256);
  /** Entry index + 1 per slot, 0 when free; kept at most half full. */
  private slots = new Int32Array(512);
  size = 0;

  static hash(key: string): number | undefined {
    let hash = 0;
    for (let i = 0; i < key.length; i++) {
      const c = key.charCodeAt(i);
      if (c < 0x20 || c >= 0x80 || c === QUOTE || c === BACKSLASH) return undefined;
      hash = (Math.imul(hash, 31) + c) | 0;
    }
    return hash;
  }

  /** Slot of a hash: mixed, as keys such as "c1", "c2", … hash to neighbours. */
  private static start(hash: number, mask: number): number {
    let h = Math.imul(hash ^ (hash >>> 16), 0x45d9f3b);
    h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
    return (h ^ (h >>> 16)) & mask;
  }

  set(key: string, value: T): void {
    this.put(key, value, true);
  }

  /** The value stored for `key`, or `value` after storing it when there was none. */
  getOrSet(key: string, value: T): T {
    return this.put(key, value, false);
  }

  private put(key: string, value: T, replace: boolean): T {
    const hash = StringTable.hash(key);
    if (hash === undefined) {
      const had = this.other.get(key);
      if (had !== undefined && !replace) return had;
      if (!this.other.has(key)) this.size++;
      this.other.set(key, value);
      return value;
    }
    const mask = this.slots.length - 1;
    for (let i = StringTable.start(hash, mask); ; i = (i + 1) & mask) {
      const e = this.slots[i]! - 1;
      if (e < 0) break;
      if (this.hashes[e] === hash && this.keys[e] === key) {
        if (!replace) return this.values[e]!;
        this.values[e] = value;
        return value;
      }
    }
    const e = this.keys.length;
    this.keys.push(key);
    this.values.push(value);
    if (e === this.hashes.length) {
      const hashes = new Int32Array(e * 2);
      hashes.set(this.hashes);
      this.hashes = hashes;
    }
    this.hashes[e] = hash;
    this.size++;
    if (2 * this.keys.length > this.slots.length) this.rehash();
    else this.place(e);
    return value;
  }

  private place(e: number): void {
    const mask = this.slots.length - 1;
    let i = StringTable.start(this.hashes[e]!, mask);
    while (this.slots[i] !== 0) i = (i + 1) & mask;
    this.slots[i] = e + 1;
  }

  private rehash(): void {
    this.slots = new Int32Array(this.slots.length * 2);
    for (let e = 0; e < this.keys.length; e++) this.place(e);
  }

  get(key: string): T | undefined {
    const hash = StringTable.hash(key);
    if (hash === undefined) return this.other.get(key);
    const mask = this.slots.length - 1;
    for (let i = StringTable.start(hash, mask); ; i = (i + 1) & mask) {
      const e = this.slots[i]! - 1;
      if (e < 0) return undefined;
      if (this.hashes[e] === hash && this.keys[e] === key) return this.values[e];
    }
  }

  getString(key: string): T | undefined {
    return this.get(key);
  }

  getBytes(hash: number, bytes: Uint8Array, start: number, end: number): T | undefined {
    const len = end - start;
    const slots = this.slots;
    const mask = slots.length - 1;
    for (let i = StringTable.start(hash, mask); ; i = (i + 1) & mask) {
      const e = slots[i]! - 1;
      if (e < 0) return undefined;
      if (this.hashes[e] !== hash) continue;
      const key = this.keys[e]!;
      if (key.length !== len) continue;
      let same = true;
      for (let j = 0; same && j < len; j++) same = key.charCodeAt(j) === bytes[start + j];
      if (same) return this.values[e];
    }
  }
}

/** Parses a whole (small) JSON file; syntax errors carry file, line and column. */
export function parseJson(file: Pick<InputFile, "path" | "bytes">): unknown {
  const buf = Buffer.from(file.bytes.buffer, file.bytes.byteOffset, file.bytes.byteLength);
  try {
    return JSON.parse(buf.toString("utf8"));
  } catch (error) {
    // Locate the error with the scanner; it accepts exactly what JSON.parse accepts.
    const reader = new JsonReader(file);
    reader.skipValue();
    reader.end();
    throw new WellspringError("INPUT_INVALID_JSON", `invalid JSON: ${(error as Error).message}`, {
      file: file.path,
      cause: error,
    });
  }
}

/**
 * The top-level members of a JSON object with scalar values kept and containers replaced by
 * a marker; used to detect a file's format without materialising it. Undefined when the
 * file is not a JSON object. Throws INPUT_INVALID_JSON with a position when it is broken.
 * Stops early once a big format (CycloneDX, SPDX, lockfile) is recognised.
 */
export const CONTAINER = Symbol("container");
export type JsonHead = Map<string, string | number | boolean | null | typeof CONTAINER>;

const STOP = Symbol("stop");

function decisive(head: JsonHead): boolean {
  return (
    (head.has("bomFormat") && head.has("specVersion")) ||
    head.has("spdxVersion") ||
    head.has("lockfileVersion")
  );
}

export function readHead(file: Pick<InputFile, "path" | "bytes">): JsonHead | undefined {
  const reader = new JsonReader(file);
  if (reader.peek() !== LBRACE) {
    reader.skipValue();
    reader.end();
    return undefined;
  }
  const head: JsonHead = new Map();
  try {
    reader.object((key) => {
      const kind = reader.kind();
      if (kind === "object" || kind === "array") {
        reader.skipValue();
        head.set(key, CONTAINER);
      } else {
        head.set(key, reader.readValue() as string | number | boolean | null);
      }
      // Big formats announce themselves early; their parser validates the rest in its own pass.
      if (decisive(head)) throw STOP;
    });
  } catch (error) {
    if (error === STOP) return head;
    throw error;
  }
  reader.end();
  return head;
}

/** True when the first significant byte of the file opens a JSON object or array. */
export function looksLikeJson(bytes: Uint8Array): boolean {
  let p = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (p < bytes.length && isWs(bytes[p] as number)) p++;
  return bytes[p] === LBRACE || bytes[p] === LBRACKET;
}
