import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { fetchBundle } from "../src/bundle-fetch.ts";
import { isWellspringError } from "../src/errors.ts";

/** The code and message of what `fetchBundle` throws. */
async function refusal(uri: string, options: Parameters<typeof fetchBundle>[1] = {}) {
  try {
    await fetchBundle(uri, options);
  } catch (error) {
    assert.ok(isWellspringError(error), String(error));
    return { code: error.code, message: error.message };
  }
  assert.fail(`${uri} was read`);
}

test("a verifier without local files refuses file:// and plain paths before touching the disk", async () => {
  for (const uri of ["file:///etc/hostname", "/etc/hostname", "relative/bundle.tar"]) {
    const r = await refusal(uri, { localFiles: false });
    assert.equal(r.code, "BUNDLE_INVALID");
    assert.match(r.message, /reads no local files/);
  }
});

test("a device or an over-large file is invalid, never read to its end", async () => {
  assert.equal((await refusal("file:///dev/zero")).code, "BUNDLE_INVALID");
  const dir = mkdtempSync(join(tmpdir(), "ws-bundle-fetch-"));
  try {
    const file = join(dir, "big.tar");
    writeFileSync(file, Buffer.alloc(4096));
    const r = await refusal(pathToFileURL(file).href, { maxBytes: 1024 });
    assert.equal(r.code, "BUNDLE_INVALID");
    assert.match(r.message, /larger than 1024 bytes/);
    assert.equal((await refusal(pathToFileURL(join(dir, "missing.tar")).href)).code, "BUNDLE_UNREACHABLE");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
