/**
 * The packages as a payer or an auditor installs them: build, `npm pack` each public package,
 * install only the tarballs into an empty project, then use them there as a stranger would, with
 * no tsx and no wellspring-source condition: the `wellspring` command on a fixture, an SDK deposit
 * and claim from plain JavaScript on a local `hardhat node`, the SDK's browser entry bundled, and
 * a TypeScript consumer type-checked against the shipped .d.ts. Third-party dependencies come
 * from the npm cache or registry; without either, the test skips and says so.
 */
import assert from "node:assert/strict";
import { execFileSync, spawnSync, type SpawnSyncReturns } from "node:child_process";
import { builtinModules } from "node:module";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";

import { type Plugin, build } from "esbuild";
import { type Address, getAddress } from "viem";

import { ACTIVATION_DELAY, type Fixture, deployFixture } from "../../packages/sdk/test/helpers/fixture.ts";
import { freePort, startHardhatNode, type HardhatNode } from "../../scripts/lib/hardhat-node.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const HERE = path.join(ROOT, "test", "packages", "consumer");
const PUBLIC = ["protocol", "attribution", "resolve", "sdk", "cli"] as const;
const FIXTURE = path.join(ROOT, "packages", "attribution", "test", "fixtures", "spec", "app-2.3.spdx.json");
const engineVersion = (
  JSON.parse(readFileSync(path.join(ROOT, "packages", "attribution", "package.json"), "utf8")) as {
    version: string;
  }
).version;

/** The consumer's processes: no wellspring-source condition (it would point at sources not shipped). */
const env = { ...process.env, NODE_OPTIONS: "", npm_config_node_options: "", NO_COLOR: "1" };

const OFFLINE =
  /ENOTCACHED|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|network request/;

function sh(cmd: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { cwd, env, encoding: "utf8", maxBuffer: 64 << 20 });
}

