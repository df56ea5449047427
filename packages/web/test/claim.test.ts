// The Claim page's controller on a real chain and server: lookups through the claims endpoint and,
// for a server without it, from the run tables (proofs built here); amounts equal the pool's own
// `claimable`; binding through the attestor and the SDK; one claim transaction pays exactly what was
// shown; what the page says in each case (verdict) and in plain words when the pool refuses.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { royaltyPoolAbi, toAccountId } from "@wellspring/sdk";
import { type Address, erc20Abi, zeroAddress } from "viem";

import { type Api, ApiError } from "../src/app/api.ts";
import {
  type Lookup,
  bindIdentity,
  claimAll,
  claimRequests,
  lookupClaims,
  parseAttestation,
  readAccount,
  requestAttestation,
  totals,
  verdict,
} from "../src/app/claim.ts";
import { InputError, describeError } from "../src/app/errors.ts";
import { IDENTITY, fundingManifest } from "./fixtures.ts";
import { ACTIVATION_DELAY, CLAIMER, STRANGER, type World, publishRun, startWorld, payInto } from "./world.ts";

const manifest = (payee: Address) => ({
  name: "FUNDING.json",
  bytes: new TextEncoder().encode(fundingManifest(payee)),
});

describe("Claim: reading what was typed and pasted", () => {
  it("an account is an identity, an address or a raw accountId; empty is refused", () => {
    assert.deepEqual(readAccount(`  ${IDENTITY} `), { input: IDENTITY, accountId: toAccountId(IDENTITY) });
    assert.equal(readAccount(CLAIMER).accountId, `0x${"0".repeat(24)}${CLAIMER.slice(2).toLowerCase()}`);
    assert.throws(() => readAccount("   "), { field: "account" });
  });

  it("an attestation must be well formed and for the identity it names", () => {
    const good = {
      attestation: { accountId: toAccountId(IDENTITY), payee: CLAIMER, nonce: "0", deadline: "99" },
      identity: IDENTITY,
      attestor: STRANGER,
      signature: "0x1234",
    };
    const parsed = parseAttestation(JSON.stringify(good));
    assert.equal(parsed.attestation.nonce, 0n);
    assert.equal(parsed.attestation.deadline, 99n);
    const refused = (v: unknown) => {
      try {
        parseAttestation(typeof v === "string" ? v : JSON.stringify(v));
      } catch (e) {
        assert.ok(e instanceof InputError && e.field === "attestation");
        return e.message;
      }
      return "accepted";
    };
    assert.match(refused("{"), /not valid JSON/);
    assert.match(refused("null"), /accountId/);
    assert.match(refused({ ...good, attestation: { ...good.attestation, payee: "0x12" } }), /payee/);
    assert.match(refused({ ...good, attestation: { ...good.attestation, nonce: "-1" } }), /decimal integers/);
    assert.match(refused({ ...good, identity: "github:someone-else" }), /is not keccak256/);
    assert.match(
      refused({ ...good, attestation: { ...good.attestation, accountId: toAccountId(CLAIMER) } }),
      /paid directly/,
    );
    assert.match(refused({ ...good, signature: 12 }), /signature/);
  });
});

