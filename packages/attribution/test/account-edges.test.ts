import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { accountIdBytes, accountIdInto, canonicalIdentity, isAddress } from "../src/account.ts";

describe("accountId edges", () => {
  it("only 0x and 40 hex digits is an address: 42 characters starting 0x are not enough", () => {
    assert.equal(isAddress(`0x${"ab".repeat(20)}`), true);
    for (const s of [
      `0x${"g".repeat(40)}`,
      `0x${"ab".repeat(19)}a `,
      `0X${"ab".repeat(20)}`,
      `1x${"ab".repeat(20)}`,
    ]) {
      assert.equal(s.length, 42);
      assert.equal(isAddress(s), false, s);
      // Not an address, so an identity: hashed, and kept as typed.
      assert.equal(canonicalIdentity(s), s);
      assert.notDeepEqual(accountIdBytes(s).subarray(0, 12), new Uint8Array(12));
    }
  });

  it("writes an address account at any offset of a reused buffer, its top 12 bytes zeroed", () => {
    const address = `0x${"cd".repeat(20)}`;
    const out = new Uint8Array(96).fill(0xff);
    accountIdInto(address, out, 32);
    assert.deepEqual(out.subarray(32, 64), accountIdBytes(address));
    assert.deepEqual(out.subarray(0, 32), new Uint8Array(32).fill(0xff), "the row before is untouched");
    assert.deepEqual(out.subarray(64), new Uint8Array(32).fill(0xff), "the row after is untouched");
  });
});
