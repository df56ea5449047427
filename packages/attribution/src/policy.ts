import { z } from "zod";
import { canonicalJson } from "./canonical.ts";
import { WellspringError } from "./errors.ts";
import { bytesToHex, keccak256Utf8 } from "./keccak.ts";
import { LicenseParseError, parseLicenseExpression } from "./license.ts";
import type { ComponentInfo, EdgeKind } from "./inputs/types.ts";

/**
 * The weight policy (docs/policy.md describes every field and its default). The parsed value,
 * with every default filled in, is what the engine uses and what `policyHash` commits to, so a
 * document that spells a default out and one that omits it hash the same.
 */

export const POLICY_VERSION = 1;

const fraction = z.number().min(0).max(1);
const weight = z.number().min(0).finite();
// The `.describe()` texts are the help the Admin page's policy form shows beside each field (the
// server serves this schema as JSON Schema, GET /v1/policies/schema); docs/policy.md says the rest.
// They change nothing the schema accepts, so nothing the hash commits to.
const decimalString = z
  .string()
  .regex(/^[1-9][0-9]*$/, "a positive decimal integer string")
  .refine((s) => BigInt(s) < 1n << 256n, "must fit in uint256");

/** Selects components by glob (`*` any run, `?` one character) on key, purl or name, and kind. */
const matcherSchema = z
  .object({
    key: z.string().optional().describe("Glob on the component key, e.g. pkg:npm/left-pad@*"),
    purl: z.string().optional().describe("Glob on the package URL"),
    name: z.string().optional().describe("Glob on the component's name"),
    kind: z
      .enum(["application", "package", "repository", "model", "dataset"])
      .optional()
      .describe("Only components of this kind"),
  })
  .strict()
  .refine((m) => Object.keys(m).length > 0, "a matcher needs at least one field")
  .describe("Which components: every field given must match (* any run of characters, ? one)");

/** Where the value of an excluded component goes. */
const destinationSchema = z.enum(["redistribute", "hold", "return"]);
const reasonCode = z.string().regex(/^[A-Z][A-Z0-9_]*$/, "an UPPER_SNAKE reason code");
const opennessClass = z.enum(["open-source-ai", "open-weights", "restricted"]);
const spdxId = z.string().min(1);

export const policySchema = z
  .object({
    version: z.literal(POLICY_VERSION).describe("Format of this document; always 1"),
    name: z.string().optional().describe("Shown in tools; part of the hash"),
    description: z.string().optional().describe("Shown in tools; part of the hash"),
    totalShares: decimalString
      .default("1000000000000000000")
      .describe("The sum of all shares in the table, a whole number (10^18 by default)"),
    keep: z
      .object({
        default: fraction
          .default(0.5)
          .describe("Fraction a component keeps for its own contributors; the rest goes to its dependencies"),
        root: fraction.default(0).describe("The same for the product itself and its own parts"),
        overrides: z
          .array(z.object({ match: matcherSchema, keep: fraction.describe("Fraction kept") }).strict())
          .default([])
          .describe("Other fractions for matching components; the first match wins"),
      })
      .strict()
      .default({})
      .describe("What each component keeps of the value reaching it"),
    edgeWeights: z
      .object({
        runtime: weight.default(1),
        dev: weight.default(0.1),
        optional: weight.default(0.5),
        peer: weight.default(0.5),
        trainedOn: weight.default(1),
        fineTunedFrom: weight.default(1),
        contains: weight.default(1),
      })
      .strict()
      .default({})
      .describe("Weight of a dependency edge by its kind; a component splits what it passes on by weight"),
    depthDecay: z
      .number()
      .gt(0)
      .max(1)
      .default(1)
      .describe("At depth d a component passes on only depthDecay^d of its share (1 = off)"),
    contributors: z
      .object({
        source: z
          .enum(["sustained", "auto", "declared", "commits", "lines", "activity"])
          .default("sustained")
          .describe("What weighs a contributor: declared funding, git commits, lines, active months"),
        halfLifeDays: z
          .number()
          .positive()
          .nullable()
          .default(null)
          .describe("Older work counts less, halving every this many days; empty = no decay"),
        compression: z
          .enum(["linear", "sqrt", "log"])
          .default("sqrt")
          .describe("Applied to each person's git total, narrowing the gap to the largest"),
      })
      .strict()
      .default({})
      .describe("How a component's kept value is split among its contributors"),
    noContributors: z
      .enum(["hold", "pass"])
      .default("hold")
      .describe("A component with no contributor holds its part for itself, or passes it on"),
    unreachable: z
      .enum(["direct", "ignore"])
      .default("direct")
      .describe("Components no edge reaches: attach them to the product, or leave them out"),
    identities: z
      .object({
        unbound: z
          .enum(["hold", "redistribute"])
          .default("hold")
          .describe("An identity with no wallet yet: its money waits, or goes to payable co-contributors"),
        usePayoutAddresses: z
          .boolean()
          .default(false)
          .describe("Pay the payout address a funding manifest names instead of the identity"),
      })
      .strict()
      .default({})
      .describe("Identities that are not addresses"),
    licenses: z
      .object({
        allow: z
          .array(spdxId)
          .optional()
          .describe("SPDX ids every license must be on; absent = every license"),
        deny: z.array(spdxId).default([]).describe("SPDX ids that exclude a component"),
        unknown: z.enum(["allow", "exclude"]).default("allow").describe("A missing or unreadable license"),
        destination: destinationSchema
          .default("redistribute")
          .describe("Where an excluded component's value goes"),
      })
      .strict()
      .default({})
      .describe("License gating (SPDX expressions)"),
    aiOptOut: z
      .object({
        honor: z.boolean().default(true).describe("Exclude components whose inputs opt out of AI training"),
        signals: z
          .array(z.string().min(1))
          .optional()
          .describe("Only these signal names count; absent = any"),
        destination: destinationSchema.default("redistribute").describe("Where the value goes"),
      })
      .strict()
      .default({})
      .describe("AI-training opt-out signals"),
    openness: z
      .object({
        openLicenses: z
          .array(spdxId)
          .default([
            "Apache-2.0",
            "MIT",
            "BSD-2-Clause",
            "BSD-3-Clause",
            "ISC",
            "MPL-2.0",
            "GPL-2.0-only",
            "GPL-2.0-or-later",
            "GPL-3.0-only",
            "GPL-3.0-or-later",
            "LGPL-2.1-only",
            "LGPL-2.1-or-later",
            "LGPL-3.0-only",
            "LGPL-3.0-or-later",
            "AGPL-3.0-only",
            "AGPL-3.0-or-later",
            "CC-BY-4.0",
            "CC-BY-SA-4.0",
            "CC0-1.0",
            "CDLA-Permissive-2.0",
            "ODC-By-1.0",
            "Unlicense",
          ])
          .describe("Licenses that count as open"),
        weights: z
          .object({
            "open-source-ai": weight.default(1),
            "open-weights": weight.default(1),
            restricted: weight.default(1),
          })
          .strict()
          .default({})
          .describe("Multiplier on edges into a model of each openness class"),
        exclude: z.array(opennessClass).default([]).describe("Openness classes to exclude"),
        destination: destinationSchema.default("redistribute").describe("Where the value goes"),
      })
      .strict()
      .default({})
      .describe("Models: open-source AI, open weights or restricted"),
    rules: z
      .array(
        z
          .object({
            match: matcherSchema,
            weight: weight.optional().describe("Multiplies the weight of edges into the component"),
            exclude: reasonCode.optional().describe("Exclude it with this UPPER_SNAKE reason code"),
            destination: destinationSchema.optional().describe("Where an excluded component's value goes"),
          })
          .strict(),
      )
      .default([])
      .describe("Every matching rule applies"),
    caps: z
      .object({
        maxFraction: z.number().gt(0).max(1).optional().describe("No recipient gets more than this fraction"),
        minFraction: z
          .number()
          .gt(0)
          .max(1)
          .optional()
          .describe("Every paid recipient gets at least this fraction"),
      })
      .strict()
      .default({})
      .describe("Limits per recipient, as fractions of totalShares"),
    payer: z
      .string()
      .min(1)
      .optional()
      .describe("Who is credited with value a rule returns (default payer:<product>)"),
  })
  .strict()
  .superRefine((p, ctx) => {
    for (const [i, id] of [...(p.licenses.allow ?? []), ...p.licenses.deny].entries()) {
      try {
        parseLicenseExpression(id);
      } catch (error) {
        if (error instanceof LicenseParseError) {
          ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["licenses", i], message: error.message });
        }
      }
    }
    if (
      p.caps.maxFraction !== undefined &&
      p.caps.minFraction !== undefined &&
      p.caps.minFraction > p.caps.maxFraction
    ) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["caps"],
        message: "minFraction exceeds maxFraction",
      });
    }
  });

