import { accountIdHexAt, isWellspringError, type AttributionReport } from "@wellspring/attribution";
import type { Logger } from "pino";
import type { Address, Hex } from "viem";
import type { AttributeRunner, EngineResult } from "../engine/attribute-runner.ts";
import { ServerError } from "../errors.ts";
import type { PolicyRepository } from "../repositories/policies.ts";
import type { PoolRepository, ScheduleStatus } from "../repositories/pools.ts";
import type { RecipientRow, RunQueries, RunRecord, RunRepository } from "../repositories/runs.ts";

export interface RunInputUpload {
  name: string;
  mediaType: string;
  content: Uint8Array;
}

const runDto = (
  r: RunRecord,
  pool: Address | null,
  policy: { name: string; version: number; hash: Hex },
) => ({
  id: r.id.toString(),
  status: r.status,
  pool,
  policy,
  engineVersion: r.engineVersion,
  inputsHash: r.inputsHash,
  tableHash: r.tableHash,
  root: r.root,
  totalShares: r.totalShares?.toString() ?? null,
  recipientCount: r.recipientCount,
  createdBy: r.createdBy,
  createdAt: r.createdAt.toISOString(),
  completedAt: r.completedAt?.toISOString() ?? null,
});

const recipientDto = (r: RecipientRow) => ({
  accountId: r.accountId,
  shares: r.shares.toString(),
  identity: r.identity,
});

/**
 * Attribution runs: inputs + a stored policy version -> a share table, computed by the engine in
 * a worker thread (CPU-bound: the event loop keeps serving other requests meanwhile) and stored
 * atomically.
 */
export class RunService {
  constructor(
    private readonly runs: RunRepository,
    private readonly queries: RunQueries,
    private readonly policies: PolicyRepository,
    private readonly pools: PoolRepository,
    private readonly chainId: number,
    private readonly engine: AttributeRunner,
    private readonly now: () => number = Date.now,
    private readonly logger?: Pick<Logger, "info">,
  ) {}

  async create(input: {
    policy: { name: string; version: number };
    pool?: Address;
    inputs: readonly RunInputUpload[];
    createdBy: Address;
  }): Promise<ReturnType<typeof runDto> & { report: AttributionReport }> {
    const version = await this.policies.getVersion(input.policy.name, input.policy.version);
    if (!version)
      throw new ServerError(
        "NOT_FOUND",
        `policy "${input.policy.name}" has no version ${input.policy.version}`,
      );
    const pool = input.pool ? await this.pools.findByAddress(this.chainId, input.pool) : undefined;
    if (input.pool && !pool)
      throw new ServerError("NOT_FOUND", `no pool ${input.pool} registered on chain ${this.chainId}`);

    let result: EngineResult;
    try {
      result = await this.engine.run(
        input.inputs.map((f) => ({ name: f.name, content: f.content })),
        JSON.parse(version.canonical),
      );
    } catch (error) {
      if (isWellspringError(error)) {
        const index = error.file === undefined ? -1 : input.inputs.findIndex((f) => f.name === error.file);
        throw new ServerError("VALIDATION", `the engine rejected the inputs: ${error.shortMessage}`, {
          details: error.details,
          issues: [
            {
              path: index >= 0 ? `body.inputs.${index}` : "body.inputs",
              message: `${error.code}: ${error.message}`,
            },
          ],
          cause: error,
        });
      }
      throw error;
    }
    const { table } = result;
    if (table.policyHash !== version.hash) {
      // The engine and the stored version must agree on the hash a schedule will commit to.
      throw new ServerError(
        "INTERNAL",
        `policy hash mismatch: stored ${version.hash}, engine ${table.policyHash}`,
      );
    }
    const rows = table.rows;
    const recipients = function* (): Generator<RecipientRow> {
      for (let i = 0; i < rows.length; i++) {
        yield {
          accountId: accountIdHexAt(rows, i),
          shares: rows.shares[i]!,
          identity: rows.identities[i] ?? null,
        };
      }
    };
    this.logger?.info(
      { recipients: rows.length, root: table.root, createdBy: input.createdBy },
      "run computed; storing it",
    );
    const record = await this.runs.insertCompleted({
      poolId: pool?.id ?? null,
      policyVersionId: version.id,
      engineVersion: table.engineVersion,
      inputsHash: table.inputsHash,
      tableHash: table.tableHash,
      root: table.root,
      totalShares: table.totalShares,
      createdBy: input.createdBy,
      inputs: input.inputs.map((f, i) => ({
        name: f.name,
        mediaType: f.mediaType,
        sha256: `0x${result.sha256[i]!}`,
        content: f.content,
      })),
      recipients: recipients(),
    });
    this.logger?.info({ run: record.id.toString(), recipients: record.recipientCount }, "run stored");
    return {
      ...runDto(record, pool?.address ?? null, {
        name: version.name,
        version: version.version,
        hash: version.hash,
      }),
      report: result.report,
    };
  }

