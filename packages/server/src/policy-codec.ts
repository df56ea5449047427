import { canonicalPolicy, policySchema, type Policy } from "@wellspring/attribution";
import { keccak256, stringToBytes, type Hex } from "viem";
import { canonicalHash, canonicalJson, type JsonObject } from "./canonical.ts";
import { ServerError } from "./errors.ts";
import { zod3JsonSchema } from "./zod3-json-schema.ts";

/**
 * How the server validates, canonicalises and hashes a policy document. Kept behind one
 * interface so the HTTP layer and the store never depend on the policy's shape.
 */
export interface PolicyCodec {
  /**
   * Returns the document the server stores (for the engine: with every default filled in, which
   * is what the hash commits to). Throws ServerError("VALIDATION") with issue paths relative to
   * the document.
   */
  parse(document: JsonObject): JsonObject;
  canonicalize(document: JsonObject): string;
  hash(canonical: string): Hex;
  /** JSON Schema of the documents `parse` accepts (forms are generated from it). */
  jsonSchema(): JsonObject;
}

/**
 * The attribution engine's policy: its zod schema, its canonical JSON of the parsed policy and
 * keccak256 over that text, so the hash the server stores is the `policyHash` the engine puts in
 * a share table and the pool records on-chain.
 */
export const enginePolicyCodec: PolicyCodec = {
  parse(document) {
    const parsed = policySchema.safeParse(document);
    if (!parsed.success) {
      throw new ServerError("VALIDATION", "invalid policy document", {
        issues: parsed.error.issues.map((issue) => ({
          path: issue.path.map(String).join("."),
          message: issue.message,
        })),
      });
    }
    return parsed.data as unknown as JsonObject;
  },
  canonicalize: (document) => canonicalPolicy(document as unknown as Policy),
  hash: (canonical) => keccak256(stringToBytes(canonical)),
  jsonSchema: () => zod3JsonSchema(policySchema),
};

/** Any JSON object, canonical JSON + keccak256 (as policyHash, docs/policy.md#the-hash): for documents that are not engine policies. */
export const canonicalJsonPolicyCodec: PolicyCodec = {
  parse: (document) => document,
  canonicalize: canonicalJson,
  hash: canonicalHash,
  jsonSchema: () => ({ $schema: "https://json-schema.org/draft/2020-12/schema", type: "object" }),
};
