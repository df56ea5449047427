/**
 * Git history as printed by one fixed command (GIT_LOG_ARGS), saved to a file or produced by
 * the CLI. `%aN`/`%aE` apply the repository's .mailmap. Optional header lines before the first
 * commit name the repository and the component it is the source of:
 *
 *   # repository: https://github.com/owner/name
 *   # source-of: pkg:npm/name@1.2.3
 */
import type { ComponentInfo, GraphSink, InputFile, InputParser } from "./types.ts";
import { repositoryKey } from "./keys.ts";
import { emailIdentity, isBotIdentityEmail } from "./identity.ts";
import { directContext, ROOT_REPOSITORY, schemaError, type ParseContext } from "./schema.ts";

const RS = "\x1e";
const US = "\x1f";

/** `%x1e` starts a commit; fields are separated by `%x1f`: hash, author time, author name, author e-mail. */
export const GIT_LOG_FORMAT = "%x1e%H%x1f%at%x1f%aN%x1f%aE";
export const GIT_LOG_ARGS: readonly string[] = [
  "-c",
  "core.quotepath=off",
  "log",
  "--no-merges",
  "--no-color",
  `--format=${GIT_LOG_FORMAT}`,
  "--numstat",
];

export interface GitLogHeader {
  repository?: string | undefined;
  sourceOf?: string | undefined;
}

/** The header the CLI writes in front of `git log` output so the file is self-describing. */
export function gitLogHeader(header: GitLogHeader): string {
  let out = "";
  if (header.repository !== undefined) out += `# repository: ${header.repository}\n`;
  if (header.sourceOf !== undefined) out += `# source-of: ${header.sourceOf}\n`;
  return out;
}

