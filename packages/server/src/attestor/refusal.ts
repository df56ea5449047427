import { ServerError } from "../errors.ts";

/**
 * Reason codes of refused binding requests (`error.reason`), by the HTTP class they fall in.
 * Every refusal's message says what the maintainer can do next.
 */
export const DENIED_REASONS = [
  "REQUEST_EXPIRED",
  "SIGNATURE_INVALID",
  "REQUEST_REPLAYED",
  "MANIFEST_NOT_TRUSTED",
  /** The login now belongs to another GitHub account than the one an earlier binding recorded. */
  "ACCOUNT_CHANGED",
  /** The named repository or gist is not owned by the account. */
  "NOT_OWNER",
  /** The domain's /.well-known/funding-manifest-urls does not list the manifest. */
  "DOMAIN_NOT_AUTHORISED",
  /** The domain resolves to a private or loopback address. */
  "ADDRESS_FORBIDDEN",
] as const;
export const REJECTED_REASONS = [
  "MANIFEST_INVALID",
  "IDENTITY_NOT_NAMED",
  "PAYEE_NOT_NAMED",
  "ALREADY_BOUND",
  /** No funding manifest where the proof method looks. */
  "MANIFEST_NOT_FOUND",
  /** GitHub knows no such account. */
  "ACCOUNT_NOT_FOUND",
  /** The proof method is disabled on this server or cannot prove this kind of identity. */
  "METHOD_UNSUPPORTED",
] as const;
/** The identity's source could not answer now (rate limit, outage): 503, retry with a new request. */
export const UNAVAILABLE_REASONS = ["SOURCE_RATE_LIMITED", "SOURCE_UNAVAILABLE"] as const;

export type BindingReason =
  (typeof DENIED_REASONS)[number] | (typeof REJECTED_REASONS)[number] | (typeof UNAVAILABLE_REASONS)[number];

export function refusal(reason: BindingReason, message: string, details?: string): ServerError {
  const code = (DENIED_REASONS as readonly string[]).includes(reason)
    ? "BINDING_DENIED"
    : (REJECTED_REASONS as readonly string[]).includes(reason)
      ? "BINDING_REJECTED"
      : "VERIFIER_UNAVAILABLE";
  return new ServerError(code, message, { reason, ...(details ? { details } : {}) });
}
