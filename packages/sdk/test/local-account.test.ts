import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { createPublicClient, createWalletClient, custom, parseEther, zeroAddress } from "viem";
import { privateKeyToAccount } from "viem/accounts";

import {
  buildClaims,
  claim,
  deposit,
  depositETH,
  depositWithPermit,
  getClaimable,
  identityRegistryAbi,
  proposeSchedule,
  signAttestation,
  submitAttestation,
} from "../src/index.ts";
import { ACTIVATION_DELAY, deployFixture } from "./helpers/fixture.ts";
import { entitled, makeTable } from "./helpers/table.ts";

// Hardhat's well-known development key #9 (funded on the in-process network); a payer's backend holds
// its own key like this and talks to a plain RPC endpoint, with no chain configured on the client.
const KEY = "0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6";

describe("local (private-key) accounts on a client without a chain", () => {
  it("deposit, depositWithPermit, depositETH, signAttestation and claim sign locally", async () => {
    const f = await deployFixture();
    const transport = custom(f.connection.provider);
    const account = privateKeyToAccount(KEY);
    const wallet = createWalletClient({ account, transport });
    const reader = createPublicClient({ transport });
    await f.mint(f.usdc, account.address, 1_000_000n);

    assert.equal(
      (await deposit(wallet, { pool: f.pool, token: f.usdc, amount: 400_000n })).credited,
      400_000n,
    );
    assert.equal(
      (await depositWithPermit(wallet, { pool: f.pool, token: f.usdc, amount: 600_000n })).credited,
      600_000n,
    );
    assert.equal(
      (await depositETH(wallet, { pool: f.pool, value: parseEther("0.25") })).credited,
      parseEther("0.25"),
    );

    // The same key as an attestor: grant it the role, sign locally, and let the identity claim.
    const registryAdmin = f.wallets.admin;
    const role = await reader.readContract({
      address: f.registry,
      abi: identityRegistryAbi,
      functionName: "ATTESTOR_ROLE",
    });
    await f.publicClient.waitForTransactionReceipt({
      hash: await registryAdmin.writeContract({
        address: f.registry,
        abi: identityRegistryAbi,
        functionName: "grantRole",
        args: [role, account.address],
      }),
    });
    // An attestor grant takes effect only after the registry's rebindDelay (docs/identity.md).
    const delay = await reader.readContract({
      address: f.registry,
      abi: identityRegistryAbi,
      functionName: "rebindDelay",
    });
    await f.networkHelpers.time.increase(delay);
    await f.publicClient.waitForTransactionReceipt({
      hash: await registryAdmin.writeContract({
        address: f.registry,
        abi: identityRegistryAbi,
        functionName: "applyAttestorGrant",
        args: [account.address],
      }),
    });
    const { table, tree } = makeTable([
      { account: "github:local", shares: 3n },
      { account: "github:other", shares: 1n },
    ]);
    await proposeSchedule(f.wallets.admin, { pool: f.pool, table, uri: "local" });
    await f.networkHelpers.time.increase(ACTIVATION_DELAY);
    const signed = await signAttestation(wallet, {
      registry: f.registry,
      identity: "github:local",
      payee: f.wallets.carol.account.address,
    });
    assert.equal((await submitAttestation(wallet, { registry: f.registry, ...signed })).bound, true);
    await f.waitOutBindingWindow();

    const claims = buildClaims({
      account: "github:local",
      schedules: [{ scheduleId: 1n, tree }],
      tokens: [f.usdc, zeroAddress],
    });
    const owed = await getClaimable(reader, { pool: f.pool, queries: claims });
    assert.equal(owed.totals.get(f.usdc), entitled(1_000_000n, 3n, 4n));
    const before = await f.balanceOf(f.usdc, f.wallets.carol.account.address);
    await claim(wallet, { pool: f.pool, claims });
    assert.equal((await f.balanceOf(f.usdc, f.wallets.carol.account.address)) - before, 750_000n);
  });
});
