import { keccak256, stringToBytes, type Hex } from "viem";

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/**
 * Canonical JSON: object keys sorted by UTF-16 code units (JavaScript's default sort), no
 * whitespace, strings and numbers as JSON.stringify writes them. Same value => same bytes, so the
 * hash below identifies a policy document regardless of key order or formatting. Refuses values
 * JSON cannot carry exactly (non-finite numbers, undefined, bigint, functions).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === "boolean" || typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new TypeError("canonical JSON cannot hold a non-finite number");
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const entries = Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(",")}}`;
  }
  throw new TypeError(`canonical JSON cannot hold a value of type ${typeof value}`);
}

/** keccak256 over the UTF-8 bytes of the canonical JSON text. */
export function canonicalHash(canonical: string): Hex {
  return keccak256(stringToBytes(canonical));
}

/** One JSON-level change between two documents; `path` is an RFC 6901 JSON Pointer. */
export interface JsonChange {
  op: "add" | "remove" | "replace";
  path: string;
  from?: JsonValue;
  to?: JsonValue;
}

const pointerToken = (key: string) => key.replace(/~/g, "~0").replace(/\//g, "~1");
const isObject = (v: JsonValue): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);

/** Structural diff: objects key by key (sorted), arrays index by index, anything else by value. */
export function jsonDiff(from: JsonValue, to: JsonValue, path = ""): JsonChange[] {
  if (isObject(from) && isObject(to)) {
    const keys = [...new Set([...Object.keys(from), ...Object.keys(to)])].sort();
    return keys.flatMap((key) => {
      const at = `${path}/${pointerToken(key)}`;
      const a = from[key];
      const b = to[key];
      if (a === undefined) return b === undefined ? [] : [{ op: "add" as const, path: at, to: b }];
      if (b === undefined) return [{ op: "remove" as const, path: at, from: a }];
      return jsonDiff(a, b, at);
    });
  }
  if (Array.isArray(from) && Array.isArray(to)) {
    const changes: JsonChange[] = [];
    const common = Math.min(from.length, to.length);
    for (let i = 0; i < common; i++)
      changes.push(...jsonDiff(from[i] as JsonValue, to[i] as JsonValue, `${path}/${i}`));
    for (let i = common; i < to.length; i++)
      changes.push({ op: "add", path: `${path}/${i}`, to: to[i] as JsonValue });
    // Removals from the end backwards, so applying them in order keeps the indices valid.
    for (let i = from.length - 1; i >= common; i--)
      changes.push({ op: "remove", path: `${path}/${i}`, from: from[i] as JsonValue });
    return changes;
  }
  return canonicalJson(from) === canonicalJson(to) ? [] : [{ op: "replace", path, from, to }];
}
