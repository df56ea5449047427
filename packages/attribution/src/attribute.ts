import { accountIdInto, canonicalIdentity, isAddress } from "./account.ts";
import { apportion } from "./apportion.ts";
import { applyCapsAndFloors } from "./caps.ts";
import { contributorShares, soleContributor } from "./contributors.ts";
import { WellspringError } from "./errors.ts";
import { solveFlow, type FlowStats } from "./flow.ts";
import { GraphBuilder, type Graph } from "./graph.ts";
import { completeGraph, type UnreachableComponent } from "./unreachable.ts";
import { readInputs, type ReadInputsOptions } from "./inputs/index.ts";
import type { ComponentInfo, InputFile } from "./inputs/types.ts";
import { EDGE_KINDS } from "./inputs/types.ts";
import { sortKeys32 } from "./internal/sort32.ts";
import { RowHex } from "./internal/row-hex.ts";
import { JsonBytes, quote } from "./internal/json-bytes.ts";
import { KeyStore } from "./internal/key-store.ts";
import {
  evaluateLicense,
  isUnknownLicense,
  LicenseParseError,
  parseLicenseExpression,
  type LicenseNode,
} from "./license.ts";
import { buildMerkleTree, merkleRoot, type MerkleTree } from "./merkle.ts";
import {
  matchesComponent,
  parsePolicy,
  policyHash as hashPolicy,
  type Destination,
  type OpennessClass,
  type Policy,
} from "./policy.ts";
import {
  computeInputsHash,
  computeTableHash,
  shareTableHeadAndRowsBytes,
  TABLE_VERSION,
  type InputSummary,
  type ShareTable,
  type TableRows,
} from "./table.ts";
import { canonicalJson, compareUtf16 } from "./canonical.ts";
import { ENGINE_VERSION } from "./version.ts";

export interface AttributeOptions {
  /** Passed to the input reader: an explicit root, per-file subjects. */
  readInputs?: ReadInputsOptions;
  /** Relative tolerance of the cycle solver (default 1e-15). */
  tolerance?: number;
  /** Called as each phase starts (for progress output and profiling). */
  onPhase?: (phase: AttributePhase) => void;
  /**
   * The caller hands the graph over: the engine may drop its component facts and contributor
   * records as soon as they are used (less for the garbage collector to trace at 10^6
   * components). `attribute()` sets it for the graph it builds; the graph is unusable afterwards.
   */
  releaseGraph?: boolean;
  /**
   * Lets the caller compute accountIds (`accountIdInto`) of the contributors' payee identities
   * elsewhere, e.g. on another thread while the flow is solved: called with the identities once
   * they are known, it returns a function giving their ids (32 bytes each, in that order) when
   * the engine needs them. Without it they are computed in place.
   */
  accountIds?: (identities: readonly string[]) => () => Uint8Array;
}

export type AttributePhase =
  | "read"
  | "graph"
  | "policy"
  | "flow"
  | "recipients"
  | "accounts"
  | "apportion"
  | "table"
  | "merkle"
  | "done";

export interface AttributeParams {
  files: readonly InputFile[];
  /** A policy document or an already parsed policy (validated either way). */
  policy: unknown;
  options?: AttributeOptions;
}

export interface ComponentDecision {
  component: string;
  excluded: boolean;
  reasons: string[];
  destination?: Destination;
  openness?: OpennessClass;
}

export interface AttributionReport {
  components: number;
  edges: number;
  reachable: number;
  flow: Omit<FlowStats, "closedCycles"> & { closedCycles: string[][] };
  /** Components excluded or flagged by license, opt-out, openness or rules (sorted by key). */
  gated: ComponentDecision[];
  /** Fraction of the total held under holding identities (components without contributors,
   *  gated components with destination "hold"). */
  heldFraction: number;
  /** What is held and why: how many components hold value, and the largest of them. */
  held: { count: number; largest: HeldComponent[] };
  /** The product's own parts (lockfile workspaces), which follow `keep.root` (sorted). */
  productParts: string[];
  returnedFraction: number;
  /** Total value credited to recipients before caps (1 up to float rounding: nothing is lost). */
  credited: number;
  caps: {
    capped: number;
    floored: number;
    movedByCap: number;
    movedByFloor: number;
    capInfeasible: boolean;
    floorInfeasible: boolean;
  };
  apportion: { dropped: number; roundedUp: number };
  recipients: number;
  /** Components no edge from the product reaches, and what the policy's `unreachable` did. */
  unreachable: {
    policy: "direct" | "ignore";
    count: number;
    /** Sorted by key; `attached`: made a direct dependency of the root. */
    components: Array<{ component: string; reason: UnreachableComponent["reason"]; attached: boolean }>;
  };
  /** What the inputs said that was kept but deserves a look (merged duplicates), sorted. */
  warnings: string[];
}

export interface AttributeResult {
  table: ShareTable;
  tree: MerkleTree;
  policy: Policy;
  report: AttributionReport;
  /** The explanation as JSON lines (a summary line, then one line per recipient in table order). */
  explanation(options?: ExplainOptions): Generator<string>;
  /** The same text as UTF-8 chunks (what a file writer wants; the compact encoding is built as bytes). */
  explanationBytes(options?: ExplainOptions): Generator<Uint8Array>;
}

export interface ExplainOptions {
  /**
   * "full": one self-contained JSON object per recipient with each source's path spelled out
   * (default up to 100,000 recipients). "compact": components are listed once with their main
   * parent, and recipient lines name components by id (default above 100,000 recipients; see
   * docs/attribution.md).
   */
  encoding?: "full" | "compact";
  /** Full encoding: longest path shown from the root (default 12 components). The compact
   *  encoding always gives whole paths (through the component lines). */
  maxPathLength?: number;
  /** Components shown per recipient, largest first (default and most 3). */
  topSources?: number;
  /**
   * Byte output of the compact encoding: hand out every chunk in the same buffer, valid only
   * until the next chunk is asked for (for a writer that writes each chunk at once; it spares
   * allocating ~200 buffers of 1 MB at 10^6 recipients).
   */
  reuseChunks?: boolean;
}

