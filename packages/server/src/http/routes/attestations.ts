import { z } from "zod/v4";
import { getAddress } from "viem";
import type { BindingRecord } from "../../repositories/bindings.ts";
import { DENIED_REASONS, REJECTED_REASONS, UNAVAILABLE_REASONS } from "../../attestor/refusal.ts";
import type { Request } from "express";
import { ServerError } from "../../errors.ts";
import type { AttestationService } from "../../services/attestations.ts";
import { route, type AnyRoute } from "../route.ts";
import {
  address,
  hash32,
  isStandardBase64,
  requestSchemas,
  hexOut,
  responseSchemas,
  uintString,
  positiveId,
} from "../schemas.ts";

export const bindingIdentity = z
  .string()
  .min(3)
  .max(512)
  .regex(
    /^[a-z0-9.-]+:\S+$/,
    "must be a canonical identity such as github:<login> or npm:<user> (addresses are paid directly and need no binding)",
  )
  .meta({
    description: "Canonical identity string (accountId = keccak256 of its UTF-8 bytes)",
    example: "github:alice",
  });

const identityProof = z
  .discriminatedUnion("method", [
    z.strictObject({
      method: z.literal("github"),
      repository: z
        .string()
        .regex(/^(?!\.\.?$)[A-Za-z0-9._-]{1,100}$/, "must be a repository name of the account")
        .optional()
        .meta({ description: "A repository of the account; default: <login>/.github, then <login>/<login>" }),
      gist: z
        .string()
        .regex(/^[0-9a-fA-F]{1,64}$/, "must be a gist id")
        .optional()
        .meta({ description: "A gist of the account holding funding.json or FUNDING.json" }),
    }),
    z.strictObject({
      method: z.literal("well-known"),
      manifestUrl: z.url().max(2000).optional().meta({
        description: "One URL the domain's /.well-known/funding-manifest-urls lists (default: each)",
      }),
    }),
  ])
  .refine((p) => p.method !== "github" || p.repository === undefined || p.gist === undefined, {
    message: "name a repository or a gist, not both",
  })
  .meta({
    description:
      "Where the attestor reads a manifest naming the payee itself (github: for github:<login>; well-known: for url:<domain>). " +
      "The signed manifestHash is then 32 zero bytes.",
  });

const base64 = z
  .string()
  .min(1)
  .max(350_000)
  .refine(isStandardBase64, "must be standard base64")
  .transform((value) => new Uint8Array(Buffer.from(value, "base64")))
  .refine((bytes) => bytes.length <= 256 * 1024, "the manifest may be at most 256 KiB")
  .meta({ description: "The manifest's exact bytes, base64 (its sha256 is the signed manifestHash)" });

/** What every binding request carries besides its evidence. */
const signedRequestFields = {
  identity: bindingIdentity,
  payee: address
    .refine((a) => !/^0x0{40}$/.test(a), "the payee cannot be the zero address")
    .meta({ description: "The wallet to be paid; it must sign this request" }),
  nonce: hash32.meta({ description: "32 random bytes, never reused by this payee" }),
  deadline: uintString
    .transform((v) => BigInt(v))
    .meta({
      description: "Unix seconds (decimal string); at most BINDING_REQUEST_MAX_AGE_SECONDS ahead",
    }),
  signature: z
    .string()
    .regex(/^0x([0-9a-fA-F]{2})+$/, "must be 0x-hex bytes")
    .transform((v) => v.toLowerCase() as `0x${string}`)
    .meta({
      description: "The payee's EIP-712 signature of BindingRequest (see GET /v1/attestations/info)",
    }),
};

export const githubSignInRequest = z
  .strictObject(signedRequestFields)
  .register(requestSchemas, { id: "GitHubSignInRequest" });

