import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { resolveAccount } from "@wellspring/attribution";
import fc from "fast-check";
import { keccak256, stringToBytes } from "viem";

import {
  accountIdToAddress,
  addressToAccountId,
  identityToAccountId,
  isAddressAccount,
  isSdkError,
  toAccountId,
} from "../src/index.ts";

const ADDRESS = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

describe("accountId helpers", () => {
  it("pads an address to 32 bytes and recovers it checksummed", () => {
    const id = addressToAccountId(ADDRESS);
    assert.equal(id, "0x000000000000000000000000f39fd6e51aad88f6f4ce6ab8827279cfffb92266");
    assert.equal(isAddressAccount(id), true);
    assert.equal(accountIdToAddress(id), ADDRESS);
  });

  it("hashes identity strings as keccak256(utf8) and treats them as non-addresses", () => {
    const id = identityToAccountId("github:583231");
    assert.equal(id, keccak256(stringToBytes("github:583231")));
    assert.equal(isAddressAccount(id), false);
    assert.equal(accountIdToAddress(id), undefined);
    // UTF-8, not UTF-16 or Latin-1.
    assert.equal(identityToAccountId("npm:ñandú"), keccak256(new TextEncoder().encode("npm:ñandú")));
  });

  it("toAccountId accepts accountIds, addresses and identities", () => {
    const upper = "0x" + "AB".repeat(32);
    assert.equal(toAccountId(upper), upper.toLowerCase());
    assert.equal(toAccountId(ADDRESS), addressToAccountId(ADDRESS));
    assert.equal(toAccountId("orcid:0000-0002-1825-0097"), identityToAccountId("orcid:0000-0002-1825-0097"));
  });

  it("rejects malformed input with INVALID_ARGUMENT", () => {
    assert.throws(
      () => identityToAccountId(""),
      (e) => isSdkError(e, "INVALID_ARGUMENT"),
    );
    assert.throws(
      () => isAddressAccount("0x1234" as `0x${string}`),
      (e) => isSdkError(e, "INVALID_ARGUMENT"),
    );
    assert.throws(
      () => addressToAccountId("0x12" as `0x${string}`),
      (e) => isSdkError(e, "INVALID_ARGUMENT"),
    );
  });

  it("agrees with the engine's accountIds for any identity, address or raw id", () => {
    const hex = (bytes: number) =>
      fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((b) => `0x${Buffer.from(b).toString("hex")}`);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ minLength: 1 }),
          fc.string({ minLength: 1, unit: "grapheme" }),
          hex(20),
          hex(32),
        ),
        (input) => {
          assert.equal(toAccountId(input), resolveAccount(input));
        },
      ),
      { numRuns: 2000 },
    );
    for (const v of [ADDRESS, ADDRESS.toLowerCase(), `0x${"00".repeat(12)}${"ab".repeat(20)}`])
      assert.equal(toAccountId(v), resolveAccount(v));
  });
});
