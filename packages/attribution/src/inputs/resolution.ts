/**
 * Resolution snapshots: what registries and forges said about who makes each component, written
 * by `wellspring resolve` (packages/resolve) and read here like any other input, so a table
 * computed with one is reproduced offline by `verify` from the same file.
 *
 * The snapshot is content-addressed: `contentHash` is the sha256 of the canonical JSON of the
 * document without `contentHash`; a snapshot edited by hand without updating it is refused.
 * Identities in it are already canonical (`npm:`, `github:`, `email-sha256:`, …); raw e-mail
 * addresses never enter a snapshot.
 *
 * Identity precedence (docs/inputs.md, "Resolution snapshots"), per component, first tier that
 * names anybody wins:
 *   1. `funding`: a funding manifest (funding.json, FUNDING.json, .github/FUNDING.yml) or the
 *      package's declared `funding` URLs — how the makers asked to be paid;
 *   2. `maintainers` and the `repository` owner — who the registry and forge say holds it;
 *   3. `people`: the package metadata's author and contributors;
 *   4. nobody: the engine holds the component's part under `component:<key>`.
 * Every identity of the winning tier is a declared contributor with weight 1 (a funding
 * manifest's own weights are kept), so the policy's `contributors` section splits the value.
 *
 * `aliases` maps identities found in git history (e-mail hashes) to forge accounts; readInputs
 * applies them to every input's contributors.
 */
import { createHash } from "node:crypto";
import { canonicalJson } from "../canonical.ts";
import type { ComponentInfo, ContributorEvidence, GraphSink, InputFile, InputParser } from "./types.ts";
import { parseJson, type JsonHead } from "./json.ts";
import { isAddress } from "./identity.ts";
import { check, schemaError, z } from "./schema.ts";

export const RESOLUTION_VERSION = 1;
export const RESOLUTION_FORMAT = "wellspring-resolution-v1";

const IDENTITY = /^(0x[0-9a-f]{40}|[a-z0-9.-]+:\S+)$/;
const Identity = z.string().regex(IDENTITY, "expected a canonical identity such as github:<login>");
const Address = z.string().refine(isAddress, "expected a 0x-prefixed EVM address");

const FundingEntry = z.strictObject({
  identity: Identity,
  weight: z.number().positive().finite().optional(),
  payout: Address.optional(),
  /** Where it was declared: the manifest URL or the registry field. */
  from: z.string(),
});
const Maintainer = z.strictObject({
  identity: Identity,
  /** `account` when the source cannot tell a person from an organisation. */
  kind: z.enum(["person", "organisation", "account"]),
});
const Person = z.strictObject({ identity: Identity, role: z.enum(["author", "contributor"]) });

export const ResolvedComponentSchema = z.strictObject({
  status: z.enum(["resolved", "unresolved", "failed"]),
  /** Why a component is unresolved or failed (e.g. `not-found`, `no-source`, `http-503`). */
  reason: z.string().optional(),
  /** The source that answered: npm, pypi, crates, go, huggingface. */
  source: z.string().optional(),
  kind: z.enum(["application", "package", "repository", "model", "dataset"]),
  name: z.string(),
  version: z.string().optional(),
  license: z.string().optional(),
  repository: z
    .strictObject({
      url: z.string(),
      owner: Identity.optional(),
      ownerKind: z.enum(["person", "organisation"]).optional(),
    })
    .optional(),
  funding: z.array(FundingEntry).default([]),
  maintainers: z.array(Maintainer).default([]),
  people: z.array(Person).default([]),
});
export type ResolvedComponent = z.infer<typeof ResolvedComponentSchema>;

export const ResolutionSchema = z.strictObject({
  wellspringResolution: z.literal(RESOLUTION_VERSION),
  contentHash: z.string().regex(/^sha256:[0-9a-f]{64}$/, "expected sha256:<64 hex digits>"),
  /** Base URLs the resolver used, for the record. */
  sources: z.record(z.string(), z.string()).default({}),
  components: z.record(z.string(), ResolvedComponentSchema),
  aliases: z.record(Identity, Identity).default({}),
});
export type Resolution = z.infer<typeof ResolutionSchema>;

