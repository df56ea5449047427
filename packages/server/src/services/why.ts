import type { AttributionReport } from "@wellspring/attribution";
import type { Hex } from "viem";
import { bytea, type Database } from "../db/database.ts";
import type { AttributeRunner } from "../engine/attribute-runner.ts";
import { ServerError } from "../errors.ts";
import type { PoolRepository } from "../repositories/pools.ts";
import type { RunRepository } from "../repositories/runs.ts";
import type { ClaimService } from "./claims.ts";
import { accountParam } from "./shared.ts";

/** One source of a recipient's value, as the engine's explanation (full encoding) states it. */
export interface WhySource {
  component: string;
  /** How the value reached the recipient: `contributor`, or held/returned with the gating reasons. */
  as: string;
  /** The index of the input file that declared the component. */
  declaredIn: number;
  /** The share of the value reaching the component that it keeps (the rest flows on). */
  keep: number;
  /** From the product to the component along the edges that sent it most value ("…" elides). */
  path: string[];
  value: number;
}

interface Explained {
  identity: string;
  shares: string;
  value: number;
  sourceCount: number;
  capsAdjustment?: number;
  sources: WhySource[];
}

const CACHE_SIZE = 256;

/**
 * Why an account holds its share of a run: the engine's own explanation of that recipient
 * (dependency paths, the gating that held or returned value, the caps adjustment), recomputed
 * from the run's stored inputs and policy by the engine worker and checked against the stored
 * root, and what the share is worth now in the run's pool (the claims service's figures).
 */
export class WhyService {
  private readonly cache = new Map<string, { explained: Explained; report: AttributionReport }>();

  constructor(
    private readonly db: Database,
    private readonly runs: RunRepository,
    private readonly pools: PoolRepository,
    private readonly engine: AttributeRunner,
    private readonly claims: ClaimService,
    private readonly now: () => number = Date.now,
  ) {}

  async why(runId: bigint, account: string) {
    const accountId = accountParam(account).toLowerCase() as Hex;
    const run = await this.runs.get(runId);
    if (!run) throw new ServerError("NOT_FOUND", `no run ${runId}`);
    if (run.status !== "complete" || !run.root || run.totalShares === null)
      throw new ServerError("CONFLICT", `run ${runId} is not complete`);
    const held = await this.db.query<{ shares: string }>(
      "SELECT shares FROM run_recipients WHERE run_id = $1 AND account_id = $2",
      [runId, bytea(accountId)],
    );
    if (!held.rows[0]) {
      throw new ServerError("NOT_FOUND", `${account} holds no share in run ${runId}`, {
        details:
          "look the account up as it appears in the table: an address, github:<login> or another identity",
      });
    }
    const { explained, report } = await this.explain(runId, run.root, run.policyVersionId, accountId);
    const components = new Set(explained.sources.flatMap((s) => [s.component, ...s.path]));
    return {
      run: runId.toString(),
      accountId,
      identity: explained.identity,
      shares: held.rows[0].shares,
      totalShares: run.totalShares.toString(),
      value: explained.value,
      sourceCount: explained.sourceCount,
      capsAdjustment: explained.capsAdjustment ?? 0,
      sources: explained.sources,
      gating: report.gated
        .filter((g) => components.has(g.component))
        .map((g) => ({
          component: g.component,
          excluded: g.excluded,
          reasons: g.reasons,
          destination: g.destination ?? null,
        })),
      caps: report.caps,
      worth: await this.worth(run.poolId, run.root, accountId),
    };
  }

  /** The account's lines of the explanation, recomputed once per (run, account) and cached. */
  private async explain(runId: bigint, root: Hex, policyVersionId: bigint, accountId: Hex) {
    const key = `${runId}/${accountId}`;
    const known = this.cache.get(key);
    if (known) return known;
    const [inputs, policy] = await Promise.all([
      this.db.query<{ name: string; content: string }>(
        "SELECT name, encode(content, 'base64') AS content FROM run_inputs WHERE run_id = $1 ORDER BY position",
        [runId],
      ),
      this.db.query<{ canonical: string }>("SELECT canonical FROM policy_versions WHERE id = $1", [
        policyVersionId,
      ]),
    ]);
    const result = await this.engine.run(
      inputs.rows.map((r) => ({ name: r.name, content: new Uint8Array(Buffer.from(r.content, "base64")) })),
      JSON.parse(policy.rows[0]!.canonical),
      [accountId],
    );
    if (result.table.root.toLowerCase() !== root.toLowerCase()) {
      // Another engine version computes another table: its explanation would not be this run's.
      throw new ServerError("CONFLICT", `run ${runId} was computed by another engine version`, {
        details: `stored root ${root}, recomputed ${result.table.root}`,
      });
    }
    const explained = result.explanations?.[0] as Explained | undefined;
    if (!explained) throw new ServerError("INTERNAL", `the engine did not explain ${accountId}`);
    const entry = { explained, report: result.report };
    if (this.cache.size >= CACHE_SIZE) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(key, entry);
    return entry;
  }

  /** What the share is worth at the pool's current pot: the claimable amounts of this run's schedules. */
  private async worth(poolId: bigint | null, root: Hex, accountId: Hex) {
    if (poolId === null) return null;
    const pool = await this.pools.findById(poolId);
    if (!pool) return null;
    const schedules = (await this.pools.schedules(poolId, new Date(this.now())))
      .filter((s) => s.root.toLowerCase() === root.toLowerCase())
      .map((s) => s.scheduleId.toString());
    const claimable = await this.claims.claimable(pool.address, accountId);
    return {
      pool: pool.address,
      /** Every schedule of the pool published with this run's root, whatever its status. */
      scheduleIds: schedules,
      /** Those the pool lets claim now, with what the account can claim from each per token. */
      claimable: claimable.items
        .filter((item) => schedules.includes(item.scheduleId))
        .map((item) => ({ scheduleId: item.scheduleId, status: item.status, claimable: item.claimable })),
    };
  }
}
