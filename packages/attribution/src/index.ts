/**
 * @wellspring/attribution — the pure engine: inputs → graph → policy → share table → Merkle tree.
 * No file system, network or clock anywhere in this package; callers (CLI, server) do the I/O.
 *
 * Typical use (what `wellspring attribute` does):
 *
 *   const files = paths.map((p) => inputFile(p, readFileSync(p)));
 *   const result = attribute({ files, policy: JSON.parse(readFileSync(policyPath, "utf8")) });
 *   for (const chunk of serializeShareTable(result.table)) out.write(chunk);     // share-table.json
 *   for (const line of result.explanation()) explain.write(line);               // explanation.jsonl
 *   writeFileSync("merkle.bin", encodeMerkleData(result.tree));                  // big tables
 *   // small tables: JSON.stringify(standardMerkleTreeDump(result.tree, ids, shares)) for
 *   // StandardMerkleTree.load
 *
 * `verify`: `verifyShareTable({ table: parseShareTable(text), files?, policy?, root? })`.
 * `proof`:  `proofForAccount(table, "github:123" | "0x…address" | "0x…accountId", tree?)`.
 */

export { WellspringError, isWellspringError, type ErrorCode, type WellspringErrorOptions } from "./errors.ts";

// Engine.
export {
  attribute,
  attributeGraph,
  prepareAttribution,
  prepareGraph,
  type AttributeParams,
  type AttributeOptions,
  type AttributePhase,
  type AttributeResult,
  type AttributionReport,
  type ComponentDecision,
  type ExplainOptions,
  type HeldComponent,
  type HeldWhy,
  type PendingAttribution,
} from "./attribute.ts";
export { ENGINE_VERSION, assertEngineCompatible } from "./version.ts";
export { GraphBuilder, type Graph, type ContributorRecord } from "./graph.ts";
export { solveFlow, type FlowInput, type FlowResult, type FlowStats } from "./flow.ts";
export { apportion, type ApportionResult } from "./apportion.ts";
export { applyCapsAndFloors, type CapsReport } from "./caps.ts";
export { contributorShares, type ContributorShare } from "./contributors.ts";

// Policy.
export {
  parsePolicy,
  policyHash,
  canonicalPolicy,
  defaultPolicy,
  policySchema,
  POLICY_VERSION,
  type Policy,
  type PolicyInput,
  type Destination,
  type OpennessClass,
} from "./policy.ts";
export { parseLicenseExpression, evaluateLicense, type LicenseNode, type LicenseVerdict } from "./license.ts";
export { canonicalJson } from "./canonical.ts";

// Accounts.
export {
  accountIdOf,
  accountIdBytes,
  accountIdInto,
  canonicalIdentity,
  identityDisplay,
  addressOfAccountId,
  isAddress,
  resolveAccount,
  type Hex32,
} from "./account.ts";

// Share table.
export {
  serializeShareTable,
  serializeShareTableBytes,
  shareTableHeadAndRowsBytes,
  shareTableTail,
  serializeShareTableToString,
  parseShareTable,
  computeTableHash,
  computeTableHashFromWords,
  computeInputsHash,
  findRow,
  accountIdHexAt,
  TABLE_VERSION,
  type ShareTable,
  type TableRows,
  type InputSummary,
} from "./table.ts";

// Merkle tree.
export {
  buildMerkleTree,
  buildMerkleTreeFromWords,
  shareWords,
  merkleRoot,
  merkleProof,
  verifyMerkleProof,
  leafHash,
  standardMerkleTreeDump,
  encodeMerkleData,
  encodeMerkleDataChunks,
  decodeMerkleData,
  LEAF_ENCODING,
  type MerkleTree,
  type StandardMerkleTreeDump,
} from "./merkle.ts";
export { keccak256, keccak256Utf8, bytesToHex, hexToBytes } from "./keccak.ts";

// Verification.
export {
  verifyShareTable,
  proofForAccount,
  type VerifyParams,
  type VerifyResult,
  type AccountProof,
} from "./verify.ts";

// Evidence bundles.
export {
  BUNDLE_FILES,
  BUNDLE_VERSION,
  bundleEntries,
  bundleHash,
  bundleInputName,
  createBundle,
  decodeTar,
  encodeTar,
  readBundleManifest,
  verifyBundle,
  type BundleFinding,
  type BundleManifest,
  type BundleVerification,
  type Commitment,
  type CreateBundleParams,
  type RecipientChange,
  type TarEntry,
} from "./bundle.ts";
export {
  bundleDifferences,
  checkBundleUri,
  DEFAULT_MAX_BUNDLE_BYTES,
  fetchBundle,
  gatewayUrl,
  type BundleCheck,
  type BundleStatus,
  type FetchOptions,
  type VerificationReport,
  verificationReportMessage,
} from "./bundle-fetch.ts";

// Inputs (parsers live in ./inputs; re-exported so callers need one import).
export { readInputs, inputFile, detectFormat, type ReadInputsOptions } from "./inputs/index.ts";
export type {
  InputFile,
  GraphSink,
  ComponentInfo,
  ContributorEvidence,
  EdgeKind,
  SourceRef,
} from "./inputs/types.ts";