export const createAttestationRequest = z
  .strictObject({
    identity: signedRequestFields.identity,
    payee: signedRequestFields.payee,
    manifest: z
      .strictObject({
        name: z
          .string()
          .regex(
            /^[A-Za-z0-9._-]{1,100}$/,
            "must be a file name such as funding.json, FUNDING.json or package.json",
          )
          .meta({ example: "funding.json" }),
        content: base64,
      })
      .optional()
      .meta({ description: "The manifest itself, for the trusted-copy path (absent with `proof`)" }),
    proof: identityProof.optional(),
    nonce: signedRequestFields.nonce,
    deadline: signedRequestFields.deadline,
    signature: signedRequestFields.signature,
  })
  .refine((body) => (body.manifest === undefined) !== (body.proof === undefined), {
    message:
      "send either manifest (the trusted-copy path) or proof (the attestor fetches the manifest), not both",
    path: ["proof"],
  })
  .register(requestSchemas, { id: "CreateAttestationRequest" });

const bindingRequestView = z.object({
  id: uintString,
  status: z.enum(["received", "rejected", "attested", "confirmed"]),
  identity: z.string(),
  accountId: z.string(),
  payee: z.string(),
  chainId: z.number().nullable(),
  registry: z.string().nullable(),
  manifestSource: z.string(),
  manifestSha256: z.string().nullable(),
  reasonCode: z.string().nullable().meta({ description: "Which check failed (status rejected)" }),
  reason: z.string().nullable(),
  trustedSource: z.string().nullable().meta({
    description:
      "Where the manifest was found: a trusted copy (run:<id>/<name> or file:<path>) or the URL a proof read",
  }),
  proofMethod: z.string().nullable().meta({ description: "github or well-known; null for a trusted copy" }),
  subjectId: z
    .string()
    .nullable()
    .meta({ description: "The account's stable id at the proof's source (GitHub's numeric user id)" }),
  attestation: z
    .object({ nonce: uintString, deadline: uintString, attestor: z.string(), signature: z.string() })
    .nullable(),
  createdAt: z.string().meta({ format: "date-time" }),
  updatedAt: z.string().meta({ format: "date-time" }),
  confirmedAt: z.string().meta({ format: "date-time" }).nullable(),
});

export const attestationResponse = z
  .object({
    request: bindingRequestView,
    attestation: z
      .object({ accountId: hexOut, payee: hexOut, nonce: uintString, deadline: uintString })
      .meta({ description: "IIdentityRegistry.Attestation, as signed" }),
    identity: z.string(),
    attestor: hexOut,
    signature: hexOut,
    registry: hexOut,
    chainId: z.number(),
    transaction: z.object({ to: hexOut, data: hexOut }).meta({
      description: "submitAttestation(attestation, identity, attestor, signature); anyone may send it",
    }),
  })
  .register(responseSchemas, { id: "Attestation" });

export const bindingRequestResponse = z
  .object({
    request: bindingRequestView,
    onChain: z
      .object({
        payee: z.string(),
        nonce: uintString,
        pendingPayee: z.string(),
        pendingExecutableAt: uintString,
      })
      .nullable()
      .meta({ description: "The registry's view of the identity now (null without a chain)" }),
    onChainError: z
      .string()
      .optional()
      .meta({ description: "Why `onChain` is null although a chain is configured (the RPC failed)" }),
  })
  .register(responseSchemas, { id: "BindingRequest" });

export const attestationInfoResponse = z
  .object({
    enabled: z.boolean(),
    chainId: z.number().nullable(),
    registry: hexOut.nullable(),
    attestor: hexOut.nullable(),
    domain: z
      .object({ name: z.string(), version: z.string(), chainId: z.number(), verifyingContract: hexOut })
      .nullable(),
    types: z.record(z.string(), z.array(z.object({ name: z.string(), type: z.string() }))),
    primaryType: z.literal("BindingRequest"),
    maxAgeSeconds: z.number().nullable(),
    attestationTtlSeconds: z.number().nullable(),
    proofMethods: z
      .array(z.object({ method: z.string(), identityPrefix: z.string() }))
      .meta({ description: "Proofs the attestor checks itself (POST /v1/attestations `proof.method`)" }),
    trustedCopies: z
      .boolean()
      .meta({ description: "Whether a submitted manifest with a trusted copy is accepted" }),
    githubSignIn: z.boolean().meta({
      description:
        "Whether Sign in with GitHub proves github:<login> (POST /v1/attestations/github/authorize)",
    }),
  })
  .register(responseSchemas, { id: "AttestationInfo" });

