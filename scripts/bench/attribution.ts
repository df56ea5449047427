/**
 * Attribution engine benchmark: `npm run bench:attribution` writes
 * scripts/bench/results/attribution.json (keys fixed by docs/design.md#files-and-figures). Timings are the median of
 * several runs (all runs are recorded too); the end-to-end figure runs the real CLI in a child
 * process on a generated CycloneDX 1.6 SBOM with 1,000,000 components, each with its own author,
 * so the table has 1,000,001 recipients.
 *
 * Options (environment): BENCH_SCALE (default 1) multiplies every size, for a quick smoke run;
 * BENCH_SKIP_CLI=1 skips the end-to-end run.
 */
import { spawnSync } from "node:child_process";
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { cpus, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { once } from "node:events";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import {
  apportion,
  buildMerkleTree,
  bytesToHex,
  merkleProof,
  merkleRoot,
  solveFlow,
} from "@wellspring/attribution";

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, "..", "..");
const scale = Number(process.env.BENCH_SCALE ?? "1");
const N = Math.round(1_000_000 * scale);
const N_OZ = Math.round(100_000 * scale);

let seed = 12345;
function rnd(): number {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed / 4294967296;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time<T>(fn: () => T): [number, T] {
  const t = performance.now();
  const out = fn();
  return [(performance.now() - t) / 1000, out];
}

function randomTable(n: number): { ids: Uint8Array; shares: bigint[] } {
  const ids = new Uint8Array(n * 32);
  for (let i = 0; i < ids.length; i += 4) {
    const x = (rnd() * 4294967296) >>> 0;
    ids[i] = x >>> 24;
    ids[i + 1] = (x >>> 16) & 0xff;
    ids[i + 2] = (x >>> 8) & 0xff;
    ids[i + 3] = x & 0xff;
  }
  const shares = Array.from({ length: n }, () => BigInt(1 + Math.floor(rnd() * 1e12)));
  return { ids, shares };
}

function round(x: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

const results: Record<string, unknown> = {};
const runs: Record<string, number[]> = {};
const log = (msg: string): void => console.log(`[bench:attribution] ${msg}`);

// Merkle: ours at 1M and 100k, OpenZeppelin at 100k, one proof.
{
  const big = randomTable(N);
  runs.merkle_1m_s = [];
  let tree = buildMerkleTree(big.ids, big.shares);
  for (let r = 0; r < 3; r++) {
    const [s, t] = time(() => buildMerkleTree(big.ids, big.shares));
    runs.merkle_1m_s.push(round(s));
    tree = t;
  }
  results.merkle_1m_s = median(runs.merkle_1m_s);
  log(`merkle ${N}: ${results.merkle_1m_s}s root ${merkleRoot(tree)}`);

  const PROOFS = 20_000;
  const rows = Array.from({ length: PROOFS }, () => Math.floor(rnd() * N));
  let sink = 0;
  for (const r of rows.slice(0, 1000)) sink += merkleProof(tree, r).length;
  runs.proof_us = [];
  for (let k = 0; k < 3; k++) {
    const [s] = time(() => {
      for (const r of rows) sink += merkleProof(tree, r).length;
    });
    runs.proof_us.push(round((s / PROOFS) * 1e6, 2));
  }
  results.proof_us = median(runs.proof_us);
  log(`proof: ${results.proof_us}us (${sink > 0 ? "ok" : ""})`);

  const small = randomTable(N_OZ);
  runs.merkle_ours_100k_s = [];
  for (let r = 0; r < 5; r++)
    runs.merkle_ours_100k_s.push(round(time(() => buildMerkleTree(small.ids, small.shares))[0], 4));
  results.merkle_ours_100k_s = median(runs.merkle_ours_100k_s);
  const values = Array.from({ length: N_OZ }, (_, i) => [
    bytesToHex(small.ids.subarray(i * 32, i * 32 + 32)),
    small.shares[i]!.toString(),
  ]);
  const [ozSeconds, oz] = time(() => StandardMerkleTree.of(values, ["bytes32", "uint256"]));
  runs.merkle_oz_100k_s = [round(ozSeconds)];
  results.merkle_oz_100k_s = round(ozSeconds);
  const ours = merkleRoot(buildMerkleTree(small.ids, small.shares));
  if (oz.root !== ours) throw new Error(`root mismatch at 100k: ${oz.root} vs ${ours}`);
  results.merkle_speedup_100k = round(ozSeconds / (results.merkle_ours_100k_s as number), 1);
  log(
    `merkle 100k: ours ${results.merkle_ours_100k_s}s, OpenZeppelin ${results.merkle_oz_100k_s}s (same root)`,
  );
}

// Flow: 1M components, 5M edges, mostly "forward" edges with 2% random ones (cycles).
{
  const n = N;
  const m = 5 * N;
  const from = new Int32Array(m);
  const to = new Int32Array(m);
  const deg = new Int32Array(n);
  for (let i = 0; i < m; i++) {
    const f = Math.floor(rnd() * n);
    let t = rnd() < 0.98 ? f + 1 + Math.floor(rnd() * 1000) : Math.floor(rnd() * n);
    if (t >= n || t === f) t = (f + 1) % n;
    from[i] = f;
    to[i] = t;
    deg[f]!++;
  }
  const offsets = new Int32Array(n + 1);
  for (let v = 0; v < n; v++) offsets[v + 1] = offsets[v]! + deg[v]!;
  const cursor = offsets.slice(0, n);
  const targets = new Int32Array(m);
  for (let i = 0; i < m; i++) targets[cursor[from[i]!]!++] = to[i]!;
  const weights = new Float64Array(m);
  for (let i = 0; i < m; i++) weights[i] = 0.1 + rnd();
  const keep = new Float64Array(n).fill(0.3);
  const root = from[0]!;
  runs.flow_1m_s = [];
  let stats = "";
  for (let r = 0; r < 3; r++) {
    const [s, res] = time(() => solveFlow({ n, root, offsets, targets, weights, keep }));
    runs.flow_1m_s.push(round(s));
    let sum = 0;
    for (const x of res.retained) sum += x;
    stats = `reachable ${res.stats.reachable}, largest SCC ${res.stats.largestScc}, sweeps ${res.stats.sweeps}, retained sum ${sum}`;
  }
  results.flow_1m_s = median(runs.flow_1m_s);
  log(`flow ${n}/${m}: ${results.flow_1m_s}s (${stats})`);
}

// Apportionment: 1M float values to 10^18.
{
  const values = new Float64Array(N);
  for (let i = 0; i < N; i++) values[i] = rnd() ** 4;
  runs.apportion_1m_s = [];
  for (let r = 0; r < 3; r++) {
    const [s, res] = time(() => apportion(values, 10n ** 18n));
    runs.apportion_1m_s.push(round(s));
    let sum = 0n;
    for (const x of res.shares) sum += x;
    if (sum !== 10n ** 18n) throw new Error("apportionment does not sum");
  }
  results.apportion_1m_s = median(runs.apportion_1m_s);
  log(`apportion ${N}: ${results.apportion_1m_s}s`);
}

/** A CycloneDX 1.6 SBOM: n components, each with its own GitHub author, ~3 dependencies each,
 *  every component reachable from the product, ~2% of edges closing cycles. */
async function writeSbom(path: string, n: number): Promise<void> {
  const out = createWriteStream(path);
  const write = async (s: string): Promise<void> => {
    if (!out.write(s)) await once(out, "drain");
  };
  await write(
    '{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"metadata":{"component":{"bom-ref":"root","type":"application","name":"product","version":"1.0.0","purl":"pkg:npm/product@1.0.0"}},"components":[',
  );
  let chunk: string[] = [];
  for (let i = 0; i < n; i++) {
    chunk.push(
      `${i === 0 ? "" : ","}{"bom-ref":"c${i}","type":"library","name":"c${i}","version":"1.0.0","purl":"pkg:npm/c${i}@1.0.0","licenses":[{"license":{"id":"MIT"}}],"authors":[{"name":"u${i}","email":"${1000 + i}+u${i}@users.noreply.github.com"}]}`,
    );
    if (chunk.length === 5000) {
      await write(chunk.join(""));
      chunk = [];
    }
  }
  await write(chunk.join(""));
  chunk = [];
  const rootDeps = Array.from({ length: 20 }, (_, k) => `"c${Math.floor((k * n) / 20)}"`).join(",");
  await write(`],"dependencies":[{"ref":"root","dependsOn":[${rootDeps}]}`);
  for (let i = 0; i < n; i++) {
    // c_i -> c_{i+1} keeps every component reachable from the product; the rest are random,
    // mostly a little further along (a layered ecosystem), 2% anywhere (cycles).
    const deps = new Set<number>(i + 1 < n ? [i + 1] : []);
    for (let k = 0; k < 2; k++) {
      const t = rnd() < 0.98 ? i + 1 + Math.floor(rnd() * 1000) : Math.floor(rnd() * n);
      if (t < n && t !== i) deps.add(t);
    }
    chunk.push(`,{"ref":"c${i}","dependsOn":[${[...deps].map((d) => `"c${d}"`).join(",")}]}`);
    if (chunk.length === 5000) {
      await write(chunk.join(""));
      chunk = [];
    }
  }
  await write(chunk.join(""));
  await write("]}");
  out.end();
  await once(out, "finish");
}

// End to end: the real CLI on a generated SBOM.
if (process.env.BENCH_SKIP_CLI !== "1") {
  const cli = join(repo, "packages", "cli", "bin", "wellspring.js");
  if (!existsSync(cli)) {
    log(`skipping attribute_1m: ${cli} does not exist`);
    results.attribute_1m_s = null;
    results.attribute_1m_peak_mb = null;
  } else {
    const dir = mkdtempSync(join(tmpdir(), "ws-bench-"));
    try {
      const sbom = join(dir, "sbom.cdx.json");
      await writeSbom(sbom, N);
      log(`generated ${sbom}: ${(statSync(sbom).size / 1e6).toFixed(0)} MB, ${N} components`);
      const out = join(dir, "out");
      const policy = join(repo, "packages", "attribution", "policies", "default.json");
      const timeFile = join(dir, "time.txt");
      const args = [cli, "attribute", "--input", sbom, "--policy", policy, "--out", out];
      const useTime = existsSync("/usr/bin/time");
      const t = performance.now();
      const child = useTime
        ? spawnSync("/usr/bin/time", ["-f", "%e %M", "-o", timeFile, process.execPath, ...args], {
            stdio: "inherit",
          })
        : spawnSync(process.execPath, args, { stdio: "inherit" });
      const wall = (performance.now() - t) / 1000;
      if (child.status !== 0) throw new Error(`wellspring attribute exited with ${child.status}`);
      results.attribute_1m_s = round(wall, 2);
      if (useTime) {
        const [, kb] = readFileSync(timeFile, "utf8").trim().split(/\s+/).slice(-2);
        results.attribute_1m_peak_mb = Math.round(Number(kb) / 1024);
      } else results.attribute_1m_peak_mb = null;
      const table = JSON.parse(readFileSync(join(out, "share-table.json"), "utf8")) as {
        recipients: unknown[];
      };
      results.attribute_1m_recipients = table.recipients.length;
      results.attribute_1m_input_mb = Math.round(statSync(sbom).size / 1e6);
      log(
        `attribute ${N}: ${results.attribute_1m_s}s, peak ${results.attribute_1m_peak_mb} MB, ${table.recipients.length} recipients`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

const cpu = cpus();
const target = join(repo, "scripts", "bench", "results", "attribution.json");
// Keys written by bench:resolve (scripts/bench/resolve.ts) are kept.
const resolveKeys = existsSync(target)
  ? Object.fromEntries(
      Object.entries(JSON.parse(readFileSync(target, "utf8")) as Record<string, unknown>).filter(([k]) =>
        /^(resolve_|held_fraction_self|self_)/.test(k),
      ),
    )
  : {};
const report = {
  ...resolveKeys,
  ...results,
  targets: {
    merkle_1m_s: 2.5,
    merkle_speedup_100k: 50,
    proof_us: 20,
    flow_1m_s: 3,
    apportion_1m_s: 0.5,
    attribute_1m_s: 15,
    attribute_1m_peak_mb: 1536,
  },
  runs,
  scale,
  machine: { cpu: cpu[0]?.model ?? "unknown", cores: cpu.length },
  node: process.version,
  date: new Date().toISOString(),
  command: "npm run bench:attribution",
};
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, `${JSON.stringify(report, null, 2)}\n`);
log(`wrote ${target}`);
