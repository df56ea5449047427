/**
 * A value the protocol cannot encode (a malformed accountId, address, memo or share count).
 * `field` names what was wrong; the SDK turns this into its InvalidArgumentError, the server
 * into a 400.
 */
export class ProtocolArgumentError extends Error {
  override name = "ProtocolArgumentError" as const;
  readonly code = "INVALID_ARGUMENT" as const;
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export function isProtocolArgumentError(error: unknown): error is ProtocolArgumentError {
  return error instanceof ProtocolArgumentError;
}
