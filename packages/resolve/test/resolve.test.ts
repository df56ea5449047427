/**
 * `resolve` against a stand-in HTTP server (node:http on 127.0.0.1) that serves the recorded
 * responses in fixtures/ (see fixtures/README.md for where each shape comes from), then the
 * snapshot through `attribute` and `verify` as a user runs them.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { emailIdentity, inputFile, parseResolution, type InputFile } from "@wellspring/attribution/inputs";
import { resolveInputs, type ResolveOptions } from "../src/index.ts";
import { run } from "../../cli/src/cli.ts";

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "fixtures");
const fixture = (path: string): string => readFileSync(join(FIXTURES, path), "utf8");

/** path (decoded, lowercased) -> fixture file; anything else is 404. */
const ROUTES: Record<string, string> = {
  "/npm/left-pad/1.3.0": "npm/left-pad-1.3.0.json",
  "/npm/@babel/code-frame/7.27.1": "npm/babel-code-frame-7.27.1.json",
  "/npm/zod/3.25.76": "npm/zod-3.25.76.json",
  "/npm/documented-maintainers/1.0.0": "npm/documented-maintainers-1.0.0.json",
  "/npm/people-only/2.0.0": "npm/people-only-2.0.0.json",
  "/npm/nobody/1.0.0": "npm/nobody-1.0.0.json",
  "/pypi/pypi/requests/2.32.3/json": "pypi/requests-2.32.3.json",
  "/crates/api/v1/crates/serde": "crates/serde.json",
  "/crates/api/v1/crates/serde/owners": "crates/serde-owners.json",
  "/go/golang.org/x/text/@v/v0.14.0.info": "go/golang.org-x-text-v0.14.0.info",
  "/go/example.com/vanity/@v/v1.0.0.info": "go/example.com-vanity-v1.0.0.info",
  "/hf/api/models/meta-llama/meta-llama-3-8b": "huggingface/model-meta-llama-llama-3-8b.json",
  "/hf/api/datasets/allenai/c4": "huggingface/dataset-allenai-c4.json",
  "/raw/serde-rs/serde/head/funding.json": "github/funding.json",
  "/raw/colinhacks/zod/head/funding.json#drips": "github/FUNDING.json",
  "/raw/stevemao/left-pad/head/.github/funding.yml": "github/FUNDING.yml",
  "/gh/repos/octo/repo/commits/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa": "github/commit-with-login.json",
  "/gh/repos/octo/repo/commits/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb": "github/commit-without-login.json",
};

let server: Server;
let base: string;
let work: string;
const hits = new Map<string, number>();
/** Paths that answer with a rate limit / server error the first time they are asked. */
const flaky = new Map<string, { status: number; headers: Record<string, string> }>();