const SUMMARY_GATED = 1000;

/** How many held components the report names, largest first. */
const HELD_LISTED = 10;

/**
 * Why a component's kept value is held rather than paid (docs/attribution.md, "Held value"):
 * - `gated`: a license, opt-out, openness or rule excluded it with destination "hold";
 * - `product-part`: the product or one of its workspaces, which no registry describes (its git
 *   history or a funding manifest would name its people);
 * - `no-registry-data`: the resolution snapshot could not find it (`detail`: the reason);
 * - `no-maintainer`: the registry knows it but names nobody;
 * - `no-contributors`: no input names anybody (`wellspring resolve` may);
 * - `no-weight`: it has contributors, none with weight under this policy.
 */
export type HeldWhy =
  "gated" | "product-part" | "no-registry-data" | "no-maintainer" | "no-contributors" | "no-weight";

export interface HeldComponent {
  component: string;
  fraction: number;
  why: HeldWhy;
  /** The gating reasons (`+`-joined), or the snapshot's verdict (e.g. `unresolved:not-found`). */
  detail?: string;
}

/** Stands in for a 32-byte hash not known yet (same length as any). */
const PLACEHOLDER_HASH = `0x${"0".repeat(64)}` as const;

/** Above this many recipients the explanation defaults to its compact encoding. */
const LARGE_TABLE = 100_000;

function num(x: number): string {
  return JSON.stringify(x);
}

const LBRACKET = 0x5b;
const QUOTE = 0x22;
const RBRACKET = 0x5d;
const COMMA = 0x2c;
const ZERO = 0x30;
const encoder = new TextEncoder();

/** How a recipient got value from a component. */
const HOW = ["contributor", "held:no-contributors", "held", "returned"] as const;
const TOP_K = 3;
const NONE = -1;
const DEST: readonly Destination[] = ["redistribute", "hold", "return"];

/**
 * inputs → graph → policy → flow → contributors → gating → caps → exact shares → table → Merkle.
 * Pure: no file system, network or clock. Files are read in (sha256, path) order and the graph
 * is renumbered by key, so the output is byte-identical whatever order inputs arrive in.
 */
export function attribute(params: AttributeParams): AttributeResult {
  return complete(prepareAttribution(params), params.options ?? {});
}

/**
 * Everything `attribute` does except building the Merkle tree, which the caller builds from
 * `rows` (e.g. on another thread, `buildMerkleTreeFromWords`) and hands to `finish`. Meanwhile
 * it can write the explanation's body, which does not depend on the tree.
 */
export function prepareAttribution(params: AttributeParams): PendingAttribution {
  // Always validated: parsing an already parsed policy returns an equal value.
  const policy = parsePolicy(params.policy);
  const options = params.options ?? {};
  const files = [...params.files].sort((a, b) =>
    a.sha256 < b.sha256 ? -1 : a.sha256 > b.sha256 ? 1 : a.path < b.path ? -1 : a.path > b.path ? 1 : 0,
  );
  options.onPhase?.("read");
  const builder = new GraphBuilder();
  const summaries: InputSummary[] = readInputs(files, builder, options.readInputs ?? {});
  summaries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.sha256 < b.sha256 ? -1 : 1));
  options.onPhase?.("graph");
  const graph = builder.build();
  return prepareGraph(graph, policy, summaries, { ...options, releaseGraph: true });
}

/** The engine from a built graph on (exposed for tests and for callers with their own reader). */
export function attributeGraph(
  graph: Graph,
  policy: Policy,
  inputs: readonly InputSummary[],
  options: AttributeOptions = {},
): AttributeResult {
  return complete(prepareGraph(graph, policy, inputs, options), options);
}

function complete(pending: PendingAttribution, options: AttributeOptions): AttributeResult {
  options.onPhase?.("merkle");
  const tree = buildMerkleTree(pending.rows.accountIds, pending.rows.shares);
  const result = pending.finish(tree);
  options.onPhase?.("done");
  return result;
}

/** A result waiting for its Merkle tree (see prepareAttribution). */
export interface PendingAttribution {
  /** The table's rows, in accountId order: what the tree is built from. */
  readonly rows: TableRows;
  /** The explanation after its summary line (the only line that names the Merkle root). */
  explanationBody(options?: ExplainOptions): Generator<Uint8Array>;
  /**
   * The length in bytes of the explanation's summary line (it names the root and the table
   * hash, whose hex has a fixed length), so a writer can leave room for it.
   */
  explanationSummaryLength(options?: ExplainOptions): number;
  /**
   * share-table.json up to its tail (`shareTableTail` of the finished table), which alone
   * names the root and the table hash; `reuseChunks` as in `serializeShareTableBytes`.
   */
  tableHeadAndRows(options?: { reuseChunks?: boolean }): Generator<Uint8Array>;
  /**
   * The finished result, given the Merkle tree of `rows` and, optionally, the table hash
   * computed alongside it (`computeTableHashFromWords`); otherwise it is computed here.
   */
  finish(tree: MerkleTree, tableHash?: `0x${string}`): AttributeResult;
}

