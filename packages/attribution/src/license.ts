/**
 * SPDX license expressions (SPDX 2.3 annex D): `OR` binds looser than `AND`, parentheses group,
 * `WITH` attaches an exception to one license, a trailing `+` means "or later". Matching is
 * case-insensitive, as the specification requires for license ids.
 */

export type LicenseNode =
  | { type: "license"; id: string; plus: boolean; exception?: string }
  | { type: "and" | "or"; left: LicenseNode; right: LicenseNode };

export class LicenseParseError extends Error {
  override name = "LicenseParseError";
}

const TOKEN = /\s*(\(|\)|[A-Za-z0-9.\-:+]+)/y;

export function parseLicenseExpression(expression: string): LicenseNode {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  const text = expression.trim();
  while (TOKEN.lastIndex < text.length) {
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(text);
    if (m === null) throw new LicenseParseError(`unexpected character at ${at} in "${expression}"`);
    tokens.push(m[1]!);
  }
  if (tokens.length === 0) throw new LicenseParseError("empty license expression");
  let pos = 0;
  const peek = (): string | undefined => tokens[pos];
  const isOp = (t: string | undefined, op: string): boolean => t !== undefined && t.toUpperCase() === op;

  const parseOr = (): LicenseNode => {
    let left = parseAnd();
    while (isOp(peek(), "OR")) {
      pos++;
      left = { type: "or", left, right: parseAnd() };
    }
    return left;
  };
  const parseAnd = (): LicenseNode => {
    let left = parseAtom();
    while (isOp(peek(), "AND")) {
      pos++;
      left = { type: "and", left, right: parseAtom() };
    }
    return left;
  };
  const parseAtom = (): LicenseNode => {
    const t = tokens[pos++];
    if (t === undefined) throw new LicenseParseError(`expression ends early: "${expression}"`);
    if (t === "(") {
      const inner = parseOr();
      if (tokens[pos++] !== ")") throw new LicenseParseError(`missing ")" in "${expression}"`);
      return inner;
    }
    if (t === ")" || ["AND", "OR", "WITH"].includes(t.toUpperCase())) {
      throw new LicenseParseError(`unexpected "${t}" in "${expression}"`);
    }
    const plus = t.endsWith("+");
    const node: LicenseNode = { type: "license", id: plus ? t.slice(0, -1) : t, plus };
    if (isOp(peek(), "WITH")) {
      pos++;
      const exception = tokens[pos++];
      if (exception === undefined || exception === "(" || exception === ")") {
        throw new LicenseParseError(`WITH needs an exception id in "${expression}"`);
      }
      node.exception = exception;
    }
    return node;
  };

  const tree = parseOr();
  if (pos !== tokens.length) throw new LicenseParseError(`unexpected "${tokens[pos]}" in "${expression}"`);
  return tree;
}

export interface LicenseLists {
  /** When present, every license used must be on it (an OR needs one acceptable branch). */
  allow?: readonly string[];
  deny: readonly string[];
}

export type LicenseVerdict =
  { ok: true } | { ok: false; reason: "LICENSE_DENIED" | "LICENSE_NOT_ALLOWED"; license: string };

/**
 * Whether a recipient may be paid under the expression: `A OR B` is acceptable when either side
 * is (the user may choose), `A AND B` when both are. A list entry matches a license by id
 * (`GPL-2.0-only`), by id with exception (`GPL-2.0-only WITH Classpath-exception-2.0`), and an
 * id with `+` also matches its base id.
 */
export function evaluateLicense(tree: LicenseNode, lists: LicenseLists): LicenseVerdict {
  const allow = lists.allow?.map((s) => s.toLowerCase());
  const deny = lists.deny.map((s) => s.toLowerCase());
  const visit = (node: LicenseNode): LicenseVerdict => {
    if (node.type === "license") {
      const names = [node.id.toLowerCase()];
      if (node.plus) names.push(`${node.id.toLowerCase()}+`);
      const full = node.exception ? names.map((n) => `${n} with ${node.exception!.toLowerCase()}`) : [];
      const label = `${node.id}${node.plus ? "+" : ""}${node.exception ? ` WITH ${node.exception}` : ""}`;
      if ([...names, ...full].some((n) => deny.includes(n)))
        return { ok: false, reason: "LICENSE_DENIED", license: label };
      if (allow !== undefined && ![...names, ...full].some((n) => allow.includes(n))) {
        return { ok: false, reason: "LICENSE_NOT_ALLOWED", license: label };
      }
      return { ok: true };
    }
    const l = visit(node.left);
    if (node.type === "or") {
      if (l.ok) return l;
      const r = visit(node.right);
      return r.ok ? r : l;
    }
    if (!l.ok) return l;
    return visit(node.right);
  };
  return visit(tree);
}

/** The SPDX ids that carry no license information. */
export function isUnknownLicense(expression: string | undefined): boolean {
  if (expression === undefined) return true;
  const t = expression.trim().toUpperCase();
  return t === "" || t === "NOASSERTION" || t === "NONE" || t === "UNKNOWN";
}
