import { accountIdInto, canonicalIdentity, isBytes32Hex, type Hex32 } from "./account.ts";
import { WellspringError } from "./errors.ts";
import { bytesToHex, decodeHexInto, hexToBytes, Keccak256Stream } from "./keccak.ts";
import { writeUint256 } from "./merkle.ts";
import { RowHex } from "./internal/row-hex.ts";
import { JsonBytes } from "./internal/json-bytes.ts";

/**
 * The share table (docs/design.md#files-and-figures): recipients sorted by accountId, shares > 0,
 * summing exactly to totalShares. In memory the rows are packed (accountIds in one byte array,
 * shares as bigint) so 10^6 recipients are three arrays, not 10^6 objects.
 *
 * On disk it is canonical JSON (RFC 8785 style: keys sorted, no whitespace), written by a
 * streaming serializer. Hashes (all keccak256, 0x-hex):
 *   tableHash  = keccak256(abi.encodePacked(uint256 totalShares, bytes32 accountId_0,
 *                uint256 shares_0, bytes32 accountId_1, uint256 shares_1, ...)) in table order;
 *                it commits to the money, not to the display identities.
 *   inputsHash = keccak256(the raw 32-byte sha256 digests of all inputs, ascending, concatenated).
 *   policyHash = keccak256(utf8(canonical JSON of the parsed policy)).
 */

export const TABLE_VERSION = 1;

export interface InputSummary {
  path: string;
  sha256: string;
  format: string;
}

export interface TableRows {
  readonly length: number;
  /** 32 bytes per row, ascending. */
  readonly accountIds: Uint8Array;
  readonly shares: readonly bigint[];
  /** Display identity per row (the canonical identity, or the address / hex id). */
  readonly identities: readonly string[];
}

export interface ShareTable {
  version: number;
  totalShares: bigint;
  root: Hex32;
  policyHash: Hex32;
  inputsHash: Hex32;
  tableHash: Hex32;
  engineVersion: string;
  inputs: InputSummary[];
  rows: TableRows;
}

export function computeTableHash(
  totalShares: bigint,
  rows: Pick<TableRows, "length" | "accountIds" | "shares">,
): Hex32 {
  return hashTable(totalShares, rows.length, rows.accountIds, (block, o, i) =>
    writeUint256(block, o, rows.shares[i]!),
  );
}

/**
 * `computeTableHash` from the shares already encoded as 32-byte words (`shareWords`): typed
 * arrays only, so it can run on a worker thread next to the Merkle tree.
 */
export function computeTableHashFromWords(
  totalShares: bigint,
  accountIds: Uint8Array,
  words: Uint8Array,
): Hex32 {
  const n = words.length / 32;
  if (accountIds.length !== n * 32) throw new RangeError("accountIds and share words differ in length");
  return hashTable(totalShares, n, accountIds, (block, o, i) =>
    block.set(words.subarray(i * 32, i * 32 + 32), o),
  );
}

/** keccak256(totalShares ‖ (accountId ‖ shares) per row), hashed 2,048 rows per update. */
function hashTable(
  totalShares: bigint,
  n: number,
  accountIds: Uint8Array,
  writeShare: (block: Uint8Array, offset: number, row: number) => void,
): Hex32 {
  const h = new Keccak256Stream();
  const word = new Uint8Array(32);
  writeUint256(word, 0, totalShares);
  h.update(word);
  const CHUNK = 2048;
  const block = new Uint8Array(CHUNK * 64);
  for (let start = 0; start < n; start += CHUNK) {
    const end = Math.min(n, start + CHUNK);
    for (let i = start; i < end; i++) {
      const o = (i - start) * 64;
      block.set(accountIds.subarray(i * 32, i * 32 + 32), o);
      writeShare(block, o + 32, i);
    }
    h.update(block.subarray(0, (end - start) * 64));
  }
  return bytesToHex(h.digest());
}

export function computeInputsHash(inputs: readonly Pick<InputSummary, "sha256">[]): Hex32 {
  const digests = inputs.map((i) => {
    if (!/^[0-9a-fA-F]{64}$/.test(i.sha256)) {
      throw new WellspringError("TABLE_INVALID", `input sha256 "${i.sha256}" is not 32-byte hex`, {
        field: "inputs",
      });
    }
    return i.sha256.toLowerCase();
  });
  digests.sort();
  const h = new Keccak256Stream();
  for (const d of digests) h.update(hexToBytes(d));
  return bytesToHex(h.digest());
}

export function accountIdHexAt(rows: Pick<TableRows, "accountIds">, row: number): Hex32 {
  return bytesToHex(rows.accountIds.subarray(row * 32, row * 32 + 32));
}

