/**
 * `wellspring watch`: the guardian's watchtower. Follows the pools' `ScheduleProposed` events,
 * verifies each new schedule's evidence bundle (verify-uri.ts) while it is pending, and on a
 * mismatch, or a bundle still unreachable after its retries, revokes it with the GUARDIAN key from
 * the environment — or, without a key, raises an alert (log line, webhook, exit status 1).
 * Every decision is logged and kept in a state file with the next block to read, so a restarted
 * watch resumes where it stopped and never decides (or revokes, or alerts) twice. With --report
 * each decision is also sent, signed, to a Wellspring server (docs/verification.md).
 */
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { z } from "zod/v4";
import { getBlock, getBlockNumber } from "viem/actions";
import { getSchedule, isSdkError, revokeSchedule, type SdkClient } from "@wellspring/sdk";
import type { LocalAccount } from "viem";
import {
  bundleHash,
  verificationReportMessage,
  WellspringError,
  type BundleStatus,
} from "@wellspring/attribution";
import { camel, parse, usage, validate, type Io } from "./cli.ts";
import { chainClient, keyClient, poolAddress, proposedSchedules, type ProposedSchedule } from "./chain.ts";
import { blockNumber, byteCount, checkBundle, describeCheck, type ScheduleCheck } from "./verify-uri.ts";

export const WATCH_HELP = `wellspring watch — verify every proposed schedule before it activates; revoke or alert

Usage: wellspring watch --rpc <url> --pool <address>... --state <file> [options]

Options:
  --rpc <url>              the chain's JSON-RPC URL
  --pool <address>         a RoyaltyPool to watch (repeatable)
  --state <file>           where the next block and every decision are kept (created if missing)
  --guardian-key-env <var> environment variable holding the GUARDIAN's private key
                           (default GUARDIAN_PRIVATE_KEY); unset: alert instead of revoking
  --webhook <url>          POST each alert as JSON to this URL
  --report <server-url>    POST each decision to a Wellspring server, signed (EIP-191) with the key
                           in --report-key-env (default WATCHER_PRIVATE_KEY, else the guardian's)
  --report-key-env <var>   environment variable holding the key that signs reports
  --ipfs-gateway <url>     gateway for ipfs:// bundles (default: WELLSPRING_IPFS_GATEWAY)
  --retries <n>            fetches of an unreachable bundle before it counts as failed (default 5)
  --retry-delay <s>        seconds between them (default 30)
  --margin <s>             stop retrying this long before the schedule activates (default 300)
  --max-bundle-bytes <n>   a bigger bundle is refused as invalid (default 1 GiB)
  --interval <s>           seconds between polls (default 15)
  --from-block <n>         first block on a fresh state file (default 0)
  --once                   one pass up to the latest block, then exit
  --json                   log decisions as JSON lines
  -h, --help               this help

Exits 1 after a pass that raised an alert (the state keeps it: a restart does not repeat it).
A pass that fails (the RPC is down) is logged and retried after --interval; with --once it exits.
`;

const seconds = (what: string) =>
  z
    .string()
    .regex(/^[0-9]+$/, `expected ${what}`)
    .transform(Number);

const WatchArgs = z.object({
  rpc: z.url({ error: "expected an http(s) URL" }),
  pool: z.array(z.string().min(1)).min(1, "is required (at least one pool)"),
  state: z.string({ error: "is required" }).min(1),
  guardianKeyEnv: z.string().min(1).default("GUARDIAN_PRIVATE_KEY"),
  webhook: z.url({ error: "expected an http(s) URL" }).optional(),
  report: z.url({ error: "expected an http(s) URL" }).optional(),
  reportKeyEnv: z.string().min(1).default("WATCHER_PRIVATE_KEY"),
  ipfsGateway: z.url({ error: "expected an http(s) URL" }).optional(),
  retries: seconds("a count").default(5),
  retryDelay: seconds("seconds").default(30),
  margin: seconds("seconds").default(300),
  interval: seconds("seconds").default(15),
  fromBlock: blockNumber.optional(),
  maxBundleBytes: byteCount.optional(),
  once: z.boolean().optional(),
  json: z.boolean().optional(),
});
type WatchArgs = z.infer<typeof WatchArgs>;

