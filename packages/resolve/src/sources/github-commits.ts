/**
 * Git authors -> GitHub accounts: for each e-mail identity in a git log of a GitHub repository,
 * one of its commits is looked up with the REST API (`GET <api>/repos/<owner>/<repo>/commits/<sha>`);
 * `author.login` is the account GitHub linked that e-mail to. The result is an alias
 * `email-sha256:<hex>` -> `github:<login>` (the e-mail itself never leaves this module).
 */
import { emailIdentity, normaliseRepositoryUrl } from "@wellspring/attribution/inputs";
import type { HttpClient } from "../http.ts";
import { isRecord, parseBody, str } from "../facts.ts";

export interface GitAuthorCommit {
  identity: string;
  sha: string;
}

/** The GitHub `owner/repo` a git log's `# repository:` header names, if any. */
export function gitLogRepository(text: string): string | undefined {
  for (const line of text.split("\n", 8)) {
    const m = /^# repository: (.+)$/.exec(line.trim());
    if (m?.[1] !== undefined) {
      const url = normaliseRepositoryUrl(m[1]);
      const parts = url.split("/");
      if (parts[0] === "github.com" && parts.length >= 3) return `${parts[1]}/${parts[2]}`;
    }
  }
  return undefined;
}

/** One commit per e-mail identity (the newest), in the log's order; noreply identities need none. */
export function emailAuthors(text: string): GitAuthorCommit[] {
  const out = new Map<string, string>();
  for (const record of text.split("\x1e").slice(1)) {
    const [sha, , , email] = record.split("\n", 1)[0]!.split("\x1f");
    if (sha === undefined || email === undefined) continue;
    const identity = emailIdentity(email);
    if (identity === undefined || !identity.startsWith("email-sha256:") || out.has(identity)) continue;
    out.set(identity, sha.trim());
  }
  return [...out].map(([identity, sha]) => ({ identity, sha }));
}

export type LoginAnswer = { login: string } | { login: undefined; reason: string };

export async function commitLogin(
  http: HttpClient,
  api: string,
  repo: string,
  sha: string,
): Promise<LoginAnswer> {
  const r = await http.get(
    `${api}repos/${repo}/commits/${encodeURIComponent(sha)}`,
    "application/vnd.github+json",
  );
  if (!r.ok)
    return { login: undefined, reason: r.status === 404 || r.status === 422 ? "not-found" : r.reason };
  const doc = parseBody("github", r.body);
  if (!isRecord(doc)) return { login: undefined, reason: "bad-response" };
  const login = isRecord(doc.author) ? str(doc.author.login) : undefined;
  if (login === undefined) return { login: undefined, reason: "no-linked-account" };
  if (isRecord(doc.author) && doc.author.type === "Bot") return { login: undefined, reason: "bot" };
  return { login: login.toLowerCase() };
}