/** prepareAttribution from a built graph on. */
export function prepareGraph(
  given: Graph,
  policy: Policy,
  inputs: readonly InputSummary[],
  options: AttributeOptions = {},
): PendingAttribution {
  // 0. Completeness: unreachable components become direct dependencies or are listed as ignored.
  const completed = completeGraph(given, policy.unreachable);
  const graph = completed.graph;
  if (options.releaseGraph === true && graph !== given) {
    const old = given as { keys: Graph["keys"]; info: Graph["info"]; contributors: Graph["contributors"] };
    old.keys = old.info = old.contributors = [];
  }
  const { n, root, offsets, targets, kinds, usage } = graph;
  const m = targets.length;

  const phase = options.onPhase ?? ((): void => {});
  // 1. Per-component policy: keep, gating, incoming weight multiplier.
  phase("policy");
  const { keep, multiplier, dest, reasons, openness } = componentPolicy(graph, policy);
  const heldNotes = heldNotesOf(graph);
  // From here on keys are read from one packed buffer (10^6 strings less to trace).
  const keys = new KeyStore(graph.keys);
  const productKey = keys.at(root);
  if (options.releaseGraph === true) (graph as { keys: Graph["keys"] }).keys = [];
  // Component facts are not needed past this point: a graph the engine owns lets them go.
  if (options.releaseGraph === true) (graph as { info: Graph["info"] }).info = [];
  // 2. Edge weights: kind weight × usage × the target's multiplier; 0 into a component whose
  //    value is redistributed (its parents split among their other edges).
  const kindWeight = EDGE_KINDS.map((kind) => policy.edgeWeights[kind]);
  const weights = new Float64Array(m);
  let plain = true; // no multiplier and no redistributed component: skip per-target lookups
  for (let v = 0; v < n && plain; v++) if (multiplier[v] !== 1 || dest[v] === 0) plain = false;
  if (plain) {
    for (let e = 0; e < m; e++) weights[e] = kindWeight[kinds[e]!]! * usage[e]!;
  } else {
    for (let e = 0; e < m; e++) {
      const t = targets[e]!;
      weights[e] = dest[t] === 0 ? 0 : kindWeight[kinds[e]!]! * usage[e]! * multiplier[t]!;
    }
  }

  // 3. Effective keep: pass-through for components without contributors (when the policy says
  //    so), then depth decay on the fraction passed on.
  if (policy.noContributors === "pass") {
    for (let v = 0; v < n; v++) {
      if (graph.contribOffsets[v + 1] === graph.contribOffsets[v] && dest[v] === NONE) keep[v] = 0;
    }
  }
  if (policy.depthDecay < 1) {
    const depth = bfsDepth(n, root, offsets, targets, weights);
    for (let v = 0; v < n; v++) {
      if (depth[v]! > 0) keep[v] = 1 - (1 - keep[v]!) * Math.pow(policy.depthDecay, depth[v]!);
    }
  }

  // Who each component pays (step 5 applies it to the flow's result). Their accountIds may be
  // computed elsewhere meanwhile (options.accountIds).
  const plan = planCredits(graph, policy, dest);
  const planIds = options.accountIds?.(plan.identity);
  if (options.releaseGraph === true) (graph as { contributors: Graph["contributors"] }).contributors = [];

  // 4. Flow.
  phase("flow");
  const flow = solveFlow({
    n,
    root,
    offsets,
    targets,
    weights,
    keep,
    ...(options.tolerance ? { tolerance: options.tolerance } : {}),
  });

  // 5. Recipients: contributors, holding identities, the payer.
  phase("recipients");
  const { credits, held, returned } = collectCredits(graph, keys, policy, plan, flow.retained);
  // 6. Recipients in accountId order: credits sorted by accountId (stably, so each recipient's
  //    credits are summed in component order), then merged.
  phase("accounts");
  const acc = credits.merge(planIds?.());
  const count = acc.size;
  const ids = acc.ids;
  const values = Float64Array.from(acc.values);

  // 7. Caps and floors, then exact integer shares.
  phase("apportion");
  const caps = applyCapsAndFloors(values, policy.caps.maxFraction, policy.caps.minFraction);
  const totalShares = BigInt(policy.totalShares);
  const app = apportion(values, totalShares);
  let kept = 0;
  for (let j = 0; j < count; j++) if (app.shares[j]! > 0n) kept++;
  const rowIds = new Uint8Array(kept * 32);
  const rowShares: bigint[] = new Array<bigint>(kept);
  const rowIdentities: string[] = new Array<string>(kept);
  const rowRecipient = new Int32Array(kept);
  const rowAdjust = new Float64Array(kept);
  let w = 0;
  for (let j = 0; j < count; j++) {
    const s = app.shares[j]!;
    if (s === 0n) continue;
    const i = j;
    for (let b = 0; b < 32; b++) rowIds[w * 32 + b] = ids[i * 32 + b]!;
    rowShares[w] = s;
    rowIdentities[w] = acc.identities[i]!;
    rowRecipient[w] = i;
    rowAdjust[w] = caps.changes.get(j) ?? 0;
    w++;
  }
  const rows: TableRows = { length: kept, accountIds: rowIds, shares: rowShares, identities: rowIdentities };

  // 8. Table (its root, and unless given its hash, come in finish()).
  phase("table");
  const hashes = {
    policyHash: hashPolicy(policy),
    inputsHash: computeInputsHash(inputs),
    tableHash: PLACEHOLDER_HASH as `0x${string}`,
  };

  const gated: ComponentDecision[] = [...reasons.keys()]
    .map((v) => ({ v, key: keys.at(v) }))
    .sort((a, b) => compareUtf16(a.key, b.key))
    .map(({ v }) => v)
    .map((v) => ({
      component: keys.at(v),
      excluded: dest[v] !== NONE,
      reasons: reasons.get(v)!,
      ...(dest[v] !== NONE ? { destination: DEST[dest[v]!]! } : {}),
      ...(openness.has(v) ? { openness: openness.get(v)! } : {}),
    }));
  // The explanation keeps only what it needs, so component facts and contributor records can be
  // collected once the caller drops the graph.
  const { files, declaredIn, warnings } = graph;
  const unreachableList = completed.unreachable
    .map((u) => ({ component: keys.at(u.id), reason: u.reason, attached: u.attached }))
    .sort((a, b) => compareUtf16(a.component, b.component));
  const { closedCycles, ...flowStats } = flow.stats;
  const heldList = largestHeld(n, flow.retained, plan.kind, graph.contribOffsets, heldNotes, reasons, keys);
  const report: AttributionReport = {
    components: n,
    edges: m,
    reachable: flow.stats.reachable,
    flow: {
      ...flowStats,
      closedCycles: closedCycles
        .map((c) => c.map((v) => keys.at(v)).sort(compareUtf16))
        .sort((a, b) => compareUtf16(a[0]!, b[0]!)),
    },
    gated,
    heldFraction: held,
    held: heldList,
    productParts: heldNotes.productParts.map((v) => keys.at(v)).sort(compareUtf16),
    returnedFraction: returned,
    credited: acc.credited,
    caps: {
      capped: caps.capped,
      floored: caps.floored,
      movedByCap: caps.movedByCap,
      movedByFloor: caps.movedByFloor,
      capInfeasible: caps.capInfeasible,
      floorInfeasible: caps.floorInfeasible,
    },
    apportion: { dropped: app.dropped, roundedUp: app.roundedUp },
    recipients: kept,
    unreachable: { policy: policy.unreachable, count: unreachableList.length, components: unreachableList },
    warnings: [...warnings],
  };

  const summaryLine = (explain: Record<string, unknown>, merkleRootHex = table.root): string =>
    canonicalJson({
      type: "summary",
      engineVersion: ENGINE_VERSION,
      root: merkleRootHex,
      tableHash: hashes.tableHash,
      policyHash: hashes.policyHash,
      inputsHash: hashes.inputsHash,
      product: productKey,
      files,
      explain,
      // The summary is one line: at most SUMMARY_GATED gated components are listed in it (the
      // full list is in `report.gated`; held and returned value also names its reasons per line).
      report: {
        ...report,
        gated: report.gated.slice(0, SUMMARY_GATED),
        gatedCount: report.gated.length,
        unreachable: {
          ...report.unreachable,
          components: report.unreachable.components.slice(0, SUMMARY_GATED),
        },
        warnings: report.warnings.slice(0, SUMMARY_GATED),
        warningCount: report.warnings.length,
      },
    }) + "\n";
  const howLabel = (how: number, v: number): string =>
    how === 2 || how === 3 ? `${HOW[how]}:${(reasons.get(v) ?? []).join("+")}` : HOW[how]!;

  /**
   * The compact encoding: every component that a recipient's value came from, or that lies on
   * the main-parent path of one, is written once (id, key, main parent, keep, declaring file,
   * reasons); recipient lines name their source components by id. Paths are whole: follow
   * `parent` from a component to the root.
   */
  function* compactExplanation(topSources: number, reuse = false): Generator<Uint8Array> {
    const out = new JsonBytes(reuse);
    const mainParent = flow.mainParent;
    // Components to list: sources and their main-parent ancestors.
    const listed = new Uint8Array(n);
    let listedCount = 0;
    for (let row = 0; row < kept; row++) {
      const i = rowRecipient[row]!;
      for (let s = 0; s < topSources; s++) {
        let v = acc.topComp[i * TOP_K + s]!;
        if (v === -1) break;
        while (v !== -1 && listed[v] === 0) {
          listed[v] = 1;
          listedCount++;
          v = v === root ? -1 : mainParent[v]!;
        }
      }
    }
    out.raw(
      canonicalJson({
        type: "components",
        count: listedCount,
        fields: ["id", "component", "parent", "keep", "declaredIn", "reasons"],
      }) + "\n",
    );
    // Most components keep the same fraction: format each distinct value once in a row.
    let lastKeep = Number.NaN;
    let keepText = "";
    for (let v = 0; v < n; v++) {
      if (listed[v] === 0) continue;
      const p = v === root ? -1 : mainParent[v]!;
      const why = reasons.get(v);
      if (keep[v] !== lastKeep) {
        lastKeep = keep[v]!;
        keepText = num(lastKeep);
      }
      out.byte(LBRACKET);
      out.uint(v);
      out.byte(COMMA);
      if (keys.plain(v)) {
        out.byte(QUOTE);
        out.bytes(keys.bytes, keys.offsets[v]!, keys.offsets[v + 1]!);
        out.byte(QUOTE);
      } else out.string(keys.at(v));
      out.byte(COMMA);
      if (p === -1) out.raw("null");
      else out.uint(p);
      out.byte(COMMA);
      out.raw(keepText);
      out.byte(COMMA);
      out.uint(declaredIn[v]!);
      out.byte(COMMA);
      out.raw(why === undefined ? "[]" : JSON.stringify(why));
      out.raw("]\n");
      if (out.full) yield out.take();
    }
    out.raw(
      canonicalJson({
        type: "recipients",
        count: kept,
        fields: ["accountId", "identity", "shares", "value", "sourceCount", "capsAdjustment", "sources"],
        sourceFields: ["component", "as", "value"],
      }) + "\n",
    );
    for (let row = 0; row < kept; row++) {
      const i = rowRecipient[row]!;
      const value = acc.values[i]!;
      const valueText = num(value);
      out.byte(LBRACKET);
      out.hex32(rowIds, row * 32);
      out.byte(COMMA);
      out.string(rowIdentities[row]!);
      out.raw(',"');
      out.raw(rowShares[row]!.toString());
      out.raw('",');
      out.raw(valueText);
      out.byte(COMMA);
      out.uint(acc.sourceCount[i]!);
      out.byte(COMMA);
      const adjust = rowAdjust[row]!;
      if (adjust === 0) out.byte(ZERO);
      else out.raw(num(adjust));
      out.raw(",[");
      for (let s = 0; s < topSources; s++) {
        const v = acc.topComp[i * TOP_K + s]!;
        if (v === -1) break;
        if (s > 0) out.byte(COMMA);
        out.byte(LBRACKET);
        out.uint(v);
        out.byte(COMMA);
        const how = acc.topHow[i * TOP_K + s]!;
        if (how === 0) out.raw('"contributor"');
        else out.string(howLabel(how, v));
        out.byte(COMMA);
        const amount = acc.topAmt[i * TOP_K + s]!;
        // A single source carries the whole value: the same number, formatted once.
        out.raw(amount === value ? valueText : num(amount));
        out.byte(RBRACKET);
      }
      out.raw("]]\n");
      if (out.full) yield out.take();
    }
    if (out.length > 0) yield out.take();
  }

  function* explanationBytes(explainOptions: ExplainOptions = {}): Generator<Uint8Array> {
    yield encoder.encode(explanationSummary(table.root, explainOptions));
    yield* explanationBody(explainOptions);
  }

  function explanationSummary(merkleRootHex: `0x${string}`, explainOptions: ExplainOptions = {}): string {
    const topSources = topSourcesOf(explainOptions);
    if (encodingOf(explainOptions) === "compact")
      return summaryLine({ encoding: "compact", topSources }, merkleRootHex);
    const maxPath = Math.max(2, explainOptions.maxPathLength ?? 12);
    return summaryLine({ maxPathLength: maxPath, topSources }, merkleRootHex);
  }

  function* explanationBody(explainOptions: ExplainOptions = {}): Generator<Uint8Array> {
    if (encodingOf(explainOptions) === "compact") {
      yield* compactExplanation(topSourcesOf(explainOptions), explainOptions.reuseChunks === true);
      return;
    }
    for (const text of fullExplanation(explainOptions)) yield encoder.encode(text);
  }

  const encodingOf = (o: ExplainOptions): "full" | "compact" =>
    o.encoding ?? (kept > LARGE_TABLE ? "compact" : "full");
  const topSourcesOf = (o: ExplainOptions): number => Math.min(TOP_K, Math.max(1, o.topSources ?? TOP_K));

  function* explanation(explainOptions: ExplainOptions = {}): Generator<string> {
    yield explanationSummary(table.root, explainOptions);
    if (encodingOf(explainOptions) === "compact") {
      const decoder = new TextDecoder();
      for (const bytes of compactExplanation(topSourcesOf(explainOptions)))
        yield decoder.decode(bytes, { stream: true });
      const rest = decoder.decode();
      if (rest.length > 0) yield rest;
      return;
    }
    yield* fullExplanation(explainOptions);
  }

  /** The full encoding's recipient lines. */
  function* fullExplanation(explainOptions: ExplainOptions): Generator<string> {
    const topSources = topSourcesOf(explainOptions);
    const maxPath = Math.max(2, explainOptions.maxPathLength ?? 12);
    // A component's path from the root along the edges that sent it most value; when longer
    // than maxPath, the root, "…" and the last hops.
    // Quoted keys are cached: ancestors recur in many paths.
    const quotedCache: (string | undefined)[] = new Array<string | undefined>(n);
    const quoted = (v: number): string => (quotedCache[v] ??= quote(keys.at(v)));
    const hex = new RowHex(rowIds);
    const chain: number[] = [];
    const pathTo = (v: number): string => {
      chain.length = 0;
      chain.push(v);
      let p = flow.mainParent[v]!;
      // Walk at most maxPath steps: deeper paths are shown elided, whatever their length.
      while (v !== root && p !== -1 && chain.length <= maxPath) {
        chain.push(p);
        if (p === root) break;
        p = flow.mainParent[p]!;
      }
      const reachedRoot = chain[chain.length - 1] === root;
      if (chain.length <= maxPath && reachedRoot) return chain.reverse().map(quoted).join(",");
      const tail = chain
        .slice(0, maxPath - 2)
        .reverse()
        .map(quoted);
      return [quoted(root), '"…"', ...tail].join(",");
    };
    let chunk: string[] = [];
    for (let row = 0; row < kept; row++) {
      const i = rowRecipient[row]!;
      const sources: string[] = [];
      for (let s = 0; s < topSources; s++) {
        const v = acc.topComp[i * TOP_K + s]!;
        if (v === -1) break;
        const how = acc.topHow[i * TOP_K + s]!;
        const label = howLabel(how, v);
        // Keys in canonical (sorted) order: as, component, declaredIn, keep, path, value.
        sources.push(
          `{"as":${quote(label)},"component":${quoted(v)},"declaredIn":${declaredIn[v]!},"keep":${num(keep[v]!)},"path":[${pathTo(v)}],"value":${num(acc.topAmt[i * TOP_K + s]!)}}`,
        );
      }
      const adjust = rowAdjust[row]!;
      // Keys in canonical order: accountId, capsAdjustment, identity, shares, sourceCount, sources, type, value.
      chunk.push(
        `{"accountId":"0x${hex.at(row)}"${adjust !== 0 ? `,"capsAdjustment":${num(adjust)}` : ""},"identity":${quote(rowIdentities[row]!)},"shares":"${rowShares[row]!.toString()}","sourceCount":${acc.sourceCount[i]!},"sources":[${sources.join(",")}],"type":"recipient","value":${num(acc.values[i]!)}}\n`,
      );
      if (chunk.length === 1024) {
        yield chunk.join("");
        chunk = [];
      }
    }
    if (chunk.length > 0) yield chunk.join("");
  }

  // Set by finish(): the explanation's summary names the root.
  let table: ShareTable = undefined as unknown as ShareTable;
  let finished: AttributeResult | undefined;
  return {
    rows,
    explanationBody,
    tableHeadAndRows: (tableOptions?: { reuseChunks?: boolean }): Generator<Uint8Array> =>
      shareTableHeadAndRowsBytes(
        {
          engineVersion: ENGINE_VERSION,
          inputs: inputs.map((i) => ({ path: i.path, sha256: i.sha256, format: i.format })),
          inputsHash: hashes.inputsHash,
          policyHash: hashes.policyHash,
          rows,
        },
        tableOptions,
      ),
    explanationSummaryLength: (explainOptions?: ExplainOptions): number =>
      encoder.encode(explanationSummary(PLACEHOLDER_HASH, explainOptions)).length,
    finish(tree: MerkleTree, tableHash?: `0x${string}`): AttributeResult {
      if (finished !== undefined) return finished;
      if (tree.length !== rows.length) throw new RangeError("the Merkle tree does not have one leaf per row");
      hashes.tableHash = tableHash ?? computeTableHash(totalShares, rows);
      table = {
        version: TABLE_VERSION,
        totalShares,
        root: merkleRoot(tree),
        ...hashes,
        engineVersion: ENGINE_VERSION,
        inputs: inputs.map((i) => ({ path: i.path, sha256: i.sha256, format: i.format })),
        rows,
      };
      finished = { table, tree, policy, report, explanation, explanationBytes };
      return finished;
    },
  };
}

