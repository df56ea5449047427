// The Admin page's controller on a real chain and server: policy versions with the server's field
// errors, a run on uploaded inputs and its what-if, publishing and revoking through the SDK, the
// pending schedule's countdown on chain time; a wallet without the role fails in plain words.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import {
  countdownText,
  fieldRange,
  formatDuration,
  latestPolicy,
  pendingSchedule,
  policyDiff,
  policyHistory,
  poolRoles,
  proposalSummary,
  registerPool,
  previewRun,
  publishRun,
  revokePending,
  roleNeeded,
  savePolicy,
  signedPercent,
  priceAt,
  startRun,
} from "../src/app/admin.ts";
import { zeroAddress } from "viem";

import { ApiError } from "../src/app/api.ts";
import { InputError, describeError } from "../src/app/errors.ts";
import { entitlement } from "../src/app/whatif.ts";
import { IDENTITY, LOCKFILE, fundingManifest } from "./fixtures.ts";
import {
  ACTIVATION_DELAY,
  ADMIN,
  CLAIMER,
  DEFAULT_POLICY,
  STRANGER,
  type World,
  payInto,
  startWorld,
} from "./world.ts";

describe("Admin: pure helpers", () => {
  it("finds a server field path in the JSON text, nested keys after their parents", () => {
    const text = JSON.stringify({ default: 1, keep: { default: 2, list: [{ default: 3 }] } }, null, 2);
    const r = fieldRange(text, "body.document.keep.default")!;
    assert.equal(text.slice(r.start, r.end), '"default"');
    assert.ok(text.slice(0, r.start).includes('"keep"'), "the default inside keep, not the first one");
    const inList = fieldRange(text, "body.document.keep.list.0.default")!;
    assert.ok(inList.start > r.start && text.slice(0, inList.start).includes('"list"'));
    assert.equal(fieldRange(text, "body.document.nowhere"), undefined);
    assert.equal(fieldRange(text, "body.document"), undefined);
  });

  it("says durations, signed changes and the countdown on chain time", () => {
    assert.equal(formatDuration(3599), "0h 59m 59s");
    assert.equal(formatDuration(90_061), "25h 01m 01s");
    assert.equal(signedPercent(-(10n ** 17n)), "−10 %");
    assert.equal(signedPercent(25n * 10n ** 14n), "+0.25 %");
    // The chain runs an hour ahead of the browser's clock.
    const p = { scheduleId: 7n, activatesAt: 10_000n + 3600n + 120n, offset: 3600 };
    assert.equal(
      countdownText(p, 10_000_000),
      "Schedule #7 activates in 0h 02m 00s unless a guardian revokes it.",
    );
    assert.equal(countdownText(p, 10_120_000), "Schedule #7 is active now.");
  });
});

