import { createHash } from "node:crypto";
import { lstat, readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  detectFormat,
  inputFile,
  isWellspringError,
  type ContributorEvidence,
} from "@wellspring/attribution";
import { fundingJsonParser, fundingVariantsParser, packageJsonParser } from "@wellspring/attribution/inputs";
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
  type Address,
  type Hex,
  type LocalAccount,
  type PublicClient,
} from "viem";
import { ATTESTOR_ROLE } from "../auth/chain-roles.ts";
import { signedBy } from "../auth/signatures.ts";
import { ServerError } from "../errors.ts";
import type {
  BindingRecord,
  BindingRepository,
  NewBindingRequest,
  TrustedCopy,
} from "../repositories/bindings.ts";

/**
 * The identity-binding attestor (docs/design.md#identity-registry). A maintainer asks the server to
 * attest that `identity` is paid to `payee`; the server checks, in this order:
 *
 * 1. the request's deadline is neither past nor more than `maxAgeSeconds` ahead (REQUEST_EXPIRED);
 * 2. the request is an EIP-712 `BindingRequest` signed by the payee wallet itself — EOA signature,
 *    or ERC-1271 when the payee is a contract (SIGNATURE_INVALID): nobody binds someone else's wallet;
 * 3. its nonce was not used by that payee before (REQUEST_REPLAYED);
 * 4. the manifest is a funding manifest the engine's parser accepts (MANIFEST_INVALID);
 * 5. the parser reports the identity as a contributor (IDENTITY_NOT_NAMED) with `payee` as its
 *    payout address (PAYEE_NOT_NAMED);
 * 6. a byte-identical copy (same sha256) is among the manifests the server trusts: the inputs of
 *    complete runs, or the configured directories (MANIFEST_NOT_TRUSTED);
 * 7. the registry does not already pay `payee` for the identity (ALREADY_BOUND);
 *
 * then signs `Attestation(accountId, payee, nonce = registry.nonces(accountId), deadline)` with
 * the attestor key. Every request is recorded in `binding_requests`.
 */
/** Reason codes of refused requests (`error.reason`), with the HTTP class they fall in. */
export const DENIED_REASONS = [
  "REQUEST_EXPIRED",
  "SIGNATURE_INVALID",
  "REQUEST_REPLAYED",
  "MANIFEST_NOT_TRUSTED",
] as const;
export const REJECTED_REASONS = [
  "MANIFEST_INVALID",
  "IDENTITY_NOT_NAMED",
  "PAYEE_NOT_NAMED",
  "ALREADY_BOUND",
] as const;
export type BindingReason = (typeof DENIED_REASONS)[number] | (typeof REJECTED_REASONS)[number];

const refusal = (reason: BindingReason, message: string, details?: string) =>
  new ServerError(
    (DENIED_REASONS as readonly string[]).includes(reason) ? "BINDING_DENIED" : "BINDING_REJECTED",
    message,
    {
      reason,
      ...(details ? { details } : {}),
    },
  );

/** A source of manifests the attestor trusts, looked up by the sha256 of the exact bytes. */
export interface TrustedManifestSource {
  find(sha256: Hex): Promise<TrustedCopy[]>;
}

const MANIFEST_NAMES = new Set(["funding.json", "FUNDING.json"]);
const MAX_MANIFEST_BYTES = 256 * 1024;

/**
 * Funding manifests under local directories (e.g. a vendored node_modules tree or a mirror of
 * the maintainers' repositories), indexed by sha256. Files named `funding.json` or `FUNDING.json`
 * are indexed (package.json carries no payout address); symbolic links are not followed. The
 * index is rebuilt when older than `refreshMs`.
 */
export class DirectoryManifestSource implements TrustedManifestSource {
  private index: Promise<Map<string, string[]>> | undefined;
  private builtAt = 0;

