import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

/**
 * Deploys the PoolFactory. Its constructor deploys (and locks) the RoyaltyPool implementation that every pool
 * clones; the module reads that address back so the implementation is part of the deployment's results.
 */
export default buildModule("PoolFactory", (m) => {
  const factory = m.contract("PoolFactory");
  const implementationAddress = m.staticCall(factory, "implementation", [], 0, {
    id: "implementationAddress",
  });
  const implementation = m.contractAt("RoyaltyPool", implementationAddress, {
    id: "RoyaltyPoolImplementation",
  });
  return { factory, implementation };
});
