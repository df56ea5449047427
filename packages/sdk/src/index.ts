/**
 * @wellspring/sdk: typed ABIs, viem actions, proof and claim helpers for Wellspring royalty pools.
 * The ethers v6 adapter is at `@wellspring/sdk/ethers`; the generated ABIs also at `@wellspring/sdk/abi`.
 * This entry bundles for the browser (test/browser-entry.test.ts); Node-only helpers such as
 * readDeployments are at `@wellspring/sdk/node`.
 */
export * from "./abi/index.ts";
// The protocol's rules (accountIds, leaves and proofs, memo, EIP-712 types, schedule status, pot
// keys, entitlement, claim calldata); the names below that wrap them with SDK errors take precedence.
export * from "@wellspring/protocol";

export {
  type AccountId,
  accountIdToAddress,
  addressToAccountId,
  identityToAccountId,
  isAccountId,
  isAddressAccount,
  toAccountId,
} from "./account.ts";
export { buildClaims, type ClaimInput } from "./claims.ts";
export {
  addressSchema,
  type DeploymentRecord,
  deploymentRecordSchema,
  type Deployments,
  deploymentsSchema,
  parseDeployments,
} from "./deployments.ts";
export {
  ContractRevertedError,
  DeploymentsError,
  InvalidArgumentError,
  InvalidShareTableError,
  isSdkError,
  NoAccountError,
  ProofNotFoundError,
  RootMismatchError,
  SdkError,
  type SdkErrorCode,
  UnboundIdentityError,
} from "./errors.ts";
export {
  type AccountProof,
  buildShareTree,
  FAST_BUILDER_THRESHOLD,
  LEAF_ENCODING,
  type ShareTree,
  verifyAccountProof,
} from "./proofs.ts";
export {
  createShareTable,
  DEFAULT_TOTAL_SHARES,
  HAND_WRITTEN_ENGINE_VERSION,
  parseShareTable,
  type ShareTable,
  type ShareTableEntryInput,
  type ShareTableRecipient,
  shareTableSchema,
  shareTableToJson,
} from "./shareTable.ts";
export type { AccountParameter, SdkClient, TransactionResult } from "./internal/client.ts";
export { toMemo } from "./internal/memo.ts";

export { claim, type ClaimParameters, type ClaimPayment, type ClaimReturnType } from "./actions/claim.ts";
export {
  createPool,
  POOL_MIN_DELAYS,
  type CreatePoolParameters,
  type CreatePoolReturnType,
  type PoolConfig,
} from "./actions/createPool.ts";
export { deposit, type DepositParameters, type DepositReturnType } from "./actions/deposit.ts";
export { depositETH, type DepositETHParameters, type DepositETHReturnType } from "./actions/depositETH.ts";
export {
  depositWithPermit,
  type DepositWithPermitParameters,
  type DepositWithPermitReturnType,
} from "./actions/depositWithPermit.ts";
export {
  type ClaimableItem,
  type ClaimableQuery,
  getClaimable,
  type GetClaimableParameters,
  type GetClaimableReturnType,
} from "./actions/getClaimable.ts";
export {
  getCurrentSchedule,
  type GetCurrentScheduleParameters,
  type GetCurrentScheduleReturnType,
} from "./actions/getCurrentSchedule.ts";
export { getPayee, type GetPayeeParameters, type GetPayeeReturnType } from "./actions/getPayee.ts";
export { getPot, type GetPotParameters, type GetPotReturnType } from "./actions/getPot.ts";
export { getReserve, type GetReserveParameters, type GetReserveReturnType } from "./actions/getReserve.ts";
export {
  getSchedule,
  type GetScheduleParameters,
  type GetScheduleReturnType,
  type Schedule,
  type ScheduleStatus,
} from "./actions/getSchedule.ts";
export {
  proposeSchedule,
  type ProposeScheduleParameters,
  type ProposeScheduleReturnType,
} from "./actions/proposeSchedule.ts";
export {
  revokeSchedule,
  type RevokeScheduleParameters,
  type RevokeScheduleReturnType,
} from "./actions/revokeSchedule.ts";
export {
  ATTESTATION_DOMAIN_NAME,
  ATTESTATION_DOMAIN_VERSION,
  type Attestation,
  attestationTypes,
  signAttestation,
  type SignAttestationParameters,
  type SignAttestationReturnType,
  type SignedAttestation,
} from "./actions/signAttestation.ts";
export { sweep, type SweepParameters, type SweepReturnType } from "./actions/sweep.ts";
export { sync, type SyncParameters, type SyncReturnType } from "./actions/sync.ts";
export {
  submitAttestation,
  type SubmitAttestationParameters,
  type SubmitAttestationReturnType,
} from "./actions/submitAttestation.ts";
export { PERMIT_TYPES } from "./eip712.ts";
