import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { royaltyPoolAbi } from "@wellspring/sdk";
import fc from "fast-check";
import { type Address, type Hex, zeroAddress } from "viem";

import {
  ACTIVATION_DELAY,
  CLAIM_WINDOW,
  deployFixture,
  type Fixture,
} from "../../sdk/test/helpers/fixture.ts";
import {
  addressToAccountId,
  claimableFrom,
  currentScheduleId,
  encodeClaimCalldata,
  genesisScheduleId,
  isClaimableStatus,
  type Leaf,
  merkleTree,
  pendingScheduleId,
  potKey,
  type PotState,
  potRemainder,
  potView,
  type ProposedSchedule,
  scheduleStatus,
  scheduleStatuses,
  scheduleTimesOf,
  sweepableAt,
} from "../src/index.ts";

/**
 * Differential test: random pool histories (proposals with consistent and inconsistent tables,
 * revocations, deposits of a token and ETH, claims, sweeps, time warps) run on the real contract in
 * the in-process EDR chain, and after every step each protocol rule is compared with the pool's own
 * views: `scheduleOf` (supersession), `currentScheduleId` / `pendingScheduleId`, `potOf` (pot keys
 * and genesis), `isSwept`, `claimable` and `claimed` (entitlement), and `sweep` succeeding exactly
 * when `sweepableAt` and the remainder say it may.
 */

type Step =
  | { kind: "propose"; shares: bigint[]; shortBy: bigint }
  | { kind: "revoke" }
  | { kind: "deposit"; eth: boolean; amount: bigint }
  | { kind: "claim"; account: number; pick: number; guided: boolean }
  | { kind: "sweep"; pick: number; eth: boolean; guided: boolean }
  | { kind: "warp"; seconds: number }
  | { kind: "boundary"; pick: number; offset: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("propose" as const),
      shares: fc.array(fc.bigInt({ min: 0n, max: 10n ** 6n }), { minLength: 3, maxLength: 3 }),
      // A table whose totalShares is below the sum of its shares is inconsistent: the pot bound matters.
      shortBy: fc.oneof(fc.constant(0n), fc.bigInt({ min: 1n, max: 10n ** 6n })),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: "revoke" as const }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("deposit" as const),
      eth: fc.boolean(),
      amount: fc.bigInt({ min: 1n, max: 10n ** 9n }),
    }),
  },
  // Guided picks choose among the schedules the model says pay (claim) or may be swept (sweep).
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("claim" as const),
      account: fc.nat(2),
      pick: fc.nat(7),
      guided: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("sweep" as const),
      pick: fc.nat(7),
      eth: fc.boolean(),
      guided: fc.boolean(),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("warp" as const),
      // Exactly to an activation or a sweep time (the boundaries), or anywhere around them.
      seconds: fc.oneof(
        fc.constantFrom(ACTIVATION_DELAY - 1, ACTIVATION_DELAY, CLAIM_WINDOW - 1, CLAIM_WINDOW),
        fc.integer({ min: 1, max: ACTIVATION_DELAY * 2 }),
        fc.integer({ min: CLAIM_WINDOW - 10, max: CLAIM_WINDOW + ACTIVATION_DELAY }),
      ),
    }),
  },
  // To just before, at or after the next activation or sweep time the model knows of.
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("boundary" as const),
      pick: fc.nat(7),
      offset: fc.integer({ min: -2, max: 0 }),
    }),
  },
);

/** The pool as the protocol sees it: plain values built from what the steps did. */
class Model {
  history: ProposedSchedule[] = [];
  tables = new Map<bigint, { leaves: Leaf[]; totalShares: bigint; tree: ReturnType<typeof merkleTree> }>();
  /** Credits by the schedule current when they were made (0 = none), then token. */
  credits = new Map<string, bigint>();
  /** By pot key and token. */
  potClaimed = new Map<string, bigint>();
  swept = new Set<string>();
  paid = new Map<string, bigint>();

