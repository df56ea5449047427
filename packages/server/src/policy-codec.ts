import type { Hex } from "viem";
import { canonicalHash, canonicalJson, type JsonObject } from "./canonical.ts";

/**
 * How the server validates, canonicalises and hashes a policy document. The attribution engine
 * will own the real policy schema and hash (packages/attribution); until it exports them this
 * codec accepts any JSON object and hashes its canonical JSON with keccak256 as DESIGN.md says.
 * Swapping it is one line in `createApp`'s deps.
 */
export interface PolicyCodec {
  /** Returns the parsed document or throws ServerError("VALIDATION") with field paths. */
  parse(document: JsonObject): JsonObject;
  canonicalize(document: JsonObject): string;
  hash(canonical: string): Hex;
}

export const canonicalJsonPolicyCodec: PolicyCodec = {
  parse: (document) => document,
  canonicalize: canonicalJson,
  hash: canonicalHash,
};
