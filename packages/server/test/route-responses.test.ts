/**
 * A route's declared responses type its handler (tsc refuses a wrong shape: the `@ts-expect-error`
 * lines below fail the typecheck if the handler were accepted) and, in tests, check each answer
 * at run time (the test server sets `checkResponses`, so every server test's 2xx bodies are
 * parsed against their schemas).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { z } from "zod/v4";
import { buildOpenApiDocument } from "../src/http/openapi.ts";
import { assertDeclaredResponse, route } from "../src/http/route.ts";

const thing = z.object({ id: z.string(), kind: z.enum(["a", "b"]) });
const spec = {
  method: "get",
  path: "/things/:id",
  operationId: "getThing",
  summary: "A thing",
  tags: ["test"],
  responses: {
    200: { description: "The thing", schema: thing, csv: true },
    201: { description: "Created", schema: thing },
    204: { description: "Nothing" },
  },
} as const;

describe("route responses", () => {
  it("type the handler's answer from the declared schemas", () => {
    route(spec).handle(async () => ({ body: { id: "1", kind: "a" } }));
    route(spec).handle(async () => ({ body: "id,kind\r\n1,a\r\n" }));
    route(spec).handle(async () => ({ status: 201, body: { id: "1", kind: "b" } }));
    // @ts-expect-error: "c" is not a kind
    route(spec).handle(async () => ({ body: { id: "1", kind: "c" } }));
    // @ts-expect-error: id is missing
    route(spec).handle(async () => ({ status: 201, body: { kind: "a" } }));
    // @ts-expect-error: 201 has no CSV alternative
    route(spec).handle(async () => ({ status: 201, body: "id,kind" }));
    // @ts-expect-error: 202 is not declared
    route(spec).handle(async () => ({ status: 202, body: { id: "1", kind: "a" } }));
  });

  it("check an answer against the declared status and schema", () => {
    const r = route(spec).handle(async () => ({ body: { id: "1", kind: "a" } }));
    assertDeclaredResponse(r, 200, { id: "1", kind: "a" });
    assertDeclaredResponse(r, 200, "id,kind\r\n");
    assertDeclaredResponse(r, 204, "");
    assert.throws(
      () => assertDeclaredResponse(r, 200, { id: 1, kind: "a" }),
      /getThing answered 200 with a body its schema refuses: body\.id: /,
    );
    assert.throws(() => assertDeclaredResponse(r, 201, { id: "1" }), /body\.kind/);
    assert.throws(() => assertDeclaredResponse(r, 201, "id,kind"), /text where it declares JSON/);
    assert.throws(() => assertDeclaredResponse(r, 204, { id: "1" }), /JSON where it declares no schema/);
    assert.throws(() => assertDeclaredResponse(r, 202, {}), /a status it does not declare/);
  });

  it("document a CSV alternative in the OpenAPI operation", () => {
    const r = route(spec).handle(async () => ({ body: { id: "1", kind: "a" } }));
    const doc = buildOpenApiDocument([r], { title: "t", version: "1", description: "d" }) as {
      paths: Record<string, Record<string, { responses: Record<string, { content?: object }> }>>;
    };
    const { responses } = doc.paths["/things/{id}"]!.get!;
    assert.deepEqual(Object.keys(responses["200"]!.content!), ["application/json", "text/csv"]);
    assert.deepEqual(Object.keys(responses["201"]!.content!), ["application/json"]);
  });
});
