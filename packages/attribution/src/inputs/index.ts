/**
 * Input registry: detects each file's format and hands it to its parser. Pure: the caller
 * (CLI, server) reads the bytes; nothing here touches the file system, network or clock.
 */
import { createHash } from "node:crypto";
import { WellspringError } from "../errors.ts";
import type { GraphSink, InputFile, InputParser, SourceRef } from "./types.ts";
import { looksLikeJson, readHead, type JsonHead } from "./json.ts";
import { npmLockfileParser, lockfileFormat } from "./npm-lockfile.ts";
import { cyclonedxParser, cyclonedxFormat } from "./cyclonedx.ts";
import { spdxParser, spdxFormat } from "./spdx.ts";
import { cyclonedxXmlParser, cyclonedxXmlFormat } from "./cyclonedx-xml.ts";
import { spdxTagValueParser, spdxTagValueFormat } from "./spdx-tag-value.ts";
import { spdx3Parser, spdx3Format } from "./spdx3.ts";
import { gitLogParser } from "./git-log.ts";
import { modelCardParser } from "./model-card.ts";
import {
  fundingJsonParser,
  fundingVariantsParser,
  packageJsonParser,
  type ManifestContext,
} from "./funding.ts";
import { ROOT_DECLARED } from "./schema.ts";
import { resolutionAliases, resolutionParser } from "./resolution.ts";

export type * from "./types.ts";
export { EDGE_KINDS } from "./types.ts";
export {
  componentKey,
  npmKey,
  normalisePurl,
  parsePurl,
  formatPurl,
  repositoryKey,
  modelKey,
  datasetKey,
  plainKey,
  normaliseRepositoryUrl,
} from "./keys.ts";
export type { ComponentRef, Purl } from "./keys.ts";
export {
  emailIdentity,
  fundingUrlIdentity,
  gitHubOwnerIdentity,
  parsePersonString,
  personIdentity,
  isAddress,
} from "./identity.ts";
export { GIT_LOG_ARGS, GIT_LOG_FORMAT, gitLogHeader, parseGitLog, gitLogParser } from "./git-log.ts";
export { parseLockfile, npmLockfileParser } from "./npm-lockfile.ts";
export { cyclonedxParser } from "./cyclonedx.ts";
export { spdxParser } from "./spdx.ts";
export { cyclonedxXmlParser, cyclonedxXmlToJson } from "./cyclonedx-xml.ts";
export { spdxTagValueParser, spdxTagValueToJson } from "./spdx-tag-value.ts";
export { spdx3Parser } from "./spdx3.ts";
export { modelCardParser, parseModelCard, frontMatter } from "./model-card.ts";
export { fundingJsonParser, fundingVariantsParser, packageJsonParser, parsePackageJson } from "./funding.ts";
export { JsonReader, lineColumn, parseJson } from "./json.ts";
export {
  RESOLUTION_FORMAT,
  RESOLUTION_VERSION,
  contributorsByPrecedence,
  parseResolution,
  resolutionContentHash,
  resolutionParser,
} from "./resolution.ts";
export type { IdentityTier, Resolution, ResolvedComponent } from "./resolution.ts";
export {
  ROOT_DECLARED,
  ROOT_MANIFEST,
  ROOT_SUBJECT,
  ROOT_FUNDED_PROJECT,
  ROOT_REPOSITORY,
} from "./schema.ts";
export type { ParseContext } from "./schema.ts";

export interface InputSummary {
  path: string;
  sha256: string;
  format: string;
}

export interface ReadInputsOptions {
  /** Component key of the product, overriding what the inputs declare. */
  root?: string | undefined;
  /** Component a funding manifest or git history belongs to, by input path (CLI directory scans). */
  subjects?: ReadonlyMap<string, string> | undefined;
  /**
   * Replace each file's `bytes` with an empty array once it is parsed, so a caller that no
   * longer needs them (the CLI) does not keep a 300 MB input alive through the whole run.
   */
  releaseBytes?: boolean | undefined;
}

type ContextParser = InputParser & {
  parse(file: InputFile, json: unknown, sink: GraphSink, ctx?: ManifestContext): void;
};

