import fc from "fast-check";
import { GraphBuilder, type Graph } from "../src/graph.ts";
import type { ComponentInfo, ContributorEvidence, EdgeKind } from "../src/inputs/types.ts";
import { EDGE_KINDS } from "../src/inputs/types.ts";

/** A random product graph described as plain facts, fed to a GraphBuilder in any order. */
export interface GraphSpec {
  components: { key: string; info: ComponentInfo }[];
  edges: { from: string; to: string; kind: EdgeKind; usage: number }[];
  contributors: { key: string; evidence: ContributorEvidence }[];
  root: string;
}

const LICENSES = ["MIT", "Apache-2.0", "GPL-3.0-only", "MIT OR GPL-3.0-only", "SSPL-1.0", "NOASSERTION"];

export const specArb: fc.Arbitrary<GraphSpec> = fc.integer({ min: 1, max: 14 }).chain((n) => {
  const key = (i: number): string => `pkg:npm/c${i}@1.0.0`;
  return fc
    .record({
      infos: fc.array(
        fc.record({
          license: fc.option(fc.constantFrom(...LICENSES), { nil: undefined }),
          optOut: fc.boolean(),
          model: fc.boolean(),
          weights: fc.boolean(),
        }),
        { minLength: n, maxLength: n },
      ),
      edges: fc.array(
        fc.record({
          from: fc.nat(n - 1),
          to: fc.nat(n - 1),
          kind: fc.constantFrom(...EDGE_KINDS),
          usage: fc.constantFrom(1, 0.5, 2),
        }),
        { maxLength: n * 3 },
      ),
      contributors: fc.array(
        fc.record({
          comp: fc.nat(n - 1),
          who: fc.nat(6),
          declared: fc.boolean(),
          weight: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
          commits: fc.array(fc.record({ time: fc.integer({ min: 1.6e9, max: 1.7e9 }), lines: fc.nat(500) }), {
            maxLength: 4,
          }),
        }),
        { maxLength: n * 2 },
      ),
    })
    .map(({ infos, edges, contributors }) => ({
      components: infos.map((x, i) => ({
        key: key(i),
        info: {
          kind: i === 0 ? "application" : x.model ? "model" : "package",
          name: `c${i}`,
          version: "1.0.0",
          ...(x.license !== undefined ? { license: x.license } : {}),
          ...(x.optOut ? { aiOptOut: ["tdm-reservation"] } : {}),
          ...(x.model ? { availability: { weights: x.weights, code: true, data: x.weights } } : {}),
        } satisfies ComponentInfo,
      })),
      edges: edges
        .filter((e) => e.from !== e.to)
        .map((e) => ({ from: key(e.from), to: key(e.to), kind: e.kind, usage: e.usage })),
      contributors: contributors.map((c) => ({
        key: key(c.comp),
        evidence: {
          identity: c.who === 6 ? "0x00000000000000000000000000000000000000aa" : `github:user${c.who}`,
          source: c.declared ? ("declared" as const) : ("git" as const),
          ...(c.declared && c.weight !== undefined ? { weight: c.weight } : {}),
          ...(c.declared ? {} : { activity: c.commits }),
        },
      })),
      root: key(0),
    }));
});

/** Feeds a spec to a builder; `order` permutes every list (and interleaves nothing else). */
export function buildGraph(spec: GraphSpec, shuffle?: (n: number) => number[]): Graph {
  const b = new GraphBuilder();
  const perm = <T>(list: T[]): T[] => (shuffle ? shuffle(list.length).map((i) => list[i]!) : list);
  const src = { file: "spec.json", field: "x" };
  // Edges first sometimes: references may precede declarations.
  for (const e of perm(spec.edges)) b.edge(e.from, e.to, e.kind, src, e.usage);
  for (const c of perm(spec.components)) b.component(c.key, c.info, src);
  for (const c of perm(spec.contributors)) b.contributor(c.key, c.evidence, src);
  b.root(spec.root, src);
  return b.build();
}

/** Deterministic permutation generator from a seed. */
export function seededShuffle(seed: number): (n: number) => number[] {
  let s = seed >>> 0 || 1;
  return (n: number) => {
    const p = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      const j = s % (i + 1);
      [p[i], p[j]] = [p[j]!, p[i]!];
    }
    return p;
  };
}

/**
 * JSON text of a value with the members of every object in a random order (arrays keep
 * theirs: their order is data). Built by hand: a JS object would put integer-like keys first.
 * `random` returns [0, 1), e.g. `seeded(n)`.
 */
export function shuffledJson(value: unknown, random: () => number): string {
  if (Array.isArray(value)) return `[${value.map((v) => shuffledJson(v, random)).join(",")}]`;
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  const entries = Object.entries(value as Record<string, unknown>);
  for (let i = entries.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [entries[i], entries[j]] = [entries[j]!, entries[i]!];
  }
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${shuffledJson(v, random)}`).join(",")}}`;
}

/** A small seeded generator (mulberry32), so a failing shuffle can be replayed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** share-table.json without the input list and its hash (which name the files' bytes). */
export function tableWithoutInputs(serialized: string): string {
  const table = JSON.parse(serialized) as Record<string, unknown>;
  delete table.inputs;
  delete table.inputsHash;
  return JSON.stringify(table);
}
