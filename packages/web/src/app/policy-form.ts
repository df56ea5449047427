// A form generated from a JSON Schema (the server's GET /v1/policies/schema), the logic: which control
// each schema node gets, reading a control's text into a value, and editing the one document the
// JSON editor also shows (immutably, by path). No DOM: policy-form.view.ts draws it. Generic: it
// knows JSON Schema, not the policy.
import { InputError } from "./errors.ts";

/** The JSON Schema keywords the form reads (the server's schema uses no others that matter here). */
export interface JsonSchema {
  type?: string | string[];
  description?: string;
  default?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  enum?: readonly unknown[];
  const?: unknown;
}

/** A place in the document: object keys and array indexes. */
export type Path = readonly (string | number)[];

export type Node =
  | { kind: "object"; properties: [string, JsonSchema][]; required: ReadonlySet<string>; closed: boolean }
  | { kind: "record"; values: JsonSchema }
  | { kind: "array"; items: JsonSchema }
  | { kind: "choice"; options: readonly (string | number | boolean)[] }
  | { kind: "number"; integer: boolean }
  | { kind: "string" }
  | { kind: "boolean" }
  /** Anything else (or a value of the wrong type): edited as JSON text. */
  | { kind: "json" };

/** The control a schema node gets, and whether null is one of its values (`anyOf: [x, {type: null}]`). */
export function nodeOf(schema: JsonSchema): Node & { nullable: boolean; schema: JsonSchema } {
  const others = schema.anyOf?.filter((s) => !(s.type === "null"));
  if (schema.anyOf && others?.length === 1 && others.length < schema.anyOf.length) {
    const { anyOf: _anyOf, ...rest } = schema;
    const inner = nodeOf({ ...others[0], ...rest });
    return { ...inner, nullable: true };
  }
  return { ...plainNode(schema), nullable: false, schema };
}

function plainNode(schema: JsonSchema): Node {
  const scalar = (v: unknown): v is string | number | boolean =>
    typeof v === "string" || typeof v === "number" || typeof v === "boolean";
  if ("const" in schema && scalar(schema.const)) return { kind: "choice", options: [schema.const] };
  if (schema.enum?.every(scalar)) return { kind: "choice", options: schema.enum };
  switch (schema.type) {
    case "object":
      if (schema.properties)
        return {
          kind: "object",
          properties: Object.entries(schema.properties),
          required: new Set(schema.required ?? []),
          closed: schema.additionalProperties === false,
        };
      if (typeof schema.additionalProperties === "object")
        return { kind: "record", values: schema.additionalProperties };
      return { kind: "json" };
    case "array":
      return schema.items ? { kind: "array", items: schema.items } : { kind: "json" };
    case "number":
    case "integer":
      return { kind: "number", integer: schema.type === "integer" };
    case "string":
      return { kind: "string" };
    case "boolean":
      return { kind: "boolean" };
    default:
      return { kind: "json" };
  }
}

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Whether `value` has the shape the node edits (else the form shows it as JSON text to fix). */
export function fits(node: Node & { nullable: boolean }, value: unknown): boolean {
  if (value === undefined || (value === null && node.nullable)) return true;
  switch (node.kind) {
    case "object":
    case "record":
      return isObject(value);
    case "array":
      return Array.isArray(value);
    case "number":
      return typeof value === "number";
    case "string":
      return typeof value === "string";
    case "boolean":
      return typeof value === "boolean";
    case "choice":
      return node.options.includes(value as string);
    case "json":
      return true;
  }
}

export function valueAt(doc: unknown, path: Path): unknown {
  let v = doc;
  for (const key of path) {
    if (typeof key === "number" ? !Array.isArray(v) : !isObject(v)) return undefined;
    v = (v as Record<string | number, unknown>)[key];
  }
  return v;
}

/**
 * `doc` with the value at `path` replaced (undefined removes an object's key), every container on
 * the way copied, missing ones created (an object for a key, an array for an index).
 */
export function withValue(doc: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  const [key, ...rest] = path as [string | number, ...(string | number)[]];
  if (typeof key === "number") {
    const list = Array.isArray(doc) ? [...(doc as unknown[])] : [];
    list[key] = withValue(list[key], rest, value);
    return list;
  }
  const object = isObject(doc) ? { ...doc } : {};
  const next = withValue(object[key], rest, value);
  if (next === undefined) delete object[key];
  else object[key] = next;
  return object;
}

