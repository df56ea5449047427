import { type Address, type Hex, getAddress, isAddress, keccak256, pad, stringToBytes } from "viem";

import { InvalidArgumentError } from "./errors.ts";

/**
 * accountIds (docs/design.md#accountids): a bytes32 whose top 12 bytes are zero *is* an address and is paid
 * directly; any other value is keccak256(utf8(identity)) and is paid to the identity's payee in
 * the identity registry. Stated with viem's keccak (no WebAssembly) so that pages can hash
 * identities under a Content-Security-Policy; test/account.test.ts checks them against the
 * engine's. @wellspring/protocol (issue 12) becomes the one statement of this rule for both.
 */
export type AccountId = Hex;

const ACCOUNT_ID = /^0x[0-9a-fA-F]{64}$/;

export function isAccountId(value: string): value is AccountId {
  return ACCOUNT_ID.test(value);
}

const isAddressString = (value: string): value is Address => isAddress(value, { strict: false });

/** An identity's accountId; an address is its own, left-padded (the engine's `accountIdOf`). */
function accountIdOf(identity: string): AccountId {
  return isAddressString(identity)
    ? pad(identity.toLowerCase() as Hex, { size: 32 })
    : keccak256(stringToBytes(identity));
}

/** The address of an address-shaped accountId (lower case), or undefined for an identity. */
function addressOfAccountId(accountId: AccountId): Address | undefined {
  return /^0x0{24}/.test(accountId) ? (`0x${accountId.slice(26).toLowerCase()}` as Address) : undefined;
}

/** The accountId of an address: the address left-padded to 32 bytes (lower case). */
export function addressToAccountId(address: Address): AccountId {
  if (!isAddressString(address)) throw new InvalidArgumentError(`Not an address: ${address}`);
  return accountIdOf(address);
}

/**
 * keccak256 of the UTF-8 bytes of a canonical identity string such as `github:123`. A 0x-address
 * given as the identity is the address's own accountId, as the engine writes it.
 */
export function identityToAccountId(identity: string): AccountId {
  if (identity.length === 0) throw new InvalidArgumentError("An identity string must not be empty.");
  return accountIdOf(identity);
}

/** Whether the accountId is an address (top 12 bytes zero). */
export function isAddressAccount(accountId: AccountId): boolean {
  if (!isAccountId(accountId)) throw new InvalidArgumentError(`Not a 32-byte accountId: ${accountId}`);
  return addressOfAccountId(accountId) !== undefined;
}

/** The address an address-shaped accountId stands for (checksummed), or undefined for identities. */
export function accountIdToAddress(accountId: AccountId): Address | undefined {
  if (!isAccountId(accountId)) throw new InvalidArgumentError(`Not a 32-byte accountId: ${accountId}`);
  const address = addressOfAccountId(accountId);
  return address === undefined ? undefined : getAddress(address);
}

/**
 * Turns what a user types into an accountId: a 32-byte hex accountId as is, a 20-byte address
 * padded, anything else hashed as an identity string.
 */
export function toAccountId(accountOrIdentity: string): AccountId {
  if (accountOrIdentity.length === 0) throw new InvalidArgumentError("An account must not be empty.");
  return isAccountId(accountOrIdentity)
    ? (accountOrIdentity.toLowerCase() as AccountId)
    : accountIdOf(accountOrIdentity);
}
