/**
 * `wellspring verify --uri … [--rpc --pool --schedule]` and `verify --rpc --pool`: fetch evidence
 * bundles, check them against the pool's on-chain schedules and recompute their tables
 * (docs/verification.md). `checkSchedule` is shared with `watch`.
 */
import { z } from "zod/v4";
import { getSchedule, type SdkClient } from "@wellspring/sdk";
import {
  checkBundleUri,
  WellspringError,
  type BundleCheck,
  type BundleFinding,
  type FetchOptions,
} from "@wellspring/attribution";
import { camel, parse, usage, validate, type Io } from "./cli.ts";
import { chainClient, poolAddress, proposedSchedules, type ProposedSchedule } from "./chain.ts";

export const VERIFY_URI_HELP = `wellspring verify --uri / --rpc — check published evidence bundles against a pool's schedules

Usage: wellspring verify --uri <https://…|file://…|ipfs://…> [--rpc <url> --pool <address> --schedule <id>]
       wellspring verify --rpc <url> --pool <address> [--schedule <id>]

Options:
  --uri <uri>            the bundle (a .tar over http(s), a .tar file or a directory for file://,
                         ipfs://<cid>[/path] through --ipfs-gateway)
  --rpc <url>            the chain's JSON-RPC URL
  --pool <address>       the RoyaltyPool; without --uri and --schedule every schedule it proposed
                         is verified from the uri its ScheduleProposed event records
  --schedule <id>        one schedule (its uri unless --uri is given)
  --ipfs-gateway <url>   gateway for ipfs:// (default: WELLSPRING_IPFS_GATEWAY)
  --from-block <n>       first block to read events from (default 0)
  --max-bundle-bytes <n> largest bundle fetched over the network (default 1 GiB)
  --json                 print the result as JSON
  -h, --help             this help

Checks every SHA-256 in the bundle's manifest, the bundle hash (keccak256 of tableHash, policyHash,
inputsHash), each hash, root and total against the on-chain schedule (or the manifest without
--rpc), and recomputes the table from the bundle's inputs and policy byte for byte. Exits 0 when
all match, 1 on any difference or unreachable bundle, naming what differs, and 3 when the bundle
named (--uri or --schedule) was made by an engine of another major version (ENGINE_INCOMPATIBLE).
`;

/** Option values shared with watch.ts. */
export const blockNumber = z.string().regex(/^[0-9]+$/, "expected a block number");
export const byteCount = z
  .string()
  .regex(/^[1-9][0-9]*$/, "expected a positive byte count")
  .transform(Number);

const UriArgs = z.object({
  uri: z.string().min(1).optional(),
  rpc: z.url({ error: "expected an http(s) URL" }).optional(),
  pool: z.string().min(1).optional(),
  schedule: z
    .string()
    .regex(/^[1-9][0-9]*$/, "expected a schedule id (1, 2, …)")
    .optional(),
  ipfsGateway: z.url({ error: "expected an http(s) URL" }).optional(),
  fromBlock: blockNumber.optional(),
  maxBundleBytes: byteCount.optional(),
  json: z.boolean().optional(),
});

export const URI_OPTIONS = {
  uri: { type: "string" },
  rpc: { type: "string" },
  pool: { type: "string" },
  schedule: { type: "string" },
  "ipfs-gateway": { type: "string" },
  "from-block": { type: "string" },
  "max-bundle-bytes": { type: "string" },
} as const;

/** One schedule's (or one bare bundle's) outcome. */
export interface ScheduleCheck extends Omit<BundleCheck, "status"> {
  pool?: string;
  scheduleId?: string;
  /** The schedule's on-chain status (pending, active, …). */
  status?: string;
  uri: string;
  verdict: BundleCheck["status"];
}

/**
 * Fetches a bundle and verifies it against `schedule`'s commitment (or its own manifest). With
 * `refuseIncompatible`, a bundle of an engine of another major version is refused (ENGINE_INCOMPATIBLE,
 * exit 3) as `verify --table` refuses such a table; without, it is that check's failure.
 */
export async function checkBundle(
  uri: string,
  schedule: ProposedSchedule | undefined,
  fetchOptions: FetchOptions,
  options: { refuseIncompatible?: boolean } = {},
): Promise<ScheduleCheck> {
  const where = schedule ? { pool: schedule.pool, scheduleId: schedule.scheduleId.toString(), uri } : { uri };
  // A uri the user typed that cannot be used (no ipfs gateway) is their usage error; one a
  // schedule recorded is that schedule's unreachable bundle (a watch must decide, not stop).
  const { status, ...check } = await checkBundleUri(
    uri,
    schedule,
    fetchOptions,
    (error) =>
      (error.code === "USAGE" && schedule === undefined) ||
      (error.code === "ENGINE_INCOMPATIBLE" && options.refuseIncompatible === true),
  );
  return { ...where, ...check, verdict: status };
}

