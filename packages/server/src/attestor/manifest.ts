import {
  detectFormat,
  inputFile,
  isWellspringError,
  type ContributorEvidence,
} from "@wellspring/attribution";
import { fundingJsonParser, fundingVariantsParser, packageJsonParser } from "@wellspring/attribution/inputs";
import type { Address } from "viem";
import { refusal } from "./refusal.ts";

const PLACEHOLDER_SUBJECT = "(binding request)";

/**
 * Runs the engine's own funding-manifest parser over the manifest and collects the contributor
 * evidence it reports: the pairs (identity, payout address) the attestor checks against.
 */
export function manifestEvidence(
  name: string,
  bytes: Uint8Array,
): { format: string; evidence: ContributorEvidence[] } {
  const file = inputFile(name, bytes);
  let format: string | undefined;
  try {
    format = detectFormat(file);
  } catch (error) {
    throw refusal(
      "MANIFEST_INVALID",
      "the manifest could not be read",
      isWellspringError(error) ? error.message : String(error),
    );
  }
  const parser =
    format === fundingJsonParser.format
      ? fundingJsonParser
      : format === fundingVariantsParser.format
        ? fundingVariantsParser
        : format === packageJsonParser.format
          ? packageJsonParser
          : undefined;
  if (!parser) {
    throw refusal(
      "MANIFEST_INVALID",
      "not a funding manifest",
      `expected funding.json v1, FUNDING.json or package.json; detected ${format ?? "an unknown format"}`,
    );
  }
  const evidence: ContributorEvidence[] = [];
  try {
    // The subject stands in for the component: what matters here is who is paid, not for what.
    parser.parse(
      file,
      undefined,
      {
        component: () => undefined,
        edge: () => undefined,
        contributor: (_key, e) => evidence.push(e),
        root: () => undefined,
      },
      { proposeRoot: () => undefined, subject: PLACEHOLDER_SUBJECT },
    );
  } catch (error) {
    if (!isWellspringError(error)) throw error;
    throw refusal(
      "MANIFEST_INVALID",
      "the manifest was rejected by the funding-manifest parser",
      error.message,
    );
  }
  return { format: parser.format, evidence };
}

/** The payout addresses a manifest names (any contributor's), checksummed as the parser lowercases them. */
export function payoutsOf(name: string, bytes: Uint8Array): string[] {
  const { evidence } = manifestEvidence(name, bytes);
  return [...new Set(evidence.flatMap((e) => (e.payout ? [e.payout] : [])))];
}

/** True when the manifest names `payee` as a payout address. Throws MANIFEST_INVALID like the parser. */
export function namesPayee(name: string, bytes: Uint8Array, payee: Address): boolean {
  return payoutsOf(name, bytes).includes(payee.toLowerCase());
}
