import type { Hex } from "viem";
import { bytea, type Database } from "../db/database.ts";
import type { BundleStatus } from "@wellspring/attribution";
import type { ScheduleRecord } from "./pools.ts";

/** One decision about one schedule's evidence bundle (docs/verification.md). */
export interface VerificationRecord {
  scheduleId: bigint;
  uri: string;
  bundleHash: Hex;
  status: BundleStatus;
  /** What differs, in short (empty when verified). */
  differences: string[];
  verifierKind: "server" | "watchtower";
  /** Who decided: the server's VERIFIER_NAME, or a watchtower's address. */
  verifier: string;
  verifiedAt: Date;
}

/** An indexed schedule the verifier has still to decide about. */
export type UncheckedSchedule = Pick<
  ScheduleRecord,
  "scheduleId" | "root" | "totalShares" | "tableHash" | "policyHash" | "inputsHash" | "uri" | "activatesAt"
> & { poolId: bigint; pool: Hex };

type Row = {
  schedule_id: string;
  uri: string;
  bundle_hash: Hex;
  status: BundleStatus;
  differences: string[];
  verifier_kind: "server" | "watchtower";
  verifier: string;
  verified_at: Date;
};

export class VerificationRepository {
  constructor(private readonly db: Database) {}

  /** Inserts a decision; false when the same report was recorded already. */
  async insert(poolId: bigint, record: VerificationRecord): Promise<boolean> {
    const { rows } = await this.db.query(
      `INSERT INTO schedule_verifications (pool_id, schedule_id, uri, bundle_hash, status, differences, verifier_kind, verifier, verified_at)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9)
       ON CONFLICT DO NOTHING RETURNING id`,
      [
        poolId,
        record.scheduleId,
        record.uri,
        bytea(record.bundleHash),
        record.status,
        JSON.stringify(record.differences),
        record.verifierKind,
        record.verifier,
        record.verifiedAt,
      ],
    );
    return rows.length === 1;
  }

  /** The uri and hashes an indexed schedule committed to, or undefined. */
  async schedule(
    poolId: bigint,
    scheduleId: bigint,
  ): Promise<{ uri: string; tableHash: Hex; policyHash: Hex; inputsHash: Hex } | undefined> {
    const { rows } = await this.db.query<{
      uri: string;
      table_hash: Hex;
      policy_hash: Hex;
      inputs_hash: Hex;
    }>(
      "SELECT uri, table_hash, policy_hash, inputs_hash FROM schedules WHERE pool_id = $1 AND schedule_id = $2",
      [poolId, scheduleId],
    );
    const r = rows[0];
    return r && { uri: r.uri, tableHash: r.table_hash, policyHash: r.policy_hash, inputsHash: r.inputs_hash };
  }

  /** A schedule's verifications, newest first. */
  async forSchedule(poolId: bigint, scheduleId: bigint): Promise<VerificationRecord[]> {
    const { rows } = await this.db.query<Row>(
      `SELECT schedule_id, uri, bundle_hash, status, differences, verifier_kind, verifier, verified_at
       FROM schedule_verifications WHERE pool_id = $1 AND schedule_id = $2 ORDER BY id DESC`,
      [poolId, scheduleId],
    );
    return rows.map((r) => ({
      scheduleId: BigInt(r.schedule_id),
      uri: r.uri,
      bundleHash: r.bundle_hash,
      status: r.status,
      differences: r.differences,
      verifierKind: r.verifier_kind,
      verifier: r.verifier,
      verifiedAt: r.verified_at,
    }));
  }

  /**
   * Unrevoked schedules of `chainId` with a uri that `verifier` has not decided about: never
   * checked, or only found unreachable while still pending (retried until activation, at most once
   * per `retryAfterMs`).
   */
  async unchecked(
    chainId: number,
    verifier: string,
    now: Date,
    retryAfterMs: number,
  ): Promise<UncheckedSchedule[]> {
    const { rows } = await this.db.query<{
      pool_id: string;
      address: Hex;
      schedule_id: string;
      root: Hex;
      total_shares: string;
      table_hash: Hex;
      policy_hash: Hex;
      inputs_hash: Hex;
      uri: string;
      activates_at: Date;
    }>(
      `SELECT s.pool_id, p.address, s.schedule_id, s.root, s.total_shares, s.table_hash, s.policy_hash,
              s.inputs_hash, s.uri, s.activates_at
       FROM schedules s JOIN pools p ON p.id = s.pool_id
       LEFT JOIN LATERAL (SELECT v.status, v.verified_at FROM schedule_verifications v
                          WHERE v.pool_id = s.pool_id AND v.schedule_id = s.schedule_id AND v.verifier = $2
                          ORDER BY v.id DESC LIMIT 1) last ON true
       WHERE p.chain_id = $1 AND s.uri <> '' AND s.revoked_block IS NULL
         AND (last.status IS NULL
              OR (last.status = 'unreachable' AND s.activates_at > $3 AND last.verified_at <= $4))
       ORDER BY s.pool_id, s.schedule_id`,
      [chainId, verifier, now, new Date(now.getTime() - retryAfterMs)],
    );
    return rows.map((r) => ({
      poolId: BigInt(r.pool_id),
      pool: r.address,
      scheduleId: BigInt(r.schedule_id),
      root: r.root,
      totalShares: BigInt(r.total_shares),
      tableHash: r.table_hash,
      policyHash: r.policy_hash,
      inputsHash: r.inputs_hash,
      uri: r.uri,
      activatesAt: r.activates_at,
    }));
  }
}
