/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// The server's HTTP API: JSON reads, typed errors with field paths, and EIP-712-signed admin calls.
// No DOM here: controllers take an Api, so Node tests give them one over a real server.
import { type Hex, type TypedDataDomain, bytesToHex, keccak256, stringToBytes } from "viem";

import type { Schedule, Verification } from "@wellspring/server/api-types";
import { ADMIN_HEADERS, ADMIN_REQUEST_TYPES } from "@wellspring/sdk/eip712";
import { type Wallet, WalletError, isUserRejection } from "./wallet.ts";

export interface FieldIssue {
  path: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: FieldIssue[] = [],
    /** A refusal's reason code, where the endpoint gives one (e.g. the attestor's checks). */
    readonly reason?: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

async function parse<T>(res: Response): Promise<T> {
  const text = await res.text();
  const body: unknown = text ? JSON.parse(text) : undefined;
  if (!res.ok) {
    const err = (
      body as
        { error?: { code?: string; message?: string; issues?: FieldIssue[]; reason?: string } } | undefined
    )?.error;
    throw new ApiError(
      res.status,
      err?.code ?? `HTTP_${res.status}`,
      err?.message ?? res.statusText,
      err?.issues ?? [],
      err?.reason,
    );
  }
  return body as T;
}

/** The server's API as the pages use it; `base` is "" in the browser (same origin), a URL in tests. */
export interface Api {
  get<T>(path: string): Promise<T>;
  /** A public (unsigned) JSON POST. */
  post<T>(path: string, body: unknown): Promise<T>;
  /** All pages of a paginated list (nextCursor), `after` or `cursor` as the endpoint names it. */
  getAll<T>(
    path: string,
    key: string,
    cursorParam: "after" | "cursor",
    max?: number,
    pageSize?: number,
  ): Promise<T[]>;
  /**
   * An admin request signed by the connected wallet (docs/api.md): EIP-712 AdminRequest over the
   * method, the path with its query, keccak256 of the exact body bytes, a random nonce and a deadline.
   */
  signedRequest<T>(
    wallet: Wallet,
    method: "POST" | "PUT" | "DELETE",
    path: string,
    body: unknown,
  ): Promise<T>;
}

export function createApi(base = ""): Api {
  const get = async <T>(path: string): Promise<T> =>
    parse<T>(await fetch(base + path, { headers: { accept: "application/json" } }));

  let adminDomainOnce: Promise<TypedDataDomain & { chainId: number }> | undefined;
  /**
   * The server's admin EIP-712 domain (GET /v1/admin/auth-info), read once: it names the deployment
   * (its registry and its database's salt), so a signature is good on this server only.
   */
  const serverAdminDomain = async (expectedChainId: number): Promise<TypedDataDomain> => {
    adminDomainOnce ??= get<{ domain: TypedDataDomain & { chainId: number } }>("/v1/admin/auth-info").then(
      (info) => info.domain,
      (error: unknown) => {
        adminDomainOnce = undefined;
        throw error;
      },
    );
    const domain = await adminDomainOnce;
    if (domain.chainId !== expectedChainId)
      throw new Error(`the server serves chain ${domain.chainId}, the page expected ${expectedChainId}`);
    return domain;
  };

  return {
    get,
    async post<T>(path: string, body: unknown): Promise<T> {
      return parse<T>(
        await fetch(base + path, {
          method: "POST",
          headers: { "content-type": "application/json", accept: "application/json" },
          body: JSON.stringify(body),
        }),
      );
    },
    async getAll<T>(
      path: string,
      key: string,
      cursorParam: "after" | "cursor",
      max = 100_000,
      pageSize = 500,
    ): Promise<T[]> {
      const out: T[] = [];
      let cursor: string | null = null;
      do {
        const sep = path.includes("?") ? "&" : "?";
        const url: string = `${path}${sep}limit=${pageSize}${cursor ? `&${cursorParam}=${encodeURIComponent(cursor)}` : ""}`;
        const page: Record<string, T[]> & { nextCursor: string | null } = await get(url);
        out.push(...(page[key] ?? []));
        cursor = page.nextCursor;
      } while (cursor && out.length < max);
      return out;
    },
    async signedRequest<T>(
      wallet: Wallet,
      method: "POST" | "PUT" | "DELETE",
      path: string,
      body: unknown,
    ): Promise<T> {
      const { account, wallet: client } = wallet.ready();
      const text = body === undefined ? "" : JSON.stringify(body);
      const nonce = bytesToHex(crypto.getRandomValues(new Uint8Array(32))) as Hex;
      const deadline = BigInt(Math.floor(Date.now() / 1000) + 120);
      const domain = await serverAdminDomain(wallet.expectedChainId);
      let signature: Hex;
      try {
        signature = await client.signTypedData({
          account,
          domain,
          types: ADMIN_REQUEST_TYPES,
          primaryType: "AdminRequest",
          message: { method, path, bodyHash: keccak256(stringToBytes(text)), nonce, deadline },
        });
      } catch (error) {
        if (isUserRejection(error))
          throw new WalletError("REJECTED", "You rejected the signature request in your wallet.", error);
        throw error;
      }
      const res = await fetch(base + path, {
        method,
        headers: {
          "content-type": "application/json",
          [ADMIN_HEADERS.address]: account,
          [ADMIN_HEADERS.nonce]: nonce,
          [ADMIN_HEADERS.deadline]: deadline.toString(),
          [ADMIN_HEADERS.signature]: signature,
        },
        ...(text ? { body: text } : {}),
      });
      return parse<T>(res);
    },
  };
}

// Response shapes: the server's own types, inferred from its route schemas (amounts are decimal strings).
export type {
  AttestationAnswer,
  AttestationInfo,
  Balance,
  Deployment,
  Deposit,
  PayerDeposit,
  PolicyDiff,
  PolicyLine,
  PolicyVersionList,
  Pool,
  PoolDetail,
  Recipient,
  RecipientRank,
  Run,
  RunDiff,
  RunList,
  RunSummary,
  RecipientWhy,
  Schedule,
  TopRecipients,
  Verification,
  WalletHome,
} from "@wellspring/server/api-types";
/** The latest verification in one line ("verified by X at …"), or "not checked". */
export function verificationText(
  latest: Pick<Verification, "status" | "differences" | "verifier" | "verifiedAt"> | undefined,
): string {
  if (!latest) return "not checked";
  const when = new Date(latest.verifiedAt).toISOString().replace("T", " ").slice(0, 16);
  return `${latest.status} by ${latest.verifier}, ${when} UTC`;
}

/**
 * The run a schedule was published from: the Admin page proposes with its bundle's URL,
 * `<origin>/v1/runs/<id>/bundle` (older proposals: `/v1/runs/<id>`).
 */
export function runIdOfUri(uri: string): string | undefined {
  const m = /(?:^|\/)v1\/runs\/([A-Za-z0-9_-]+)(?:\/bundle)?$/.exec(uri);
  return m?.[1];
}

/** The stored run with the schedule's table: the server's match by root, else the one its uri names. */
export function scheduleRunId(schedule: Pick<Schedule, "runId" | "uri">): string | undefined {
  return schedule.runId ?? runIdOfUri(schedule.uri);
}