  constructor(
    private readonly dirs: readonly string[],
    private readonly refreshMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  async find(sha256: Hex): Promise<TrustedCopy[]> {
    if (!this.index || this.now() - this.builtAt > this.refreshMs) {
      this.builtAt = this.now();
      this.index = this.build();
      this.index.catch(() => (this.index = undefined));
    }
    const paths = (await this.index).get(sha256.toLowerCase()) ?? [];
    return paths.map((path) => ({ source: `file:${path}` }));
  }

  private async build(): Promise<Map<string, string[]>> {
    const index = new Map<string, string[]>();
    const walk = async (dir: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch {
        return; // A missing or unreadable directory holds no trusted manifest.
      }
      for (const entry of entries) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) await walk(path);
        else if (entry.isFile() && MANIFEST_NAMES.has(entry.name)) {
          const stat = await lstat(path);
          if (stat.size > MAX_MANIFEST_BYTES) continue;
          const hash = `0x${createHash("sha256")
            .update(await readFile(path))
            .digest("hex")}`;
          index.set(hash, [...(index.get(hash) ?? []), path]);
        }
      }
    };
    for (const dir of this.dirs) await walk(dir);
    return index;
  }
}

/** What a maintainer sends (after schema validation). */
export interface BindingRequestInput {
  identity: string;
  payee: Address;
  manifest: { name: string; content: Uint8Array };
  nonce: Hex;
  deadline: bigint;
  signature: Hex;
}

export interface AttestorOptions {
  chainId: number;
  registry: Address;
  /** Holds ATTESTOR_PRIVATE_KEY; the key never leaves the viem account. */
  account: LocalAccount;
  /** Trusted manifests besides the run inputs (TRUSTED_MANIFEST_DIRS). */
  trusted?: TrustedManifestSource | undefined;
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

function manifestJson(bytes: Uint8Array): unknown {
  const text = Buffer.from(bytes).toString("utf8");
  try {
    return JSON.parse(text);
  } catch {
    return text.slice(0, 10_000);
  }
}

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

export class AttestationService {
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
    };
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

  async request(input: BindingRequestInput): Promise<AttestationResult> {
    const { o, chain } = this.ready();
    const registry = getAddress(o.registry);
    const payee = getAddress(input.payee);
    const accountId = keccak256(stringToBytes(input.identity));
    const manifestSha256 = `0x${createHash("sha256").update(input.manifest.content).digest("hex")}` as Hex;
    const row: NewBindingRequest = {
      chainId: o.chainId,
      registry,
      accountId,
      identity: input.identity,
      payee,
      manifestSource: input.manifest.name,
      manifest: manifestJson(input.manifest.content),
      manifestSha256,
      manifestContent: input.manifest.content,
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
      // 4-5. What the manifest says.
      const { evidence } = manifestEvidence(input.manifest.name, input.manifest.content);
      const forIdentity = evidence.filter((e) => e.identity === input.identity);
      if (forIdentity.length === 0) {
        const named = [...new Set(evidence.map((e) => e.identity))];
        throw refusal(
          "IDENTITY_NOT_NAMED",
          `the manifest does not name ${input.identity}`,
          named.length ? `it names: ${named.slice(0, 20).join(", ")}` : "it names no contributor",
        );
      }
      if (!forIdentity.some((e) => e.payout !== undefined && e.payout === payee.toLowerCase())) {
        const payouts = [...new Set(forIdentity.flatMap((e) => (e.payout ? [getAddress(e.payout)] : [])))];
        throw refusal(
          "PAYEE_NOT_NAMED",
          `the manifest does not name ${payee} as the payout address of ${input.identity}`,
          payouts.length
            ? `it names: ${payouts.join(", ")}`
            : "it names no payout address for it (package.json funding entries are URLs; use funding.json or FUNDING.json)",
        );
      }
      // 6. Authoritative: a byte-identical trusted copy.
      const trusted = [
        ...(await this.bindings.runInputsWithSha256(manifestSha256)),
        ...((await o.trusted?.find(manifestSha256)) ?? []),
      ];
      if (trusted.length === 0) {
        throw refusal(
          "MANIFEST_NOT_TRUSTED",
          "no trusted copy of this manifest (same sha256) among the run inputs or the trusted manifest directories",
          `sha256 ${manifestSha256}`,
        );
      }
      // 7. Chain state, then sign.
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
      const trustedSource = trusted
        .map((t) => t.source)
        .join(", ")
        .slice(0, 2000);
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
