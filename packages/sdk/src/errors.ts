import { BaseError as ViemBaseError, ContractFunctionRevertedError } from "viem";

/**
 * One error hierarchy for the SDK, shaped like viem's: `shortMessage` for people, `details` for
 * logs, `cause` for the underlying error, and a stable `code` that callers and tests switch on.
 */
export type SdkErrorCode =
  | "INVALID_ARGUMENT" // a parameter failed validation
  | "INVALID_SHARE_TABLE" // a share-table.json document is malformed
  | "ROOT_MISMATCH" // the Merkle root rebuilt from a table differs from the stated one
  | "PROOF_NOT_FOUND" // the account is not in the share table
  | "UNBOUND_IDENTITY" // an identity account has no payee in the identity registry
  | "NO_ACCOUNT" // a write action needs a client with an account
  | "CONTRACT_REVERTED" // a contract call reverted (errorName says why)
  | "DEPLOYMENTS_INVALID"; // a deployed-addresses file is missing, malformed or lacks a contract

export interface SdkErrorOptions {
  details?: string | undefined;
  cause?: unknown;
}

export class SdkError extends Error {
  override name: string = "SdkError";
  readonly code: SdkErrorCode;
  readonly shortMessage: string;
  readonly details: string | undefined;

  constructor(code: SdkErrorCode, shortMessage: string, options: SdkErrorOptions = {}) {
    super(
      [shortMessage, options.details ? `Details: ${options.details}` : undefined].filter(Boolean).join("\n"),
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.code = code;
    this.shortMessage = shortMessage;
    this.details = options.details;
  }
}

export class InvalidArgumentError extends SdkError {
  override name = "InvalidArgumentError" as const;
  constructor(shortMessage: string, options: SdkErrorOptions = {}) {
    super("INVALID_ARGUMENT", shortMessage, options);
  }
}

export class InvalidShareTableError extends SdkError {
  override name = "InvalidShareTableError" as const;
  constructor(shortMessage: string, options: SdkErrorOptions = {}) {
    super("INVALID_SHARE_TABLE", shortMessage, options);
  }
}

export class RootMismatchError extends SdkError {
  override name = "RootMismatchError" as const;
  readonly expected: string;
  readonly actual: string;
  constructor(expected: string, actual: string) {
    super("ROOT_MISMATCH", "The Merkle root rebuilt from the share table differs from its stated root.", {
      details: `stated ${expected}, rebuilt ${actual}`,
    });
    this.expected = expected;
    this.actual = actual;
  }
}

export class ProofNotFoundError extends SdkError {
  override name = "ProofNotFoundError" as const;
  readonly accountId: string;
  constructor(accountId: string) {
    super("PROOF_NOT_FOUND", "The account is not in the share table.", { details: `accountId ${accountId}` });
    this.accountId = accountId;
  }
}

export class UnboundIdentityError extends SdkError {
  override name = "UnboundIdentityError" as const;
  readonly accountId: string;
  constructor(accountId: string, options: { identity?: string | undefined; cause?: unknown } = {}) {
    super(
      "UNBOUND_IDENTITY",
      "The identity is not bound to a wallet yet; its money waits in the pool until an attestor binds it.",
      {
        details: options.identity
          ? `identity ${options.identity} (accountId ${accountId})`
          : `accountId ${accountId}`,
        cause: options.cause,
      },
    );
    this.accountId = accountId;
  }
}

export class NoAccountError extends SdkError {
  override name = "NoAccountError" as const;
  constructor(action: string) {
    super("NO_ACCOUNT", `${action} needs a client with an account (or an \`account\` parameter).`);
  }
}

export class ContractRevertedError extends SdkError {
  override name = "ContractRevertedError" as const;
  /** The custom error's name (e.g. `RoyaltyPoolInvalidProof`), when the ABI knows it. */
  readonly errorName: string | undefined;
  readonly args: readonly unknown[] | undefined;
  constructor(
    functionName: string,
    errorName: string | undefined,
    args: readonly unknown[] | undefined,
    cause: unknown,
  ) {
    super("CONTRACT_REVERTED", `${functionName} reverted${errorName ? ` with ${errorName}` : ""}.`, {
      details: args && args.length > 0 ? `arguments: ${args.map(String).join(", ")}` : undefined,
      cause,
    });
    this.errorName = errorName;
    this.args = args;
  }
}

export class DeploymentsError extends SdkError {
  override name = "DeploymentsError" as const;
  constructor(shortMessage: string, options: SdkErrorOptions = {}) {
    super("DEPLOYMENTS_INVALID", shortMessage, options);
  }
}

export function isSdkError(error: unknown, code?: SdkErrorCode): error is SdkError {
  return error instanceof SdkError && (code === undefined || error.code === code);
}

/**
 * Runs a contract call and turns a revert into a ContractRevertedError carrying the decoded custom
 * error, so callers switch on `errorName` instead of parsing viem's message text.
 */
export async function withRevertDecoding<T>(functionName: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ViemBaseError) {
      const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError);
      if (reverted instanceof ContractFunctionRevertedError) {
        throw new ContractRevertedError(
          functionName,
          reverted.data?.errorName ?? reverted.reason,
          reverted.data?.args,
          error,
        );
      }
    }
    throw error;
  }
}