/** Step 1 of attributeGraph: per-component keep, gating and incoming weight multiplier. */
function componentPolicy(
  graph: Graph,
  policy: Policy,
): {
  keep: Float64Array;
  multiplier: Float64Array;
  dest: Int8Array;
  reasons: Map<number, string[]>;
  openness: Map<number, OpennessClass>;
} {
  const { n, root, keys, info } = graph;
  const keep = new Float64Array(n);
  const multiplier = new Float64Array(n).fill(1);
  const dest = new Int8Array(n).fill(NONE);
  const reasons = new Map<number, string[]>();
  const openness = new Map<number, OpennessClass>();
  const licenseCache = new Map<string, LicenseNode | null>();
  const parseLicense = (expr: string): LicenseNode | null => {
    let tree = licenseCache.get(expr);
    if (tree === undefined) {
      try {
        tree = parseLicenseExpression(expr);
      } catch (error) {
        if (!(error instanceof LicenseParseError)) throw error;
        tree = null;
      }
      licenseCache.set(expr, tree);
    }
    return tree;
  };
  const checkLicenses =
    policy.licenses.allow !== undefined ||
    policy.licenses.deny.length > 0 ||
    policy.licenses.unknown === "exclude";
  const overrides = policy.keep.overrides;
  const rules = policy.rules;
  const signals = policy.aiOptOut.signals;
  const gate: Gate = { why: [], to: undefined };

  for (let v = 0; v < n; v++) {
    const key = keys[v]!;
    const inf = info[v]!;
    // The product and its own parts (workspaces) keep keep.root: in a royalty pool, 0.
    let k = v === root || inf.partOfProduct === true ? policy.keep.root : policy.keep.default;
    for (const o of overrides) {
      if (matchesComponent(o.match, key, inf)) {
        k = o.keep;
        break;
      }
    }
    keep[v] = k;
    if (v === root) continue;
    // One gate reused for every component (10^6 of them); a component's reasons are copied out.
    gate.why.length = 0;
    gate.to = undefined;
    if (checkLicenses) {
      if (isUnknownLicense(inf.license)) {
        if (policy.licenses.unknown === "exclude")
          exclude(gate, "LICENSE_UNKNOWN", policy.licenses.destination);
      } else {
        const tree = parseLicense(inf.license!);
        if (tree === null) {
          if (policy.licenses.unknown === "exclude")
            exclude(gate, "LICENSE_UNPARSEABLE", policy.licenses.destination);
          else gate.why.push("LICENSE_UNPARSEABLE");
        } else {
          const verdict = evaluateLicense(tree, policy.licenses);
          if (!verdict.ok) exclude(gate, verdict.reason, policy.licenses.destination);
        }
      }
    }
    if (policy.aiOptOut.honor && inf.aiOptOut !== undefined && inf.aiOptOut.length > 0) {
      if (signals === undefined || inf.aiOptOut.some((s) => signals.includes(s))) {
        exclude(gate, "AI_OPT_OUT", policy.aiOptOut.destination);
      }
    }
    if (inf.kind === "model") {
      const cls = opennessClass(inf, policy, parseLicense);
      openness.set(v, cls);
      multiplier[v]! *= policy.openness.weights[cls];
      if (policy.openness.exclude.includes(cls)) {
        exclude(gate, `OPENNESS_${cls.toUpperCase().replace(/-/g, "_")}`, policy.openness.destination);
      }
    }
    for (const rule of rules) {
      if (!matchesComponent(rule.match, key, inf)) continue;
      if (rule.weight !== undefined) multiplier[v]! *= rule.weight;
      if (rule.exclude !== undefined) exclude(gate, rule.exclude, rule.destination ?? "redistribute");
    }
    if (gate.why.length > 0) reasons.set(v, gate.why.slice());
    if (gate.to !== undefined) dest[v] = DEST.indexOf(gate.to);
  }

  return { keep, multiplier, dest, reasons, openness };
}

