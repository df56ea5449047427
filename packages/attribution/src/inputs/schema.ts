/** zod helpers shared by the parsers: validation errors become INPUT_SCHEMA with a field path. */
import { z } from "zod/v4";
import { WellspringError } from "../errors.ts";
import type { GraphSink, SourceRef } from "./types.ts";

export { z };

/** `components[3].licenses[0]` from a base path and zod's path segments. */
export function joinPath(base: string, parts: ReadonlyArray<PropertyKey>): string {
  let out = base;
  for (const part of parts) {
    if (typeof part === "number") out += `[${part}]`;
    else if (typeof part === "string" && /^[A-Za-z_$][\w$-]*$/.test(part))
      out += out.length > 0 ? `.${part}` : part;
    else out += `[${JSON.stringify(String(part))}]`;
  }
  return out;
}

export function check<T>(schema: z.ZodType<T>, value: unknown, file: string, path: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = joinPath(path, issue?.path ?? []);
  throw new WellspringError("INPUT_SCHEMA", issue?.message ?? "invalid value", {
    file,
    field: field.length > 0 ? field : "(document)",
  });
}

export function schemaError(file: string, field: string, message: string): WellspringError {
  return new WellspringError("INPUT_SCHEMA", message, { file, field });
}

export function danglingError(file: string, field: string, ref: string): WellspringError {
  return new WellspringError(
    "INPUT_DANGLING_REFERENCE",
    `reference "${ref}" names no component declared in this file`,
    {
      file,
      field,
    },
  );
}

/** The same identifier declared twice in one document: both places are named. */
export function duplicateError(file: string, field: string, id: string, firstField: string): WellspringError {
  return new WellspringError(
    "INPUT_DUPLICATE_REFERENCE",
    `identifier "${id}" is declared twice: at ${firstField} and at ${field}`,
    { file, field },
  );
}

/**
 * SPDX relationships naming an element id the document declares nowhere (syft relates file ids
 * it never lists). Such an edge is dropped rather than the document refused: the id may well be
 * a file, which carries no value, and refusing would deny every other component its share. The
 * drops are reported in one warning per document, never silently.
 */
export class DroppedRelationships {
  private static readonly EXAMPLES = 5;
  private readonly examples: string[] = [];
  private count = 0;

  /** Records one dropped end of a relationship (`field` names it); returns true for chaining. */
  drop(field: string, id: string): true {
    if (this.examples.length < DroppedRelationships.EXAMPLES) this.examples.push(`${field} "${id}"`);
    this.count++;
    return true;
  }

  /** The warning, if anything was dropped. */
  report(sink: GraphSink, file: string, field: string): void {
    if (this.count === 0) return;
    const more = this.count - this.examples.length;
    sink.warning?.(
      `${this.count} relationship(s) name SPDX elements this document does not declare and were dropped: ` +
        this.examples.join(", ") +
        (more > 0 ? `, and ${more} more` : ""),
      { file, field },
    );
  }
}

/** How sure a parser is that a component is the product being paid for. */
export const ROOT_DECLARED = 4; // lockfile root, SBOM metadata.component, SPDX documentDescribes
export const ROOT_MANIFEST = 3; // a package.json or model card describing one component
export const ROOT_SUBJECT = 2; // the only component of a BOM without metadata.component
export const ROOT_FUNDED_PROJECT = 1; // the only project of a funding.json read on its own
export const ROOT_REPOSITORY = 0; // a repository read on its own

/** Extra context readInputs gives the parsers (kept out of the engine's GraphSink contract). */
export interface ParseContext {
  /** Proposes a root weaker than a declared one; the strongest unique proposal wins. */
  proposeRoot(key: string, source: SourceRef, strength: number): void;
  /** Component key that git-history inputs should be linked to (CLI `--source-of`). */
  sourceOf?: string | undefined;
  /**
   * A git history linked to no component hands its people over here; readInputs gives them to
   * the product once it is known (the repository itself when it is the product).
   */
  historyOfProduct?(emit: (product: string) => void): void;
}

/** A ParseContext for parsers used directly (tests, tools): proposals become roots at once. */
export function directContext(sink: GraphSink): ParseContext {
  return { proposeRoot: (key, source) => sink.root(key, source) };
}

/** Joins license strings into one expression (AND: all stated terms apply). */
export function joinLicenses(parts: string[]): string | undefined {
  if (parts.length === 1) {
    const only = (parts[0] as string).trim();
    return only.length > 0 ? only : undefined;
  }
  const unique = [...new Set(parts.map((p) => p.trim()).filter((p) => p.length > 0))];
  if (unique.length === 0) return undefined;
  if (unique.length === 1) return unique[0];
  return unique.map((p) => (p.includes(" ") ? `(${p})` : p)).join(" AND ");
}

/** A non-SPDX license name as a LicenseRef, so the expression stays parseable. */
export function licenseRef(name: string): string {
  let out = "";
  for (const ch of name.trim()) out += /[A-Za-z0-9.-]/.test(ch) ? ch : "-";
  return `LicenseRef-${out.replace(/-+/g, "-").replace(/^-|-$/g, "")}`;
}

const OPT_OUT_PHRASES = [
  "not be used for training",
  "not be used to train",
  "no ai training",
  "no-ai",
  "noai",
  "ai training is prohibited",
  "ai training prohibited",
  "text and data mining is prohibited",
  "text and data mining reservation",
  "tdm reservation",
  "reserves the right to opt out",
  "opt-out of ai training",
  "opt out of ai training",
  "machine learning training is not permitted",
  "not for ai training",
];

/** True when a license or notice text states an AI-training / TDM opt-out. */
export function textHasOptOut(text: string): boolean {
  const lower = text.toLowerCase();
  for (const phrase of OPT_OUT_PHRASES) if (lower.includes(phrase)) return true;
  return false;
}

/** Property names that carry an AI-training opt-out when their value is truthy. */
export function optOutProperty(name: string, value: string | undefined): string | undefined {
  const n = name.trim().toLowerCase();
  const v = (value ?? "").trim().toLowerCase();
  const truthy =
    v === "true" || v === "1" || v === "yes" || v === "opt-out" || v === "reserved" || v === "disallow";
  if (!truthy) return undefined;
  if (n === "tdm-reservation" || n.endsWith(":tdm-reservation") || n === "tdmrep") return "tdm-reservation";
  if (
    n === "ai-training-opt-out" ||
    n.endsWith(":ai-training-opt-out") ||
    n === "noai" ||
    n.endsWith(":noai")
  )
    return "ai-training-opt-out";
  return undefined;
}
