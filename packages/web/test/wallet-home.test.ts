// The wallet home's controller on a real chain and server: a maintainer binds through the attestor,
// the home lists the identity (held during the binding window, then claimable), amounts equal the
// pool's claimable, one claim per pool pays exactly what was shown, spent schedules drop out, past
// claims appear; "why" in plain words; bare names get prefixed suggestions.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { royaltyPoolAbi } from "@wellspring/sdk";
import { type Address, erc20Abi, getAddress } from "viem";

import { bindIdentity, requestAttestation } from "../src/app/claim.ts";
import {
  claimPool,
  fetchWhy,
  holdText,
  loadHome,
  poolRequests,
  suggestIdentities,
  sweepText,
  whySentences,
} from "../src/app/wallet-home.ts";
import { IDENTITY, fundingManifest } from "./fixtures.ts";
import { ACTIVATION_DELAY, CLAIMER, type World, payInto, publishRun, startWorld } from "./world.ts";

const DAY = 86_400;

describe("wallet home: words", () => {
  it("suggests prefixed identities for a bare name only", () => {
    assert.deepEqual(suggestIdentities(" wevm "), ["github:wevm", "npm:wevm"]);
    assert.deepEqual(suggestIdentities("Sindresorhus"), ["github:sindresorhus", "npm:sindresorhus"]);
    assert.deepEqual(suggestIdentities("github:wevm"), []);
    assert.deepEqual(suggestIdentities(CLAIMER), []);
    assert.deepEqual(suggestIdentities(""), []);
  });

  it("warns as a sweep date nears", () => {
    const now = Date.parse("2026-12-06T00:00:00Z");
    const at = (iso: string, sweepSoon: boolean) => sweepText({ sweepableAt: new Date(iso), sweepSoon }, now);
    assert.match(sweepText({ sweepableAt: null, sweepSoon: false }, now), /current/);
    assert.equal(
      at("2027-03-01T00:00:00Z", false),
      "Unclaimed money may be swept from 1 Mar 2027, 00:00 UTC (in 85 days).",
    );
    assert.match(
      at("2026-12-10T06:00:00Z", true),
      /^Claim soon: from 10 Dec 2026, 06:00 UTC \(in 4 days 6 hours\)/,
    );
    assert.match(at("2026-12-01T00:00:00Z", true), /^Claim now: since 1 Dec 2026, 00:00 UTC/);
    // Without the server's flag (the Claim page's lookup), no warning, the same date.
    assert.match(sweepText({ sweepableAt: new Date("2026-12-10T00:00:00Z") }, now), /^Unclaimed money/);
  });
});

describe("wallet home: on a real chain and server", () => {
  let world: World;
  const manifest = (payee: Address) => ({
    name: "FUNDING.json",
    bytes: new TextEncoder().encode(fundingManifest(payee)),
  });

  before(async () => {
    world = await startWorld();
    await publishRun(world, CLAIMER);
    await world.advance(ACTIVATION_DELAY + 1);
    await payInto(world, "2.5");
    await payInto(world, "40.000003", world.usdc);
    await world.catchUp();
  });
  after(async () => {
    await world?.close();
  });

  it("shows the bound identity, claims everything in one transaction, then lists the past claim", async () => {
    const claimer = await world.wallet(CLAIMER);
    const empty = await loadHome(world.api, claimer);
    assert.deepEqual(empty.identities, []);
    assert.deepEqual(empty.lines, [], "an unbound identity's money is not the wallet's yet");

    const signed = await requestAttestation(world.api, claimer, IDENTITY, manifest(CLAIMER), () => undefined);
    await bindIdentity(claimer, world.pool, signed, () => undefined);
    await world.catchUp();
    const held = await loadHome(world.api, claimer);
    assert.deepEqual(
      held.identities.map((i) => [i.identity, i.state]),
      [[IDENTITY, "bound"]],
    );
    assert.equal(held.lines.length, 1);
    assert.equal(held.lines[0]!.hold, "binding-not-yet-payable");
    assert.match(
      holdText(held.lines[0]!, held.identities)!,
      /^Bound recently: pools pay github:leftpad-dev from \d{1,2} \w{3,4} \d{4}, \d\d:\d\d UTC\.$/,
    );
    assert.deepEqual(held.pools, [], "nothing to claim while the binding window runs");

    await world.advance(DAY + 1);
    await world.catchUp();
    const home = await loadHome(world.api, claimer);
    const [line] = home.lines;
    assert.ok(line && line.hold === null);
    assert.equal(line.account, IDENTITY);
    for (const a of line.amounts) {
      const onChain: bigint = await world.client.readContract({
        address: world.pool,
        abi: royaltyPoolAbi,
        functionName: "claimable",
        args: [BigInt(line.scheduleId), line.accountId, BigInt(line.shares), a.token.address],
      });
      assert.equal(a.amount, onChain);
    }
    assert.deepEqual(line.amounts.map((a) => a.token.symbol).sort(), ["ETH", "USDC"]);
    assert.equal(poolRequests(home, world.pool).length, 1);

    const why = await whySentences(world.api, await fetchWhy(world.api, line));
    assert.match(why[0]!, /^github:leftpad-dev holds \d+ of \d+ shares of run \d+/);
    assert.ok(
      why.some((s) => /left-pad/.test(s)),
      why.join("\n"),
    );
    assert.match(why.at(-1)!, /worth .*ETH.*USDC|worth .*USDC.*ETH/);

    const usdc = () =>
      world.client.readContract({
        address: world.usdc,
        abi: erc20Abi,
        functionName: "balanceOf",
        args: [CLAIMER],
      });
    const before = await usdc();
    const claimed = await claimPool(claimer, home, getAddress(world.pool), () => undefined);
    // What the claim cost, in ETH: the receipt's gas used at its effective price.
    const receipt = await world.client.getTransactionReceipt({ hash: claimed.hash });
    assert.equal(claimed.cost, receipt.gasUsed * receipt.effectiveGasPrice);
    assert.ok(claimed.cost > 0n);
    const shown = line.amounts.find((a) => a.token.address === getAddress(world.usdc))!.amount;
    assert.equal((await usdc()) - before, shown);

    await world.catchUp();
    const after = await loadHome(world.api, claimer);
    assert.deepEqual(after.lines, [], "a spent schedule is not listed as claimable 0");
    assert.deepEqual(after.past.map((c) => [c.account, c.token.symbol]).sort(), [
      [IDENTITY, "ETH"],
      [IDENTITY, "USDC"],
    ]);
  });
});
