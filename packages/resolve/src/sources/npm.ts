/**
 * npm: the version document of a package (`GET <registry>/<name>/<version>`, the registry API's
 * per-version manifest), which carries the publish-time `maintainers`, `repository`, `funding`,
 * `author` and `contributors`. Much smaller than the full packument.
 */
import type { HttpClient } from "../http.ts";
import { registryFor, type NpmRegistries } from "../npm-config.ts";
import {
  addFunding,
  addMaintainer,
  addPerson,
  answerFromHttp,
  emptyFacts,
  fundingUrls,
  isRecord,
  parseBody,
  personOf,
  repositoryFacts,
  str,
  type Answer,
} from "../facts.ts";

const SOURCE = "npm";

/** The registry path of a package: scoped names keep `@` and escape the `/`. */
export function npmPath(name: string): string {
  return name.startsWith("@") ? `@${encodeURIComponent(name.slice(1))}` : encodeURIComponent(name);
}

export async function resolveNpm(
  http: HttpClient,
  registries: NpmRegistries,
  name: string,
  version: string | undefined,
): Promise<Answer> {
  const base = registryFor(registries, name);
  const url = `${base}${npmPath(name)}/${encodeURIComponent(version ?? "latest")}`;
  const r = await http.get(url);
  if (!r.ok) return answerFromHttp(SOURCE, r);
  const doc = parseBody(SOURCE, r.body);
  if (!isRecord(doc)) return { status: "failed", source: SOURCE, reason: "bad-response" };
  return { status: "resolved", source: SOURCE, facts: npmFacts(doc) };
}

export function npmFacts(doc: Record<string, unknown>): ReturnType<typeof emptyFacts> {
  const facts = emptyFacts();
  if (Array.isArray(doc.maintainers))
    for (const m of doc.maintainers) {
      const user = isRecord(m) ? str(m.name) : typeof m === "string" ? m.split(" <")[0] : undefined;
      if (user !== undefined && /^[a-z0-9][a-z0-9._-]*$/i.test(user))
        addMaintainer(facts, `npm:${user.toLowerCase()}`, "person");
    }
  const repo = doc.repository;
  const repository = repositoryFacts(
    typeof repo === "string" ? repo : isRecord(repo) ? str(repo.url) : undefined,
  );
  if (repository !== undefined) facts.repository = repository;
  addFunding(facts, fundingUrls(doc.funding), "npm:funding");
  addPerson(facts, personOf(doc.author as never), "author");
  if (Array.isArray(doc.contributors))
    for (const c of doc.contributors) addPerson(facts, personOf(c as never), "contributor");
  const license =
    typeof doc.license === "string" ? doc.license : isRecord(doc.license) ? str(doc.license.type) : undefined;
  if (license !== undefined) facts.license = license;
  return facts;
}
