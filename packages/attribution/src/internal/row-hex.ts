/**
 * Hex of packed 32-byte rows for serializers that walk rows in order: each block of rows is
 * encoded once (natively by Node's Buffer when present) and a row's hex is a slice of it, so
 * 10^6 rows cost 10^6 cheap slices instead of 32·10^6 string concatenations.
 */
const NodeBuffer = (
  globalThis as {
    Buffer?: { from(b: ArrayBufferLike, o: number, l: number): { toString(enc: "hex"): string } };
  }
).Buffer;

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));
const BLOCK = 2048;

export class RowHex {
  private start = -1;
  private text = "";

  constructor(private readonly ids: Uint8Array) {}

  /** 64 lower-case hex digits (no 0x) of row `row`. */
  at(row: number): string {
    const start = row - (row % BLOCK);
    if (start !== this.start) {
      const end = Math.min(this.ids.length / 32, start + BLOCK);
      this.text = encode(this.ids.subarray(start * 32, end * 32));
      this.start = start;
    }
    const o = (row - start) * 64;
    return this.text.slice(o, o + 64);
  }
}

function encode(bytes: Uint8Array): string {
  if (NodeBuffer !== undefined)
    return NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("hex");
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += HEX[bytes[i]!]!;
  return s;
}
