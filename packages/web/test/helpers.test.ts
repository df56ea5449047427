// The pages' formatting and reading helpers (the account and memo rules themselves are the SDK's).
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { toMemo } from "@wellspring/sdk";
import fc from "fast-check";
import type { Hex } from "viem";

import { runIdOfUri, verificationText } from "../src/app/api.ts";
import { memoText } from "../src/app/context.ts";
import { percent, shortHex, toBase64 } from "../src/app/format.ts";
import { heldReasonRows, isHeld, readableIdentity, recipientName } from "../src/app/held.ts";
import { fitLabel } from "../src/app/ui.ts";
import { dateTime, duration, exactAmount, roundAmount, txCost } from "../src/app/units.ts";

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
    assert.equal(exactAmount(2_500_000_001n, 6), "2,500.000001");
    assert.equal(exactAmount(1_234_567n * 10n ** 18n, 18), "1,234,567");
  });

  it("finds the run behind a schedule's uri", () => {
    assert.equal(runIdOfUri("/v1/runs/12"), "12");
    assert.equal(runIdOfUri("https://api.example/v1/runs/7"), "7");
    assert.equal(runIdOfUri("ipfs://bafy"), undefined);
    assert.equal(runIdOfUri("/v1/runs/12/recipients"), undefined);
    assert.equal(runIdOfUri("http://127.0.0.1:8080/v1/runs/3/bundle"), "3");
  });

  it("held components: component identities only; a run's report names why each is held", () => {
    assert.equal(isHeld("component:pkg:npm/leaf@2.0.0"), true);
    assert.equal(isHeld("github:alice"), false);
    assert.equal(isHeld("payer:pkg:npm/app@1.0.0"), false);
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

  it("rounds amounts for display, half up, saying when the figure is not exact", () => {
    const r = (v: bigint, d: number) => {
      const x = roundAmount(v, d);
      return `${x.exact ? "" : "≈"}${x.text}|${x.full}`;
    };
    assert.equal(r(2_500_000_001n, 6), "≈2,500|2,500.000001");
    assert.equal(r(5_450_000_000_000_000_001n, 18), "≈5.45|5.450000000000000001");
    assert.equal(r(1_500_000_000_000_000_000n, 18), "1.5|1.5");
    assert.equal(r(2_345n, 6), "0.002345|0.002345");
    assert.equal(r(123_456_789n, 18), "≈0.0000000001235|0.000000000123456789");
    assert.equal(r(0n, 18), "0|0");
    assert.equal(r(-1_005_000n, 6), "≈-1.01|-1.005");
    assert.equal(r(2_600_000_001n, 0), "2,600,000,001|2,600,000,001");
    // The rounded figure is never further from the exact one than half a shown digit.
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 30n }), fc.integer({ min: 0, max: 24 }), (v, d) => {
        const { text } = roundAmount(v, d);
        const shown = text.replaceAll(",", "");
        const places = shown.split(".")[1]?.length ?? 0;
        const scaled = BigInt(shown.replace(".", "")) * 10n ** BigInt(d - places);
        const diff = scaled > v ? scaled - v : v - scaled;
        assert.ok(diff * 2n <= 10n ** BigInt(d - places), `${v} at ${d}: ${text}`);
      }),
    );
  });

  it("durations, dates and costs as people say them", () => {
    assert.equal(duration(2_592_000), "30 days");
    assert.equal(duration(3_600n), "1 hour");
    assert.equal(duration("93784"), "1 day 2 hours");
    assert.equal(duration(125), "2 minutes 5 seconds");
    assert.equal(duration(86_400 + 30), "1 day");
    assert.equal(duration(0), "0 seconds");
    assert.equal(dateTime("2026-12-06T14:05:09Z"), "6 Dec 2026, 14:05 UTC");
    assert.equal(txCost({ gasUsed: 21_000n, effectiveGasPrice: 2_000_000_000n }), 42_000_000_000_000n);
  });

  it("names recipients readably: escapes decoded, addresses short, labels cut in the middle", () => {
    assert.equal(
      readableIdentity("component:pkg:npm/%40wellspring/sdk@0.1.0"),
      "component:pkg:npm/@wellspring/sdk@0.1.0",
    );
    assert.equal(readableIdentity("github:%E0%A4%A"), "github:%E0%A4%A");
    const address = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
    assert.equal(
      recipientName({ identity: null, accountId: `0x${"0".repeat(24)}${address.slice(2).toLowerCase()}` }),
      "0x7099…79C8",
    );
    const a = fitLabel("component:pkg:npm/@wellspring/protocol@0.1.0", 30);
    const b = fitLabel("component:pkg:npm/@wellspring/sdk@0.1.0", 30);
    assert.equal(a.length, 30);
    assert.notEqual(a, b);
  });
});
