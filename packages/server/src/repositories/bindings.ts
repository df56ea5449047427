import { getAddress, type Address, type Hex } from "viem";
import { bytea, type Database, type Queryable } from "../db/database.ts";

export type BindingStatus = "received" | "rejected" | "attested" | "confirmed";

export interface NewBindingRequest {
  chainId: number;
  registry: Address;
  accountId: Hex;
  identity: string;
  payee: Address;
  /** The file name the maintainer gave (funding.json, FUNDING.json, package.json). */
  manifestSource: string;
  /** The manifest as JSON (a JSON string holding the text when it did not parse). */
  manifest: unknown;
  manifestSha256: Hex;
  manifestContent: Uint8Array;
  requestNonce: Hex;
  requestDeadline: bigint;
  requestSignature: Hex;
}

export interface BindingRecord {
  id: bigint;
  chainId: number | null;
  registry: Address | null;
  accountId: Hex;
  identity: string;
  payee: Address;
  manifestSource: string;
  manifestSha256: Hex | null;
  status: BindingStatus;
  reasonCode: string | null;
  reason: string | null;
  trustedSource: string | null;
  /** How the identity was proved (`github`, `well-known`); null for the trusted-copy path. */
  proofMethod: string | null;
  /** The account's stable id at the proof's source (GitHub's numeric user id), beside the login. */
  subjectId: string | null;
  attestor: Address | null;
  nonce: bigint | null;
  deadline: bigint | null;
  signature: Hex | null;
  createdAt: Date;
  updatedAt: Date;
  confirmedAt: Date | null;
}

type BindingRow = {
  id: string;
  chain_id: string | null;
  registry: Hex | null;
  account_id: Hex;
  identity: string;
  payee: Hex;
  manifest_source: string;
  manifest_sha256: Hex | null;
  status: BindingStatus;
  reason_code: string | null;
  reason: string | null;
  trusted_source: string | null;
  proof_method: string | null;
  subject_id: string | null;
  attestor: Hex | null;
  nonce: string | null;
  deadline: string | null;
  signature: Hex | null;
  created_at: Date;
  updated_at: Date;
  confirmed_at: Date | null;
};

const COLUMNS = `b.id, b.chain_id, b.registry, b.account_id, i.identity, b.payee, b.manifest_source, b.manifest_sha256,
  b.status, b.reason_code, b.reason, b.trusted_source, b.proof_method, b.subject_id, b.attestor, b.nonce, b.deadline, b.signature,
  b.created_at, b.updated_at, b.confirmed_at`;

const toRecord = (r: BindingRow): BindingRecord => ({
  id: BigInt(r.id),
  chainId: r.chain_id === null ? null : Number(r.chain_id),
  registry: r.registry === null ? null : getAddress(r.registry),
  accountId: r.account_id,
  identity: r.identity,
  payee: getAddress(r.payee),
  manifestSource: r.manifest_source,
  manifestSha256: r.manifest_sha256,
  status: r.status,
  reasonCode: r.reason_code,
  reason: r.reason,
  trustedSource: r.trusted_source,
  proofMethod: r.proof_method,
  subjectId: r.subject_id,
  attestor: r.attestor === null ? null : getAddress(r.attestor),
  nonce: r.nonce === null ? null : BigInt(r.nonce),
  deadline: r.deadline === null ? null : BigInt(r.deadline),
  signature: r.signature,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  confirmedAt: r.confirmed_at,
});

/** Where a manifest with a given sha256 was found among the trusted copies the database holds. */
export interface TrustedCopy {
  source: string;
}

/** Binding requests (table `binding_requests`, columns of 0001, 0004 and 0010). */
export class BindingRepository {
  constructor(private readonly db: Database) {}

  private async ensureIdentity(tx: Queryable, accountId: Hex, identity: string): Promise<void> {
    await tx.query("INSERT INTO identities (account_id, identity) VALUES ($1, $2) ON CONFLICT DO NOTHING", [
      bytea(accountId),
      identity,
    ]);
  }

  private values(request: NewBindingRequest) {
    return [
      request.chainId,
      bytea(request.registry.toLowerCase()),
      bytea(request.accountId),
      bytea(request.payee.toLowerCase()),
      request.manifestSource,
      JSON.stringify(request.manifest),
      bytea(request.manifestSha256),
      request.manifestContent,
      request.requestDeadline,
      bytea(request.requestSignature),
    ] as const;
  }

  /**
   * Records a request whose signature verified, status `received`, consuming its nonce. Returns
   * undefined when the payee already used that nonce (a replay): the unique index is the check, so
   * two instances racing on one signed request accept it once.
   */
  async insertReceived(request: NewBindingRequest): Promise<bigint | undefined> {
    return this.db.transaction(async (tx) => {
      await this.ensureIdentity(tx, request.accountId, request.identity);
      const { rows } = await tx.query<{ id: string }>(
        `INSERT INTO binding_requests (chain_id, registry, account_id, payee, manifest_source, manifest, manifest_sha256,
           manifest_content, request_deadline, request_signature, request_nonce, status)
         VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $10, $11, 'received')
         ON CONFLICT (payee, request_nonce) WHERE request_nonce IS NOT NULL DO NOTHING
         RETURNING id`,
        [...this.values(request), bytea(request.requestNonce)],
      );
      return rows[0] ? BigInt(rows[0].id) : undefined;
    });
  }