describe("Claim: verdicts", () => {
  const entry = { schedule: { scheduleId: "1" } } as unknown as Lookup["entries"][number];
  const token = { address: zeroAddress, symbol: "ETH", decimals: 18 };
  const lookup = (over: Partial<Lookup>): Lookup => ({
    input: IDENTITY,
    pool: zeroAddress,
    accountId: toAccountId(IDENTITY),
    entries: [entry],
    lines: [{ entry, token, claimable: 5n }],
    tokens: [token],
    payee: CLAIMER,
    withAmounts: true,
    unavailable: 0,
    ...over,
  });
  it("says what the page shows for each case", () => {
    const v = (l: Partial<Lookup>, w: Parameters<typeof verdict>[1] = "ready") => {
      const r = verdict(lookup(l), w);
      return `${r.state}${r.canClaim ? " +claim" : ""}`;
    };
    assert.equal(v({}), "claimable +claim");
    assert.equal(v({ payee: zeroAddress }), "unbound");
    assert.equal(v({ lines: [{ entry, token, claimable: 0n }] }), "nothing");
    assert.equal(v({ entries: [], lines: [] }), "nothing");
    assert.match(
      verdict(lookup({ entries: [], unavailable: 2 }), "ready").message,
      /2 schedule\(s\) have tables/,
    );
    assert.equal(v({}, "wrong-network"), "wrong-network");
    assert.equal(v({ withAmounts: false, lines: [] }, "no-wallet"), "no-wallet");
    assert.equal(v({ withAmounts: false, lines: [] }, "disconnected"), "disconnected");
  });

  it("claims one request per schedule, only the tokens with something claimable", () => {
    const other = {
      address: "0x0000000000000000000000000000000000000002" as Address,
      symbol: "X",
      decimals: 0,
    };
    const e2 = { ...entry, schedule: { scheduleId: "2" } } as unknown as Lookup["entries"][number];
    const withRecipient = (e: typeof entry) =>
      Object.assign(e, {
        recipient: { accountId: toAccountId(IDENTITY), shares: "3", identity: IDENTITY },
        proof: [],
      });
    const requests = claimRequests([
      { entry: withRecipient(entry), token, claimable: 5n },
      { entry, token: other, claimable: 0n },
      { entry: withRecipient(e2), token: other, claimable: 1n },
    ]);
    assert.deepEqual(
      requests.map((r) => [r.scheduleId, r.tokens, r.proof.shares]),
      [
        [1n, [zeroAddress], 3n],
        [2n, [other.address], 3n],
      ],
    );
    assert.deepEqual(
      totals({
        lines: [
          { entry, token, claimable: 5n },
          { entry: e2, token, claimable: 7n },
        ],
        tokens: [token, other],
      }).map((t) => t.amount),
      [12n, 0n],
    );
  });
});

