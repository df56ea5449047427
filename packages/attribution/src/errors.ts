/**
 * One error hierarchy for the engine and the command line. Every error has a stable `code`
 * (tests assert codes, not message text) and, where it applies, the input file and the field
 * path inside it, so a user can find the broken spot at once.
 */
export type ErrorCode =
  | "INPUT_UNREADABLE" // file missing or not readable
  | "INPUT_INVALID_JSON" // file is not valid JSON (message has line and column)
  | "INPUT_UNKNOWN_FORMAT" // no parser recognises the file
  | "INPUT_SCHEMA" // a field has the wrong type or value
  | "INPUT_DANGLING_REFERENCE" // a dependency names a component that is not declared
  | "INPUT_DUPLICATE_REFERENCE" // one document declares the same bom-ref / SPDXID twice
  | "INPUT_NO_ROOT" // no product (root) component could be found
  | "INPUT_CONFLICT" // two inputs disagree in a way that cannot be merged
  | "POLICY_INVALID" // the policy document fails validation
  | "TABLE_INVALID" // a share table file is malformed or does not sum
  | "VERIFY_MISMATCH" // a recomputed table or root differs
  | "ENGINE_INCOMPATIBLE" // a table was made by an engine of another major version
  | "ACCOUNT_NOT_FOUND" // an account is not in the table
  | "BUNDLE_INVALID" // an evidence bundle is malformed (manifest, archive)
  | "BUNDLE_UNREACHABLE" // an evidence bundle cannot be fetched from its uri
  | "CHAIN_UNAVAILABLE" // the chain's RPC cannot be read (or a transaction sent)
  | "USAGE"; // bad command-line arguments

export interface WellspringErrorOptions {
  /** The input or policy file the error is about. */
  file?: string;
  /** JSON path or field name inside the file, e.g. `dependencies[3].dependsOn[0]`. */
  field?: string;
  /** Line and column (1-based) for syntax errors. */
  line?: number;
  column?: number;
  details?: string;
  cause?: unknown;
}

export class WellspringError extends Error {
  override name = "WellspringError";
  readonly code: ErrorCode;
  readonly shortMessage: string;
  readonly file: string | undefined;
  readonly field: string | undefined;
  readonly line: number | undefined;
  readonly column: number | undefined;
  readonly details: string | undefined;

  constructor(code: ErrorCode, shortMessage: string, options: WellspringErrorOptions = {}) {
    const where = [
      options.file,
      options.line !== undefined ? `line ${options.line}` : undefined,
      options.column !== undefined ? `column ${options.column}` : undefined,
      options.field !== undefined ? `field ${options.field}` : undefined,
    ]
      .filter((part) => part !== undefined)
      .join(", ");
    super(
      [where ? `${where}: ${shortMessage}` : shortMessage, options.details].filter(Boolean).join("\n"),
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.code = code;
    this.shortMessage = shortMessage;
    this.file = options.file;
    this.field = options.field;
    this.line = options.line;
    this.column = options.column;
    this.details = options.details;
  }
}

export function isWellspringError(error: unknown, code?: ErrorCode): error is WellspringError {
  return error instanceof WellspringError && (code === undefined || error.code === code);
}
