import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { keccak256, toBytes, pad } from "viem";
import { identityToAccountId, isAddressAccount } from "@wellspring/protocol";
import {
  accountIdBytes,
  accountIdOf,
  addressOfAccountId,
  identityDisplay,
  resolveAccount,
} from "../src/account.ts";
import { bytesToHex } from "../src/keccak.ts";
import { canonicalJson } from "../src/canonical.ts";

describe("accountId", () => {
  it("accountIdInto (the typed-array writer) states the protocol's rule", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ minLength: 1, maxLength: 80, unit: "binary" }),
          fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => bytesToHex(b)),
        ),
        (s) => assert.equal(bytesToHex(accountIdBytes(s)), identityToAccountId(s)),
      ),
    );
  });

  it("is keccak256(utf8(identity)) for identities", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 80, unit: "binary" }), (s) => {
        fc.pre(!/^0x[0-9a-fA-F]{40}$/.test(s));
        assert.equal(accountIdOf(s), keccak256(toBytes(s)));
      }),
      { numRuns: 200 },
    );
    assert.equal(accountIdOf("github:583231"), keccak256(toBytes("github:583231")));
  });

  it("is the left-padded address for a 0x address (any case), with 12 zero top bytes", () => {
    const addr = "0xAbCdEf0123456789aBcDeF0123456789AbCdEf01";
    const id = accountIdOf(addr);
    assert.equal(id, pad(addr.toLowerCase() as `0x${string}`, { size: 32 }));
    assert.ok(isAddressAccount(id));
    assert.equal(addressOfAccountId(id), addr.toLowerCase());
    assert.equal(identityDisplay(id), addr.toLowerCase());
    assert.equal(resolveAccount(addr), id);
  });

  it("resolves what a user types: accountId, address or identity", () => {
    const id = accountIdOf("npm:alice");
    assert.equal(resolveAccount(id.toUpperCase().replace("0X", "0x")), id);
    assert.equal(resolveAccount("npm:alice"), id);
    assert.equal(identityDisplay(id), id);
    assert.equal(identityDisplay(id, "npm:alice"), "npm:alice");
    assert.equal(addressOfAccountId(id), undefined);
  });
});

describe("canonical JSON", () => {
  it("sorts keys, drops undefined members, has no whitespace and refuses lossy values", () => {
    assert.equal(
      canonicalJson({ b: 1, a: [true, null, "x"], c: undefined, é: 0.5, B: 1e21 }),
      '{"B":1e+21,"a":[true,null,"x"],"b":1,"é":0.5}',
    );
    assert.throws(() => canonicalJson({ x: Number.NaN }), TypeError);
    assert.throws(() => canonicalJson({ x: 1n }), TypeError);
  });

  it("is stable under key order", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (obj) => {
        const reversed = Object.fromEntries(Object.entries(obj).reverse());
        assert.equal(canonicalJson(obj), canonicalJson(reversed));
        assert.deepEqual(JSON.parse(canonicalJson(obj)), JSON.parse(JSON.stringify(obj)));
      }),
      { numRuns: 200 },
    );
  });
});
