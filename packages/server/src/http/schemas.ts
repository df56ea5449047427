import { CLAIMABLE_STATUSES, PROPOSED_SCHEDULE_STATUSES } from "@wellspring/protocol";
import { z } from "zod/v4";

/**
 * Zod schemas of the HTTP API. Requests are validated with them and the OpenAPI document is
 * generated from them, so the two cannot drift. Top-level bodies are registered under a
 * component name: `requestSchemas` are rendered as input types, `responseSchemas` as output.
 */
export const requestSchemas = z.registry<{ id: string; description?: string }>();
export const responseSchemas = z.registry<{ id: string; description?: string }>();

export const address = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x-prefixed 20-byte hex address")
  .transform((value) => value.toLowerCase() as `0x${string}`)
  .meta({
    description: "20-byte address, 0x-hex (any case)",
    example: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
  });

export const hash32 = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/, "must be a 0x-prefixed 32-byte hex value")
  .transform((value) => value.toLowerCase() as `0x${string}`)
  .meta({ description: "32-byte value, 0x-hex" });

/** 0x-hex in a response (an address, hash, proof node or calldata): typed `0x${string}`, as viem's Hex. */
export const hexOut = z.templateLiteral(["0x", z.string().regex(/^[0-9a-fA-F]*$/)]);

/** Decimal string of a non-negative integer (uint256 amounts, block numbers): never a float. */
export const uintString = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,77})$/, "must be a non-negative decimal integer string")
  .meta({
    description: "Non-negative integer as a decimal string (exact; no floating point)",
    example: "1000000000000000000",
  });

/**
 * zod runs a transform even after a non-fatal check (like a regex) failed on the value; the parse
 * still fails with the check's issue, but the transform must not throw meanwhile.
 */
export const toBigInt = (value: string | number): bigint => {
  try {
    return BigInt(value);
  } catch {
    return 0n;
  }
};

/** A positive decimal id of at most `maxDigits` digits, parsed to a bigint (path parameters). */
export const positiveId = (maxDigits: number, message: string) =>
  z
    .string()
    .regex(new RegExp(`^[1-9][0-9]{0,${maxDigits - 1}}$`), message)
    .transform(toBigInt);

const uintInput = z
  .union([
    z.string().regex(/^(0|[1-9][0-9]{0,19})$/, "must be a non-negative decimal integer"),
    z.number().int().nonnegative(),
  ])
  .transform(toBigInt);

export const policyName = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9._-]{0,63}$/,
    "must be 1-64 characters of a-z, 0-9, '.', '_', '-' starting with a letter or digit",
  )
  .meta({ description: "Name of a policy line", example: "default" });

const positiveIntParam = z.coerce.number().int().min(1).max(2_147_483_647);
const limit = z.coerce.number().int().min(1).max(500).default(100).meta({ description: "Page size (1-500)" });

export const isoDate = z.string().meta({ description: "ISO 8601 timestamp", format: "date-time" });
const jsonObject = z.record(z.string(), z.unknown()).meta({ description: "A JSON object" });

export const errorResponse = z
  .object({
    error: z.object({
      code: z.string().meta({ description: "Stable machine-readable code (see docs/api.md)" }),
      message: z.string(),
      reason: z
        .string()
        .optional()
        .meta({ description: "Sub-code of BINDING_DENIED / BINDING_REJECTED: which check failed" }),
      details: z.string().optional(),
      issues: z
        .array(z.object({ path: z.string(), message: z.string() }))
        .optional()
        .meta({ description: "Field-level problems of a 400" }),
      requestId: z.string(),
    }),
  })
  .register(responseSchemas, { id: "Error" });

// ---- params and queries ------------------------------------------------------------------

export const policyNameParams = z.object({ name: policyName });
export const policyVersionParams = z.object({ name: policyName, version: positiveIntParam });
export const policyHashParams = z.object({ hash: hash32 });
export const versionsQuery = z.object({
  limit,
  after: z.coerce
    .number()
    .int()
    .min(0)
    .max(2_147_483_647)
    .optional()
    .meta({ description: "Return versions after this one" }),
});
export const diffQuery = z.object({
  from: positiveIntParam.meta({ description: "Older version" }),
  to: positiveIntParam.meta({ description: "Newer version" }),
});
export const poolParams = z.object({ address });
export const poolsQuery = z.object({
  limit,
  cursor: z
    .string()
    .regex(/^[0-9]{1,18}$/, "must be a cursor from a previous page")
    .optional(),
});
export const depositsQuery = z.object({
  limit,
  cursor: z
    .string()
    .regex(/^[0-9]{1,18}:[0-9]{1,9}$/, "must be a cursor from a previous page")
    .optional(),
  payer: address.optional().meta({ description: "Only this payer's deposits" }),
  token: address.optional().meta({ description: "Only this token (zero address = ETH)" }),
  format: z.enum(["json", "csv"]).default("json").meta({ description: "csv: one page as text/csv" }),
});
export const schedulesQuery = z.object({
  status: z.enum(PROPOSED_SCHEDULE_STATUSES).optional(),
});