/** `doc` without the array item at `path`. */
export function withoutItem(doc: unknown, path: Path): unknown {
  const index = path.at(-1);
  const list = valueAt(doc, path.slice(0, -1));
  if (typeof index !== "number" || !Array.isArray(list)) return doc;
  return withValue(
    doc,
    path.slice(0, -1),
    list.filter((_, i) => i !== index),
  );
}

/** `doc` with the record entry `from` renamed to `to`, its place kept; InputError for a taken name. */
export function withRenamedKey(doc: unknown, path: Path, from: string, to: string, field: string): unknown {
  const record = valueAt(doc, path);
  if (!isObject(record) || from === to) return doc;
  if (to === "") throw new InputError(field, "Give the entry a name.");
  if (to in record) throw new InputError(field, `There is already an entry named "${to}".`);
  return withValue(
    doc,
    path,
    Object.fromEntries(Object.entries(record).map(([k, v]) => [k === from ? to : k, v])),
  );
}

/** A new value for a schema (an added array row, a record entry, a new document): its required parts. */
export function initialValue(schema: JsonSchema): unknown {
  const node = nodeOf(schema);
  if (node.schema.default !== undefined && node.kind !== "object")
    return structuredClone(node.schema.default);
  switch (node.kind) {
    case "object":
      return Object.fromEntries(
        node.properties
          .filter(([key]) => node.required.has(key))
          .map(([key, s]) => [key, initialValue(s)])
          .filter(([, v]) => v !== undefined),
      );
    case "record":
      return {};
    case "array":
      return [];
    case "choice":
      return node.options[0];
    case "boolean":
      return false;
    case "string":
      return "";
    case "number":
    case "json":
      return undefined;
  }
}

/**
 * What a control's text means: a number, a string, a JSON value; an empty field means null where the
 * schema allows it, else "not set" (undefined) where the field is optional. InputError(field) names
 * what is wrong, and the document keeps its old value.
 */
export function readText(
  text: string,
  node: Node & { nullable: boolean },
  opts: { required: boolean; field: string; label: string },
): unknown {
  const trimmed = text.trim();
  if (trimmed === "" && node.kind !== "string") {
    if (node.nullable) return null;
    if (!opts.required) return undefined;
    throw new InputError(opts.field, `${opts.label} is required.`);
  }
  switch (node.kind) {
    case "number": {
      const n = Number(trimmed);
      if (!Number.isFinite(n) || !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(trimmed))
        throw new InputError(opts.field, `${opts.label} must be a number, such as 0.5.`);
      if (node.integer && !Number.isInteger(n))
        throw new InputError(opts.field, `${opts.label} must be a whole number.`);
      return n;
    }
    case "string":
      return text === "" && !opts.required ? undefined : text;
    case "json":
      try {
        return JSON.parse(trimmed) as unknown;
      } catch (error) {
        throw new InputError(opts.field, `${opts.label} is not valid JSON (${(error as Error).message}).`);
      }
    default:
      return text;
  }
}

/** A path as the form's data-path (`keep.default`, `rules.0.match`). */
export const pathKey = (path: Path): string => path.join(".");

/** The document path of a server field error (`body.document.rules.0.match` → rules, 0, match). */
export function issuePath(serverPath: string): Path {
  return serverPath
    .replace(/^body\.document\.?/, "")
    .split(".")
    .filter(Boolean)
    .map((seg) => (/^\d+$/.test(seg) ? Number(seg) : seg));
}

const ACRONYMS = new Set(["ai", "id", "uri", "url"]);

/** A key as a label: "depthDecay" → "Depth decay", "aiOptOut" → "AI opt out"; "open-source-ai" stays as written. */
export function label(key: string | number): string {
  if (typeof key === "number") return `Item ${key + 1}`;
  const words = key
    .split(/(?=[A-Z])/)
    .map((w) => (ACRONYMS.has(w.toLowerCase()) ? w.toUpperCase() : w.toLowerCase()));
  const text = words.join(" ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The document a new policy line starts from: what its schema requires (e.g. `{ "version": 1 }`). */
export const skeleton = (schema: JsonSchema): unknown => initialValue(schema);
