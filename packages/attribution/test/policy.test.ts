import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  canonicalPolicy,
  defaultPolicy,
  globToRegExp,
  matchesComponent,
  parsePolicy,
  policyHash,
} from "../src/policy.ts";
import { canonicalJson } from "../src/canonical.ts";
import { isWellspringError } from "../src/errors.ts";

const policiesDir = fileURLToPath(new URL("../policies/", import.meta.url));

describe("policy", () => {
  it("fills every default, and the shipped default.json is exactly the defaults plus its name", () => {
    const p = defaultPolicy();
    assert.equal(p.totalShares, "1000000000000000000");
    assert.equal(p.keep.default, 0.5);
    assert.equal(p.edgeWeights.dev, 0.1);
    assert.equal(p.keep.root, 0);
    assert.equal(p.contributors.source, "sustained");
    assert.equal(p.contributors.halfLifeDays, null);
    assert.equal(p.noContributors, "hold");
    assert.equal(p.identities.unbound, "hold");
    const shipped = parsePolicy(JSON.parse(readFileSync(`${policiesDir}default.json`, "utf8")));
    const { name: _n, description: _d, ...rest } = shipped;
    assert.equal(canonicalJson(rest), canonicalPolicy(p));
  });

  it("parses every shipped policy", () => {
    const files = readdirSync(policiesDir).filter((f) => f.endsWith(".json"));
    assert.ok(files.length >= 3);
    for (const f of files) parsePolicy(JSON.parse(readFileSync(`${policiesDir}${f}`, "utf8")), f);
  });

  it("hashes the parsed policy: key order and spelled-out defaults do not change the hash", () => {
    const a = parsePolicy({ version: 1, keep: { default: 0.3 }, caps: { maxFraction: 0.1 } });
    const b = parsePolicy({
      caps: { maxFraction: 0.1 },
      edgeWeights: { runtime: 1 },
      keep: { default: 0.3 },
      version: 1,
    });
    assert.equal(policyHash(a), policyHash(b));
    const c = parsePolicy({ version: 1, keep: { default: 0.31 }, caps: { maxFraction: 0.1 } });
    assert.notEqual(policyHash(a), policyHash(c));
    assert.match(policyHash(a), /^0x[0-9a-f]{64}$/);
  });

  it("rejects bad documents with POLICY_INVALID and the field path", () => {
    const cases: [unknown, string][] = [
      [{ version: 2 }, "version"],
      [{ version: 1, keep: { default: 1.5 } }, "keep.default"],
      [{ version: 1, totalShares: "0" }, "totalShares"],
      [{ version: 1, totalShares: 1000 }, "totalShares"],
      [{ version: 1, edgeWeights: { runtime: -1 } }, "edgeWeights.runtime"],
      [{ version: 1, edgeWeights: { build: 1 } }, "edgeWeights"],
      [{ version: 1, rules: [{ match: {}, weight: 2 }] }, "rules[0].match"],
      [{ version: 1, rules: [{ match: { key: "x" }, exclude: "lower case" }] }, "rules[0].exclude"],
      [{ version: 1, caps: { maxFraction: 0.1, minFraction: 0.2 } }, "caps"],
      [{ version: 1, licenses: { deny: ["MIT OR"] } }, "licenses[0]"],
    ];
    for (const [doc, field] of cases) {
      assert.throws(
        () => parsePolicy(doc, "p.json"),
        (e) => isWellspringError(e, "POLICY_INVALID") && e.field === field && e.file === "p.json",
        JSON.stringify(doc),
      );
    }
  });

  it("matches components by glob on key, purl, name and kind", () => {
    assert.ok(globToRegExp("pkg:npm/@types/*").test("pkg:npm/%40types/node@1") === false);
    assert.ok(globToRegExp("pkg:npm/left-pad@?.*").test("pkg:npm/left-pad@1.3.0"));
    assert.ok(!globToRegExp("a.b").test("axb"));
    const info = { kind: "model" as const, name: "llama-3", purl: "pkg:huggingface/meta/llama-3" };
    assert.ok(matchesComponent({ name: "llama-*", kind: "model" }, "k", info));
    assert.ok(!matchesComponent({ name: "llama-*", kind: "dataset" }, "k", info));
    assert.ok(matchesComponent({ purl: "pkg:huggingface/meta/*" }, "k", info));
    assert.ok(!matchesComponent({ purl: "pkg:npm/*" }, "k", { kind: "package", name: "x" }));
  });
});
