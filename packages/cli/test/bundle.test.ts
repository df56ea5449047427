/** `attribute --bundle` and `verify --uri` through the real command, bundles served by a real HTTP server. */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { inputFile } from "@wellspring/attribution";

const BIN = join(dirname(fileURLToPath(import.meta.url)), "..", "bin", "wellspring.js");

let work: string;
let server: Server;
let base: string;

/** Async, so the HTTP server in this process can answer the command. */
function wellspring(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: work, env: { ...process.env, ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

const lock = (libVersion: string) =>
  JSON.stringify({
    name: "app",
    version: "1.0.0",
    lockfileVersion: 3,
    packages: {
      "": { name: "app", version: "1.0.0", dependencies: { lib: "^1", other: "^2" } },
      "node_modules/lib": {
        version: libVersion,
        license: "MIT",
        funding: "https://github.com/sponsors/alice",
      },
      "node_modules/other": { version: "2.0.0", license: "MIT", funding: "https://github.com/sponsors/bob" },
    },
  });

before(async () => {
  work = mkdtempSync(join(tmpdir(), "wellspring-bundle-"));
  writeFileSync(join(work, "package-lock.json"), lock("1.2.0"));
  // Serves b.tar at /b.tar and, as an IPFS gateway would, at /ipfs/<anything>/b.tar.
  server = createServer((req, res) => {
    const name = req.url?.split("/").pop() ?? "";
    if (name === "b.tar")
      res.writeHead(200, { "content-type": "application/x-tar" }).end(readFileSync(join(work, "b.tar")));
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(work, { recursive: true, force: true });
});

test("attribute --bundle writes a .tar or a directory that verify --uri accepts (file, http, ipfs)", async () => {
  let r = await wellspring([
    "attribute",
    "--input",
    "package-lock.json",
    "--out",
    "out",
    "--bundle",
    "b.tar",
  ]);
  assert.equal(r.code, 0, r.stderr);
  r = await wellspring(["attribute", "--input", "package-lock.json", "--out", "out", "--bundle", "bdir"]);
  assert.equal(r.code, 0, r.stderr);
  // The bundle's table is the one attribute wrote.
  assert.deepEqual(
    readFileSync(join(work, "bdir", "share-table.json")),
    readFileSync(join(work, "out", "share-table.json")),
  );
  for (const uri of [pathToFileURL(join(work, "b.tar")).href, "bdir", `${base}/b.tar`]) {
    r = await wellspring(["verify", "--uri", uri]);
    assert.equal(r.code, 0, `${uri}: ${r.stdout}${r.stderr}`);
    assert.match(r.stdout, /^OK /);
    assert.match(r.stdout, /recomputed from the bundle's inputs and policy, compared byte for byte/);
  }
  r = await wellspring(["verify", "--uri", "ipfs://bafyexample/b.tar"], { WELLSPRING_IPFS_GATEWAY: base });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  r = await wellspring(["verify", "--uri", "ipfs://bafyexample/b.tar"], { WELLSPRING_IPFS_GATEWAY: "" });
  assert.equal(r.code, 2, "no gateway: a usage error");
  assert.match(r.stderr, /--ipfs-gateway/);
});

test("verify --uri names the swapped input and exits 1; an unreachable bundle exits 1 too", async () => {
  const r0 = await wellspring([
    "attribute",
    "--input",
    "package-lock.json",
    "--out",
    "out",
    "--bundle",
    "swapped",
  ]);
  assert.equal(r0.code, 0, r0.stderr);
  const digest = inputFile("package-lock.json", Buffer.from(lock("1.2.0"))).sha256;
  // Another lockfile: "other" is no dependency any more, so bob's shares go to alice.
  const swapped = JSON.parse(lock("1.2.0")) as { packages: Record<string, { dependencies?: object }> };
  swapped.packages[""]!.dependencies = { lib: "^1" };
  delete swapped.packages["node_modules/other"];
  writeFileSync(join(work, "swapped", "inputs", digest), JSON.stringify(swapped));
  let r = await wellspring(["verify", "--uri", "swapped", "--json"]);
  assert.equal(r.code, 1);
  const out = JSON.parse(r.stdout) as {
    ok: boolean;
    schedules: { verification: { findings: { field: string; path?: string }[] } }[];
  };
  assert.equal(out.ok, false);
  const findings = out.schedules[0]!.verification.findings;
  assert.ok(
    findings.some((f) => f.field === "input" && f.path === "package-lock.json"),
    JSON.stringify(findings),
  );
  assert.ok(
    findings.some((f) => f.field === "recipients"),
    "the recomputation says which recipients move",
  );

  // A bundle over the size limit is refused before it is read whole.
  r = await wellspring(["verify", "--uri", `${base}/b.tar`, "--max-bundle-bytes", "1000"]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^INVALID .*\n.*\n.*larger than 1000 bytes/);
  r = await wellspring(["verify", "--uri", `${base}/missing.tar`]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^UNREACHABLE .*\n.*\n.*HTTP 404/);
});

test("verify --uri and watch have their own help and name a missing option", async () => {
  let r = await wellspring(["verify", "--uri", "x", "--help"]);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /--schedule <id>/);
  r = await wellspring(["watch", "--help"]);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /GUARDIAN_PRIVATE_KEY/);
  r = await wellspring([
    "watch",
    "--rpc",
    "http://127.0.0.1:9",
    "--pool",
    "0x00000000000000000000000000000000000000aa",
  ]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--state/);
  const watchArgs = ["watch", "--rpc", "http://127.0.0.1:9", "--state"];
  r = await wellspring([
    ...watchArgs,
    "no/such/dir/state.json",
    "--pool",
    "0x00000000000000000000000000000000000000aa",
  ]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /--state no\/such\/dir\/state.json cannot be written/);
  r = await wellspring([...watchArgs, "state.json", "--pool", "0x123"]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /--pool: "0x123" is not a 0x address/);
  r = await wellspring(["verify", "--uri", "b.tar", "--rpc", "http://127.0.0.1:9"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--rpc and --pool go together/);
});