/** What the watch decided about one schedule. `alert`: it should not pay and could not be revoked. */
export type Decision = "verified" | "revoked" | "alert" | "already-revoked";

const stateSchema = z.object({
  version: z.literal(1),
  /** Per pool (checksummed address): the next block to read events from. */
  pools: z.record(z.string(), z.object({ nextBlock: z.string() })),
  /** Per `<pool>/<scheduleId>`. */
  decisions: z.record(
    z.string(),
    z.object({
      decision: z.enum(["verified", "revoked", "alert", "already-revoked"]),
      reason: z.string(),
      at: z.string(),
      uri: z.string(),
      txHash: z.string().optional(),
    }),
  ),
});
export type WatchState = z.infer<typeof stateSchema>;

function readState(path: string): WatchState {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { version: 1, pools: {}, decisions: {} };
    throw new WellspringError("INPUT_UNREADABLE", "cannot read the watch state", {
      file: path,
      cause: error,
    });
  }
  let parsed;
  try {
    parsed = stateSchema.safeParse(JSON.parse(text));
  } catch (error) {
    throw new WellspringError("INPUT_INVALID_JSON", "the watch state is not JSON", {
      file: path,
      cause: error,
    });
  }
  if (!parsed.success)
    throw new WellspringError("INPUT_SCHEMA", parsed.error.issues[0]!.message, {
      file: path,
      field: parsed.error.issues[0]!.path.join("."),
    });
  return parsed.data;
}

