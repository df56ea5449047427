import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { royaltyPoolAbi } from "@wellspring/sdk/abi";
import { build } from "esbuild";
import fc from "fast-check";
import { encodeFunctionData, getAddress, keccak256, toHex, zeroAddress } from "viem";

import {
  accountIdToAddress,
  addressToAccountId,
  claimAbi,
  claimableFrom,
  claimFunctionFor,
  encodeClaimCalldata,
  identityToAccountId,
  isAddressAccount,
  isProtocolArgumentError,
  LEAF_ENCODING,
  leafHash,
  merkleTree,
  scheduleStatuses,
  scheduleTimesOf,
  scheduleStatus,
  toAccountId,
  memoText,
  toMemo,
  verifyProof,
} from "../src/index.ts";

const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n }).map((b) => toHex(b));
const MAX_UINT256 = (1n << 256n) - 1n;

describe("the package", () => {
  it("bundles for a browser (no Node modules)", async () => {
    const out = await build({
      entryPoints: [new URL("../src/index.ts", import.meta.url).pathname],
      bundle: true,
      platform: "browser",
      format: "esm",
      write: false,
      logLevel: "silent",
    });
    assert.equal(out.errors.length, 0);
  });
});

describe("memos", () => {
  it("read back as the text written; bytes that are not printable UTF-8 stay hex", () => {
    assert.equal(memoText(toMemo("invoice-42")), "invoice-42");
    assert.equal(memoText(toMemo("")), "");
    const invalidUtf8 = `0xff${"00".repeat(31)}` as const;
    assert.equal(memoText(invalidUtf8), invalidUtf8);
    const control = toMemo("a\u0007b");
    assert.equal(memoText(control), control);
    const rtl = toMemo("abc\u202edef");
    assert.equal(memoText(rtl), rtl, "a direction override would reorder a statement's text");
  });
});

describe("accountIds", () => {
  it("pads addresses and hashes identities; only padded addresses are address accounts", () => {
    fc.assert(
      fc.property(bytes(20), fc.string({ minLength: 1, maxLength: 60 }), (address, identity) => {
        const id = addressToAccountId(getAddress(address));
        assert.equal(id, `0x${"0".repeat(24)}${address.slice(2)}`);
        assert.equal(accountIdToAddress(id), getAddress(address));
        assert.equal(toAccountId(address.toUpperCase().replace("0X", "0x")), id);
        fc.pre(!/^0x[0-9a-fA-F]{40}$/.test(identity));
        const hashed = identityToAccountId(identity);
        assert.equal(hashed, keccak256(new TextEncoder().encode(identity)));
        assert.equal(isAddressAccount(hashed), hashed.startsWith(`0x${"0".repeat(24)}`));
      }),
    );
  });

  it("names the field of bad input", () => {
    for (const [call, field] of [
      [() => identityToAccountId(""), "identity"],
      [() => addressToAccountId("0x12"), "address"],
      [() => isAddressAccount("0x1234"), "accountId"],
      [() => toMemo("x".repeat(33)), "memo"],
      [() => leafHash(`0x${"00".repeat(32)}`, -1n), "shares"],
    ] as const) {
      assert.throws(call, (e) => isProtocolArgumentError(e) && e.field === field);
    }
  });
});

describe("leaves and proofs", () => {
  const leavesArb = fc
    .uniqueArray(bytes(32), { minLength: 1, maxLength: 40 })
    .chain((ids) =>
      fc
        .array(fc.bigInt({ min: 0n, max: MAX_UINT256 }), { minLength: ids.length, maxLength: ids.length })
        .map((shares) => ids.map((accountId, i) => ({ accountId, shares: shares[i]! }))),
    );

  it("builds OpenZeppelin's StandardMerkleTree: root, proofs, leaf hashes", () => {
    fc.assert(
      fc.property(leavesArb, (leaves) => {
        const oz = StandardMerkleTree.of(
          leaves.map((l) => [l.accountId, l.shares]),
          [...LEAF_ENCODING],
        );
        const tree = merkleTree(leaves);
        assert.equal(tree.root, oz.root);
        leaves.forEach((l, i) => {
          assert.equal(leafHash(l.accountId, l.shares), oz.leafHash([l.accountId, l.shares]));
          assert.deepEqual(tree.proof(i), oz.getProof(i));
          assert.ok(verifyProof(tree.root, l, tree.proof(i)));
          assert.ok(!verifyProof(tree.root, { ...l, shares: l.shares ^ 1n }, tree.proof(i)));
        });
      }),
      { numRuns: 40 },
    );
  });
});

