import type { Address } from "viem";
import type { PoolService } from "./pools.ts";
import type { VerificationRecord, VerificationRepository } from "../repositories/verifications.ts";

/** The recorded verifications of a pool's schedules (docs/verification.md). */
export class VerificationService {
  constructor(
    private readonly pools: PoolService,
    private readonly records: VerificationRepository,
  ) {}

  async forSchedule(address: Address, scheduleId: bigint) {
    const pool = await this.pools.require(address);
    return { verifications: (await this.records.forSchedule(pool.id, scheduleId)).map(verificationDto) };
  }
}

function verificationDto(v: VerificationRecord) {
  return {
    ...v,
    scheduleId: v.scheduleId.toString(),
    verifiedAt: v.verifiedAt.toISOString(),
  };
}