const bindingParams = z.object({
  id: positiveId(18, "must be a positive integer"),
});

function view(record: BindingRecord) {
  return {
    id: record.id.toString(),
    status: record.status,
    identity: record.identity,
    accountId: record.accountId,
    payee: record.payee,
    chainId: record.chainId,
    registry: record.registry,
    manifestSource: record.manifestSource,
    manifestSha256: record.manifestSha256,
    reasonCode: record.reasonCode,
    reason: record.reason,
    trustedSource: record.trustedSource,
    proofMethod: record.proofMethod,
    subjectId: record.subjectId,
    attestation:
      record.attestor && record.nonce !== null && record.deadline !== null && record.signature
        ? {
            nonce: record.nonce.toString(),
            deadline: record.deadline.toString(),
            attestor: record.attestor,
            signature: record.signature,
          }
        : null,
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
    confirmedAt: record.confirmedAt?.toISOString() ?? null,
  };
}

const githubSignInResponse = z
  .object({
    authorizeUrl: z.string().meta({ description: "GitHub's authorize URL, to send the browser to" }),
  })
  .register(responseSchemas, { id: "GitHubSignIn" });

/** Where GitHub sends the browser back: PUBLIC_BASE_URL, else the origin the request came to. */
const callbackUrl = (publicBaseUrl: string | undefined, req: Request) =>
  `${publicBaseUrl ?? `${req.protocol}://${req.get("host") ?? "localhost"}`}/v1/attestations/github/callback`;

