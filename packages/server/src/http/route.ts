import type { Request, RequestHandler, Response } from "express";
import type { z } from "zod/v4";
import type { AdminAuthenticator, AdminIdentity } from "../auth/admin-auth.ts";
import type { Role, RoleScope } from "../auth/roles.ts";
import { ServerError, type FieldIssue } from "../errors.ts";

export interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
  /** Defaults to application/json. */
  contentType?: string;
}

export interface HandlerContext<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  /** Set on routes with `auth`: who signed the request. */
  admin: AdminIdentity | undefined;
  req: Request;
  res: Response;
}

export interface HandlerResult {
  status?: number;
  body: unknown;
  headers?: Record<string, string>;
}

/**
 * One HTTP route: its zod schemas validate the request AND generate the OpenAPI operation, so
 * the document cannot drift from the code. Handlers stay thin: parse, call a service, return.
 */
export interface RouteDefinition<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
> {
  method: "get" | "post" | "put" | "delete";
  /** Express path syntax, e.g. `/v1/policies/:name`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  /** Role an EIP-712 signed request must hold; absent = public. */
  auth?: Role;
  /**
   * For per-pool roles: the pool the request concerns (read from the raw request, before
   * validation). Absent = the role counts in any pool (see `chainHasRole`).
   */
  authScope?: (req: Request) => Promise<RoleScope | undefined>;
  params?: P;
  query?: Q;
  body?: B;
  responses: Record<number, ResponseSpec>;
  handle(ctx: HandlerContext<z.output<P>, z.output<Q>, z.output<B>>): Promise<HandlerResult>;
}

export type AnyRoute = RouteDefinition<z.ZodType, z.ZodType, z.ZodType>;

export function route<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
>(definition: RouteDefinition<P, Q, B>): AnyRoute {
  return definition as unknown as AnyRoute;
}

export function zodIssues(error: z.ZodError, prefix: string): FieldIssue[] {
  const join = (path: readonly PropertyKey[]) => [prefix, ...path.map(String)].filter(Boolean).join(".");
  return error.issues.flatMap((issue) =>
    // An unknown field is reported at its own path, not at its parent object's.
    issue.code === "unrecognized_keys"
      ? issue.keys.map((key) => ({ path: join([...issue.path, key]), message: "unknown field" }))
      : [{ path: join(issue.path), message: issue.message }],
  );
}

function parsePart(
  schema: z.ZodType | undefined,
  value: unknown,
  where: "params" | "query" | "body",
): unknown {
  if (!schema) return undefined;
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new ServerError("VALIDATION", `invalid request ${where}`, { issues: zodIssues(parsed.error, where) });
}

/** Express handler for a route: authenticate (admin routes), validate, run, send. */
export function toHandler(definition: AnyRoute, authenticator: AdminAuthenticator): RequestHandler {
  return async (req, res) => {
    let admin: AdminIdentity | undefined;
    if (definition.auth) {
      // Authentication comes before validation: an anonymous caller learns nothing about the body.
      admin = await authenticator.authenticate(
        {
          method: req.method,
          path: req.originalUrl,
          headers: req.headers,
          rawBody: res.locals.rawBody as Uint8Array | undefined,
        },
        definition.auth,
        definition.authScope ? () => definition.authScope!(req) : undefined,
      );
    }
    const params = parsePart(definition.params, req.params, "params");
    const query = parsePart(definition.query, req.query, "query");
    const body = parsePart(definition.body, req.body ?? undefined, "body");
    const result = await definition.handle({ params, query, body, admin, req, res });
    for (const [name, value] of Object.entries(result.headers ?? {})) res.setHeader(name, value);
    res.status(result.status ?? 200);
    if (typeof result.body === "string" || result.body instanceof Uint8Array) res.send(result.body);
    else res.json(result.body);
  };
}
