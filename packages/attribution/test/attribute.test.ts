import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { attribute, attributeGraph, prepareGraph, type AttributeResult } from "../src/attribute.ts";
import { parsePolicy, type PolicyInput } from "../src/policy.ts";
import { accountIdBytes, accountIdOf } from "../src/account.ts";
import {
  accountIdHexAt,
  parseShareTable,
  serializeShareTableBytes,
  serializeShareTableToString,
  shareTableTail,
} from "../src/table.ts";
import { buildMerkleTree, merkleProof, verifyMerkleProof } from "../src/merkle.ts";
import { inputFile } from "../src/inputs/index.ts";
import { proofForAccount, verifyShareTable } from "../src/verify.ts";
import { isWellspringError } from "../src/errors.ts";
import { buildGraph, seededShuffle, specArb, type GraphSpec } from "./helpers.ts";

const INPUTS = [{ path: "spec.json", sha256: "ab".repeat(32), format: "test" }];

function run(spec: GraphSpec, policy: PolicyInput = { version: 1 }, seed?: number): AttributeResult {
  const graph = buildGraph(spec, seed === undefined ? undefined : seededShuffle(seed));
  return attributeGraph(graph, parsePolicy(policy), INPUTS);
}

function sharesOf(r: AttributeResult, identity: string): bigint {
  const id = accountIdOf(identity);
  for (let i = 0; i < r.table.rows.length; i++)
    if (accountIdHexAt(r.table.rows, i) === id) return r.table.rows.shares[i]!;
  return 0n;
}

function valueOf(r: AttributeResult, identity: string): number {
  for (const line of r.explanation()) {
    for (const l of line.split("\n").filter(Boolean)) {
      const o = JSON.parse(l) as { type: string; identity?: string; value?: number };
      if (o.type === "recipient" && o.identity === identity) return o.value!;
    }
  }
  return 0;
}

const policyArb: fc.Arbitrary<PolicyInput> = fc.record({
  version: fc.constant(1 as const),
  totalShares: fc.constantFrom("1000000000000000000", "1000", "7", (1n << 200n).toString()),
  keep: fc.record({ default: fc.constantFrom(0, 0.1, 0.5, 1) }),
  noContributors: fc.constantFrom("hold" as const, "pass" as const),
  depthDecay: fc.constantFrom(1, 0.7),
  contributors: fc.record({
    source: fc.constantFrom(
      "sustained" as const,
      "auto" as const,
      "declared" as const,
      "commits" as const,
      "lines" as const,
      "activity" as const,
    ),
    compression: fc.constantFrom("sqrt" as const, "log" as const, "linear" as const),
  }),
  identities: fc.record({ unbound: fc.constantFrom("hold" as const, "redistribute" as const) }),
  licenses: fc.record({
    deny: fc.constantFrom([], ["GPL-3.0-only"], ["SSPL-1.0"]),
    unknown: fc.constantFrom("allow" as const, "exclude" as const),
    destination: fc.constantFrom("redistribute" as const, "hold" as const, "return" as const),
  }),
  openness: fc.record({
    exclude: fc.constantFrom([], ["restricted" as const]),
    destination: fc.constantFrom("redistribute" as const, "hold" as const, "return" as const),
  }),
  caps: fc.constantFrom(
    {},
    { maxFraction: 0.3 },
    { minFraction: 0.01 },
    { maxFraction: 0.5, minFraction: 0.02 },
  ),
});

