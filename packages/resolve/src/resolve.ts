/**
 * `resolve`: reads the inputs as the engine does, asks each component's registry who makes it
 * and how they want to be paid, and returns a resolution snapshot (the engine's
 * `wellspring-resolution-v1` input, see packages/attribution/src/inputs/resolution.ts) and an
 * honest summary. The only module of Wellspring that touches the network; the engine stays pure.
 */
import {
  contributorsByPrecedence,
  detectFormat,
  npmKey,
  parseJson,
  parsePurl,
  readInputs,
  resolutionContentHash,
  RESOLUTION_VERSION,
  type ComponentInfo,
  type IdentityTier,
  type InputFile,
  type ReadInputsOptions,
  type Resolution,
  type ResolvedComponent,
} from "@wellspring/attribution/inputs";
import { HttpClient, type HttpOptions, type HttpStats } from "./http.ts";
import { npmRegistries, type NpmRegistries } from "./npm-config.ts";
import { repositoryFacts, type Answer, type Facts } from "./facts.ts";
import { resolveNpm } from "./sources/npm.ts";
import { resolvePypi } from "./sources/pypi.ts";
import { resolveCrate } from "./sources/crates.ts";
import { resolveGo } from "./sources/go.ts";
import { resolveHuggingFace } from "./sources/huggingface.ts";
import { fundingManifest } from "./sources/funding-manifests.ts";
import { commitLogin, emailAuthors, gitLogRepository } from "./sources/github-commits.ts";

/** Default base URLs of the non-npm services (each overridable; npm comes from the npm config). */
export const DEFAULT_BASES = {
  pypi: "https://pypi.org/",
  crates: "https://crates.io/",
  goProxy: "https://proxy.golang.org/",
  huggingFace: "https://huggingface.co/",
  githubRaw: "https://raw.githubusercontent.com/",
  githubApi: "https://api.github.com/",
} as const;

export interface ResolveOptions {
  /** npm registries; default: the user's npm configuration (npm-config.ts). */
  npm?: NpmRegistries;
  bases?: Partial<Record<keyof typeof DEFAULT_BASES, string | undefined>>;
  /** Look for funding manifests in GitHub repositories (default true). */
  fundingManifests?: boolean;
  /** Map git authors' e-mails to GitHub logins (default true). */
  gitAuthors?: boolean;
  http?: HttpOptions;
  /** As for readInputs (product key, subjects of manifests and git logs). */
  readInputs?: ReadInputsOptions;
  onProgress?: (done: number, total: number) => void;
}

export interface ResolveSummary {
  components: number;
  resolved: number;
  unresolved: number;
  failed: number;
  /** `status:reason` -> count, e.g. `unresolved:not-found`, `failed:unreachable:<host>`. */
  reasons: Record<string, number>;
  /** source -> { resolved, unresolved, failed } */
  bySource: Record<string, { resolved: number; unresolved: number; failed: number }>;
  /** Which identity tier stands for each component (see resolution.ts). */
  tiers: Record<IdentityTier, number>;
  /** `failures`: reason -> count of repositories / e-mails whose look-up failed. */
  fundingManifests: { repositories: number; found: number; failed: number; failures: Record<string, number> };
  gitAuthors: {
    emails: number;
    linked: number;
    unlinked: number;
    failed: number;
    failures: Record<string, number>;
  };
  http: HttpStats;
}

export interface ResolveResult {
  snapshot: Resolution;
  /** The snapshot as written to disk (pretty JSON with sorted keys, newline-terminated). */
  text: string;
  summary: ResolveSummary;
}

interface Target {
  key: string;
  info: ComponentInfo;
}

function withSlash(url: string): string {
  return url.endsWith("/") ? url : `${url}/`;
}

/** Components of the inputs, in key order, and the keys that are not registry packages. */
function discover(
  files: InputFile[],
  options: ReadInputsOptions,
): { targets: Target[]; local: Set<string>; withHistory: Set<string> } {
  const infos = new Map<string, ComponentInfo>();
  const withHistory = new Set<string>();
  let root: string | undefined;
  readInputs(
    files,
    {
      component: (key, info) => {
        if (!infos.has(key)) infos.set(key, info);
      },
      edge: () => {},
      contributor: (key, evidence) => {
        if (evidence.activity !== undefined && evidence.activity.length > 0) withHistory.add(key);
      },
      root: (key) => {
        root = key;
      },
    },
    { ...options, releaseBytes: false },
  );
  // The product, and the workspace packages of a lockfile (folders outside node_modules), are
  // not on any registry: a same-named registry package would be somebody else's.
  const local = new Set<string>(root !== undefined ? [root] : []);
  for (const file of files) {
    if (!detectFormat(file)?.startsWith("npm-lockfile")) continue;
    const doc = parseJson(file) as { packages?: Record<string, { name?: string; version?: string }> };
    for (const [location, entry] of Object.entries(doc.packages ?? {})) {
      if (location.includes("node_modules/")) continue;
      const name = entry.name ?? location.slice(location.lastIndexOf("/") + 1);
      if (name !== "") local.add(npmKey(name, entry.version));
    }
  }
  const targets = [...infos]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, info]) => ({ key, info }));
  return { targets, local, withHistory };
}

