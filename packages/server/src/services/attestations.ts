import { createHash } from "node:crypto";
import {
  attestationDomain,
  attestationTypes,
  BINDING_REQUEST_TYPES,
  bindingDomain,
} from "@wellspring/protocol";
import { identityRegistryAbi } from "@wellspring/sdk";
import {
  encodeFunctionData,
  getAddress,
  keccak256,
  stringToBytes,
  zeroAddress,
  zeroHash,
  type Address,
  type Hex,
  type LocalAccount,
  type PublicClient,
} from "viem";
import { manifestEvidence } from "../attestor/manifest.ts";
import { refusal, type BindingReason } from "../attestor/refusal.ts";
import type { TrustedManifestSource } from "../attestor/trusted.ts";
import { OAuthStates, type GitHubOAuth } from "../attestor/github-oauth.ts";
import type { IdentityProof, IdentityVerifier, VerifiedManifest } from "../attestor/verifier.ts";
import { ATTESTOR_ROLE } from "../auth/chain-roles.ts";
import { signedBy } from "../auth/signatures.ts";
import { ServerError } from "../errors.ts";
import type { BindingRecord, BindingRepository, NewBindingRequest } from "../repositories/bindings.ts";

export { DirectoryManifestSource, type TrustedManifestSource } from "../attestor/trusted.ts";
export { manifestEvidence } from "../attestor/manifest.ts";
export { DENIED_REASONS, REJECTED_REASONS, type BindingReason } from "../attestor/refusal.ts";

/**
 * The identity-binding attestor (docs/design.md#identity-registry). A maintainer asks the server to
 * attest that `identity` is paid to `payee`; the server checks, in this order:
 *
 * 1. the request's deadline is neither past nor more than `maxAgeSeconds` ahead (REQUEST_EXPIRED);
 * 2. the request is an EIP-712 `BindingRequest` signed by the payee wallet itself — EOA signature,
 *    or ERC-1271 when the payee is a contract (SIGNATURE_INVALID): nobody binds someone else's wallet;
 * 3. its nonce was not used by that payee before (REQUEST_REPLAYED);
 * 4. with a `proof`: the verifier of its method (attestor/github.ts, attestor/well-known.ts) reads
 *    a manifest naming `payee` from where only the identity's owner can write, and a GitHub login
 *    still belongs to the account an earlier binding recorded (ACCOUNT_CHANGED); or, with a
 *    submitted manifest:
 * 4a. it is a funding manifest the engine's parser accepts (MANIFEST_INVALID);
 * 4b. the parser reports the identity as a contributor (IDENTITY_NOT_NAMED) with `payee` as its
 *    payout address (PAYEE_NOT_NAMED);
 * 4c. a byte-identical copy (same sha256) is among the manifests the server trusts: the inputs of
 *    complete runs, or the configured directories (MANIFEST_NOT_TRUSTED);
 * 5. the registry does not already pay `payee` for the identity (ALREADY_BOUND);
 *
 * then signs `Attestation(accountId, payee, nonce = registry.nonces(accountId), deadline)` with
 * the attestor key. Every request is recorded in `binding_requests`.
 */
/** What a maintainer sends (after schema validation). */
export interface BindingRequestInput {
  identity: string;
  payee: Address;
  /** The submitted manifest (trusted-copy path); absent with a `proof`. */
  manifest?: { name: string; content: Uint8Array } | undefined;
  /** Where the attestor fetches the manifest itself; the signed manifestHash is then zero. */
  proof?: IdentityProof | undefined;
  nonce: Hex;
  deadline: bigint;
  signature: Hex;
}

/** A binding request for "Sign in with GitHub": no manifest, no proof (manifestHash zero). */
export type SignInRequest = Omit<BindingRequestInput, "manifest" | "proof">;

/** The GitHub account that signed in (`GET /user`). */
export interface GitHubAccount {
  login: string;
  id: number;
}

export interface AttestorOptions {
  chainId: number;
  registry: Address;
  /** Holds ATTESTOR_PRIVATE_KEY; the key never leaves the viem account. */
  account: LocalAccount;
  /** Trusted manifests besides the run inputs (TRUSTED_MANIFEST_DIRS). */
  trusted?: TrustedManifestSource | undefined;
  /** The enabled proof methods (ATTESTOR_VERIFIERS), e.g. GitHub and project domains. */
  verifiers?: readonly IdentityVerifier[] | undefined;
  /** "Sign in with GitHub" (GITHUB_OAUTH_CLIENT_ID); absent = off. */
  githubOAuth?: GitHubOAuth | undefined;
  /** How far ahead a request's deadline may be. */
  maxAgeSeconds: number;
  /** An attestation's deadline = latest block time + this. */
  ttlSeconds: number;
}

