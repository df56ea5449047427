import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { getAddress } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import type { Database } from "../src/db/database.ts";
import { backends, json, rolesFor, startTestServer, type ErrorBody, type TestServer } from "./helpers.ts";
import { createPoolRun, indexScheduleWithDeposit, type StoredRun } from "./pool-run-fixture.ts";

const proposer = privateKeyToAccount(generatePrivateKey());
const POOL = getAddress("0x00000000000000000000000000000000000000ab");
const TOKEN = getAddress("0x00000000000000000000000000000000000000cc");

type Why = {
  identity: string;
  shares: string;
  totalShares: string;
  value: number;
  sources: Array<{ component: string; as: string; path: string[]; value: number }>;
  gating: unknown[];
  caps: { capped: number };
  worth: {
    pool: string;
    scheduleIds: string[];
    claimable: Array<{ scheduleId: string; claimable: Array<{ token: string; amount: string }> }>;
  } | null;
};

const [pglite] = await backends();

describe("why: GET /v1/runs/{id}/recipients/{account}/why", () => {
  let db: Database;
  let dispose: () => Promise<void>;
  let server: TestServer;
  let run: StoredRun;
  const get = (path: string) => fetch(server.url + path);

  before(async () => {
    ({ db, dispose } = await (pglite as NonNullable<typeof pglite>).open());
    server = await startTestServer(db, {
      hasRole: rolesFor({ [proposer.address]: ["PROPOSER", "ADMIN"] }),
      config: { BODY_LIMIT_BYTES: 1024 * 1024 },
      claimsFreshMs: 0,
    });
    run = await createPoolRun(server.url, proposer, POOL);
  });
  after(async () => {
    await server?.close();
    await dispose?.();
  });

  it("explains a share by the dependency path that produced it, before the run is published", async () => {
    const response = await get(`/v1/runs/${run.id}/recipients/github:stevemao/why`);
    const why = await json<Why>(response);
    assert.equal(response.status, 200, JSON.stringify(server.logs().filter((l) => l.err)));
    assert.equal(why.identity, "github:stevemao");
    assert.equal(why.totalShares, run.totalShares);
    assert.ok(BigInt(why.shares) > 0n);
    const source = why.sources[0]!;
    assert.equal(source.as, "contributor");
    assert.match(source.component, /left-pad/);
    assert.equal(source.path.length, 3, "product → middle → left-pad");
    assert.match(source.path[1]!, /middle/);
    assert.ok(Math.abs(why.value - Number(why.shares) / Number(why.totalShares)) < 1e-9);
    assert.deepEqual(why.worth, { pool: POOL, scheduleIds: [], claimable: [] });
  });

  it("states what the share is worth at the pool's current pot once a schedule with the run's root is active", async () => {
    const pot = 1_000_000_000_000_000_000n;
    await indexScheduleWithDeposit(db, POOL, run, {
      scheduleId: 1n,
      activatesAt: new Date(Date.now() - 86_400_000),
      proposer: proposer.address,
      token: TOKEN,
      amount: pot,
    });
    const why = await json<Why>(await get(`/v1/runs/${run.id}/recipients/github:stevemao/why`));
    assert.deepEqual(why.worth?.scheduleIds, ["1"]);
    const expected = (pot * BigInt(why.shares)) / BigInt(why.totalShares);
    assert.deepEqual(why.worth?.claimable, [
      { scheduleId: "1", status: "active", claimable: [{ token: TOKEN, amount: expected.toString() }] },
    ]);
  });

  it("answers 404 for an account without a share or an unknown run, 400 for an overlong one", async () => {
    let response = await get(`/v1/runs/${run.id}/recipients/github:nobody/why`);
    assert.equal(response.status, 404);
    assert.match((await json<ErrorBody>(response)).error.message, /github:nobody holds no share in run/);
    response = await get(`/v1/runs/999999/recipients/github:stevemao/why`);
    assert.equal(response.status, 404);
    response = await get(`/v1/runs/${run.id}/recipients/github:${"x".repeat(700)}/why`);
    assert.equal(response.status, 400);
    assert.equal((await json<ErrorBody>(response)).error.code, "VALIDATION");
  });
});