/** What the key says to ask, and where. */
async function ask(
  target: Target,
  http: HttpClient,
  npm: NpmRegistries,
  bases: Record<keyof typeof DEFAULT_BASES, string>,
): Promise<Answer> {
  const { key } = target;
  if (key.startsWith("git:")) {
    // A repository: its owner is in its URL, no request needed.
    return { status: "resolved", source: "repository", facts: { funding: [], maintainers: [], people: [] } };
  }
  if (key.startsWith("dataset:huggingface/"))
    return resolveHuggingFace(http, bases.huggingFace, "dataset", key.slice("dataset:huggingface/".length));
  const purl = parsePurl(key);
  if (purl === undefined) return { status: "unresolved", source: "none", reason: "no-source" };
  const full = [...purl.namespace, purl.name].join("/");
  switch (purl.type) {
    case "npm":
      return resolveNpm(http, npm, full, purl.version);
    case "pypi":
      return resolvePypi(http, bases.pypi, purl.name, purl.version);
    case "cargo":
      return resolveCrate(http, bases.crates, purl.name, purl.version);
    case "golang":
      return resolveGo(http, bases.goProxy, full, purl.version);
    case "huggingface":
      return resolveHuggingFace(http, bases.huggingFace, "model", full);
    default:
      return { status: "unresolved", source: "none", reason: `no-source:${purl.type}` };
  }
}

/**
 * A component whose git history is among the inputs is paid to the people in that history:
 * its repository is recorded without the `owner` identity, so the owner does not outrank them
 * (a funding manifest or a registry's maintainer list still does: that is how the project asked
 * to be paid, and who holds it).
 */
function entryOf(target: Target, answer: Answer, withHistory: boolean): ResolvedComponent {
  const { info } = target;
  const base: ResolvedComponent = {
    status: answer.status,
    source: answer.source,
    kind: info.kind,
    name: info.name,
    funding: [],
    maintainers: [],
    people: [],
  };
  if (info.version !== undefined) base.version = info.version;
  if (answer.status !== "resolved") return { ...base, reason: answer.reason };
  const facts: Facts = answer.facts;
  const out: ResolvedComponent = {
    ...base,
    funding: facts.funding,
    maintainers: facts.maintainers,
    people: facts.people,
  };
  if (facts.license !== undefined) out.license = facts.license;
  const repository = target.key.startsWith("git:")
    ? repositoryFacts(`https://${target.key.slice("git:".length)}`)
    : facts.repository;
  if (repository !== undefined) out.repository = withHistory ? { url: repository.url } : repository;
  return out;
}

/** `owner/repo` of a GitHub repository URL in a snapshot entry. */
function gitHubRepo(entry: ResolvedComponent): string | undefined {
  const url = entry.repository?.url;
  if (url === undefined || !url.startsWith("github.com/")) return undefined;
  const [, owner, repo] = url.split("/");
  return owner !== undefined && repo !== undefined ? `${owner}/${repo}` : undefined;
}

function bump(record: Record<string, number>, key: string): void {
  record[key] = (record[key] ?? 0) + 1;
}

/** Runs `fn` over items with the HTTP client's concurrency doing the bounding. */
async function forEachAsync<T>(items: readonly T[], fn: (item: T) => Promise<void>): Promise<void> {
  await Promise.all(items.map(fn));
}