export interface AttestationResult {
  id: bigint;
  record: BindingRecord;
  attestation: { accountId: Hex; payee: Address; nonce: bigint; deadline: bigint };
  identity: string;
  attestor: Address;
  signature: Hex;
  registry: Address;
  chainId: number;
  /** `submitAttestation(attestation, identity, attestor, signature)` on the registry. */
  transaction: { to: Address; data: Hex };
}

export interface BindingView {
  record: BindingRecord;
  /** The registry's view of the identity now (absent without a chain). */
  onChain?: { payee: Address; nonce: bigint; pendingPayee: Address; pendingExecutableAt: bigint };
  /** Set when the registry could not be read: the stored record is still the answer. */
  onChainError?: string;
}

const sha256Hex = (bytes: Uint8Array): Hex => `0x${createHash("sha256").update(bytes).digest("hex")}`;

function manifestJson(bytes: Uint8Array): unknown {
  const text = Buffer.from(bytes).toString("utf8");
  try {
    return JSON.parse(text);
  } catch {
    return text.slice(0, 10_000);
  }
}

export class AttestationService {
  private readonly signIns = new OAuthStates<SignInRequest>();

  constructor(
    private readonly bindings: BindingRepository,
    private readonly options: AttestorOptions | undefined,
    private readonly chain: PublicClient | undefined,
    private readonly now: () => number = Date.now,
  ) {}

  /** EIP-712 domain and types a maintainer signs, for clients (GET /v1/attestations/info). */
  info() {
    const o = this.options;
    return {
      enabled: o !== undefined && this.chain !== undefined,
      chainId: o?.chainId ?? null,
      registry: o ? getAddress(o.registry) : null,
      attestor: o ? o.account.address : null,
      domain: o ? bindingDomain(o.chainId, getAddress(o.registry)) : null,
      types: BINDING_REQUEST_TYPES,
      primaryType: "BindingRequest" as const,
      maxAgeSeconds: o?.maxAgeSeconds ?? null,
      attestationTtlSeconds: o?.ttlSeconds ?? null,
      /** Proofs the attestor checks itself (`proof.method`), and the identities each proves. */
      proofMethods: (o?.verifiers ?? []).map((v) => ({ method: v.method, identityPrefix: v.prefix })),
      trustedCopies: o !== undefined,
      /** "Sign in with GitHub" proves github:<login> (POST /v1/attestations/github/authorize). */
      githubSignIn: o?.githubOAuth !== undefined,
    };
  }

  /**
   * Starts "Sign in with GitHub" for a signed binding request of `github:<login>` (manifestHash
   * zero): returns GitHub's authorize URL, whose state names this request. The request is checked
   * when GitHub sends the browser back (`finishGitHubSignIn`), like any other.
   */
  startGitHubSignIn(input: SignInRequest, redirectUri: string): { authorizeUrl: string } {
    const { o } = this.ready();
    const oauth = o.githubOAuth;
    if (!oauth)
      throw refusal(
        "METHOD_UNSUPPORTED",
        "Sign in with GitHub is not enabled on this server",
        "prove the identity with a funding manifest instead (proof.method github)",
      );
    if (!input.identity.startsWith("github:"))
      throw refusal("METHOD_UNSUPPORTED", `Sign in with GitHub proves github:<login>, not ${input.identity}`);
    const { state, challenge } = this.signIns.start(input);
    return { authorizeUrl: oauth.authorizeUrl(state, challenge, redirectUri) };
  }

  /** GitHub sent the browser back: the account that signed in must be the identity's; then sign. */
  async finishGitHubSignIn(state: string, code: string, redirectUri: string): Promise<AttestationResult> {
    const { o } = this.ready();
    const pending = this.signIns.take(state);
    if (!o.githubOAuth || !pending)
      throw refusal(
        "REQUEST_EXPIRED",
        "this GitHub sign-in is unknown, used already or older than 10 minutes",
        "start Sign in with GitHub again",
      );
    const account = await o.githubOAuth.account(code, pending.verifier, redirectUri);
    return this.request(pending.value, account);
  }

  private ready(): { o: AttestorOptions; chain: PublicClient } {
    if (!this.options || !this.chain) {
      throw new ServerError(
        "CHAIN_UNAVAILABLE",
        "the attestor is not configured (ATTESTOR_PRIVATE_KEY, the registry address and RPC_URL are needed)",
      );
    }
    return { o: this.options, chain: this.chain };
  }