export async function verifyUriCommand(argv: string[], io: Io & { env?: NodeJS.ProcessEnv }): Promise<void> {
  if (argv.includes("--help") || argv.includes("-h")) {
    io.stdout.write(VERIFY_URI_HELP);
    return;
  }
  const { values } = parse("verify", argv, URI_OPTIONS);
  const args = validate("verify", UriArgs, camel(values));
  const env = io.env ?? process.env;
  const fetchOptions: FetchOptions = {
    ipfsGateway: args.ipfsGateway ?? (env.WELLSPRING_IPFS_GATEWAY || undefined),
    maxBytes: args.maxBundleBytes,
    cwd: io.cwd,
  };
  if ((args.rpc === undefined) !== (args.pool === undefined))
    throw usage("verify: --rpc and --pool go together");
  if (args.schedule !== undefined && args.pool === undefined)
    throw usage("verify: --schedule needs --rpc and --pool");
  if (args.uri !== undefined && args.pool !== undefined && args.schedule === undefined)
    throw usage("verify: --uri with --pool needs --schedule (which schedule the bundle is for)");

  // One bundle named (--uri or --schedule): one this engine cannot judge is refused, as `verify --table`
  // refuses a table. A pool's every schedule: such a one fails alone and the others are still checked.
  const refuseIncompatible = args.uri !== undefined || args.schedule !== undefined;
  let results: ScheduleCheck[];
  if (args.rpc === undefined || args.pool === undefined) {
    results = [await checkBundle(args.uri!, undefined, fetchOptions, { refuseIncompatible })];
  } else {
    const client = chainClient(args.rpc);
    const pool = poolAddress(args.pool);
    const schedules = await proposedSchedules(client, pool, {
      ...(args.fromBlock !== undefined ? { fromBlock: BigInt(args.fromBlock) } : {}),
      ...(args.schedule !== undefined ? { scheduleId: BigInt(args.schedule) } : {}),
    });
    if (args.schedule !== undefined && schedules.length === 0)
      throw new WellspringError("ACCOUNT_NOT_FOUND", `pool ${pool} proposed no schedule ${args.schedule}`, {
        field: "--schedule",
      });
    results = [];
    for (const schedule of schedules) {
      const check = await checkBundle(args.uri ?? schedule.uri, schedule, fetchOptions, {
        refuseIncompatible,
      });
      results.push({ ...check, status: await statusOf(client, schedule) });
    }
  }
  const ok = results.every((r) => r.ok);
  if (args.json === true) io.stdout.write(`${JSON.stringify({ ok, schedules: results })}\n`);
  else io.stdout.write(results.map(describeCheck).join("") || "the pool proposed no schedule\n");
  if (!ok) {
    const failed = results.filter((r) => !r.ok).length;
    throw new WellspringError("VERIFY_MISMATCH", `${failed} of ${results.length} bundles do not match`);
  }
}

async function statusOf(client: SdkClient, schedule: ProposedSchedule): Promise<string> {
  const stored = await getSchedule(client, { pool: schedule.pool, scheduleId: schedule.scheduleId });
  return stored.status;
}

/** The human-readable report of one check: every check that passed, every finding that did not. */
export function describeCheck(r: ScheduleCheck): string {
  const what =
    r.scheduleId !== undefined ? `pool ${r.pool} schedule ${r.scheduleId} (${r.status ?? "?"})` : r.uri;
  if (r.error) {
    const label = r.verdict.toUpperCase();
    return `${label} ${what}\n  uri ${r.uri}\n  ✗ ${r.error.code}: ${r.error.message}\n`;
  }
  const v = r.verification!;
  const head = `${r.ok ? "OK" : "MISMATCH"} ${what}: ${v.recipients} recipients, bundle ${v.bundleHash}\n  uri ${r.uri}\n`;
  if (r.ok) return head + v.checks.map((c) => `  ✓ ${c}\n`).join("");
  return head + v.findings.map(describeFinding).join("");
}

function describeFinding(f: BundleFinding): string {
  let text = `  ✗ ${f.field}${f.path !== undefined ? ` (${f.path})` : ""}: ${f.message}\n`;
  for (const r of f.recipients ?? [])
    text += `      ${r.identity} ${r.accountId}: published ${r.published}, recomputed ${r.recomputed}\n`;
  if (f.changed !== undefined && f.recipients !== undefined && f.changed > f.recipients.length)
    text += `      … and ${f.changed - f.recipients.length} more\n`;
  return text;
}
