import type { Address, Hex } from "viem";
import { bytea, type Database } from "../db/database.ts";

export class NonceRepository {
  constructor(private readonly db: Database) {}

  /**
   * Records a nonce as used. Returns false when this address already used it: the insert is the
   * check, so two instances racing on the same signed request cannot both accept it.
   */
  async consume(address: Address, nonce: Hex, expiresAt: Date): Promise<boolean> {
    const { rowCount } = await this.db.query(
      "INSERT INTO admin_nonces (address, nonce, expires_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
      [bytea(address.toLowerCase()), bytea(nonce), expiresAt],
    );
    return rowCount === 1;
  }

  /** Deletes nonces whose requests expired before `now`; returns how many. */
  async prune(now: Date): Promise<number> {
    const { rowCount } = await this.db.query("DELETE FROM admin_nonces WHERE expires_at < $1", [now]);
    return rowCount;
  }
}
