/**
 * docs/deployment.md, "Running the server in production", followed from built output: `npm run build`, then the
 * Dockerfile's runtime stage rehearsed without Docker (its COPY lines into an empty directory, its production-only
 * `npm ci --omit=dev`), and its CMD, `node packages/server/dist/main.js`, started there with this Node 22, no
 * source condition, no tsx and TypeScript type stripping off (a .ts file cannot load) on a fresh PGlite directory
 * against a `hardhat node` with the contracts deployed. Without the npm cache or registry for that install, the
 * server runs from the checkout's build instead, and the test says so. `npm run clean` afterwards.
 */
import assert from "node:assert/strict";
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";

import hre from "hardhat";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";

import { ENGINE_VERSION, attribute, inputFile } from "@wellspring/attribution";
import { adminFetch } from "@wellspring/server";

import { writeDeploymentAddresses } from "../../deploy/lib/addresses.ts";
import { deployWellspring } from "../../deploy/lib/deploy.ts";
import { freePort, startHardhatNode, type HardhatNode } from "../../scripts/lib/hardhat-node.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const START = "node packages/server/dist/main.js";
const DEPLOYMENT_ID = "production-test";
const INPUT = path.join(root, "packages", "attribution", "test", "fixtures", "spec", "app-2.3.spdx.json");
const POLICY: unknown = JSON.parse(
  readFileSync(path.join(root, "packages", "attribution", "policies", "default.json"), "utf8"),
);
/** The packages the server imports, whose dist/ the image holds. */
const SHIPPED = ["protocol", "attribution", "sdk", "web", "server"];
const OFFLINE =
  /ENOTCACHED|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|network request/;

/** One Dockerfile instruction with its continuation lines joined. */
interface Instruction {
  stage: number;
  op: string;
  args: string;
}

function dockerfile(): Instruction[] {
  const text = readFileSync(path.join(root, "Dockerfile"), "utf8").replace(/\\\n/g, " ");
  const out: Instruction[] = [];
  let stage = -1;
  for (const line of text.split("\n")) {
    const m = /^([A-Z]+)\s+(.*)$/.exec(line.trim());
    if (!m) continue;
    if (m[1] === "FROM") stage++;
    out.push({ stage, op: m[1]!, args: m[2]!.trim() });
  }
  return out;
}

