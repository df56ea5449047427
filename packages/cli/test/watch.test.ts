/**
 * End to end on a local chain (Hardhat EDR in-process, the real contracts, reached over HTTP as any
 * RPC is): schedules with evidence bundles are proposed, and `wellspring verify` / `wellspring
 * watch` run as a user would run them. A correct table activates; a tampered table (one share
 * moved, root and hashes consistent with it), a swapped input, a changed policy and an
 * unreachable bundle are each revoked by the watchtower before activation; without a key it alerts.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import {
  attribute,
  BUNDLE_FILES,
  buildMerkleTree,
  bundleInputName,
  computeTableHash,
  createBundle,
  inputFile,
  isWellspringError,
  merkleRoot,
  parsePolicy,
  type ShareTable,
} from "@wellspring/attribution";
import { getSchedule, proposeSchedule } from "@wellspring/sdk";
import { ACTIVATION_DELAY, deployChain } from "../../server/test/chain-fixture.ts";
import { RpcProxy } from "../../server/test/rpc-proxy.ts";
import { backends, rolesFor, signedFetch, startTestServer } from "../../server/test/helpers.ts";
import { PoolIndexer } from "../../server/src/indexer/pool-indexer.ts";
import { privateKeyToAccount } from "viem/accounts";
import { run } from "../src/cli.ts";
import { writeBundle } from "../src/bundle-io.ts";

/** Hardhat's development account 0: the fixture's admin, proposer and guardian. Public. */
const GUARDIAN_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

const lock = (deps: Record<string, string>) =>
  Buffer.from(
    JSON.stringify({
      name: "app",
      version: "1.0.0",
      lockfileVersion: 3,
      packages: {
        "": {
          name: "app",
          version: "1.0.0",
          dependencies: Object.fromEntries(Object.keys(deps).map((d) => [d, "^1"])),
        },
        ...Object.fromEntries(
          Object.entries(deps).map(([name, sponsor]) => [
            `node_modules/${name}`,
            { version: "1.0.0", license: "MIT", funding: `https://github.com/sponsors/${sponsor}` },
          ]),
        ),
      },
    }),
  );

