// What went wrong, in plain words: the one place that turns wallet, SDK and contract errors into the
// sentence and the status state (data-state) a page shows. No DOM here.
import { ContractRevertedError, SdkError } from "@wellspring/sdk";

import { WalletError, errorMessage, isUserRejection } from "./wallet.ts";

/**
 * The pool's and the registry's custom errors (contracts/*.sol), as a payer, claimant or admin
 * would say them. Errors not listed fall back to the SDK's "<function> reverted with <Name>".
 */
export const CONTRACT_ERRORS: Readonly<Record<string, string>> = {
  RoyaltyPoolAmountZero: "The amount must be more than zero.",
  RoyaltyPoolDepositsPaused: "Deposits to this pool are paused by its admin.",
  RoyaltyPoolInvalidToken: "The pool does not take this token.",
  RoyaltyPoolEmptyClaim: "There is nothing in this claim.",
  RoyaltyPoolInvalidProof:
    "The proof does not match the schedule's root: the share table differs from the one on-chain.",
  RoyaltyPoolNothingOwed: "Nothing is owed any more: it was claimed already.",
  RoyaltyPoolPayeeUnbound:
    "This identity is not bound to a wallet yet: its money waits in the pool. Bind it, then claim.",
  RoyaltyPoolPayeeNotYetPayable:
    "The identity's binding is new: pools pay it once the registry's waiting period is over.",
  RoyaltyPoolPayeeRebindPending:
    "A change of this identity's wallet is pending: claims wait until it is applied or cancelled.",
  RoyaltyPoolPotExceeded: "The claim asks for more than the schedule's pot holds.",
  RoyaltyPoolPotSwept: "The unclaimed money of this schedule was swept after its claim window.",
  RoyaltyPoolScheduleNotActive: "That schedule is not claimable (not active or superseded).",
  RoyaltyPoolScheduleNotPending: "That schedule is no longer pending: it was activated or revoked already.",
  RoyaltyPoolSchedulePending: "Another schedule is pending: revoke it or wait until it activates.",
  RoyaltyPoolInvalidSchedule: "The share table is empty or its root is zero.",
  RoyaltyPoolUnauthorized: "Your wallet does not hold the role this needs on the pool.",
  RoyaltyPoolEthTransferFailed: "The payee's wallet refused the ETH payment.",
  RoyaltyPoolTokenNotAllowed:
    "This pool accepts only the tokens listed when it was created; this is not one.",
  RoyaltyPoolPotOverflow: "The pot would exceed the largest amount a pool records; deposit less.",
  RoyaltyPoolSweepTooEarly: "The schedule's claim window is still open: its remainder cannot be swept yet.",
  RoyaltyPoolNothingToSweep: "There is nothing left to sweep from that schedule's pot.",
  RoyaltyPoolNothingToSync: "The pool already accounts for every token it holds: nothing to sync.",
  RoyaltyPoolRoleChangeNotReady:
    "That role change is still in its waiting period: guardians can cancel it until then.",
  RoyaltyPoolAdminTransferNotReady: "The admin transfer is still in its waiting period.",
  RoyaltyPoolNotPendingAdmin: "Only the wallet named as the next admin can accept the transfer.",
  RoyaltyPoolInvalidRecipient: "That recipient address is not valid.",
  RoyaltyPoolInvalidRoleHolder: "That address cannot hold the role.",
  RoyaltyPoolUnknownRole: "The pool has no such role.",
  RoyaltyPoolPauseUnchanged: "Deposits are already in that state.",
  ReentrancyGuardReentrantCall: "The pool refused a nested call (a token or wallet called back into it).",
  SafeERC20FailedOperation: "The token refused the transfer (balance, allowance or the token's own rules).",
  AccessControlUnauthorizedAccount: "Your wallet does not hold the role this needs on the registry.",
  IdentityRegistryNotPayee: "Only the identity's current wallet can do this.",
  IdentityRegistryNoPendingRebind: "No change of wallet is pending for this identity.",
  IdentityRegistryRebindNotReady: "The change of wallet is still in its waiting period.",
  IdentityRegistryUnauthorizedCancel:
    "Only the identity's current wallet or an attestor can cancel this change.",
  IdentityRegistryBindingNotCancellable: "The binding's cancellation window is over.",
  IdentityRegistryUnauthorizedBindingCancel:
    "Only the registry's admin or an attestor can cancel a new binding.",
  IdentityRegistryAttestorGrantNotReady: "The attestor grant is still in its waiting period.",
  IdentityRegistryUnauthorizedGrantCancel: "Only the registry's admin can cancel a pending attestor grant.",
  IdentityRegistryAttestationExpired: "The attestation expired: ask the attestor for a new one.",
  IdentityRegistryInvalidSignature: "The attestation's signature is not the attestor's.",
  IdentityRegistryNotAttestor:
    "The attestation was signed by someone who is not an attestor of the registry.",
  IdentityRegistryInvalidNonce: "The attestation was used already or is out of order: ask for a new one.",
  IdentityRegistryIdentityMismatch: "The attestation is for another identity.",
  IdentityRegistryAttestorRevoked: "The attestor of this binding was revoked.",
  IdentityRegistryPayeeUnchanged: "The identity is bound to this wallet already.",
  IdentityRegistryZeroPayee: "An identity cannot be bound to the zero address.",
  IdentityRegistryAddressAccount: "Addresses are paid directly; only identities are bound.",
};

/** The plain sentence for a contract's custom error, or undefined when it has none. */
export function contractErrorText(errorName: string | undefined): string | undefined {
  return errorName === undefined ? undefined : CONTRACT_ERRORS[errorName];
}

export interface Problem {
  /** How the status box looks. */
  kind: "error" | "warning";
  /** The status box's data-state, which styles and tests key on. */
  state: string;
  message: string;
}

const WALLET_STATES = {
  NO_WALLET: "no-wallet",
  WRONG_NETWORK: "wrong-network",
  REJECTED: "rejected",
  NOT_CONNECTED: "not-connected",
} as const;

/** A field the user typed wrong: the view marks the field and shows the message. */
export class InputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = "InputError";
  }
}

/** What a page shows for a failure. */
export function describeError(error: unknown): Problem {
  if (error instanceof InputError) return { kind: "error", state: "invalid", message: error.message };
  if (error instanceof WalletError) {
    const state = WALLET_STATES[error.code];
    return { kind: state === "rejected" ? "warning" : "error", state, message: error.message };
  }
  if (isUserRejection(error))
    return { kind: "warning", state: "rejected", message: "You rejected the request in your wallet." };
  if (error instanceof ContractRevertedError) {
    const plain = contractErrorText(error.errorName);
    return { kind: "error", state: "failed", message: plain ?? error.shortMessage };
  }
  if (error instanceof SdkError) {
    if (error.code === "UNBOUND_IDENTITY")
      return { kind: "warning", state: "unbound", message: CONTRACT_ERRORS.RoyaltyPoolPayeeUnbound! };
    return {
      kind: "error",
      state: error.code === "INVALID_ARGUMENT" ? "invalid" : "failed",
      message: error.shortMessage,
    };
  }
  return { kind: "error", state: "failed", message: errorMessage(error) };
}