  async request(input: BindingRequestInput, signedIn?: GitHubAccount): Promise<AttestationResult> {
    const { o, chain } = this.ready();
    const registry = getAddress(o.registry);
    const payee = getAddress(input.payee);
    const accountId = keccak256(stringToBytes(input.identity));
    const submitted = input.manifest;
    // With a proof the attestor fetches the manifest itself: the payee signs a zero manifestHash.
    const manifestSha256 = submitted ? sha256Hex(submitted.content) : zeroHash;
    const row: NewBindingRequest = {
      chainId: o.chainId,
      registry,
      accountId,
      identity: input.identity,
      payee,
      manifestSource: submitted
        ? submitted.name
        : signedIn
          ? "oauth:github"
          : `proof:${input.proof?.method ?? "none"}`,
      manifest: submitted ? manifestJson(submitted.content) : { proof: input.proof ?? null },
      manifestSha256,
      manifestContent: submitted ? submitted.content : new Uint8Array(),
      requestNonce: input.nonce,
      requestDeadline: input.deadline,
      requestSignature: input.signature,
    };
    const refuseWithoutNonce = async (reason: BindingReason, message: string): Promise<never> => {
      const id = await this.bindings.insertRejected(row, reason, message);
      throw refusal(reason, message, `binding request ${id}`);
    };

    // 1. Deadline.
    const nowSeconds = BigInt(Math.floor(this.now() / 1000));
    if (input.deadline < nowSeconds)
      await refuseWithoutNonce("REQUEST_EXPIRED", "the request's deadline has passed");
    if (input.deadline > nowSeconds + BigInt(o.maxAgeSeconds)) {
      await refuseWithoutNonce(
        "REQUEST_EXPIRED",
        `the request's deadline may be at most ${o.maxAgeSeconds} seconds ahead`,
      );
    }
    // 2. Signed by the payee.
    if (!(await this.signedByPayee(chain, o, input, payee, manifestSha256))) {
      await refuseWithoutNonce(
        "SIGNATURE_INVALID",
        "the request is not signed by the payee (EIP-712 BindingRequest; see GET /v1/attestations/info)",
      );
    }
    // 3. Nonce, consumed by recording the request.
    const id = await this.bindings.insertReceived(row);
    if (id === undefined)
      await refuseWithoutNonce("REQUEST_REPLAYED", "this request nonce was already used by the payee");
    const requestId = id as bigint;

    try {
      const trustedSource = signedIn
        ? await this.checkSignedIn(requestId, accountId, input.identity, signedIn)
        : input.proof
          ? await this.verifyProof(o, requestId, accountId, input.identity, payee, input.proof)
          : await this.checkSubmitted(o, input.identity, payee, submitted, manifestSha256);
      // 5. Chain state, then sign.
      const [current, nonce, block, attestorOk] = await this.readChain(
        chain,
        registry,
        accountId,
        o.account.address,
      );
      if (current === payee) throw refusal("ALREADY_BOUND", `${input.identity} is already paid to ${payee}`);
      if (!attestorOk) {
        throw new ServerError(
          "CHAIN_UNAVAILABLE",
          "the server's attestor key does not hold ATTESTOR_ROLE on the registry",
        );
      }
      const attestation = { accountId, payee, nonce, deadline: block + BigInt(o.ttlSeconds) };
      const signature = await o.account.signTypedData({
        domain: attestationDomain(o.chainId, registry),
        types: attestationTypes,
        primaryType: "Attestation",
        message: attestation,
      });
      await this.bindings.attest(requestId, {
        attestor: o.account.address,
        nonce,
        deadline: attestation.deadline,
        signature,
        trustedSource,
      });
      return {
        id: requestId,
        record: (await this.bindings.get(requestId)) as BindingRecord,
        attestation,
        identity: input.identity,
        attestor: o.account.address,
        signature,
        registry,
        chainId: o.chainId,
        transaction: {
          to: registry,
          data: encodeFunctionData({
            abi: identityRegistryAbi,
            functionName: "submitAttestation",
            args: [attestation, input.identity, o.account.address, signature],
          }),
        },
      };
    } catch (error) {
      const code = error instanceof ServerError ? (error.reason ?? error.code) : "INTERNAL";
      const message = error instanceof ServerError ? error.shortMessage : "internal error";
      await this.bindings.reject(requestId, code, message);
      if (error instanceof ServerError && error.reason) {
        throw new ServerError(error.code, error.shortMessage, {
          reason: error.reason,
          details: [error.details, `binding request ${requestId}`].filter(Boolean).join("; "),
        });
      }
      throw error;
    }
  }

