/**
 * The Rust crate registry: `GET <base>/api/v1/crates/<name>` (repository, homepage) and
 * `GET <base>/api/v1/crates/<name>/owners` (owner accounts; the registry logs in with GitHub, so a
 * user's `login` is a GitHub login and a team `github:<org>:<team>` names a GitHub organisation).
 */
import type { HttpClient } from "../http.ts";
import {
  addMaintainer,
  answerFromHttp,
  emptyFacts,
  isRecord,
  parseBody,
  repositoryFacts,
  str,
  type Answer,
  type Facts,
} from "../facts.ts";

const SOURCE = "crates";

export async function resolveCrate(
  http: HttpClient,
  base: string,
  name: string,
  version: string | undefined,
): Promise<Answer> {
  const [crate, owners] = await Promise.all([
    http.get(`${base}api/v1/crates/${encodeURIComponent(name)}`),
    http.get(`${base}api/v1/crates/${encodeURIComponent(name)}/owners`),
  ]);
  if (!crate.ok) return answerFromHttp(SOURCE, crate);
  const doc = parseBody(SOURCE, crate.body);
  if (!isRecord(doc) || !isRecord(doc.crate))
    return { status: "failed", source: SOURCE, reason: "bad-response" };
  const facts = crateFacts(doc, version);
  if (owners.ok) {
    const list = parseBody(SOURCE, owners.body);
    if (isRecord(list) && Array.isArray(list.users)) addOwners(facts, list.users);
  } else if (owners.status !== 404) return { status: "failed", source: SOURCE, reason: owners.reason };
  return { status: "resolved", source: SOURCE, facts };
}

export function crateFacts(doc: Record<string, unknown>, version: string | undefined): Facts {
  const facts = emptyFacts();
  const crate = doc.crate as Record<string, unknown>;
  const repository = repositoryFacts(str(crate.repository) ?? str(crate.homepage));
  if (repository !== undefined) facts.repository = repository;
  if (Array.isArray(doc.versions)) {
    const v = doc.versions.find((x) => isRecord(x) && x.num === version) as
      Record<string, unknown> | undefined;
    const license = v === undefined ? undefined : str(v.license);
    if (license !== undefined) facts.license = license;
  }
  return facts;
}

export function addOwners(facts: Facts, users: unknown[]): void {
  for (const u of users) {
    if (!isRecord(u)) continue;
    const login = str(u.login);
    if (login === undefined) continue;
    if (u.kind === "team") {
      // "github:<org>:<team>": the organisation is what can be bound.
      const org = login.split(":")[1];
      if (login.startsWith("github:") && org !== undefined)
        addMaintainer(facts, `github:${org.toLowerCase()}`, "organisation");
    } else addMaintainer(facts, `github:${login.toLowerCase()}`, "person");
  }
}
