/**
 * PyPI: the JSON API (`GET <base>/pypi/<name>/<version>/json`). Its `info` carries the core
 * metadata: author/maintainer names and e-mails (people), `project_urls` (source repository,
 * funding links) and `home_page`. The JSON API does not list the index's owner accounts.
 */
import { emailIdentity } from "@wellspring/attribution/inputs";
import type { HttpClient } from "../http.ts";
import {
  addFunding,
  addPerson,
  answerFromHttp,
  emptyFacts,
  isRecord,
  parseBody,
  repositoryFacts,
  str,
  type Answer,
  type Facts,
} from "../facts.ts";

const SOURCE = "pypi";
const SOURCE_LABEL = /^(source|source code|code|repository|repo|github|gitlab|git)$/i;
const FUNDING_LABEL = /fund|sponsor|donat|tidelift|open ?collective|patreon/i;

export async function resolvePypi(
  http: HttpClient,
  base: string,
  name: string,
  version: string | undefined,
): Promise<Answer> {
  const path =
    version === undefined
      ? `pypi/${encodeURIComponent(name)}/json`
      : `pypi/${encodeURIComponent(name)}/${encodeURIComponent(version)}/json`;
  const r = await http.get(`${base}${path}`);
  if (!r.ok) return answerFromHttp(SOURCE, r);
  const doc = parseBody(SOURCE, r.body);
  if (!isRecord(doc) || !isRecord(doc.info))
    return { status: "failed", source: SOURCE, reason: "bad-response" };
  return { status: "resolved", source: SOURCE, facts: pypiFacts(doc.info) };
}

/** "A <a@x.org>, b@y.org" -> identities of the e-mail addresses. */
function emails(field: unknown): string[] {
  const text = str(field);
  if (text === undefined) return [];
  const out: string[] = [];
  for (const part of text.split(",")) {
    const m = /<([^>]+)>/.exec(part);
    const address = (m?.[1] ?? part).trim();
    if (address.includes("@")) {
      const id = emailIdentity(address);
      if (id !== undefined) out.push(id);
    }
  }
  return out;
}

export function pypiFacts(info: Record<string, unknown>): Facts {
  const facts = emptyFacts();
  const urls = isRecord(info.project_urls) ? info.project_urls : {};
  const funding: string[] = [];
  for (const [label, value] of Object.entries(urls)) {
    const url = str(value);
    if (url === undefined) continue;
    if (facts.repository === undefined && SOURCE_LABEL.test(label.trim()))
      facts.repository = repositoryFacts(url);
    else if (FUNDING_LABEL.test(label)) funding.push(url);
  }
  const home = str(info.home_page);
  if (facts.repository === undefined && home !== undefined && repositoryFacts(home)?.owner !== undefined)
    facts.repository = repositoryFacts(home);
  if (facts.repository === undefined) delete facts.repository;
  addFunding(facts, funding, "pypi:project_urls");
  for (const id of emails(info.author_email)) addPerson(facts, id, "author");
  for (const id of emails(info.maintainer_email)) addPerson(facts, id, "contributor");
  const license = str(info.license_expression) ?? str(info.license);
  if (license !== undefined && license.length < 100) facts.license = license;
  return facts;
}
