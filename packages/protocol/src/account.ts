import { type Address, type Hex, getAddress, keccak256, stringToBytes } from "viem";

import { ProtocolArgumentError } from "./errors.ts";

/**
 * accountIds (docs/design.md#accountids): a bytes32 whose top 12 bytes are zero *is* an address
 * and is paid directly; any other value is keccak256(utf8(identity)) and is paid to the
 * identity's payee in the identity registry (RoyaltyPool `_resolvePayee`, IdentityRegistry
 * `payeeOf`).
 */
export type AccountId = Hex;

const ACCOUNT_ID = /^0x[0-9a-fA-F]{64}$/;
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
/** The 12 zero bytes that mark an address accountId, as hex after "0x". */
const ADDRESS_PREFIX = "0".repeat(24);

export function isAccountId(value: string): value is AccountId {
  return ACCOUNT_ID.test(value);
}

/** A 0x-prefixed 20-byte hex string (any case; the checksum is not checked). */
export function isAddressString(value: string): value is Address {
  return ADDRESS.test(value);
}

function requireAccountId(accountId: string): void {
  if (!isAccountId(accountId)) {
    throw new ProtocolArgumentError("accountId", `Not a 32-byte accountId: ${accountId}`);
  }
}

/** The accountId of an address: the address left-padded to 32 bytes (lower case). */
export function addressToAccountId(address: Address): AccountId {
  if (!isAddressString(address)) throw new ProtocolArgumentError("address", `Not an address: ${address}`);
  return `0x${ADDRESS_PREFIX}${address.slice(2).toLowerCase()}`;
}

/**
 * keccak256 of the UTF-8 bytes of an identity string such as `github:123`. A 0x-address given as
 * the identity is the address's own accountId.
 */
export function identityToAccountId(identity: string): AccountId {
  if (identity.length === 0) throw new ProtocolArgumentError("identity", "An identity must not be empty.");
  if (isAddressString(identity)) return addressToAccountId(identity);
  return keccak256(stringToBytes(identity));
}

/** Whether the accountId is an address (top 12 bytes zero): the pool pays it without the registry. */
export function isAddressAccount(accountId: AccountId): boolean {
  requireAccountId(accountId);
  return accountId.slice(2, 26) === ADDRESS_PREFIX;
}

/** The address an address accountId stands for (checksummed), or undefined for an identity. */
export function accountIdToAddress(accountId: AccountId): Address | undefined {
  return isAddressAccount(accountId) ? getAddress(`0x${accountId.slice(26)}`) : undefined;
}

/**
 * What a user typed, as an accountId: a 32-byte hex accountId as is (lower case), a 20-byte
 * address padded, anything else hashed as an identity string.
 */
export function toAccountId(accountOrIdentity: string): AccountId {
  if (accountOrIdentity.length === 0)
    throw new ProtocolArgumentError("account", "An account must not be empty.");
  if (isAccountId(accountOrIdentity)) return accountOrIdentity.toLowerCase() as AccountId;
  return identityToAccountId(accountOrIdentity);
}
