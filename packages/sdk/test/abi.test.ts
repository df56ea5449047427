import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { abiDrift, generateAbiFiles } from "../../../scripts/gen-abi.ts";

describe("generated ABIs", () => {
  it("packages/sdk/src/abi matches the Hardhat artifacts (run scripts/gen-abi.ts after changing a contract)", () => {
    // Reads artifacts/contracts, which `npx hardhat compile` (or any hardhat test run) writes.
    const files = generateAbiFiles();
    for (const name of [
      "RoyaltyPool.ts",
      "PoolFactory.ts",
      "IdentityRegistry.ts",
      "TestERC20.ts",
      "index.ts",
    ]) {
      assert.ok(files.has(name), `${name} is generated`);
    }
    assert.deepEqual(abiDrift(files), []);
  });
});