describe("watchtower on a local chain", () => {
  let chain: Awaited<ReturnType<typeof deployChain>>;
  let proxy: RpcProxy;
  let work: string;
  let hook: Server;
  let hookUrl: string;
  const alerts: unknown[] = [];

  before(async () => {
    chain = await deployChain();
    proxy = await RpcProxy.start((call) => chain.connection.provider.request(call));
    work = mkdtempSync(join(tmpdir(), "wellspring-watch-"));
    hook = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        alerts.push(JSON.parse(body));
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, "127.0.0.1", r));
    hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/alert`;
  });
  after(async () => {
    await proxy?.close();
    await new Promise<void>((r) => hook?.close(() => r()));
    rmSync(work, { recursive: true, force: true });
  });

  const policy = parsePolicy({ version: 1 });
  const files = [inputFile("package-lock.json", lock({ lib: "alice", other: "bob", third: "carol" }))];
  const honest = attribute({ files, policy }).table;

  /** Writes a bundle directory and proposes `table`'s commitment with its file:// uri. */
  const propose = async (name: string, table: ShareTable, edit?: (dir: string) => void) => {
    const dir = join(work, name);
    writeBundle(dir, createBundle({ table, policy, files }));
    edit?.(dir);
    return proposeWith(table, pathToFileURL(dir).href);
  };
  const proposeWith = async (table: ShareTable, uri: string) =>
    (await proposeSchedule(chain.wallets.admin, { pool: chain.pool, table, uri })).scheduleId;

  const cli = async (args: string[], env: Record<string, string> = {}) => {
    let stdout = "";
    let code = 0;
    try {
      await run(args, { stdout: { write: (s: string) => (stdout += s) }, cwd: work, env } as never);
    } catch (error) {
      code = isWellspringError(error, "VERIFY_MISMATCH") ? 1 : 3;
      if (!isWellspringError(error)) throw error;
    }
    return { code, stdout };
  };
  const watch = (env: Record<string, string>, extra: string[] = []) =>
    cli(
      [
        "watch",
        "--rpc",
        proxy.url,
        "--pool",
        chain.pool,
        "--state",
        "state.json",
        "--once",
        "--retries",
        "2",
        "--retry-delay",
        "0",
        "--margin",
        "60",
        ...extra,
      ],
      env,
    );
  const status = async (id: bigint) =>
    (await getSchedule(chain.publicClient as never, { pool: chain.pool, scheduleId: id })).status;
  const decisions = () =>
    (
      JSON.parse(readFileSync(join(work, "state.json"), "utf8")) as {
        decisions: Record<string, { decision: string; reason: string }>;
      }
    ).decisions;

  it("a correct table is verified, left alone, and activates; verify --rpc --pool agrees", async () => {
    const id = await propose("honest", honest);
    const r = await watch({ GUARDIAN_PRIVATE_KEY: GUARDIAN_KEY });
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, new RegExp(`schedule ${id}: VERIFIED`));
    assert.equal(decisions()[`${chain.pool}/${id}`]?.decision, "verified");
    assert.equal(await status(id), "pending");
    await chain.networkHelpers.time.increase(ACTIVATION_DELAY + 1);
    assert.equal(await status(id), "active");
    const v = await cli(["verify", "--rpc", proxy.url, "--pool", chain.pool]);
    assert.equal(v.code, 0, v.stdout);
    assert.match(v.stdout, new RegExp(`^OK pool ${chain.pool} schedule ${id} \\(active\\)`));
  });

  it("a tampered table (one share moved, root and hashes consistent) is revoked, naming the recipients", async () => {
    const shares = [...honest.rows.shares];
    shares[0]! -= 1n;
    shares[1]! += 1n;
    const rows = { ...honest.rows, shares };
    const tampered: ShareTable = {
      ...honest,
      rows,
      tableHash: computeTableHash(honest.totalShares, rows),
      root: merkleRoot(buildMerkleTree(rows.accountIds, rows.shares)),
    };
    const id = await propose("tampered", tampered);
    // An outsider sees it too, before any watch acts.
    const v = await cli(["verify", "--rpc", proxy.url, "--pool", chain.pool, "--schedule", id.toString()]);
    assert.equal(v.code, 1);
    assert.match(v.stdout, /✗ recipients: 2 recipients differ/);
    assert.match(v.stdout, /published \d+, recomputed \d+/);
    const r = await watch({ GUARDIAN_PRIVATE_KEY: GUARDIAN_KEY });
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, new RegExp(`schedule ${id}: REVOKED \\(tx 0x`));
    assert.equal(await status(id), "revoked");
    assert.match(decisions()[`${chain.pool}/${id}`]!.reason, /recipients/);
  });

  it("a swapped input and a changed policy are each revoked", async () => {
    const swapped = await propose("swapped", honest, (dir) =>
      writeFileSync(join(dir, bundleInputName(files[0]!.sha256)), lock({ lib: "alice", other: "mallory" })),
    );
    let r = await watch({ GUARDIAN_PRIVATE_KEY: GUARDIAN_KEY });
    assert.match(r.stdout, new RegExp(`schedule ${swapped}: REVOKED`));
    assert.match(decisions()[`${chain.pool}/${swapped}`]!.reason, /input \(package-lock.json\)/);
    assert.equal(await status(swapped), "revoked");

    const changed = await propose("policy", honest, (dir) =>
      writeFileSync(join(dir, BUNDLE_FILES.policy), JSON.stringify({ version: 1, keep: { default: 0.9 } })),
    );
    r = await watch({ GUARDIAN_PRIVATE_KEY: GUARDIAN_KEY });
    assert.match(r.stdout, new RegExp(`schedule ${changed}: REVOKED`));
    assert.match(decisions()[`${chain.pool}/${changed}`]!.reason, /policyHash/);
    assert.equal(await status(changed), "revoked");
  });

  it("an unreachable bundle is retried, then revoked", async () => {
    const id = await proposeWith(honest, "http://127.0.0.1:9/missing.tar");
    const r = await watch({ GUARDIAN_PRIVATE_KEY: GUARDIAN_KEY });
    assert.match(r.stdout, /bundle unreachable \(attempt 1 of 2\)/);
    assert.match(r.stdout, new RegExp(`schedule ${id}: REVOKED`));
    assert.equal(await status(id), "revoked");
    // A uri this watch cannot fetch at all (ipfs:// with no gateway configured) is no reason to stop.
    const ipfs = await proposeWith(honest, "ipfs://bafyexample/bundle.tar");
    const again = await watch({ GUARDIAN_PRIVATE_KEY: GUARDIAN_KEY });
    assert.match(again.stdout, new RegExp(`schedule ${ipfs}: REVOKED .*ipfs-gateway`));
    assert.equal(await status(ipfs), "revoked");
  });

  it("without a key it alerts (webhook, exit 1) once, and a restart does not repeat it", async () => {
    const id = await proposeWith(honest, "http://127.0.0.1:9/missing.tar");
    let r = await watch({}, ["--webhook", hookUrl]);
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stdout, new RegExp(`schedule ${id}: ALERT`));
    assert.equal(alerts.length, 1);
    assert.equal((alerts[0] as { scheduleId: string }).scheduleId, id.toString());
    assert.equal(await status(id), "pending", "nobody revoked it");
    r = await watch({}, ["--webhook", hookUrl]);
    assert.equal(r.code, 0, r.stdout);
    assert.equal(alerts.length, 1, "decided once");
    // A fresh watch with the key, reading from the start, re-decides nothing it has in its state.
    r = await watch({ GUARDIAN_PRIVATE_KEY: GUARDIAN_KEY }, ["--state", "other.json"]);
    assert.match(r.stdout, new RegExp(`schedule ${id}: REVOKED`));
    assert.equal(await status(id), "revoked");
  });

  it("a long-running watch outlives an RPC outage and acts once the chain answers again", async () => {
    proxy.fault = () => ({ status: 502 });
    const from = (await chain.publicClient.getBlockNumber()) + 1n;
    let stdout = "";
    const io = {
      stdout: { write: (s: string) => (stdout += s) },
      cwd: work,
      env: { GUARDIAN_PRIVATE_KEY: GUARDIAN_KEY },
    };
    const running = run(
      [
        "watch",
        "--rpc",
        proxy.url,
        "--pool",
        chain.pool,
        "--state",
        "long.json",
        "--interval",
        "1",
        "--from-block",
        from.toString(),
        "--retries",
        "1",
      ],
      io as never,
    );
    try {
      const id = await proposeWith(honest, "http://127.0.0.1:9/missing.tar");
      for (let i = 0; i < 100 && !/pass FAILED/.test(stdout); i++)
        await new Promise((r) => setTimeout(r, 100));
      assert.match(stdout, /pass FAILED, retrying in 1 s/);
      proxy.fault = () => undefined;
      for (let i = 0; i < 200 && (await status(id)) !== "revoked"; i++)
        await new Promise((r) => setTimeout(r, 100));
      assert.equal(await status(id), "revoked");
      assert.match(stdout, new RegExp(`schedule ${id}: REVOKED`));
    } finally {
      proxy.fault = () => undefined;
      process.emit("SIGINT");
      await running;
    }
  });

  it("--report sends each decision, signed, and the server records it under the watcher's address", async () => {
    const { db, dispose } = await (await backends())[0]!.open();
    const admin = privateKeyToAccount(GUARDIAN_KEY);
    const watcher = privateKeyToAccount(`0x${"5a".repeat(32)}`);
    const server = await startTestServer(db, { hasRole: rolesFor({ [admin.address]: ["ADMIN"] }) });
    try {
      const registered = await signedFetch(server.url, admin, {
        method: "POST",
        path: "/v1/pools",
        body: { address: chain.pool, name: "watched", deployedBlock: 0 },
      });
      assert.equal(registered.status, 201, await registered.text());
      const id = await propose("reported", honest);
      const indexer = new PoolIndexer({
        db,
        client: chain.publicClient as never,
        chainId: 31337,
        confirmations: 0,
      });
      await indexer.syncOnce();
      const r = await watch({ WATCHER_PRIVATE_KEY: `0x${"5a".repeat(32)}` }, [
        "--report",
        server.url,
        "--state",
        "reported.json",
        "--from-block",
        String(await chain.publicClient.getBlockNumber()),
      ]);
      assert.equal(r.code, 0, r.stdout);
      assert.doesNotMatch(r.stdout, /report to .* FAILED/);
      const { verifications } = (await (
        await fetch(`${server.url}/v1/pools/${chain.pool}/schedules/${id}/verifications`)
      ).json()) as { verifications: { status: string; verifier: string; verifierKind: string }[] };
      assert.deepEqual(
        verifications.map((v) => [v.verifierKind, v.verifier, v.status]),
        [["watchtower", watcher.address.toLowerCase(), "verified"]],
      );
      const unsigned = await watch({}, ["--report", server.url, "--state", "x.json"]);
      assert.equal(unsigned.code, 3, "--report without a key is a usage error");
    } finally {
      await server.close();
      await dispose();
    }
  });
});