  /**
   * 4. The proof: the method's verifier reads a manifest naming the payee from where only the
   * identity's owner can write. A GitHub login is kept with its numeric account id: once a
   * binding recorded one, the same login held by another account is refused.
   */
  private async verifyProof(
    o: AttestorOptions,
    requestId: bigint,
    accountId: Hex,
    identity: string,
    payee: Address,
    proof: IdentityProof,
  ): Promise<string> {
    const verifiers = o.verifiers ?? [];
    const verifier = verifiers.find((v) => v.method === proof.method);
    if (!verifier) {
      const enabled = verifiers.map((v) => v.method);
      throw refusal(
        "METHOD_UNSUPPORTED",
        `the ${proof.method} proof is not enabled on this server`,
        enabled.length
          ? `enabled: ${enabled.join(", ")}`
          : "send the manifest itself for the trusted-copy path, or ask the operator",
      );
    }
    if (!identity.startsWith(verifier.prefix)) {
      throw refusal(
        "METHOD_UNSUPPORTED",
        `a ${proof.method} proof proves ${verifier.prefix}… identities, not ${identity}`,
        verifiers.map((v) => `${v.method}: ${v.prefix}…`).join(", "),
      );
    }
    return this.recordEvidence(
      requestId,
      accountId,
      identity,
      proof.method,
      await verifier.verify(identity, payee, proof),
    );
  }

  /** 4'. Signed in with GitHub: the account that signed in is the identity's (login or numeric id). */
  private async checkSignedIn(
    requestId: bigint,
    accountId: Hex,
    identity: string,
    account: GitHubAccount,
  ): Promise<string> {
    const handle = identity.slice("github:".length).toLowerCase();
    if (handle !== account.login.toLowerCase() && handle !== String(account.id)) {
      throw refusal(
        "NOT_OWNER",
        `you signed in to GitHub as ${account.login}, not ${handle}`,
        `sign in as ${handle}, or bind github:${account.login.toLowerCase()} instead`,
      );
    }
    const evidence = new TextEncoder().encode(JSON.stringify({ login: account.login, id: account.id }));
    return this.recordEvidence(requestId, accountId, identity, "github", {
      name: "oauth:github",
      content: evidence,
      source: `github-oauth:${account.login}`,
      subjectId: String(account.id),
    });
  }

  /**
   * Records what proved the identity; a GitHub login is kept with its numeric account id, and once
   * a binding recorded one, the same login held by another account is refused.
   */
  private async recordEvidence(
    requestId: bigint,
    accountId: Hex,
    identity: string,
    method: string,
    found: VerifiedManifest,
  ): Promise<string> {
    await this.bindings.recordProof(requestId, {
      method,
      manifestSource: found.name,
      manifest: manifestJson(found.content),
      manifestSha256: sha256Hex(found.content),
      manifestContent: found.content,
      subjectId: found.subjectId ?? null,
    });
    if (found.subjectId !== undefined) {
      const earlier = await this.bindings.subjectsOf(accountId, method);
      const other = earlier.find((subject) => subject !== found.subjectId);
      if (other !== undefined) {
        throw refusal(
          "ACCOUNT_CHANGED",
          `${identity} was bound for account ${other}; that login now belongs to account ${found.subjectId}`,
          "a login given up and taken by someone else cannot take over its identity; if you renamed your account, bind your current login",
        );
      }
    }
    return found.source;
  }

