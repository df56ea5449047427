/**
 * `wellspring resolve`: asks registries and forges who makes each component of the inputs and
 * writes a resolution snapshot, an ordinary `--input` to `attribute` and `verify`. The network
 * work is in packages/resolve; this is argument handling, the progress bar and the summary.
 */
import { renameSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { z } from "zod/v4";
import { WellspringError } from "@wellspring/attribution";
import { npmRegistries, resolveInputs, type ResolveSummary } from "@wellspring/resolve";
import { collectInputs } from "./collect.ts";
import { camel, COMMON_INPUT_OPTIONS, parse, usage, validate, type Io } from "./cli.ts";
import { Progress } from "./progress.ts";

export const RESOLVE_HELP = `wellspring resolve — ask registries who makes each component, write a resolution snapshot

Usage: wellspring resolve --input <file|dir>... --out <snapshot.json> [options]

Sources: npm (version documents), PyPI (JSON API), Rust crates, Go modules (module proxy),
Hugging Face (models, datasets), funding manifests in GitHub repositories (funding.json,
FUNDING.json, .github/FUNDING.yml) and GitHub's commit API (git authors -> logins).

Options:
  --input <file|dir>       as for attribute (repeatable)
  --out <file>             the snapshot to write (replaced only when complete)
  --product <key>          as for attribute
  --source-of <key>        as for attribute
  --no-node-modules        as for attribute
  --npm-registry <url>     npm registry (default: the npm configuration, as npm reads it)
  --pypi-url <url>         PyPI base URL
  --crates-url <url>       Rust crate registry base URL
  --go-proxy <url>         Go module proxy
  --huggingface-url <url>  Hugging Face Hub base URL
  --github-raw-url <url>   raw file base URL of GitHub repositories
  --github-api-url <url>   GitHub REST API base URL (token from GITHUB_TOKEN, if set)
  --no-funding-manifests   do not look for funding manifests
  --no-git-authors         do not map git authors to GitHub logins
  --concurrency <n>        requests in flight (default 8)
  --retries <n>            retries per request (default 3)
  --cache-dir <dir>        disk cache (default $XDG_CACHE_HOME/wellspring/resolve or ~/.cache/…)
  --no-cache               no disk cache
  --json                   print the summary as JSON
  -h, --help               this help

Then: wellspring attribute --input <inputs>... --input <snapshot.json> --out <dir>
`;

const Url = z.url({ protocol: /^https?$/, error: "expected an http(s) URL" });
const Count = z
  .string()
  .regex(/^\d+$/, "expected a whole number")
  .transform(Number)
  .refine((n) => n >= 1 && n <= 64, "expected 1 to 64");
const Retries = z
  .string()
  .regex(/^\d+$/, "expected a whole number")
  .transform(Number)
  .refine((n) => n <= 10, "expected 0 to 10");

const ResolveArgs = z.object({
  input: z.array(z.string().min(1)).min(1, "is required (at least one input)"),
  out: z.string({ error: "is required" }).min(1),
  product: z.string().min(1).optional(),
  sourceOf: z.string().min(1).optional(),
  noNodeModules: z.boolean().optional(),
  npmRegistry: Url.optional(),
  pypiUrl: Url.optional(),
  cratesUrl: Url.optional(),
  goProxy: Url.optional(),
  huggingfaceUrl: Url.optional(),
  githubRawUrl: Url.optional(),
  githubApiUrl: Url.optional(),
  noFundingManifests: z.boolean().optional(),
  noGitAuthors: z.boolean().optional(),
  concurrency: Count.optional(),
  retries: Retries.optional(),
  cacheDir: z.string().min(1).optional(),
  noCache: z.boolean().optional(),
  json: z.boolean().optional(),
});

function defaultCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache");
  return join(base, "wellspring", "resolve");
}

function withSlash(url: string): string {
  return url.endsWith("/") ? url : `${url}/`;
}

function failures(byReason: Record<string, number>): string {
  const list = Object.entries(byReason).sort((a, b) => b[1] - a[1]);
  return list.length === 0 ? "" : `: ${list.map(([r, n]) => `${r} ${n}`).join(", ")}`;
}

