/**
 * One error hierarchy for the server. Every error carries a stable `code`; the HTTP layer maps
 * codes to statuses in one table (`http/errors.ts`), so services never think about HTTP.
 */
export type ServerErrorCode =
  | "CONFIG_INVALID" // the environment failed validation at boot
  | "VALIDATION" // a request body, query or path parameter is malformed
  | "BODY_TOO_LARGE" // the request body exceeds the configured limit
  | "NOT_FOUND" // route or resource does not exist
  | "CONFLICT" // the write clashes with stored state (duplicate, stale version)
  | "POLICY_UNCHANGED" // a new policy version would be identical to the latest one
  | "AUTH_REQUIRED" // an admin endpoint was called without a signed request
  | "AUTH_INVALID" // the signature, address, nonce or deadline is malformed or does not verify
  | "AUTH_EXPIRED" // the signed request's deadline has passed (or is too far ahead)
  | "AUTH_REPLAYED" // the nonce was already used by this address
  | "FORBIDDEN" // the signer lacks the role the endpoint needs
  | "BINDING_DENIED" // a binding request failed an authority check (signature, deadline, nonce, trusted copy); see `reason`
  | "BINDING_REJECTED" // a binding request's manifest does not support the binding; see `reason`
  | "RATE_LIMITED" // too many requests from this client
  | "MIGRATION_CHECKSUM_MISMATCH" // an applied migration's file changed since it ran
  | "MIGRATION_MISSING" // the database has a migration this build does not know
  | "DB_ERROR" // an unexpected database failure
  | "DATABASE_UNAVAILABLE" // the database connection was lost or refused; retry after Retry-After seconds
  | "CHAIN_UNAVAILABLE" // the endpoint needs the chain RPC and none is configured or it failed
  | "VERIFIER_UNAVAILABLE" // an identity proof's source (GitHub, a project domain) is rate-limited or down; see `reason`
  | "INTERNAL"; // anything else: a bug

export interface FieldIssue {
  /** Dotted path inside the validated object, e.g. `document.weights.runtime`. */
  path: string;
  message: string;
}

export interface ServerErrorOptions {
  details?: string;
  issues?: FieldIssue[];
  /** A stable sub-code for clients (e.g. the failed check of a binding request). */
  reason?: string;
  cause?: unknown;
}

export class ServerError extends Error {
  override name = "ServerError";
  readonly code: ServerErrorCode;
  readonly shortMessage: string;
  readonly details: string | undefined;
  readonly issues: FieldIssue[] | undefined;
  readonly reason: string | undefined;

  constructor(code: ServerErrorCode, shortMessage: string, options: ServerErrorOptions = {}) {
    super(
      [shortMessage, options.details].filter(Boolean).join("\n"),
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.code = code;
    this.shortMessage = shortMessage;
    this.details = options.details;
    this.issues = options.issues;
    this.reason = options.reason;
  }
}

export function isServerError(error: unknown, code?: ServerErrorCode): error is ServerError {
  return error instanceof ServerError && (code === undefined || error.code === code);
}
