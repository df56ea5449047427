import { randomBytes } from "node:crypto";
import { toHex, type Hex } from "viem";
import { bytea, type Database } from "../db/database.ts";

export class AdminDomainRepository {
  constructor(private readonly db: Database) {}

  /** This database's admin-domain salt, made on first use; racing instances keep the first. */
  async salt(): Promise<Hex> {
    await this.db.query("INSERT INTO admin_domain (salt) VALUES ($1) ON CONFLICT DO NOTHING", [
      bytea(toHex(randomBytes(32))),
    ]);
    const { rows } = await this.db.query<{ salt: Hex }>("SELECT salt FROM admin_domain");
    return rows[0]!.salt;
  }
}
