import {
  computeInputsHash,
  computeTableHash,
  createBundle,
  detectFormat,
  encodeTar,
  hexToBytes,
  inputFile,
  parsePolicy,
  TABLE_VERSION,
  type ShareTable,
} from "@wellspring/attribution";
import type { Hex } from "viem";
import type { Database } from "../db/database.ts";
import { ServerError } from "../errors.ts";
import type { RunRepository } from "../repositories/runs.ts";

/** The stable path of a run's evidence bundle (what publishing records as the schedule's uri). */
export const bundlePath = (runId: bigint | string): string => `/v1/runs/${runId}/bundle`;

/**
 * A run's evidence bundle (packages/attribution/src/bundle.ts) as one ustar file, rebuilt from
 * what the run stored: its inputs, its policy version's canonical text and its recipients. The
 * share table is put back together in the engine's own order (inputs by path, then digest;
 * recipients by accountId) and checked against the stored table and inputs hashes before it is
 * served, so a bundle never disagrees with the run it names.
 */
export class BundleService {
  constructor(
    private readonly db: Database,
    private readonly runs: RunRepository,
  ) {}

  async tar(runId: bigint): Promise<Buffer> {
    const run = await this.runs.get(runId);
    if (!run) throw new ServerError("NOT_FOUND", `no run ${runId}`);
    if (
      run.status !== "complete" ||
      !run.root ||
      !run.tableHash ||
      !run.inputsHash ||
      run.totalShares === null
    )
      throw new ServerError("CONFLICT", `run ${runId} is not complete`);
    const [inputs, policy, recipients] = await Promise.all([
      this.db.query<{ name: string; content: string }>(
        "SELECT name, encode(content, 'base64') AS content FROM run_inputs WHERE run_id = $1 ORDER BY position",
        [runId],
      ),
      this.db.query<{ canonical: string; hash: Hex }>(
        "SELECT canonical, '0x' || encode(hash, 'hex') AS hash FROM policy_versions WHERE id = $1",
        [run.policyVersionId],
      ),
      this.db.query<{ account_id: string; shares: string; identity: string | null }>(
        "SELECT encode(account_id, 'hex') AS account_id, shares, identity FROM run_recipients WHERE run_id = $1 ORDER BY account_id",
        [runId],
      ),
    ]);
    const files = inputs.rows.map((r) => inputFile(r.name, Buffer.from(r.content, "base64")));
    const rows = recipients.rows;
    const accountIds = new Uint8Array(rows.length * 32);
    rows.forEach((r, i) => accountIds.set(hexToBytes(r.account_id), i * 32));
    const table: ShareTable = {
      version: TABLE_VERSION,
      totalShares: run.totalShares,
      root: run.root,
      policyHash: policy.rows[0]!.hash,
      inputsHash: run.inputsHash,
      tableHash: run.tableHash,
      engineVersion: run.engineVersion ?? "",
      inputs: files
        .map((f) => ({ path: f.path, sha256: f.sha256, format: detectFormat(f) ?? "unknown" }))
        .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.sha256 < b.sha256 ? -1 : 1)),
      rows: {
        length: rows.length,
        accountIds,
        shares: rows.map((r) => BigInt(r.shares)),
        identities: rows.map((r) => r.identity ?? `0x${r.account_id}`),
      },
    };
    if (
      computeTableHash(table.totalShares, table.rows) !== run.tableHash ||
      computeInputsHash(table.inputs) !== run.inputsHash
    )
      throw new ServerError("INTERNAL", `run ${runId}'s stored recipients or inputs do not match its hashes`);
    const entries = createBundle({
      table,
      policy: parsePolicy(JSON.parse(policy.rows[0]!.canonical)),
      files,
    });
    return Buffer.concat([...encodeTar(entries)]);
  }
}