// ---- request bodies ----------------------------------------------------------------------

export const createPolicyVersionRequest = z
  .object({
    document: jsonObject.meta({ description: "The policy document (validated by the policy codec)" }),
    note: z.string().max(2000).default("").meta({ description: "Why this version exists" }),
    expectedLatestVersion: z.number().int().min(0).optional().meta({
      description:
        "Optimistic concurrency: fail with 409 unless the latest version is this one (0 = none yet)",
    }),
  })
  .strict()
  .register(requestSchemas, { id: "CreatePolicyVersionRequest" });

export const registerPoolRequest = z
  .object({
    address,
    name: z.string().trim().min(1).max(200),
    deployedBlock: uintInput.meta({
      description: "Block the pool was deployed in; the indexer starts there",
    }),
  })
  .strict()
  .register(requestSchemas, { id: "RegisterPoolRequest" });

// ---- responses ---------------------------------------------------------------------------

const policyVersionSummaryShape = {
  name: policyName,
  version: z.number().int(),
  hash: z
    .string()
    .meta({ description: "keccak256 of the canonical JSON (the policyHash a schedule records)" }),
  note: z.string(),
  createdBy: z.string(),
  createdAt: isoDate,
};

export const policyVersionSummary = z
  .object(policyVersionSummaryShape)
  .register(responseSchemas, { id: "PolicyVersionSummary" });

export const policyVersionResponse = z
  .object({
    ...policyVersionSummaryShape,
    document: jsonObject,
    canonical: z.string().meta({ description: "The exact canonical JSON text whose keccak256 is `hash`" }),
  })
  .register(responseSchemas, { id: "PolicyVersion" });

export const policyListResponse = z
  .object({
    policies: z.array(
      z.object({
        name: policyName,
        latestVersion: z.number().int(),
        latestHash: z.string().nullable(),
        createdAt: isoDate,
        updatedAt: isoDate.nullable(),
      }),
    ),
  })
  .register(responseSchemas, { id: "PolicyList" });

export const policyVersionListResponse = z
  .object({ versions: z.array(policyVersionSummary), nextCursor: z.string().nullable() })
  .register(responseSchemas, { id: "PolicyVersionList" });

export const policyDiffResponse = z
  .object({
    name: policyName,
    from: z.object({ version: z.number().int(), hash: z.string() }),
    to: z.object({ version: z.number().int(), hash: z.string() }),
    changes: z.array(
      z.object({
        op: z.enum(["add", "remove", "replace"]),
        path: z.string().meta({ description: "RFC 6901 JSON Pointer" }),
        from: z.unknown().optional(),
        to: z.unknown().optional(),
      }),
    ),
  })
  .register(responseSchemas, { id: "PolicyDiff" });

export const policySchemaResponse = z
  .record(z.string(), z.unknown())
  .meta({
    description:
      "JSON Schema (2020-12) of a policy document, generated from the engine's policy schema; its descriptions are each field's help",
  })
  .register(responseSchemas, { id: "PolicySchema" });

export const policyVersionsByHashResponse = z
  .object({ versions: z.array(policyVersionSummary) })
  .register(responseSchemas, { id: "PolicyVersionsByHash" });

const balance = z.object({
  token: hexOut,
  deposited: uintString,
  claimed: uintString,
  balance: uintString,
});

const poolShape = {
  chainId: z.number().int(),
  address: hexOut,
  name: z.string(),
  deployedBlock: uintString,
  activationDelaySeconds: uintString.nullable(),
  claimWindowSeconds: uintString.nullable(),
  registeredBy: z.string(),
  createdAt: isoDate,
};

export const poolResponse = z.object(poolShape).register(responseSchemas, { id: "Pool" });
export const poolDetailResponse = z
  .object({
    ...poolShape,
    balances: z.array(balance),
    scheduleCounts: z.record(z.string(), z.number().int()),
  })
  .register(responseSchemas, { id: "PoolDetail" });
export const poolListResponse = z
  .object({ pools: z.array(poolResponse), nextCursor: z.string().nullable() })
  .register(responseSchemas, { id: "PoolList" });