  /**
   * Runs newest first, optionally of one pool and one policy line; each with the pool's schedules
   * proposed with its root (whoever proposed them) and their status now.
   */
  async list(query: { pool?: Address; policy?: string; limit: number; cursor?: bigint }) {
    const pool = query.pool ? await this.pools.findByAddress(this.chainId, query.pool) : undefined;
    if (query.pool && !pool)
      throw new ServerError("NOT_FOUND", `no pool ${query.pool} registered on chain ${this.chainId}`);
    if (query.policy !== undefined && !(await this.policies.listVersions(query.policy, { limit: 1 })))
      throw new ServerError("NOT_FOUND", `no policy named "${query.policy}"`);
    const rows = await this.runs.list({
      limit: query.limit + 1,
      ...(pool ? { poolId: pool.id } : {}),
      ...(query.policy === undefined ? {} : { policyName: query.policy }),
      ...(query.cursor === undefined ? {} : { beforeId: query.cursor }),
    });
    const shown = rows.slice(0, query.limit);
    // One read of each pool's schedules (statuses depend on all of them), matched by root.
    const schedulesOf = new Map<
      bigint,
      Promise<{ scheduleId: string; status: ScheduleStatus; root: Hex }[]>
    >();
    const now = new Date(this.now());
    const schedules = (poolId: bigint) => {
      let found = schedulesOf.get(poolId);
      if (!found) {
        found = this.pools
          .schedules(poolId, now)
          .then((list) =>
            list.map((s) => ({ scheduleId: s.scheduleId.toString(), status: s.status, root: s.root })),
          );
        schedulesOf.set(poolId, found);
      }
      return found;
    };
    const runs = await Promise.all(
      shown.map(async ({ run, pool: address, policy }) => {
        const published =
          run.poolId === null || run.root === null
            ? []
            : (await schedules(run.poolId))
                .filter((s) => s.root === run.root)
                .map(({ scheduleId, status }) => ({ scheduleId, status }));
        return { ...runDto(run, address, policy), schedules: published };
      }),
    );
    return {
      runs,
      nextCursor: rows.length > query.limit ? (shown.at(-1)?.run.id.toString() ?? null) : null,
    };
  }

  async get(id: bigint) {
    const { run, pool, policy } = await this.require(id);
    return runDto(run, pool, policy);
  }

  async recipients(id: bigint, page: { limit: number; after?: Hex }) {
    await this.require(id);
    const rows = await this.runs.recipients(id, {
      limit: page.limit + 1,
      ...(page.after ? { afterAccountId: page.after } : {}),
    });
    const shown = rows.slice(0, page.limit);
    return {
      recipients: shown.map(recipientDto),
      nextCursor: rows.length > page.limit ? (shown.at(-1)?.accountId ?? null) : null,
    };
  }

  /**
   * What-if: how this run's table differs from another run's, by default from the run behind the
   * pool's active schedule (matched by Merkle root).
   */
  async diff(id: bigint, options: { against?: bigint; limit: number; after?: Hex }) {
    const { run } = await this.require(id);
    let againstId = options.against;
    if (againstId === undefined) {
      if (run.poolId === null)
        throw new ServerError("CONFLICT", "this run belongs to no pool; pass ?against=<runId>");
      const pool = (await this.pools.findById(run.poolId))!;
      const active = (await this.pools.schedules(pool.id, new Date(this.now()), "active"))[0];
      if (!active)
        throw new ServerError("CONFLICT", `pool ${pool.address} has no active schedule to compare with`);
      againstId = await this.queries.findCompleteByRoot(pool.id, active.root);
      if (againstId === undefined) {
        throw new ServerError(
          "CONFLICT",
          `the active schedule ${active.scheduleId} (root ${active.root}) was not computed by a stored run`,
        );
      }
    } else {
      await this.require(againstId);
    }
    const [summary, rows] = await Promise.all([
      this.queries.changeSummary(id, againstId),
      this.queries.changes(id, againstId, {
        limit: options.limit + 1,
        ...(options.after ? { afterAccountId: options.after } : {}),
      }),
    ]);
    const shown = rows.slice(0, options.limit);
    return {
      run: id.toString(),
      against: againstId.toString(),
      summary,
      changes: shown.map((c) => ({
        accountId: c.accountId,
        identity: c.identity,
        before: c.before.toString(),
        after: c.after.toString(),
        delta: (c.after - c.before).toString(),
      })),
      nextCursor: rows.length > options.limit ? (shown.at(-1)?.accountId ?? null) : null,
    };
  }

  private async require(id: bigint) {
    const run = await this.runs.get(id);
    if (!run) throw new ServerError("NOT_FOUND", `no run ${id}`);
    const version = await this.policies.getVersionById(run.policyVersionId);
    const pool = run.poolId === null ? null : ((await this.pools.findById(run.poolId))?.address ?? null);
    return { run, pool, policy: { name: version!.name, version: version!.version, hash: version!.hash } };
  }
}
