/**
 * Property: random valid CycloneDX and SPDX documents (cycles, services, components nothing
 * reaches) give the same table whatever the order of object members and of the component and
 * dependency lists, the shares sum exactly to totalShares, and every component is accounted
 * for (reachable, or listed as unreachable).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { attribute } from "../../src/attribute.ts";
import { serializeShareTableToString } from "../../src/table.ts";
import { fromText } from "./helpers.ts";
import { seeded, shuffledJson, tableWithoutInputs } from "../helpers.ts";

interface Spec {
  /** Component i (1..n-1); 0 is the product. */
  parts: Array<{ service: boolean; license: string | undefined; author: number }>;
  edges: Array<[number, number]>;
  unreachable: "direct" | "ignore";
  seed: number;
}

const LICENSES = ["MIT", "Apache-2.0", "GPL-3.0-only", "MIT OR Apache-2.0"];

const specArb: fc.Arbitrary<Spec> = fc.integer({ min: 2, max: 9 }).chain((n) =>
  fc.record({
    parts: fc.array(
      fc.record({
        service: fc.boolean(),
        license: fc.option(fc.constantFrom(...LICENSES), { nil: undefined }),
        author: fc.nat(4),
      }),
      { minLength: n - 1, maxLength: n - 1 },
    ),
    // Any pairs: cycles, self-loops and parts nothing reaches all occur.
    edges: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 2 * n }),
    unreachable: fc.constantFrom("direct" as const, "ignore" as const),
    seed: fc.nat(),
  }),
);

const ref = (i: number): string => (i === 0 ? "app" : `c${i}`);
const author = (a: number) => ({ name: `dev${a}`, email: `dev${a}@users.noreply.github.com` });

function cyclonedx(spec: Spec): Record<string, unknown> {
  const targets = new Map<number, Set<number>>();
  for (const [a, b] of spec.edges) if (a !== b) (targets.get(a) ?? targets.set(a, new Set()).get(a)!).add(b);
  const entry = (i: number, p: Spec["parts"][number]) => ({
    "bom-ref": ref(i),
    name: `c${i}`,
    version: "1.0.0",
    ...(p.license !== undefined ? { licenses: [{ expression: p.license }] } : {}),
  });
  const components = spec.parts.flatMap((p, k) =>
    p.service
      ? []
      : [
          {
            type: "library",
            purl: `pkg:npm/c${k + 1}@1.0.0`,
            authors: [author(p.author)],
            ...entry(k + 1, p),
          },
        ],
  );
  const services = spec.parts.flatMap((p, k) =>
    p.service ? [{ provider: { contact: [author(p.author)] }, ...entry(k + 1, p) }] : [],
  );
  return {
    bomFormat: "CycloneDX",
    specVersion: "1.6",
    metadata: {
      component: {
        type: "application",
        name: "app",
        version: "1.0.0",
        "bom-ref": "app",
        authors: [author(9)],
      },
    },
    components,
    services,
    dependencies: [...targets].map(([a, bs]) => ({ ref: ref(a), dependsOn: [...bs].map(ref) })),
  };
}

function spdx(spec: Spec): Record<string, unknown> {
  const pkg = (i: number, license: string | undefined, who: number) => ({
    SPDXID: `SPDXRef-${ref(i)}`,
    name: ref(i),
    versionInfo: "1.0.0",
    supplier: `Person: dev${who} (dev${who}@users.noreply.github.com)`,
    ...(license !== undefined ? { licenseConcluded: license } : {}),
    externalRefs: [
      {
        referenceCategory: "PACKAGE-MANAGER",
        referenceType: "purl",
        referenceLocator: `pkg:npm/${ref(i)}@1.0.0`,
      },
    ],
  });
  return {
    spdxVersion: "SPDX-2.3",
    SPDXID: "SPDXRef-DOCUMENT",
    documentDescribes: ["SPDXRef-app"],
    packages: [pkg(0, undefined, 9), ...spec.parts.map((p, k) => pkg(k + 1, p.license, p.author))],
    relationships: spec.edges.map(([a, b]) => ({
      spdxElementId: `SPDXRef-${ref(a)}`,
      relationshipType: "DEPENDS_ON",
      relatedSpdxElement: `SPDXRef-${ref(b)}`,
    })),
  };
}

/** Shuffles the lists whose order carries no meaning, then every object's members. */
function reordered(doc: Record<string, unknown>, seed: number): string {
  const random = seeded(seed);
  const shuffle = <T>(list: T[]): T[] => {
    const out = [...list];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  };
  const copy: Record<string, unknown> = { ...doc };
  for (const list of ["components", "services", "dependencies", "packages", "relationships"])
    if (Array.isArray(copy[list])) copy[list] = shuffle(copy[list] as unknown[]);
  return shuffledJson(copy, random);
}

function check(spec: Spec, doc: Record<string, unknown>, name: string): void {
  const policy = { version: 1, unreachable: spec.unreachable };
  const result = attribute({ files: [fromText(name, JSON.stringify(doc))], policy });
  const again = attribute({ files: [fromText(name, reordered(doc, spec.seed))], policy });
  assert.equal(
    tableWithoutInputs(serializeShareTableToString(again.table)),
    tableWithoutInputs(serializeShareTableToString(result.table)),
  );
  // Exact conservation: the integer shares sum to totalShares.
  assert.equal(
    result.table.rows.shares.reduce((a, b) => a + b, 0n),
    result.table.totalShares,
  );
  // Completeness: every component is reachable or listed.
  const { reachable, components, unreachable } = result.report;
  if (spec.unreachable === "direct") assert.equal(reachable, components);
  else assert.equal(reachable + unreachable.count, components);
  assert.deepEqual(again.report.unreachable, unreachable);
}

test("CycloneDX: order independence, exact conservation, every component accounted for", () => {
  fc.assert(
    fc.property(specArb, (spec) => check(spec, cyclonedx(spec), "bom.json")),
    { numRuns: 60 },
  );
});

test("SPDX: order independence, exact conservation, every component accounted for", () => {
  fc.assert(
    fc.property(specArb, (spec) => check(spec, spdx(spec), "doc.spdx.json")),
    { numRuns: 60 },
  );
});