/**
 * Who is paid for each component's kept value, as fractions, decided before the flow (it does
 * not depend on it), so contributor records can be let go before the flow's big arrays are
 * allocated. `kind[v]`: 0 the contributors in plan entries start[v]..start[v+1]-1, 1 held (no
 * contributor with weight), 2 held (gated), 3 returned to the payer.
 */
interface CreditPlan {
  kind: Int8Array;
  start: Int32Array;
  identity: string[];
  fraction: number[];
}

function planCredits(graph: Graph, policy: Policy, dest: Int8Array): CreditPlan {
  const { n, contribOffsets, contributors, newestCommit } = graph;
  const usePayout = policy.identities.usePayoutAddresses;
  const source = policy.contributors.source;
  const soleDeclared = source === "auto" || source === "declared" || source === "sustained";
  const plan: CreditPlan = {
    kind: new Int8Array(n),
    start: new Int32Array(n + 1),
    identity: [],
    fraction: [],
  };
  for (let v = 0; v < n; v++) {
    plan.start[v] = plan.identity.length;
    const d = dest[v]!;
    if (d === 1 || d === 2) {
      plan.kind[v] = d + 1;
      continue;
    }
    const lo = contribOffsets[v]!;
    const hi = contribOffsets[v + 1]!;
    if (hi - lo === 1 && soleDeclared && contributors[lo]!.declared) {
      // The common case (one declared contributor) without intermediate objects: what
      // soleContributor returns, and a single share is never redistributed.
      const only = contributors[lo]!;
      if (Number.isNaN(only.weight) || only.weight > 0) {
        plan.identity.push(payeeOf(only, usePayout));
        plan.fraction.push(1);
        continue;
      }
    }
    let shares =
      lo === hi
        ? []
        : hi - lo === 1
          ? soleContributor(contributors[lo]!, policy.contributors, newestCommit)
          : contributorShares(contributors.slice(lo, hi), policy.contributors, newestCommit);
    if (policy.identities.unbound === "redistribute" && shares.length > 0) {
      const payable = shares.filter((s) => isAddress(payeeOf(s, usePayout)));
      if (payable.length > 0 && payable.length < shares.length) {
        const sum = payable.reduce((a, s) => a + s.fraction, 0);
        shares = payable.map((s) => ({ ...s, fraction: s.fraction / sum }));
      }
    }
    if (shares.length === 0) {
      plan.kind[v] = 1;
      continue;
    }
    // payeeOf returns addresses lower-cased and other identities as the inputs gave them.
    for (const s of shares) {
      plan.identity.push(payeeOf(s, usePayout));
      plan.fraction.push(s.fraction);
    }
  }
  plan.start[n] = plan.identity.length;
  return plan;
}

