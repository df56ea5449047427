// The page's own account, memo and number helpers must agree with the SDK and the engine exactly.
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { toAccountId as sdkAccountId, toMemo as sdkMemo } from "@wellspring/sdk";
import fc from "fast-check";
import type { Hex } from "viem";

import { runIdOfUri, verificationText } from "../src/app/api.ts";
import { isAddressAccount, memoText, toAccountId, toMemo } from "../src/app/context.ts";
import { heldOfTable, heldReasonRows } from "../src/app/held.ts";
import { amount, percent } from "../src/app/ui.ts";

describe("page helpers", () => {
  it("accountIds match the SDK for identities, addresses and raw ids", () => {
    for (const v of [
      "github:583231",
      "npm:alice",
      "component:pkg:npm/left-pad@1.3.0",
      "orcid:0000-0002-1825-0097",
    ]) {
      assert.equal(toAccountId(v), sdkAccountId(v));
      assert.equal(isAddressAccount(toAccountId(v)), false);
    }
    const address = "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65";
    assert.equal(toAccountId(address), sdkAccountId(address).toLowerCase());
    assert.equal(isAddressAccount(toAccountId(address)), true);
    const raw = `0x${"ab".repeat(32)}`;
    assert.equal(toAccountId(raw), raw);
    fc.assert(
      fc.property(
        fc
          .string({ minLength: 1, maxLength: 40 })
          .filter((s) => !s.trim().startsWith("0x") && s.trim() === s && s.length > 0),
        (s) => {
          assert.equal(toAccountId(s), sdkAccountId(s));
        },
      ),
    );
  });

  it("memos match the SDK and read back as text", () => {
    for (const m of ["invoice-42", "", "ünïcode ✓", "x".repeat(32)]) {
      assert.equal(toMemo(m), sdkMemo(m));
      assert.equal(memoText(toMemo(m)), m);
    }
    const hex = `0x${"01".repeat(32)}` as Hex;
    assert.equal(toMemo(hex), hex);
    assert.throws(() => toMemo("x".repeat(33)), RangeError);
  });

  it("percentages and amounts are exact (bigint), never rounded up", () => {
    assert.equal(percent(375_000_000_000_000_000n, 10n ** 18n), "37.5 %");
    assert.equal(percent(1n, 3n), "33.3333 %");
    assert.equal(percent(2n, 3n), "66.6666 %");
    assert.equal(percent(0n, 0n), "0 %");
    assert.equal(amount(2_500_000_001n, 6, "USDC"), "2,500.000001 USDC");
    assert.equal(amount(1_234_567n * 10n ** 18n, 18), "1,234,567");
  });

  it("finds the run behind a schedule's uri", () => {
    assert.equal(runIdOfUri("/v1/runs/12"), "12");
    assert.equal(runIdOfUri("https://api.example/v1/runs/7"), "7");
    assert.equal(runIdOfUri("ipfs://bafy"), undefined);
    assert.equal(runIdOfUri("/v1/runs/12/recipients"), undefined);
    assert.equal(runIdOfUri("http://127.0.0.1:8080/v1/runs/3/bundle"), "3");
  });

  it("the held part of a table: component identities only, summed exactly, largest first", () => {
    const recipients = [
      { identity: "github:alice", shares: "500" },
      { identity: "component:pkg:npm/leaf@2.0.0", shares: "300" },
      { identity: null, shares: "50" },
      { identity: "component:pkg:npm/a@1.0.0", shares: "100" },
      { identity: "component:pkg:npm/b@1.0.0", shares: "100" },
      { identity: "payer:pkg:npm/app@1.0.0", shares: "50" },
    ];
    const held = heldOfTable(recipients, 2);
    assert.equal(held.held, 500n);
    assert.equal(held.count, 3);
    assert.deepEqual(held.largest, [
      { component: "pkg:npm/leaf@2.0.0", shares: 300n },
      { component: "pkg:npm/a@1.0.0", shares: 100n },
    ]);
    assert.deepEqual(heldOfTable([{ identity: "github:bob", shares: "1" }]), {
      held: 0n,
      largest: [],
      count: 0,
    });
    // A run's report names why each is held.
    assert.deepEqual(
      heldReasonRows({
        heldFraction: 0.3,
        held: {
          count: 2,
          largest: [
            {
              component: "pkg:npm/x@1.0.0",
              fraction: 0.25,
              why: "no-registry-data",
              detail: "unresolved:not-found",
            },
            { component: "pkg:npm/y@1.0.0", fraction: 0.05, why: "no-maintainer" },
          ],
        },
      }),
      [
        ["pkg:npm/x@1.0.0", "25.00 %", "no-registry-data (unresolved:not-found)"],
        ["pkg:npm/y@1.0.0", "5.00 %", "no-maintainer"],
      ],
    );
    assert.deepEqual(heldReasonRows(undefined), []);
  });

  it("says a schedule's latest verification in one line, or that none was made", () => {
    assert.equal(verificationText(undefined), "not checked");
    assert.equal(
      verificationText({
        status: "invalid",
        differences: ["tableHash: differs"],
        verifier: "https://wellspring.example.org",
        verifiedAt: "2026-12-06T08:20:31.123Z",
      }),
      "invalid by https://wellspring.example.org, 2026-12-06 08:20 UTC",
    );
  });
});
