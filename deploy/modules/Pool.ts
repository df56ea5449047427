import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

import IdentityRegistryModule from "./IdentityRegistry.ts";
import PoolFactoryModule from "./PoolFactory.ts";

/**
 * Deploys the whole payout layer: the identity registry, the factory (with the pool implementation) and one pool
 * created through the factory and wired to the registry. The pool's address is read from `PoolCreated`.
 *
 * Parameters (module "Pool"):
 * - `admin`: pool admin, e.g. the consortium multisig (default: the deployer).
 * - `proposer`: initial PROPOSER_ROLE holder (default: the deployer).
 * - `guardian`: initial GUARDIAN_ROLE holder (default: the deployer).
 * - `activationDelay`: seconds between a schedule proposal and its activation (default 1 day).
 * - `claimWindow`: seconds after supersession before a schedule's remainder may be swept (default 90 days).
 * - `tokens`: the ERC-20s the pool accepts, fixed at creation (default `[]`: any token; ETH always).
 *   A list keeps tokens nobody chose from emitting `Deposited` (docs/contracts.md, the token list).
 */
export default buildModule("Pool", (m) => {
  const { registry } = m.useModule(IdentityRegistryModule);
  const { factory, implementation } = m.useModule(PoolFactoryModule);

  const admin = m.getParameter("admin", m.getAccount(0));
  const proposer = m.getParameter("proposer", m.getAccount(0));
  const guardian = m.getParameter("guardian", m.getAccount(0));
  const activationDelay = m.getParameter("activationDelay", 24 * 60 * 60);
  const claimWindow = m.getParameter("claimWindow", 90 * 24 * 60 * 60);
  const tokens = m.getParameter<string[]>("tokens", []);

  // An empty list gives the same clone as `createPool`.
  const createPool = m.call(factory, "createPoolWithTokens", [
    {
      admin,
      registry,
      activationDelay,
      claimWindow,
      proposers: [proposer],
      guardians: [guardian],
    },
    tokens,
  ]);
  const poolAddress = m.readEventArgument(createPool, "PoolCreated", "pool", { id: "poolAddress" });
  const pool = m.contractAt("RoyaltyPool", poolAddress, { id: "RoyaltyPool" });

  return { registry, factory, implementation, pool };
});
