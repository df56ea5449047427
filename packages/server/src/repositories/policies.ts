import { getAddress, type Address, type Hex } from "viem";
import type { JsonObject } from "../canonical.ts";
import { bytea, type Database } from "../db/database.ts";
import { ServerError } from "../errors.ts";

export interface PolicyVersionRecord {
  id: bigint;
  name: string;
  version: number;
  canonical: string;
  document: JsonObject;
  hash: Hex;
  note: string;
  createdBy: Address;
  createdAt: Date;
}

export interface PolicySummary {
  name: string;
  latestVersion: number;
  latestHash: Hex | null;
  createdAt: Date;
  updatedAt: Date | null;
}

type VersionRow = {
  id: string;
  policy_name: string;
  version: number;
  canonical: string;
  hash: Hex;
  note: string;
  created_by: Hex;
  created_at: Date;
};

const COLUMNS = "id, policy_name, version, canonical, hash, note, created_by, created_at";

function toVersion(row: VersionRow): PolicyVersionRecord {
  return {
    id: BigInt(row.id),
    name: row.policy_name,
    version: row.version,
    canonical: row.canonical,
    // Parsed from the canonical text, not the jsonb column, so numbers come back exactly as hashed.
    document: JSON.parse(row.canonical) as JsonObject,
    hash: row.hash,
    note: row.note,
    createdBy: getAddress(row.created_by),
    createdAt: row.created_at,
  };
}

export class PolicyRepository {
  constructor(private readonly db: Database) {}

  /**
   * Appends the next version of a policy line. The parent row is locked so concurrent writers
   * get consecutive version numbers; `expectedLatest` (optimistic concurrency) makes a writer
   * who edited an older version fail with CONFLICT instead of silently overwriting.
   */
  async appendVersion(input: {
    name: string;
    canonical: string;
    hash: Hex;
    note: string;
    createdBy: Address;
    expectedLatest?: number;
  }): Promise<PolicyVersionRecord> {
    return this.db.transaction(async (tx) => {
      await tx.query("INSERT INTO policies (name) VALUES ($1) ON CONFLICT (name) DO NOTHING", [input.name]);
      const { rows: locked } = await tx.query<{ latest_version: number }>(
        "SELECT latest_version FROM policies WHERE name = $1 FOR UPDATE",
        [input.name],
      );
      const latest = locked[0]?.latest_version ?? 0;
      if (input.expectedLatest !== undefined && input.expectedLatest !== latest) {
        throw new ServerError(
          "CONFLICT",
          `policy "${input.name}" is at version ${latest}, not ${input.expectedLatest}`,
        );
      }
      if (latest > 0) {
        const { rows } = await tx.query<{ hash: Hex }>(
          "SELECT hash FROM policy_versions WHERE policy_name = $1 AND version = $2",
          [input.name, latest],
        );
        if (rows[0]?.hash === input.hash) {
          throw new ServerError(
            "POLICY_UNCHANGED",
            `policy "${input.name}" version ${latest} already has hash ${input.hash}`,
          );
        }
      }
      const { rows } = await tx.query<VersionRow>(
        `INSERT INTO policy_versions (policy_name, version, canonical, hash, note, created_by)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
        [input.name, latest + 1, input.canonical, bytea(input.hash), input.note, bytea(input.createdBy)],
      );
      await tx.query("UPDATE policies SET latest_version = $2 WHERE name = $1", [input.name, latest + 1]);
      return toVersion(rows[0] as VersionRow);
    });
  }

  async listPolicies(): Promise<PolicySummary[]> {
    const { rows } = await this.db.query<{
      name: string;
      latest_version: number;
      created_at: Date;
      hash: Hex | null;
      updated_at: Date | null;
    }>(
      `SELECT p.name, p.latest_version, p.created_at, v.hash, v.created_at AS updated_at
       FROM policies p LEFT JOIN policy_versions v ON v.policy_name = p.name AND v.version = p.latest_version
       ORDER BY p.name`,
    );
    return rows.map((r) => ({
      name: r.name,
      latestVersion: r.latest_version,
      latestHash: r.hash,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    }));
  }

  async listVersions(
    name: string,
    options: { limit: number; afterVersion?: number },
  ): Promise<PolicyVersionRecord[] | undefined> {
    const exists = await this.db.query("SELECT 1 FROM policies WHERE name = $1", [name]);
    if (exists.rowCount === 0) return undefined;
    const { rows } = await this.db.query<VersionRow>(
      `SELECT ${COLUMNS} FROM policy_versions WHERE policy_name = $1 AND version > $2 ORDER BY version LIMIT $3`,
      [name, options.afterVersion ?? 0, options.limit],
    );
    return rows.map(toVersion);
  }

  async getVersion(name: string, version: number): Promise<PolicyVersionRecord | undefined> {
    const { rows } = await this.db.query<VersionRow>(
      `SELECT ${COLUMNS} FROM policy_versions WHERE policy_name = $1 AND version = $2`,
      [name, version],
    );
    return rows[0] ? toVersion(rows[0]) : undefined;
  }

  async getVersionById(id: bigint): Promise<PolicyVersionRecord | undefined> {
    const { rows } = await this.db.query<VersionRow>(`SELECT ${COLUMNS} FROM policy_versions WHERE id = $1`, [
      id,
    ]);
    return rows[0] ? toVersion(rows[0]) : undefined;
  }

  async findByHash(hash: Hex): Promise<PolicyVersionRecord[]> {
    const { rows } = await this.db.query<VersionRow>(
      `SELECT ${COLUMNS} FROM policy_versions WHERE hash = $1 ORDER BY id`,
      [bytea(hash)],
    );
    return rows.map(toVersion);
  }
}
