/**
 * keccak-f[1600] as a tiny WebAssembly module built at load time from the code below (no binary
 * blob in the repository). WebAssembly has native 64-bit rotates, so one permutation costs a
 * fraction of a JavaScript version on 32-bit halves (measured ~3x). Besides the permutation it
 * exports the two Merkle loops, so building a tree makes no JavaScript call per hash.
 */

const ROT: readonly (readonly number[])[] = [
  [0, 36, 3, 41, 18],
  [1, 44, 10, 45, 2],
  [62, 6, 43, 15, 61],
  [28, 55, 25, 21, 56],
  [27, 20, 39, 8, 14],
]; // ROT[x][y]

const RC = [
  0x0000000000000001n,
  0x0000000000008082n,
  0x800000000000808an,
  0x8000000080008000n,
  0x000000000000808bn,
  0x0000000080000001n,
  0x8000000080008081n,
  0x8000000000008009n,
  0x000000000000008an,
  0x0000000000000088n,
  0x0000000080008009n,
  0x000000008000000an,
  0x000000008000808bn,
  0x800000000000008bn,
  0x8000000000008089n,
  0x8000000000008003n,
  0x8000000000008002n,
  0x8000000000000080n,
  0x000000000000800an,
  0x800000008000000an,
  0x8000000080008081n,
  0x8000000000008080n,
  0x0000000080000001n,
  0x8000000080008008n,
];

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

