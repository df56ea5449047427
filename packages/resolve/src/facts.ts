/**
 * What a source says about one component, in the snapshot's terms (canonical identities only),
 * and the helpers every source shares to turn registry fields into those identities.
 */
import {
  fundingUrlIdentity,
  normaliseRepositoryUrl,
  parsePersonString,
  personIdentity,
  type ResolvedComponent,
} from "@wellspring/attribution/inputs";
import type { HttpResult } from "./http.ts";

export type Facts = Pick<ResolvedComponent, "funding" | "maintainers" | "people"> &
  Partial<Pick<ResolvedComponent, "repository" | "license">>;

export type Answer =
  | { status: "resolved"; source: string; facts: Facts }
  | { status: "unresolved" | "failed"; source: string; reason: string };

export function emptyFacts(): Facts {
  return { funding: [], maintainers: [], people: [] };
}

/** A failed or negative HTTP answer as an Answer: 404/410 mean the registry does not know it. */
export function answerFromHttp(source: string, r: Extract<HttpResult, { ok: false }>): Answer {
  if (r.status === 404 || r.status === 410) return { status: "unresolved", source, reason: "not-found" };
  return { status: "failed", source, reason: r.reason };
}

export function parseBody(source: string, body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined; // reported by the caller as `bad-response`
  }
}

/** Forges whose first path segment is an account that can be bound as `<forge>:<owner>`. */
const FORGES: Record<string, string> = {
  "github.com": "github",
  "gitlab.com": "gitlab",
  "codeberg.org": "codeberg",
  "bitbucket.org": "bitbucket",
  "sr.ht": "sourcehut",
  "git.sr.ht": "sourcehut",
};

/** `{ url, owner }` of a repository URL; npm's `owner/repo` shorthand means GitHub. */
export function repositoryFacts(raw: string | undefined): Facts["repository"] {
  if (raw === undefined || raw.trim() === "") return undefined;
  const value = /^[\w.-]+\/[\w.-]+$/.test(raw.trim()) ? `github:${raw.trim()}` : raw;
  const url = normaliseRepositoryUrl(value);
  const slash = url.indexOf("/");
  if (slash < 0) return { url };
  const forge = FORGES[url.slice(0, slash)];
  const owner = url
    .slice(slash + 1)
    .split("/")[0]
    ?.replace(/^~/, "");
  if (forge === undefined || owner === undefined || !/^[A-Za-z0-9][\w.-]*$/.test(owner)) return { url };
  return { url, owner: `${forge}:${owner.toLowerCase()}` };
}

type PersonField = string | { name?: unknown; email?: unknown; url?: unknown } | undefined | null;

export function personOf(value: PersonField): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return personIdentity(parsePersonString(value));
  const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
  return personIdentity({ name: str(value.name), email: str(value.email), url: str(value.url) });
}

/** Declared funding URLs (npm's string / object / array forms). */
export function fundingUrls(value: unknown): string[] {
  const list = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  const out: string[] = [];
  for (const f of list) {
    if (typeof f === "string") out.push(f);
    else if (typeof f === "object" && f !== null && typeof (f as { url?: unknown }).url === "string")
      out.push((f as { url: string }).url);
  }
  return out;
}

export function addFunding(facts: Facts, urls: readonly string[], from: string): void {
  for (const url of urls) {
    const identity = fundingUrlIdentity(url);
    if (identity !== undefined && !facts.funding.some((f) => f.identity === identity))
      facts.funding.push({ identity, from });
  }
}

export function addPerson(facts: Facts, identity: string | undefined, role: "author" | "contributor"): void {
  if (identity !== undefined && !facts.people.some((p) => p.identity === identity))
    facts.people.push({ identity, role });
}

export function addMaintainer(
  facts: Facts,
  identity: string | undefined,
  kind: "person" | "organisation" | "account",
): void {
  if (identity !== undefined && !facts.maintainers.some((m) => m.identity === identity))
    facts.maintainers.push({ identity, kind });
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function str(v: unknown): string | undefined {
  return typeof v === "string" && v.trim() !== "" ? v : undefined;
}
