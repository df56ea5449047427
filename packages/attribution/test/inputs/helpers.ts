/** Shared test helpers: a sink that records what parsers report, and fixture loading. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import type {
  ComponentInfo,
  ContributorEvidence,
  EdgeKind,
  GraphSink,
  InputFile,
  SourceRef,
} from "../../src/inputs/types.ts";
import { inputFile } from "../../src/inputs/index.ts";

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures");
export const REPO_ROOT = join(FIXTURES, "..", "..", "..", "..");

export function fixture(...parts: string[]): InputFile {
  const path = join(FIXTURES, ...parts);
  return inputFile(path, readFileSync(path));
}

export function fromText(path: string, text: string): InputFile {
  return inputFile(path, new TextEncoder().encode(text));
}

export interface RecordedEdge {
  from: string;
  to: string;
  kind: EdgeKind;
  source: SourceRef;
}

/** Records every call; `components` keeps the first info per key and the number of calls. */
export class RecordingSink implements GraphSink {
  readonly components = new Map<string, ComponentInfo>();
  readonly edges: RecordedEdge[] = [];
  readonly contributors = new Map<string, ContributorEvidence[]>();
  readonly roots: Array<{ key: string; source: SourceRef }> = [];
  readonly warnings: Array<{ message: string; source: SourceRef }> = [];

  warning(message: string, source: SourceRef): void {
    this.warnings.push({ message, source });
  }

  component(key: string, info: ComponentInfo): void {
    const had = this.components.get(key);
    if (had === undefined) this.components.set(key, { ...info });
    else
      this.components.set(key, {
        ...info,
        ...had,
        availability: { ...info.availability, ...had.availability },
      });
  }
  edge(from: string, to: string, kind: EdgeKind, source: SourceRef): void {
    this.edges.push({ from, to, kind, source });
  }
  contributor(key: string, evidence: ContributorEvidence): void {
    const list = this.contributors.get(key) ?? [];
    list.push(evidence);
    this.contributors.set(key, list);
  }
  root(key: string, source: SourceRef): void {
    this.roots.push({ key, source });
  }

  edgesFrom(key: string): RecordedEdge[] {
    return this.edges.filter((e) => e.from === key);
  }
  identities(key: string): string[] {
    return (this.contributors.get(key) ?? []).map((c) => c.identity).sort();
  }
}

/** Runs `fn` and returns the WellspringError it throws (fails the test if it does not throw). */
export function caught(fn: () => unknown): {
  code: string;
  file?: string;
  field?: string;
  line?: number;
  column?: number;
  details?: string;
  message: string;
} {
  try {
    fn();
  } catch (error) {
    return error as never;
  }
  throw new Error("expected an error");
}
