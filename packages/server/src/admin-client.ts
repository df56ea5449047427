import { toHex, type Account, type Address, type Hex } from "viem";
import { ADMIN_HEADERS, ADMIN_REQUEST_TYPES, bodyHash, type AdminDomain } from "./auth/admin-auth.ts";

/** Anything that signs EIP-712 typed data: a local viem account or a wallet client's account. */
export type AdminSigner = Pick<Account, "address"> & {
  signTypedData: NonNullable<Extract<Account, { type: "local" }>["signTypedData"]>;
};

/**
 * The admin EIP-712 domain of the server at `baseUrl` (GET /v1/admin/auth-info): it names that
 * deployment, so a signature made for it is good there only. `chainId`, when given, must match.
 */
export async function fetchAdminDomain(baseUrl: string, chainId?: number): Promise<AdminDomain> {
  const res = await fetch(new URL("/v1/admin/auth-info", baseUrl));
  if (!res.ok) throw new Error(`${baseUrl} GET /v1/admin/auth-info answered ${res.status}`);
  const { domain } = (await res.json()) as { domain: AdminDomain };
  if (chainId !== undefined && domain.chainId !== chainId)
    throw new Error(`${baseUrl} serves chain ${domain.chainId}, not ${chainId}`);
  return domain;
}

/**
 * Sends one signed admin request (docs/api.md "Admin authentication") from Node: the EIP-712
 * AdminRequest over method, path, body hash, a random nonce and a short deadline, in the domain
 * the server serves. For scripts (`npm start`) and tests; the web pages sign the same message
 * through the wallet.
 */
export async function adminFetch(
  baseUrl: string,
  signer: AdminSigner,
  request: {
    /** The chain the caller means; refused when the server serves another. */
    chainId?: number;
    method: "POST" | "PUT" | "DELETE";
    path: string;
    body?: unknown;
    ttlSeconds?: number;
  },
): Promise<Response> {
  const text = request.body === undefined ? undefined : JSON.stringify(request.body);
  const bytes = text === undefined ? undefined : new TextEncoder().encode(text);
  const nonce: Hex = toHex(crypto.getRandomValues(new Uint8Array(32)));
  const deadline = BigInt(Math.floor(Date.now() / 1000) + (request.ttlSeconds ?? 60));
  const domain = await fetchAdminDomain(baseUrl, request.chainId);
  const signature = await signer.signTypedData({
    domain,
    types: ADMIN_REQUEST_TYPES,
    primaryType: "AdminRequest",
    message: { method: request.method, path: request.path, bodyHash: bodyHash(bytes), nonce, deadline },
  });
  const address: Address = signer.address;
  return fetch(new URL(request.path, baseUrl), {
    method: request.method,
    headers: {
      ...(text === undefined ? {} : { "content-type": "application/json" }),
      [ADMIN_HEADERS.address]: address,
      [ADMIN_HEADERS.nonce]: nonce,
      [ADMIN_HEADERS.deadline]: deadline.toString(),
      [ADMIN_HEADERS.signature]: signature,
    },
    ...(bytes === undefined ? {} : { body: bytes }),
  });
}
