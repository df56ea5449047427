/**
 * Canonical JSON in the spirit of RFC 8785 (JCS): object keys sorted by UTF-16 code units, no
 * insignificant whitespace, strings and numbers serialised as ECMAScript does (which is what
 * JCS prescribes). Values that JSON cannot carry (NaN, Infinity, bigint, functions) are rejected
 * so a hash never silently covers a lossy encoding; `undefined` object members are omitted.
 */
export function canonicalJson(value: unknown): string {
  const parts: string[] = [];
  write(value, parts, "$");
  return parts.join("");
}

function write(value: unknown, out: string[], path: string): void {
  if (value === null) {
    out.push("null");
    return;
  }
  switch (typeof value) {
    case "boolean":
      out.push(value ? "true" : "false");
      return;
    case "string":
      out.push(JSON.stringify(value));
      return;
    case "number":
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: non-finite number at ${path}`);
      out.push(JSON.stringify(value));
      return;
    case "object": {
      if (Array.isArray(value)) {
        out.push("[");
        value.forEach((item, i) => {
          if (i > 0) out.push(",");
          write(item === undefined ? null : item, out, `${path}[${i}]`);
        });
        out.push("]");
        return;
      }
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record)
        .filter((k) => record[k] !== undefined)
        .sort(compareUtf16);
      out.push("{");
      keys.forEach((key, i) => {
        if (i > 0) out.push(",");
        out.push(JSON.stringify(key), ":");
        write(record[key], out, `${path}.${key}`);
      });
      out.push("}");
      return;
    }
    default:
      throw new TypeError(`canonicalJson: cannot encode ${typeof value} at ${path}`);
  }
}

/** Orders strings by UTF-16 code units, as RFC 8785 requires (not by locale). */
export function compareUtf16(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
