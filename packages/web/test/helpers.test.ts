// The pages' formatting and reading helpers (the account and memo rules themselves are the SDK's).
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { toMemo } from "@wellspring/sdk";
import fc from "fast-check";
import type { Hex } from "viem";

import { runIdOfUri, verificationText } from "../src/app/api.ts";
import { memoText } from "../src/app/context.ts";
import { amount, percent, shortHex, toBase64 } from "../src/app/format.ts";
import { heldOfTable, heldReasonRows } from "../src/app/held.ts";

describe("page helpers", () => {
  it("memos written by the SDK read back as the text typed; other bytes as hex", () => {
    for (const m of ["invoice-42", "", "ünïcode ✓", "x".repeat(32)]) assert.equal(memoText(toMemo(m)), m);
    fc.assert(
      fc.property(
        fc.string({ maxLength: 32 }).filter((s) => /^[\x20-\x7e]*$/.test(s) && !s.startsWith("0x")),
        (s) => {
          assert.equal(memoText(toMemo(s)), s.replace(/\0+$/, ""));
        },
      ),
    );
    const binary = `0x${"01".repeat(32)}` as Hex;
    assert.equal(memoText(binary), binary);
  });

  it("short hex keeps both ends; base64 matches Node's for large inputs too", () => {
    assert.equal(shortHex("0x1234567890abcdef1234567890abcdef", 4), "0x1234…cdef");
    assert.equal(shortHex("0x1234", 4), "0x1234");
    const bytes = new Uint8Array(100_000).map((_, i) => (i * 31) % 256);
    assert.equal(toBase64(bytes), Buffer.from(bytes).toString("base64"));
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