  /** 4a-4c. A submitted manifest: it names the identity and payee, and a trusted copy exists. */
  private async checkSubmitted(
    o: AttestorOptions,
    identity: string,
    payee: Address,
    manifest: BindingRequestInput["manifest"],
    manifestSha256: Hex,
  ): Promise<string> {
    if (!manifest) throw new ServerError("VALIDATION", "the request needs a manifest or a proof");
    const { evidence } = manifestEvidence(manifest.name, manifest.content);
    const forIdentity = evidence.filter((e) => e.identity === identity);
    if (forIdentity.length === 0) {
      const named = [...new Set(evidence.map((e) => e.identity))];
      throw refusal(
        "IDENTITY_NOT_NAMED",
        `the manifest does not name ${identity}`,
        named.length ? `it names: ${named.slice(0, 20).join(", ")}` : "it names no contributor",
      );
    }
    if (!forIdentity.some((e) => e.payout !== undefined && e.payout === payee.toLowerCase())) {
      const payouts = [...new Set(forIdentity.flatMap((e) => (e.payout ? [getAddress(e.payout)] : [])))];
      throw refusal(
        "PAYEE_NOT_NAMED",
        `the manifest does not name ${payee} as the payout address of ${identity}`,
        payouts.length
          ? `it names: ${payouts.join(", ")}`
          : "it names no payout address for it (package.json funding entries are URLs; use funding.json or FUNDING.json)",
      );
    }
    const trusted = [
      ...(await this.bindings.runInputsWithSha256(manifestSha256)),
      ...((await o.trusted?.find(manifestSha256)) ?? []),
    ];
    if (trusted.length === 0) {
      throw refusal(
        "MANIFEST_NOT_TRUSTED",
        "no trusted copy of this manifest (same sha256) among the run inputs or the trusted manifest directories",
        `sha256 ${manifestSha256}; to bind without the consortium, send a proof instead (proof.method github or well-known, see GET /v1/attestations/info)`,
      );
    }
    return trusted
      .map((t) => t.source)
      .join(", ")
      .slice(0, 2000);
  }

  /** A stored request, with the registry's view of the identity; marks it confirmed once bound. */
  async get(id: bigint): Promise<BindingView> {
    let record = await this.bindings.get(id);
    if (!record) throw new ServerError("NOT_FOUND", `no binding request ${id}`);
    if (!this.chain || !record.registry || record.chainId !== this.options?.chainId) return { record };
    const registry = record.registry;
    let onChain: BindingView["onChain"];
    try {
      const [payee, nonce, pending] = await Promise.all([
        this.chain.readContract({
          address: registry,
          abi: identityRegistryAbi,
          functionName: "payeeOf",
          args: [record.accountId],
        }),
        this.chain.readContract({
          address: registry,
          abi: identityRegistryAbi,
          functionName: "nonces",
          args: [record.accountId],
        }),
        this.chain.readContract({
          address: registry,
          abi: identityRegistryAbi,
          functionName: "pendingRebindOf",
          args: [record.accountId],
        }),
      ]);
      onChain = { payee, nonce, pendingPayee: pending[0], pendingExecutableAt: BigInt(pending[2]) };
    } catch {
      // The record is stored; a chain outage only hides the registry's view of it.
      return { record, onChainError: "could not read the identity registry" };
    }
    if (
      record.status === "attested" &&
      onChain.payee === record.payee &&
      record.nonce !== null &&
      onChain.nonce > record.nonce
    ) {
      await this.bindings.confirm(record.accountId, record.payee, onChain.nonce);
      record = (await this.bindings.get(id)) as BindingRecord;
    }
    return { record, onChain };
  }

  private async signedByPayee(
    chain: PublicClient,
    o: AttestorOptions,
    input: BindingRequestInput,
    payee: Address,
    manifestHash: Hex,
  ): Promise<boolean> {
    const typed = {
      domain: bindingDomain(o.chainId, getAddress(o.registry)),
      types: BINDING_REQUEST_TYPES,
      primaryType: "BindingRequest" as const,
      message: {
        identity: input.identity,
        payee,
        manifestHash,
        nonce: input.nonce,
        deadline: input.deadline,
      },
      signature: input.signature,
    };
    // An ordinary key, or a contract wallet (Safe, smart account) by ERC-1271 on the chain.
    return signedBy(payee, typed, chain);
  }

  private async readChain(
    chain: PublicClient,
    registry: Address,
    accountId: Hex,
    attestor: Address,
  ): Promise<[Address, bigint, bigint, boolean]> {
    try {
      const [payee, nonce, block, role] = await Promise.all([
        chain.readContract({
          address: registry,
          abi: identityRegistryAbi,
          functionName: "payeeOf",
          args: [accountId],
        }),
        chain.readContract({
          address: registry,
          abi: identityRegistryAbi,
          functionName: "nonces",
          args: [accountId],
        }),
        chain.getBlock({ blockTag: "latest" }),
        chain.readContract({
          address: registry,
          abi: identityRegistryAbi,
          functionName: "hasRole",
          args: [ATTESTOR_ROLE, attestor],
        }),
      ]);
      return [payee === zeroAddress ? zeroAddress : getAddress(payee), nonce, block.timestamp, role];
    } catch (error) {
      throw new ServerError("CHAIN_UNAVAILABLE", "could not read the identity registry", { cause: error });
    }
  }
}