export function summaryText(out: string, s: ResolveSummary): string {
  const lines = [
    `wrote ${out}: ${s.components} components — ${s.resolved} resolved, ${s.unresolved} unresolved, ${s.failed} failed`,
  ];
  for (const [source, c] of Object.entries(s.bySource).sort())
    lines.push(
      `  ${source.padEnd(12)} ${c.resolved} resolved, ${c.unresolved} unresolved, ${c.failed} failed`,
    );
  const reasons = Object.entries(s.reasons).sort((a, b) => b[1] - a[1]);
  if (reasons.length > 0) lines.push(`  reasons: ${reasons.map(([r, n]) => `${r} ${n}`).join(", ")}`);
  lines.push(
    `  identities from: funding ${s.tiers.funding}, maintainers/owner ${s.tiers.maintainers}, package people ${s.tiers.people}, nobody (held) ${s.tiers.none}`,
    `  funding manifests: ${s.fundingManifests.found} found in ${s.fundingManifests.repositories} GitHub repositories (${s.fundingManifests.failed} failed${failures(s.fundingManifests.failures)})`,
    `  git authors: ${s.gitAuthors.linked} of ${s.gitAuthors.emails} e-mails linked to GitHub logins (${s.gitAuthors.unlinked} unlinked, ${s.gitAuthors.failed} failed${failures(s.gitAuthors.failures)})`,
    `  http: ${s.http.requests} requests, ${s.http.cacheHits} from cache, ${s.http.retries} retries, ${s.http.rateLimitWaits} rate-limit waits`,
  );
  return `${lines.join("\n")}\n`;
}

export async function resolveCommand(argv: string[], io: Io): Promise<void> {
  const { values } = parse("resolve", argv, {
    ...COMMON_INPUT_OPTIONS,
    out: { type: "string" },
    "npm-registry": { type: "string" },
    "pypi-url": { type: "string" },
    "crates-url": { type: "string" },
    "go-proxy": { type: "string" },
    "huggingface-url": { type: "string" },
    "github-raw-url": { type: "string" },
    "github-api-url": { type: "string" },
    "no-funding-manifests": { type: "boolean" },
    "no-git-authors": { type: "boolean" },
    concurrency: { type: "string" },
    retries: { type: "string" },
    "cache-dir": { type: "string" },
    "no-cache": { type: "boolean" },
  });
  if (values.help === true) {
    io.stdout.write(RESOLVE_HELP);
    return;
  }
  if (values.policy !== undefined) throw usage("resolve: --policy is an option of attribute, not resolve");
  const args = validate("resolve", ResolveArgs, camel(values));
  if (args.noCache === true && args.cacheDir !== undefined)
    throw usage("resolve: --no-cache and --cache-dir exclude each other");
  const progress = Progress.forTerminal(args.json === true);
  const { files, subjects } = collectInputs(args.input, {
    cwd: io.cwd,
    sourceOf: args.sourceOf,
    nodeModules: args.noNodeModules !== true,
    progress,
  });
  const npm = npmRegistries({ cwd: io.cwd });
  if (args.npmRegistry !== undefined) {
    npm.registry = withSlash(args.npmRegistry);
    npm.from = "--npm-registry";
  }
  const githubApi = args.githubApiUrl ?? "https://api.github.com/";
  const token = process.env.GITHUB_TOKEN;
  progress?.start("resolving", 1);
  let result;
  try {
    result = await resolveInputs(files, {
      npm,
      bases: {
        pypi: args.pypiUrl,
        crates: args.cratesUrl,
        goProxy: args.goProxy,
        huggingFace: args.huggingfaceUrl,
        githubRaw: args.githubRawUrl,
        githubApi,
      },
      fundingManifests: args.noFundingManifests !== true,
      gitAuthors: args.noGitAuthors !== true,
      readInputs: { root: args.product, subjects },
      http: {
        ...(args.concurrency !== undefined ? { concurrency: args.concurrency } : {}),
        ...(args.retries !== undefined ? { retries: args.retries } : {}),
        cacheDir: args.noCache === true ? undefined : resolve(io.cwd, args.cacheDir ?? defaultCacheDir()),
        ...(token !== undefined && token !== ""
          ? { hostHeaders: { [new URL(githubApi).host]: { authorization: `Bearer ${token}` } } }
          : {}),
      },
      onProgress: (done, total) => {
        if (done === 1) progress?.start("resolving", total);
        progress?.tick();
      },
    });
  } finally {
    progress?.done();
  }
  const path = resolve(io.cwd, args.out);
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(tmp, result.text);
    renameSync(tmp, path);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw new WellspringError(
      "USAGE",
      `resolve: --out cannot be written: ${(error as NodeJS.ErrnoException).code ?? "error"}`,
      { file: args.out, cause: error },
    );
  }
  if (args.json === true)
    io.stdout.write(
      `${JSON.stringify({ out: args.out, contentHash: result.snapshot.contentHash, npmRegistry: npm.registry, ...result.summary })}\n`,
    );
  else
    io.stdout.write(
      `${summaryText(args.out, result.summary)}npm registry ${npm.registry} (from ${npm.from})\ncontentHash ${result.snapshot.contentHash}\n`,
    );
}
