import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createRunRequest, isStandardBase64 } from "../src/http/schemas.ts";

describe("request schemas", () => {
  it("accept base64 file contents of tens of MB (a 200,000-package lockfile)", () => {
    const content = Buffer.alloc(30 * 1024 * 1024, 7).toString("base64");
    const parsed = createRunRequest.safeParse({
      policy: { name: "default", version: 1 },
      inputs: [{ name: "package-lock.json", content }],
    });
    assert.ok(parsed.success, parsed.success ? "" : parsed.error.message);
    assert.equal(parsed.data.inputs[0]!.content.length, 30 * 1024 * 1024);
  });

  it("tell standard base64 from what is not", () => {
    for (const ok of ["", "QQ==", "QUI=", "QUJD", "QUJDRA=="]) assert.ok(isStandardBase64(ok), ok);
    for (const bad of ["Q", "QQ=", "Q===", "QQ=A", "QU-D", "QU_D", "QUJD\n"])
      assert.ok(!isStandardBase64(bad), bad);
  });
});
