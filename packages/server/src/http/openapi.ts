import { z } from "zod/v4";
import { ADMIN_HEADERS } from "../auth/admin-auth.ts";
import type { AnyRoute } from "./route.ts";
import { requestSchemas, responseSchemas } from "./schemas.ts";

type JsonSchema = Record<string, unknown>;

const componentRef = (id: string) => `#/components/schemas/${id}`;

function schemaOrRef(schema: z.ZodType, registry: typeof requestSchemas, io: "input" | "output"): JsonSchema {
  const meta = registry.get(schema);
  if (meta) return { $ref: componentRef(meta.id) };
  return strip(z.toJSONSchema(schema, { io, unrepresentable: "any", metadata: registry }) as JsonSchema);
}

/** OpenAPI embeds schemas; the per-schema $schema keyword is noise there. */
function strip(schema: JsonSchema): JsonSchema {
  const { $schema: _ignored, ...rest } = schema;
  return rest;
}

/** Path and query parameters: one OpenAPI parameter per property of the route's object schema. */
function parameters(schema: z.ZodType | undefined, location: "path" | "query"): JsonSchema[] {
  if (!schema) return [];
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as {
    properties?: Record<string, JsonSchema>;
    required?: string[];
  };
  return Object.entries(json.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: location,
      required: location === "path" || (json.required ?? []).includes(name),
      ...(typeof description === "string" ? { description } : {}),
      schema: rest,
    };
  });
}

export interface OpenApiInfo {
  title: string;
  version: string;
  description: string;
}

/** Builds the OpenAPI 3.1 document from the route table and the zod schema registries. */
export function buildOpenApiDocument(routes: readonly AnyRoute[], info: OpenApiInfo): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, "{$1}");
    const responses: Record<string, unknown> = {};
    for (const [status, spec] of Object.entries(r.responses)) {
      responses[status] = {
        description: spec.description,
        ...(spec.schema
          ? {
              content: {
                [spec.contentType ?? "application/json"]: {
                  schema: schemaOrRef(spec.schema, responseSchemas, "output"),
                },
              },
            }
          : {}),
      };
    }
    const errors: Record<string, string> = {
      "400": "Invalid input; `issues` lists field paths",
      "429": "Rate limited",
    };
    if (r.auth)
      Object.assign(errors, {
        "401": "Missing, invalid, expired or replayed signature",
        "403": `Signer lacks role ${r.auth}`,
      });
    if (r.path.includes(":")) errors["404"] = "Not found";
    for (const [status, description] of Object.entries(errors)) {
      responses[status] ??= {
        description,
        content: { "application/json": { schema: { $ref: componentRef("Error") } } },
      };
    }
    (paths[path] ??= {})[r.method] = {
      operationId: r.operationId,
      summary: r.summary,
      ...(r.description ? { description: r.description } : {}),
      tags: r.tags,
      parameters: [...parameters(r.params, "path"), ...parameters(r.query, "query")],
      ...(r.body
        ? {
            requestBody: {
              required: true,
              content: { "application/json": { schema: schemaOrRef(r.body, requestSchemas, "input") } },
            },
          }
        : {}),
      responses,
      ...(r.auth ? { security: [{ eip712: [] }], "x-required-role": r.auth } : {}),
    };
  }
  const requestComponents = z.toJSONSchema(requestSchemas, {
    io: "input",
    unrepresentable: "any",
    uri: componentRef,
  }).schemas;
  const responseComponents = z.toJSONSchema(responseSchemas, {
    io: "output",
    unrepresentable: "any",
    uri: componentRef,
  }).schemas;
  const schemas = Object.fromEntries(
    Object.entries({ ...requestComponents, ...responseComponents }).map(([id, schema]) => [
      id,
      strip(schema as JsonSchema),
    ]),
  );
  return {
    openapi: "3.1.0",
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    info,
    paths,
    components: {
      schemas,
      securitySchemes: {
        eip712: {
          type: "apiKey",
          in: "header",
          name: ADMIN_HEADERS.signature,
          description:
            `EIP-712 signature of AdminRequest(method, path, bodyHash, nonce, deadline) over the domain from GET /v1/admin/auth-info, ` +
            `sent with ${ADMIN_HEADERS.address}, ${ADMIN_HEADERS.nonce} and ${ADMIN_HEADERS.deadline}. See docs/api.md.`,
        },
      },
    },
  };
}
