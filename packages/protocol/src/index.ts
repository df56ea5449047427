/**
 * @wellspring/protocol: the royalty pool's money model off-chain, stated once. Every function
 * names the contract function or view it mirrors (contracts/RoyaltyPool.sol,
 * contracts/IdentityRegistry.sol); test/protocol-differential.test.ts checks them against the
 * contract on a real chain. Browser-safe: no Node modules, only viem.
 */
export {
  type AccountId,
  accountIdToAddress,
  addressToAccountId,
  identityToAccountId,
  isAccountId,
  isAddressAccount,
  isAddressString,
  toAccountId,
} from "./account.ts";
export {
  BINDING_DELAY_SECONDS,
  type BindingEventRecord,
  type BindingState,
  replayBindings,
} from "./binding.ts";
export { type ClaimRequest, claimAbi, claimFunctionFor, encodeClaimCalldata } from "./calldata.ts";
export {
  ADMIN_DOMAIN_NAME,
  ADMIN_DOMAIN_VERSION,
  ADMIN_HEADERS,
  ADMIN_REQUEST_TYPES,
  adminDomain,
  ATTESTATION_DOMAIN_NAME,
  ATTESTATION_DOMAIN_VERSION,
  attestationDomain,
  attestationTypes,
  BINDING_DOMAIN_NAME,
  BINDING_DOMAIN_VERSION,
  BINDING_REQUEST_TYPES,
  bindingDomain,
  PERMIT_TYPES,
} from "./eip712.ts";
export {
  claimableFrom,
  entitlement,
  mulDiv,
  type PotState,
  potRemainder,
  potView,
  unpaidEntitlement,
} from "./entitlement.ts";
export { isProtocolArgumentError, ProtocolArgumentError } from "./errors.ts";
export { memoText, toMemo } from "./memo.ts";
export {
  hashPair,
  type Leaf,
  LEAF_ENCODING,
  leafHash,
  merkleProof,
  merkleRoot,
  merkleTree,
  processProof,
  type StandardTree,
  verifyProof,
} from "./merkle.ts";
export {
  CLAIMABLE_STATUSES,
  type ClaimableStatus,
  currentScheduleId,
  genesisScheduleId,
  isClaimableStatus,
  pendingScheduleId,
  potKey,
  PROPOSED_SCHEDULE_STATUSES,
  type ProposedSchedule,
  SCHEDULE_STATUSES,
  scheduleStatus,
  scheduleStatuses,
  type ScheduleStatus,
  type ScheduleTimes,
  scheduleTimesOf,
  sweepableAt,
} from "./schedule.ts";
