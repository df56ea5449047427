import { z } from "zod/v4";
import { ADMIN_HEADERS } from "../auth/admin-auth.ts";
import { UNLIMITED_PATHS } from "./rate-limit.ts";
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

/**
 * The error statuses any route of its kind can answer, besides those it declares itself (409, 422,
 * …): input the route cannot read (400, also a malformed path or body encoding), a body over the
 * limit (413; the body parser runs for every route), the rate limit (429), admin authentication
 * (401, 403), unknown ids (404), a fault (500) and a lost database or chain (503).
 */
function errorStatuses(r: AnyRoute): Record<string, string> {
  const unlimited = UNLIMITED_PATHS.has(r.path);
  return {
    "400": "Invalid input; `issues` lists field paths",
    ...(r.auth
      ? {
          "401": "Missing, invalid, expired or replayed signature",
          "403": `Signer lacks role ${r.auth}`,
        }
      : {}),
    ...(r.path.includes(":") ? { "404": "Not found" } : {}),
    "413": "Request body over BODY_LIMIT_BYTES",
    ...(unlimited ? {} : { "429": "Rate limited (see Retry-After)" }),
    "500": "Internal error (details only in the server log)",
    ...(r.path === "/healthz"
      ? {}
      : {
          "503": r.auth
            ? "Database or chain unavailable (DATABASE_UNAVAILABLE, CHAIN_UNAVAILABLE: roles are read from the chain); see Retry-After"
            : "Database or chain unavailable (DATABASE_UNAVAILABLE, CHAIN_UNAVAILABLE); see Retry-After",
        }),
  };
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
                ...(spec.csv ? { "text/csv": { schema: { type: "string" } } } : {}),
              },
            }
          : {}),
      };
    }
    for (const [status, description] of Object.entries(errorStatuses(r))) {
      responses[status] ??= { description };
    }
    // Every error status carries the one error shape; a route's own body for one (/readyz's 503
    // status) is an alternative to it, since a thrown error still answers with the error shape.
    for (const [status, response] of Object.entries(responses)) {
      if (Number(status) < 400) continue;
      const { content, ...rest } = response as { content?: Record<string, { schema: JsonSchema }> };
      const own = content?.["application/json"]?.schema;
      const error = { $ref: componentRef("Error") };
      responses[status] = {
        ...rest,
        content: { ...content, "application/json": { schema: own ? { anyOf: [own, error] } : error } },
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