function isDecimal(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

function repoName(path: string): string {
  const base = path.slice(Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\")) + 1);
  return base.endsWith(".gitlog") ? base.slice(0, -".gitlog".length) : base;
}

export function parseGitLog(file: InputFile, sink: GraphSink, ctx: ParseContext = directContext(sink)): void {
  const path = file.path;
  const text = Buffer.from(file.bytes.buffer, file.bytes.byteOffset, file.bytes.byteLength).toString("utf8");
  const first = text.indexOf(RS);
  const header: GitLogHeader = {};
  const preamble = first >= 0 ? text.slice(0, first) : text;
  let lineNo = 0;
  for (const raw of preamble.split("\n")) {
    lineNo++;
    const line = raw.trim();
    if (line.length === 0) continue;
    if (!line.startsWith("#"))
      throw schemaError(
        path,
        `line ${lineNo}`,
        "expected a '# name: value' header or the first commit record",
      );
    const colon = line.indexOf(":");
    const name = colon > 0 ? line.slice(1, colon).trim().toLowerCase() : "";
    const value = colon > 0 ? line.slice(colon + 1).trim() : "";
    if (name === "repository") header.repository = value;
    else if (name === "source-of") header.sourceOf = value;
  }
  const repoKey = repositoryKey(header.repository ?? repoName(path));
  const repoInfo: ComponentInfo = { kind: "repository", name: header.repository ?? repoName(path) };

  // identity -> activity; insertion order does not matter, output is sorted below.
  const activity = new Map<string, Array<{ time: number; lines: number }>>();
  // author name -> the identities it committed under, to merge a person's e-mail forms.
  const byName = new Map<string, Set<string>>();
  let commits = 0;
  let pos = first;
  while (pos >= 0 && pos < text.length) {
    const next = text.indexOf(RS, pos + 1);
    const end = next >= 0 ? next : text.length;
    const nl = text.indexOf("\n", pos);
    const headEnd = nl >= 0 && nl < end ? nl : end;
    const fields = text.slice(pos + 1, headEnd).split(US);
    const field = `commit ${commits}`;
    if (fields.length !== 4)
      throw schemaError(path, field, "a commit record needs hash, time, author name and e-mail");
    const [hash, time, name, email] = fields as [string, string, string, string];
    if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(hash))
      throw schemaError(path, `${field}.hash`, `not a commit hash: ${hash}`);
    if (!isDecimal(time)) throw schemaError(path, `${field}.time`, `not a unix time: ${time}`);
    let lines = 0;
    let p = headEnd + 1;
    while (p < end) {
      let e = text.indexOf("\n", p);
      if (e < 0 || e > end) e = end;
      if (e > p) {
        const tab1 = text.indexOf("\t", p);
        const tab2 = tab1 >= 0 ? text.indexOf("\t", tab1 + 1) : -1;
        if (tab1 < 0 || tab2 < 0 || tab2 > e)
          throw schemaError(path, `${field}.numstat`, `not a numstat line: ${text.slice(p, e)}`);
        const added = text.slice(p, tab1);
        const deleted = text.slice(tab1 + 1, tab2);
        // Binary files show "-": the commit counts, with no lines.
        if (added !== "-") {
          if (!isDecimal(added) || !isDecimal(deleted))
            throw schemaError(path, `${field}.numstat`, `not a numstat line: ${text.slice(p, e)}`);
          lines += Number(added) + Number(deleted);
        }
      }
      p = e + 1;
    }
    commits++;
    pos = next;
    if (isBotAuthor(name, email)) continue;
    const identity = emailIdentity(email);
    if (identity === undefined) continue;
    let list = activity.get(identity);
    if (list === undefined) activity.set(identity, (list = []));
    list.push({ time: Number(time), lines });
    const author = name.trim();
    if (author.length > 0) {
      let forms = byName.get(author);
      if (forms === undefined) byName.set(author, (forms = new Set()));
      forms.add(identity);
    }
  }
  mergeNoReplyForms(activity, byName);

  const sourceOf = ctx.sourceOf ?? header.sourceOf;
  /** The history's people become contributors of `owner`: the component it is the source of. */
  const emit = (owner: string, field = "commits"): void => {
    if (owner === repoKey) sink.component(repoKey, repoInfo, { file: path, field: "(header)" });
    for (const identity of [...activity.keys()].sort()) {
      const list = activity.get(identity)!.sort((a, b) => a.time - b.time || a.lines - b.lines);
      sink.contributor(owner, { identity, source: "git", activity: list }, { file: path, field });
    }
  };
  if (sourceOf !== undefined) emit(sourceOf, "# source-of");
  else {
    ctx.proposeRoot(repoKey, { file: path, field: "(header)" }, ROOT_REPOSITORY);
    // Beside a lockfile or SBOM naming the product, a history nobody links is the product's.
    if (ctx.historyOfProduct !== undefined) ctx.historyOfProduct(emit);
    else emit(repoKey);
  }
}

/**
 * One person, several e-mail forms: when an author name (after .mailmap) committed under
 * exactly one GitHub no-reply identity and other addresses in this history, every commit of
 * that name counts for the no-reply identity (the claimable one). A name with two GitHub
 * identities is left as it is: it may be two people.
 */
function mergeNoReplyForms(
  activity: Map<string, Array<{ time: number; lines: number }>>,
  byName: ReadonlyMap<string, ReadonlySet<string>>,
): void {
  for (const forms of byName.values()) {
    if (forms.size < 2) continue;
    const github = [...forms].filter((f) => f.startsWith("github:"));
    if (github.length !== 1) continue;
    const into = activity.get(github[0]!)!;
    for (const form of forms) {
      if (form === github[0]) continue;
      const moved = activity.get(form);
      if (moved === undefined) continue; // already merged under another name
      for (const c of moved) into.push(c);
      activity.delete(form);
    }
  }
}

/** Automation accounts, by author name or e-mail local part: not people, never paid. */
const BOT_NAMES = new Set([
  "dependabot",
  "dependabot-preview",
  "renovate",
  "renovate-bot",
  "renovatebot",
  "github-actions",
  "greenkeeper",
  "greenkeeperio-bot",
  "snyk-bot",
  "semantic-release-bot",
  "allcontributors",
  "pre-commit-ci",
  "imgbot",
  "mergify",
]);

export function isBotAuthor(name: string, email: string): boolean {
  if (isBotIdentityEmail(email)) return true;
  const n = name.trim().toLowerCase();
  if (n.endsWith("[bot]") || BOT_NAMES.has(n)) return true;
  const e = email.trim().toLowerCase();
  const local = e.slice(0, Math.max(0, e.indexOf("@")));
  const plus = local.indexOf("+");
  const user = plus >= 0 ? local.slice(plus + 1) : local;
  return user.endsWith("[bot]") || BOT_NAMES.has(user);
}

export function looksLikeGitLog(bytes: Uint8Array): boolean {
  // Header lines or the first record separator within the first bytes.
  const limit = Math.min(bytes.length, 4096);
  for (let i = 0; i < limit; i++) {
    const b = bytes[i];
    if (b === 0x1e) return true;
    if (b === 0x0a || b === 0x20 || b === 0x0d) continue;
    if (b === 0x23) {
      while (i < limit && bytes[i] !== 0x0a) i++;
      continue;
    }
    return false;
  }
  return false;
}

export const gitLogParser: InputParser & {
  parse(file: InputFile, json: unknown, sink: GraphSink, ctx?: ParseContext): void;
} = {
  format: "git-log",
  detect(file: InputFile): boolean {
    return looksLikeGitLog(file.bytes);
  },
  parse(file: InputFile, _json: unknown, sink: GraphSink, ctx?: ParseContext): void {
    parseGitLog(file, sink, ctx ?? directContext(sink));
  },
};