/** Written to a temporary file and renamed: a crash leaves the old state or the new, never half. */
function writeState(path: string, state: WatchState): void {
  const temp = `${path}.tmp-${process.pid}`;
  writeFileSync(temp, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(temp, path);
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

class Watch {
  alerts = 0;
  constructor(
    private readonly args: WatchArgs,
    private readonly io: Io,
    private readonly client: SdkClient,
    private readonly guardian: SdkClient | undefined,
    private readonly statePath: string,
    private readonly state: WatchState,
    private readonly ipfsGateway: string | undefined,
    /** Signs the reports sent to --report. */
    private readonly reporter: LocalAccount | undefined,
  ) {}

  log(event: Record<string, unknown>, text: string): void {
    const at = new Date().toISOString();
    if (this.args.json === true) this.io.stdout.write(`${JSON.stringify({ at, ...event })}\n`);
    else this.io.stdout.write(`${at} ${text}\n`);
  }

  /** Reads every pool's new proposals up to the latest block and decides each. */
  async pass(): Promise<void> {
    const latest = await getBlockNumber(this.client, { cacheTime: 0 });
    for (const value of this.args.pool) {
      const pool = poolAddress(value);
      const from = BigInt(this.state.pools[pool]?.nextBlock ?? this.args.fromBlock ?? "0");
      if (from > latest) continue;
      const proposals = await proposedSchedules(this.client, pool, { fromBlock: from, toBlock: latest });
      for (const schedule of proposals) await this.decide(schedule);
      this.state.pools[pool] = { nextBlock: (latest + 1n).toString() };
      writeState(this.statePath, this.state);
    }
  }

  private async decide(schedule: ProposedSchedule): Promise<void> {
    const key = `${schedule.pool}/${schedule.scheduleId}`;
    const what = `pool ${schedule.pool} schedule ${schedule.scheduleId}`;
    const known = this.state.decisions[key];
    if (known !== undefined) {
      this.log(
        {
          pool: schedule.pool,
          scheduleId: schedule.scheduleId.toString(),
          decision: known.decision,
          repeated: true,
        },
        `${what}: decided before (${known.decision}), skipped`,
      );
      return;
    }
    const verified = await this.checkWithRetries(schedule);
    // Read after the checks (retries take time): what the schedule is now decides what can be done.
    const { status } = await getSchedule(this.client, {
      pool: schedule.pool,
      scheduleId: schedule.scheduleId,
    });
    const check: ScheduleCheck = { ...verified, status };
    const reason = check.ok ? "bundle verified" : reasonOf(check);
    let decision: Decision;
    let txHash: string | undefined;
    if (check.ok) decision = "verified";
    else if (status === "revoked") decision = "already-revoked";
    else if (this.guardian !== undefined && status === "pending") {
      const revoked = await this.revoke(schedule);
      decision = revoked.decision;
      txHash = revoked.txHash;
    } else decision = "alert";
    this.state.decisions[key] = {
      decision,
      reason,
      at: new Date().toISOString(),
      uri: schedule.uri,
      ...(txHash !== undefined ? { txHash } : {}),
    };
    writeState(this.statePath, this.state);
    this.log(
      {
        pool: schedule.pool,
        scheduleId: schedule.scheduleId.toString(),
        decision,
        reason,
        uri: schedule.uri,
        ...(txHash !== undefined ? { txHash } : {}),
        ...(check.verification ? { findings: check.verification.findings } : {}),
      },
      `${what}: ${decision.toUpperCase()}${txHash ? ` (tx ${txHash})` : ""} — ${reason}\n${describeCheck(check).trimEnd()}`,
    );
    await this.report(schedule, check.verdict);
    if (decision === "alert") {
      this.alerts++;
      await this.notify(schedule, reason, check);
    }
  }

  /** Fetches until the bundle is read, the retries are spent, or activation comes too close. */
  private async checkWithRetries(schedule: ProposedSchedule): Promise<ScheduleCheck> {
    for (let attempt = 1; ; attempt++) {
      const check = await checkBundle(schedule.uri, schedule, {
        ipfsGateway: this.ipfsGateway,
        maxBytes: this.args.maxBundleBytes,
        cwd: this.io.cwd,
      });
      if (check.verdict !== "unreachable" || attempt >= this.args.retries) return check;
      const now = (await getBlock(this.client)).timestamp;
      if (now + BigInt(this.args.margin + this.args.retryDelay) >= schedule.activatesAt) return check;
      this.log(
        {
          pool: schedule.pool,
          scheduleId: schedule.scheduleId.toString(),
          retry: attempt,
          error: check.error,
        },
        `pool ${schedule.pool} schedule ${schedule.scheduleId}: bundle unreachable (attempt ${attempt} of ${this.args.retries}), retrying in ${this.args.retryDelay} s — ${check.error?.message}`,
      );
      await sleep(this.args.retryDelay * 1000);
    }
  }

  private async revoke(schedule: ProposedSchedule): Promise<{ decision: Decision; txHash?: string }> {
    try {
      const { hash } = await revokeSchedule(this.guardian!, {
        pool: schedule.pool,
        scheduleId: schedule.scheduleId,
      });
      return { decision: "revoked", txHash: hash };
    } catch (error) {
      // Someone else (another guardian, the admin) may have been faster: then it is done.
      const status = (
        await getSchedule(this.client, { pool: schedule.pool, scheduleId: schedule.scheduleId })
      ).status;
      if (status === "revoked") return { decision: "already-revoked" };
      const message = isSdkError(error) ? error.message : (error as Error).message;
      this.log(
        { pool: schedule.pool, scheduleId: schedule.scheduleId.toString(), revokeFailed: message },
        `pool ${schedule.pool} schedule ${schedule.scheduleId}: revoke FAILED — ${message}`,
      );
      return { decision: "alert" };
    }
  }

  /** Sends the decision to --report's server, signed; a failure is logged, never fatal. */
  private async report(schedule: ProposedSchedule, status: BundleStatus): Promise<void> {
    if (this.args.report === undefined || this.reporter === undefined) return;
    const fields = {
      bundleHash: bundleHash(schedule),
      status,
      verifiedAt: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
    };
    const signature = await this.reporter.signMessage({
      message: verificationReportMessage({ pool: schedule.pool, scheduleId: schedule.scheduleId, ...fields }),
    });
    const url = `${this.args.report.replace(/\/+$/, "")}/v1/pools/${schedule.pool}/schedules/${schedule.scheduleId}/verifications`;
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ watcher: this.reporter.address, ...fields, signature }),
        signal: AbortSignal.timeout(10_000),
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}: ${(await response.text()).slice(0, 300)}`);
    } catch (error) {
      this.log(
        { reportFailed: (error as Error).message },
        `report to ${this.args.report} FAILED — ${(error as Error).message}`,
      );
    }
  }

  private async notify(schedule: ProposedSchedule, reason: string, check: ScheduleCheck): Promise<void> {
    if (this.args.webhook === undefined) return;
    const body = {
      event: "wellspring.watch.alert",
      pool: schedule.pool,
      scheduleId: schedule.scheduleId.toString(),
      activatesAt: schedule.activatesAt.toString(),
      uri: schedule.uri,
      reason,
      findings: check.verification?.findings ?? [],
      ...(check.error ? { error: check.error } : {}),
    };
    try {
      const response = await fetch(this.args.webhook, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
    } catch (error) {
      this.log(
        { webhookFailed: (error as Error).message },
        `webhook ${this.args.webhook} FAILED — ${(error as Error).message}`,
      );
    }
  }
}

function reasonOf(check: ScheduleCheck): string {
  if (check.error) return `${check.error.code}: ${check.error.message.split("\n")[0]}`;
  return (
    check.verification!.findings.map((f) => `${f.field}${f.path ? ` (${f.path})` : ""}`).join(", ") +
    " differ"
  );
}

export async function watchCommand(argv: string[], io: Io & { env?: NodeJS.ProcessEnv }): Promise<void> {
  const { values } = parse("watch", argv, {
    rpc: { type: "string" },
    pool: { type: "string", multiple: true },
    state: { type: "string" },
    "guardian-key-env": { type: "string" },
    webhook: { type: "string" },
    report: { type: "string" },
    "report-key-env": { type: "string" },
    "ipfs-gateway": { type: "string" },
    retries: { type: "string" },
    "retry-delay": { type: "string" },
    margin: { type: "string" },
    interval: { type: "string" },
    "from-block": { type: "string" },
    "max-bundle-bytes": { type: "string" },
    once: { type: "boolean" },
  });
  if (values.help === true) {
    io.stdout.write(WATCH_HELP);
    return;
  }
  const args = validate("watch", WatchArgs, camel(values));
  if (args.retries < 1) throw usage("watch: --retries must be at least 1");
  const env = io.env ?? process.env;
  const client = chainClient(args.rpc);
  const key = env[args.guardianKeyEnv];
  const guardian =
    key !== undefined && key !== "" ? keyClient(key, args.rpc, `$${args.guardianKeyEnv}`) : undefined;
  const reportKey = env[args.reportKeyEnv] || key;
  if (args.report !== undefined && !reportKey)
    throw usage(`watch: --report needs a key to sign with: $${args.reportKeyEnv} or $${args.guardianKeyEnv}`);
  const reporter =
    args.report !== undefined ? keyClient(reportKey!, args.rpc, `$${args.reportKeyEnv}`).account : undefined;
  // Bad arguments stop the watch now, not in every pass of a long-running loop.
  for (const pool of args.pool) poolAddress(pool);
  const statePath = resolve(io.cwd, args.state);
  const state = readState(statePath);
  try {
    writeState(statePath, state);
  } catch (error) {
    throw usage(
      `watch: --state ${args.state} cannot be written (${(error as NodeJS.ErrnoException).code ?? "error"})`,
    );
  }
  const watch = new Watch(
    args,
    io,
    client,
    guardian,
    statePath,
    state,
    args.ipfsGateway ?? (env.WELLSPRING_IPFS_GATEWAY || undefined),
    reporter as LocalAccount | undefined,
  );
  watch.log(
    { start: true, pools: args.pool, guardian: guardian?.account?.address ?? null },
    `watching ${args.pool.join(", ")}: ${guardian ? `revoking with guardian ${guardian.account!.address}` : "no guardian key, alerting only"}`,
  );
  let stop = false;
  const onSignal = () => void (stop = true);
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    for (;;) {
      try {
        await watch.pass();
      } catch (error) {
        // A long-running watch outlives an RPC outage: nothing undecided was recorded, so the
        // next pass takes it up again. One pass (--once) reports the failure instead.
        if (args.once === true) throw error;
        const message = (error as Error).message.split("\n")[0];
        watch.log({ passFailed: message }, `pass FAILED, retrying in ${args.interval} s — ${message}`);
      }
      if (watch.alerts > 0)
        throw new WellspringError(
          "VERIFY_MISMATCH",
          `${watch.alerts} schedules failed verification and were not revoked`,
        );
      if (args.once === true || stop) return;
      for (let waited = 0; waited < args.interval * 1000 && !stop; waited += 250) await sleep(250);
      if (stop) return;
    }
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
