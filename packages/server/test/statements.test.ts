import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  buildClaims,
  claim,
  deposit,
  depositETH,
  getClaimable,
  proposeSchedule,
  sweep,
  toAccountId,
} from "@wellspring/sdk";
import { formatUnits, getAddress, keccak256, stringToHex, zeroAddress } from "viem";
import type { Database } from "../src/db/database.ts";
import { PoolIndexer } from "../src/indexer/pool-indexer.ts";
import { PolicyRepository } from "../src/repositories/policies.ts";
import { PoolRepository, type PoolRecord } from "../src/repositories/pools.ts";
import { RunRepository } from "../src/repositories/runs.ts";
import { PAYER_CSV_COLUMNS, payerStatementToCsv, type PayerDeposit } from "../src/services/statements.ts";
import { tokenMeta } from "../src/services/tokens.ts";
import { ACTIVATION_DELAY, CLAIM_WINDOW, deployChain, makeTable } from "./chain-fixture.ts";
import {
  backends,
  startTestServer,
  type ErrorBody,
  type TestServer,
  appendDefaultPolicy,
} from "./helpers.ts";

const CHAIN_ID = 31337;
const AMOUNT = PAYER_CSV_COLUMNS.indexOf("amount");
/** A CSV line of the payer statement by column name (its cells hold no commas). */
const csvRecord = (line: string): Record<string, string | undefined> =>
  Object.fromEntries(PAYER_CSV_COLUMNS.map((c, i) => [c, line.split(",")[i]]));

type PayerStatement = { deposits: PayerDeposit[]; nextCursor: string | null; payer: string };
type ContributorStatement = {
  accountId: string;
  identity: string | null;
  address: string | null;
  lines: {
    scheduleId: string;
    token: string;
    shares: string;
    pot: string;
    entitled: string;
    claimed: string;
    waiting: string;
    swept: boolean;
  }[];
  totals: { token: string; entitled: string; claimed: string; waiting: string }[];
  unavailableSchedules: string[];
};