describe("attribute: properties", () => {
  it("shares always sum exactly to totalShares, rows are sorted, unique and positive", () => {
    fc.assert(
      fc.property(specArb, policyArb, (spec, policy) => {
        const r = run(spec, policy);
        const { rows } = r.table;
        let sum = 0n;
        for (let i = 0; i < rows.length; i++) {
          assert.ok(rows.shares[i]! > 0n);
          sum += rows.shares[i]!;
          if (i > 0) assert.ok(accountIdHexAt(rows, i - 1) < accountIdHexAt(rows, i));
        }
        assert.equal(sum, r.table.totalShares);
        assert.equal(sum, BigInt(policy.totalShares!));
      }),
      { numRuns: 150 },
    );
  });

  it("conserves value through cycles, exclusions, holds, returns, caps and floors", () => {
    fc.assert(
      fc.property(specArb, policyArb, (spec, policy) => {
        const r = run(spec, policy);
        assert.ok(Math.abs(r.report.credited - 1) < 1e-9, `credited ${r.report.credited}`);
        assert.ok(r.report.heldFraction + r.report.returnedFraction <= r.report.credited + 1e-9);
      }),
      { numRuns: 150 },
    );
  });

  it("is byte-identical whatever order components, edges and contributors arrive in", () => {
    fc.assert(
      fc.property(specArb, policyArb, fc.integer({ min: 1, max: 2 ** 31 }), (spec, policy, seed) => {
        const a = run(spec, policy);
        const b = run(spec, policy, seed);
        assert.equal(serializeShareTableToString(b.table), serializeShareTableToString(a.table));
        assert.equal([...b.explanation()].join(""), [...a.explanation()].join(""));
      }),
      { numRuns: 100 },
    );
  });

  it("raising the weight of one component's incoming edges never lowers its value", () => {
    fc.assert(
      fc.property(specArb, fc.nat(13), fc.constantFrom(1.5, 2, 10), (spec, pick, factor) => {
        const target = spec.components[pick % spec.components.length]!.key;
        fc.pre(target !== spec.root);
        // A sole, dedicated contributor makes the component's value visible as one recipient.
        const marked: GraphSpec = {
          ...spec,
          contributors: [
            ...spec.contributors.filter((c) => c.key !== target),
            { key: target, evidence: { identity: "github:marked", source: "declared" } },
          ],
        };
        const base = { version: 1 as const, totalShares: "1000000000000000000" };
        const lo = run(marked, { ...base, rules: [{ match: { key: target }, weight: 1 }] });
        const hi = run(marked, { ...base, rules: [{ match: { key: target }, weight: factor }] });
        assert.ok(valueOf(hi, "github:marked") >= valueOf(lo, "github:marked") * (1 - 1e-9));
        assert.ok(sharesOf(hi, "github:marked") >= sharesOf(lo, "github:marked") - 1n);
      }),
      { numRuns: 150 },
    );
  });

  it("its Merkle root and proofs equal @openzeppelin/merkle-tree's", () => {
    fc.assert(
      fc.property(specArb, (spec) => {
        const r = run(spec);
        const { rows } = r.table;
        const values = Array.from({ length: rows.length }, (_, i) => [
          accountIdHexAt(rows, i),
          rows.shares[i]!.toString(),
        ]);
        const oz = StandardMerkleTree.of(values, ["bytes32", "uint256"]);
        assert.equal(r.table.root, oz.root);
        for (let i = 0; i < rows.length; i++) {
          assert.deepEqual(merkleProof(r.tree, i), oz.getProof(i));
          assert.ok(
            verifyMerkleProof(r.table.root, accountIdHexAt(rows, i), rows.shares[i]!, merkleProof(r.tree, i)),
          );
        }
      }),
      { numRuns: 40 },
    );
  });

  it("gives the same bytes when the payees' accountIds come from options.accountIds", () => {
    fc.assert(
      fc.property(specArb, (spec) => {
        const plain = run(spec);
        let asked = 0;
        const graph = buildGraph(spec);
        const hooked = attributeGraph(graph, parsePolicy({ version: 1 }), INPUTS, {
          accountIds: (identities) => {
            asked++;
            const out = new Uint8Array(identities.length * 32);
            identities.forEach((id, i) => out.set(accountIdBytes(id), i * 32));
            return () => out;
          },
        });
        assert.equal(asked, 1);
        assert.equal(serializeShareTableToString(hooked.table), serializeShareTableToString(plain.table));
        assert.equal([...hooked.explanation()].join(""), [...plain.explanation()].join(""));
      }),
      { numRuns: 40 },
    );
  });

  it("prepareGraph + finish gives attribute's bytes, with the table's head and rows written first", () => {
    fc.assert(
      fc.property(specArb, (spec) => {
        const plain = run(spec);
        const pending = prepareGraph(buildGraph(spec), parsePolicy({ version: 1 }), INPUTS);
        const body = Buffer.concat([...pending.tableHeadAndRows({ reuseChunks: false })]);
        const explanationBody = Buffer.concat([...pending.explanationBody()]);
        const summaryLength = pending.explanationSummaryLength();
        const done = pending.finish(buildMerkleTree(pending.rows.accountIds, pending.rows.shares));
        assert.equal(
          body.toString("utf8") + shareTableTail(done.table),
          serializeShareTableToString(plain.table),
        );
        const head = Buffer.from([...done.explanationBytes()][0]!);
        assert.equal(head.length, summaryLength);
        assert.equal(
          Buffer.concat([head, explanationBody]).toString("utf8"),
          [...plain.explanation()].join(""),
        );
      }),
      { numRuns: 40 },
    );
  });

  it("its serialized table parses back to the same table", () => {
    fc.assert(
      fc.property(specArb, (spec) => {
        const r = run(spec);
        const text = serializeShareTableToString(r.table);
        assert.equal(serializeShareTableToString(parseShareTable(text)), text);
        // The byte serializer writes the same text, with fresh or reused chunks.
        assert.equal(Buffer.concat([...serializeShareTableBytes(r.table)]).toString("utf8"), text);
        const copied: Buffer[] = [];
        for (const chunk of serializeShareTableBytes(r.table, { reuseChunks: true }))
          copied.push(Buffer.from(chunk));
        assert.equal(Buffer.concat(copied).toString("utf8"), text);
      }),
      { numRuns: 40 },
    );
  });
});