/**
 * Step 5 of attributeGraph: every credit to a recipient (contributors, holding identities, the
 * payer), recorded flat; credits to the same identity are merged after sorting by accountId
 * (step 6), so no map of 10^6 identity strings is ever built.
 */
function collectCredits(
  graph: Graph,
  keys: KeyStore,
  policy: Policy,
  plan: CreditPlan,
  retained: Float64Array,
): { credits: Credits; held: number; returned: number } {
  const { n, root } = graph;
  const credits = new Credits();
  const payer = canonicalIdentity(policy.payer ?? `payer:${keys.at(root)}`);
  let held = 0;
  let returned = 0;
  for (let v = 0; v < n; v++) {
    const r = retained[v]!;
    if (r === 0) continue;
    const kind = plan.kind[v]!;
    if (kind === 0) {
      for (let e = plan.start[v]!; e < plan.start[v + 1]!; e++)
        credits.add(plan.identity[e]!, r * plan.fraction[e]!, v, 0, e);
    } else if (kind === 3) {
      credits.add(payer, r, v, 3);
      returned += r;
    } else {
      credits.add(`component:${keys.at(v)}`, r, v, kind);
      held += r;
    }
  }
  return { credits, held, returned };
}

/** What the inputs say about components that may end up holding value (read before the
 *  component facts are released): snapshot verdicts of components without contributors, and
 *  the product's own parts. */