/** `COPY [--from=build] <src>... <dest>`: sources as paths in the checkout (the build stage's /app is the checkout). */
function copyOf(args: string): { from: boolean; sources: string[]; dest: string } {
  const words = args.split(/\s+/);
  const from = words[0]!.startsWith("--from=");
  const paths = words.filter((w) => !w.startsWith("--"));
  const sources = paths.slice(0, -1).map((s) => (from ? s.replace(/^\/app\//, "") : s));
  return { from, sources, dest: paths.at(-1)! };
}

/** Every file under `dir` (recursively), relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) =>
    statSync(path.join(dir, f)).isFile(),
  );
}

interface Server {
  url: string;
  output: () => string;
  exit: Promise<number | null>;
  child: ChildProcess;
}

describe("the server in production, from built output", { timeout: 600_000 }, () => {
  const work = mkdtempSync(path.join(tmpdir(), "ws-production-"));
  const image = path.join(work, "app");
  const admin = privateKeyToAccount(generatePrivateKey());
  let instructions: Instruction[];
  let runtime: number;
  let appDir = image;
  let chain: HardhatNode;
  let server: Server;

  before(async () => {
    instructions = dockerfile();
    runtime = Math.max(...instructions.map((i) => i.stage));
    execFileSync("npm", ["run", "-s", "build"], { cwd: root, stdio: "inherit" });
  });

  after(async () => {
    server?.child.kill("SIGKILL");
    await chain?.stop();
    rmSync(work, { recursive: true, force: true });
    rmSync(path.join(root, "deploy", "deployments", DEPLOYMENT_ID), { recursive: true, force: true });
    // No dist/ left behind: Node without the source condition would run it silently (docs/packages.md).
    execFileSync("npm", ["run", "-s", "clean"], { cwd: root, stdio: "inherit" });
  });

  it("builds JavaScript only: no .ts under dist/ but declarations; the worker, migrations, /docs and pages are there", () => {
    for (const name of SHIPPED) {
      const dist = path.join(root, "packages", name, "dist");
      const ts = filesUnder(dist).filter((f) => /\.[cm]?ts$/.test(f) && !/\.d\.[cm]?ts$/.test(f));
      assert.deepEqual(ts, [], `packages/${name}/dist`);
    }
    const server = path.join(root, "packages", "server", "dist");
    for (const file of [
      "main.js",
      "engine/attribute-worker.js",
      "db/migrations/0001_init.sql",
      "http/docs-page/app.js",
    ])
      assert.ok(existsSync(path.join(server, file)), `packages/server/dist/${file}`);
    const sources = readdirSync(path.join(root, "packages", "server", "src", "db", "migrations"));
    assert.deepEqual(readdirSync(path.join(server, "db", "migrations")).sort(), sources.sort());
    const web = path.join(root, "packages", "web", "dist");
    for (const file of ["index.js", "pages/index.html", "pages/assets/app.js"])
      assert.ok(existsSync(path.join(web, file)), `packages/web/dist/${file}`);
  });

  it("the Dockerfile copies what exists, and its runtime stage installs and holds what the server needs", (t) => {
    const cmd = instructions.find((i) => i.stage === runtime && i.op === "CMD");
    assert.deepEqual(JSON.parse(cmd!.args), START.split(" "), "the image runs the documented command");
    const doc = readFileSync(path.join(root, "docs", "deployment.md"), "utf8");
    assert.ok(doc.includes(`\n${START}\n`), `docs/deployment.md names ${START}`);
    const made = instructions
      .filter((i) => i.stage < runtime && i.op === "RUN")
      .flatMap((i) => /mkdir -p (\S+)/.exec(i.args)?.[1] ?? []);
    for (const copy of instructions
      .filter((i) => i.op === "COPY")
      .map((i) => ({ ...i, ...copyOf(i.args) }))) {
      for (const source of copy.sources) {
        const there = existsSync(path.join(root, source));
        assert.ok(
          there || (copy.from && made.includes(source)),
          `COPY ${copy.args}: ${source} does not exist`,
        );
        if (copy.stage !== runtime) continue;
        const into = copy.dest.endsWith("/")
          ? path.join(image, copy.dest, path.basename(source))
          : path.join(image, copy.dest);
        if (there) cpSync(path.join(root, source), into, { recursive: true });
        else mkdirSync(into, { recursive: true });
      }
    }
    const install = instructions.find(
      (i) => i.stage === runtime && i.op === "RUN" && i.args.includes("npm ci"),
    );
    assert.match(
      install?.args ?? "",
      /npm ci --omit=dev/,
      "the runtime stage installs production dependencies only",
    );
    const npm = spawnSync("npm", ["ci", "--omit=dev", "--no-audit", "--no-fund", "--prefer-offline"], {
      cwd: image,
      encoding: "utf8",
      // As in the image: no source condition, NODE_ENV=production.
      env: { ...process.env, NODE_OPTIONS: "", npm_config_node_options: "", NODE_ENV: "production" },
    });
    if (npm.status !== 0 && OFFLINE.test(npm.stderr)) {
      t.diagnostic(
        "npm ci --omit=dev needs the registry, unreachable, for a package the cache lacks: the server runs from the checkout's build",
      );
      appDir = root;
      return;
    }
    assert.equal(npm.status, 0, `npm ci --omit=dev:\n${npm.stdout}\n${npm.stderr}`);
    for (const dev of ["tsx", "hardhat"])
      assert.ok(!existsSync(path.join(image, "node_modules", dev)), `${dev} is a development dependency`);
    for (const name of SHIPPED) assert.ok(existsSync(path.join(image, "packages", name, "dist")), name);
  });

  it(`starts with \`${START}\` on a fresh PGlite directory against a chain, live and ready`, async () => {
    chain = await startHardhatNode({ root, port: await freePort() });
    const connection = await hre.network.connect({ network: "localhost", override: { url: chain.url } });
    const addresses = await deployWellspring(hre, connection, {
      parameters: path.join(root, "deploy", "parameters", "localhost.json"),
      deploymentId: DEPLOYMENT_ID,
    });
    const deployments = path.join(work, "addresses");
    await writeDeploymentAddresses(addresses, deployments);

    const port = await freePort();
    const [node, ...args] = START.split(" ");
    assert.equal(node, "node");
    // The environment is exactly this: no NODE_OPTIONS (so no wellspring-source condition), no tsx.
    const child = spawn(process.execPath, ["--no-experimental-strip-types", ...args], {
      cwd: appDir,
      env: {
        PATH: process.env.PATH ?? "",
        NODE_ENV: "production",
        HOST: "127.0.0.1",
        PORT: String(port),
        PGLITE_DIR: path.join(work, "pglite"),
        DEPLOYMENTS_DIR: deployments,
        CHAIN_ID: String(addresses.chainId),
        RPC_URL: chain.url,
        INDEXER_ENABLED: "true",
        INDEXER_CONFIRMATIONS: "0",
        INDEXER_INTERVAL_MS: "200",
        STATIC_ROLES: `ADMIN=${admin.address};PROPOSER=${admin.address}`,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const exit = new Promise<number | null>((resolve) => child.once("exit", resolve));
    server = { url: `http://127.0.0.1:${port}`, output: () => output, exit, child };

    // Up as soon as it logs "listening"; ready once the indexer has caught up with the chain.
    let exited = false;
    void exit.then(() => (exited = true));
    while (!output.includes('"msg":"listening"')) {
      assert.ok(!exited, `the server exited before listening:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const health = await fetch(`${server.url}/healthz`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: "ok" });
    let ready: { status: number; body: unknown };
    for (;;) {
      const res = await fetch(`${server.url}/readyz`);
      ready = { status: res.status, body: await res.json() };
      if (ready.status === 200 || exited) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.deepEqual(ready, { status: 200, body: { status: "ready" } }, output);
    assert.ok(output.includes(`"url":"${server.url}"`), "listens where it was told");
  });

  it("serves the pages at / and the API reference at /docs", async () => {
    const page = await fetch(`${server.url}/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get("content-type") ?? "", /^text\/html/);
    const html = await page.text();
    assert.match(html, /<title>Wellspring<\/title>/);
    for (const asset of html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)) {
      const res = await fetch(`${server.url}${asset[1]}`);
      assert.equal(res.status, 200, asset[1]);
      assert.ok((await res.arrayBuffer()).byteLength > 0, asset[1]);
    }
    const docs = await fetch(`${server.url}/docs`);
    assert.equal(docs.status, 200);
    assert.match(await docs.text(), /<html/i);
    for (const file of ["/docs/app.js", "/docs/style.css", "/openapi.json"])
      assert.equal((await fetch(`${server.url}${file}`)).status, 200, file);
  });

  it("computes a run through the API in the engine's worker thread, as the engine computes it", async () => {
    const sign = (apiPath: string, body: unknown) =>
      adminFetch(server.url, admin, { chainId: 31337, method: "POST", path: apiPath, body });
    const policy = await sign("/v1/policies/default/versions", { document: POLICY });
    assert.equal(policy.status, 201, await policy.clone().text());
    const bytes = readFileSync(INPUT);
    const created = await sign("/v1/runs", {
      policy: { name: "default", version: 1 },
      inputs: [{ name: path.basename(INPUT), content: bytes.toString("base64") }],
    });
    const run = (await created.json()) as {
      status: string;
      root: string;
      engineVersion: string;
      recipientCount: number;
    };
    assert.equal(created.status, 201, JSON.stringify(run));
    const expected = attribute({ files: [inputFile(path.basename(INPUT), bytes)], policy: POLICY }).table;
    assert.equal(run.status, "complete");
    assert.equal(run.root, expected.root);
    assert.equal(run.recipientCount, expected.rows.length);
    // The built engine read its version from packages/attribution/package.json, one level above dist/.
    assert.equal(run.engineVersion, ENGINE_VERSION);
  });

  it("is not ready while the chain is down, and stops gracefully on SIGTERM", async () => {
    await chain.stop();
    const res = await fetch(`${server.url}/readyz`);
    assert.equal(res.status, 503);
    assert.equal(((await res.json()) as { status: string }).status, "chain unavailable");
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200, "alive all the same");
    server.child.kill("SIGTERM");
    assert.equal(await server.exit, 0, server.output());
    assert.ok(server.output().includes('"msg":"stopped"'));
  });
});