function sleb64(value: bigint): number[] {
  let v = BigInt.asIntN(64, value);
  const out: number[] = [];
  for (;;) {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    const signBit = (byte & 0x40) !== 0;
    if ((v === 0n && !signBit) || (v === -1n && signBit)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

const OP = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  call: 0x10,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i64Load: 0x29,
  i32Load8u: 0x2d,
  i64Store: 0x37,
  i32Const: 0x41,
  i64Const: 0x42,
  i32Eqz: 0x45,
  i32Ne: 0x47,
  i32LtS: 0x48,
  i32LtU: 0x49,
  i32LeU: 0x4d,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Shl: 0x74,
  i64And: 0x83,
  i64Xor: 0x85,
  i64Rotl: 0x89,
} as const;
const VOID = 0x40;

/**
 * The permutation body. Modes: "state" permutes the 25 lanes at param 0 in place; "h64"/"h32"
 * hash 64 or 32 bytes at param 0 into 32 bytes at param 1; "pair" hashes 32 bytes at param 0
 * followed by 32 bytes at param 1 into 32 bytes at param 2 (a Merkle node). Every input is
 * read into locals before anything is stored, so output may overlap input.
 */
function permuteBody(mode: "state" | "h64" | "h32" | "pair"): number[] {
  const params = mode === "state" ? 1 : mode === "pair" ? 3 : 2;
  const code: number[] = [];
  const wrap = (v: number): number => ((v % 5) + 5) % 5;
  const A = (x: number, y: number): number => params + wrap(x) + 5 * wrap(y);
  const B = (x: number, y: number): number => params + 25 + wrap(x) + 5 * wrap(y);
  const C = (x: number): number => params + 50 + wrap(x);
  const D = params + 55;
  const get = (i: number): void => void code.push(OP.localGet, ...uleb(i));
  const set = (i: number): void => void code.push(OP.localSet, ...uleb(i));
  const const64 = (v: bigint): void => void code.push(OP.i64Const, ...sleb64(v));
  const rotl = (n: number): void => {
    if (n !== 0) {
      const64(BigInt(n));
      code.push(OP.i64Rotl);
    }
  };
  const load = (param: number, offset: number, lane: number): void => {
    get(param);
    code.push(OP.i64Load, 3, ...uleb(offset));
    set(params + lane);
  };
  const words = mode === "h32" ? 4 : 8;
  for (let i = 0; i < 25; i++) {
    if (mode === "state") load(0, 8 * i, i);
    else if (mode === "pair" && i < 8) load(i < 4 ? 0 : 1, 8 * (i % 4), i);
    else if (i < words) load(0, 8 * i, i);
    else {
      // Padding: 0x01 right after the message, 0x80 in the last byte of the 136-byte block.
      const64(i === words ? 1n : i === 16 ? -0x8000000000000000n : 0n);
      set(params + i);
    }
  }
  const R = params + 56; // i32 round counter (byte offset into the RC table)
  code.push(...i32(0), OP.localSet, ...uleb(R));
  code.push(OP.loop, VOID);
  {
    for (let x = 0; x < 5; x++) {
      get(A(x, 0));
      for (let y = 1; y < 5; y++) {
        get(A(x, y));
        code.push(OP.i64Xor);
      }
      set(C(x));
    }
    for (let x = 0; x < 5; x++) {
      get(C(x - 1));
      get(C(x + 1));
      rotl(1);
      code.push(OP.i64Xor);
      set(D);
      for (let y = 0; y < 5; y++) {
        get(A(x, y));
        get(D);
        code.push(OP.i64Xor);
        set(A(x, y));
      }
    }
    for (let x = 0; x < 5; x++) {
      for (let y = 0; y < 5; y++) {
        get(A(x, y));
        rotl(ROT[x]![y]!);
        set(B(y, 2 * x + 3 * y));
      }
    }
    for (let y = 0; y < 5; y++) {
      for (let x = 0; x < 5; x++) {
        get(B(x, y));
        get(B(x + 1, y));
        const64(-1n);
        code.push(OP.i64Xor);
        get(B(x + 2, y));
        code.push(OP.i64And, OP.i64Xor);
        set(A(x, y));
      }
    }
    get(A(0, 0));
    get(R);
    code.push(OP.i64Load, 3, ...uleb(RC_BASE));
    code.push(OP.i64Xor);
    set(A(0, 0));
  }
  get(R);
  code.push(
    ...i32(8),
    OP.i32Add,
    OP.localTee,
    ...uleb(R),
    ...i32(8 * RC.length),
    OP.i32LtU,
    OP.brIf,
    0,
    OP.end,
  );
  const outParam = mode === "state" ? 0 : params - 1;
  const outLanes = mode === "state" ? 25 : 4;
  for (let i = 0; i < outLanes; i++) {
    get(outParam);
    get(params + i);
    code.push(OP.i64Store, 3, ...uleb(8 * i));
  }
  code.push(OP.end);
  return withLocals(
    [
      [56, 0x7e],
      [1, 0x7f],
    ],
    code,
  );
}

function withLocals(groups: [number, number][], code: number[]): number[] {
  const decl = [...uleb(groups.length), ...groups.flatMap(([count, type]) => [...uleb(count), type])];
  const body = [...decl, ...code];
  return [...uleb(body.length), ...body];
}

/** Byte offset of the 24 round constants in every instance's memory (a data segment). */
export const RC_BASE = 1024;
/** First byte callers may use for their own data (state at 0..199, constants after it). */
export const FREE_BASE = 2048;

const FN = { permute: 0, h64: 1, h32: 2, pair: 3, leaves: 4, nodes: 5 } as const;
const i32 = (v: number): number[] => [OP.i32Const, ...sleb64(BigInt(v))];

/** leaves(src, dst, n): for each of n 64-byte blocks, dst[i] = keccak256(keccak256(block)). */
function leavesBody(): number[] {
  const [src, dst, n] = [0, 1, 2];
  const c: number[] = [];
  c.push(OP.block, VOID, OP.loop, VOID);
  c.push(OP.localGet, n, OP.i32Eqz, OP.brIf, 1);
  c.push(OP.localGet, src, OP.localGet, dst, OP.call, FN.h64);
  c.push(OP.localGet, dst, OP.localGet, dst, OP.call, FN.h32);
  c.push(OP.localGet, src, ...i32(64), OP.i32Add, OP.localSet, src);
  c.push(OP.localGet, dst, ...i32(32), OP.i32Add, OP.localSet, dst);
  c.push(OP.localGet, n, ...i32(1), OP.i32Sub, OP.localSet, n);
  c.push(OP.br, 0, OP.end, OP.end, OP.end);
  return withLocals([], c);
}

/** nodes(base, n): fills tree nodes n-2..0 at `base` from their children, sorted-pair hashing. */
function nodesBody(): number[] {
  const [base, n, i, l, r, j, a, b] = [0, 1, 2, 3, 4, 5, 6, 7];
  const c: number[] = [];
  c.push(OP.localGet, n, ...i32(2), OP.i32Sub, OP.localSet, i);
  c.push(OP.block, VOID, OP.loop, VOID);
  c.push(OP.localGet, i, ...i32(0), OP.i32LtS, OP.brIf, 1);
  // l = base + (2i+1)*32, r = l + 32
  c.push(OP.localGet, base, OP.localGet, i, ...i32(6), OP.i32Shl, OP.i32Add);
  c.push(...i32(32), OP.i32Add, OP.localTee, l);
  c.push(...i32(32), OP.i32Add, OP.localSet, r);
  // First differing byte decides the order (equal children hash in either order).
  c.push(...i32(0), OP.localSet, j);
  c.push(OP.block, VOID, OP.loop, VOID);
  c.push(OP.localGet, l, OP.localGet, j, OP.i32Add, OP.i32Load8u, 0, 0, OP.localSet, a);
  c.push(OP.localGet, r, OP.localGet, j, OP.i32Add, OP.i32Load8u, 0, 0, OP.localSet, b);
  c.push(OP.localGet, a, OP.localGet, b, OP.i32Ne, OP.brIf, 1);
  c.push(OP.localGet, j, ...i32(1), OP.i32Add, OP.localTee, j);
  c.push(...i32(32), OP.i32LtU, OP.brIf, 0);
  c.push(OP.end, OP.end);
  c.push(OP.localGet, a, OP.localGet, b, OP.i32LeU, OP.if, VOID);
  c.push(OP.localGet, l, OP.localGet, r);
  c.push(OP.localGet, base, OP.localGet, i, ...i32(5), OP.i32Shl, OP.i32Add, OP.call, FN.pair);
  c.push(OP.else);
  c.push(OP.localGet, r, OP.localGet, l);
  c.push(OP.localGet, base, OP.localGet, i, ...i32(5), OP.i32Shl, OP.i32Add, OP.call, FN.pair);
  c.push(OP.end);
  c.push(OP.localGet, i, ...i32(1), OP.i32Sub, OP.localSet, i);
  c.push(OP.br, 0, OP.end, OP.end, OP.end);
  return withLocals([[6, 0x7f]], c);
}

function rcBytes(): number[] {
  const out: number[] = [];
  for (const rc of RC) for (let b = 0n; b < 64n; b += 8n) out.push(Number((rc >> b) & 0xffn));
  return out;
}

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

function buildModule(): Uint8Array {
  const name = (s: string): number[] => [...uleb(s.length), ...Array.from(s, (ch) => ch.charCodeAt(0))];
  const I32 = 0x7f;
  const types = [
    [0x60, 1, I32, 0], // 0: (i32) -> ()
    [0x60, 2, I32, I32, 0], // 1: (i32, i32) -> ()
    [0x60, 3, I32, I32, I32, 0], // 2: (i32, i32, i32) -> ()
  ];
  const fnTypes = [0, 1, 1, 2, 2, 1]; // permute, h64, h32, pair, leaves, nodes
  const bodies = [
    permuteBody("state"),
    permuteBody("h64"),
    permuteBody("h32"),
    permuteBody("pair"),
    leavesBody(),
    nodesBody(),
  ];
  const exportsList: [string, number, number][] = [
    ["memory", 0x02, 0],
    ["permute", 0x00, FN.permute],
    ["leaves", 0x00, FN.leaves],
    ["nodes", 0x00, FN.nodes],
  ];
  const bytes = [
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [types.length, ...types.flat()]),
    ...section(3, [fnTypes.length, ...fnTypes]),
    ...section(5, [1, 0, 1]), // one memory, min 1 page, no maximum
    ...section(7, [exportsList.length, ...exportsList.flatMap(([n, kind, idx]) => [...name(n), kind, idx])]),
    ...section(10, [bodies.length, ...bodies.flat()]),
    ...section(11, [1, 0x00, ...i32(RC_BASE), OP.end, ...uleb(8 * RC.length), ...rcBytes()]),
  ];
  return Uint8Array.from(bytes);
}

// The TypeScript libs this project uses (ES2023, node) do not declare WebAssembly; the few
// members used here are typed locally.
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}
const WebAssembly = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

export interface KeccakWasm {
  /** Permutes the 25 lanes at byte offset `ptr` of `memory`. */
  permute: (ptr: number) => void;
  /** For n 64-byte blocks at `src`, writes keccak256(keccak256(block)), 32 bytes each, at `dst`
   *  (`dst` may equal `src`: block i is read before output i is written). */
  leaves: (src: number, dst: number, n: number) => void;
  /** Fills Merkle nodes n-2..0 (32 bytes each, OpenZeppelin layout) at `base` from the leaves. */
  nodes: (base: number, n: number) => void;
  memory: WasmMemory;
}

let compiled: object | undefined;

/** A fresh instance with its own memory (one page; callers grow it as they need). */
export function keccakWasm(): KeccakWasm {
  compiled ??= new WebAssembly.Module(buildModule());
  const e = new WebAssembly.Instance(compiled, {}).exports as unknown as KeccakWasm;
  return { permute: e.permute, leaves: e.leaves, nodes: e.nodes, memory: e.memory };
}