function ok(r: SpawnSyncReturns<string>, what: string): string {
  assert.equal(r.status, 0, `${what} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

let work: string;
let project: string;
let tarballs: Array<{ name: string; files: string[] }>;
let skip: string | undefined;

before(() => {
  work = mkdtempSync(path.join(tmpdir(), "wellspring-consumer-"));
  project = path.join(work, "project");
  const packs = path.join(work, "tarballs");
  mkdirSync(project);
  mkdirSync(packs);
  let packed: Array<{ name: string; filename: string; files: Array<{ path: string }> }>;
  try {
    execFileSync("npm", ["run", "-s", "build"], { cwd: ROOT, stdio: "inherit" });
    const args = ["pack", "--json", "--pack-destination", packs, ...PUBLIC.map((p) => `-w=packages/${p}`)];
    packed = JSON.parse(ok(sh("npm", args, ROOT), "npm pack")) as typeof packed;
  } finally {
    // No dist/ left behind: in the repository, Node without the source condition would silently
    // run it instead of failing (docs/packages.md).
    execFileSync("npm", ["run", "-s", "clean"], { cwd: ROOT, stdio: "inherit" });
  }
  tarballs = packed.map((p) => ({ name: p.name, files: p.files.map((f) => f.path) }));
  // The tarballs are the dependencies, and every dependency on a @wellspring package (the CLI's
  // on the engine, …) is overridden to the same tarball: no @wellspring package from a registry.
  const deps = Object.fromEntries(packed.map((p) => [p.name, `file:${path.join(packs, p.filename)}`]));
  const overrides = Object.fromEntries(packed.map((p) => [p.name, `$${p.name}`]));
  writeFileSync(
    path.join(project, "package.json"),
    JSON.stringify({
      name: "wellspring-consumer",
      private: true,
      type: "module",
      dependencies: deps,
      overrides,
    }),
  );
  const install = sh(
    "npm",
    ["install", "--no-audit", "--no-fund", "--prefer-offline", "--ignore-scripts"],
    project,
  );
  if (install.status !== 0 && OFFLINE.test(install.stderr)) {
    const why = install.stderr
      .split("\n")
      .find((line) => OFFLINE.test(line))
      ?.trim();
    skip = `npm install of the tarballs needs the registry, unreachable, for a dependency the cache lacks (${why})`;
    return;
  }
  ok(install, "npm install of the tarballs");
});

after(() => rmSync(work, { recursive: true, force: true }));

describe("the packed packages", () => {
  it("ship built JavaScript, types and what they read at run time; no sources, no tests", () => {
    assert.deepEqual(tarballs.map((p) => p.name).sort(), PUBLIC.map((p) => `@wellspring/${p}`).sort());
    for (const { name, files } of tarballs) {
      assert.deepEqual(
        files.filter(
          (f) => !/^(dist\/.*\.(js|d\.ts)|package\.json|bin\/wellspring\.js|policies\/[\w-]+\.json)$/.test(f),
        ),
        [],
        name,
      );
      assert.ok(files.includes("dist/index.js") && files.includes("dist/index.d.ts"), name);
    }
    assert.ok(
      tarballs.find((p) => p.name === "@wellspring/attribution")!.files.includes("policies/default.json"),
    );
  });

  it("the wellspring command attributes a fixture, verifies the table by recomputing it and prints a proof", (t) => {
    if (skip) return t.skip(skip);
    // Installed from the tarballs alone: no sources (the workspace links are not there), no tsx.
    const lock = JSON.parse(readFileSync(path.join(project, "package-lock.json"), "utf8")) as {
      packages: Record<string, { resolved?: string }>;
    };
    for (const p of PUBLIC)
      assert.match(lock.packages[`node_modules/@wellspring/${p}`]?.resolved ?? "", /^file:.*\.tgz$/, p);
    assert.equal(existsSync(path.join(project, "node_modules", "@wellspring", "cli", "src")), false);
    assert.equal(existsSync(path.join(project, "node_modules", "tsx")), false);
    copyFileSync(FIXTURE, path.join(project, "app.spdx.json"));
    const bin = path.join(project, "node_modules", ".bin", "wellspring");
    ok(sh(bin, ["attribute", "--input", "app.spdx.json", "--out", "out"], project), "wellspring attribute");
    const table = JSON.parse(readFileSync(path.join(project, "out", "share-table.json"), "utf8")) as {
      engineVersion: string;
      root: string;
      recipients: Array<{ accountId: string; shares: string }>;
    };
    assert.equal(table.engineVersion, `wellspring-attribution/${engineVersion}`);
    const verified = JSON.parse(
      ok(
        sh(bin, ["verify", "--table", "out/share-table.json", "--input", "app.spdx.json", "--json"], project),
        "wellspring verify",
      ),
    ) as { ok: boolean; root: string; checks: string[] };
    assert.equal(verified.ok, true);
    assert.equal(verified.root, table.root);
    assert.ok(
      verified.checks.includes("recomputed from inputs and policy: byte-identical"),
      verified.checks.join("; "),
    );
    const first = table.recipients[0]!;
    const proof = JSON.parse(
      ok(
        sh(
          bin,
          ["proof", "--table", "out/share-table.json", "--account", first.accountId, "--json"],
          project,
        ),
        "wellspring proof",
      ),
    ) as { accountId: string; shares: string; root: string; proof: string[] };
    assert.deepEqual(
      [proof.accountId, proof.shares, proof.root],
      [first.accountId, first.shares, table.root],
    );
  });

  it("a TypeScript consumer of the SDK and the engine type-checks against the shipped .d.ts", (t) => {
    if (skip) return t.skip(skip);
    copyFileSync(path.join(HERE, "check-types.ts"), path.join(project, "check-types.ts"));
    writeFileSync(
      path.join(project, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2023",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: ["node"],
          typeRoots: [path.join(ROOT, "node_modules", "@types")],
        },
        files: ["check-types.ts"],
      }),
    );
    ok(
      sh(process.execPath, [path.join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "."], project),
      "tsc",
    );
  });

  it("the SDK's browser entry bundles with no Node built-in, and one helper tree-shakes to a fraction of it", async (t) => {
    if (skip) return t.skip(skip);
    const builtins = new Set(builtinModules);
    const found: string[] = [];
    const recordNodeImports: Plugin = {
      name: "record-node-imports",
      setup(b) {
        b.onResolve({ filter: /.*/ }, (args) => {
          if (!args.path.startsWith("node:") && !builtins.has(args.path.split("/")[0]!)) return undefined;
          found.push(`${args.path} (from ${path.relative(project, args.importer)})`);
          return { path: args.path, external: true };
        });
      },
    };
    const bundle = async (contents: string): Promise<number> => {
      const out = await build({
        stdin: { contents, resolveDir: project, loader: "js" },
        absWorkingDir: project,
        bundle: true,
        write: false,
        format: "esm",
        platform: "browser",
        minify: true,
        logLevel: "silent",
        plugins: [recordNodeImports],
      });
      return out.outputFiles[0]!.contents.length;
    };
    const whole = await bundle(`export * from "@wellspring/sdk";`);
    assert.deepEqual(found, []);
    const one = await bundle(
      `import { accountIdToAddress } from "@wellspring/sdk"; globalThis.f = accountIdToAddress;`,
    );
    t.diagnostic(`minified: the whole entry ${whole} bytes, one helper ${one} bytes`);
    // Without sideEffects: false, the helper drags in ~90 KB of the entry's module-level code.
    assert.ok(one * 4 < whole, `one helper: ${one} bytes, the whole entry: ${whole} bytes`);
  });

  describe("an SDK deposit and claim from plain JavaScript on a local hardhat node", () => {
    let node: HardhatNode | undefined;
    let f: Fixture | undefined;

    after(async () => {
      await f?.connection.close();
      await node?.stop();
    });

    it("the payer deposits, the admin proposes, the contributor claims three quarters", async (t) => {
      if (skip) return t.skip(skip);
      node = await startHardhatNode({ root: ROOT, port: await freePort() });
      f = await deployFixture({ network: "localhost", override: { url: node.url } });
      const { admin, payer, alice, bob } = f.wallets;
      const address = (w: { account: { address: Address } }): Address => w.account.address;
      copyFileSync(path.join(HERE, "deposit-and-claim.mjs"), path.join(project, "deposit-and-claim.mjs"));
      const before = await f.balanceOf(f.usdc, address(alice));
      const amount = 1_000_003n;
      const args = {
        url: node.url,
        pool: f.pool,
        token: f.usdc,
        admin: address(admin),
        payer: address(payer),
        alice: address(alice),
        bob: address(bob),
        amount: amount.toString(),
        activationDelay: ACTIVATION_DELAY,
      };
      const out = JSON.parse(
        ok(
          sh(process.execPath, ["deposit-and-claim.mjs", JSON.stringify(args)], project),
          "deposit-and-claim.mjs",
        ),
      ) as { credited: string; payments: Array<{ token: string; amount: string }> };
      const share = (amount * 3n) / 4n;
      assert.equal(out.credited, amount.toString());
      assert.deepEqual(out.payments, [{ token: getAddress(f.usdc), amount: share.toString() }]);
      assert.equal((await f.balanceOf(f.usdc, address(alice))) - before, share);
    });
  });
});