/**
 * The canonical JSON of a share table as a stream of chunks (about `rowsPerChunk` recipients
 * each); joining the chunks gives exactly `canonicalJson(tableToJson(table))`.
 */
/** share-table.json up to the first recipient (none of it depends on the Merkle tree). */
export function shareTableHead(
  table: Pick<ShareTable, "engineVersion" | "inputs" | "inputsHash" | "policyHash">,
): string {
  return (
    `{"engineVersion":${JSON.stringify(table.engineVersion)}` +
    `,"inputs":[${table.inputs
      .map(
        (i) =>
          `{"format":${JSON.stringify(i.format)},"path":${JSON.stringify(i.path)},"sha256":${JSON.stringify(i.sha256)}}`,
      )
      .join(",")}]` +
    `,"inputsHash":"${table.inputsHash}","policyHash":"${table.policyHash}","recipients":[`
  );
}

/** share-table.json after the last recipient: the root and the table hash. */
export function shareTableTail(
  table: Pick<ShareTable, "root" | "tableHash" | "totalShares" | "version">,
): string {
  return `],"root":"${table.root}","tableHash":"${table.tableHash}","totalShares":"${table.totalShares.toString()}","version":${table.version}}`;
}

export function* serializeShareTable(table: ShareTable, rowsPerChunk = 1024): Generator<string> {
  yield shareTableHead(table);
  const { rows } = table;
  const hex = new RowHex(rows.accountIds);
  let parts: string[] = [];
  for (let i = 0; i < rows.length; i++) {
    parts.push(
      `${i === 0 ? "" : ","}{"accountId":"0x${hex.at(i)}","identity":${JSON.stringify(rows.identities[i])},"shares":"${rows.shares[i]!.toString()}"}`,
    );
    if (parts.length === rowsPerChunk) {
      yield parts.join("");
      parts = [];
    }
  }
  if (parts.length > 0) yield parts.join("");
  yield shareTableTail(table);
}

/**
 * The same bytes as `serializeShareTable`, built straight into UTF-8 chunks (no string per row).
 * `reuseChunks`: every chunk is a view of one buffer, valid until the next is asked for.
 */
export function* serializeShareTableBytes(
  table: ShareTable,
  options: { reuseChunks?: boolean } = {},
): Generator<Uint8Array> {
  yield* shareTableHeadAndRowsBytes(table, options);
  yield encoder.encode(shareTableTail(table));
}

/**
 * share-table.json without its tail (`shareTableTail`): the part a writer can write before the
 * Merkle root is known. UTF-8 chunks; `reuseChunks` as in `serializeShareTableBytes`.
 */
export function* shareTableHeadAndRowsBytes(
  table: Pick<ShareTable, "engineVersion" | "inputs" | "inputsHash" | "policyHash" | "rows">,
  options: { reuseChunks?: boolean } = {},
): Generator<Uint8Array> {
  const out = new JsonBytes(options.reuseChunks === true);
  out.raw(shareTableHead(table));
  const { rows } = table;
  for (let i = 0; i < rows.length; i++) {
    out.raw(i === 0 ? '{"accountId":' : ',{"accountId":');
    out.hex32(rows.accountIds, i * 32);
    out.raw(',"identity":');
    out.string(rows.identities[i]!);
    out.raw(',"shares":"');
    out.raw(rows.shares[i]!.toString());
    out.raw('"}');
    if (out.full) yield out.take();
  }
  if (out.length > 0) yield out.take();
}

const encoder = new TextEncoder();

export function serializeShareTableToString(table: ShareTable): string {
  return [...serializeShareTable(table)].join("");
}

const HEX32 = /^0x[0-9a-f]{64}$/;

/**
 * Parses and validates share-table.json (text or an already parsed value). Checks: field types;
 * recipients strictly ascending by accountId; shares positive decimal strings; sum equal to
 * totalShares; tableHash and inputsHash recomputed; each identity consistent with its accountId
 * (an address is the padded address, any other identity hashes to it). Errors are
 * `TABLE_INVALID` with the field path, e.g. `recipients[12].shares`.
 */