for (const backend of await backends()) {
  describe(
    `statements from indexed deposits, claims and stored tables [${backend.name}]`,
    { skip: backend.skip },
    () => {
      let db: Database;
      let dispose: () => Promise<void>;
      let chain: Awaited<ReturnType<typeof deployChain>>;
      let pool: PoolRecord;
      let server: TestServer;
      let chainNowMs = 0;
      const shares = { alice: 333_333n, bob: 333_333n, carol: 333_334n };
      let made: ReturnType<typeof makeTable>;
      let scheduleId: bigint;
      let next: ReturnType<typeof makeTable>;
      let s2: bigint;

      const sync = async () => {
        await new PoolIndexer({
          db,
          client: chain.publicClient,
          chainId: CHAIN_ID,
          confirmations: 0,
        }).syncOnce();
        chainNowMs = Number((await chain.publicClient.getBlock()).timestamp) * 1000;
      };
      const get = async <T>(path: string, headers: Record<string, string> = {}) => {
        const response = await fetch(server.url + path, { headers });
        assert.equal(response.status, 200, await response.clone().text());
        return (await response.json()) as T;
      };

      before(async () => {
        ({ db, dispose } = await backend.open());
        chain = await deployChain();
        pool = await new PoolRepository(db).insert({
          chainId: CHAIN_ID,
          address: getAddress(chain.pool),
          name: "statements",
          deployedBlock: chain.deployedBlock,
          registeredBy: getAddress(chain.wallets.admin.account.address),
        });
        // The server's clock follows the chain's (schedules activate by block time).
        server = await startTestServer(db, { now: () => chainNowMs, chain: chain.publicClient });
      });
      after(async () => {
        await server?.close();
        await chain?.connection.close();
        await dispose?.();
      });

      it("reports a deposit made before any schedule as unallocated", async () => {
        const { payer } = chain.wallets;
        await deposit(payer, { pool: chain.pool, token: chain.usdc, amount: 1_000_001n, memo: "inv-1" });
        await sync();
        const body = await get<PayerStatement>(
          `/v1/pools/${chain.pool}/statements/payers/${payer.account.address}`,
        );
        assert.equal(body.deposits.length, 1);
        assert.equal(body.deposits[0]?.scheduleId, null);
        assert.equal(body.deposits[0]?.unsplitReason, "unallocated");
        assert.equal(body.deposits[0]?.sharedBy, null);
        assert.deepEqual(body.deposits[0]?.recipients, []);
      });

      it("shares every deposit out by the stored table, exactly, with the rounding dust", async () => {
        const { admin, payer, alice, bob } = chain.wallets;
        made = makeTable([
          { account: alice.account.address, shares: shares.alice },
          { account: bob.account.address, shares: shares.bob },
          { account: "github:carol", shares: shares.carol },
        ]);
        const version = await appendDefaultPolicy(db, getAddress(admin.account.address));
        await new RunRepository(db).insertCompleted({
          poolId: pool.id,
          policyVersionId: version.id,
          engineVersion: "test",
          inputsHash: made.table.inputsHash,
          tableHash: made.table.tableHash,
          root: made.table.root,
          totalShares: made.table.totalShares,
          createdBy: getAddress(admin.account.address),
          inputs: [],
          recipients: made.table.recipients.map((r) => ({
            accountId: r.accountId,
            shares: r.shares,
            identity: r.identity ?? null,
          })),
        });
        ({ scheduleId } = await proposeSchedule(admin, {
          pool: chain.pool,
          table: made.table,
          uri: "ipfs://s",
        }));
        await chain.networkHelpers.time.increase(ACTIVATION_DELAY);
        await deposit(payer, { pool: chain.pool, token: chain.usdc, amount: 10n, memo: "inv-2" });
        await depositETH(payer, { pool: chain.pool, value: 10n ** 18n + 7n });
        await depositETH(bob, { pool: chain.pool, value: 5n }); // another payer: not in this statement
        await sync();

        const path = `/v1/pools/${chain.pool}/statements/payers/${payer.account.address}`;
        const body = await get<PayerStatement>(path);
        assert.equal(body.deposits.length, 3);
        assert.equal(body.nextCursor, null);
        for (const d of body.deposits) {
          assert.equal(d.unsplitReason, null);
          assert.equal(d.sharedBy?.scheduleId, scheduleId.toString());
          assert.equal(d.recipients.length, 3);
          const paid = d.recipients.reduce((sum, r) => sum + BigInt(r.amount), 0n);
          assert.equal(paid + BigInt(d.dust!), BigInt(d.amount), "nothing lost, nothing invented");
          for (const r of d.recipients)
            assert.equal(BigInt(r.amount), (BigInt(d.amount) * BigInt(r.shares)) / 1_000_000n);
        }
        const byAccount = (d: PayerDeposit | undefined) =>
          Object.fromEntries(d!.recipients.map((r) => [r.identity ?? r.accountId, r.amount]));
        // 1,000,001 unallocated: it flowed into the first activated schedule.
        assert.equal(body.deposits[0]?.scheduleId, null);
        assert.deepEqual(byAccount(body.deposits[0]), {
          [alice.account.address.toLowerCase()]: "333333",
          [bob.account.address.toLowerCase()]: "333333",
          "github:carol": "333334",
        });
        assert.equal(body.deposits[0]?.dust, "1");
        assert.equal(body.deposits[1]?.scheduleId, scheduleId.toString());
        assert.deepEqual(Object.values(byAccount(body.deposits[1])).sort(), ["3", "3", "3"]);
        assert.equal(body.deposits[1]?.dust, "1");
        assert.equal(body.deposits[2]?.token, zeroAddress);

        // Pages: same deposits, in order, across cursors.
        const first = await get<PayerStatement>(`${path}?limit=2`);
        assert.equal(first.deposits.length, 2);
        assert.ok(first.nextCursor);
        const second = await get<PayerStatement>(`${path}?limit=2&cursor=${first.nextCursor}`);
        assert.deepEqual([...first.deposits, ...second.deposits], body.deposits);
        assert.equal(second.nextCursor, null);
        const onlyEth = await get<PayerStatement>(`${path}?token=${zeroAddress}`);
        assert.equal(onlyEth.deposits.length, 1);
      });

      it("serves the payer statement as CSV by format=csv or Accept: text/csv", async () => {
        const path = `/v1/pools/${chain.pool}/statements/payers/${chain.wallets.payer.account.address}`;
        const json = await get<PayerStatement>(path);
        for (const response of [
          await fetch(`${server.url}${path}?format=csv`),
          await fetch(`${server.url}${path}`, { headers: { accept: "text/csv" } }),
        ]) {
          assert.equal(response.status, 200);
          assert.match(response.headers.get("content-type") ?? "", /^text\/csv/);
          const text = await response.text();
          const lines = text.trimEnd().split("\r\n");
          assert.equal(lines[0], PAYER_CSV_COLUMNS.join(","));
          // In the token's units beside the raw columns: USDC at 6 decimals, the memo as typed.
          const usdc = tokenMeta(chain.usdc, "USDC", 6);
          const eth = { ...tokenMeta(zeroAddress, "ETH", 18), native: true };
          assert.equal(
            text,
            payerStatementToCsv(json.deposits, (t) => (t === zeroAddress ? eth : usdc)),
          );
          const firstLine = csvRecord(lines[1]!);
          assert.equal(firstLine.tokenSymbol, "USDC");
          assert.equal(firstLine.memoText, "inv-1");
          assert.equal(firstLine.depositAmountDecimal, formatUnits(BigInt(firstLine.depositAmount!), 6));
          assert.equal(lines.length, 1 + 3 * 4, "3 recipients and a dust line per deposit");
          const dust = lines
            .filter((l) => l.split(",")[8] === "dust")
            .map((l) => BigInt(csvRecord(l).amount!));
          assert.equal(dust.length, 3);
        }
        const paged = await fetch(`${server.url}${path}?format=csv&limit=1`);
        assert.match(paged.headers.get("x-next-cursor") ?? "", /^[0-9]+:[0-9]+$/);
      });

      it("summarises big tables: sums over the whole table, only the largest parts listed, the rest page by page", async () => {
        const path = `/v1/pools/${chain.pool}/statements/payers/${chain.wallets.payer.account.address}`;
        const full = await get<PayerStatement>(path);
        const top = await get<PayerStatement>(`${path}?split=1`);
        for (const [i, d] of top.deposits.entries()) {
          // The sums are over all three recipients, whatever the number listed.
          assert.equal(d.recipientCount, 3);
          assert.equal(d.distributed, full.deposits[i]!.distributed);
          assert.equal(BigInt(d.distributed!) + BigInt(d.dust!), BigInt(d.amount));
          assert.equal(d.dust, full.deposits[i]!.dust);
          // The largest recipient is carol (333,334 of 1,000,000 shares).
          assert.deepEqual(
            d.recipients.map((r) => [r.identity, r.shares]),
            [["github:carol", "333334"]],
          );
        }
        assert.deepEqual((await get<PayerStatement>(`${path}?split=0`)).deposits[0]?.recipients, []);

        // CSV with split=1: share, others, dust lines that add up to each deposit's amount.
        const text = await (await fetch(`${server.url}${path}?format=csv&split=1`)).text();
        const rows = text
          .trimEnd()
          .split("\r\n")
          .slice(1)
          .map((l) => l.split(","));
        assert.deepEqual(
          rows.map((r) => r[8]),
          ["share", "others", "dust", "share", "others", "dust", "share", "others", "dust"],
        );
        for (const d of top.deposits) {
          const mine = rows.filter((r) => r[0] === d.blockNumber && r[1] === String(d.logIndex));
          assert.equal(
            mine.reduce((sum, r) => sum + BigInt(r[AMOUNT]!), 0n),
            BigInt(d.amount),
          );
          assert.equal(mine.find((r) => r[8] === "others")?.[11], "666666");
        }

        // The whole split of one deposit, two recipients per page, in accountId order.
        const d = full.deposits[0]!;
        const splitPath = `/v1/pools/${chain.pool}/deposits/${d.blockNumber}/${d.logIndex}/split`;
        type Split = {
          deposit: PayerDeposit;
          recipients: PayerDeposit["recipients"];
          nextCursor: string | null;
        };
        const p1 = await get<Split>(`${splitPath}?limit=2`);
        assert.equal(p1.recipients.length, 2);
        assert.ok(p1.nextCursor);
        const p2 = await get<Split>(`${splitPath}?limit=2&after=${p1.nextCursor}`);
        assert.equal(p2.nextCursor, null);
        const all = [...p1.recipients, ...p2.recipients];
        assert.deepEqual(
          all.map((r) => r.accountId),
          all.map((r) => r.accountId).sort(),
        );
        assert.equal(
          all.reduce((sum, r) => sum + BigInt(r.amount), 0n) + BigInt(p1.deposit.dust!),
          BigInt(d.amount),
        );
        assert.deepEqual(
          Object.fromEntries(all.map((r) => [r.accountId, r.amount])),
          Object.fromEntries(d.recipients.map((r) => [r.accountId, r.amount])),
        );
        const csvPage = await fetch(`${server.url}${splitPath}?limit=2&format=csv`);
        assert.equal(csvPage.headers.get("x-next-cursor"), p1.nextCursor);
        assert.equal((await csvPage.text()).trimEnd().split("\r\n").length, 3);
        const missing = await fetch(
          `${server.url}/v1/pools/${chain.pool}/deposits/${d.blockNumber}/999/split`,
        );
        assert.equal(missing.status, 404);
        const bad = await fetch(`${server.url}/v1/pools/${chain.pool}/deposits/x/0/split`);
        assert.equal(bad.status, 400, await bad.clone().text());
      });

      it("tells each contributor what it earned, claimed and has waiting, equal to the pool's own figures", async () => {
        const { alice, bob } = chain.wallets;
        await claim(alice, {
          pool: chain.pool,
          claims: buildClaims({
            account: alice.account.address,
            schedules: [{ scheduleId, tree: made.tree }],
            tokens: [chain.usdc, zeroAddress],
          }),
        });
        await sync();
        for (const account of [alice.account.address, bob.account.address, "github:carol"]) {
          const body = await get<ContributorStatement>(
            `/v1/pools/${chain.pool}/statements/contributors/${encodeURIComponent(account)}`,
          );
          assert.equal(body.accountId, toAccountId(account));
          assert.equal(body.lines.length, 2, "one line per token");
          const onChain = await getClaimable(chain.publicClient, {
            pool: chain.pool,
            queries: [
              {
                scheduleId,
                proof: { accountId: toAccountId(account), shares: BigInt(body.lines[0]!.shares) },
                tokens: [chain.usdc, zeroAddress],
              },
            ],
          });
          for (const item of onChain.items) {
            const line = body.lines.find((l) => l.token === getAddress(item.token));
            assert.ok(line, `line for ${item.token}`);
            assert.equal(BigInt(line.waiting), item.amount, `${account} waiting ${item.token}`);
            assert.equal(BigInt(line.entitled), BigInt(line.claimed) + BigInt(line.waiting));
          }
          const usdc = body.lines.find((l) => l.token === getAddress(chain.usdc))!;
          assert.equal(usdc.pot, "1000011");
          assert.equal(BigInt(usdc.entitled), (1_000_011n * BigInt(usdc.shares)) / 1_000_000n);
          if (account === alice.account.address) {
            assert.equal(usdc.claimed, usdc.entitled);
            assert.equal(body.address, getAddress(alice.account.address));
          } else assert.equal(usdc.claimed, "0");
          if (account === "github:carol") {
            assert.equal(body.identity, "github:carol");
            assert.equal(body.address, null);
          }
        }
        const csv = await fetch(
          `${server.url}/v1/pools/${chain.pool}/statements/contributors/${bob.account.address}`,
          { headers: { accept: "text/csv" } },
        );
        assert.match(csv.headers.get("content-type") ?? "", /^text\/csv/);
        assert.equal((await csv.text()).trimEnd().split("\r\n").length, 3);

        const stranger = await get<ContributorStatement>(
          `/v1/pools/${chain.pool}/statements/contributors/github:nobody`,
        );
        assert.deepEqual(stranger.lines, []);
        assert.deepEqual(stranger.totals, []);
      });

      it("after a sweep, each contributor's waiting money equals the chain's claimable, line by line", async () => {
        const { admin, alice, bob } = chain.wallets;
        // Schedule 2 supersedes schedule 1; once the claim window has passed, schedule 1's USDC
        // remainder is swept into it (its ETH is left unswept).
        next = makeTable([
          { account: alice.account.address, shares: 250_000n },
          { account: bob.account.address, shares: 250_000n },
          { account: "github:carol", shares: 500_000n },
        ]);
        const version = await new PolicyRepository(db).appendVersion({
          name: "default",
          canonical: '{"v":2}',
          hash: keccak256(stringToHex('{"v":2}')),
          note: "",
          createdBy: getAddress(admin.account.address),
        });
        await new RunRepository(db).insertCompleted({
          poolId: pool.id,
          policyVersionId: version.id,
          engineVersion: "test",
          inputsHash: next.table.inputsHash,
          tableHash: next.table.tableHash,
          root: next.table.root,
          totalShares: next.table.totalShares,
          createdBy: getAddress(admin.account.address),
          inputs: [],
          recipients: next.table.recipients.map((r) => ({
            accountId: r.accountId,
            shares: r.shares,
            identity: r.identity ?? null,
          })),
        });
        ({ scheduleId: s2 } = await proposeSchedule(admin, {
          pool: chain.pool,
          table: next.table,
          uri: "ipfs://s2",
        }));
        await chain.networkHelpers.time.increase(ACTIVATION_DELAY + CLAIM_WINDOW);
        const swept = await sweep(admin, { pool: chain.pool, scheduleId, token: chain.usdc });
        // 1,000,011 less alice's 333,336: bob's and carol's unclaimed parts and the dust move on.
        assert.equal(swept.amount, 666_675n);
        assert.equal(swept.intoScheduleId, s2);
        await sync();

        for (const account of [alice.account.address, bob.account.address, "github:carol"]) {
          const body = await get<ContributorStatement>(
            `/v1/pools/${chain.pool}/statements/contributors/${encodeURIComponent(account)}`,
          );
          assert.equal(body.lines.length, 4, "two schedules × two tokens");
          const waitingByToken = new Map<string, bigint>();
          for (const line of body.lines) {
            const onChain = await getClaimable(chain.publicClient, {
              pool: chain.pool,
              queries: [
                {
                  scheduleId: BigInt(line.scheduleId),
                  proof: { accountId: toAccountId(account), shares: BigInt(line.shares) },
                  tokens: [line.token as `0x${string}`],
                },
              ],
            });
            const where = `${account} schedule ${line.scheduleId} ${line.token}`;
            assert.equal(BigInt(line.waiting), onChain.items[0]!.amount, `${where}: waiting`);
            const isSweptPot =
              line.scheduleId === scheduleId.toString() && line.token === getAddress(chain.usdc);
            assert.equal(line.swept, isSweptPot, `${where}: swept`);
            waitingByToken.set(line.token, (waitingByToken.get(line.token) ?? 0n) + BigInt(line.waiting));
          }
          const s2Usdc = body.lines.find(
            (l) => l.scheduleId === s2.toString() && l.token === getAddress(chain.usdc),
          )!;
          assert.equal(s2Usdc.pot, "666675", "the swept remainder is schedule 2's pot");
          for (const total of body.totals)
            assert.equal(BigInt(total.waiting), waitingByToken.get(total.token), `${account} total`);
        }
        // Bob never claimed: his schedule-1 USDC part is gone from "waiting", not lost from the pool.
        const bobBody = await get<ContributorStatement>(
          `/v1/pools/${chain.pool}/statements/contributors/${bob.account.address}`,
        );
        const bobS1 = bobBody.lines.find(
          (l) => l.scheduleId === scheduleId.toString() && l.token === getAddress(chain.usdc),
        )!;
        assert.equal(bobS1.entitled, "333336");
        assert.equal(bobS1.claimed, "0");
        assert.equal(bobS1.waiting, "0");
      });

      it("a partial claim followed by more deposits: only the new part is waiting, equal to the chain's claimable", async () => {
        const { alice, payer } = chain.wallets;
        await claim(alice, {
          pool: chain.pool,
          claims: buildClaims({
            account: alice.account.address,
            schedules: [{ scheduleId: s2, tree: next.tree }],
            tokens: [chain.usdc],
          }),
        });
        // Schedule 2 is current: a new deposit grows its pot after alice's claim.
        await deposit(payer, { pool: chain.pool, token: chain.usdc, amount: 1_000n, memo: "inv-3" });
        await sync();
        const body = await get<ContributorStatement>(
          `/v1/pools/${chain.pool}/statements/contributors/${alice.account.address}`,
        );
        // An address account's identity comes from its table row; lines are in schedule, then token, order.
        const row = next.table.recipients.find((r) => r.accountId === toAccountId(alice.account.address));
        assert.ok(row?.identity);
        assert.equal(body.identity, row.identity);
        const order = body.lines.map((l) => `${l.scheduleId}:${l.token}`);
        assert.deepEqual(order, [...order].sort());
        assert.equal(order[0], `${scheduleId}:${zeroAddress}`, "ETH (the zero address) sorts first");
        const line = body.lines.find(
          (l) => l.scheduleId === s2.toString() && l.token === getAddress(chain.usdc),
        )!;
        // 666,675 × ¼ = 166,668 claimed; 667,675 × ¼ = 166,918 entitled; 250 waiting.
        assert.equal(line.pot, "667675");
        assert.equal(line.claimed, "166668");
        assert.equal(line.entitled, "166918");
        assert.equal(line.waiting, "250");
        const onChain = await getClaimable(chain.publicClient, {
          pool: chain.pool,
          queries: [
            {
              scheduleId: s2,
              proof: { accountId: toAccountId(alice.account.address), shares: BigInt(line.shares) },
              tokens: [chain.usdc],
            },
          ],
        });
        assert.equal(BigInt(line.waiting), onChain.items[0]!.amount);
      });

      it("says where each schedule's money is: claimed, waiting, unbound, held, swept, dust, adding up to the pot", async () => {
        type Pots = {
          pots: Record<
            "scheduleId" | "token" | "pot" | "claimed" | "waiting" | "unbound" | "held" | "swept" | "dust",
            string
          >[];
          unavailableSchedules: string[];
        };
        const body = await get<Pots>(`/v1/pools/${chain.pool}/pots`);
        assert.deepEqual(body.unavailableSchedules, []);
        assert.ok(body.pots.length > 0);
        for (const l of body.pots) {
          const parts = ["claimed", "waiting", "unbound", "held", "swept", "dust"] as const;
          assert.equal(
            parts.reduce((sum, p) => sum + BigInt(l[p]), 0n),
            BigInt(l.pot),
            `schedule ${l.scheduleId} ${l.token}`,
          );
          assert.equal(l.held, "0", "no component: identities in these tables");
        }
        // The first schedule's USDC was swept: what was not claimed moved on, nothing waits there.
        const first = body.pots.find(
          (l) => l.scheduleId === scheduleId.toString() && l.token === getAddress(chain.usdc),
        )!;
        assert.ok(BigInt(first.swept) > 0n);
        assert.equal(first.waiting, "0");
        // In schedule 2, github:carol has no wallet bound: her part is unbound, not waiting.
        const second = body.pots.find(
          (l) => l.scheduleId === s2.toString() && l.token === getAddress(chain.usdc),
        )!;
        const carol = next.table.recipients.find((r) => r.identity === "github:carol")!;
        assert.equal(BigInt(second.unbound), (BigInt(second.pot) * carol.shares) / next.table.totalShares);
        // Claimed is what the indexed Claimed events say (alice claimed her part above).
        assert.ok(BigInt(second.claimed) > 0n);
        assert.equal((await fetch(`${server.url}/v1/pools/${zeroAddress}/pots`)).status, 404);
      });

      it("answers 404 for an unknown pool and 400 for a malformed payer or account", async () => {
        const unknown = await fetch(`${server.url}/v1/pools/${zeroAddress}/statements/payers/${zeroAddress}`);
        assert.equal(unknown.status, 404);
        assert.equal(((await unknown.json()) as ErrorBody).error.code, "NOT_FOUND");
        const badPayer = await fetch(`${server.url}/v1/pools/${chain.pool}/statements/payers/0x12`);
        assert.equal(badPayer.status, 400);
        const badAccount = await fetch(`${server.url}/v1/pools/${chain.pool}/statements/contributors/ab`);
        assert.equal(badAccount.status, 400);
        assert.equal(((await badAccount.json()) as ErrorBody).error.issues?.[0]?.path, "params.account");
      });

      it("is described in the OpenAPI document", async () => {
        const doc = await get<{
          paths: Record<string, unknown>;
          components: { schemas: Record<string, unknown> };
        }>("/openapi.json");
        assert.ok(doc.paths["/v1/pools/{address}/statements/payers/{payer}"]);
        assert.ok(doc.paths["/v1/pools/{address}/statements/contributors/{account}"]);
        assert.ok(doc.components.schemas.PayerStatement);
        assert.ok(doc.components.schemas.ContributorStatement);
      });
    },
  );
}
