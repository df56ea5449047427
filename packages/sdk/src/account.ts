import { type Address, type Hex, getAddress, isAddress, isHex, keccak256, pad, stringToBytes } from "viem";

import { InvalidArgumentError } from "./errors.ts";

/**
 * accountIds (DESIGN.md): a bytes32 whose top 12 bytes are zero *is* an address and is paid
 * directly; any other value is keccak256(utf8(identity)) and is paid to the identity's payee in
 * the identity registry.
 */
export type AccountId = Hex;

const ACCOUNT_ID = /^0x[0-9a-fA-F]{64}$/;
const ADDRESS_PREFIX = "0x000000000000000000000000";

export function isAccountId(value: string): value is AccountId {
  return ACCOUNT_ID.test(value);
}

/** The accountId of an address: the address left-padded to 32 bytes (lower case). */
export function addressToAccountId(address: Address): AccountId {
  if (!isAddress(address, { strict: false })) throw new InvalidArgumentError(`Not an address: ${address}`);
  return pad(address.toLowerCase() as Address, { size: 32 });
}

/** keccak256 of the UTF-8 bytes of a canonical identity string such as `github:123`. */
export function identityToAccountId(identity: string): AccountId {
  if (identity.length === 0) throw new InvalidArgumentError("An identity string must not be empty.");
  return keccak256(stringToBytes(identity));
}

/** Whether the accountId is an address (top 12 bytes zero). */
export function isAddressAccount(accountId: AccountId): boolean {
  if (!isAccountId(accountId)) throw new InvalidArgumentError(`Not a 32-byte accountId: ${accountId}`);
  return accountId.toLowerCase().startsWith(ADDRESS_PREFIX);
}

/** The address an address-shaped accountId stands for (checksummed), or undefined for identities. */
export function accountIdToAddress(accountId: AccountId): Address | undefined {
  if (!isAddressAccount(accountId)) return undefined;
  return getAddress(`0x${accountId.slice(26)}`);
}

/**
 * Turns what a user types into an accountId: a 32-byte hex accountId as is, a 20-byte address
 * padded, anything else hashed as an identity string.
 */
export function toAccountId(accountOrIdentity: string): AccountId {
  if (isAccountId(accountOrIdentity)) return accountOrIdentity.toLowerCase() as AccountId;
  if (isHex(accountOrIdentity) && isAddress(accountOrIdentity, { strict: false })) {
    return addressToAccountId(accountOrIdentity);
  }
  return identityToAccountId(accountOrIdentity);
}
