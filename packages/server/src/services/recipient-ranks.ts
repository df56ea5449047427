import type { Hex } from "viem";
import { ServerError } from "../errors.ts";
import type { RankedRecipient, RecipientRanks } from "../repositories/recipient-ranks.ts";
import type { RunRecord, RunRepository } from "../repositories/runs.ts";
import { accountParam } from "./shared.ts";

const dto = (r: RankedRecipient) => ({
  accountId: r.accountId,
  identity: r.identity,
  shares: r.shares.toString(),
});

/**
 * A share table by size, for charts of 10^6 recipients: the largest N and everyone else together
 * (exact: the others are the table's total less the N), and one account's rank.
 */
export class RecipientRankService {
  constructor(
    private readonly runs: RunRepository,
    private readonly ranks: RecipientRanks,
  ) {}

  async top(runId: bigint, options: { limit: number; identityPrefix?: string }) {
    const run = await this.complete(runId);
    const prefix = options.identityPrefix;
    const [top, matched] = await Promise.all([
      this.ranks.largest(runId, options.limit, prefix),
      // The whole table's figures are on the run row; a filtered set is counted in one scan.
      prefix === undefined
        ? { count: run.recipientCount!, shares: run.totalShares! }
        : this.ranks.matching(runId, prefix),
    ]);
    const topShares = top.reduce((sum, r) => sum + r.shares, 0n);
    return {
      run: runId.toString(),
      totalShares: run.totalShares!.toString(),
      recipientCount: run.recipientCount!,
      identityPrefix: prefix ?? null,
      matched: { count: matched.count, shares: matched.shares.toString() },
      top: top.map(dto),
      others: { count: matched.count - top.length, shares: (matched.shares - topShares).toString() },
    };
  }

  async account(runId: bigint, account: string) {
    const run = await this.complete(runId);
    const accountId = accountParam(account).toLowerCase() as Hex;
    const found = await this.ranks.rankOf(runId, accountId);
    if (!found) throw new ServerError("NOT_FOUND", `${account} has no share in run ${runId}`);
    return {
      run: runId.toString(),
      ...dto(found),
      rank: found.rank,
      totalShares: run.totalShares!.toString(),
      recipientCount: run.recipientCount!,
    };
  }

  private async complete(runId: bigint): Promise<RunRecord> {
    const run = await this.runs.get(runId);
    if (!run) throw new ServerError("NOT_FOUND", `no run ${runId}`);
    if (run.status !== "complete") throw new ServerError("CONFLICT", `run ${runId} is not complete`);
    return run;
  }
}