/** root -> a, root -> b, a -> c; one contributor each; keep 0.5. */
function small(extra: Partial<Record<"a" | "b" | "c", object>> = {}): GraphSpec {
  const k = (x: string): string => `pkg:npm/${x}@1.0.0`;
  return {
    root: k("root"),
    components: ["root", "a", "b", "c"].map((x) => ({
      key: k(x),
      info: {
        kind: x === "root" ? "application" : "package",
        name: x,
        license: "MIT",
        ...(extra as Record<string, object>)[x],
      },
    })),
    edges: [
      { from: k("root"), to: k("a"), kind: "runtime", usage: 1 },
      { from: k("root"), to: k("b"), kind: "runtime", usage: 1 },
      { from: k("a"), to: k("c"), kind: "runtime", usage: 1 },
    ],
    contributors: ["root", "a", "b", "c"].map((x) => ({
      key: k(x),
      evidence: { identity: `github:${x}`, source: "declared" as const },
    })),
  };
}

describe("attribute: policy effects", () => {
  const T = 1_000_000n;
  // The product keeps half here (as a pool funding a library would), so its own share shows.
  const base = { version: 1 as const, totalShares: T.toString(), keep: { root: 0.5 } };

  it("splits by keep along the graph", () => {
    const r = run(small(), base);
    assert.equal(sharesOf(r, "github:root"), 500_000n);
    assert.equal(sharesOf(r, "github:a"), 125_000n);
    assert.equal(sharesOf(r, "github:b"), 250_000n);
    assert.equal(sharesOf(r, "github:c"), 125_000n);
  });

  it("a denied license redistributes to siblings, holds for the component or returns to the payer", () => {
    const spec = small({ b: { license: "SSPL-1.0" } });
    const licenses = { deny: ["SSPL-1.0"] };
    const redistribute = run(spec, { ...base, licenses: { ...licenses, destination: "redistribute" } });
    assert.equal(sharesOf(redistribute, "github:b"), 0n);
    assert.equal(sharesOf(redistribute, "github:a"), 250_000n);
    assert.equal(sharesOf(redistribute, "github:c"), 250_000n);
    assert.deepEqual(redistribute.report.gated, [
      {
        component: "pkg:npm/b@1.0.0",
        excluded: true,
        reasons: ["LICENSE_DENIED"],
        destination: "redistribute",
      },
    ]);
    const hold = run(spec, { ...base, licenses: { ...licenses, destination: "hold" } });
    assert.equal(sharesOf(hold, "github:b"), 0n);
    assert.equal(sharesOf(hold, "component:pkg:npm/b@1.0.0"), 250_000n);
    const ret = run(spec, { ...base, licenses: { ...licenses, destination: "return" } });
    assert.equal(sharesOf(ret, "payer:pkg:npm/root@1.0.0"), 250_000n);
    const toAddress = run(spec, {
      ...base,
      payer: "0x00000000000000000000000000000000000000Fe",
      licenses: { ...licenses, destination: "return" },
    });
    assert.equal(sharesOf(toAddress, "0x00000000000000000000000000000000000000fe"), 250_000n);
  });

  it("an allow list accepts an OR expression with one allowed branch", () => {
    const spec = small({ b: { license: "GPL-3.0-only OR MIT" }, c: { license: "GPL-3.0-only" } });
    const r = run(spec, { ...base, licenses: { allow: ["MIT", "Apache-2.0"], destination: "hold" } });
    assert.equal(sharesOf(r, "github:b"), 250_000n);
    assert.equal(sharesOf(r, "github:c"), 0n);
    assert.equal(sharesOf(r, "component:pkg:npm/c@1.0.0"), 125_000n);
    assert.deepEqual(r.report.gated[0]!.reasons, ["LICENSE_NOT_ALLOWED"]);
  });

  it("honours AI-training opt-outs with a reason code, or ignores them when told", () => {
    const spec = small({ a: { aiOptOut: ["tdm-reservation"] } });
    const held = run(spec, { ...base, aiOptOut: { destination: "hold" } });
    assert.equal(sharesOf(held, "github:a"), 0n);
    assert.equal(sharesOf(held, "component:pkg:npm/a@1.0.0"), 125_000n);
    assert.equal(
      sharesOf(held, "github:c"),
      125_000n,
      "dependencies of an opted-out component are still paid",
    );
    assert.deepEqual(held.report.gated[0]!.reasons, ["AI_OPT_OUT"]);
    const ignored = run(spec, { ...base, aiOptOut: { honor: false } });
    assert.equal(sharesOf(ignored, "github:a"), 125_000n);
    const otherSignal = run(spec, { ...base, aiOptOut: { signals: ["robots-txt"] } });
    assert.equal(sharesOf(otherSignal, "github:a"), 125_000n);
  });

  it("classifies models by openness and weights or excludes them", () => {
    const spec = small({
      a: { kind: "model", license: "Apache-2.0", availability: { weights: true, code: true, data: true } },
      b: { kind: "model", license: "LicenseRef-llama", availability: { weights: true } },
    });
    const weighted = run(spec, {
      ...base,
      openness: { weights: { "open-source-ai": 3, "open-weights": 1 } },
    });
    // root passes 0.5: a gets 3/4, b 1/4 (b has no dependencies, so it keeps all of it).
    assert.equal(sharesOf(weighted, "github:b"), 125_000n);
    assert.equal(sharesOf(weighted, "github:a"), 187_500n);
    const gated = run(spec, { ...base, openness: { exclude: ["open-weights"], destination: "return" } });
    assert.equal(sharesOf(gated, "payer:pkg:npm/root@1.0.0"), 250_000n);
    assert.deepEqual(
      gated.report.gated.map((g) => [g.component, g.openness, g.excluded]),
      [
        ["pkg:npm/a@1.0.0", "open-source-ai", false],
        ["pkg:npm/b@1.0.0", "open-weights", true],
      ].filter((x) => x[2]),
    );
  });

  it("holds value of components without contributors under component:<key>, or passes it on", () => {
    const spec = small();
    spec.contributors = spec.contributors.filter((c) => c.key !== "pkg:npm/a@1.0.0");
    const held = run(spec, base);
    assert.equal(sharesOf(held, "component:pkg:npm/a@1.0.0"), 125_000n);
    const passed = run(spec, { ...base, noContributors: "pass" });
    assert.equal(sharesOf(passed, "component:pkg:npm/a@1.0.0"), 0n);
    assert.equal(sharesOf(passed, "github:c"), 250_000n);
  });

  it("redistributes the part of unbound identities to payable co-contributors when told", () => {
    const spec = small();
    spec.contributors.push({
      key: "pkg:npm/b@1.0.0",
      evidence: {
        identity: "github:payable",
        source: "declared",
        payout: "0x00000000000000000000000000000000000000Bb",
      },
    });
    const hold = run(spec, { ...base, identities: { usePayoutAddresses: true } });
    assert.equal(sharesOf(hold, "github:b"), 125_000n);
    assert.equal(sharesOf(hold, "0x00000000000000000000000000000000000000bb"), 125_000n);
    const redistribute = run(spec, {
      ...base,
      identities: { usePayoutAddresses: true, unbound: "redistribute" },
    });
    assert.equal(sharesOf(redistribute, "github:b"), 0n);
    assert.equal(sharesOf(redistribute, "0x00000000000000000000000000000000000000bb"), 250_000n);
  });

  it("explains long paths elided: the root, an ellipsis and the last hops", () => {
    const k = (i: number): string => `pkg:npm/n${String(i).padStart(2, "0")}@1.0.0`;
    const chain: GraphSpec = {
      root: k(0),
      components: Array.from({ length: 30 }, (_, i) => ({
        key: k(i),
        info: { kind: "package", name: `n${i}` },
      })),
      edges: Array.from({ length: 29 }, (_, i) => ({
        from: k(i),
        to: k(i + 1),
        kind: "runtime" as const,
        usage: 1,
      })),
      contributors: [{ key: k(29), evidence: { identity: "github:deep", source: "declared" } }],
    };
    const r = run(chain, { version: 1, keep: { default: 0.1 } });
    const line = [...r.explanation({ maxPathLength: 5 })]
      .join("")
      .split("\n")
      .find((l) => l.includes('"identity":"github:deep"'))!;
    const source = (JSON.parse(line) as { sources: { path: string[] }[] }).sources[0]!;
    assert.deepEqual(source.path, [k(0), "…", k(27), k(28), k(29)]);
    const full = [...r.explanation({ maxPathLength: 40 })]
      .join("")
      .split("\n")
      .find((l) => l.includes('"identity":"github:deep"'))!;
    assert.equal((JSON.parse(full) as { sources: { path: string[] }[] }).sources[0]!.path.length, 30);
  });

  it("the compact explanation carries what the full one does, with whole paths through component lines", () => {
    const spec = small();
    spec.components.push({
      key: "pkg:npm/gated@1.0.0",
      info: { kind: "package", name: "gated", license: "SSPL-1.0" },
    });
    spec.edges.push({ from: spec.root, to: "pkg:npm/gated@1.0.0", kind: "runtime", usage: 1 });
    spec.contributors.push({
      key: "pkg:npm/gated@1.0.0",
      evidence: { identity: "github:g", source: "declared" },
    });
    const r = run(spec, {
      ...base,
      licenses: { deny: ["SSPL-1.0"], destination: "hold" },
      caps: { maxFraction: 0.4 },
    });
    const full = [...r.explanation({ maxPathLength: 1000 })].join("").split("\n").filter(Boolean);
    const text = [...r.explanation({ encoding: "compact" })].join("");
    // The byte form is the same text, and both are deterministic.
    assert.equal(Buffer.concat([...r.explanationBytes({ encoding: "compact" })]).toString("utf8"), text);
    assert.equal([...r.explanation({ encoding: "compact" })].join(""), text);
    // Reused chunks, each copied before the next is asked for, give the same bytes.
    const copied: Buffer[] = [];
    for (const chunk of r.explanationBytes({ encoding: "compact", reuseChunks: true }))
      copied.push(Buffer.from(chunk));
    assert.equal(Buffer.concat(copied).toString("utf8"), text);
    assert.equal(Buffer.concat([...r.explanationBytes()]).toString("utf8"), [...r.explanation()].join(""));
    const lines = text.split("\n").filter(Boolean);
    const summary = JSON.parse(lines[0]!) as { type: string; explain: unknown; tableHash: string };
    assert.equal(summary.type, "summary");
    assert.deepEqual(summary.explain, { encoding: "compact", topSources: 3 });
    assert.equal(summary.tableHash, r.table.tableHash);
    const head = JSON.parse(lines[1]!) as { type: string; count: number; fields: string[] };
    assert.equal(head.type, "components");
    const components = new Map<number, [number, string, number | null, number, number, string[]]>();
    for (const l of lines.slice(2, 2 + head.count)) {
      const c = JSON.parse(l) as [number, string, number | null, number, number, string[]];
      components.set(c[0], c);
    }
    const recipientsHead = JSON.parse(lines[2 + head.count]!) as { type: string; count: number };
    assert.equal(recipientsHead.type, "recipients");
    assert.equal(recipientsHead.count, r.table.rows.length);
    const recipients = lines.slice(3 + head.count);
    assert.equal(recipients.length, r.table.rows.length);
    const pathOf = (id: number): string[] => {
      const path: string[] = [];
      for (let v: number | null = id; v !== null; v = components.get(v)![2])
        path.unshift(components.get(v)![1]);
      return path;
    };
    let adjusted = 0;
    recipients.forEach((l, row) => {
      const [accountId, identity, shares, value, sourceCount, capsAdjustment, sources] = JSON.parse(l) as [
        string,
        string,
        string,
        number,
        number,
        number,
        [number, string, number][],
      ];
      const f = JSON.parse(full[row + 1]!) as {
        accountId: string;
        identity: string;
        shares: string;
        value: number;
        sourceCount: number;
        capsAdjustment?: number;
        sources: {
          as: string;
          component: string;
          keep: number;
          declaredIn: number;
          path: string[];
          value: number;
        }[];
      };
      assert.equal(accountId, f.accountId);
      assert.equal(accountId, accountIdHexAt(r.table.rows, row));
      assert.equal(identity, f.identity);
      assert.equal(shares, f.shares);
      assert.equal(value, f.value);
      assert.equal(sourceCount, f.sourceCount);
      assert.equal(capsAdjustment, f.capsAdjustment ?? 0);
      if (capsAdjustment !== 0) adjusted++;
      assert.deepEqual(
        sources.map(([id, as, v]) => {
          const c = components.get(id)!;
          return { as, component: c[1], keep: c[3], declaredIn: c[4], path: pathOf(id), value: v };
        }),
        f.sources,
      );
    });
    assert.equal(adjusted, 1);
    // Gating reasons are on the component line.
    const gated = [...components.values()].find((c) => c[1] === "pkg:npm/gated@1.0.0")!;
    assert.deepEqual(gated[5], ["LICENSE_DENIED"]);
  });

  it("caps the largest recipient and reports what moved", () => {
    const r = run(small(), { ...base, caps: { maxFraction: 0.4 } });
    assert.equal(sharesOf(r, "github:root"), 400_000n);
    assert.equal(r.report.caps.capped, 1);
    assert.ok(Math.abs(r.report.caps.movedByCap - 0.1) < 1e-12);
    const lines = [...r.explanation()].join("").split("\n").filter(Boolean);
    const adjusted = lines.filter((l) => l.includes("capsAdjustment"));
    assert.equal(adjusted.length, 1);
    assert.ok(adjusted[0]!.includes('"identity":"github:root"'));
  });

  it("weights contributors by declared weights or by decayed, compressed git activity", () => {
    const spec = small();
    spec.contributors = [
      { key: spec.root, evidence: { identity: "github:x", source: "declared", weight: 3 } },
      { key: spec.root, evidence: { identity: "github:y", source: "declared", weight: 1 } },
    ];
    const declared = run(spec, { ...base, keep: { default: 1, root: 1 } });
    assert.equal(sharesOf(declared, "github:x"), 750_000n);
    const day = 86_400;
    spec.contributors = [
      {
        key: spec.root,
        evidence: { identity: "github:new", source: "git", activity: [{ time: 1000 * day, lines: 1 }] },
      },
      {
        key: spec.root,
        evidence: { identity: "github:old", source: "git", activity: [{ time: 900 * day, lines: 1 }] },
      },
    ];
    // Half-life 100 days: the old commit counts 1/2; linear compression.
    const git = run(spec, {
      ...base,
      keep: { default: 1, root: 1 },
      contributors: { source: "commits", halfLifeDays: 100, compression: "linear" },
    });
    assert.equal(sharesOf(git, "github:new"), 666_667n);
    assert.equal(sharesOf(git, "github:old"), 333_333n);
  });
});

