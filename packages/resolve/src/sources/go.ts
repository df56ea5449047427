/**
 * Go modules: the module proxy's `GET <proxy>/<module>/@v/<version>.info`, whose `Origin.URL`
 * (Go 1.19+ proxies) names the repository; a module path on a known forge
 * (`github.com/<owner>/<repo>/…`) names it without a request.
 */
import type { HttpClient } from "../http.ts";
import {
  answerFromHttp,
  emptyFacts,
  isRecord,
  parseBody,
  repositoryFacts,
  str,
  type Answer,
} from "../facts.ts";

const SOURCE = "go";
const FORGE_PATH = /^(github\.com|gitlab\.com|codeberg\.org|bitbucket\.org)\/[^/]+\/[^/]+/;

/** The proxy's case encoding: each upper-case letter becomes "!" + its lower case. */
export function escapeModulePath(path: string): string {
  return path.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`);
}

export async function resolveGo(
  http: HttpClient,
  proxy: string,
  module: string,
  version: string | undefined,
): Promise<Answer> {
  const forge = FORGE_PATH.exec(module);
  if (forge !== null)
    return { status: "resolved", source: SOURCE, facts: withRepository(`https://${forge[0]}`) };
  if (version === undefined) return { status: "unresolved", source: SOURCE, reason: "no-version" };
  const r = await http.get(`${proxy}${escapeModulePath(module)}/@v/${escapeModulePath(version)}.info`);
  if (!r.ok) return answerFromHttp(SOURCE, r);
  const doc = parseBody(SOURCE, r.body);
  if (!isRecord(doc)) return { status: "failed", source: SOURCE, reason: "bad-response" };
  const url = isRecord(doc.Origin) ? str(doc.Origin.URL) : undefined;
  if (url === undefined) return { status: "unresolved", source: SOURCE, reason: "no-repository" };
  return { status: "resolved", source: SOURCE, facts: withRepository(url) };
}

function withRepository(url: string): ReturnType<typeof emptyFacts> {
  const facts = emptyFacts();
  const repository = repositoryFacts(url);
  if (repository !== undefined) facts.repository = repository;
  return facts;
}