/** Detection order matters: more specific formats first. */
export const PARSERS: readonly ContextParser[] = [
  npmLockfileParser,
  cyclonedxParser,
  spdxParser,
  spdx3Parser,
  cyclonedxXmlParser,
  spdxTagValueParser,
  fundingJsonParser,
  fundingVariantsParser,
  packageJsonParser,
  gitLogParser,
  modelCardParser,
  resolutionParser,
];

/** Builds an InputFile (computes the sha256) from a path and bytes. */
export function inputFile(path: string, bytes: Uint8Array): InputFile {
  return { path, bytes, sha256: createHash("sha256").update(bytes).digest("hex") };
}

interface Detected {
  parser: ContextParser;
  format: string;
}

function detect(file: InputFile): Detected | undefined {
  let head: JsonHead | undefined;
  if (looksLikeJson(file.bytes)) {
    // Validates the whole file, so syntax errors surface here with line and column.
    head = readHead(file);
    if (head === undefined) return undefined;
  }
  for (const parser of PARSERS) {
    if (!parser.detect(file, head)) continue;
    let format = parser.format;
    if (head !== undefined) {
      if (parser === npmLockfileParser) format = lockfileFormat(head);
      else if (parser === cyclonedxParser) format = cyclonedxFormat(head);
      else if (parser === spdxParser) format = spdxFormat(head);
      else if (parser === spdx3Parser) format = spdx3Format(head);
    } else if (parser === cyclonedxXmlParser) format = cyclonedxXmlFormat(file);
    else if (parser === spdxTagValueParser) format = spdxTagValueFormat(file);
    return { parser, format };
  }
  return undefined;
}

/** The format id of a file (e.g. `npm-lockfile-v3`, `cyclonedx-1.6`), or undefined if unknown. */
export function detectFormat(file: InputFile): string | undefined {
  return detect(file)?.format;
}

/** How many component keys the INPUT_NO_ROOT error suggests for `--product`. */
const ROOT_CANDIDATES = 5;

/**
 * Parses every input into the sink and declares exactly one root: `options.root` if given,
 * else the strongest root the inputs propose (a lockfile's or SBOM's declared product beats a
 * manifest, which beats a lone BOM component, which beats a repository read on its own).
 */