before(async () => {
  server = createServer((req, res) => {
    const raw = decodeURIComponent((req.url ?? "/").split("?")[0]!);
    const path = raw.toLowerCase();
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const first = flaky.get(path);
    if (first !== undefined && hits.get(path) === 1) {
      res.writeHead(first.status, first.headers).end();
      return;
    }
    // The FUNDING.json of zod lives at the same path as funding.json on a case-sensitive
    // host; the lowercased route table tells them apart by the raw path.
    const key = raw.endsWith("/FUNDING.json") ? `${path}#drips` : path;
    const file = ROUTES[key];
    if (file === undefined) {
      res.writeHead(404, { "content-type": "application/json" }).end('{"error":"Not found"}');
      return;
    }
    res.writeHead(200, { "content-type": "application/json" }).end(fixture(file));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`;
  work = mkdtempSync(join(tmpdir(), "ws-resolve-"));
});

after(() => {
  server.close();
  rmSync(work, { recursive: true, force: true });
});

const SBOM = {
  bomFormat: "CycloneDX",
  specVersion: "1.6",
  metadata: { component: { type: "application", "bom-ref": "app", name: "app", version: "1.0.0" } },
  components: [
    ["npm", "pkg:npm/left-pad@1.3.0"],
    ["npm2", "pkg:npm/%40babel/code-frame@7.27.1"],
    ["zod", "pkg:npm/zod@3.25.76"],
    ["dm", "pkg:npm/documented-maintainers@1.0.0"],
    ["people", "pkg:npm/people-only@2.0.0"],
    ["nobody", "pkg:npm/nobody@1.0.0"],
    ["missing", "pkg:npm/not-published@9.9.9"],
    ["requests", "pkg:pypi/requests@2.32.3"],
    ["serde", "pkg:cargo/serde@1.0.210"],
    ["text", "pkg:golang/golang.org/x/text@v0.14.0"],
    ["vanity", "pkg:golang/example.com/vanity@v1.0.0"],
    ["gh", "pkg:golang/github.com/spf13/cobra@v1.8.0"],
    ["llama", "pkg:huggingface/meta-llama/Meta-Llama-3-8B"],
    ["gem", "pkg:gem/rails@7.1.0"],
  ].map(([ref, purl]) => {
    const [path, version] = purl!.slice(4).split("@");
    const name = decodeURIComponent(path!.slice(path!.indexOf("/") + 1));
    return { type: "library", "bom-ref": ref, name, ...(version !== undefined ? { version } : {}), purl };
  }),
  dependencies: [
    {
      ref: "app",
      dependsOn: [
        "npm",
        "npm2",
        "zod",
        "dm",
        "people",
        "nobody",
        "missing",
        "requests",
        "serde",
        "text",
        "vanity",
        "gh",
        "llama",
        "gem",
      ],
    },
  ],
};

const GIT_LOG =
  "# repository: https://github.com/octo/repo\n# source-of: pkg:npm/left-pad@1.3.0\n" +
  "\x1eaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\x1f1700000000\x1fMona\x1fmona@example.org\n\n3\t1\tsrc/a.ts\n" +
  "\x1ebbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\x1f1700000100\x1fUnlinked\x1funlinked@example.org\n\n1\t0\tREADME.md\n" +
  "\x1ecccccccccccccccccccccccccccccccccccccccc\x1f1700000200\x1fMona\x1fmona@example.org\n\n1\t1\tsrc/b.ts\n";

function inputs(): InputFile[] {
  return [
    inputFile("bom.json", new TextEncoder().encode(JSON.stringify(SBOM))),
    inputFile("repo.gitlog", new TextEncoder().encode(GIT_LOG)),
  ];
}

function options(extra: Partial<ResolveOptions> = {}, waits: number[] = []): ResolveOptions {
  return {
    npm: { registry: `${base}/npm/`, scopes: {}, from: "test" },
    bases: {
      pypi: `${base}/pypi/`,
      crates: `${base}/crates/`,
      goProxy: `${base}/go/`,
      huggingFace: `${base}/hf/`,
      githubRaw: `${base}/raw/`,
      githubApi: `${base}/gh/`,
    },
    http: {
      sleep: async (ms) => {
        waits.push(ms);
      },
    },
    ...extra,
  };
}

test("every source answers from the recorded responses; the summary counts by source and reason", async () => {
  const { snapshot, summary } = await resolveInputs(inputs(), options());
  const c = snapshot.components;

  // npm: repository owner (this mirror's version documents carry no maintainers), funding, people.
  // left-pad's history is among the inputs: its people, not the repository owner, stand for it.
  assert.deepEqual(c["pkg:npm/left-pad@1.3.0"]?.repository, { url: "github.com/stevemao/left-pad" });
  assert.deepEqual(
    c["pkg:npm/documented-maintainers@1.0.0"]?.maintainers.map((m) => m.identity),
    ["npm:alice", "npm:bob"],
  );
  assert.equal(c["pkg:npm/documented-maintainers@1.0.0"]?.repository?.owner, "github:example-org");
  assert.deepEqual(
    c["pkg:npm/documented-maintainers@1.0.0"]?.people.map((p) => [p.identity, p.role]),
    [
      ["github:ada-author", "author"],
      [c["pkg:npm/documented-maintainers@1.0.0"]!.people[1]!.identity, "contributor"],
    ],
  );
  assert.match(c["pkg:npm/documented-maintainers@1.0.0"]!.people[1]!.identity, /^email-sha256:[0-9a-f]{64}$/);
  // zod: the npm funding URL, then the repository's Drips FUNDING.json first (manifest wins order).
  assert.deepEqual(
    c["pkg:npm/zod@3.25.76"]?.funding.map((f) => f.identity),
    ["0x00000000000000000000000000000000000000b2", "github:colinhacks"],
  );
  assert.deepEqual(c["pkg:npm/not-published@9.9.9"], {
    status: "unresolved",
    reason: "not-found",
    source: "npm",
    kind: "package",
    name: "not-published",
    version: "9.9.9",
    funding: [],
    maintainers: [],
    people: [],
  });
  // PyPI: Source URL -> repository, Funding URL -> funding, author e-mail -> people.
  const requests = c["pkg:pypi/requests@2.32.3"]!;
  assert.equal(requests.repository?.owner, "github:psf");
  assert.deepEqual(
    requests.funding.map((f) => f.identity),
    ["opencollective:psf"],
  );
  assert.equal(requests.people.length, 1);
  assert.equal(requests.license, "Apache-2.0");
  // Rust crates: owners (a user and a team's organisation), repository; funding.json of the repository.
  const serde = c["pkg:cargo/serde@1.0.210"]!;
  assert.deepEqual(serde.maintainers, [
    { identity: "github:dtolnay", kind: "person" },
    { identity: "github:serde-rs", kind: "organisation" },
  ]);
  assert.equal(serde.license, "MIT OR Apache-2.0");
  assert.deepEqual(serde.funding, [
    {
      identity: "github:dtolnay",
      from: `${base}/raw/serde-rs/serde/HEAD/funding.json`,
      payout: "0x00000000000000000000000000000000000000a1",
    },
  ]);
  // Go: proxy Origin for vanity paths, the path itself for forge paths.
  assert.deepEqual(c["pkg:golang/golang.org/x/text@v0.14.0"]?.repository, {
    url: "go.googlesource.com/text",
  });
  assert.equal(c["pkg:golang/example.com/vanity@v1.0.0"]?.repository?.owner, "github:vanity-owner");
  assert.equal(c["pkg:golang/github.com/spf13/cobra@v1.8.0"]?.repository?.owner, "github:spf13");
  // Hugging Face: the namespace account, the card's license.
  const llama = c["pkg:huggingface/meta-llama/meta-llama-3-8b"]!;
  assert.deepEqual(llama.maintainers, [{ identity: "huggingface:meta-llama", kind: "account" }]);
  assert.equal(llama.license, "llama3");
  // No source for gems: said so.
  assert.equal(c["pkg:gem/rails@7.1.0"]?.reason, "no-source:gem");
  // The git log is left-pad's own history (# source-of): no repository component of its own.
  assert.equal(c["git:github.com/octo/repo"], undefined);
  // left-pad's repository publishes a FUNDING.yml.
  assert.deepEqual(
    c["pkg:npm/left-pad@1.3.0"]!.funding.map((f) => f.identity),
    [
      "github:octocat",
      "github:surftocat",
      "patreon:octocat",
      "opencollective:octo-collective",
      "url:paypal.me/octocat",
      "url:octocat.example.org/donate",
    ],
  );
  // Git authors: the linked e-mail becomes an alias, the unlinked one stays.
  assert.deepEqual(Object.values(snapshot.aliases), ["github:octocat"]);
  assert.deepEqual(summary.gitAuthors, { emails: 2, linked: 1, unlinked: 1, failed: 0, failures: {} });

  assert.equal(summary.components, Object.keys(c).length);
  assert.equal(summary.resolved + summary.unresolved + summary.failed, summary.components);
  assert.equal(summary.failed, 0);
  assert.deepEqual(summary.reasons, {
    "unresolved:not-found": 1,
    "unresolved:no-source:gem": 1,
    "unresolved:product-or-workspace": 1,
  });
  assert.deepEqual(summary.bySource.npm, { resolved: 6, unresolved: 1, failed: 0 });
  // none: the product, nobody, not-published, x/text (no forge owner), rails.
  assert.deepEqual(summary.tiers, { funding: 4, maintainers: 5, people: 1, none: 5 });
  assert.equal(summary.fundingManifests.found, 3);
});

test("the snapshot is content-addressed and the same answers give the same bytes; the cache serves a warm run", async () => {
  const cacheDir = join(work, "cache");
  const cold = await resolveInputs(inputs(), options({ http: { cacheDir } }));
  const before = [...hits.values()].reduce((a, b) => a + b, 0);
  const warm = await resolveInputs(inputs(), options({ http: { cacheDir } }));
  assert.equal(
    [...hits.values()].reduce((a, b) => a + b, 0),
    before,
    "a warm run asks nothing",
  );
  assert.equal(warm.summary.http.requests, 0);
  assert.ok(warm.summary.http.cacheHits > 0);
  assert.equal(warm.text, cold.text);
  const parsed = parseResolution(inputFile("s.json", new TextEncoder().encode(cold.text)));
  assert.equal(parsed.contentHash, cold.snapshot.contentHash);
});

test("429 with Retry-After and 503 are retried after the wait they ask for; rate-limit headers are honoured", async () => {
  flaky.set("/npm/left-pad/1.3.0", { status: 429, headers: { "retry-after": "7" } });
  flaky.set("/pypi/pypi/requests/2.32.3/json", { status: 503, headers: {} });
  flaky.set("/gh/repos/octo/repo/commits/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", {
    status: 403,
    headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": "1000" },
  });
  for (const path of flaky.keys()) hits.delete(path);
  const waits: number[] = [];
  const { snapshot, summary } = await resolveInputs(
    inputs(),
    options({ http: { now: () => 990_000, sleep: async (ms) => void waits.push(ms) } }, waits),
  );
  flaky.clear();
  assert.equal(snapshot.components["pkg:npm/left-pad@1.3.0"]?.status, "resolved");
  assert.equal(snapshot.components["pkg:pypi/requests@2.32.3"]?.status, "resolved");
  assert.deepEqual(Object.values(snapshot.aliases), ["github:octocat"]);
  assert.ok(waits.includes(7000), `Retry-After: 7 waited 7 s (${waits.join(",")})`);
  assert.ok(waits.includes(10_000), "x-ratelimit-reset 1000 s at t=990 s waited 10 s");
  assert.ok(waits.includes(500), "a 503 without Retry-After backs off 500 ms");
  assert.equal(summary.http.retries, 3);
  assert.equal(summary.http.rateLimitWaits, 2);
});

test("a rate limit longer than the longest wait, and an unreachable service, fail by reason without waiting", async () => {
  flaky.set("/npm/zod/3.25.76", { status: 429, headers: { "retry-after": "3600" } });
  hits.delete("/npm/zod/3.25.76");
  const waits: number[] = [];
  const { snapshot, summary } = await resolveInputs(
    inputs(),
    options(
      {
        bases: {
          pypi: "http://127.0.0.1:9/",
          crates: `${base}/crates/`,
          goProxy: `${base}/go/`,
          huggingFace: `${base}/hf/`,
          githubRaw: "http://127.0.0.1:9/raw/",
          githubApi: `${base}/gh/`,
        },
      },
      waits,
    ),
  );
  flaky.clear();
  assert.deepEqual(snapshot.components["pkg:npm/zod@3.25.76"]?.reason, "rate-limited");
  assert.equal(snapshot.components["pkg:npm/zod@3.25.76"]?.status, "failed");
  assert.equal(snapshot.components["pkg:pypi/requests@2.32.3"]?.status, "failed");
  assert.match(snapshot.components["pkg:pypi/requests@2.32.3"]!.reason!, /^(network|unreachable)/);
  assert.equal(summary.failed, 2);
  assert.ok(!waits.includes(3_600_000));
  // Manifest look-ups failed too, each counted under its reason.
  const { repositories, failed, failures, found } = summary.fundingManifests;
  assert.ok(repositories > 0);
  assert.equal(found, 0);
  assert.equal(failed, repositories);
  assert.equal(
    Object.values(failures).reduce((a, b) => a + b, 0),
    failed,
  );
  for (const reason of Object.keys(failures)) assert.match(reason, /^(network|unreachable)/);
});

test("attribute reads the snapshot as an input: precedence decides who is paid, verify reproduces it offline, a changed snapshot is refused", async () => {
  const { text } = await resolveInputs(inputs(), options());
  writeFileSync(join(work, "bom.json"), JSON.stringify(SBOM));
  writeFileSync(join(work, "repo.gitlog"), GIT_LOG);
  writeFileSync(join(work, "app.resolution.json"), text);
  const out: string[] = [];
  const io = { stdout: { write: (s: string) => out.push(s) }, cwd: work };
  await run(
    [
      "attribute",
      "--input",
      "bom.json",
      "--input",
      "repo.gitlog",
      "--input",
      "app.resolution.json",
      "--out",
      "out",
      "--json",
    ],
    io,
  );
  // The summary explains what is still held, and why.
  const summary = JSON.parse(out.join("")) as {
    heldFraction: number;
    largestHeld: Array<{ component: string; fraction: number; why: string }>;
  };
  const whyHeld = new Map(summary.largestHeld.map((h) => [h.component, h.why]));
  assert.equal(whyHeld.get("pkg:npm/nobody@1.0.0"), "the registry names nobody");
  assert.equal(whyHeld.get("pkg:npm/not-published@9.9.9"), "no registry data (unresolved: not-found)");
  assert.equal(whyHeld.get("pkg:gem/rails@7.1.0"), "no registry data (unresolved: no-source:gem)");
  assert.ok(summary.heldFraction > 0 && summary.heldFraction < 1);
  const table = JSON.parse(readFileSync(join(work, "out", "share-table.json"), "utf8")) as {
    inputs: Array<{ path: string; format: string }>;
  };
  assert.ok(table.inputs.some((i) => i.format === "wellspring-resolution-v1"));
  const explanationOf = (dir: string) =>
    readFileSync(join(work, dir, "explanation.jsonl"), "utf8")
      .trim()
      .split("\n")
      .slice(1)
      .map((l) => JSON.parse(l) as { identity: string; sources: Array<{ component: string; as: string }> });
  const explanation = explanationOf("out");
  const paidFor = (component: string, lines = explanation): string[] =>
    lines
      .filter((r) => r.sources.some((s) => s.component === component && s.as === "contributor"))
      .map((r) => r.identity)
      .sort();
  // Tier 1: funding (manifest and package funding), not the maintainers.
  assert.deepEqual(paidFor("pkg:npm/zod@3.25.76"), [
    "0x00000000000000000000000000000000000000b2",
    "github:colinhacks",
  ]);
  // Tier 2: registry maintainers and the repository owner, not the package's author.
  assert.deepEqual(paidFor("pkg:npm/documented-maintainers@1.0.0"), [
    "github:example-org",
    "npm:alice",
    "npm:bob",
  ]);
  // Tier 3: the package's people.
  assert.equal(paidFor("pkg:npm/people-only@2.0.0").length, 2);
  // Tier 4: nobody -> held.
  assert.ok(explanation.some((r) => r.identity === "component:pkg:npm/nobody@1.0.0"));
  // left-pad's git history is its own (# source-of), but its funding manifest outranks it.
  assert.ok(paidFor("pkg:npm/left-pad@1.3.0").includes("github:octocat"));
  assert.ok(!paidFor("pkg:npm/left-pad@1.3.0").includes(emailIdentity("unlinked@example.org")!));
  // Paid by commits instead: Mona's commits go to github:octocat (the git alias), not to her
  // e-mail hash; the unlinked author stays an e-mail hash.
  writeFileSync(
    join(work, "commits.json"),
    JSON.stringify({ version: 1, contributors: { source: "commits" } }),
  );
  await run(
    [
      ...["attribute", "--input", "bom.json", "--input", "repo.gitlog", "--input", "app.resolution.json"],
      ...["--policy", "commits.json", "--out", "out-commits", "--json"],
    ],
    { stdout: { write: () => true }, cwd: work },
  );
  const byCommits = explanationOf("out-commits");
  assert.deepEqual(
    paidFor("pkg:npm/left-pad@1.3.0", byCommits),
    [emailIdentity("unlinked@example.org"), "github:octocat"].sort(),
  );
  assert.ok(!byCommits.some((r) => r.identity === emailIdentity("mona@example.org")));
  const verify: string[] = [];
  await run(
    [
      "verify",
      "--table",
      "out/share-table.json",
      "--input",
      "bom.json",
      "--input",
      "repo.gitlog",
      "--input",
      "app.resolution.json",
      "--json",
    ],
    { stdout: { write: (s: string) => verify.push(s) }, cwd: work },
  );
  assert.equal((JSON.parse(verify.join("")) as { ok: boolean }).ok, true);

  // A hand edit without a new contentHash is refused, naming the file and field.
  const edited = text.replace('"npm:alice"', '"npm:mallory"');
  writeFileSync(join(work, "app.resolution.json"), edited);
  await assert.rejects(
    run(["attribute", "--input", "bom.json", "--input", "app.resolution.json", "--out", "out2"], io),
    (e: Error & { code?: string; file?: string; field?: string }) =>
      e.code === "INPUT_SCHEMA" && e.file === "app.resolution.json" && e.field === "contentHash",
  );
});

test("wellspring resolve: writes the snapshot and the summary; bad options are usage errors naming the option", async () => {
  writeFileSync(join(work, "bom.json"), JSON.stringify(SBOM));
  const out: string[] = [];
  const io = { stdout: { write: (s: string) => out.push(s) }, cwd: work };
  const bases = [
    ["--npm-registry", `${base}/npm`],
    ["--pypi-url", `${base}/pypi/`],
    ["--crates-url", `${base}/crates/`],
    ["--go-proxy", `${base}/go/`],
    ["--huggingface-url", `${base}/hf/`],
    ["--github-raw-url", `${base}/raw/`],
    ["--github-api-url", `${base}/gh/`],
  ].flat();
  await run(["resolve", "--input", "bom.json", "--out", "deps.resolution.json", "--no-cache", ...bases], io);
  const text = out.join("");
  assert.match(text, /^wrote deps\.resolution\.json: 15 components — 12 resolved, 3 unresolved, 0 failed$/m);
  assert.match(text, /identities from: funding 4, maintainers\/owner 5, package people 1, nobody \(held\) 5/);
  assert.match(text, new RegExp(`npm registry ${base}/npm/ \\(from --npm-registry\\)`));
  const snapshot = parseResolution(
    inputFile("deps.resolution.json", readFileSync(join(work, "deps.resolution.json"))),
  );
  assert.equal(snapshot.sources.npm, `${base}/npm/`);

  for (const [args, message] of [
    [["--concurrency", "0"], /--concurrency expected 1 to 64/],
    [["--retries", "x"], /--retries expected a whole number/],
    [["--pypi-url", "ftp://x"], /--pypi-url expected an http\(s\) URL/],
    [["--no-cache", "--cache-dir", "c"], /--no-cache and --cache-dir exclude each other/],
    [["--policy", "p.json"], /--policy is an option of attribute/],
  ] as const) {
    await assert.rejects(
      run(["resolve", "--input", "bom.json", "--out", "x.json", ...args], io),
      (e: Error & { code?: string }) => e.code === "USAGE" && message.test(e.message),
    );
  }
});