export type PolicyInput = z.input<typeof policySchema>;
export type Policy = z.output<typeof policySchema>;
export type Destination = z.infer<typeof destinationSchema>;
export type OpennessClass = z.infer<typeof opennessClass>;
export type ComponentMatcher = z.infer<typeof matcherSchema>;

/** Validates a policy document; errors carry the field path (`POLICY_INVALID`). */
export function parsePolicy(document: unknown, file?: string): Policy {
  const parsed = policySchema.safeParse(document);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new WellspringError("POLICY_INVALID", issue.message, {
      ...(file === undefined ? {} : { file }),
      field: issue.path
        .map((p) => (typeof p === "number" ? `[${p}]` : `.${p}`))
        .join("")
        .replace(/^\./, ""),
      details: parsed.error.issues
        .slice(1, 5)
        .map((i) => `${i.path.join(".")}: ${i.message}`)
        .join("\n"),
    });
  }
  return parsed.data;
}

/** Canonical JSON of the parsed policy (defaults filled in). */
export function canonicalPolicy(policy: Policy): string {
  return canonicalJson(policy);
}

/** keccak256 of the canonical JSON (UTF-8) of the parsed policy. */
export function policyHash(policy: Policy): `0x${string}` {
  return bytesToHex(keccak256Utf8(canonicalPolicy(policy)));
}

export function edgeKindWeight(policy: Policy, kind: EdgeKind): number {
  return policy.edgeWeights[kind];
}

const globCache = new Map<string, RegExp>();

/** `*` matches any run of characters, `?` one character; everything else is literal. */
export function globToRegExp(glob: string): RegExp {
  let re = globCache.get(glob);
  if (re === undefined) {
    const body = glob
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".");
    re = new RegExp(`^${body}$`, "s");
    globCache.set(glob, re);
  }
  return re;
}

export function matchesComponent(m: ComponentMatcher, key: string, info: ComponentInfo | undefined): boolean {
  if (m.key !== undefined && !globToRegExp(m.key).test(key)) return false;
  if (m.purl !== undefined && (info?.purl === undefined || !globToRegExp(m.purl).test(info.purl)))
    return false;
  if (m.name !== undefined && (info?.name === undefined || !globToRegExp(m.name).test(info.name)))
    return false;
  if (m.kind !== undefined && info?.kind !== m.kind) return false;
  return true;
}

/** The shipped default policy, parsed. */
export function defaultPolicy(): Policy {
  return parsePolicy({ version: POLICY_VERSION });
}