describe("claim calldata", () => {
  it("uses RoyaltyPool's own claim ABI", () => {
    const generated = royaltyPoolAbi.filter(
      (item) => item.type === "function" && (item.name === "claim" || item.name === "claimOneLeaf"),
    );
    assert.deepEqual(generated, claimAbi);
  });

  const token = fc.oneof(
    fc.constant(zeroAddress),
    bytes(20).map((a) => getAddress(a)),
  );
  const request = (tokens: fc.Arbitrary<`0x${string}`[]>) =>
    fc.record({
      scheduleId: fc.bigInt({ min: 0n, max: MAX_UINT256 }),
      accountId: bytes(32),
      shares: fc.bigInt({ min: 0n, max: MAX_UINT256 }),
      proof: fc.array(bytes(32), { maxLength: 21 }),
      tokens,
    });

  it("picks claimOneLeaf exactly for one request with one token", () => {
    fc.assert(
      fc.property(fc.array(request(fc.array(token, { maxLength: 3 })), { maxLength: 3 }), (requests) => {
        const single = requests.length === 1 && requests[0]!.tokens.length === 1;
        assert.equal(claimFunctionFor(requests), single ? "claimOneLeaf" : "claim");
      }),
    );
  });

  it("is byte for byte what viem writes for the full ABI", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.array(request(fc.array(token, { maxLength: 3 })), { maxLength: 4 }),
          request(fc.tuple(token)).map((r) => [r]),
        ),
        (requests) => {
          const [one] = requests;
          const viem =
            claimFunctionFor(requests) === "claimOneLeaf"
              ? encodeFunctionData({
                  abi: royaltyPoolAbi,
                  functionName: "claimOneLeaf",
                  args: [one!.scheduleId, one!.accountId, one!.shares, one!.tokens[0]!, one!.proof],
                })
              : encodeFunctionData({ abi: royaltyPoolAbi, functionName: "claim", args: [requests] });
          assert.equal(encodeClaimCalldata(requests), viem);
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe("schedules", () => {
  it("scheduleStatuses agrees with scheduleTimesOf + scheduleStatus for every history", () => {
    const history = fc
      .array(fc.record({ activatesAt: fc.bigInt({ min: 1n, max: 100n }), revoked: fc.boolean() }), {
        maxLength: 8,
      })
      .map((rows) => rows.map((r, i) => ({ ...r, scheduleId: BigInt(i + 1) })));
    fc.assert(
      fc.property(history, fc.bigInt({ min: 0n, max: 120n }), (h, now) => {
        const listed = scheduleStatuses(h, now);
        for (const s of listed) {
          const times = scheduleTimesOf(h, s.scheduleId);
          assert.equal(s.supersededAt, times.supersededAt);
          assert.equal(s.status, scheduleStatus(times, now));
        }
      }),
    );
  });
});

describe("entitlement", () => {
  it("pays nothing that would take the pot beyond its deposits, and nothing from a swept pot", () => {
    const base = { shares: 1n, totalShares: 2n, paid: 0n };
    assert.equal(claimableFrom({ ...base, pot: { deposited: 10n, claimed: 0n, swept: false } }), 5n);
    assert.equal(claimableFrom({ ...base, pot: { deposited: 10n, claimed: 6n, swept: false } }), 0n);
    assert.equal(claimableFrom({ ...base, pot: { deposited: 10n, claimed: 0n, swept: true } }), 0n);
    assert.equal(
      claimableFrom({ ...base, paid: 5n, pot: { deposited: 11n, claimed: 5n, swept: false } }),
      0n,
    );
    assert.equal(
      claimableFrom({ ...base, paid: 5n, pot: { deposited: 12n, claimed: 5n, swept: false } }),
      1n,
    );
  });
});
