import type { ErrorRequestHandler, Response } from "express";
import type { Logger } from "pino";
import { isConnectionLost, sqlState } from "../db/database.ts";
import { ServerError, type ServerErrorCode } from "../errors.ts";

/** The one place where error codes become HTTP statuses. */
export const HTTP_STATUS: Record<ServerErrorCode, number> = {
  VALIDATION: 400,
  AUTH_REQUIRED: 401,
  AUTH_INVALID: 401,
  AUTH_EXPIRED: 401,
  AUTH_REPLAYED: 401,
  FORBIDDEN: 403,
  BINDING_DENIED: 403,
  BINDING_REJECTED: 422,
  NOT_FOUND: 404,
  CONFLICT: 409,
  POLICY_UNCHANGED: 409,
  BODY_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  CONFIG_INVALID: 500,
  MIGRATION_CHECKSUM_MISMATCH: 500,
  MIGRATION_MISSING: 500,
  DB_ERROR: 500,
  DATABASE_UNAVAILABLE: 503,
  CHAIN_UNAVAILABLE: 503,
  VERIFIER_UNAVAILABLE: 503,
  INTERNAL: 500,
};

/** Errors thrown by express' body parser carry a `type`; turn them into our codes. */
function fromBodyParser(error: unknown): ServerError | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const type = "type" in error ? error.type : undefined;
  switch (type) {
    case "entity.too.large":
      return new ServerError("BODY_TOO_LARGE", "request body too large", {
        details: "limit" in error ? `limit is ${String(error.limit)} bytes` : undefined,
      });
    case "entity.parse.failed":
      return new ServerError("VALIDATION", "request body is not valid JSON", {
        issues: [{ path: "", message: "malformed JSON" }],
      });
    case "encoding.unsupported":
    case "charset.unsupported":
    case "request.aborted":
    case "request.size.invalid":
      return new ServerError("VALIDATION", "request body could not be read", { details: String(type) });
    default:
      // Other client errors of the body reader (a truncated gzip stream, bad brotli data): 4xx.
      if (
        "expose" in error &&
        error.expose === true &&
        "status" in error &&
        typeof error.status === "number"
      ) {
        if (error.status === 413) return new ServerError("BODY_TOO_LARGE", "request body too large");
        if (error.status >= 400 && error.status < 500) {
          return new ServerError("VALIDATION", "request body could not be read", {
            details: error instanceof Error ? error.message : undefined,
          });
        }
      }
      return undefined;
  }
}

/**
 * SQLSTATEs caused by a value the request carried that PostgreSQL cannot store or evaluate (a NUL
 * character in JSON text, an unencodable character, a number out of range, nesting too deep):
 * the caller's fault, so 400, not 500.
 */
const INPUT_SQLSTATES = new Set(["22P05", "22021", "22003", "22P02", "54001"]);

/** Errors raised before any route ran: a path whose percent-encoding does not decode. */
function fromRequest(error: unknown): ServerError | undefined {
  if (error instanceof URIError) {
    return new ServerError("VALIDATION", "malformed percent-encoding in the path", {
      issues: [{ path: "path", message: error.message }],
    });
  }
  const state = sqlState(error);
  if (state && INPUT_SQLSTATES.has(state)) {
    return new ServerError("VALIDATION", "a value in the request cannot be stored", {
      details: error instanceof Error ? error.message : undefined,
    });
  }
  return undefined;
}

/** Seconds a client should wait before retrying a request that failed on a lost dependency. */
export const RETRY_AFTER_SECONDS: Partial<Record<ServerErrorCode, number>> = {
  DATABASE_UNAVAILABLE: 2,
  CHAIN_UNAVAILABLE: 5,
  VERIFIER_UNAVAILABLE: 60,
};

/**
 * A failure whose cause is a lost database connection is the database's outage, not a bug: it
 * answers 503 DATABASE_UNAVAILABLE (retryable), whatever layer wrapped it.
 */
function classify(error: unknown): ServerError {
  const known = error instanceof ServerError ? error : (fromBodyParser(error) ?? fromRequest(error));
  if ((!known || known.code === "INTERNAL" || known.code === "DB_ERROR") && isConnectionLost(error)) {
    return new ServerError("DATABASE_UNAVAILABLE", "database unavailable; retry shortly", { cause: error });
  }
  return known ?? new ServerError("INTERNAL", "internal error", { cause: error });
}

export function sendError(res: Response, error: ServerError): void {
  const status = HTTP_STATUS[error.code];
  res.locals.errorCode = error.code;
  if (status === 401) res.setHeader("WWW-Authenticate", 'EIP712 realm="wellspring-admin"');
  const retryAfter = RETRY_AFTER_SECONDS[error.code];
  if (retryAfter !== undefined) res.setHeader("Retry-After", String(retryAfter));
  res.status(status).json({
    error: {
      code: error.code,
      message: error.shortMessage,
      ...(error.reason ? { reason: error.reason } : {}),
      ...(error.details && status < 500 ? { details: error.details } : {}),
      ...(error.issues ? { issues: error.issues } : {}),
      requestId: String(res.locals.requestId ?? ""),
    },
  });
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const serverError = classify(error);
    const status = HTTP_STATUS[serverError.code];
    if (serverError.code === "DATABASE_UNAVAILABLE") {
      // An outage, not a bug: one warning per failed request, without the stack.
      logger.warn(
        { err: String(error), requestId: res.locals.requestId, method: req.method, url: req.originalUrl },
        "request failed: database unavailable",
      );
    } else if (status >= 500) {
      // Details of unexpected failures go to the log, never to the client.
      logger.error(
        { err: error, requestId: res.locals.requestId, method: req.method, url: req.originalUrl },
        "request failed",
      );
    }
    sendError(res, serverError);
  };
}
