// GET /v1/policies/schema: the engine's policy schema as JSON Schema, generated from the zod schema
// the server validates with (its defaults are the engine's, every shipped policy's fields are in
// it), and the converter behind it on the zod types it knows and one it does not.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { defaultPolicy } from "@wellspring/attribution";
import { z } from "zod";
import type { Database } from "../src/db/database.ts";
import { zod3JsonSchema } from "../src/zod3-json-schema.ts";
import { backends, json, startTestServer, type TestServer } from "./helpers.ts";

interface Schema {
  $schema?: string;
  type?: string;
  description?: string;
  default?: unknown;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  anyOf?: Schema[];
  enum?: string[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
}

const policiesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../attribution/policies");

/** Every [path, schema] of an object's properties, depth first (through array items too). */
function* nodes(schema: Schema, at: string[] = []): Generator<[string[], Schema]> {
  for (const [key, child] of Object.entries(schema.properties ?? {})) {
    yield [[...at, key], child];
    yield* nodes(child, [...at, key]);
  }
  const items = schema.items ?? schema.anyOf?.find((s) => s.type !== "null")?.items;
  if (items) yield* nodes(items, [...at, "[]"]);
}

/** The schema of a document's value at `keys` (array indexes walk into `items`), or undefined. */
function schemaAt(schema: Schema, keys: (string | number)[]): Schema | undefined {
  let node: Schema | undefined = schema;
  for (const key of keys) {
    if (!node) return undefined;
    node = typeof key === "number" ? node.items : node.properties?.[key];
  }
  return node;
}

/** Every path to a leaf (not an object or array) value of a JSON document. */
function* leaves(value: unknown, at: (string | number)[] = []): Generator<(string | number)[]> {
  if (Array.isArray(value)) for (const [i, v] of value.entries()) yield* leaves(v, [...at, i]);
  else if (value !== null && typeof value === "object")
    for (const [k, v] of Object.entries(value)) yield* leaves(v, [...at, k]);
  else yield at;
}

for (const backend of await backends()) {
  describe(`policy schema API [${backend.name}]`, { skip: backend.skip }, () => {
    let db: Database;
    let dispose: () => Promise<void>;
    let server: TestServer;
    let schema: Schema;
    before(async () => {
      ({ db, dispose } = await backend.open());
      server = await startTestServer(db);
      const response = await fetch(`${server.url}/v1/policies/schema`);
      assert.equal(response.status, 200);
      schema = await json<Schema>(response);
    });
    after(async () => {
      await server?.close();
      await dispose?.();
    });

    it("is a closed JSON Schema object whose one required field is version (1)", () => {
      assert.equal(schema.$schema, "https://json-schema.org/draft/2020-12/schema");
      assert.equal(schema.type, "object");
      assert.equal(schema.additionalProperties, false);
      assert.deepEqual(schema.required, ["version"]);
      assert.deepEqual(schema.properties?.version, {
        type: "number",
        const: 1,
        description: "Format of this document; always 1",
      });
      assert.deepEqual(
        [
          schema.properties?.keep?.properties?.default?.minimum,
          schema.properties?.keep?.properties?.default?.maximum,
        ],
        [0, 1],
      );
      assert.equal(schema.properties?.depthDecay?.exclusiveMinimum, 0);
      assert.deepEqual(schema.properties?.noContributors?.enum, ["hold", "pass"]);
      assert.deepEqual(
        schema.properties?.contributors?.properties?.halfLifeDays?.anyOf?.map((s) => s.type),
        ["number", "null"],
      );
    });

    it("has the engine's defaults: each default is the value the engine fills in", () => {
      const filled = defaultPolicy() as unknown as Record<string, unknown>;
      let compared = 0;
      for (const [keys, node] of nodes(schema)) {
        if (!("default" in node) || keys.includes("[]")) continue;
        const value = keys.reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], filled);
        // An object's default is {} (its fields fill themselves in); compare the leaves.
        if (node.type === "object") continue;
        assert.deepEqual(node.default, value, keys.join("."));
        compared++;
      }
      assert.ok(compared > 25, `${compared} defaults compared`);
    });

    it("describes every field of every shipped policy, and each top-level field in words", () => {
      for (const file of readdirSync(policiesDir).filter((f) => f.endsWith(".json"))) {
        const document = JSON.parse(readFileSync(path.join(policiesDir, file), "utf8")) as unknown;
        for (const keys of leaves(document))
          assert.ok(schemaAt(schema, keys), `${file}: ${keys.join(".")} is in the schema`);
      }
      for (const [key, node] of Object.entries(schema.properties ?? {}))
        assert.ok((node.description ?? "").length > 10, `${key} has a description`);
    });

    it("is in the OpenAPI document", async () => {
      const doc = await json<{ paths: Record<string, Record<string, { operationId: string }>> }>(
        await fetch(`${server.url}/openapi.json`),
      );
      assert.equal(doc.paths["/v1/policies/schema"]?.get?.operationId, "getPolicySchema");
    });
  });
}

describe("zod 3 to JSON Schema", () => {
  it("converts objects, records, arrays, strings, numbers, enums, literals, unions, nullables and defaults", () => {
    const schema = z
      .object({
        a: z.string().min(1).max(5).regex(/^x+$/).describe("an a"),
        b: z.number().int().gt(0).lte(9).optional(),
        c: z.record(z.boolean()),
        d: z.array(z.string()).min(1).max(3),
        e: z.union([z.string(), z.null()]),
        f: z.enum(["x", "y"]).nullable().default(null),
        g: z.literal("on"),
        h: z.string().refine((s) => s !== "no", "not no"),
        i: z.unknown(),
      })
      .passthrough();
    assert.deepEqual(zod3JsonSchema(schema), {
      $schema: "https://json-schema.org/draft/2020-12/schema",
      type: "object",
      properties: {
        a: { type: "string", minLength: 1, maxLength: 5, pattern: "^x+$", description: "an a" },
        b: { type: "integer", exclusiveMinimum: 0, maximum: 9 },
        c: { type: "object", additionalProperties: { type: "boolean" } },
        d: { type: "array", items: { type: "string" }, minItems: 1, maxItems: 3 },
        e: { anyOf: [{ type: "string" }, { type: "null" }] },
        f: { anyOf: [{ type: "string", enum: ["x", "y"] }, { type: "null" }], default: null },
        g: { type: "string", const: "on" },
        h: { type: "string" },
        i: {},
      },
      required: ["a", "c", "d", "e", "g", "h"],
    });
    assert.deepEqual(zod3JsonSchema(z.object({ x: z.number() }).strict()).additionalProperties, false);
    assert.deepEqual(zod3JsonSchema(z.object({}).catchall(z.number())).additionalProperties, {
      type: "number",
    });
  });

  it("refuses what it cannot describe rather than describing it wrongly", () => {
    assert.throws(() => zod3JsonSchema(z.object({ n: z.bigint() })), /ZodBigInt has no JSON Schema form/);
    assert.throws(() => zod3JsonSchema(z.string().email()), /string check "email"/);
  });
});
