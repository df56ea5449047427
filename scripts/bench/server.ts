/**
 * Server benchmark: `npm run bench:server` writes scripts/bench/results/server.json (keys fixed by
 * docs/design.md#files-and-figures: claims_rps, claims_p99_ms, indexer_events_per_s).
 *
 * Claims: a real pool on the in-process Hardhat (EDR) chain whose active schedule commits to a
 * 1,000,000-recipient table (identities `github:<n>` plus a few wallet addresses, shares
 * apportioned to 10^18 by the engine's largest-remainder `apportion`), with deposits before and
 * after activation and claims by the address recipients, indexed into PGlite (the table stored
 * with `RunRepository.insertCompleted`). The real server entry point (`packages/server/src/main.ts`)
 * then serves that PGlite directory in its own process, logging every request at `info` to a file,
 * with RATE_LIMIT_PER_SECOND raised (all load comes from one IP; the default 20/s would answer 429).
 * The first request builds the tree (timed); the amounts of the address recipients and some
 * identities are checked against the pool's `claimable` view; then autocannon, in a third process,
 * requests `/v1/pools/<pool>/claims/<account>` cycling through 100,000 real accounts of the table
 * (90% as accountIds, 10% as `github:<n>` identities the server hashes).
 *
 * Indexer: deposits mined on the same chain (automine, one deposit per block — every event costs
 * a block read — and batches of many deposits per block), then a fresh PGlite database catches up
 * with `PoolIndexer.syncOnce()` (confirmation depth 6). The time excludes the mining.
 *
 * Options (environment): BENCH_SCALE (default 1) multiplies the table size, for a quick smoke run;
 * BENCH_DURATION (seconds of each of the 3 measured load runs, default 10); BENCH_CONNECTIONS (default 16); BENCH_PROFILE_DIR
 * (write a V8 CPU profile of the server process there).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { network } from "hardhat";
import {
  accountIdOf,
  apportion,
  buildMerkleTree,
  bytesToHex,
  computeInputsHash,
  computeTableHash,
  hexToBytes,
  merkleProof,
  merkleRoot,
} from "@wellspring/attribution";
import { createPool, POOL_MIN_DELAYS, royaltyPoolAbi } from "@wellspring/sdk";
import {
  encodeFunctionData,
  erc20Abi,
  getAddress,
  keccak256,
  parseAbi,
  stringToHex,
  toHex,
  zeroAddress,
  type Address,
  type Hex,
  type PublicClient,
} from "viem";
import { migrate } from "../../packages/server/src/db/migrate.ts";
import { openPglite } from "../../packages/server/src/db/pglite.ts";
import { PoolIndexer } from "../../packages/server/src/indexer/pool-indexer.ts";
import { PolicyRepository } from "../../packages/server/src/repositories/policies.ts";
import { PoolRepository } from "../../packages/server/src/repositories/pools.ts";
import { RunRepository } from "../../packages/server/src/repositories/runs.ts";

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, "..", "..");
const scale = Number(process.env.BENCH_SCALE ?? "1");
const N = Math.round(1_000_000 * scale);
const DURATION = Number(process.env.BENCH_DURATION ?? "10");
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? "16");
const RUNS = 3;
const CHAIN_ID = 31337;
const CONFIRMATIONS = 6;
const TARGETS = { claims_rps: 3000, claims_p99_ms: 20, indexer_events_per_s: 2000 };

const log = (msg: string): void => console.log(`[bench:server] ${msg}`);
const round = (x: number, digits = 3): number => Math.round(x * 10 ** digits) / 10 ** digits;
const seconds = (t0: number) => (performance.now() - t0) / 1000;

let seed = 4242;
function rnd(): number {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed / 4294967296;
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once("exit", (code) => resolve(code));
  });

/** User + system CPU seconds a process has used so far (Linux /proc, 100 ticks per second). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Runs a node script (through tsx) and returns its stdout. */
function runNode(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", ...args], {
      cwd: repo,
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")));
    child.once("error", reject);
    child.once("exit", (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${args[0]} exited ${code}`)),
    );
  });
}

// ---- the 1,000,000-recipient table --------------------------------------------------------

interface BenchTable {
  ids: Uint8Array;
  shares: bigint[];
  identities: string[];
  totalShares: bigint;
  root: Hex;
  tableHash: Hex;
  inputsHash: Hex;
  tree: ReturnType<typeof buildMerkleTree>;
}

function makeTable(addresses: readonly Address[]): BenchTable {
  const rows: { id: Hex; identity: string }[] = [];
  for (let i = 0; i < N - addresses.length; i++) {
    const identity = `github:${1_000_000 + i}`;
    rows.push({ id: accountIdOf(identity), identity });
  }
  for (const a of addresses) rows.push({ id: accountIdOf(a.toLowerCase()), identity: a.toLowerCase() });
  rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const ids = new Uint8Array(rows.length * 32);
  rows.forEach((r, i) => ids.set(hexToBytes(r.id), i * 32));
  // Heavy-tailed weights, as real attribution produces: a few large shares, many small ones.
  const values = new Float64Array(rows.length);
  for (let i = 0; i < values.length; i++) values[i] = 1 / Math.pow(rnd() + 1e-9, 0.7);
  const totalShares = 10n ** 18n;
  const { shares } = apportion(values, totalShares);
  if (shares.some((s) => s === 0n)) throw new Error("a recipient rounded to 0 shares");
  const tree = buildMerkleTree(ids, shares);
  return {
    ids,
    shares,
    identities: rows.map((r) => r.identity),
    totalShares,
    root: merkleRoot(tree),
    tableHash: computeTableHash(totalShares, { length: rows.length, accountIds: ids, shares }),
    inputsHash: computeInputsHash([]),
    tree,
  };
}

const idAt = (t: BenchTable, row: number): Hex => bytesToHex(t.ids.subarray(row * 32, row * 32 + 32));

// ---- chain -----------------------------------------------------------------------------------

async function deployChain() {
  // The chain's clock starts one activation delay (the pool's minimum) behind the wall clock, so the
  // schedule proposed below is active by the server's wall clock without time travel.
  const initialDate = new Date(Date.now() - POOL_MIN_DELAYS.activationDelay * 1000);
  const connection = await network.connect({ override: { initialDate } });
  const { viem } = connection;
  const publicClient = (await viem.getPublicClient()) as unknown as PublicClient;
  const wallets = await viem.getWalletClients();
  const [admin, attestor, payer] = wallets;
  if (!admin || !attestor || !payer) throw new Error("need the Hardhat accounts");
  const deploy = async (name: string, args: readonly unknown[] = []): Promise<Address> =>
    ((await viem.deployContract(name as never, args as never)) as { address: Address }).address;
  const registry = await deploy("IdentityRegistry", [
    admin.account.address,
    0,
    86_400n,
    [attestor.account.address],
  ]);
  const factory = await deploy("PoolFactory");
  const created = await createPool(admin, {
    factory,
    config: {
      admin: admin.account.address,
      registry,
      activationDelay: POOL_MIN_DELAYS.activationDelay,
      claimWindow: 7 * 86_400,
      proposers: [admin.account.address],
      guardians: [admin.account.address],
    },
  });
  const usdc = await deploy("TestERC20", ["Bench USD", "BUSD", 6]);
  const wait = async (hash: Hex) => {
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success") throw new Error(`transaction ${hash} reverted`);
    return receipt;
  };
  await wait(
    await admin.writeContract({
      address: usdc,
      abi: parseAbi(["function mint(address to, uint256 amount)"]),
      functionName: "mint",
      args: [payer.account.address, 10n ** 30n],
    }),
  );
  await wait(
    await payer.writeContract({
      address: usdc,
      abi: erc20Abi,
      functionName: "approve",
      args: [created.pool, 2n ** 256n - 1n],
    }),
  );
  return {
    connection,
    publicClient,
    wallets,
    admin,
    payer,
    pool: created.pool,
    usdc,
    deployedBlock: created.receipt.blockNumber,
    wait,
  };
}
type Chain = Awaited<ReturnType<typeof deployChain>>;

async function depositUsdc(chain: Chain, amount: bigint, memo: string) {
  await chain.wait(
    await chain.payer.writeContract({
      address: chain.pool,
      abi: royaltyPoolAbi,
      functionName: "deposit",
      args: [chain.usdc, amount, keccak256(stringToHex(memo))],
    }),
  );
}
async function depositEth(chain: Chain, value: bigint, memo: string) {
  await chain.wait(
    await chain.payer.writeContract({
      address: chain.pool,
      abi: royaltyPoolAbi,
      functionName: "depositETH",
      args: [keccak256(stringToHex(memo))],
      value,
    }),
  );
}

// ---- claims ----------------------------------------------------------------------------------

type ClaimableBody = {
  accountId: Hex;
  items: {
    scheduleId: string;
    shares: string;
    proof: Hex[];
    claimable: { token: Address; amount: string }[];
  }[];
};

async function benchClaims(chain: Chain, table: BenchTable, addressRows: number[], dir: string) {
  const pgliteDir = join(dir, "pglite-claims");
  const db = await openPglite({ dataDir: pgliteDir });
  await migrate(db);
  const admin = getAddress(chain.admin.account.address);
  const pool = await new PoolRepository(db).insert({
    chainId: CHAIN_ID,
    address: getAddress(chain.pool),
    name: "bench",
    deployedBlock: chain.deployedBlock,
    registeredBy: admin,
  });
  const policy = await new PolicyRepository(db).appendVersion({
    name: "default",
    canonical: "{}",
    hash: keccak256(stringToHex("{}")),
    note: "",
    createdBy: admin,
  });
  let t0 = performance.now();
  const run = await new RunRepository(db).insertCompleted({
    poolId: pool.id,
    policyVersionId: policy.id,
    engineVersion: "bench",
    inputsHash: table.inputsHash,
    tableHash: table.tableHash,
    root: table.root,
    totalShares: table.totalShares,
    createdBy: admin,
    inputs: [],
    recipients: (function* () {
      for (let row = 0; row < table.shares.length; row++)
        yield { accountId: idAt(table, row), shares: table.shares[row]!, identity: table.identities[row]! };
    })(),
  });
  const storeSeconds = seconds(t0);
  log(`stored run ${run.id}: ${run.recipientCount} recipients in ${round(storeSeconds, 1)} s`);

  // Money before and after activation, claims by the address recipients, more money after.
  await depositUsdc(chain, 1_000_000_000_003n, "before-1");
  await depositEth(chain, 5n * 10n ** 18n + 1n, "before-2");
  const proposal = await chain.admin.writeContract({
    address: chain.pool,
    abi: royaltyPoolAbi,
    functionName: "proposeSchedule",
    args: [
      table.root,
      table.totalShares,
      table.tableHash,
      keccak256(stringToHex("{}")),
      table.inputsHash,
      "bench",
    ],
  });
  await chain.wait(proposal);
  const scheduleId = 1n;
  const activatesAt =
    (Number((await chain.publicClient.getBlock()).timestamp) + POOL_MIN_DELAYS.activationDelay) * 1000;
  await chain.connection.networkHelpers.time.increase(POOL_MIN_DELAYS.activationDelay);

  await depositUsdc(chain, 777_777_777_777n, "after-1");
  for (const row of addressRows) {
    const accountId = idAt(table, row);
    await chain.wait(
      await chain.payer.writeContract({
        address: chain.pool,
        abi: royaltyPoolAbi,
        functionName: "claim",
        args: [
          [
            {
              scheduleId,
              accountId,
              shares: table.shares[row]!,
              proof: merkleProof(table.tree, row),
              tokens: [chain.usdc, zeroAddress],
            },
          ],
        ],
      }),
    );
  }
  await depositUsdc(chain, 123_456_789n, "after-2");
  await depositEth(chain, 10n ** 17n, "after-3");
  await new PoolIndexer({ db, client: chain.publicClient, chainId: CHAIN_ID, confirmations: 0 }).syncOnce();
  await db.close();
  // Automined blocks run a few seconds ahead of the wall clock, which the server goes by.
  const ahead = activatesAt + 1_000 - Date.now();
  if (ahead > 0) await new Promise((r) => setTimeout(r, ahead));

  // The server, as shipped, in its own process.
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const logFile = join(dir, "server.log");
  const logFd = openSync(logFile, "w");
  const profile = process.env.BENCH_PROFILE_DIR
    ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`]
    : [];
  const server = spawn(process.execPath, [...profile, "--import", "tsx", "packages/server/src/main.ts"], {
    cwd: repo,
    stdio: ["ignore", logFd, "inherit"],
    env: {
      ...process.env,
      PGLITE_DIR: pgliteDir,
      HOST: "127.0.0.1",
      PORT: String(port),
      CHAIN_ID: String(CHAIN_ID),
      LOG_LEVEL: "info",
      INDEXER_ENABLED: "false",
      RATE_LIMIT_PER_SECOND: "100000",
      RATE_LIMIT_BURST: "1000000",
    },
  });
  closeSync(logFd);
  try {
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${url}/readyz`)).ok) break;
      } catch {
        // not listening yet
      }
      if (i > 600) throw new Error("server did not become ready");
      await new Promise((r) => setTimeout(r, 100));
    }
    const claimsUrl = (account: string) => `${url}/v1/pools/${chain.pool}/claims/${account}`;
    t0 = performance.now();
    const first = await fetch(claimsUrl(idAt(table, 0)));
    if (!first.ok) throw new Error(`first request: ${first.status} ${await first.text()}`);
    const firstSeconds = seconds(t0);
    log(`first request (tree of ${N} built from the database): ${round(firstSeconds, 2)} s`);
    t0 = performance.now();
    await fetch(claimsUrl(idAt(table, 1)));
    log(`second request: ${round(performance.now() - t0, 2)} ms`);

    // The endpoint pays what the chain pays, to the unit.
    const checkRows = [...addressRows, ...Array.from({ length: 20 }, () => Math.floor(rnd() * N))];
    let checked = 0;
    for (const row of checkRows) {
      const body = (await (await fetch(claimsUrl(idAt(table, row)))).json()) as ClaimableBody;
      const item = body.items[0];
      if (!item) throw new Error(`row ${row}: not listed: ${JSON.stringify(body)} (now ${Date.now()})`);
      if (JSON.stringify(item.proof) !== JSON.stringify(merkleProof(table.tree, row)))
        throw new Error(`row ${row}: the endpoint's proof differs from the engine's`);
      for (const { token, amount } of item.claimable) {
        const onChain = await chain.publicClient.readContract({
          address: chain.pool,
          abi: royaltyPoolAbi,
          functionName: "claimable",
          args: [scheduleId, body.accountId, table.shares[row]!, token],
        });
        if (BigInt(amount) !== onChain)
          throw new Error(`row ${row} ${token}: server ${amount}, chain ${onChain}`);
        checked++;
      }
    }
    log(`checked ${checked} (account, token) amounts against the pool's claimable view: equal (proofs too)`);

    // 100,000 real accounts of the table: 90% by accountId, 10% by identity; the claimants too.
    const paths: string[] = [];
    for (let i = 0; i < 100_000; i++) {
      const row = i < addressRows.length ? addressRows[i]! : Math.floor(rnd() * N);
      const identity = table.identities[row]!;
      const account = i % 10 === 9 && identity.startsWith("github:") ? identity : idAt(table, row);
      paths.push(`/v1/pools/${chain.pool}/claims/${account}`);
    }
    const pathsFile = join(dir, "paths.txt");
    writeFileSync(pathsFile, paths.join("\n"));
    const load = async (durationSeconds: number, connections: number) => {
      const configFile = join(dir, "load.json");
      writeFileSync(configFile, JSON.stringify({ url, pathsFile, connections, durationSeconds }));
      return JSON.parse(await runNode(["scripts/bench/server-load.ts", configFile])) as {
        requests: { average: number; total: number };
        latency: { p50: number; p90: number; p99: number; average: number; max: number };
        non2xx: number;
        errors: number;
        timeouts: number;
        "2xx": number;
      };
    };
    log(`warm-up: 5 s`);
    await load(5, CONNECTIONS);
    const loadAverage = readFileSync("/proc/loadavg", "utf8").trim();
    log(`load average before the measured runs: ${loadAverage}`);
    // Three runs; the figures are the medians (other processes share the 2 cores).
    const runs: { rps: number; p99: number; p50: number; cpuUs: number; total: number }[] = [];
    for (let r = 0; r < RUNS; r++) {
      const cpuBefore = cpuSeconds(server.pid!);
      const result = await load(DURATION, CONNECTIONS);
      const serverCpu = cpuSeconds(server.pid!) - cpuBefore;
      if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0)
        throw new Error(
          `run ${r}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`,
        );
      runs.push({
        rps: round(result.requests.average, 0),
        p50: result.latency.p50,
        p99: result.latency.p99,
        cpuUs: round((serverCpu / result.requests.total) * 1e6, 0),
        total: result.requests.total,
      });
      log(
        `claims run ${r + 1}: ${runs.at(-1)!.rps} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, ` +
          `server CPU ${runs.at(-1)!.cpuUs} µs/request, ${result.requests.total} requests, all 200`,
      );
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const logLines = readFileSync(logFile, "utf8")
      .split("\n")
      .filter((l) => l.includes('"msg":"request"')).length;
    return {
      rps: median(runs.map((r) => r.rps)),
      p99: median(runs.map((r) => r.p99)),
      details: {
        recipients: N,
        store_run_s: round(storeSeconds, 1),
        first_request_s: round(firstSeconds, 2),
        amounts_checked_against_chain: checked,
        connections: CONNECTIONS,
        run_duration_s: DURATION,
        runs,
        request_log_lines: logLines,
        distinct_accounts_in_paths: new Set(paths).size,
        load_average_before: loadAverage,
      },
    };
  } finally {
    server.kill("SIGTERM");
    await exited(server);
  }
}

// ---- indexer ---------------------------------------------------------------------------------

async function benchIndexer(chain: Chain, dir: string, count: number, perBlock: number) {
  const db = await openPglite({ dataDir: join(dir, `pglite-indexer-${perBlock}`) });
  await migrate(db);
  const pool = await new PoolRepository(db).insert({
    chainId: CHAIN_ID,
    address: getAddress(chain.pool),
    name: "bench",
    deployedBlock: chain.deployedBlock,
    registeredBy: getAddress(chain.admin.account.address),
  });
  const indexer = new PoolIndexer({
    db,
    client: chain.publicClient,
    chainId: CHAIN_ID,
    confirmations: CONFIRMATIONS,
  });
  await chain.connection.networkHelpers.mine(CONFIRMATIONS);
  await indexer.syncOnce(); // everything before the measured deposits
  const already = Number((await db.query<{ n: string }>("SELECT count(*) AS n FROM deposits")).rows[0]!.n);

  // Mine `count` deposits, `perBlock` per block (not timed).
  const provider = chain.connection.provider;
  const from = chain.payer.account.address;
  let nonce = await chain.publicClient.getTransactionCount({ address: from, blockTag: "pending" });
  let t0 = performance.now();
  if (perBlock > 1) await provider.request({ method: "evm_setAutomine", params: [false] });
  for (let i = 0; i < count; i++) {
    const data = encodeFunctionData({
      abi: royaltyPoolAbi,
      functionName: "deposit",
      args: [chain.usdc, BigInt(1_000 + i), keccak256(stringToHex(`bench-${perBlock}-${i}`))],
    });
    await provider.request({
      method: "eth_sendTransaction",
      params: [{ from, to: chain.pool, data, gas: toHex(200_000), nonce: toHex(nonce++) }],
    });
    if (perBlock > 1 && (i + 1) % perBlock === 0) await provider.request({ method: "evm_mine", params: [] });
  }
  if (perBlock > 1) {
    await provider.request({ method: "evm_mine", params: [] });
    await provider.request({ method: "evm_setAutomine", params: [true] });
  }
  await chain.connection.networkHelpers.mine(CONFIRMATIONS);
  const miningSeconds = seconds(t0);

  t0 = performance.now();
  const report = await indexer.syncOnce();
  const indexSeconds = seconds(t0);
  const stored =
    Number((await db.query<{ n: string }>("SELECT count(*) AS n FROM deposits")).rows[0]!.n) - already;
  if (stored !== count) throw new Error(`indexed ${stored} of ${count} deposits`);
  // The indexed balance equals the pool's token balance.
  const balances = await new PoolRepository(db).balances(pool.id);
  const usdc = balances.find((b) => b.token === getAddress(chain.usdc));
  const onChain = await chain.publicClient.readContract({
    address: chain.usdc,
    abi: erc20Abi,
    functionName: "balanceOf",
    args: [chain.pool],
  });
  if (usdc?.balance !== onChain) throw new Error(`indexed balance ${usdc?.balance} != chain ${onChain}`);
  await db.close();
  const rate = count / indexSeconds;
  log(
    `indexer, ${perBlock} deposit(s) per block: ${count} events over ${report.blocks} blocks in ${round(indexSeconds, 2)} s = ` +
      `${round(rate, 0)} events/s (mining took ${round(miningSeconds, 1)} s, not counted)`,
  );
  return {
    events_per_s: round(rate, 0),
    events: count,
    deposits_per_block: perBlock,
    blocks_read: report.blocks,
    index_s: round(indexSeconds, 3),
    mining_s_excluded: round(miningSeconds, 1),
  };
}

// ---- main ------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const dir = mkdtempSync(join(os.tmpdir(), "ws-bench-server-"));
  const chain = await deployChain();
  try {
    let t0 = performance.now();
    // Eight wallets are recipients by address (they claim); the rest are identities.
    const claimants = chain.wallets.slice(3, 11).map((w) => getAddress(w.account.address));
    const table = makeTable(claimants);
    log(`table of ${N} recipients, root ${table.root} (${round(seconds(t0), 1)} s)`);
    const addressRows = claimants.map((a) => {
      const id = accountIdOf(a.toLowerCase());
      const row = table.identities.indexOf(a.toLowerCase());
      if (row < 0 || idAt(table, row) !== id) throw new Error(`claimant ${a} not in the table`);
      return row;
    });

    const claims = await benchClaims(chain, table, addressRows, dir);
    t0 = performance.now();
    const perEvent = await benchIndexer(chain, dir, Math.round(4_000 * Math.max(scale, 0.25)), 1);
    const batched = await benchIndexer(chain, dir, Math.round(10_000 * Math.max(scale, 0.25)), 50);

    const cpus = os.cpus();
    const out = {
      claims_rps: claims.rps,
      claims_p99_ms: claims.p99,
      indexer_events_per_s: perEvent.events_per_s,
      targets: TARGETS,
      within_targets: {
        claims_rps: claims.rps >= TARGETS.claims_rps,
        claims_p99_ms: claims.p99 <= TARGETS.claims_p99_ms,
        indexer_events_per_s: perEvent.events_per_s >= TARGETS.indexer_events_per_s,
      },
      details: {
        claims: {
          endpoint: "GET /v1/pools/{pool}/claims/{account}",
          server:
            "packages/server/src/main.ts in its own process, PGlite data directory, LOG_LEVEL=info to a file",
          load_generator:
            "autocannon (scripts/bench/server-load.ts) in a separate process on the same machine",
          rate_limit: "RATE_LIMIT_PER_SECOND=100000, RATE_LIMIT_BURST=1000000 (one client IP)",
          ...claims.details,
        },
        indexer: {
          headline:
            "indexer_events_per_s is the one-deposit-per-block run (every event needs its own block read)",
          chain: "in-process Hardhat (EDR) network through viem's EIP-1193 client; mining time excluded",
          database: "PGlite data directory",
          confirmations: CONFIRMATIONS,
          one_per_block: perEvent,
          many_per_block: batched,
        },
      },
      scale,
      machine: { cpu: cpus[0]?.model ?? "unknown", cores: cpus.length },
      node: process.version,
      date: new Date().toISOString(),
      command: "npm run bench:server",
    };
    const results = join(here, "results");
    mkdirSync(results, { recursive: true });
    const file = join(results, "server.json");
    writeFileSync(file, JSON.stringify(out, null, 2) + "\n");
    log(`wrote ${file}`);
  } finally {
    await chain.connection.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
