// Failures in plain words: one table of the contracts' custom errors, and the status each kind of
// failure shows. The table names only errors the contracts have, so it cannot go stale unnoticed.
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import {
  ContractRevertedError,
  InvalidArgumentError,
  UnboundIdentityError,
  identityRegistryAbi,
  royaltyPoolAbi,
} from "@wellspring/sdk";
import { ContractFunctionExecutionError, UserRejectedRequestError, parseAbi } from "viem";

import { CONTRACT_ERRORS, InputError, contractErrorText, describeError } from "../src/app/errors.ts";
import { WalletError } from "../src/app/wallet.ts";

describe("plain words for failures", () => {
  it("every error the table names is a custom error of the pool or the registry", () => {
    const declared = new Set<string>(
      [...royaltyPoolAbi, ...identityRegistryAbi].flatMap((item) =>
        item.type === "error" ? [item.name] : [],
      ),
    );
    const unknown = Object.keys(CONTRACT_ERRORS).filter((name) => !declared.has(name));
    assert.deepEqual(unknown, []);
    assert.ok(declared.has("RoyaltyPoolPayeeUnbound"));
  });

  it("every custom error a page's transaction can meet has a sentence", () => {
    // Raised only while a contract is created or configured by its deployer, never by a page.
    const deployOnly = new Set([
      "RoyaltyPoolAlreadyInitialized",
      "RoyaltyPoolActivationDelayTooShort",
      "RoyaltyPoolClaimWindowTooShort",
      "RoyaltyPoolInvalidAdmin",
      "RoyaltyPoolInvalidRegistry",
      "RoyaltyPoolInvalidTokenList",
      "IdentityRegistryRebindDelayOutOfBounds",
      "AccessControlBadConfirmation",
      "AccessControlEnforcedDefaultAdminDelay",
      "AccessControlEnforcedDefaultAdminRules",
      "AccessControlInvalidDefaultAdmin",
      "InvalidShortString",
      "StringTooLong",
      "SafeCastOverflowedUintDowncast",
    ]);
    const missing = [...royaltyPoolAbi, ...identityRegistryAbi]
      .flatMap((item) => (item.type === "error" ? [item.name] : []))
      .filter((name) => !deployOnly.has(name) && contractErrorText(name) === undefined);
    assert.deepEqual([...new Set(missing)], []);
  });

  it("a decoded revert shows the sentence; an error without one shows the SDK's message", () => {
    const named = new ContractRevertedError(
      "claim",
      "RoyaltyPoolPayeeUnbound",
      [`0x${"1".repeat(64)}`],
      undefined,
    );
    assert.deepEqual(describeError(named), {
      kind: "error",
      state: "failed",
      message: contractErrorText("RoyaltyPoolPayeeUnbound"),
    });
    const unnamed = new ContractRevertedError("sweep", "RoyaltyPoolSomethingNew", [], undefined);
    assert.equal(describeError(unnamed).message, "sweep reverted with RoyaltyPoolSomethingNew.");
    assert.equal(contractErrorText(undefined), undefined);
  });

  it("a rejection anywhere in the cause chain is a warning with the rejected state", () => {
    const wrapped = new ContractFunctionExecutionError(new UserRejectedRequestError(new Error("4001")), {
      abi: parseAbi(["function f()"]),
      functionName: "f",
    });
    assert.deepEqual(describeError(wrapped), {
      kind: "warning",
      state: "rejected",
      message: "You rejected the request in your wallet.",
    });
    assert.equal(describeError({ code: 4001 }).state, "rejected");
  });

  it("wallet states, field errors, SDK errors and anything else", () => {
    const state = (e: unknown) => describeError(e).state;
    assert.equal(state(new WalletError("NO_WALLET", "x")), "no-wallet");
    assert.equal(state(new WalletError("WRONG_NETWORK", "x")), "wrong-network");
    assert.equal(state(new WalletError("NOT_CONNECTED", "x")), "not-connected");
    assert.equal(describeError(new WalletError("REJECTED", "x")).kind, "warning");
    assert.deepEqual(describeError(new InputError("amount", "Enter a positive amount.")), {
      kind: "error",
      state: "invalid",
      message: "Enter a positive amount.",
    });
    assert.deepEqual(describeError(new InvalidArgumentError("A memo holds at most 32 bytes.")), {
      kind: "error",
      state: "invalid",
      message: "A memo holds at most 32 bytes.",
    });
    assert.equal(describeError(new UnboundIdentityError(`0x${"2".repeat(64)}`)).state, "unbound");
    assert.deepEqual(describeError(new Error("socket hang up\nat line 2")), {
      kind: "error",
      state: "failed",
      message: "socket hang up",
    });
    assert.equal(describeError("plain").message, "plain");
  });
});