export function readInputs(
  files: InputFile[],
  sink: GraphSink,
  options: ReadInputsOptions = {},
): InputSummary[] {
  const detected = files.map((file) => {
    const d = detect(file);
    if (d === undefined) {
      throw new WellspringError("INPUT_UNKNOWN_FORMAT", "not a recognised input format", {
        file: file.path,
        details:
          "expected an npm package-lock.json (v1-v3), CycloneDX 1.2-1.7 JSON or 1.0-1.7 XML, SPDX 2.2/2.3 JSON or tag-value, SPDX 3.0 JSON-LD, git log output, a Hugging Face model card, funding.json, FUNDING.json, package.json or a resolution snapshot",
      });
    }
    return d;
  });

  // Resolution snapshots map git e-mail hashes to forge accounts, for every input's contributors.
  const aliases = new Map<string, string>();
  files.forEach((file, i) => {
    if (detected[i]?.parser === resolutionParser)
      for (const [from, to] of resolutionAliases(file)) aliases.set(from, to);
  });

  const proposals: Array<{ key: string; source: SourceRef; strength: number }> = [];
  let rootSeen = options.root === undefined;
  /** The first few components declared: candidates the INPUT_NO_ROOT error can suggest. */
  const firstKeys: string[] = [];
  const wrapped: GraphSink = {
    component(key, info, source) {
      if (!rootSeen && key === options.root) rootSeen = true;
      if (firstKeys.length < ROOT_CANDIDATES && !firstKeys.includes(key)) firstKeys.push(key);
      sink.component(key, info, source);
    },
    edge: (from, to, kind, source, usage) => sink.edge(from, to, kind, source, usage),
    contributor: (key, evidence, source) => {
      const alias = aliases.get(evidence.identity);
      sink.contributor(key, alias === undefined ? evidence : { ...evidence, identity: alias }, source);
    },
    warning: (message, source) => sink.warning?.(message, source),
    root: (key, source) => proposals.push({ key, source, strength: ROOT_DECLARED }),
  };
  if (sink.componentId !== undefined && sink.edgeIds !== undefined) {
    wrapped.componentId = (key) => sink.componentId!(key);
    wrapped.edgeIds = (from, to, kind, source, usage) => sink.edgeIds!(from, to, kind, source, usage);
  }

  // Histories linked to no component: their people go to the product once it is chosen.
  const productHistories: Array<(product: string) => void> = [];
  const declareRoot = (key: string, source: SourceRef): void => {
    for (const emit of productHistories) emit(key);
    sink.root(key, source);
  };
  const summaries: InputSummary[] = [];
  files.forEach((file, i) => {
    const { parser, format } = detected[i] as Detected;
    const ctx: ManifestContext = {
      proposeRoot: (key, source, strength) => proposals.push({ key, source, strength }),
      subject: options.subjects?.get(file.path),
      sourceOf: options.subjects?.get(file.path),
      historyOfProduct: (emit) => productHistories.push(emit),
    };
    parser.parse(file, undefined, wrapped, ctx);
    summaries.push({ path: file.path, sha256: file.sha256, format });
    if (options.releaseBytes === true) file.bytes = new Uint8Array(0);
  });

  // A product that cannot be found is often the effect of a reference to nothing: name that.
  const noRoot = (error: WellspringError): never => {
    throw sink.danglingReference?.() ?? error;
  };
  if (options.root !== undefined) {
    const source: SourceRef = { file: "(options)", field: "root" };
    if (!rootSeen) {
      // When an input declares a product, a key no input declares is a typo, not a new product.
      const declared = proposals.filter((p) => p.strength === ROOT_DECLARED).map((p) => p.key);
      if (declared.length > 0)
        noRoot(
          new WellspringError(
            "INPUT_NO_ROOT",
            `the root component ${options.root} is not declared by any input`,
            {
              field: "root",
              details: `the inputs declare ${[...new Set(declared)].join(", ")}`,
            },
          ),
        );
      const dangling = sink.danglingReference?.();
      if (dangling !== undefined) throw dangling;
      // No input names its product (a CycloneDX 1.1 BOM, a scan without metadata.component): the
      // user names it, and it becomes a component of its own, which every top-level component
      // depends on directly (policy `unreachable`), so no declared component is promoted to it.
      sink.component(options.root, { kind: "application", name: options.root }, source);
      sink.warning?.(
        `the product ${options.root} is declared by no input and was added as the product; top-level components become its dependencies as the policy's "unreachable" says`,
        source,
      );
    }
    declareRoot(options.root, source);
    return summaries;
  }
  let best = -1;
  for (const p of proposals) best = Math.max(best, p.strength);
  const winners = new Map<string, SourceRef>();
  for (const p of proposals) if (p.strength === best && !winners.has(p.key)) winners.set(p.key, p.source);
  if (winners.size === 0) {
    noRoot(
      new WellspringError("INPUT_NO_ROOT", "no input declares the product (root component)", {
        details:
          "no lockfile, SBOM metadata.component, SPDX documentDescribes/DESCRIBES package or manifest names it; " +
          "name the product the revenue is for with --product <key> (readInputs option root): " +
          "a new key (e.g. the project's purl) becomes a product that every top-level component depends on" +
          (firstKeys.length > 0 ? `, or name a declared component, e.g. ${firstKeys.join(", ")}` : ""),
      }),
    );
  }
  if (winners.size > 1) {
    const list = [...winners].map(([key, s]) => `${key} (${s.file}, ${s.field})`).join("; ");
    const [first] = winners.values();
    throw new WellspringError("INPUT_CONFLICT", "the inputs declare more than one product (root component)", {
      file: first?.file,
      field: first?.field,
      details: `candidates: ${list}; name one explicitly`,
    });
  }
  const [[key, source]] = winners as unknown as [[string, SourceRef]];
  declareRoot(key, source);
  return summaries;
}
