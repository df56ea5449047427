import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { toAccountId } from "@wellspring/sdk";
import type { Address, Hex } from "viem";
import { bytea, type Database } from "../db/database.ts";
import { ServerError } from "../errors.ts";
import { guardedRequest } from "../attestor/guarded-fetch.ts";

/** Something an identity should hear about, derived from indexed data. */
export interface IdentityEvent {
  /** Stable across scans: one delivery per subscription and key. */
  key: string;
  kind: "money-waiting" | "claim-window-closing";
  at: Date;
  pool: Address;
  scheduleId: string;
  shares: string;
  totalShares: string;
  /** When the schedule's unclaimed remainder may be swept (superseded schedules only). */
  closesAt: Date | null;
}

export interface NotificationOptions {
  chainId: number;
  /** How long before a claim window closes the warning goes out (CLAIM_WINDOW_LEAD_SECONDS). */
  leadSeconds: number;
  /** Attempts before a delivery is given up (status failed). */
  maxAttempts: number;
  /** First retry delay; doubled per attempt. */
  backoffMs: number;
  timeoutMs: number;
  /** Deliveries taken by one worker pass are leased for this long (a crash mid-send retries after it). */
  leaseMs: number;
  /**
   * Let deliveries reach private and loopback addresses (NOTIFY_WEBHOOKS_ALLOW_LOCAL; a receiver on
   * this machine or its network). Off, a webhook URL that resolves there fails like an unreachable one.
   */
  allowPrivate: boolean;
}

export const DEFAULT_NOTIFICATION_OPTIONS: Omit<NotificationOptions, "chainId"> = {
  leadSeconds: 7 * 86_400,
  maxAttempts: 8,
  backoffMs: 30_000,
  timeoutMs: 10_000,
  leaseMs: 60_000,
  allowPrivate: false,
};

/** A receiver's answer is not read beyond this (only its status counts). */
const MAX_ANSWER_BYTES = 64 * 1024;

/** `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`: the Wellspring-Signature header. */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  const mac = createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
  return `t=${timestamp},v1=${mac}`;
}