  get genesis() {
    return genesisScheduleId(this.history);
  }

  credit(now: bigint, token: Address, amount: bigint) {
    const key = `${currentScheduleId(this.history, now)}|${token}`;
    this.credits.set(key, (this.credits.get(key) ?? 0n) + amount);
  }

  pot(scheduleId: bigint, token: Address): PotState {
    const key = potKey(scheduleId, this.genesis);
    let deposited = 0n;
    for (const [k, amount] of this.credits) {
      const [credited, t] = k.split("|");
      if (t === token && potKey(BigInt(credited!), this.genesis) === key) deposited += amount;
    }
    return {
      deposited,
      claimed: this.potClaimed.get(`${key}|${token}`) ?? 0n,
      swept: this.swept.has(`${key}|${token}`),
    };
  }

  claimable(scheduleId: bigint, leaf: Leaf, token: Address, now: bigint): bigint {
    const status = scheduleStatus(scheduleTimesOf(this.history, scheduleId), now);
    if (!isClaimableStatus(status)) return 0n;
    return claimableFrom({
      pot: this.pot(scheduleId, token),
      shares: leaf.shares,
      totalShares: this.tables.get(scheduleId)!.totalShares,
      paid: this.paid.get(`${scheduleId}|${leaf.accountId}|${token}`) ?? 0n,
    });
  }
}

