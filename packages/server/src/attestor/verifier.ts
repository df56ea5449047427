import type { Address } from "viem";

/**
 * Where a maintainer says the proof lies (POST /v1/attestations `proof`). The attestor fetches the
 * manifest itself from a place only the identity's owner can write to, so the request carries no
 * manifest and its signed `manifestHash` is zero.
 */
export type IdentityProof =
  | {
      method: "github";
      /** A repository of the account (`<name>`, under the login) holding funding.json at its root. */
      repository?: string | undefined;
      /** A gist of the account holding funding.json or FUNDING.json. */
      gist?: string | undefined;
    }
  | {
      method: "well-known";
      /** One of the URLs the domain's /.well-known/funding-manifest-urls lists (default: each, in order). */
      manifestUrl?: string | undefined;
    };

export type ProofMethod = IdentityProof["method"];

/** A manifest found where only the identity's owner could have put it, naming the payee. */
export interface VerifiedManifest {
  name: string;
  content: Uint8Array;
  /** Where it was read, e.g. `https://api.github.com/repos/alice/.github/contents/funding.json`. */
  source: string;
  /** The account's stable id at the source (GitHub's numeric user id), kept beside the login. */
  subjectId?: string;
}

/**
 * One way of proving that an identity belongs to whoever controls a wallet. `verify` either
 * returns the manifest naming `payee` or throws a refusal (attestor/refusal.ts) whose message
 * says what to do next.
 */
export interface IdentityVerifier {
  readonly method: ProofMethod;
  /** The identity prefix it can prove, e.g. `github:`. */
  readonly prefix: string;
  verify(identity: string, payee: Address, proof: IdentityProof): Promise<VerifiedManifest>;
}

export const MANIFEST_FILE_NAMES = ["funding.json", "FUNDING.json"] as const;
export const MAX_MANIFEST_BYTES = 256 * 1024;