describe("Claim: on a real chain and server", () => {
  let world: World;
  /** The server as an older one without the claims endpoint answers (the page builds proofs itself). */
  let withoutClaimsRoute: Api;
  const pool = () => world.pool;
  const onChain = (scheduleId: string, shares: string, token: Address) =>
    world.client.readContract({
      address: world.pool,
      abi: royaltyPoolAbi,
      functionName: "claimable",
      args: [BigInt(scheduleId), toAccountId(IDENTITY), BigInt(shares), token],
    });

  before(async () => {
    world = await startWorld();
    withoutClaimsRoute = {
      ...world.api,
      get: <T>(path: string) =>
        /\/claims\//.test(path)
          ? Promise.reject(new ApiError(404, "NOT_FOUND", `no route GET ${path}`))
          : world.api.get<T>(path),
    };
    await publishRun(world, CLAIMER);
    await world.advance(ACTIVATION_DELAY + 1);
    const deposit = (amount: string, token = "") => payInto(world, amount, token);
    await deposit("1.5");
    await deposit("100.000001", world.usdc);
    await world.catchUp();
  });
  after(async () => {
    await world?.close();
  });

  it("finds the identity's share and amounts equal to the pool's claimable; unbound until bound", async () => {
    const claimer = await world.wallet(CLAIMER);
    await assert.rejects(lookupClaims(world.api, claimer, pool(), " "), { field: "account" });
    for (const api of [world.api, withoutClaimsRoute]) {
      const l = await lookupClaims(api, claimer, pool(), IDENTITY);
      assert.equal(l.entries.length, 1);
      const [e] = l.entries;
      assert.equal(e!.rootFrom, api === world.api ? "chain" : "server index");
      // Half of the product to left-pad and half of tiny-json's half passed on to it: 75 %.
      assert.equal((BigInt(e!.recipient.shares) * 100n) / 10n ** 18n, 75n);
      assert.equal(l.payee, zeroAddress);
      assert.equal(verdict(l, claimer.state).state, "unbound");
      for (const line of l.lines) {
        assert.equal(
          line.claimable,
          await onChain(e!.schedule.scheduleId, e!.recipient.shares, line.token.address),
        );
      }
      assert.deepEqual(
        totals(l)
          .map((t) => t.token.symbol)
          .sort(),
        ["ETH", "USDC"],
      );
      assert.ok(totals(l).every((t) => t.amount > 0n));
    }
    // Claiming for an unbound identity: the SDK checks the payee first and says why in plain words.
    const l = await lookupClaims(world.api, claimer, pool(), IDENTITY);
    const refused = await claimAll(claimer, l, () => undefined).catch((e: unknown) => e);
    assert.equal(describeError(refused).state, "unbound");
  });

  it("binds through the attestor: a manifest naming another wallet is refused with the attestor's reason", async () => {
    const claimer = await world.wallet(CLAIMER);
    const steps: string[] = [];
    const progress = (state: string, text: string) => steps.push(`${state}: ${text}`);
    await assert.rejects(requestAttestation(world.api, claimer, "0xabc", manifest(CLAIMER), progress), {
      field: "account",
    });
    await assert.rejects(requestAttestation(world.api, claimer, IDENTITY, undefined, progress), {
      field: "manifest",
    });
    const wrong = await requestAttestation(world.api, claimer, IDENTITY, manifest(STRANGER), progress).catch(
      (e: unknown) => e,
    );
    assert.ok(wrong instanceof ApiError && wrong.reason, String(wrong));

    steps.length = 0;
    const signed = await requestAttestation(world.api, claimer, IDENTITY, manifest(CLAIMER), progress);
    assert.deepEqual(steps, [
      "prompt: Sign the binding request in your wallet…",
      "pending: The attestor is checking FUNDING.json…",
    ]);
    assert.equal(signed.attestation.payee, CLAIMER);
    const bound = await bindIdentity(claimer, pool(), signed, progress);
    assert.equal(bound.bound, true);
    assert.equal(bound.payee, CLAIMER);
    assert.ok(bound.payableFrom! > 0n);

    // The same attestation again: the simulation fails before the wallet is asked.
    steps.length = 0;
    const again = await bindIdentity(claimer, pool(), signed, progress).catch((e: unknown) => e);
    const problem = describeError(again);
    assert.equal(problem.state, "failed");
    assert.match(problem.message, /used already|bound to this wallet already/);
    assert.deepEqual(steps, []);
  });

  it("claims everything in one transaction; the payee receives exactly what was shown; then nothing is left", async () => {
    const { networkHelpers } = world.connection;
    const claimer = await world.wallet(CLAIMER);
    // A first binding is paid after the window in which it may be cancelled.
    await networkHelpers.time.increase(8 * 86_400);
    await world.catchUp();
    const l = await lookupClaims(world.api, claimer, pool(), IDENTITY);
    assert.equal(l.payee, CLAIMER);
    assert.equal(verdict(l, claimer.state).state, "claimable");
    const shown = new Map(totals(l).map((t) => [t.token.address, t.amount]));
    const usdcBefore = await world.client.readContract({
      address: world.usdc,
      abi: erc20Abi,
      functionName: "balanceOf",
      args: [CLAIMER],
    });
    const steps: string[] = [];
    const r = await claimAll(claimer, l, (state) => steps.push(state));
    assert.deepEqual(steps, ["prompt", "pending"]);
    assert.deepEqual(r.totals, shown);
    const usdcAfter = await world.client.readContract({
      address: world.usdc,
      abi: erc20Abi,
      functionName: "balanceOf",
      args: [CLAIMER],
    });
    assert.equal(usdcAfter - usdcBefore, shown.get(world.usdc));

    await world.catchUp();
    const after = await lookupClaims(world.api, claimer, pool(), IDENTITY);
    assert.equal(verdict(after, claimer.state).state, "nothing");
    const stranger = await lookupClaims(world.api, claimer, pool(), STRANGER);
    assert.equal(verdict(stranger, claimer.state).state, "nothing");
  });
});