describe("protocol rules against the RoyaltyPool contract (differential, fast-check)", () => {
  let f: Fixture;
  let clean: { restore(): Promise<void> };
  let accounts: Address[];
  let tokens: Address[];

  before(async () => {
    f = await deployFixture();
    const { payer, alice, bob, carol } = f.wallets;
    accounts = [alice, bob, carol].map((w) => w.account.address);
    tokens = [f.usdc, zeroAddress];
    const hash = await payer.writeContract({
      address: f.usdc,
      abi: [
        {
          type: "function",
          name: "approve",
          stateMutability: "nonpayable",
          inputs: [
            { name: "spender", type: "address" },
            { name: "amount", type: "uint256" },
          ],
          outputs: [{ type: "bool" }],
        },
      ],
      functionName: "approve",
      args: [f.pool, 2n ** 255n],
    });
    await f.publicClient.waitForTransactionReceipt({ hash });
    clean = await f.networkHelpers.takeSnapshot();
  });

  after(async () => {
    await f.connection.close();
  });

  const read = <T>(functionName: string, args: readonly unknown[]): Promise<T> =>
    f.publicClient.readContract({
      address: f.pool,
      abi: royaltyPoolAbi,
      functionName: functionName as never,
      args: args as never,
    }) as Promise<T>;

  /** Sends a pool transaction; returns its block's timestamp, or undefined when it reverted. */
  const send = async (
    wallet: Fixture["wallets"]["admin"],
    request: { functionName: string; args?: readonly unknown[]; value?: bigint; data?: Hex },
  ): Promise<bigint | undefined> => {
    try {
      const hash = request.data
        ? await wallet.sendTransaction({ to: f.pool, data: request.data })
        : await wallet.writeContract({
            address: f.pool,
            abi: royaltyPoolAbi,
            functionName: request.functionName as never,
            args: (request.args ?? []) as never,
            ...(request.value === undefined ? {} : { value: request.value }),
          } as never);
      const receipt = await f.publicClient.waitForTransactionReceipt({ hash });
      if (receipt.status !== "success") return undefined;
      return (await f.publicClient.getBlock({ blockNumber: receipt.blockNumber })).timestamp;
    } catch {
      return undefined;
    }
  };

  const latest = async () => (await f.publicClient.getBlock()).timestamp;

  async function compare(m: Model, now: bigint, label: string) {
    assert.equal(
      await read<bigint>("currentScheduleId", []),
      currentScheduleId(m.history, now),
      `${label}: current`,
    );
    assert.equal(
      await read<bigint>("pendingScheduleId", []),
      pendingScheduleId(m.history, now),
      `${label}: pending`,
    );
    const listed = scheduleStatuses(m.history, now);
    const ids = [...m.history.map((s) => s.scheduleId), BigInt(m.history.length + 1)];
    for (const id of ids) {
      const stored = await read<{ activatesAt: number; supersededAt: number; revoked: boolean }>(
        "scheduleOf",
        [id],
      );
      const times = scheduleTimesOf(m.history, id);
      assert.deepEqual(
        {
          activatesAt: BigInt(stored.activatesAt),
          supersededAt: BigInt(stored.supersededAt),
          revoked: stored.revoked,
        },
        times,
        `${label}: scheduleOf(${id})`,
      );
      const status = listed.find((s) => s.scheduleId === id);
      assert.equal(status?.supersededAt ?? 0n, times.supersededAt, `${label}: scheduleStatuses(${id})`);
      assert.equal(status?.status ?? "unknown", scheduleStatus(times, now), `${label}: status of ${id}`);
      for (const token of tokens) {
        const pot = m.pot(id, token);
        const [deposited, claimed] = await read<[bigint, bigint]>("potOf", [id, token]);
        assert.deepEqual({ deposited, claimed }, potView(pot), `${label}: potOf(${id}, ${token})`);
        assert.equal(
          await read<boolean>("isSwept", [id, token]),
          pot.swept,
          `${label}: isSwept(${id}, ${token})`,
        );
        for (const leaf of m.tables.get(id)?.leaves ?? []) {
          assert.equal(
            await read<bigint>("claimable", [id, leaf.accountId, leaf.shares, token]),
            m.claimable(id, leaf, token, now),
            `${label}: claimable(${id}, ${leaf.accountId}, ${token})`,
          );
          assert.equal(
            await read<bigint>("claimed", [id, leaf.accountId, token]),
            m.paid.get(`${id}|${leaf.accountId}|${token}`) ?? 0n,
            `${label}: claimed(${id}, ${leaf.accountId}, ${token})`,
          );
        }
      }
    }
  }

  async function run(steps: Step[]) {
    await clean.restore();
    const m = new Model();
    const { admin, payer } = f.wallets;
    for (const [i, step] of steps.entries()) {
      const label = `step ${i} ${step.kind}`;
      let now = await latest();
      switch (step.kind) {
        case "propose": {
          const leaves = step.shares.map((shares, k) => ({
            accountId: addressToAccountId(accounts[k]!),
            shares,
          }));
          const sum = leaves.reduce((a, l) => a + l.shares, 0n);
          const totalShares = sum > step.shortBy ? sum - step.shortBy : sum === 0n ? 1n : sum;
          const tree = merkleTree(leaves);
          const zero = `0x${"00".repeat(32)}` as const;
          const at = await send(admin, {
            functionName: "proposeSchedule",
            args: [tree.root, totalShares, zero, zero, zero, ""],
          });
          // The pool refuses a proposal while one is pending.
          assert.equal(at !== undefined, pendingScheduleId(m.history, now + 1n) === 0n, label);
          if (at === undefined) break;
          const scheduleId = BigInt(m.history.length + 1);
          m.history.push({ scheduleId, activatesAt: at + BigInt(ACTIVATION_DELAY), revoked: false });
          m.tables.set(scheduleId, { leaves, totalShares, tree });
          now = at;
          break;
        }
        case "revoke": {
          const pending = pendingScheduleId(m.history, now + 1n);
          const at = await send(admin, { functionName: "revokeSchedule", args: [BigInt(m.history.length)] });
          assert.equal(at !== undefined, pending !== 0n, label);
          if (at === undefined) break;
          m.history.find((s) => s.scheduleId === pending)!.revoked = true;
          now = at;
          break;
        }
        case "deposit": {
          const at = step.eth
            ? await send(payer, {
                functionName: "depositETH",
                args: [`0x${"00".repeat(32)}`],
                value: step.amount,
              })
            : await send(payer, {
                functionName: "deposit",
                args: [f.usdc, step.amount, `0x${"00".repeat(32)}`],
              });
          assert.ok(at !== undefined, label);
          m.credit(at, step.eth ? zeroAddress : f.usdc, step.amount);
          now = at;
          break;
        }
        case "claim": {
          // One claim of every token the model says is owed, for a schedule holding the account.
          const owes = (id: bigint) =>
            tokens.some((t) => m.claimable(id, m.tables.get(id)!.leaves[step.account]!, t, now + 1n) > 0n);
          const ids = [...m.tables.keys()].filter((id) => !step.guided || owes(id));
          if (ids.length === 0) break;
          const scheduleId = ids[step.pick % ids.length]!;
          const table = m.tables.get(scheduleId)!;
          const leaf = table.leaves[step.account]!;
          const owed = tokens.filter((t) => m.claimable(scheduleId, leaf, t, now + 1n) > 0n);
          if (owed.length === 0) break;
          const amounts = owed.map((t) => m.claimable(scheduleId, leaf, t, now + 1n));
          const data = encodeClaimCalldata([
            { scheduleId, ...leaf, proof: table.tree.proof(step.account), tokens: owed },
          ]);
          const at = await send(payer, { functionName: "claim", data });
          assert.ok(at !== undefined, `${label}: the pool refused a claim the protocol says is owed`);
          owed.forEach((token, k) => {
            const key = `${potKey(scheduleId, m.genesis)}|${token}`;
            m.potClaimed.set(key, (m.potClaimed.get(key) ?? 0n) + amounts[k]!);
            const paidKey = `${scheduleId}|${leaf.accountId}|${token}`;
            m.paid.set(paidKey, (m.paid.get(paidKey) ?? 0n) + amounts[k]!);
          });
          now = at;
          break;
        }
        case "sweep": {
          const allowedFor = (id: bigint, token: Address) => {
            const from = sweepableAt(scheduleTimesOf(m.history, id), BigInt(CLAIM_WINDOW));
            const pot = m.pot(id, token);
            return from !== 0n && now + 1n >= from && !pot.swept && potRemainder(pot) > 0n;
          };
          const pairs = [...m.tables.keys()]
            .flatMap((id) => tokens.map((token) => ({ id, token })))
            .filter(({ id, token }) =>
              step.guided ? allowedFor(id, token) : token === tokens[step.eth ? 1 : 0],
            );
          if (pairs.length === 0) break;
          const { id: scheduleId, token } = pairs[step.pick % pairs.length]!;
          const pot = m.pot(scheduleId, token);
          const at = await send(payer, { functionName: "sweep", args: [scheduleId, token] });
          assert.equal(
            at !== undefined,
            allowedFor(scheduleId, token),
            `${label}: sweep(${scheduleId}) allowed`,
          );
          if (at === undefined) break;
          // The remainder moves to the current schedule's pot.
          m.credit(at, token, potRemainder(pot));
          m.swept.add(`${potKey(scheduleId, m.genesis)}|${token}`);
          now = at;
          break;
        }
        case "warp":
          await f.networkHelpers.time.increase(step.seconds);
          now = await latest();
          break;
        case "boundary": {
          const times = m.history.map((s) => scheduleTimesOf(m.history, s.scheduleId));
          const boundaries = [
            ...times.map((t) => t.activatesAt),
            ...times.map((t) => sweepableAt(t, BigInt(CLAIM_WINDOW))),
          ].filter((t) => t + BigInt(step.offset) > now);
          if (boundaries.length === 0) break;
          await f.networkHelpers.time.increaseTo(
            boundaries[step.pick % boundaries.length]! + BigInt(step.offset),
          );
          now = await latest();
          break;
        }
      }
      await compare(m, await latest(), label);
    }
  }

  it("every rule agrees with the contract's views over random histories", async () => {
    await fc.assert(fc.asyncProperty(fc.array(stepArb, { minLength: 12, maxLength: 40 }), run), {
      numRuns: 40,
    });
  });
});