describe("Admin: policy, run, publish and revoke on a real chain and server", () => {
  let world: World;

  before(async () => {
    world = await startWorld();
  });
  after(async () => {
    await world?.close();
  });

  it("saves a policy: bad JSON and the server's field errors name the field; a rejected signature saves nothing", async () => {
    const admin = await world.wallet(ADMIN);
    assert.equal(await latestPolicy(world.api, "default"), undefined);
    const input = { name: "default", text: DEFAULT_POLICY, note: "", latest: undefined };

    await assert.rejects(savePolicy(world.api, admin, { ...input, text: "{ nope" }), (e) => {
      assert.ok(e instanceof InputError && e.field === "document");
      return true;
    });
    const bad = JSON.parse(DEFAULT_POLICY) as { keep: { default: number } };
    bad.keep.default = 2;
    await assert.rejects(savePolicy(world.api, admin, { ...input, text: JSON.stringify(bad) }), (e) => {
      assert.ok(e instanceof ApiError);
      assert.deepEqual(
        e.issues.map((i) => i.path),
        ["body.document.keep.default"],
      );
      return true;
    });
    let rejecting = false;
    const reluctant = await world.wallet(ADMIN, { reject: () => rejecting });
    rejecting = true;
    const refused = await savePolicy(world.api, reluctant, input).catch((e: unknown) => e);
    assert.equal(describeError(refused).state, "rejected");
    assert.equal(await latestPolicy(world.api, "default"), undefined);

    const saved = await savePolicy(world.api, admin, { ...input, note: "first" });
    assert.equal(saved.version, 1);
    assert.deepEqual(await latestPolicy(world.api, "default"), saved);

    // History newest first, and what a version changed against the one before.
    assert.deepEqual(await policyHistory(world.api, "nothing-here"), []);
    const edited = { ...(JSON.parse(DEFAULT_POLICY) as Record<string, unknown>), description: "edited" };
    const v2 = await savePolicy(world.api, admin, {
      ...input,
      text: JSON.stringify(edited),
      note: "reworded",
      latest: saved,
    });
    const history = await policyHistory(world.api, "default");
    assert.deepEqual(
      history.map((v) => [v.version, v.note]),
      [
        [2, "reworded"],
        [1, "first"],
      ],
    );
    const diff = await policyDiff(world.api, "default", 1, 2);
    assert.deepEqual(
      diff.changes.map((c) => [c.op, c.path, c.to]),
      [["replace", "/description", "edited"]],
    );
    assert.equal((await latestPolicy(world.api, "default"))?.hash, v2.hash);
  });

  it("runs the policy on uploaded files, previews it, publishes it, counts down, revokes it and publishes again", async () => {
    const admin = await world.wallet(ADMIN);
    const policy = await latestPolicy(world.api, "default");
    const files = [
      { name: "package-lock.json", type: "application/json", bytes: new TextEncoder().encode(LOCKFILE) },
      { name: "FUNDING.json", type: "", bytes: new TextEncoder().encode(fundingManifest(CLAIMER)) },
    ];
    await assert.rejects(startRun(world.api, admin, { policy: undefined, pool: world.pool, files }), {
      field: "policy",
    });
    await assert.rejects(startRun(world.api, admin, { policy, pool: world.pool, files: [] }), {
      field: "files",
    });

    const run = await startRun(world.api, admin, { policy, pool: world.pool, files });
    assert.equal(run.recipientCount, 2);
    assert.ok(run.report?.held?.largest.some((c) => c.component === "pkg:npm/tiny-json@2.0.1"));
    const preview = await previewRun(world.api, run, world.pool);
    assert.equal(preview.kind, "first", "no active schedule to compare with");
    assert.equal(preview.kind === "first" && preview.largest[0]?.identity, IDENTITY);

    const steps: string[] = [];
    const progress = (state: string) => steps.push(state);
    const published = await publishRun(admin, world.pool, run, world.server.url, progress);
    assert.equal(published.scheduleId, 1n);
    assert.deepEqual(steps, ["prompt", "pending"]);
    const pending = await pendingSchedule(admin, world.pool);
    assert.equal(pending?.scheduleId, 1n);
    assert.equal(pending?.activatesAt, published.activatesAt);
    assert.match(countdownText(pending!, Date.now()), /^Schedule #1 activates in (0h 59m|1h 00m)/);

    // Roles read up front: the page disables what the wallet may not do and names the role.
    assert.deepEqual(await poolRoles(admin, world.pool), { proposer: true, guardian: true, admin: true });
    const strangerRoles = await poolRoles(await world.wallet(STRANGER), world.pool);
    assert.deepEqual(strangerRoles, { proposer: false, guardian: false, admin: false });
    assert.equal(
      roleNeeded(strangerRoles, "publish"),
      "Needs the PROPOSER role on this pool; your wallet does not hold it.",
    );
    assert.equal(
      roleNeeded(strangerRoles, "revoke"),
      "Needs the GUARDIAN or ADMIN role on this pool; your wallet holds neither.",
    );
    assert.equal(roleNeeded({ proposer: false, guardian: false, admin: true }, "revoke"), undefined);
    assert.equal(
      roleNeeded({ proposer: false, guardian: false, admin: true }, "publish") !== undefined,
      true,
    );
    assert.equal(roleNeeded(undefined, "publish"), undefined, "unknown roles: the contract decides");

    // What Publish will propose, shown before the wallet is asked.
    const proposal = await proposalSummary(admin, world.pool, run);
    assert.deepEqual(
      [proposal.root, proposal.totalShares, proposal.recipients, proposal.delay],
      [run.root, BigInt(run.totalShares!), 2, ACTIVATION_DELAY],
    );

    // A wallet without the guardian role: the simulation fails, the wallet is never asked.
    steps.length = 0;
    const stranger = await world.wallet(STRANGER);
    const refused = await revokePending(stranger, world.pool, 1n, progress).catch((e: unknown) => e);
    assert.deepEqual(describeError(refused), {
      kind: "error",
      state: "failed",
      message: "Your wallet does not hold the role this needs on the pool.",
    });
    assert.deepEqual(steps, []);
    assert.equal((await pendingSchedule(admin, world.pool))?.scheduleId, 1n);

    await revokePending(admin, world.pool, 1n, progress);
    assert.equal(await pendingSchedule(admin, world.pool), undefined);
    const again = await publishRun(admin, world.pool, run, world.server.url, () => undefined);
    assert.equal(again.scheduleId, 2n);

    // Once it is active, a new run is compared with it, every change priced at the pool's pot to the wei.
    await world.advance(ACTIVATION_DELAY + 1);
    await payInto(world, "1.5");
    await world.catchUp();
    const next = await startRun(world.api, admin, { policy, pool: world.pool, files: files.slice(0, 1) });
    const diff = await previewRun(world.api, next, world.pool);
    assert.equal(diff.kind, "diff");
    assert.ok(diff.kind === "diff" && diff.diff.summary.removed + diff.diff.summary.changed > 0);
    assert.deepEqual(diff.pot, { token: zeroAddress, amount: 15n * 10n ** 17n });
    const total = BigInt(next.totalShares!);
    for (const r of diff.summary.rows)
      assert.equal(
        r.money,
        entitlement(diff.pot.amount, r.after, total) - entitlement(diff.pot.amount, r.before, total),
      );
    assert.equal(diff.summary.rows.length, diff.diff.changes.length);
    assert.equal(diff.summary.gained + diff.summary.lost, diff.summary.changed);

    // With USDC in the pool too, ETH stays first and the admin may price in USDC: each row at
    // 2.5 USDC (6 decimals), never compared with the ETH balance in base units.
    await payInto(world, "2.5", world.usdc);
    await world.catchUp();
    const both = await previewRun(world.api, next, world.pool);
    assert.ok(both.kind === "diff");
    assert.deepEqual(both.pots, [
      { token: zeroAddress, amount: 15n * 10n ** 17n },
      { token: world.usdc, amount: 2_500_000n },
    ]);
    assert.deepEqual(both.pot, both.pots[0]);
    const inUsdc = priceAt(both, both.pots[1]);
    for (const r of inUsdc.rows)
      assert.equal(
        r.money,
        entitlement(2_500_000n, r.after, total) - entitlement(2_500_000n, r.before, total),
      );
    assert.ok(inUsdc.rows.some((r) => r.money !== 0n));
    assert.ok(
      priceAt(both, undefined).rows.every((r) => r.money === 0n),
      "no pot: changes in shares only",
    );
  });

  it("registers a pool from the page: fields checked first, ADMIN-signed, a wallet without the role refused", async () => {
    const admin = await world.wallet(ADMIN);
    const input = { address: world.pool, name: "Again", deployedBlock: "0" };
    for (const [fieldName, bad] of [
      ["address", { ...input, address: "0x1234" }],
      ["name", { ...input, name: "  " }],
      ["deployedBlock", { ...input, deployedBlock: "-1" }],
    ] as const)
      await assert.rejects(registerPool(world.api, admin, bad), (e) => {
        assert.ok(e instanceof InputError && e.field === fieldName, String(e));
        return true;
      });
    const stranger = await world.wallet(STRANGER);
    await assert.rejects(registerPool(world.api, stranger, input), (e) => {
      assert.ok(e instanceof ApiError && e.status === 403, String(e));
      return true;
    });
    // The world's pool is registered already: the signed request reaches the server, which says so.
    await assert.rejects(registerPool(world.api, admin, input), (e) => {
      assert.ok(e instanceof ApiError && e.status === 409, String(e));
      return true;
    });
  });
});
