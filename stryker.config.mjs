// StrykerJS over the money path of the TypeScript packages. Run it through `npm run test:mutation`
// (scripts/mutation/run.ts), which also runs the Solidity pass and writes the scores; see docs/testing.md.
import process from "node:process";

/** The files whose single-line bugs would move money wrongly or let a forged request through. */
export const MUTATE = {
  engine: [
    "packages/attribution/src/flow.ts",
    "packages/attribution/src/apportion.ts",
    "packages/attribution/src/caps.ts",
    "packages/attribution/src/table.ts",
    "packages/attribution/src/merkle.ts",
    "packages/attribution/src/account.ts",
  ],
  // The shared on-chain rules off-chain (accountIds, leaves and proofs, schedules, entitlement,
  // claim calldata): @wellspring/protocol, used by the engine, the server, the SDK and the pages.
  protocol: [
    "packages/protocol/src/account.ts",
    "packages/protocol/src/merkle.ts",
    "packages/protocol/src/schedule.ts",
    "packages/protocol/src/entitlement.ts",
    "packages/protocol/src/calldata.ts",
  ],
  server: [
    "packages/server/src/services/claims.ts",
    "packages/server/src/services/statements.ts",
    "packages/server/src/services/shared.ts",
    "packages/server/src/auth/admin-auth.ts",
    "packages/server/src/auth/signatures.ts",
  ],
  sdk: ["packages/sdk/src/actions/*.ts"],
};

/**
 * MUTATION_SCOPE=focused: what a shared two-core machine can rerun in an afternoon — the engine's
 * flow solver (with Tarjan and the member ordering), apportionment, caps, share table, account ids
 * and tree; the protocol's accountIds, proofs, schedule clock, entitlement and claim calldata; the
 * server's admin authentication, signature checks, mulDiv, the money lines of the contributor
 * statement and of the claims endpoint; and every SDK action.
 */
export const FOCUSED = {
  engine: [
    "packages/attribution/src/apportion.ts",
    "packages/attribution/src/caps.ts",
    "packages/attribution/src/account.ts",
    // The solver (solveFlow), Tarjan, the member ordering and the breadth-first ranks.
    "packages/attribution/src/flow.ts",
    "packages/attribution/src/table.ts",
    // The share table's tree, proofs and the compact merkle.bin encoding.
    "packages/attribution/src/merkle.ts",
  ],
  protocol: [
    "packages/protocol/src/account.ts",
    "packages/protocol/src/merkle.ts",
    "packages/protocol/src/schedule.ts",
    "packages/protocol/src/entitlement.ts",
    "packages/protocol/src/calldata.ts",
  ],
  // The contributor statement's loop, from the table row to `waiting`, and the claims endpoint's
  // money lines: the packed share table and its row search, the plan (claimable schedules, leaf,
  // proof, amounts, claim calldata), the tree's root check, schedules as of the cursor, the indexed
  // sums and the claimable amount (line numbers: move them with the code; the results file records
  // the ranges that ran). The cache's cursor plumbing (entry, fresh, check, load, advance) is left out.
  server: [
    "packages/server/src/auth/admin-auth.ts",
    "packages/server/src/auth/signatures.ts",
    "packages/server/src/services/shared.ts",
    "packages/server/src/services/statements.ts:404-433",
    "packages/server/src/services/claims.ts:82-120",
    "packages/server/src/services/claims.ts:174-272",
    "packages/server/src/services/claims.ts:386-406",
    "packages/server/src/services/claims.ts:417-497",
  ],
  // The SDK's actions that move money, read it, sign for it, set the schedule that divides it or
  // create the pool.
  sdk: [
    "packages/sdk/src/actions/getClaimable.ts",
    "packages/sdk/src/actions/claim.ts",
    "packages/sdk/src/actions/deposit.ts",
    "packages/sdk/src/actions/depositETH.ts",
    "packages/sdk/src/actions/depositWithPermit.ts",
    "packages/sdk/src/actions/sweep.ts",
    "packages/sdk/src/actions/sync.ts",
    "packages/sdk/src/actions/getPot.ts",
    "packages/sdk/src/actions/getReserve.ts",
    "packages/sdk/src/actions/signAttestation.ts",
    "packages/sdk/src/actions/submitAttestation.ts",
    "packages/sdk/src/actions/getPayee.ts",
    "packages/sdk/src/actions/proposeSchedule.ts",
    "packages/sdk/src/actions/revokeSchedule.ts",
    "packages/sdk/src/actions/getSchedule.ts",
    "packages/sdk/src/actions/getCurrentSchedule.ts",
    "packages/sdk/src/actions/createPool.ts",
  ],
};

