import assert from "node:assert/strict";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { getAddress } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import type { Database } from "../src/db/database.ts";
import {
  DEFAULT_NOTIFICATION_OPTIONS,
  NotificationService,
  webhookSignature,
} from "../src/services/notifications.ts";
import {
  backends,
  json,
  rolesFor,
  signedFetch,
  startTestServer,
  TEST_CHAIN_ID,
  type TestServer,
} from "./helpers.ts";
import { createPoolRun, indexScheduleWithDeposit, type StoredRun } from "./pool-run-fixture.ts";

const admin = privateKeyToAccount(generatePrivateKey());
const POOL = getAddress("0x00000000000000000000000000000000000000ad");
const TOKEN = getAddress("0x00000000000000000000000000000000000000cd");
const DAY = 86_400_000;
const [pglite] = await backends();

/** A local webhook receiver: answers with the scripted statuses in turn, then 200. */
async function receiver() {
  const received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
  const script: number[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString("utf8")));
    req.on("end", () => {
      received.push({ headers: req.headers, body });
      res.writeHead(script.shift() ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { url, received, script, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe("notifications: Atom feed and signed webhooks per identity", () => {
  let db: Database;
  let dispose: () => Promise<void>;
  let server: TestServer;
  let run: StoredRun;
  let hook: Awaited<ReturnType<typeof receiver>>;
  let clock = Date.now();
  // The receiver listens on 127.0.0.1: deliveries there must be allowed (NOTIFY_WEBHOOKS_ALLOW_LOCAL).
  const service = (allowPrivate = true) =>
    new NotificationService(
      db,
      {
        ...DEFAULT_NOTIFICATION_OPTIONS,
        chainId: TEST_CHAIN_ID,
        backoffMs: 1_000,
        maxAttempts: 3,
        allowPrivate,
      },
      () => clock,
    );
  const feed = async () => {
    const response = await fetch(`${server.url}/v1/identities/github:stevemao/feed.atom`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type") ?? "", /^application\/atom\+xml/);
    return response.text();
  };

  before(async () => {
    ({ db, dispose } = await (pglite as NonNullable<typeof pglite>).open());
    server = await startTestServer(db, {
      hasRole: rolesFor({ [admin.address]: ["PROPOSER", "ADMIN"] }),
      config: { BODY_LIMIT_BYTES: 1024 * 1024 },
      now: () => clock,
    });
    run = await createPoolRun(server.url, admin, POOL);
    hook = await receiver();
  });
  after(async () => {
    await server?.close();
    await hook?.close();
    await dispose?.();
  });

  it("the feed is empty until a schedule including the identity is active and its pool holds money", async () => {
    const empty = await feed();
    assert.match(empty, /<feed xmlns="http:\/\/www.w3.org\/2005\/Atom">/);
    assert.doesNotMatch(empty, /<entry>/);
    await indexScheduleWithDeposit(db, POOL, run, {
      scheduleId: 1n,
      activatesAt: new Date(clock - DAY),
      proposer: admin.address,
      token: TOKEN,
      amount: 10n ** 18n,
    });
    const text = await feed();
    assert.equal(text.match(/<entry>/g)?.length, 1);
    assert.match(text, /Money is waiting for github:stevemao in pool/);
    assert.match(text, /<category term="money-waiting"\/>/);
    // An identity no stored table names has no feed.
    assert.equal((await fetch(`${server.url}/v1/identities/github:nobody/feed.atom`)).status, 404);
  });

  it("webhooks: registered by an ADMIN, queued once, signed, retried with backoff under one delivery id", async () => {
    const unsigned = await fetch(`${server.url}/v1/identities/github:stevemao/webhooks`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ url: hook.url }),
    });
    assert.equal(unsigned.status, 401);
    const created = await signedFetch(server.url, admin, {
      method: "POST",
      path: "/v1/identities/github:stevemao/webhooks",
      body: { url: hook.url },
    });
    assert.equal(created.status, 201, await created.clone().text());
    const { secret } = await json<{ secret: string }>(created);
    assert.match(secret, /^[0-9a-f]{64}$/);

    assert.equal(await service().enqueue(), 1);
    assert.equal(await service().enqueue(), 0, "a second scan (or a restart) queues nothing twice");

    // By default a URL on this machine is not called: an ADMIN's webhook cannot probe the server's network.
    assert.deepEqual(await service(false).deliverDue(), { delivered: 0, retried: 1, failed: 0 });
    assert.equal(hook.received.length, 0);
    const refused = await db.query<{ last_error: string; attempts: number }>(
      "SELECT last_error, attempts FROM webhook_deliveries",
    );
    assert.match(refused.rows[0]!.last_error, /private or loopback address/);
    await db.query("UPDATE webhook_deliveries SET attempts = 0, next_attempt_at = $1", [new Date(clock)]);

    hook.script.push(500);
    assert.deepEqual(await service().deliverDue(), { delivered: 0, retried: 1, failed: 0 });
    assert.deepEqual(await service().deliverDue(), { delivered: 0, retried: 0, failed: 0 }, "not due yet");
    clock += 1_001;
    assert.deepEqual(await service().deliverDue(), { delivered: 1, retried: 0, failed: 0 });

    assert.equal(hook.received.length, 2);
    const [first, second] = hook.received as [(typeof hook.received)[0], (typeof hook.received)[0]];
    assert.equal(first.headers["wellspring-delivery"], second.headers["wellspring-delivery"]);
    assert.equal(second.headers["wellspring-event"], "money-waiting");
    const signature = String(second.headers["wellspring-signature"]);
    const t = Number(/^t=(\d+),/.exec(signature)?.[1]);
    assert.equal(signature, webhookSignature(secret, t, second.body));
    assert.notEqual(signature, webhookSignature("another secret", t, second.body));
    const payload = JSON.parse(second.body) as { event: string; identity: string; scheduleId: string };
    assert.deepEqual(
      [payload.event, payload.identity, payload.scheduleId],
      ["money-waiting", "github:stevemao", "1"],
    );
    const row = await db.query<{ status: string; attempts: number }>(
      "SELECT status, attempts FROM webhook_deliveries",
    );
    assert.deepEqual(row.rows, [{ status: "delivered", attempts: 2 }]);
  });

  it("warns before a superseded schedule's claim window closes; gives up after the last attempt", async () => {
    await db.query("UPDATE pools SET claim_window_seconds = $1", [30 * 86_400]);
    // Schedule 2 activated 25 days ago: schedule 1's remainder is sweepable in 5 days (< 7 days' lead).
    await indexScheduleWithDeposit(db, POOL, run, {
      scheduleId: 2n,
      activatesAt: new Date(clock - 25 * DAY),
      proposer: admin.address,
      token: TOKEN,
      amount: 1n,
    });
    await db.query("UPDATE schedules SET activates_at = $1 WHERE schedule_id = 1", [
      new Date(clock - 40 * DAY),
    ]);
    const text = await feed();
    assert.match(text, /The claim window of schedule 1 in pool 0x[0-9a-f]+ closes at /);
    assert.equal(await service().enqueue(), 2, "schedule 1's warning and schedule 2's money");
    hook.script.push(503, 503, 503, 503, 503, 503);
    for (let i = 0; i < 3; i++) {
      await service().deliverDue();
      clock += 10_000;
    }
    const rows = await db.query<{ event: string; status: string; attempts: number }>(
      "SELECT event, status, attempts FROM webhook_deliveries WHERE status <> 'delivered' ORDER BY event",
    );
    assert.deepEqual(rows.rows, [
      { event: "claim-window-closing", status: "failed", attempts: 3 },
      { event: "money-waiting", status: "failed", attempts: 3 },
    ]);
  });
});
