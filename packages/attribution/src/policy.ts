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
const decimalString = z
  .string()
  .regex(/^[1-9][0-9]*$/, "a positive decimal integer string")
  .refine((s) => BigInt(s) < 1n << 256n, "must fit in uint256");

/** Selects components by glob (`*` any run, `?` one character) on key, purl or name, and kind. */
const matcherSchema = z
  .object({
    key: z.string().optional(),
    purl: z.string().optional(),
    name: z.string().optional(),
    kind: z.enum(["application", "package", "repository", "model", "dataset"]).optional(),
  })
  .strict()
  .refine((m) => Object.keys(m).length > 0, "a matcher needs at least one field");

/** Where the value of an excluded component goes. */
const destinationSchema = z.enum(["redistribute", "hold", "return"]);
const reasonCode = z.string().regex(/^[A-Z][A-Z0-9_]*$/, "an UPPER_SNAKE reason code");
const opennessClass = z.enum(["open-source-ai", "open-weights", "restricted"]);
const spdxId = z.string().min(1);

export const policySchema = z
  .object({
    version: z.literal(POLICY_VERSION),
    name: z.string().optional(),
    description: z.string().optional(),
    totalShares: decimalString.default("1000000000000000000"),
    keep: z
      .object({
        default: fraction.default(0.5),
        root: fraction.default(0),
        overrides: z.array(z.object({ match: matcherSchema, keep: fraction }).strict()).default([]),
      })
      .strict()
      .default({}),
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
      .default({}),
    depthDecay: z.number().gt(0).max(1).default(1),
    contributors: z
      .object({
        source: z
          .enum(["sustained", "auto", "declared", "commits", "lines", "activity"])
          .default("sustained"),
        halfLifeDays: z.number().positive().nullable().default(null),
        compression: z.enum(["linear", "sqrt", "log"]).default("sqrt"),
      })
      .strict()
      .default({}),
    noContributors: z.enum(["hold", "pass"]).default("hold"),
    unreachable: z.enum(["direct", "ignore"]).default("direct"),
    identities: z
      .object({
        unbound: z.enum(["hold", "redistribute"]).default("hold"),
        usePayoutAddresses: z.boolean().default(false),
      })
      .strict()
      .default({}),
    licenses: z
      .object({
        allow: z.array(spdxId).optional(),
        deny: z.array(spdxId).default([]),
        unknown: z.enum(["allow", "exclude"]).default("allow"),
        destination: destinationSchema.default("redistribute"),
      })
      .strict()
      .default({}),
    aiOptOut: z
      .object({
        honor: z.boolean().default(true),
        signals: z.array(z.string().min(1)).optional(),
        destination: destinationSchema.default("redistribute"),
      })
      .strict()
      .default({}),
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
          ]),
        weights: z
          .object({
            "open-source-ai": weight.default(1),
            "open-weights": weight.default(1),
            restricted: weight.default(1),
          })
          .strict()
          .default({}),
        exclude: z.array(opennessClass).default([]),
        destination: destinationSchema.default("redistribute"),
      })
      .strict()
      .default({}),
    rules: z
      .array(
        z
          .object({
            match: matcherSchema,
            weight: weight.optional(),
            exclude: reasonCode.optional(),
            destination: destinationSchema.optional(),
          })
          .strict(),
      )
      .default([]),
    caps: z
      .object({
        maxFraction: z.number().gt(0).max(1).optional(),
        minFraction: z.number().gt(0).max(1).optional(),
      })
      .strict()
      .default({}),
    payer: z.string().min(1).optional(),
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