const escapeXml = (text: string) =>
  text.replace(/[<>&"']/g, (c) => `&${{ "<": "lt", ">": "gt", "&": "amp", '"': "quot", "'": "apos" }[c]};`);

/**
 * Tells an identity when money starts waiting for it (a schedule that includes it is active and
 * its pool holds deposits) and before a claim window closes (a superseded schedule's remainder
 * becomes sweepable `claimWindow` after its successor activated): as an Atom feed computed on
 * request, and as signed webhooks queued in the database and sent by `deliverDue`, so a restart
 * loses nothing and never queues an event twice.
 */
export class NotificationService {
  constructor(
    private readonly db: Database,
    private readonly options: NotificationOptions,
    private readonly now: () => number = Date.now,
  ) {}

  /** The identity's events, newest first, from the indexed schedules, deposits and stored runs. */
  async events(accountId: Hex): Promise<IdentityEvent[]> {
    const { rows } = await this.db.query<{
      pool: Hex;
      schedule_id: string;
      shares: string;
      total_shares: string;
      activates_at: Date;
      first_deposit: Date | null;
      successor_at: Date | null;
      claim_window_seconds: string | null;
    }>(
      `SELECT '0x' || encode(p.address, 'hex') AS pool, s.schedule_id, rr.shares, s.total_shares, s.activates_at,
         (SELECT min(coalesce(d.block_time, s.activates_at)) FROM deposits d
           WHERE d.pool_id = s.pool_id AND (d.schedule_id = s.schedule_id OR d.schedule_id IS NULL)) AS first_deposit,
         (SELECT min(n.activates_at) FROM schedules n
           WHERE n.pool_id = s.pool_id AND n.schedule_id > s.schedule_id AND n.revoked_block IS NULL
             AND n.activates_at <= $3) AS successor_at,
         p.claim_window_seconds
       FROM schedules s
       JOIN pools p ON p.id = s.pool_id AND p.chain_id = $2
       JOIN LATERAL (SELECT r.id FROM runs r WHERE r.pool_id = s.pool_id AND r.root = s.root AND r.status = 'complete'
                     ORDER BY r.id DESC LIMIT 1) run ON true
       JOIN run_recipients rr ON rr.run_id = run.id AND rr.account_id = $1
       WHERE s.revoked_block IS NULL AND s.activates_at <= $3
       ORDER BY s.pool_id, s.schedule_id`,
      [bytea(accountId), this.options.chainId, new Date(this.now())],
    );
    const events: IdentityEvent[] = [];
    const now = this.now();
    for (const r of rows) {
      const base = {
        pool: r.pool as Address,
        scheduleId: r.schedule_id,
        shares: r.shares,
        totalShares: r.total_shares,
      };
      const closesAt =
        r.successor_at && r.claim_window_seconds !== null
          ? new Date(r.successor_at.getTime() + Number(r.claim_window_seconds) * 1000)
          : null;
      if (r.first_deposit) {
        const at = new Date(Math.max(r.activates_at.getTime(), r.first_deposit.getTime()));
        events.push({
          ...base,
          key: `money-waiting:${this.options.chainId}:${r.pool}:${r.schedule_id}`,
          kind: "money-waiting",
          at,
          closesAt,
        });
      }
      const warnAt = closesAt ? closesAt.getTime() - this.options.leadSeconds * 1000 : Infinity;
      if (closesAt && r.first_deposit && now >= warnAt && now < closesAt.getTime()) {
        events.push({
          ...base,
          key: `claim-window-closing:${this.options.chainId}:${r.pool}:${r.schedule_id}`,
          kind: "claim-window-closing",
          at: new Date(warnAt),
          closesAt,
        });
      }
    }
    return events.sort((a, b) => b.at.getTime() - a.at.getTime());
  }

  /**
   * The webhook worker (NOTIFY_WEBHOOKS): queue what is owed, send what is due, every
   * `intervalMs`, until aborted. Its state is the database, so a restart picks up where it was.
   */
  async run(signal: AbortSignal, intervalMs: number, onError: (error: unknown) => void): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.enqueue();
        await this.deliverDue();
      } catch (error) {
        onError(error);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, intervalMs);
        signal.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
      });
    }
  }

  /** GET /v1/identities/{identity}/feed.atom */
  async feed(identity: string, selfUrl: string): Promise<string> {
    const accountId = toAccountId(identity);
    const events = await this.events(accountId);
    if (events.length === 0) {
      const named = await this.db.query("SELECT 1 FROM run_recipients WHERE account_id = $1 LIMIT 1", [
        bytea(accountId),
      ]);
      if (named.rows.length === 0) {
        throw new ServerError("NOT_FOUND", `no stored share table names ${identity}`, {
          details: "look the identity up as tables name it, e.g. github:<login> in lower case",
        });
      }
    }
    const updated = (events[0]?.at ?? new Date(0)).toISOString();
    const entries = events.map((e) => {
      const title =
        e.kind === "money-waiting"
          ? `Money is waiting for ${identity} in pool ${e.pool} (schedule ${e.scheduleId})`
          : `The claim window of schedule ${e.scheduleId} in pool ${e.pool} closes at ${e.closesAt!.toISOString()}`;
      const text =
        `${identity} holds ${e.shares} of ${e.totalShares} shares of schedule ${e.scheduleId}.` +
        (e.closesAt
          ? ` Unclaimed money of this schedule may be swept from ${e.closesAt.toISOString()}.`
          : "") +
        ` See GET /v1/pools/${e.pool}/claims/${identity}.`;
      return [
        "  <entry>",
        `    <id>urn:wellspring:${escapeXml(e.key)}</id>`,
        `    <title>${escapeXml(title)}</title>`,
        `    <updated>${e.at.toISOString()}</updated>`,
        `    <category term="${e.kind}"/>`,
        `    <content type="text">${escapeXml(text)}</content>`,
        "  </entry>",
      ].join("\n");
    });
    return [
      '<?xml version="1.0" encoding="utf-8"?>',
      '<feed xmlns="http://www.w3.org/2005/Atom">',
      `  <id>urn:wellspring:identity:${escapeXml(accountId)}</id>`,
      `  <title>${escapeXml(`Wellspring: money for ${identity}`)}</title>`,
      `  <link rel="self" href="${escapeXml(selfUrl)}"/>`,
      `  <updated>${updated}</updated>`,
      "  <author><name>Wellspring</name></author>",
      ...entries,
      "</feed>",
      "",
    ].join("\n");
  }

  /** Registers a webhook for an identity (an ADMIN-signed request). The secret is returned once. */
  async subscribe(identity: string, url: string, createdBy: Address, secret?: string) {
    const accountId = toAccountId(identity);
    const key = secret ?? randomBytes(32).toString("hex");
    const { rows } = await this.db.query<{ id: string }>(
      `INSERT INTO webhook_subscriptions (account_id, identity, url, secret, created_by) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (account_id, url) DO NOTHING RETURNING id`,
      [bytea(accountId), identity, url, key, bytea(createdBy.toLowerCase())],
    );
    if (!rows[0]) throw new ServerError("CONFLICT", `${url} is already registered for ${identity}`);
    return { id: rows[0].id, identity, accountId, url, secret: key };
  }

  /** Queues the deliveries every subscription is owed; idempotent (one per subscription and event). */
  async enqueue(): Promise<number> {
    const subscriptions = await this.db.query<{ id: string; account_id: Hex; identity: string }>(
      "SELECT id, '0x' || encode(account_id, 'hex') AS account_id, identity FROM webhook_subscriptions ORDER BY id",
    );
    let queued = 0;
    for (const s of subscriptions.rows) {
      for (const e of await this.events(s.account_id)) {
        const payload = {
          event: e.kind,
          identity: s.identity,
          accountId: s.account_id,
          chainId: this.options.chainId,
          pool: e.pool,
          scheduleId: e.scheduleId,
          shares: e.shares,
          totalShares: e.totalShares,
          at: e.at.toISOString(),
          closesAt: e.closesAt?.toISOString() ?? null,
          claims: `/v1/pools/${e.pool}/claims/${s.identity}`,
        };
        const { rowCount } = await this.db.query(
          `INSERT INTO webhook_deliveries (id, subscription_id, event_key, event, payload, next_attempt_at)
           VALUES ($1, $2, $3, $4, $5::jsonb, $6) ON CONFLICT (subscription_id, event_key) DO NOTHING`,
          [randomUUID(), s.id, e.key, e.kind, JSON.stringify(payload), new Date(this.now())],
        );
        queued += rowCount;
      }
    }
    return queued;
  }

  /**
   * Sends the deliveries that are due. Each is leased first (its next attempt moved `leaseMs`
   * ahead, rows locked with SKIP LOCKED), so two workers never send one at once and a worker that
   * dies mid-send leaves it to be retried, with the same Wellspring-Delivery id, after the lease.
   */
  async deliverDue(limit = 50): Promise<{ delivered: number; retried: number; failed: number }> {
    const now = new Date(this.now());
    const { rows } = await this.db.query<{
      id: string;
      event: string;
      payload: unknown;
      attempts: number;
      url: string;
      secret: string;
    }>(
      `UPDATE webhook_deliveries d SET next_attempt_at = $2::timestamptz + make_interval(secs => $3::double precision / 1000)
       FROM webhook_subscriptions s
       WHERE s.id = d.subscription_id AND d.id IN (
         SELECT id FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= $2
         ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING d.id, d.event, d.payload, d.attempts, s.url, s.secret`,
      [limit, now, this.options.leaseMs],
    );
    const tally = { delivered: 0, retried: 0, failed: 0 };
    for (const d of rows) {
      const body = JSON.stringify(d.payload);
      const timestamp = Math.floor(this.now() / 1000);
      let status: number | null = null;
      let error: string | null = null;
      try {
        // An ADMIN registered the URL, but it is still someone else's choice: it must not reach this
        // machine or its private networks unless the operator allows it.
        const response = await guardedRequest(
          new URL(d.url),
          {
            method: "POST",
            headers: {
              "content-type": "application/json",
              "user-agent": "wellspring-webhooks",
              "wellspring-delivery": d.id,
              "wellspring-event": d.event,
              "wellspring-signature": webhookSignature(d.secret, timestamp, body),
            },
            body,
          },
          {
            allowPrivate: this.options.allowPrivate,
            maxBytes: MAX_ANSWER_BYTES,
            timeoutMs: this.options.timeoutMs,
          },
        );
        status = response.status;
        if (status < 200 || status > 299) error = `answered ${status}`;
      } catch (e) {
        error = e instanceof Error ? e.message : String(e);
      }
      const attempts = d.attempts + 1;
      if (error === null) {
        await this.db.query(
          `UPDATE webhook_deliveries SET status = 'delivered', attempts = $2, last_status = $3, last_error = NULL,
             delivered_at = now() WHERE id = $1`,
          [d.id, attempts, status],
        );
        tally.delivered++;
      } else {
        const give = attempts >= this.options.maxAttempts;
        const retryAt = new Date(this.now() + this.options.backoffMs * 2 ** (attempts - 1));
        await this.db.query(
          `UPDATE webhook_deliveries SET status = $2, attempts = $3, last_status = $4, last_error = $5,
             next_attempt_at = $6 WHERE id = $1`,
          [d.id, give ? "failed" : "pending", attempts, status, error.slice(0, 500), retryAt],
        );
        if (give) tally.failed++;
        else tally.retried++;
      }
    }
    return tally;
  }
}
