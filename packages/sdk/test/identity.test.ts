import assert from "node:assert/strict";
import { before, describe, it } from "node:test";

import { getAddress } from "viem";

import { identityRegistryAbi } from "../src/abi/IdentityRegistry.ts";
import {
  getPayee,
  identityToAccountId,
  isSdkError,
  signAttestation,
  submitAttestation,
} from "../src/index.ts";
import { type Fixture, REBIND_DELAY, deployFixture } from "./helpers/fixture.ts";
import { addr } from "./helpers/table.ts";

describe("identity binding actions", () => {
  let f: Fixture;
  before(async () => {
    f = await deployFixture();
  });

  it("an attestor's signature binds an unbound identity at once; anyone may submit it", async () => {
    const { attestor, carol, stranger } = f.wallets;
    const identity = "github:4242";
    assert.equal((await getPayee(carol, { registry: f.registry, account: identity })).payee, null);

    const signed = await signAttestation(attestor, { registry: f.registry, identity, payee: addr(carol) });
    assert.equal(signed.attestation.accountId, identityToAccountId(identity));
    assert.equal(signed.attestation.nonce, 0n);
    // The registry's own digest must match what was signed: check by submitting from a stranger.
    const submitted = await submitAttestation(stranger, { registry: f.registry, ...signed });
    assert.equal(submitted.bound, true);
    const payee = await getPayee(stranger, { registry: f.registry, account: identity });
    assert.equal(payee.payee, getAddress(addr(carol)));
    assert.equal(payee.pendingRebind, null);
    assert.equal(payee.rebindPending, false);
    // A first binding is payable only after the registry's window, from the block that bound it.
    const block = await f.publicClient.getBlock({ blockNumber: submitted.receipt.blockNumber });
    const window = await f.publicClient.readContract({
      address: f.registry,
      abi: identityRegistryAbi,
      functionName: "BINDING_DELAY",
    });
    assert.ok(window > 0n);
    assert.equal(payee.payableFrom, block.timestamp + window);
  });

  it("re-binding a bound identity only proposes a delayed rebind", async () => {
    const { attestor, bob } = f.wallets;
    const signed = await signAttestation(attestor, {
      registry: f.registry,
      identity: "github:4242",
      payee: addr(bob),
    });
    assert.equal(signed.attestation.nonce, 1n);
    const submitted = await submitAttestation(bob, { registry: f.registry, ...signed });
    assert.equal(submitted.bound, false);
    const block = await f.publicClient.getBlock({ blockNumber: submitted.receipt.blockNumber });
    assert.equal(submitted.executableAt, block.timestamp + REBIND_DELAY);
    const payee = await getPayee(bob, { registry: f.registry, account: "github:4242" });
    assert.equal(payee.payee, getAddress(addr(f.wallets.carol)));
    assert.equal(payee.pendingRebind?.newPayee, getAddress(addr(bob)));
    // Pools hold the identity's money while the rebind is pending.
    assert.equal(payee.rebindPending, true);
    assert.ok(payee.payableFrom > 0n);
  });

  it("a signature by a non-attestor is refused with the registry's error", async () => {
    const { stranger, alice } = f.wallets;
    const signed = await signAttestation(stranger, {
      registry: f.registry,
      identity: "npm:alice",
      payee: addr(alice),
    });
    await assert.rejects(submitAttestation(alice, { registry: f.registry, ...signed }), (e) => {
      assert.ok(isSdkError(e, "CONTRACT_REVERTED"));
      assert.equal((e as { errorName?: string }).errorName, "IdentityRegistryNotAttestor");
      return true;
    });
  });

  it("addresses are paid directly and cannot be bound", async () => {
    const { attestor, alice } = f.wallets;
    const payee = await getPayee(alice, { registry: f.registry, account: addr(alice) });
    assert.equal(payee.payee, getAddress(addr(alice)));
    assert.equal(payee.payableFrom, 0n);
    assert.equal(payee.rebindPending, false);
    await assert.rejects(
      signAttestation(attestor, { registry: f.registry, identity: addr(alice), payee: addr(alice) }),
      (e) => isSdkError(e, "INVALID_ARGUMENT"),
    );
  });
});