export function attestationRoutes(attestations: AttestationService, publicBaseUrl?: string): AnyRoute[] {
  return [
    route({
      method: "post",
      path: "/v1/attestations/github/authorize",
      operationId: "startGitHubSignIn",
      summary: "Sign in with GitHub: start the OAuth web flow for a signed binding request of github:<login>",
      description:
        "The payee signs a BindingRequest for github:<login> with manifestHash = 32 zero bytes; the answer is GitHub's " +
        "authorize URL (client id, a state naming this request, a PKCE challenge). GitHub sends the browser back to " +
        "GET /v1/attestations/github/callback, which checks the request, that the account that signed in is <login>, " +
        "and signs the attestation. 422 METHOD_UNSUPPORTED when no GITHUB_OAUTH_CLIENT_ID is configured.",
      tags: ["identity"],
      body: githubSignInRequest,
      responses: {
        200: {
          description: "Where to send the browser",
          schema: githubSignInResponse,
        },
        422: { description: "BINDING_REJECTED: METHOD_UNSUPPORTED" },
        503: { description: "No attestor key, registry or chain" },
      },
    }).handle(async ({ body, req }) => ({
      body: attestations.startGitHubSignIn(body, callbackUrl(publicBaseUrl, req)),
    })),
    route({
      method: "get",
      path: "/v1/attestations/github/callback",
      operationId: "finishGitHubSignIn",
      summary: "Sign in with GitHub: where GitHub sends the browser back; redirects to the Claim page",
      description:
        "Exchanges the code (with the PKCE verifier) at GitHub's access_token endpoint, reads GET /user, and runs the " +
        "binding request the state names with that account as its proof. Redirects to `/?binding=<request id>#claim` " +
        "(GET /v1/attestations/{id} then has the signed attestation), or on a refusal to " +
        "`/?binding-error=<reason>&message=<what to do next>#claim`.",
      tags: ["identity"],
      query: z.object({
        code: z.string().max(500).optional(),
        state: z.string().max(200).optional(),
        error: z.string().max(200).optional(),
        error_description: z.string().max(500).optional(),
      }),
      responses: { 302: { description: "To the Claim page, with the request id or the refusal" } },
    }).handle(async ({ query, req }) => {
      const back = (params: Record<string, string>) => ({
        status: 302 as const,
        headers: { Location: `/?${new URLSearchParams(params)}#claim` },
        body: "",
      });
      if (query.error || !query.code || !query.state)
        return back({
          "binding-error": "SIGN_IN_CANCELLED",
          message: `GitHub did not sign you in (${query.error_description ?? query.error ?? "no code"}); start Sign in with GitHub again`,
        });
      try {
        const result = await attestations.finishGitHubSignIn(
          query.state,
          query.code,
          callbackUrl(publicBaseUrl, req),
        );
        return back({ binding: result.id.toString() });
      } catch (error) {
        if (!(error instanceof ServerError) || !error.reason) throw error;
        return back({
          "binding-error": error.reason,
          message: [error.shortMessage, error.details].filter(Boolean).join(": "),
        });
      }
    }),
    route({
      method: "get",
      path: "/v1/attestations/info",
      operationId: "getAttestationInfo",
      summary: "EIP-712 domain and types a maintainer signs to ask for an identity attestation",
      tags: ["identity"],
      responses: { 200: { description: "Domain, types, limits", schema: attestationInfoResponse } },
    }).handle(async () => ({ body: attestations.info() })),
    route({
      method: "post",
      path: "/v1/attestations",
      operationId: "createAttestation",
      summary: "Ask the attestor to bind an identity to a payee from a funding manifest",
      description:
        "The payee wallet signs an EIP-712 BindingRequest(identity, payee, manifestHash = sha256 of the manifest bytes, " +
        "nonce, deadline). With `proof` instead of `manifest` (manifestHash = 32 zero bytes) the attestor reads the manifest " +
        "itself where only the identity's owner can write: GitHub (github:<login>: <login>/.github, <login>/<login>, a named " +
        "repository or gist of the account) or a project domain (url:<domain>: its /.well-known/funding-manifest-urls), and " +
        "requires it to name the payee as a payout address. With `manifest`, the server checks the signature, that the engine's funding-manifest parser finds the identity " +
        "with the payee as its payout address, that a byte-identical copy of the manifest is among the manifests it trusts " +
        "(run inputs, TRUSTED_MANIFEST_DIRS), and that the registry does not already pay the payee; then it returns the " +
        "registry Attestation signed by its ATTESTOR key, with the registry's current nonce for the identity. Every request " +
        "is recorded. 403 BINDING_DENIED / 422 BINDING_REJECTED carry `reason` (see docs/identity.md).",
      tags: ["identity"],
      body: createAttestationRequest,
      responses: {
        201: {
          description: "The signed attestation and ready submitAttestation calldata",
          schema: attestationResponse,
        },
        403: { description: `BINDING_DENIED: ${DENIED_REASONS.join(", ")}` },
        422: { description: `BINDING_REJECTED: ${REJECTED_REASONS.join(", ")}` },
        503: {
          description: `No attestor key, registry or chain; or VERIFIER_UNAVAILABLE: ${UNAVAILABLE_REASONS.join(", ")} (retry with a new signed request)`,
        },
      },
    }).handle(async ({ body }) => {
      const result = await attestations.request(body);
      return {
        status: 201,
        headers: { Location: `/v1/attestations/${result.id}` },
        body: {
          request: view(result.record),
          attestation: {
            accountId: result.attestation.accountId,
            payee: result.attestation.payee,
            nonce: result.attestation.nonce.toString(),
            deadline: result.attestation.deadline.toString(),
          },
          identity: result.identity,
          attestor: getAddress(result.attestor),
          signature: result.signature,
          registry: result.registry,
          chainId: result.chainId,
          transaction: result.transaction,
        },
      };
    }),
    route({
      method: "get",
      path: "/v1/attestations/:id",
      operationId: "getBindingRequest",
      summary:
        "A binding request's status (received, rejected, attested, confirmed once the registry shows it)",
      tags: ["identity"],
      params: bindingParams,
      responses: {
        200: {
          description: "The request and the registry's view of the identity",
          schema: bindingRequestResponse,
        },
        404: { description: "Unknown request" },
      },
    }).handle(async ({ params }) => {
      const { record, onChain, onChainError } = await attestations.get(params.id);
      return {
        body: {
          request: view(record),
          ...(onChainError ? { onChainError } : {}),
          onChain: onChain
            ? {
                payee: onChain.payee,
                nonce: onChain.nonce.toString(),
                pendingPayee: onChain.pendingPayee,
                pendingExecutableAt: onChain.pendingExecutableAt.toString(),
              }
            : null,
        },
      };
    }),
  ];
}
