import { ZodFirstPartyTypeKind as Kind, type ZodTypeAny } from "zod";
import type { JsonObject, JsonValue } from "./canonical.ts";

/**
 * JSON Schema (2020-12) of a zod 3 schema, read from the schema itself at run time, for the *input*
 * a client sends. The engine's policy schema is zod 3 (`import { z } from "zod"`), which zod 4's
 * `z.toJSONSchema` (what openapi.ts uses) cannot read, and moving it to zod 4 would change how its
 * defaults fill in, so the policy hash. Refinements (`.refine`, `.superRefine`) have no JSON
 * Schema form: the server still checks them, and reports them at their field. A zod type this does
 * not know throws, rather than describing the input wrongly.
 */
export function zod3JsonSchema(schema: ZodTypeAny): JsonObject {
  return { $schema: "https://json-schema.org/draft/2020-12/schema", ...convert(schema) };
}

interface Check {
  kind: string;
  value?: number;
  inclusive?: boolean;
  regex?: RegExp;
}

/** The zod 3 definition fields this reads (zod keeps them on `_def`). */
interface Def {
  typeName: Kind;
  description?: string;
  checks?: Check[];
  innerType?: ZodTypeAny;
  schema?: ZodTypeAny;
  type?: ZodTypeAny;
  valueType?: ZodTypeAny;
  catchall?: ZodTypeAny;
  unknownKeys?: "strict" | "strip" | "passthrough";
  shape?: () => Record<string, ZodTypeAny>;
  values?: readonly string[];
  value?: unknown;
  options?: readonly ZodTypeAny[];
  defaultValue?: () => unknown;
  minLength?: { value: number } | null;
  maxLength?: { value: number } | null;
  exactLength?: { value: number } | null;
}

const defOf = (schema: ZodTypeAny) => schema._def as Def;

function convert(schema: ZodTypeAny): JsonObject {
  const def = defOf(schema);
  const out = convertType(def);
  if (def.description !== undefined) out.description = def.description;
  return out;
}

function convertType(def: Def): JsonObject {
  switch (def.typeName) {
    case Kind.ZodObject: {
      const shape = def.shape!();
      const properties: JsonObject = {};
      const required: string[] = [];
      for (const [key, value] of Object.entries(shape)) {
        properties[key] = convert(value);
        if (!value.isOptional()) required.push(key);
      }
      const catchall =
        def.catchall && defOf(def.catchall).typeName !== Kind.ZodNever ? def.catchall : undefined;
      return {
        type: "object",
        properties,
        ...(required.length ? { required } : {}),
        ...(catchall
          ? { additionalProperties: convert(catchall) }
          : def.unknownKeys === "strict"
            ? { additionalProperties: false }
            : {}),
      };
    }
    case Kind.ZodRecord:
      return { type: "object", additionalProperties: convert(def.valueType!) };
    case Kind.ZodArray:
      return {
        type: "array",
        items: convert(def.type!),
        ...(def.exactLength ? { minItems: def.exactLength.value, maxItems: def.exactLength.value } : {}),
        ...(def.minLength ? { minItems: def.minLength.value } : {}),
        ...(def.maxLength ? { maxItems: def.maxLength.value } : {}),
      };
    case Kind.ZodString: {
      const out: JsonObject = { type: "string" };
      for (const c of def.checks ?? []) {
        if (c.kind === "min") out.minLength = c.value!;
        else if (c.kind === "max") out.maxLength = c.value!;
        else if (c.kind === "length") out.minLength = out.maxLength = c.value!;
        else if (c.kind === "regex") out.pattern = c.regex!.source;
        else throw new Error(`zod3JsonSchema: string check "${c.kind}" has no JSON Schema form here`);
      }
      return out;
    }
    case Kind.ZodNumber: {
      const out: JsonObject = { type: "number" };
      for (const c of def.checks ?? []) {
        if (c.kind === "int") out.type = "integer";
        else if (c.kind === "min") out[c.inclusive ? "minimum" : "exclusiveMinimum"] = c.value!;
        else if (c.kind === "max") out[c.inclusive ? "maximum" : "exclusiveMaximum"] = c.value!;
        else if (c.kind === "multipleOf") out.multipleOf = c.value!;
        else if (c.kind !== "finite") {
          // JSON has no infinite numbers, so "finite" needs no keyword.
          throw new Error(`zod3JsonSchema: number check "${c.kind}" has no JSON Schema form here`);
        }
      }
      return out;
    }
    case Kind.ZodBoolean:
      return { type: "boolean" };
    case Kind.ZodNull:
      return { type: "null" };
    case Kind.ZodLiteral: {
      const value = def.value;
      if (value !== null && !["string", "number", "boolean"].includes(typeof value))
        throw new Error(`zod3JsonSchema: a ${typeof value} literal has no JSON form`);
      return {
        ...(value === null ? {} : { type: typeof value as "string" | "number" | "boolean" }),
        const: value as JsonValue,
      };
    }
    case Kind.ZodEnum:
      return { type: "string", enum: [...def.values!] };
    case Kind.ZodUnion:
      return { anyOf: def.options!.map(convert) };
    case Kind.ZodOptional:
      return convert(def.innerType!);
    case Kind.ZodNullable:
      return { anyOf: [convert(def.innerType!), { type: "null" }] };
    case Kind.ZodDefault:
      return { ...convert(def.innerType!), default: def.defaultValue!() as JsonValue };
    case Kind.ZodEffects:
      // A refinement or transform: the input is what the inner schema accepts.
      return convert(def.schema!);
    case Kind.ZodAny:
    case Kind.ZodUnknown:
      return {};
    default:
      throw new Error(`zod3JsonSchema: zod type ${def.typeName} has no JSON Schema form here`);
  }
}