/** The test files that exercise them; Stryker runs, per mutant, only the files that reach it. */
export const TEST_FILES = {
  engine: [
    // Quick, targeted files first: a mutant stops at the first file that fails.
    "packages/attribution/test/flow-order.test.ts",
    "packages/attribution/test/flow-cycles.test.ts",
    "packages/attribution/test/flow.test.ts",
    "packages/attribution/test/flow-reference.test.ts",
    "packages/attribution/test/merkle-edges.test.ts",
    "packages/attribution/test/merkle-refusals.test.ts",
    "packages/attribution/test/merkle.test.ts",
    "packages/attribution/test/apportion.test.ts",
    "packages/attribution/test/apportion-edges.test.ts",
    "packages/attribution/test/apportion-rounded-up.test.ts",
    "packages/attribution/test/caps.test.ts",
    "packages/attribution/test/caps-report.test.ts",
    "packages/attribution/test/caps-tolerance.test.ts",
    "packages/attribution/test/table.test.ts",
    "packages/attribution/test/table-edges.test.ts",
    "packages/attribution/test/table-errors.test.ts",
    "packages/attribution/test/account.test.ts",
    "packages/attribution/test/account-edges.test.ts",
    "packages/attribution/test/merkle-chunks.test.ts",
    "packages/attribution/test/tarjan-scale.test.ts",
  ],
  protocol: [
    "packages/protocol/test/protocol.test.ts",
    "packages/protocol/test/rules.test.ts",
    "packages/protocol/test/differential.test.ts",
    // The engine's account and proof tests check the protocol's rules against its own.
    "packages/attribution/test/account.test.ts",
    "packages/attribution/test/merkle.test.ts",
  ],
  server: [
    "packages/server/test/claims.test.ts",
    "packages/server/test/claims-amounts.test.ts",
    "packages/server/test/claims-amounts-order.test.ts",
    "packages/server/test/signatures.test.ts",
    "packages/server/test/statements.test.ts",
    "packages/server/test/admin-auth.test.ts",
    "packages/server/test/admin-auth-edges.test.ts",
  ],
  sdk: ["packages/sdk/test/*.test.ts"],
};

const areas = (process.env.MUTATION_AREAS ?? "engine,protocol,server,sdk").split(",");
const focused = process.env.MUTATION_SCOPE === "focused";
/** The focused lines are reached by these files only (claims.test.ts is slow: claims-amounts.test.ts covers its lines). */
const FOCUSED_TEST_FILES = {
  server: [
    "packages/server/test/statements.test.ts",
    "packages/server/test/admin-auth.test.ts",
    "packages/server/test/admin-auth-edges.test.ts",
    // The claims endpoint's amounts against PGlite without a chain (claims.test.ts deploys one).
    "packages/server/test/claims-amounts.test.ts",
    "packages/server/test/claims-amounts-order.test.ts",
    "packages/server/test/signatures.test.ts",
  ],
  // The SDK tests that reach the focused actions, but the ethers adapter's (slow, and only
  // wrappers over the same actions) and deployments.test.ts (identity.test.ts covers getPayee).
  sdk: [
    "packages/sdk/test/actions-edges.test.ts",
    "packages/sdk/test/claim.test.ts",
    "packages/sdk/test/deposit.test.ts",
    "packages/sdk/test/identity.test.ts",
    "packages/sdk/test/pools.test.ts",
    "packages/sdk/test/claimable-batch.test.ts",
    "packages/sdk/test/local-account.test.ts",
    "packages/sdk/test/actions-readings.test.ts",
    "packages/sdk/test/schedules.test.ts",
    "packages/sdk/test/create-pool-edges.test.ts",
  ],
};
const testFilesOf = (a) => (focused && FOCUSED_TEST_FILES[a]) || TEST_FILES[a];
const runName = [...areas, focused ? "focused" : "full"].join("-");

/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  packageManager: "npm",
  testRunner: "tap",
  tap: {
    testFiles: areas.flatMap(testFilesOf),
    // {{hookFile}} is Stryker's coverage and active-mutant hook; tsx runs the TypeScript tests.
    nodeArgs: ["--import", "tsx", "--require", "{{hookFile}}", "{{testFile}}"],
    forceBail: true,
  },
  mutate: areas.flatMap((a) => (focused ? FOCUSED : MUTATE)[a]),
  // Error-message texts and regular expressions are not money; static (module-load) mutants would
  // need every test file per mutant.
  mutator: { excludedMutations: ["StringLiteral", "Regex"] },
  ignoreStatic: true,
  checkers: ["typescript"],
  tsconfigFile: "tsconfig.json",
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  coverageAnalysis: "perTest",
  // Two shared cores: one test process and one checker at a time.
  concurrency: 1,
  timeoutMS: 120_000,
  timeoutFactor: 2,
  dryRunTimeoutMinutes: 20,
  // `--incremental` (npm run test:mutation -- --incremental) reuses this file: only changed code and tests rerun.
  incrementalFile: `scripts/mutation/incremental/${runName}.json`,
  reporters: ["json", "clear-text", "progress"],
  jsonReporter: { fileName: `reports/mutation/${runName}.json` },
  ignorePatterns: [
    "/cache",
    "/coverage",
    "/docs",
    "/deploy/deployments",
    "/packages/web/dist",
    "/reports",
    "/scripts/bench/results",
    "/test-results",
    "/.wellspring",
    "/.mutation-backup",
    "/.stryker-tmp",
    "/packages/attribution/.scratch",
  ],
  // One sandbox directory per run, so areas can run side by side.
  tempDirName: `.stryker-tmp/${runName}`,
  cleanTempDir: true,
};