export async function resolveInputs(
  files: InputFile[],
  options: ResolveOptions = {},
): Promise<ResolveResult> {
  const npm = options.npm ?? npmRegistries();
  const bases: Record<keyof typeof DEFAULT_BASES, string> = { ...DEFAULT_BASES };
  for (const [k, v] of Object.entries(options.bases ?? {}))
    if (v !== undefined) bases[k as keyof typeof DEFAULT_BASES] = withSlash(v);
  const http = new HttpClient(options.http);
  const { targets, local, withHistory } = discover(files, options.readInputs ?? {});
  const remote = targets.filter((t) => !local.has(t.key));

  const gitLogs = options.gitAuthors === false ? [] : files.filter((f) => detectFormat(f) === "git-log");
  const total = remote.length + gitLogs.length;
  let done = 0;
  const tick = (): void => options.onProgress?.(++done, total);

  const entries = new Map<string, ResolvedComponent>();
  for (const t of targets)
    if (local.has(t.key))
      entries.set(
        t.key,
        entryOf(t, { status: "unresolved", source: "none", reason: "product-or-workspace" }, false),
      );
  await forEachAsync(remote, async (t) => {
    entries.set(t.key, entryOf(t, await ask(t, http, npm, bases), withHistory.has(t.key)));
    tick();
  });

  // Funding manifests, once per GitHub repository.
  const manifests: ResolveSummary["fundingManifests"] = {
    repositories: 0,
    found: 0,
    failed: 0,
    failures: {},
  };
  if (options.fundingManifests !== false) {
    const repos = new Map<string, ResolvedComponent[]>();
    for (const entry of entries.values()) {
      const repo = entry.status === "resolved" ? gitHubRepo(entry) : undefined;
      if (repo !== undefined) repos.set(repo, [...(repos.get(repo) ?? []), entry]);
    }
    manifests.repositories = repos.size;
    await forEachAsync([...repos.keys()].sort(), async (repo) => {
      const answer = await fundingManifest(http, bases.githubRaw, repo);
      if (!answer.found) {
        if (answer.reason !== "none") {
          manifests.failed++;
          bump(manifests.failures, answer.reason);
        }
        return;
      }
      manifests.found++;
      for (const entry of repos.get(repo)!) {
        // The manifest first; the package's own funding URLs after it.
        const rest = entry.funding.filter((f) => !answer.funding.some((m) => m.identity === f.identity));
        entry.funding = [...answer.funding, ...rest];
      }
    });
  }

  // Git authors -> GitHub logins.
  const authors: ResolveSummary["gitAuthors"] = {
    emails: 0,
    linked: 0,
    unlinked: 0,
    failed: 0,
    failures: {},
  };
  const aliases = new Map<string, string>();
  await forEachAsync(gitLogs, async (file) => {
    const text = new TextDecoder().decode(file.bytes);
    const repo = gitLogRepository(text);
    const list = repo === undefined ? [] : emailAuthors(text);
    authors.emails += list.length;
    await forEachAsync(list, async ({ identity, sha }) => {
      const answer = await commitLogin(http, bases.githubApi, repo!, sha);
      if (answer.login !== undefined) {
        authors.linked++;
        aliases.set(identity, `github:${answer.login}`);
      } else if (
        answer.reason === "no-linked-account" ||
        answer.reason === "not-found" ||
        answer.reason === "bot"
      )
        authors.unlinked++;
      else {
        authors.failed++;
        bump(authors.failures, answer.reason);
      }
    });
    tick();
  });

  const summary: ResolveSummary = {
    components: entries.size,
    resolved: 0,
    unresolved: 0,
    failed: 0,
    reasons: {},
    bySource: {},
    tiers: { funding: 0, maintainers: 0, people: 0, none: 0 },
    fundingManifests: manifests,
    gitAuthors: authors,
    http: http.stats,
  };
  const components: Record<string, ResolvedComponent> = {};
  for (const key of [...entries.keys()].sort()) {
    const entry = entries.get(key)!;
    components[key] = entry;
    summary[entry.status]++;
    if (entry.reason !== undefined) bump(summary.reasons, `${entry.status}:${entry.reason}`);
    const s = (summary.bySource[entry.source ?? "none"] ??= { resolved: 0, unresolved: 0, failed: 0 });
    s[entry.status]++;
    summary.tiers[contributorsByPrecedence(entry).tier]++;
  }

  const sources: Record<string, string> = { ...bases, npm: npm.registry };
  for (const [scope, url] of Object.entries(npm.scopes)) sources[`npm${scope}`] = url;
  const body = {
    wellspringResolution: RESOLUTION_VERSION,
    sources: Object.fromEntries(Object.entries(sources).sort(([a], [b]) => (a < b ? -1 : 1))),
    components,
    aliases: Object.fromEntries([...aliases].sort(([a], [b]) => (a < b ? -1 : 1))),
  } as const;
  const snapshot: Resolution = { ...body, contentHash: resolutionContentHash(body) };
  const ordered = {
    wellspringResolution: snapshot.wellspringResolution,
    contentHash: snapshot.contentHash,
    sources: snapshot.sources,
    aliases: snapshot.aliases,
    components: snapshot.components,
  };
  return { snapshot, text: `${JSON.stringify(ordered, null, 2)}\n`, summary };
}
