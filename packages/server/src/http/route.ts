import type { Request, RequestHandler, Response } from "express";
import type { z } from "zod/v4";
import type { AdminAuthenticator, AdminIdentity } from "../auth/admin-auth.ts";
import type { Role, RoleScope } from "../auth/roles.ts";
import { ServerError, type FieldIssue } from "../errors.ts";

export interface ResponseSpec<S extends z.ZodType | undefined = z.ZodType | undefined> {
  description: string;
  /** The JSON body; the handler's return type for this status is inferred from it. */
  schema?: S;
  /** Defaults to application/json. */
  contentType?: string;
  /** Also served as text/csv (`?format=csv` or `Accept: text/csv`): the handler may return CSV text. */
  csv?: boolean;
}

export type Responses = Record<number, ResponseSpec>;

export interface HandlerContext<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  /** Set on routes with `auth`: who signed the request. */
  admin: AdminIdentity | undefined;
  req: Request;
  res: Response;
}

/** Read-only at every depth, so handlers may return constants (`as const`) as they are. */
type DeepReadonly<T> = T extends readonly (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends Uint8Array
    ? T
    : T extends object
      ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
      : T;

/** The body of one declared response: what its schema accepts (and CSV text where declared), else text or bytes. */
type BodyOf<Spec> = Spec extends { schema: infer S extends z.ZodType }
  ? DeepReadonly<z.input<S>> | (Spec extends { csv: true } ? string : never)
  : string | Uint8Array;

type ResultOf<Status, Spec> = {
  body: BodyOf<Spec>;
  headers?: Record<string, string>;
} & (Status extends 200 ? { status?: 200 } : { status: Status });

/**
 * What a handler may answer: one of the responses its route declares, with a body of that
 * response's shape, so a handler returning the wrong shape fails to compile. Errors are thrown
 * (ServerError), never returned.
 */
export type HandlerResult<R extends Responses = Responses> = {
  [Status in keyof R & number]: ResultOf<Status, R[Status]>;
}[keyof R & number];

/**
 * One HTTP route: its zod schemas validate the request AND generate the OpenAPI operation, so
 * the document cannot drift from the code. Handlers stay thin: parse, call a service, return.
 */
export interface RouteDefinition<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
  R extends Responses = Responses,
> {
  method: "get" | "post" | "put" | "delete";
  /** Express path syntax, e.g. `/v1/policies/:name`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tags: readonly string[];
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
  responses: R;
  handle(ctx: HandlerContext<z.output<P>, z.output<Q>, z.output<B>>): Promise<HandlerResult<R>>;
}

export type AnyRoute = RouteDefinition<z.ZodType, z.ZodType, z.ZodType, Responses>;

/**
 * `route({ ...spec }).handle(async (ctx) => ...)`: the spec first, so its schemas are known
 * before the handler is typed (in one object TypeScript would widen the handler's literals
 * before it inferred the responses).
 */
export function route<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
  const R extends Responses = Responses,
>(spec: Omit<RouteDefinition<P, Q, B, R>, "handle">) {
  return {
    handle: (handle: RouteDefinition<P, Q, B, R>["handle"]): AnyRoute =>
      ({ ...spec, handle }) as unknown as AnyRoute,
  };
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

/**
 * Throws unless `body` is what the route declares for `status`: JSON its schema accepts (as a
 * client parses it), or text where it declares no schema or a CSV alternative.
 */
export function assertDeclaredResponse(definition: AnyRoute, status: number, body: unknown): void {
  const where = `${definition.operationId} answered ${status}`;
  const spec = definition.responses[status];
  if (!spec) throw new Error(`${where}, a status it does not declare`);
  if (typeof body === "string" || body instanceof Uint8Array) {
    if (spec.schema && !spec.csv) throw new Error(`${where} with text where it declares JSON`);
    return;
  }
  if (!spec.schema) throw new Error(`${where} with JSON where it declares no schema`);
  const parsed = spec.schema.safeParse(JSON.parse(JSON.stringify(body)));
  if (!parsed.success) {
    const issues = zodIssues(parsed.error, "body").map((i) => `${i.path}: ${i.message}`);
    throw new Error(`${where} with a body its schema refuses: ${issues.join("; ")}`);
  }
}

/**
 * Express handler for a route: authenticate (admin routes), validate, run, send. With
 * `checkResponses` every answer is checked against the route's declared responses first (tests).
 */
export function toHandler(
  definition: AnyRoute,
  authenticator: AdminAuthenticator,
  checkResponses = false,
): RequestHandler {
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
    if (checkResponses) assertDeclaredResponse(definition, result.status ?? 200, result.body);
    for (const [name, value] of Object.entries(result.headers ?? {})) res.setHeader(name, value);
    res.status(result.status ?? 200);
    if (typeof result.body === "string" || result.body instanceof Uint8Array) res.send(result.body);
    else res.json(result.body);
  };
}
