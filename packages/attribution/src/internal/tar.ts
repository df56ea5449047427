/**
 * The single-file form of an evidence bundle: a POSIX ustar archive of regular files, so
 * `tar -xf bundle.tar` unpacks it anywhere. Only what bundles need: short names (at most 100
 * bytes, which `inputs/<sha256>` is), regular files, deterministic headers (mode 0644, owner 0,
 * time 0), so the same entries always give the same bytes.
 */
import { WellspringError } from "../errors.ts";

export interface TarEntry {
  name: string;
  bytes: Uint8Array;
}

const BLOCK = 512;
const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

function octal(header: Uint8Array, offset: number, width: number, value: number): void {
  // width - 1 octal digits then NUL, as tar writes them.
  header.set(encoder.encode(`${value.toString(8).padStart(width - 1, "0")}\0`), offset);
}

function header(name: string, size: number): Uint8Array {
  const nameBytes = encoder.encode(name);
  if (nameBytes.length === 0 || nameBytes.length > 100)
    throw new RangeError(`tar entry name "${name}" must have 1 to 100 bytes`);
  const h = new Uint8Array(BLOCK);
  h.set(nameBytes, 0);
  octal(h, 100, 8, 0o644);
  octal(h, 108, 8, 0);
  octal(h, 116, 8, 0);
  octal(h, 124, 12, size);
  octal(h, 136, 12, 0);
  h.fill(0x20, 148, 156); // the checksum counts its own field as spaces
  h[156] = 0x30; // '0': regular file
  h.set(encoder.encode("ustar\0" + "00"), 257);
  let sum = 0;
  for (const b of h) sum += b;
  h.set(encoder.encode(`${sum.toString(8).padStart(6, "0")}\0 `), 148);
  return h;
}

/** The archive as chunks (headers, contents, padding, the two closing zero blocks). */
export function* encodeTar(entries: Iterable<TarEntry>): Generator<Uint8Array> {
  for (const { name, bytes } of entries) {
    yield header(name, bytes.length);
    yield bytes;
    const pad = (BLOCK - (bytes.length % BLOCK)) % BLOCK;
    if (pad > 0) yield new Uint8Array(pad);
  }
  yield new Uint8Array(2 * BLOCK);
}

function bad(message: string, field?: string): never {
  throw new WellspringError("BUNDLE_INVALID", `not a bundle archive: ${message}`, {
    ...(field === undefined ? {} : { field }),
  });
}

function field(h: Uint8Array, offset: number, width: number): string {
  const raw = h.subarray(offset, offset + width);
  const end = raw.indexOf(0);
  return decoder.decode(end < 0 ? raw : raw.subarray(0, end));
}

function readOctal(h: Uint8Array, offset: number, width: number, name: string): number {
  const text = field(h, offset, width).trim();
  if (!/^[0-7]+$/.test(text)) bad(`entry ${name}: bad number "${text}"`);
  return parseInt(text, 8);
}

/** The regular files of a ustar archive (directories are skipped; links and extensions refused). */
export function decodeTar(bytes: Uint8Array): TarEntry[] {
  const entries: TarEntry[] = [];
  let at = 0;
  while (at + BLOCK <= bytes.length) {
    const h = bytes.subarray(at, at + BLOCK);
    if (h.every((b) => b === 0)) return entries;
    const short = field(h, 0, 100);
    const prefix = field(h, 345, 155);
    const name = prefix.length > 0 ? `${prefix}/${short}` : short;
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i]!;
    if (readOctal(h, 148, 8, name) !== sum) bad(`entry ${name}: header checksum`);
    const size = readOctal(h, 124, 12, name);
    const type = String.fromCharCode(h[156]!);
    const start = at + BLOCK;
    if (start + size > bytes.length) bad(`entry ${name} is cut short`);
    if (type === "0" || type === "\0") entries.push({ name, bytes: bytes.subarray(start, start + size) });
    else if (type !== "5") bad(`entry ${name} has type "${type}" (only files and directories)`);
    at = start + Math.ceil(size / BLOCK) * BLOCK;
  }
  return bad("no end-of-archive blocks");
}
