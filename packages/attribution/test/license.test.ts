import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  evaluateLicense,
  isUnknownLicense,
  LicenseParseError,
  parseLicenseExpression,
} from "../src/license.ts";

const ok = (expr: string, lists: { allow?: string[]; deny?: string[] }): boolean =>
  evaluateLicense(parseLicenseExpression(expr), { deny: [], ...lists }).ok;

describe("SPDX license expressions", () => {
  it("gives AND precedence over OR and honours parentheses", () => {
    assert.deepEqual(parseLicenseExpression("MIT OR Apache-2.0 AND GPL-3.0-only"), {
      type: "or",
      left: { type: "license", id: "MIT", plus: false },
      right: {
        type: "and",
        left: { type: "license", id: "Apache-2.0", plus: false },
        right: { type: "license", id: "GPL-3.0-only", plus: false },
      },
    });
    const grouped = parseLicenseExpression("(MIT OR Apache-2.0) AND BSD-3-Clause");
    assert.equal(grouped.type, "and");
  });

  it("OR needs one acceptable branch, AND needs all", () => {
    assert.ok(ok("MIT OR GPL-3.0-only", { deny: ["GPL-3.0-only"] }));
    assert.ok(!ok("MIT AND GPL-3.0-only", { deny: ["GPL-3.0-only"] }));
    assert.ok(!ok("GPL-3.0-only OR AGPL-3.0-only", { allow: ["MIT"] }));
    assert.ok(ok("(GPL-3.0-only OR MIT) AND Apache-2.0", { allow: ["MIT", "Apache-2.0"] }));
  });

  it("matches WITH exceptions and + suffixes, case-insensitively", () => {
    const expr = "GPL-2.0-only WITH Classpath-exception-2.0";
    assert.ok(!ok(expr, { deny: ["gpl-2.0-only"] }));
    assert.ok(!ok(expr, { deny: ["GPL-2.0-only WITH Classpath-exception-2.0"] }));
    assert.ok(ok(expr, { allow: ["GPL-2.0-only WITH Classpath-exception-2.0"] }));
    assert.ok(
      ok("GPL-2.0-only WITH Classpath-exception-2.0", { deny: ["GPL-2.0-only WITH LLVM-exception"] }),
    );
    assert.ok(!ok("GPL-2.0+", { deny: ["GPL-2.0"] }));
    const verdict = evaluateLicense(parseLicenseExpression("SSPL-1.0"), { deny: ["SSPL-1.0"] });
    assert.deepEqual(verdict, { ok: false, reason: "LICENSE_DENIED", license: "SSPL-1.0" });
  });

  it("rejects malformed expressions", () => {
    for (const bad of ["", "MIT OR", "(MIT", "MIT)", "AND MIT", "MIT WITH", "MIT / Apache"]) {
      assert.throws(() => parseLicenseExpression(bad), LicenseParseError, bad);
    }
  });

  it("knows the no-information values", () => {
    for (const v of [undefined, "", "NOASSERTION", "NONE", " noassertion "]) assert.ok(isUnknownLicense(v));
    assert.ok(!isUnknownLicense("MIT"));
  });
});