interface HeldNotes {
  registry: Map<number, string>;
  productParts: number[];
  root: number;
}

function heldNotesOf(graph: Graph): HeldNotes {
  const notes: HeldNotes = { registry: new Map(), productParts: [], root: graph.root };
  for (let v = 0; v < graph.n; v++) {
    const inf = graph.info[v]!;
    if (inf.partOfProduct === true) notes.productParts.push(v);
    if (inf.registry !== undefined && graph.contribOffsets[v + 1] === graph.contribOffsets[v])
      notes.registry.set(v, inf.registry);
  }
  return notes;
}

/** The largest held components (plan kinds 1 and 2) with the reason each is held. */
function largestHeld(
  n: number,
  retained: Float64Array,
  kind: Int8Array,
  contribOffsets: Int32Array,
  notes: HeldNotes,
  reasons: ReadonlyMap<number, string[]>,
  keys: KeyStore,
): { count: number; largest: HeldComponent[] } {
  const held: number[] = [];
  for (let v = 0; v < n; v++) if ((kind[v] === 1 || kind[v] === 2) && retained[v]! > 0) held.push(v);
  held.sort((a, b) => retained[b]! - retained[a]! || a - b);
  const parts = new Set(notes.productParts);
  const largest = held.slice(0, HELD_LISTED).map((v): HeldComponent => {
    const out = { component: keys.at(v), fraction: retained[v]! };
    if (kind[v] === 2) return { ...out, why: "gated", detail: (reasons.get(v) ?? []).join("+") };
    const registry = notes.registry.get(v);
    const colon = registry?.indexOf(":") ?? -1;
    const reason = colon >= 0 ? registry!.slice(colon + 1) : undefined;
    if (contribOffsets[v + 1]! > contribOffsets[v]!) return { ...out, why: "no-weight" };
    if (v === notes.root || parts.has(v) || reason === "product-or-workspace")
      return { ...out, why: "product-part" };
    if (registry === "resolved") return { ...out, why: "no-maintainer" };
    if (reason !== undefined) return { ...out, why: "no-registry-data", detail: registry! };
    return { ...out, why: "no-contributors" };
  });
  return { count: held.length, largest };
}

interface Gate {
  why: string[];
  /** Destination of the first excluding reason. */
  to: Destination | undefined;
}

function exclude(gate: Gate, reason: string, to: Destination): void {
  gate.why.push(reason);
  gate.to ??= to;
}

/** Who is paid for a contributor: an address directly, a declared payout address if the policy
 *  allows it, otherwise the identity (its payee comes from the on-chain registry). */
function payeeOf(s: { identity: string; payout: `0x${string}` | undefined }, usePayout: boolean): string {
  if (isAddress(s.identity)) return s.identity.toLowerCase();
  return usePayout && s.payout !== undefined ? s.payout.toLowerCase() : s.identity;
}

function opennessClass(
  inf: ComponentInfo,
  policy: Policy,
  parseLicense: (expr: string) => LicenseNode | null,
): OpennessClass {
  const a = inf.availability ?? {};
  let openLicense = false;
  if (!isUnknownLicense(inf.license)) {
    const tree = parseLicense(inf.license!);
    openLicense =
      tree !== null && evaluateLicense(tree, { allow: policy.openness.openLicenses, deny: [] }).ok;
  }
  if (a.weights && a.code && a.data && openLicense) return "open-source-ai";
  if (a.weights) return "open-weights";
  return "restricted";
}