/** A deposit event as the API shows it: the deposits list, and each deposit of the payer statement. */
export const depositReceipt = z.object({
  blockNumber: uintString,
  logIndex: z.number().int(),
  txHash: hexOut,
  blockTime: isoDate.nullable(),
  scheduleId: uintString
    .nullable()
    .meta({ description: "null: the unallocated pot (no schedule was active yet)" }),
  source: z
    .enum(["deposit", "sync"])
    .meta({ description: "deposit(): a Deposited event; sync: a plain transfer credited by sync()" }),
  token: hexOut,
  payer: hexOut,
  amount: uintString,
  memo: hexOut,
});

export const depositsResponse = z
  .object({ deposits: z.array(depositReceipt), nextCursor: z.string().nullable() })
  .register(responseSchemas, { id: "PoolDeposits" });
export const balancesResponse = z
  .object({ balances: z.array(balance) })
  .register(responseSchemas, { id: "PoolBalances" });

export const scheduleResponse = z
  .object({
    scheduleId: uintString,
    status: z.enum(PROPOSED_SCHEDULE_STATUSES).meta({
      description:
        "At the time of the request: revoked; pending until activatesAt; then active until a later unrevoked schedule activates",
    }),
    proposer: z.string(),
    root: hexOut,
    totalShares: uintString,
    tableHash: hexOut,
    policyHash: hexOut,
    inputsHash: hexOut,
    uri: z.string(),
    activatesAt: isoDate,
    proposedBlock: uintString,
    proposedTx: z.string(),
    revokedBlock: uintString.nullable(),
    revokedBy: z.string().nullable(),
    sweptTokens: z.array(z.string()),
    runId: z.string().nullable().meta({
      description:
        "The stored run whose table has this schedule's root (its proofs are served here), or null when this server holds none",
    }),
  })
  .register(responseSchemas, { id: "Schedule" });
export const scheduleListResponse = z
  .object({ schedules: z.array(scheduleResponse) })
  .register(responseSchemas, { id: "ScheduleList" });

export const healthResponse = z
  .object({
    status: z.string(),
    /** Why the indexer stopped (a too-deep reorganisation, another chain behind RPC_URL). */
    problems: z.array(z.string()).optional(),
  })
  .register(responseSchemas, { id: "Health" });

export const adminAuthInfoResponse = z
  .object({
    domain: z.object({
      name: z.string(),
      version: z.string(),
      chainId: z.number().int(),
      verifyingContract: z
        .string()
        .optional()
        .describe("the deployment's IdentityRegistry, when the server knows it"),
      salt: z
        .string()
        .describe("32 random bytes of this server's database: binds signatures to its nonce store"),
    }),
    primaryType: z.literal("AdminRequest"),
    types: z.record(z.string(), z.array(z.object({ name: z.string(), type: z.string() }))),
    headers: z.record(z.string(), z.string()),
    maxAgeSeconds: z.number().int(),
  })
  .register(responseSchemas, { id: "AdminAuthInfo" });

// ---- runs --------------------------------------------------------------------------------

const runId = positiveId(19, "must be a run id").meta({ description: "Run id (decimal)" });

export const runParams = z.object({ id: runId });
export const runsQuery = z.object({
  pool: address.optional().meta({ description: "Only runs made for this registered pool" }),
  policy: policyName.optional().meta({ description: "Only runs of this policy (any version)" }),
  limit,
  cursor: z
    .string()
    .regex(/^[1-9][0-9]{0,18}$/, "must be a cursor from a previous page")
    .optional()
    .meta({ description: "The previous page's nextCursor (runs older than it)" }),
});
export const recipientsQuery = z.object({
  limit,
  after: hash32.optional().meta({ description: "Return accounts after this accountId" }),
});
export const runDiffQuery = z.object({
  against: runId
    .optional()
    .meta({ description: "Compare with this run (default: the run behind the pool's active schedule)" }),
  limit,
  after: hash32.optional(),
});

/**
 * Standard base64 (padded). Not one regex over 4-character groups: V8 backtracks through such a
 * group once per repetition and overflows its stack on inputs of a few tens of MB (a 200,000-package
 * lockfile); a character class and the length check do the same in linear time.
 */
export const isStandardBase64 = (value: string): boolean =>
  value.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(value);

const base64 = z
  .string()
  .refine(isStandardBase64, "must be standard base64")
  .transform((value) => new Uint8Array(Buffer.from(value, "base64")))
  .meta({ description: "File content, base64" });

