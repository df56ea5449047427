/**
 * The contract between input parsers (lockfiles, SBOMs, ML-BOMs, git history, model cards,
 * funding manifests) and the graph the engine computes on. Parsers are pure: they receive a
 * file's bytes (the CLI or server did the I/O) and report what they find to a `GraphSink`.
 * The sink interns component keys into integer ids, so inputs of 10^6 components never become
 * 10^6 objects inside the engine.
 */

export type EdgeKind = "runtime" | "dev" | "optional" | "peer" | "trainedOn" | "fineTunedFrom" | "contains";
export const EDGE_KINDS: readonly EdgeKind[] = [
  "runtime",
  "dev",
  "optional",
  "peer",
  "trainedOn",
  "fineTunedFrom",
  "contains",
];

export type ComponentKind = "application" | "package" | "repository" | "model" | "dataset";

/** What an input says about one component. Later inputs fill fields earlier ones left empty. */
export interface ComponentInfo {
  kind: ComponentKind;
  name: string;
  version?: string;
  purl?: string;
  /** SPDX license expression as found (normalised later by the engine). */
  license?: string;
  /** AI-training opt-out signals found in the input (e.g. "tdm-reservation", "license-clause"). */
  aiOptOut?: string[];
  /** For models and datasets: what is openly published (feeds the openness class). */
  availability?: { weights?: boolean; code?: boolean; data?: boolean };
  /** What a resolution snapshot found: `resolved`, or `<status>:<reason>` (e.g.
   *  `unresolved:not-found`); explains held value (report.held). */
  registry?: string;
  /** One of the product's own parts (a lockfile workspace package): it follows `keep.root`. */
  partOfProduct?: boolean;
}

/** One contributor of a component, declared by a manifest or derived from git history. */
export interface ContributorEvidence {
  /** Canonical identity: `github:<id>`, `github:<login>`, `npm:<user>`, `orcid:<id>`,
   *  `email-sha256:<hex>`, or a 0x-prefixed 20-byte address (paid directly). */
  identity: string;
  source: "declared" | "git";
  /** Declared relative weight (funding manifests); absent means equal weight. */
  weight?: number;
  /** Git activity, one entry per commit: unix seconds and changed lines (added + deleted). */
  activity?: Array<{ time: number; lines: number }>;
  /** Declared only by being named in package metadata (package.json `author`/`contributors`,
   *  a registry's people): weaker than a funding manifest or a maintainer list. */
  named?: boolean;
  /** Payout address a funding manifest names for this identity. */
  payout?: `0x${string}`;
}

/** Where a fact came from: the file and the field path, for explanations and errors. */
export interface SourceRef {
  file: string;
  field: string;
}

export interface GraphSink {
  /** Declares (or enriches) a component. `key` is canonical (see `componentKey`). */
  component(key: string, info: ComponentInfo, source: SourceRef): void;
  /** A dependency or provenance edge. `usage` is an optional usage weight (default 1). */
  edge(from: string, to: string, kind: EdgeKind, source: SourceRef, usage?: number): void;
  contributor(componentKey: string, evidence: ContributorEvidence, source: SourceRef): void;
  /**
   * Something read and kept, but worth a look (e.g. one package under two bom-refs, merged).
   * Optional: a sink without it drops warnings.
   */
  warning?(message: string, source: SourceRef): void;
  /**
   * Optional: the error for the first reference to a key no input has declared (yet), so a
   * missing product can be blamed on its real cause (e.g. a git log `# source-of` naming
   * nothing) instead of "no root".
   */
  danglingReference?(): Error | undefined;
  /** The product being paid for. Exactly one root after all inputs are read. */
  root(key: string, source: SourceRef): void;
  /**
   * Optional fast path for big inputs, offered together with `edgeIds`: the sink's integer id
   * of a component already declared, so a parser can report many edges without a key lookup each.
   */
  componentId?(key: string): number;
  /** An edge between ids from `componentId` (otherwise as `edge`). */
  edgeIds?(from: number, to: number, kind: EdgeKind, source: SourceRef, usage?: number): void;
}

/** A file handed to a parser: its name for messages, its bytes, and their sha256 (hex). */
export interface InputFile {
  path: string;
  bytes: Uint8Array;
  sha256: string;
}

export interface InputParser {
  /** Stable format id recorded in the inputs list, e.g. "npm-lockfile-v3", "cyclonedx-1.6". */
  readonly format: string;
  /** True when this parser handles the file (by name and/or parsed content). */
  detect(file: InputFile, json: unknown | undefined): boolean;
  parse(file: InputFile, json: unknown | undefined, sink: GraphSink): void;
}