export function parseShareTable(input: string | unknown, file?: string): ShareTable {
  let doc: unknown = input;
  if (typeof input === "string") {
    try {
      doc = JSON.parse(input);
    } catch (error) {
      throw new WellspringError("TABLE_INVALID", "not valid JSON", {
        ...(file ? { file } : {}),
        cause: error,
      });
    }
  }
  const fail = (field: string, message: string): never => {
    throw new WellspringError("TABLE_INVALID", message, { ...(file ? { file } : {}), field });
  };
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) fail("$", "expected a JSON object");
  const d = doc as Record<string, unknown>;
  const str = (field: string): string => {
    const v = d[field];
    if (typeof v !== "string") fail(field, "expected a string");
    return v as string;
  };
  const hex32 = (field: string): Hex32 => {
    const v = str(field);
    if (!HEX32.test(v)) fail(field, "expected 0x-prefixed lower-case 32-byte hex");
    return v as Hex32;
  };
  if (d.version !== TABLE_VERSION) fail("version", `expected version ${TABLE_VERSION}`);
  const totalText = str("totalShares");
  if (!/^[1-9][0-9]*$/.test(totalText)) fail("totalShares", "expected a positive decimal string");
  const totalShares = BigInt(totalText);
  const root = hex32("root");
  const policyHash = hex32("policyHash");
  const inputsHash = hex32("inputsHash");
  const tableHash = hex32("tableHash");
  const engineVersion = str("engineVersion");
  if (!Array.isArray(d.inputs)) fail("inputs", "expected an array");
  const inputs = (d.inputs as unknown[]).map((raw, i) => {
    const r = raw as Record<string, unknown>;
    for (const k of ["path", "sha256", "format"]) {
      if (typeof r?.[k] !== "string") fail(`inputs[${i}].${k}`, "expected a string");
    }
    if (!/^[0-9a-f]{64}$/.test(r.sha256 as string))
      fail(`inputs[${i}].sha256`, "expected 64 lower-case hex digits");
    return { path: r.path as string, sha256: r.sha256 as string, format: r.format as string };
  });
  if (!Array.isArray(d.recipients)) fail("recipients", "expected an array");
  const list = d.recipients as unknown[];
  const n = list.length;
  if (n === 0) fail("recipients", "a share table needs at least one recipient");
  const accountIds = new Uint8Array(n * 32);
  // Stryker disable next-line ArrayDeclaration: the length is a hint to V8; every row is written
  const shares: bigint[] = new Array<bigint>(n);
  // Stryker disable next-line ArrayDeclaration: the length is a hint to V8; every row is written
  const identities: string[] = new Array<string>(n);
  const check = new Uint8Array(32);
  let sum = 0n;
  for (let i = 0; i < n; i++) {
    const r = list[i] as Record<string, unknown> | null;
    if (typeof r !== "object" || r === null) fail(`recipients[${i}]`, "expected an object");
    const id = r!.accountId;
    if (typeof id !== "string" || !HEX32.test(id))
      fail(`recipients[${i}].accountId`, "expected lower-case 32-byte hex");
    const sh = r!.shares;
    if (typeof sh !== "string" || !/^[1-9][0-9]*$/.test(sh))
      fail(`recipients[${i}].shares`, "expected a positive decimal string");
    const identity = r!.identity;
    if (typeof identity !== "string" || identity === "")
      fail(`recipients[${i}].identity`, "expected a non-empty string");
    decodeHexInto(id as string, 2, 32, accountIds, i * 32);
    if (i > 0) {
      let cmp = 0;
      for (let b = 0; b < 32 && cmp === 0; b++) cmp = accountIds[i * 32 + b]! - accountIds[(i - 1) * 32 + b]!;
      if (cmp <= 0) fail(`recipients[${i}].accountId`, "recipients must be strictly ascending by accountId");
    }
    const idText = identity as string;
    if (idText !== id) {
      accountIdInto(canonicalIdentity(idText), check, 0);
      for (let b = 0; b < 32; b++) {
        if (check[b] !== accountIds[i * 32 + b])
          fail(`recipients[${i}].identity`, "identity does not hash to the accountId");
      }
    }
    const value = BigInt(sh as string);
    shares[i] = value;
    identities[i] = idText;
    sum += value;
  }
  if (sum !== totalShares) fail("recipients", `shares sum to ${sum}, not totalShares ${totalShares}`);
  const rows: TableRows = { length: n, accountIds, shares, identities };
  if (computeTableHash(totalShares, rows) !== tableHash)
    fail("tableHash", "tableHash does not match the recipients");
  if (computeInputsHash(inputs) !== inputsHash) fail("inputsHash", "inputsHash does not match the inputs");
  return {
    version: TABLE_VERSION,
    totalShares,
    root,
    policyHash,
    inputsHash,
    tableHash,
    engineVersion,
    inputs,
    rows,
  };
}

/** The row of an accountId (binary search), or -1. */
export function findRow(rows: Pick<TableRows, "length" | "accountIds">, accountId: Hex32): number {
  if (!isBytes32Hex(accountId)) return -1;
  const key = hexToBytes(accountId);
  let lo = 0;
  let hi = rows.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    let cmp = 0;
    for (let b = 0; b < 32 && cmp === 0; b++) cmp = rows.accountIds[mid * 32 + b]! - key[b]!;
    if (cmp === 0) return mid;
    if (cmp < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