export const createRunRequest = z
  .object({
    policy: z.object({ name: policyName, version: z.number().int().min(1) }).strict(),
    pool: address
      .optional()
      .meta({ description: "Registered pool the table is meant for (needed for the what-if diff)" }),
    inputs: z
      .array(
        z
          .object({
            name: z
              .string()
              .min(1)
              .max(500)
              .meta({ description: "File name; the engine detects the format from name and content" }),
            mediaType: z.string().min(1).max(200).default("application/octet-stream"),
            content: base64,
          })
          .strict(),
      )
      .min(1)
      .max(100)
      .refine(
        (files) => new Set(files.map((f) => f.name)).size === files.length,
        "input names must be unique",
      ),
  })
  .strict()
  .register(requestSchemas, { id: "CreateRunRequest" });

const runShape = {
  id: z.string(),
  status: z.enum(["draft", "complete", "failed"]),
  pool: z.string().nullable(),
  policy: z.object({ name: z.string(), version: z.number().int(), hash: hexOut }),
  engineVersion: z.string().nullable(),
  inputsHash: hexOut.nullable(),
  tableHash: hexOut.nullable(),
  root: hexOut.nullable().meta({
    description: "Merkle root (OpenZeppelin StandardMerkleTree of (bytes32 accountId, uint256 shares))",
  }),
  totalShares: uintString.nullable(),
  recipientCount: z.number().int().nullable(),
  createdBy: z.string(),
  createdAt: isoDate,
  completedAt: isoDate.nullable(),
};

export const runResponse = z.object(runShape).register(responseSchemas, { id: "Run" });
export const runListResponse = z
  .object({
    runs: z.array(
      z.object({
        ...runShape,
        schedules: z
          .array(z.object({ scheduleId: uintString, status: z.enum(PROPOSED_SCHEDULE_STATUSES) }))
          .meta({
            description:
              "The pool's schedules proposed with this run's root (by anyone), with their status now; empty when never proposed",
          }),
      }),
    ),
    nextCursor: z.string().nullable(),
  })
  .register(responseSchemas, { id: "RunList" });
export const createdRunResponse = z
  .object({
    ...runShape,
    report: z.record(z.string(), z.unknown()).meta({ description: "The engine's attribution report" }),
  })
  .register(responseSchemas, { id: "CreatedRun" });
export const recipientsResponse = z
  .object({
    recipients: z.array(z.object({ accountId: hexOut, shares: uintString, identity: z.string().nullable() })),
    nextCursor: z.string().nullable(),
  })
  .register(responseSchemas, { id: "RunRecipients" });
export const runDiffResponse = z
  .object({
    run: z.string(),
    against: z.string(),
    summary: z.object({
      added: z.number().int(),
      removed: z.number().int(),
      changed: z.number().int(),
      unchanged: z.number().int(),
    }),
    changes: z.array(
      z.object({
        accountId: hexOut,
        identity: z.string().nullable(),
        before: uintString,
        after: uintString,
        delta: z.string(),
      }),
    ),
    nextCursor: z.string().nullable(),
  })
  .register(responseSchemas, { id: "RunDiff" });

// ---- claims ------------------------------------------------------------------------------

export const claimParams = z.object({
  address,
  account: z
    .string()
    .min(1)
    .max(600)
    .meta({ description: "An address, a 32-byte accountId, or an identity string such as github:alice" }),
});

export const claimableResponse = z
  .object({
    accountId: hexOut,
    items: z.array(
      z.object({
        scheduleId: uintString,
        status: z.enum(CLAIMABLE_STATUSES),
        sweepableAt: isoDate.nullable().meta({
          description:
            "A superseded schedule's sweep date (superseded-at + the pool's claim window): from then on anyone may sweep what is unclaimed",
        }),
        runId: uintString.meta({
          description: "The stored run whose table the schedule published (see its why)",
        }),
        shares: uintString,
        proof: z
          .array(hexOut)
          .meta({ description: "Merkle proof of (accountId, shares) against the schedule's root" }),
        claimable: z.array(z.object({ token: hexOut, amount: uintString })),
      }),
    ),
    totals: z.array(z.object({ token: hexOut, amount: uintString })),
    unavailableSchedules: z
      .array(uintString)
      .meta({ description: "Activated schedules whose table this server does not hold" }),
    transaction: z.object({ to: hexOut, data: hexOut }).nullable().meta({
      description:
        "One claim(requests) call taking everything claimable; anyone may send it, the money goes to the payee",
    }),
  })
  .register(responseSchemas, { id: "Claimable" });
