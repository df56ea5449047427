import * as protocol from "@wellspring/protocol";

import { InvalidArgumentError } from "./errors.ts";

/**
 * accountIds, as @wellspring/protocol states them (account.ts), with the SDK's error for bad input:
 * a ProtocolArgumentError becomes an InvalidArgumentError (code INVALID_ARGUMENT).
 */
export type AccountId = protocol.AccountId;

/** `fn` with the protocol's argument errors thrown as the SDK's InvalidArgumentError. */
export function withSdkErrors<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
  return (...args) => {
    try {
      return fn(...args);
    } catch (error) {
      if (protocol.isProtocolArgumentError(error)) {
        throw new InvalidArgumentError(error.message, { details: `field: ${error.field}`, cause: error });
      }
      throw error;
    }
  };
}

export const isAccountId = protocol.isAccountId;
/** The accountId of an address: the address left-padded to 32 bytes (lower case). */
export const addressToAccountId = withSdkErrors(protocol.addressToAccountId);
/** keccak256 of the UTF-8 bytes of an identity string such as `github:123` (an address: its own accountId). */
export const identityToAccountId = withSdkErrors(protocol.identityToAccountId);
/** Whether the accountId is an address (top 12 bytes zero). */
export const isAddressAccount = withSdkErrors(protocol.isAddressAccount);
/** The address an address-shaped accountId stands for (checksummed), or undefined for identities. */
export const accountIdToAddress = withSdkErrors(protocol.accountIdToAddress);
/** What a user types, as an accountId: a 32-byte accountId as is, an address padded, else an identity hashed. */
export const toAccountId = withSdkErrors(protocol.toAccountId);
