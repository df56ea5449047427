import { keccak256, type Address, type Hex } from "viem";
import { z } from "zod/v4";
import { ServerError } from "../errors.ts";
import type { AdminDomainRepository } from "../repositories/admin-domain.ts";
import type { NonceRepository } from "../repositories/nonces.ts";
import type { HasRole, Role, RoleScope } from "./roles.ts";
import { signedBy, type SignatureChain } from "./signatures.ts";
import { ADMIN_HEADERS, ADMIN_REQUEST_TYPES, adminDomain } from "@wellspring/sdk/eip712";

/**
 * Admin requests are signed with EIP-712 by an address that holds the endpoint's role. The
 * signature covers the method, the path with its query, the keccak256 of the exact body bytes, a
 * client-chosen random nonce and a deadline; the server stores used nonces until the deadline,
 * so a captured request cannot be replayed or altered. The domain names the deployment (its
 * registry as `verifyingContract`, and the salt of the database that records the nonces), so a
 * request signed for one server is refused by any other, even on the same chain.
 */
export {
  ADMIN_DOMAIN_NAME,
  ADMIN_DOMAIN_VERSION,
  ADMIN_HEADERS,
  ADMIN_REQUEST_TYPES,
  adminDomain,
} from "@wellspring/sdk/eip712";

/** The admin EIP-712 domain of one deployment, as GET /v1/admin/auth-info serves it. */
export type AdminDomain = ReturnType<typeof adminDomain> & { verifyingContract?: Address; salt: Hex };

/** This deployment's admin domain, read once from the database (a failed read is retried). */
export class AdminDomainSource {
  private domain: Promise<AdminDomain> | undefined;
  constructor(
    private readonly repository: AdminDomainRepository,
    private readonly chainId: number,
    /** The deployment's IdentityRegistry (whose admin is the ADMIN role), when known. */
    private readonly verifyingContract?: Address,
  ) {}

  get(): Promise<AdminDomain> {
    this.domain ??= this.repository.salt().then(
      (salt) => ({
        ...adminDomain(this.chainId),
        ...(this.verifyingContract ? { verifyingContract: this.verifyingContract } : {}),
        salt,
      }),
      (error: unknown) => {
        this.domain = undefined;
        throw error;
      },
    );
    return this.domain;
  }
}

export interface AdminRequestMessage {
  method: string;
  path: string;
  bodyHash: Hex;
  nonce: Hex;
  deadline: bigint;
}

/** keccak256 of the raw body bytes; an empty or absent body hashes the empty string. */
export function bodyHash(body: Uint8Array | undefined): Hex {
  return keccak256(body ?? new Uint8Array());
}

const headerSchema = z.object({
  address: z.string().regex(/^0x[0-9a-fA-F]{40}$/),
  nonce: z.string().regex(/^0x[0-9a-fA-F]{64}$/),
  deadline: z.string().regex(/^[0-9]{1,15}$/),
  signature: z.string().regex(/^0x([0-9a-fA-F]{2})+$/),
});

export interface AdminIdentity {
  address: Address;
  role: Role;
}

export interface AdminAuthenticatorOptions {
  domain: AdminDomainSource;
  hasRole: HasRole;
  nonces: NonceRepository;
  /** Deadlines further ahead than this are refused, which bounds how long nonces are kept. */
  maxAgeSeconds: number;
  now: () => number;
  /** For contract signers (ERC-1271, e.g. a multisig admin); absent = ordinary keys only. */
  chain?: SignatureChain | undefined;
}

export class AdminAuthenticator {
  private lastPrune = 0;
  constructor(private readonly options: AdminAuthenticatorOptions) {}

  async authenticate(
    request: {
      method: string;
      path: string;
      headers: Record<string, string | string[] | undefined>;
      rawBody: Uint8Array | undefined;
    },
    role: Role,
    /** What the request concerns (e.g. its pool), resolved once the signature is known to be good. */
    scope?: () => Promise<RoleScope | undefined>,
  ): Promise<AdminIdentity> {
    const raw = Object.fromEntries(
      Object.entries(ADMIN_HEADERS).map(([key, header]) => [key, request.headers[header]]),
    );
    if (raw.signature === undefined && raw.address === undefined) {
      throw new ServerError(
        "AUTH_REQUIRED",
        `this endpoint needs an EIP-712 signed request from an address with role ${role}`,
      );
    }
    const parsed = headerSchema.safeParse(raw);
    if (!parsed.success) {
      throw new ServerError("AUTH_INVALID", "malformed authentication headers", {
        issues: parsed.error.issues.map((i) => ({
          path: ADMIN_HEADERS[i.path[0] as keyof typeof ADMIN_HEADERS] ?? "headers",
          message: i.message,
        })),
      });
    }
    const { address, nonce, signature } = parsed.data;
    const deadline = BigInt(parsed.data.deadline);
    const nowSeconds = BigInt(Math.floor(this.options.now() / 1000));
    if (deadline < nowSeconds)
      throw new ServerError("AUTH_EXPIRED", "the signed request's deadline has passed");
    if (deadline > nowSeconds + BigInt(this.options.maxAgeSeconds)) {
      throw new ServerError(
        "AUTH_EXPIRED",
        `the deadline may be at most ${this.options.maxAgeSeconds} seconds ahead`,
      );
    }
    const message: AdminRequestMessage = {
      method: request.method.toUpperCase(),
      path: request.path,
      bodyHash: bodyHash(request.rawBody),
      nonce: nonce as Hex,
      deadline,
    };
    const valid = await signedBy(
      address as Address,
      {
        domain: await this.options.domain.get(),
        types: ADMIN_REQUEST_TYPES,
        primaryType: "AdminRequest",
        message: { ...message },
        signature: signature as Hex,
      },
      this.options.chain,
    );
    if (!valid)
      throw new ServerError(
        "AUTH_INVALID",
        "the signature does not match the request, the address and this server's admin domain (GET /v1/admin/auth-info)",
      );

    const signer = address.toLowerCase() as Address;
    if (!(await this.options.hasRole(role, signer, await scope?.()))) {
      throw new ServerError("FORBIDDEN", `address ${signer} does not hold role ${role}`);
    }
    const expiresAt = new Date(Number(deadline) * 1000 + 1000);
    if (!(await this.options.nonces.consume(signer, nonce as Hex, expiresAt))) {
      throw new ServerError("AUTH_REPLAYED", "this nonce was already used");
    }
    await this.pruneNoncesOccasionally();
    return { address: signer, role };
  }

  private async pruneNoncesOccasionally(): Promise<void> {
    const now = this.options.now();
    if (now - this.lastPrune < 60_000) return;
    this.lastPrune = now;
    await this.options.nonces.prune(new Date(now));
  }
}
