import { recoverMessageAddress, type Address, type Hex } from "viem";
import {
  bundleHash,
  verificationReportMessage,
  type BundleStatus,
  type Hex32,
} from "@wellspring/attribution";
import { ServerError } from "../errors.ts";
import type { PoolService } from "./pools.ts";
import type { VerificationRecord, VerificationRepository } from "../repositories/verifications.ts";

/** A watchtower's signed decision (docs/verification.md, "Reports from watchtowers"). */
export interface SignedReport {
  /** The address the watchtower says signed it (the signature must recover to it). */
  watcher: Address;
  bundleHash: Hex;
  status: BundleStatus;
  verifiedAt: string;
  signature: Hex;
}

/** The recorded verifications of a pool's schedules (docs/verification.md). */
export class VerificationService {
  constructor(
    private readonly pools: PoolService,
    private readonly records: VerificationRepository,
    /** Wall clock (ms) and how far a report's time may lie from it. */
    private readonly now: () => number,
    private readonly maxAgeSeconds: number,
  ) {}

  async forSchedule(address: Address, scheduleId: bigint) {
    const pool = await this.pools.require(address);
    return { verifications: (await this.records.forSchedule(pool.id, scheduleId)).map(verificationDto) };
  }

  /**
   * Records a watchtower's report under the address that signed it. The report must be about the
   * bundle the indexed schedule commits to and recent (a stale or replayed one is refused).
   */
  async report(address: Address, scheduleId: bigint, report: SignedReport) {
    const pool = await this.pools.require(address);
    const schedule = await this.records.schedule(pool.id, scheduleId);
    if (!schedule)
      throw new ServerError("NOT_FOUND", `pool ${address} has no indexed schedule ${scheduleId}`);
    const expected = bundleHash(schedule as { tableHash: Hex32; policyHash: Hex32; inputsHash: Hex32 });
    if (report.bundleHash.toLowerCase() !== expected)
      throw new ServerError("VALIDATION", "the report is about another bundle", {
        issues: [{ path: "bundleHash", message: `schedule ${scheduleId} commits to bundle ${expected}` }],
      });
    const time = Date.parse(report.verifiedAt);
    if (Math.abs(time - this.now()) > this.maxAgeSeconds * 1000)
      throw new ServerError("AUTH_EXPIRED", `verifiedAt lies more than ${this.maxAgeSeconds} s from now`);
    let signer: Address;
    try {
      signer = await recoverMessageAddress({
        message: verificationReportMessage({ pool: address, scheduleId, ...report }),
        signature: report.signature,
      });
    } catch {
      throw new ServerError("AUTH_INVALID", "the signature does not verify");
    }
    if (signer.toLowerCase() !== report.watcher.toLowerCase())
      throw new ServerError("AUTH_INVALID", "the signature is not the watcher's over this report");
    const record: VerificationRecord = {
      scheduleId,
      uri: schedule.uri,
      bundleHash: expected,
      status: report.status,
      differences: [],
      verifierKind: "watchtower",
      verifier: signer.toLowerCase(),
      verifiedAt: new Date(time),
    };
    const created = await this.records.insert(pool.id, record);
    return { created, verification: verificationDto(record) };
  }
}

function verificationDto(v: VerificationRecord) {
  return {
    ...v,
    scheduleId: v.scheduleId.toString(),
    verifiedAt: v.verifiedAt.toISOString(),
  };
}