  /**
   * Records a request refused before its nonce could be trusted (bad signature, expired, replayed):
   * status `rejected`, nonce not stored, so a forged request cannot burn the payee's nonce.
   */
  async insertRejected(request: NewBindingRequest, reasonCode: string, reason: string): Promise<bigint> {
    return this.db.transaction(async (tx) => {
      await this.ensureIdentity(tx, request.accountId, request.identity);
      const { rows } = await tx.query<{ id: string }>(
        `INSERT INTO binding_requests (chain_id, registry, account_id, payee, manifest_source, manifest, manifest_sha256,
           manifest_content, request_deadline, request_signature, status, reason_code, reason)
         VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $10, 'rejected', $11, $12)
         RETURNING id`,
        [...this.values(request), reasonCode, reason],
      );
      return BigInt((rows[0] as { id: string }).id);
    });
  }

  async reject(id: bigint, reasonCode: string, reason: string): Promise<void> {
    await this.db.query(
      `UPDATE binding_requests SET status = 'rejected', reason_code = $2, reason = $3, updated_at = now()
       WHERE id = $1 AND status = 'received'`,
      [id, reasonCode, reason],
    );
  }

  /** Stores the manifest a proof verifier fetched, and the account id it resolved. */
  async recordProof(
    id: bigint,
    proof: {
      method: string;
      manifestSource: string;
      manifest: unknown;
      manifestSha256: Hex;
      manifestContent: Uint8Array;
      subjectId: string | null;
    },
  ): Promise<void> {
    await this.db.query(
      `UPDATE binding_requests SET proof_method = $2, manifest_source = $3, manifest = $4::jsonb, manifest_sha256 = $5,
         manifest_content = $6, subject_id = $7, updated_at = now()
       WHERE id = $1 AND status = 'received'`,
      [
        id,
        proof.method,
        proof.manifestSource,
        JSON.stringify(proof.manifest),
        bytea(proof.manifestSha256),
        proof.manifestContent,
        proof.subjectId,
      ],
    );
  }

  /** The account ids earlier attested bindings of this identity recorded for a proof method. */
  async subjectsOf(accountId: Hex, method: string): Promise<string[]> {
    const { rows } = await this.db.query<{ subject_id: string }>(
      `SELECT DISTINCT subject_id FROM binding_requests
       WHERE account_id = $1 AND proof_method = $2 AND subject_id IS NOT NULL AND status IN ('attested', 'confirmed')`,
      [bytea(accountId), method],
    );
    return rows.map((r) => r.subject_id);
  }

  async attest(
    id: bigint,
    attestation: {
      attestor: Address;
      nonce: bigint;
      deadline: bigint;
      signature: Hex;
      trustedSource: string;
    },
  ): Promise<void> {
    await this.db.query(
      `UPDATE binding_requests SET status = 'attested', attestor = $2, nonce = $3, deadline = $4, signature = $5,
         trusted_source = $6, updated_at = now()
       WHERE id = $1 AND status = 'received'`,
      [
        id,
        bytea(attestation.attestor.toLowerCase()),
        attestation.nonce,
        attestation.deadline,
        bytea(attestation.signature),
        attestation.trustedSource,
      ],
    );
  }

  /**
   * Marks attested requests as confirmed once the registry shows their binding: the payee is
   * bound to the accountId and the attestation's nonce was consumed. Idempotent; returns the count.
   * Called when a request is read, and usable by an indexer that sees `IdentityBound`.
   */
  async confirm(accountId: Hex, payee: Address, consumedBelow: bigint): Promise<number> {
    const { rowCount } = await this.db.query(
      `UPDATE binding_requests SET status = 'confirmed', confirmed_at = now(), updated_at = now()
       WHERE account_id = $1 AND payee = $2 AND status = 'attested' AND nonce < $3`,
      [bytea(accountId), bytea(payee.toLowerCase()), consumedBelow],
    );
    return rowCount;
  }

  async get(id: bigint): Promise<BindingRecord | undefined> {
    const { rows } = await this.db.query<BindingRow>(
      `SELECT ${COLUMNS} FROM binding_requests b JOIN identities i ON i.account_id = b.account_id WHERE b.id = $1`,
      [id],
    );
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  /**
   * Funding manifests with this sha256 among the inputs of complete runs: files the consortium
   * collected and computed a table from, so they are the manifests it already trusts for payouts.
   */
  async runInputsWithSha256(sha256: Hex): Promise<TrustedCopy[]> {
    const { rows } = await this.db.query<{ run_id: string; name: string }>(
      `SELECT ri.run_id, ri.name FROM run_inputs ri JOIN runs r ON r.id = ri.run_id
       WHERE ri.sha256 = $1 AND r.status = 'complete' ORDER BY ri.run_id DESC LIMIT 5`,
      [bytea(sha256)],
    );
    return rows.map((r) => ({ source: `run:${r.run_id}/${r.name}` }));
  }
}
