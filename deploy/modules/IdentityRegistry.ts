import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

/**
 * Deploys the identity registry (one per chain).
 *
 * Parameters (module "IdentityRegistry"):
 * - `admin`: DEFAULT_ADMIN of the registry, e.g. the consortium multisig (default: the deployer).
 * - `adminTransferDelay`: seconds a started admin transfer waits before it can be accepted (default 2 days,
 *   so a stolen admin key cannot hand the registry over before the consortium notices and cancels).
 * - `rebindDelay`: seconds an attestor's rebind of a bound identity waits (default 3 days; 1 to 30 days).
 * - `attestors`: accounts granted ATTESTOR_ROLE at deployment (default none).
 */
export default buildModule("IdentityRegistry", (m) => {
  const admin = m.getParameter("admin", m.getAccount(0));
  const adminTransferDelay = m.getParameter("adminTransferDelay", 2 * 24 * 60 * 60);
  const rebindDelay = m.getParameter("rebindDelay", 3 * 24 * 60 * 60);
  const attestors = m.getParameter<string[]>("attestors", []);

  const registry = m.contract("IdentityRegistry", [admin, adminTransferDelay, rebindDelay, attestors]);
  return { registry };
});
