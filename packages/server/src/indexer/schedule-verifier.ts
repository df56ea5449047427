import type { Logger } from "pino";
import {
  bundleDifferences,
  bundleHash,
  checkBundleUri,
  type FetchOptions,
  type Hex32,
} from "@wellspring/attribution";
import type { Database } from "../db/database.ts";
import { VerificationRepository, type UncheckedSchedule } from "../repositories/verifications.ts";

export interface ScheduleVerifierOptions {
  db: Database;
  chainId: number;
  /** Who this server is in the records (VERIFIER_NAME). */
  verifier: string;
  fetch: Pick<FetchOptions, "ipfsGateway" | "maxBytes" | "timeoutMs" | "localFiles">;
  /** How long an unreachable bundle rests before the next try (it is retried until activation). */
  retryAfterMs?: number;
  /** The chain's clock (schedules activate by block time). */
  now?: () => Date;
  logger?: Logger;
}

/**
 * The watchtower's check inside the server (docs/verification.md): each indexed, unrevoked
 * schedule with a uri has its evidence bundle fetched and verified against the commitment the
 * indexer recorded from its ScheduleProposed event, and the decision is recorded. It only reads
 * the indexer's tables, so it never blocks indexing; a hostile bundle is a recorded `invalid`
 * (size-limited, every failure caught), never a crash. It revokes nothing: that takes the
 * guardian's key, which `wellspring watch` holds.
 */
export class ScheduleVerifier {
  private readonly records: VerificationRepository;

  constructor(private readonly options: ScheduleVerifierOptions) {
    this.records = new VerificationRepository(options.db);
  }

  /** Checks every schedule still to decide about once; returns how many were checked. */
  async verifyOnce(): Promise<number> {
    const { chainId, verifier, retryAfterMs } = this.options;
    const now = this.options.now?.() ?? new Date();
    const due = await this.records.unchecked(chainId, verifier, now, retryAfterMs ?? 60_000);
    for (const schedule of due) await this.verify(schedule, now);
    return due.length;
  }

  private async verify(s: UncheckedSchedule, now: Date): Promise<void> {
    const commitment = {
      root: s.root as Hex32,
      totalShares: s.totalShares,
      tableHash: s.tableHash as Hex32,
      policyHash: s.policyHash as Hex32,
      inputsHash: s.inputsHash as Hex32,
    };
    const check = await checkBundleUri(s.uri, commitment, this.options.fetch).catch((error: unknown) => ({
      // Not a bundle's fault (a bug): recorded as unreachable so it is retried, and logged.
      ok: false,
      status: "unreachable" as const,
      error: { code: "INTERNAL", message: (error as Error).message },
    }));
    const differences = bundleDifferences(check);
    await this.records.insert(s.poolId, {
      scheduleId: s.scheduleId,
      uri: s.uri,
      bundleHash: bundleHash(commitment),
      status: check.status,
      differences,
      verifierKind: "server",
      verifier: this.options.verifier,
      verifiedAt: now,
    });
    const fields = { pool: s.pool, scheduleId: s.scheduleId.toString(), status: check.status, differences };
    if (check.ok) this.options.logger?.info(fields, "schedule bundle verified");
    else this.options.logger?.warn(fields, `schedule bundle ${check.status}`);
  }

  /** Loops until `signal` aborts, `intervalMs` between rounds; a failed round is logged and retried. */
  async run(signal: AbortSignal, intervalMs: number): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.verifyOnce();
      } catch (error) {
        this.options.logger?.warn({ err: error }, "schedule verification round failed; retrying");
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, intervalMs);
        signal.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
      });
    }
  }
}
