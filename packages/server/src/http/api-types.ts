/**
 * The HTTP API's response bodies as TypeScript types, inferred from the zod schemas the routes
 * declare (so a handler, its OpenAPI document and its clients agree). Types only: importing this
 * module (`import type`) pulls no server code into a browser bundle. Amounts are decimal strings.
 */
import type { z } from "zod/v4";

import type {
  attestationInfoResponse,
  attestationResponse,
  bindingRequestResponse,
} from "./routes/attestations.ts";
import type { deploymentResponse } from "./routes/deployment.ts";
import type { publishRunResponse } from "./routes/publish.ts";
import type { recipientRankResponse, topRecipientsResponse } from "./routes/recipient-ranks.ts";
import type { walletResponse } from "./routes/wallets.ts";
import type { whyResponse } from "./routes/why.ts";
import type * as api from "./schemas.ts";
import type * as statements from "./statement-schemas.ts";
import type * as verifications from "./verification-schemas.ts";

/** A body as the server sends it (before any transform the schema would apply when parsing). */
type Body<schema extends z.ZodType> = z.input<schema>;

export type ErrorBody = Body<typeof api.errorResponse>;
export type Health = Body<typeof api.healthResponse>;
export type AdminAuthInfo = Body<typeof api.adminAuthInfoResponse>;
export type Deployment = Body<typeof deploymentResponse>;

export type PolicyList = Body<typeof api.policyListResponse>;
export type PolicyLine = PolicyList["policies"][number];
export type PolicyVersion = Body<typeof api.policyVersionResponse>;
export type PolicyVersionSummary = Body<typeof api.policyVersionSummary>;
export type PolicyVersionList = Body<typeof api.policyVersionListResponse>;
export type PolicyVersionsByHash = Body<typeof api.policyVersionsByHashResponse>;
export type PolicyDiff = Body<typeof api.policyDiffResponse>;

export type Pool = Body<typeof api.poolResponse>;
export type PoolDetail = Body<typeof api.poolDetailResponse>;
export type Balance = PoolDetail["balances"][number];
export type PoolList = Body<typeof api.poolListResponse>;
export type PoolBalances = Body<typeof api.balancesResponse>;
export type PoolDeposits = Body<typeof api.depositsResponse>;
export type Deposit = PoolDeposits["deposits"][number];
export type Schedule = Body<typeof api.scheduleResponse>;
export type ScheduleList = Body<typeof api.scheduleListResponse>;

export type Run = Body<typeof api.runResponse>;
export type RunList = Body<typeof api.runListResponse>;
export type RunSummary = RunList["runs"][number];
export type CreatedRun = Body<typeof api.createdRunResponse>;
export type RunRecipients = Body<typeof api.recipientsResponse>;
export type Recipient = RunRecipients["recipients"][number];
export type RunDiff = Body<typeof api.runDiffResponse>;
export type TopRecipients = Body<typeof topRecipientsResponse>;
export type RecipientRank = Body<typeof recipientRankResponse>;
export type Publication = Body<typeof publishRunResponse>;

export type Claimable = Body<typeof api.claimableResponse>;

export type PayerStatement = Body<typeof statements.payerStatementResponse>;
export type PayerDeposit = PayerStatement["deposits"][number];
export type DepositSplit = Body<typeof statements.depositSplitResponse>;
export type ContributorStatement = Body<typeof statements.contributorStatementResponse>;

export type Verification = Body<typeof verifications.verificationResponse>;
export type VerificationList = Body<typeof verifications.verificationListResponse>;
export type VerificationReportResult = Body<typeof verifications.verificationReportResponse>;

export type AttestationInfo = Body<typeof attestationInfoResponse>;
export type AttestationAnswer = Body<typeof attestationResponse>;
export type BindingRequestStatus = Body<typeof bindingRequestResponse>;

export type WalletHome = Body<typeof walletResponse>;
export type RecipientWhy = Body<typeof whyResponse>;
