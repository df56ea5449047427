import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { formatUnits, getAddress, keccak256, toHex, type Address, type Hex } from "viem";
import { bytea } from "../src/db/database.ts";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import type { Database } from "../src/db/database.ts";
import { ChainEventRepository, PoolRepository } from "../src/repositories/pools.ts";
import {
  backends,
  json,
  rolesFor,
  signedFetch,
  startTestServer,
  TEST_CHAIN_ID,
  type ErrorBody,
  type TestServer,
} from "./helpers.ts";

const admin = privateKeyToAccount(generatePrivateKey());
const proposer = privateKeyToAccount(generatePrivateKey());
const ETH: Address = "0x0000000000000000000000000000000000000000";
const USDC: Address = getAddress("0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48");
const h = (s: string): Hex => keccak256(toHex(s));
const poolAddress = (i: number): Address => getAddress(`0x${(i + 1).toString(16).padStart(40, "0")}`);

type Pool = { chainId: number; address: string; name: string; deployedBlock: string; registeredBy: string };

for (const backend of await backends()) {
  describe(`pools API [${backend.name}]`, { skip: backend.skip }, () => {
    let db: Database;
    let dispose: () => Promise<void>;
    let server: TestServer;
    let clockOffsetMs = 0;
    before(async () => {
      ({ db, dispose } = await backend.open());
      server = await startTestServer(db, {
        now: () => Date.now() + clockOffsetMs,
        hasRole: rolesFor({ [admin.address]: ["ADMIN"], [proposer.address]: ["PROPOSER"] }),
      });
    });
    after(async () => {
      await server?.close();
      await dispose?.();
    });

    const register = (body: unknown, account = admin) =>
      signedFetch(server.url, account, { method: "POST", path: "/v1/pools", body });
    const get = (path: string) => fetch(server.url + path);

    it("registers a pool (ADMIN role) and returns it with a Location", async () => {
      const response = await register({
        address: poolAddress(0).toLowerCase(),
        name: "Acme AI royalties",
        deployedBlock: "12",
      });
      assert.equal(response.status, 201, await response.clone().text());
      assert.equal(response.headers.get("location"), `/v1/pools/${poolAddress(0)}`);
      const pool = await json<Pool>(response);
      assert.deepEqual(
        {
          chainId: pool.chainId,
          address: pool.address,
          name: pool.name,
          deployedBlock: pool.deployedBlock,
          registeredBy: pool.registeredBy,
        },
        {
          chainId: TEST_CHAIN_ID,
          address: poolAddress(0),
          name: "Acme AI royalties",
          deployedBlock: "12",
          registeredBy: admin.address,
        },
      );
    });

    it("409 CONFLICT for a pool registered twice (any address case)", async () => {
      const response = await register({
        address: poolAddress(0).toUpperCase().replace("0X", "0x"),
        name: "again",
        deployedBlock: 0,
      });
      assert.equal(response.status, 409);
      assert.equal((await json<ErrorBody>(response)).error.code, "CONFLICT");
    });

    it("403 for a signer that is PROPOSER but not ADMIN", async () => {
      const response = await register({ address: poolAddress(1), name: "x", deployedBlock: 0 }, proposer);
      assert.equal(response.status, 403);
    });

    it("400 with field paths for a bad registration", async () => {
      const response = await register({ address: "0x123", name: "", deployedBlock: -1 });
      assert.equal(response.status, 400);
      const issues = (await json<ErrorBody>(response)).error.issues?.map((i) => i.path).sort();
      assert.deepEqual(issues, ["body.address", "body.deployedBlock", "body.name"]);
      const notNumber = await register({ address: poolAddress(1), name: "x", deployedBlock: "12abc" });
      assert.equal(notNumber.status, 400);
      assert.deepEqual(
        (await json<ErrorBody>(notNumber)).error.issues?.map((i) => i.path),
        ["body.deployedBlock"],
      );
    });

    it("lists pools page by page", async () => {
      for (let i = 1; i <= 4; i++)
        assert.equal(
          (await register({ address: poolAddress(i), name: `pool ${i}`, deployedBlock: i })).status,
          201,
        );
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { pools: Pool[]; nextCursor: string | null } = await json(
          await get(`/v1/pools?limit=2${cursor ? `&cursor=${cursor}` : ""}`),
        );
        assert.ok(page.pools.length <= 2);
        seen.push(...page.pools.map((p) => p.address));
        cursor = page.nextCursor;
      } while (cursor);
      assert.deepEqual(seen, [0, 1, 2, 3, 4].map(poolAddress));
      assert.equal((await get("/v1/pools?cursor=abc")).status, 400);
    });

    it("404 for an unknown pool, 400 for a malformed address", async () => {
      const missing = await get(`/v1/pools/${poolAddress(99)}`);
      assert.equal(missing.status, 404);
      assert.equal((await json<ErrorBody>(missing)).error.code, "NOT_FOUND");
      const bad = await get("/v1/pools/0xnothex");
      assert.equal(bad.status, 400);
      assert.deepEqual(
        (await json<ErrorBody>(bad)).error.issues?.map((i) => i.path),
        ["params.address"],
      );
    });

    it("serves schedules by status and balances per token from indexed events", async () => {
      const pool = await new PoolRepository(db).findByAddress(TEST_CHAIN_ID, poolAddress(0));
      assert.ok(pool);
      const events = new ChainEventRepository();
      const log = (block: number, logIndex: number) => ({
        poolId: pool.id,
        blockNumber: BigInt(block),
        logIndex,
        blockHash: h(`block${block}`),
        txHash: h(`tx${block}.${logIndex}`),
      });
      const HOUR = 3_600_000;
      const schedule = (id: number, activatesInMs: number) => ({
        ...log(20 + id, 0),
        scheduleId: BigInt(id),
        proposer: proposer.address,
        root: h(`root${id}`),
        totalShares: 10n ** 18n,
        tableHash: h(`table${id}`),
        policyHash: h(`policy${id}`),
        inputsHash: h(`inputs${id}`),
        uri: `ipfs://table${id}`,
        activatesAt: new Date(Date.now() + activatesInMs),
      });
      const big = 2n ** 200n;
      await db.transaction(async (tx) => {
        await events.insertSchedule(tx, schedule(1, -2 * HOUR));
        await events.insertSchedule(tx, schedule(2, -HOUR));
        // Revoked while pending: it never activates, so it does not supersede schedule 2.
        await events.insertSchedule(tx, schedule(3, -HOUR / 2));
        await events.revokeSchedule(tx, pool.id, 3n, 24n, admin.address);
        await events.insertSchedule(tx, schedule(4, HOUR));
        const deposits = [
          {
            ...log(30, 0),
            scheduleId: 1n,
            token: ETH,
            payer: admin.address,
            amount: 5n * 10n ** 18n,
            memo: h("invoice-1"),
            source: "deposit" as const,
            blockTime: new Date(),
          },
          {
            ...log(31, 2),
            scheduleId: 2n,
            token: USDC,
            payer: admin.address,
            amount: big,
            memo: h("invoice-2"),
            source: "deposit" as const,
            blockTime: null,
          },
          {
            ...log(31, 3),
            scheduleId: 2n,
            token: USDC,
            payer: admin.address,
            amount: 7n,
            memo: h("invoice-3"),
            source: "sync" as const,
            blockTime: null,
          },
        ];
        assert.equal(await events.insertDeposits(tx, deposits), 3);
        // Re-indexing the same logs is a no-op.
        assert.equal(await events.insertDeposits(tx, deposits), 0);
        await events.insertClaims(tx, [
          {
            ...log(32, 0),
            scheduleId: 1n,
            accountId: h("github:1"),
            token: ETH,
            payee: proposer.address,
            amount: 10n ** 18n,
            blockTime: null,
          },
        ]);
        await events.insertSweep(tx, {
          ...log(40, 1),
          scheduleId: 1n,
          token: ETH,
          amount: 4n * 10n ** 18n,
          intoScheduleId: 2n,
          caller: admin.address,
        });
      });

      const all = await json<{
        schedules: { scheduleId: string; status: string; sweptTokens: string[]; totalShares: string }[];
      }>(await get(`/v1/pools/${poolAddress(0)}/schedules`));
      assert.deepEqual(
        all.schedules.map((s) => [s.scheduleId, s.status, s.sweptTokens]),
        [
          ["1", "superseded", [ETH]],
          ["2", "active", []],
          ["3", "revoked", []],
          ["4", "pending", []],
        ],
      );
      assert.equal(all.schedules[0]?.totalShares, (10n ** 18n).toString());
      const pending = await json<{ schedules: { scheduleId: string }[] }>(
        await get(`/v1/pools/${poolAddress(0)}/schedules?status=pending`),
      );
      assert.deepEqual(
        pending.schedules.map((s) => s.scheduleId),
        ["4"],
      );
      assert.equal((await get(`/v1/pools/${poolAddress(0)}/schedules?status=swept`)).status, 400);

      const balances = await json<{
        balances: { token: string; deposited: string; claimed: string; balance: string }[];
      }>(await get(`/v1/pools/${poolAddress(0)}/balances`));
      assert.deepEqual(balances.balances, [
        {
          token: ETH,
          deposited: (5n * 10n ** 18n).toString(),
          claimed: (10n ** 18n).toString(),
          balance: (4n * 10n ** 18n).toString(),
        },
        { token: USDC, deposited: (big + 7n).toString(), claimed: "0", balance: (big + 7n).toString() },
      ]);

      const detail = await json<{ scheduleCounts: Record<string, number>; balances: unknown[] }>(
        await get(`/v1/pools/${poolAddress(0)}`),
      );
      assert.deepEqual(detail.scheduleCounts, { pending: 1, active: 1, superseded: 1, revoked: 1 });
      assert.equal(detail.balances.length, 2);
    });

    it("lists deposit receipts in chain order, filtered and paged, as JSON or CSV", async () => {
      const base = `/v1/pools/${poolAddress(0)}/deposits`;
      type Deposits = {
        deposits: {
          blockNumber: string;
          logIndex: number;
          amount: string;
          token: string;
          source: string;
          scheduleId: string | null;
        }[];
        nextCursor: string | null;
      };
      const all = await json<Deposits>(await get(base));
      assert.deepEqual(
        all.deposits.map((d) => [d.blockNumber, d.logIndex, d.source]),
        [
          ["30", 0, "deposit"],
          ["31", 2, "deposit"],
          ["31", 3, "sync"],
        ],
      );
      const first = await json<Deposits>(await get(`${base}?limit=2`));
      assert.equal(first.nextCursor, "31:2");
      const second = await json<Deposits>(await get(`${base}?limit=2&cursor=${first.nextCursor}`));
      assert.deepEqual(
        second.deposits.map((d) => d.amount),
        ["7"],
      );
      assert.equal(second.nextCursor, null);
      assert.equal(
        (await json<Deposits>(await get(`${base}?token=${USDC.toLowerCase()}`))).deposits.length,
        2,
      );
      assert.equal((await json<Deposits>(await get(`${base}?payer=${admin.address}`))).deposits.length, 3);
      assert.equal((await json<Deposits>(await get(`${base}?payer=${proposer.address}`))).deposits.length, 0);

      // The token's metadata as the server stored it (read from the chain once; this server has no chain).
      await db.query("INSERT INTO tokens (chain_id, address, symbol, decimals) VALUES ($1, $2, 'USDC', 6)", [
        TEST_CHAIN_ID,
        bytea(USDC),
      ]);
      const csv = await get(`${base}?format=csv&limit=2`);
      assert.equal(csv.status, 200);
      assert.match(csv.headers.get("content-type") ?? "", /^text\/csv/);
      assert.equal(csv.headers.get("x-next-cursor"), "31:2");
      const lines = (await csv.text()).trimEnd().split("\r\n");
      assert.equal(
        lines[0],
        "blockNumber,logIndex,txHash,blockTime,scheduleId,source,token,payer,amount,memo,tokenSymbol,amountDecimal,memoText",
      );
      assert.equal(lines.length, 3);
      assert.equal(lines[2]?.split(",")[8], (2n ** 200n).toString());
      // Beside the raw columns: symbol and decimal units (ETH at 18, USDC at its stored 6 decimals).
      assert.deepEqual(lines[1]?.split(",").slice(10, 12), ["ETH", "5"]);
      assert.deepEqual(lines[2]?.split(",").slice(10, 12), ["USDC", formatUnits(2n ** 200n, 6)]);
      assert.equal((await get(`${base}?cursor=31`)).status, 400);
      assert.equal((await get(`${base}?format=xml`)).status, 400);
    });

    it("schedule statuses follow the clock: a pending schedule activates and supersedes the active one", async () => {
      clockOffsetMs = 2 * 3_600_000;
      try {
        const all = await json<{ schedules: { scheduleId: string; status: string }[] }>(
          await get(`/v1/pools/${poolAddress(0)}/schedules`),
        );
        assert.deepEqual(
          all.schedules.map((s) => [s.scheduleId, s.status]),
          [
            ["1", "superseded"],
            ["2", "superseded"],
            ["3", "revoked"],
            ["4", "active"],
          ],
        );
      } finally {
        clockOffsetMs = 0;
      }
    });
  });
}
