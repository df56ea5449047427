import {
  accountIdToAddress,
  identityToAccountId,
  isAccountId,
  isAddressString,
  toAccountId,
} from "@wellspring/protocol";

import { decodeHexInto, keccak256Utf8Into } from "./keccak.ts";

/**
 * Account ids: the rule (a 20-byte address left-padded, any other identity
 * `keccak256(utf8(identity))`) is stated in @wellspring/protocol (account.ts). The engine adds the
 * canonical identity and `accountIdInto`, the same rule written into a typed array for share tables
 * of 10^6 rows (test/account.test.ts checks it against the protocol).
 */

export type Hex32 = `0x${string}`;

/** A 0x-prefixed 20-byte hex string, any case (protocol `isAddressString`). */
export function isAddress(value: string): value is `0x${string}` {
  return isAddressString(value);
}

/** A 0x-prefixed 32-byte hex string, any case (protocol `isAccountId`). */
export function isBytes32Hex(value: string): value is Hex32 {
  return isAccountId(value);
}

/** The canonical identity string: addresses are lower-cased, everything else is kept as given. */
export function canonicalIdentity(identity: string): string {
  return isAddress(identity) ? identity.toLowerCase() : identity;
}

/** Writes the accountId of `identity` (an identity string or a 0x address) into `out[off..off+32]`. */
export function accountIdInto(identity: string, out: Uint8Array, off: number): void {
  if (isAddress(identity)) {
    out.fill(0, off, off + 12);
    decodeHexInto(identity, 2, 20, out, off + 12);
    return;
  }
  keccak256Utf8Into(identity, out, off);
}

export function accountIdBytes(identity: string): Uint8Array {
  const out = new Uint8Array(32);
  accountIdInto(identity, out, 0);
  return out;
}

/** The accountId as 0x-hex (66 characters): protocol `identityToAccountId`. */
export function accountIdOf(identity: string): Hex32 {
  return identityToAccountId(identity);
}

/** The address paid directly for an address accountId (lower case), or undefined for a hashed identity. */
export function addressOfAccountId(accountId: Hex32): `0x${string}` | undefined {
  return accountIdToAddress(accountId)?.toLowerCase() as `0x${string}` | undefined;
}

/**
 * What to show for an accountId: the identity when it is known, the address for an address
 * account, otherwise the hex id itself (a hash cannot be reversed).
 */
export function identityDisplay(accountId: Hex32, identity?: string): string {
  if (identity !== undefined) return canonicalIdentity(identity);
  return addressOfAccountId(accountId) ?? accountId.toLowerCase();
}

/**
 * Resolves what a user typed (`--account`): a 32-byte hex accountId, a 0x address or an identity.
 */
export function resolveAccount(input: string): Hex32 {
  return toAccountId(input);
}