function bfsDepth(
  n: number,
  root: number,
  offsets: Int32Array,
  targets: Int32Array,
  weights: Float64Array,
): Int32Array {
  const depth = new Int32Array(n).fill(-1);
  const queue = new Int32Array(n);
  let head = 0;
  let tail = 0;
  depth[root] = 0;
  queue[tail++] = root;
  while (head < tail) {
    const v = queue[head++]!;
    for (let e = offsets[v]!; e < offsets[v + 1]!; e++) {
      const t = targets[e]!;
      if (weights[e]! > 0 && depth[t] === -1) {
        depth[t] = depth[v]! + 1;
        queue[tail++] = t;
      }
    }
  }
  return depth;
}

/** Credits as they are made: identity, amount, component and how, one flat record each. */
class Credits {
  identities: string[] = [];
  amount = new Float64Array(1024);
  comp = new Int32Array(1024);
  how = new Uint8Array(1024);
  /** Index of the credit's identity in the credit plan (-1: not from the plan). */
  planIndex = new Int32Array(1024);

  get length(): number {
    return this.identities.length;
  }

  add(identity: string, amount: number, component: number, how: number, planIndex = -1): void {
    if (!(amount > 0)) return;
    const k = this.identities.length;
    if (k === this.amount.length) {
      const amountNext = new Float64Array(k * 2);
      amountNext.set(this.amount);
      this.amount = amountNext;
      const compNext = new Int32Array(k * 2);
      compNext.set(this.comp);
      this.comp = compNext;
      const howNext = new Uint8Array(k * 2);
      howNext.set(this.how);
      this.how = howNext;
      const planNext = new Int32Array(k * 2);
      planNext.set(this.planIndex);
      this.planIndex = planNext;
    }
    this.identities.push(identity);
    this.amount[k] = amount;
    this.comp[k] = component;
    this.how[k] = how;
    this.planIndex[k] = planIndex;
  }

  /**
   * Merges credits by accountId into recipients sorted by accountId, each with its total
   * value (summed in credit order), its number of credits and its TOP_K largest sources
   * (earlier credits first among equal amounts). Two different identities with one accountId
   * are a conflict.
   */
  merge(planIds?: Uint8Array): Recipients {
    const c = this.identities.length;
    const creditIds = new Uint8Array(c * 32);
    for (let k = 0; k < c; k++) {
      const p = this.planIndex[k]!;
      if (planIds !== undefined && p >= 0) {
        for (let b = 0; b < 32; b++) creditIds[k * 32 + b] = planIds[p * 32 + b]!;
      } else accountIdInto(this.identities[k]!, creditIds, k * 32);
    }
    // Stable: equal accountIds keep credit order.
    const order = sortKeys32(creditIds, c);
    let count = 0;
    const groupStart = new Int32Array(c + 1);
    for (let j = 0; j < c; j++) {
      if (j > 0) {
        const a = order[j - 1]! * 32;
        const b = order[j]! * 32;
        let same = true;
        for (let x = 0; x < 32 && same; x++) same = creditIds[a + x] === creditIds[b + x];
        if (same) {
          const first = this.identities[order[groupStart[count - 1]!]!]!;
          const other = this.identities[order[j]!]!;
          if (other !== first) {
            throw new WellspringError(
              "INPUT_CONFLICT",
              `identities "${first}" and "${other}" have the same accountId`,
            );
          }
          continue;
        }
      }
      groupStart[count++] = j;
    }
    groupStart[count] = c;
    const out: Recipients = {
      size: count,
      ids: new Uint8Array(count * 32),
      identities: new Array<string>(count),
      values: new Float64Array(count),
      sourceCount: new Int32Array(count),
      topComp: new Int32Array(count * TOP_K).fill(-1),
      topAmt: new Float64Array(count * TOP_K),
      topHow: new Uint8Array(count * TOP_K),
      credited: 0,
    };
    // Recipient of each credit, to sum recipients in order of their first credit (as values
    // were always summed).
    const groupOf = new Int32Array(c);
    for (let g = 0; g < count; g++) {
      const first = order[groupStart[g]!]!;
      for (let b = 0; b < 32; b++) out.ids[g * 32 + b] = creditIds[first * 32 + b]!;
      out.identities[g] = this.identities[first]!;
      const base = g * TOP_K;
      let value = 0;
      for (let j = groupStart[g]!; j < groupStart[g + 1]!; j++) {
        const k = order[j]!;
        groupOf[k] = g;
        const amount = this.amount[k]!;
        value += amount;
        let slot = -1;
        for (let s = 0; s < TOP_K; s++) {
          if (out.topComp[base + s] === -1 || amount > out.topAmt[base + s]!) {
            slot = s;
            break;
          }
        }
        if (slot === -1) continue;
        for (let s = TOP_K - 1; s > slot; s--) {
          out.topComp[base + s] = out.topComp[base + s - 1]!;
          out.topAmt[base + s] = out.topAmt[base + s - 1]!;
          out.topHow[base + s] = out.topHow[base + s - 1]!;
        }
        out.topComp[base + slot] = this.comp[k]!;
        out.topAmt[base + slot] = amount;
        out.topHow[base + slot] = this.how[k]!;
      }
      out.values[g] = value;
      out.sourceCount[g] = groupStart[g + 1]! - groupStart[g]!;
    }
    let credited = 0;
    for (let k = 0; k < c; k++) {
      const g = groupOf[k]!;
      if (order[groupStart[g]!] === k) credited += out.values[g]!;
    }
    out.credited = credited;
    return out;
  }
}

/** Recipients sorted by accountId (see Credits.merge). */
interface Recipients {
  size: number;
  ids: Uint8Array;
  identities: string[];
  values: Float64Array;
  sourceCount: Int32Array;
  topComp: Int32Array;
  topAmt: Float64Array;
  topHow: Uint8Array;
  /** Sum of values in order of each recipient's first credit. */
  credited: number;
}