/** `sha256:<hex>` of the canonical JSON of a snapshot without its `contentHash`. */
export function resolutionContentHash(
  doc: Omit<Resolution, "contentHash"> & { contentHash?: string },
): string {
  const { contentHash: _ignored, ...body } = doc;
  return `sha256:${createHash("sha256").update(canonicalJson(body)).digest("hex")}`;
}

/** The tier whose identities stand for a component, and those identities (in snapshot order). */
export type IdentityTier = "funding" | "maintainers" | "people" | "none";

export function contributorsByPrecedence(c: ResolvedComponent): {
  tier: IdentityTier;
  contributors: Array<{ evidence: ContributorEvidence; field: string }>;
} {
  const out: Array<{ evidence: ContributorEvidence; field: string }> = [];
  const seen = new Set<string>();
  const add = (evidence: ContributorEvidence, field: string): void => {
    if (seen.has(evidence.identity)) return;
    seen.add(evidence.identity);
    out.push({ evidence, field });
  };
  c.funding.forEach((f, i) => {
    const evidence: ContributorEvidence = { identity: f.identity, source: "declared", weight: f.weight ?? 1 };
    if (f.payout !== undefined) evidence.payout = f.payout.toLowerCase() as `0x${string}`;
    add(evidence, `funding[${i}]`);
  });
  if (out.length > 0) return { tier: "funding", contributors: out };
  c.maintainers.forEach((m, i) =>
    add({ identity: m.identity, source: "declared", weight: 1 }, `maintainers[${i}]`),
  );
  if (c.repository?.owner !== undefined)
    add({ identity: c.repository.owner, source: "declared", weight: 1 }, "repository.owner");
  if (out.length > 0) return { tier: "maintainers", contributors: out };
  c.people.forEach((p, i) =>
    add({ identity: p.identity, source: "declared", weight: 1, named: true }, `people[${i}]`),
  );
  if (out.length > 0) return { tier: "people", contributors: out };
  return { tier: "none", contributors: out };
}

/** Parses and checks a snapshot (schema and content hash). */
export function parseResolution(file: InputFile): Resolution {
  const doc = check(ResolutionSchema, parseJson(file), file.path, "");
  const expected = resolutionContentHash(doc);
  if (doc.contentHash !== expected)
    throw schemaError(
      file.path,
      "contentHash",
      `the snapshot's content does not match its contentHash (content hashes to ${expected}); it was changed after resolve wrote it`,
    );
  return doc;
}

function parseResolutionInto(file: InputFile, sink: GraphSink): void {
  const doc = parseResolution(file);
  for (const key of Object.keys(doc.components).sort()) {
    const c = doc.components[key] as ResolvedComponent;
    const base = `components[${JSON.stringify(key)}]`;
    const info: ComponentInfo = { kind: c.kind, name: c.name };
    if (c.version !== undefined) info.version = c.version;
    if (c.license !== undefined) info.license = c.license;
    info.registry = c.status === "resolved" ? "resolved" : `${c.status}:${c.reason ?? "unknown"}`;
    // Fills only what other inputs left empty; a component no other input names stays unreachable.
    sink.component(key, info, { file: file.path, field: base });
    for (const { evidence, field } of contributorsByPrecedence(c).contributors)
      sink.contributor(key, evidence, { file: file.path, field: `${base}.${field}` });
  }
}

/** The alias map of a snapshot (e-mail hash -> forge account), for readInputs. */
export function resolutionAliases(file: InputFile): ReadonlyMap<string, string> {
  return new Map(Object.entries(parseResolution(file).aliases));
}

export const resolutionParser: InputParser = {
  format: RESOLUTION_FORMAT,
  detect(_file: InputFile, json: unknown): boolean {
    const head = json as JsonHead | undefined;
    return head instanceof Map && head.has("wellspringResolution");
  },
  parse(file: InputFile, _json: unknown, sink: GraphSink): void {
    parseResolutionInto(file, sink);
  },
};