describe("attribute: from files", () => {
  const bom = (order: number[]) => {
    const comps = [
      {
        "bom-ref": "a",
        type: "library",
        name: "a",
        version: "1.0.0",
        purl: "pkg:npm/a@1.0.0",
        licenses: [{ expression: "MIT" }],
      },
      { "bom-ref": "b", type: "library", name: "b", version: "2.0.0", purl: "pkg:npm/b@2.0.0" },
      { "bom-ref": "c", type: "library", name: "c", version: "3.0.0", purl: "pkg:npm/c@3.0.0" },
    ];
    return {
      bomFormat: "CycloneDX",
      specVersion: "1.6",
      version: 1,
      metadata: {
        component: {
          "bom-ref": "app",
          type: "application",
          name: "app",
          version: "1.0.0",
          purl: "pkg:npm/app@1.0.0",
        },
      },
      components: order.map((i) => comps[i]),
      dependencies: [
        { ref: "app", dependsOn: ["a", "b"] },
        { ref: "a", dependsOn: ["c"] },
        { ref: "c", dependsOn: ["a"] },
      ],
    };
  };
  const enc = (v: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(v));

  it("produces the same table whatever the order of files and of components inside them", () => {
    const funding = { name: "b", version: "2.0.0", author: "Bob (https://github.com/bob)" };
    const one = attribute({
      files: [inputFile("bom.json", enc(bom([0, 1, 2]))), inputFile("b/package.json", enc(funding))],
      policy: { version: 1 },
    });
    const swapped = attribute({
      files: [inputFile("b/package.json", enc(funding)), inputFile("bom.json", enc(bom([0, 1, 2])))],
      policy: { version: 1 },
    });
    assert.equal(serializeShareTableToString(swapped.table), serializeShareTableToString(one.table));
    // Reordered components change the file's bytes (and so inputsHash), never the shares.
    const reordered = attribute({
      files: [inputFile("b/package.json", enc(funding)), inputFile("bom.json", enc(bom([2, 0, 1])))],
      policy: { version: 1 },
    });
    assert.equal(reordered.table.tableHash, one.table.tableHash);
    assert.equal(reordered.table.root, one.table.root);
    assert.notEqual(reordered.table.inputsHash, one.table.inputsHash);
    assert.equal(one.table.inputs.length, 2);
  });

  it("verifies a published table by recomputing it from its inputs and policy", () => {
    const files = [inputFile("bom.json", enc(bom([0, 1, 2])))];
    const result = attribute({ files, policy: { version: 1 } });
    const table = parseShareTable(serializeShareTableToString(result.table));
    const ok = verifyShareTable({ table, files, policy: { version: 1 }, root: result.table.root });
    assert.equal(ok.root, result.table.root);
    assert.throws(
      () => verifyShareTable({ table, files, policy: { version: 1, keep: { default: 0.4 } } }),
      (e) => isWellspringError(e, "VERIFY_MISMATCH") && e.field === "policyHash",
    );
    const other = [inputFile("bom.json", enc(bom([1, 0, 2])))];
    assert.throws(
      () => verifyShareTable({ table, files: other, policy: { version: 1 } }),
      (e) => isWellspringError(e, "VERIFY_MISMATCH") && e.field === "inputsHash",
    );
    const proof = proofForAccount(table, "component:pkg:npm/a@1.0.0");
    assert.ok(verifyMerkleProof(table.root, proof.accountId, proof.shares, proof.proof));
  });

  it("reports dangling references with the file and field", () => {
    const broken = bom([0, 1, 2]);
    broken.dependencies.push({ ref: "a", dependsOn: ["zzz"] });
    assert.throws(
      () => attribute({ files: [inputFile("bom.json", enc(broken))], policy: { version: 1 } }),
      (e: unknown) => {
        const err = e as { code?: string; file?: string; field?: string };
        return err.code === "INPUT_DANGLING_REFERENCE" && err.file === "bom.json" && err.field !== undefined;
      },
    );
  });
});
