// Creating a pool from the page's controller against a real chain and server: the form starts from
// what the server knows (its deployment's factory and registry, the tokens it has seen), a wrong
// field is named before the wallet is asked, and the pool is made with the roles and tokens chosen.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { royaltyPoolAbi } from "@wellspring/sdk";
import { type Address, getAddress, keccak256, stringToBytes, zeroAddress } from "viem";

import type { Pool } from "../src/app/api.ts";
import {
  type CreatePoolForm,
  createAndRegisterPool,
  poolDefaults,
  readCreatePoolForm,
} from "../src/app/register.ts";
import { ADMIN, CLAIMER, STRANGER, type World, payInto, startWorld } from "./world.ts";

describe("create a pool", () => {
  let world: World;
  before(async () => {
    world = await startWorld();
    await payInto(world, "5", world.usdc);
    await world.catchUp();
  });
  after(async () => {
    await world?.close();
  });

  const form = (over: Partial<CreatePoolForm> = {}): CreatePoolForm => ({
    factory: world.factory,
    registry: world.registry,
    name: "Made with roles",
    admin: ADMIN,
    proposers: ADMIN,
    guardians: ADMIN,
    delayHours: "2",
    windowDays: "3",
    tokens: [],
    otherTokens: "",
    ...over,
  });

  it("starts from the server's deployment and the tokens it has seen", async () => {
    const { pools } = await world.api.get<{ pools: Pool[] }>("/v1/pools");
    const d = await poolDefaults(world.api, pools);
    assert.equal(d.factory, world.factory);
    assert.equal(d.registry, world.registry);
    assert.equal(d.unregistered, undefined, "the deployment's pool is registered already");
    assert.deepEqual(
      d.tokens.map((t) => [t.address, t.symbol]),
      [[world.usdc, "USDC"]],
      "ERC-20s only: the chain's currency is always accepted",
    );
    // On a server that has not registered it, the Register form gets the deployment's pool.
    const fresh = await poolDefaults(world.api, []);
    assert.equal(fresh.unregistered?.address, world.pool);
    assert.match(fresh.unregistered?.deployedBlock ?? "", /^\d+$/);
  });

  it("names the wrong field before the wallet is asked", () => {
    for (const [field, over] of [
      ["factory", { factory: "0x12" }],
      ["registry", { registry: "" }],
      ["name", { name: " " }],
      ["admin", { admin: "me" }],
      ["proposers", { proposers: "" }],
      ["proposers", { proposers: `${ADMIN}, 0xnope` }],
      ["guardians", { guardians: " , " }],
      ["delayHours", { delayHours: "0" }],
      ["windowDays", { windowDays: "1.5" }],
      ["otherTokens", { otherTokens: "usdc" }],
      ["otherTokens", { otherTokens: zeroAddress }],
    ] as const)
      assert.throws(() => readCreatePoolForm(form(over)), { field }, field);
    const read = readCreatePoolForm(
      form({
        proposers: `${STRANGER.toLowerCase()},\n${ADMIN}`,
        tokens: [world.usdc],
        otherTokens: world.usdc,
      }),
    );
    assert.deepEqual(read.config.proposers, [STRANGER, ADMIN]);
    assert.deepEqual(read.tokens, [world.usdc], "a token ticked and typed is listed once");
    assert.equal(read.config.activationDelay, 7200);
    assert.equal(read.config.claimWindow, 3 * 86_400);
  });

  it("creates the pool with the roles and the tokens chosen, and registers it", async () => {
    const admin = await world.wallet(ADMIN);
    const steps: string[] = [];
    const pool = await createAndRegisterPool(
      world.api,
      admin,
      form({ proposers: `${ADMIN}, ${STRANGER}`, guardians: CLAIMER, tokens: [world.usdc] }),
      (s) => steps.push(s),
    );
    assert.deepEqual(steps, ["prompt", "pending"]);
    const address = getAddress(pool.address);
    const read = <T>(functionName: string, args: readonly unknown[] = []) =>
      world.client.readContract({ address, abi: royaltyPoolAbi, functionName, args } as never) as Promise<T>;
    const role = (name: string) => keccak256(stringToBytes(name));
    const has = (r: `0x${string}`, who: Address) => read<boolean>("hasRole", [r, who]);
    assert.equal(await read<`0x${string}`>("PROPOSER_ROLE"), role("PROPOSER_ROLE"));
    assert.equal(await has(role("PROPOSER_ROLE"), STRANGER), true);
    assert.equal(await has(role("GUARDIAN_ROLE"), CLAIMER), true);
    assert.equal(await has(role("GUARDIAN_ROLE"), ADMIN), false, "only the guardians named");
    assert.equal(await has(`0x${"00".repeat(32)}`, ADMIN), true);
    assert.deepEqual(await read<Address[]>("tokenAllowlist"), [world.usdc]);
    assert.equal(await read<boolean>("isTokenAllowed", [zeroAddress]), true, "ETH always");
    const { pools } = await world.api.get<{ pools: Pool[] }>("/v1/pools");
    assert.ok(pools.some((p) => p.address === pool.address && p.name === "Made with roles"));
  });
});
