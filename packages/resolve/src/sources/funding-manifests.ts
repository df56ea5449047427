/**
 * Funding manifests a repository publishes, read from its default branch through a raw-file
 * base URL (`<raw>/<owner>/<repo>/HEAD/<file>`): FLOSS/fund `funding.json`, Drips / Wellspring
 * `FUNDING.json`, and GitHub's `.github/FUNDING.yml`. The first one found wins (in that order):
 * a project states how it wants to be paid in one place. `funding.json` and `FUNDING.json` are
 * read by the engine's own parsers, so the rules for them are stated once.
 */
import { parse as parseYaml } from "yaml";
import {
  fundingJsonParser,
  fundingUrlIdentity,
  fundingVariantsParser,
  inputFile,
  type ContributorEvidence,
  type GraphSink,
} from "@wellspring/attribution/inputs";
import type { HttpClient } from "../http.ts";
import { isRecord, type Facts } from "../facts.ts";

export const MANIFEST_FILES = ["funding.json", "FUNDING.json", ".github/FUNDING.yml"] as const;

export type ManifestAnswer =
  { found: true; url: string; funding: Facts["funding"] } | { found: false; reason: string };

/** GitHub's FUNDING.yml keys and the identity prefix / URL each stands for. */
const YAML_PLATFORMS: Record<string, (account: string) => string | undefined> = {
  github: (a) => `github:${a.toLowerCase()}`,
  open_collective: (a) => `opencollective:${a.toLowerCase()}`,
  patreon: (a) => `patreon:${a.toLowerCase()}`,
  ko_fi: (a) => `ko-fi:${a.toLowerCase()}`,
  liberapay: (a) => `liberapay:${a.toLowerCase()}`,
  buy_me_a_coffee: (a) => `buymeacoffee:${a.toLowerCase()}`,
  polar: (a) => `polar:${a.toLowerCase()}`,
  thanks_dev: (a) => `thanks.dev:${a.replace(/^\/?/, "").toLowerCase()}`,
  custom: (a) => fundingUrlIdentity(a),
};

/** Identities of a `.github/FUNDING.yml` (keys GitHub documents; unknown keys are ignored). */
export function fundingYmlIdentities(text: string): string[] {
  const doc = parseYaml(text) as unknown;
  if (!isRecord(doc)) return [];
  const out: string[] = [];
  for (const [key, value] of Object.entries(doc)) {
    const to = YAML_PLATFORMS[key];
    if (to === undefined) continue;
    const list = Array.isArray(value) ? value : [value];
    for (const v of list) {
      if (typeof v !== "string" || v.trim() === "") continue;
      const id = to(v.trim());
      if (id !== undefined && !out.includes(id)) out.push(id);
    }
  }
  return out;
}

/** Contributors the engine's own parser reads from a funding.json / FUNDING.json. */
function viaEngineParser(file: "funding.json" | "FUNDING.json", url: string, body: string): Facts["funding"] {
  const out: Facts["funding"] = [];
  const sink: GraphSink = {
    component: () => {},
    edge: () => {},
    root: () => {},
    contributor: (_key: string, e: ContributorEvidence) => {
      if (out.some((f) => f.identity === e.identity)) return;
      out.push({
        identity: e.identity,
        from: url,
        ...(e.weight !== undefined ? { weight: e.weight } : {}),
        ...(e.payout !== undefined ? { payout: e.payout } : {}),
      });
    },
  };
  const parser = file === "funding.json" ? fundingJsonParser : fundingVariantsParser;
  parser.parse(inputFile(url, new TextEncoder().encode(body)), undefined, sink, {
    proposeRoot: () => {},
    subject: "pkg:generic/manifest",
  });
  return out;
}

/** The funding manifest of a GitHub repository (`owner/repo`), if it publishes one. */
export async function fundingManifest(
  http: HttpClient,
  rawBase: string,
  repo: string,
): Promise<ManifestAnswer> {
  for (const file of MANIFEST_FILES) {
    const url = `${rawBase}${repo}/HEAD/${file}`;
    const r = await http.get(url, "text/plain, application/json");
    if (!r.ok) {
      if (r.status === 404) continue;
      return { found: false, reason: r.reason };
    }
    try {
      const funding =
        file === ".github/FUNDING.yml"
          ? fundingYmlIdentities(r.body).map((identity) => ({ identity, from: url }))
          : viaEngineParser(file, url, r.body);
      if (funding.length > 0) return { found: true, url, funding };
    } catch {
      // A manifest that does not parse states nothing; the next one may.
    }
  }
  return { found: false, reason: "none" };
}
