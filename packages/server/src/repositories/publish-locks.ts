import { randomUUID } from "node:crypto";
import type { Database } from "../db/database.ts";

/** A held lock; renewed in the background until released. */
export interface Lease {
  release(): Promise<void>;
}

/**
 * Named locks in `publish_locks`, shared by every instance on the database, held as leases: the
 * holder renews its lease while it works, so a holder that died frees the name within `leaseMs`.
 * A claim is one `INSERT … ON CONFLICT DO UPDATE … WHERE expired` statement: PostgreSQL makes a
 * racing claim wait for the first to commit and then sees its unexpired row, so exactly one
 * claimant wins. Expiry is judged by the database's clock, the one every instance shares.
 */
export class PublishLockRepository {
  constructor(
    private readonly db: Database,
    private readonly leaseMs = 30_000,
    private readonly pollMs = 100,
  ) {}

  /** Takes `name`, waiting up to `waitMs` while another holds it; undefined when it stayed taken. */
  async acquire(name: string, waitMs: number): Promise<Lease | undefined> {
    const holder = randomUUID();
    const giveUpAt = Date.now() + waitMs;
    while (!(await this.claim(name, holder))) {
      if (Date.now() >= giveUpAt) return undefined;
      await new Promise((resolve) => setTimeout(resolve, this.pollMs));
    }
    const renewal = setInterval(() => {
      // A failed renewal (database away) lets the lease run out; the holder's work goes on.
      this.db
        .query(
          "UPDATE publish_locks SET expires_at = now() + $3 * interval '1 millisecond' WHERE name = $1 AND holder = $2",
          [name, holder, this.leaseMs],
        )
        .catch(() => undefined);
    }, this.leaseMs / 3);
    renewal.unref();
    return {
      release: async () => {
        clearInterval(renewal);
        // Should the database be away, the lease simply expires.
        await this.db
          .query("DELETE FROM publish_locks WHERE name = $1 AND holder = $2", [name, holder])
          .catch(() => undefined);
      },
    };
  }

  private async claim(name: string, holder: string): Promise<boolean> {
    const { rowCount } = await this.db.query(
      `INSERT INTO publish_locks (name, holder, expires_at)
       VALUES ($1, $2, now() + $3 * interval '1 millisecond')
       ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
       WHERE publish_locks.expires_at < now()`,
      [name, holder, this.leaseMs],
    );
    return rowCount === 1;
  }
}
