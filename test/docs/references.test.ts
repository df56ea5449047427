/**
 * The docs cite only what exists: relative links and their #anchors, repository paths in
 * backticks, and `docs/<page>.md#<anchor>` references in code comments. And the repository
 * stands on its own: nothing in it cites the design notes that live outside it (docs/design.md
 * restates them).
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Paths the docs name before they exist: what a reader is told to create, or a default output directory. */
const NOT_YET_WRITTEN = new Set([
  "deploy/addresses", // where deployments write their address files (docs/server.md, DEPLOYMENTS_DIR)
  "deploy/parameters/remote.json", // the parameters an operator writes for a real network (docs/deployment.md)
]);

/** Top-level folders: a backticked word starting with one of these is a repository path. */
const REPO_PATH = /^(?:\.ci|contracts|deploy|docs|packages|scripts|test)\/[\w./@-]*$/;

const git = (...args: string[]): string => execFileSync("git", args, { cwd: root, encoding: "utf8" });
const tracked = git("ls-files", "-z").split("\0").filter(Boolean);
const read = (file: string): string => readFileSync(path.join(root, file), "utf8");

function isIgnored(file: string): boolean {
  for (const p of [file, `${file.replace(/\/$/, "")}/`]) {
    try {
      git("check-ignore", "-q", "--", p);
      return true;
    } catch {
      // exit status 1: not ignored
    }
  }
  return false;
}

/** Markdown outside fenced code blocks (code samples show paths of the reader's own project). */
function prose(markdown: string): string {
  let fenced = false;
  return markdown
    .split("\n")
    .filter((line) => {
      if (/^\s*```/.test(line)) fenced = !fenced;
      else return !fenced;
      return false;
    })
    .join("\n");
}

/** GitHub's heading anchors: lower case, punctuation dropped, each space a hyphen; repeats get -1, -2. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of prose(markdown).split("\n")) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const text = heading.replace(/\[([^\]]*)\]\([^)]*\)/g, "$1");
    const slug = text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/\s/g, "-");
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    anchors.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return anchors;
}

/** The comment lines and trailing `// …` comments of a source file (strings may name docs paths as data). */
function comments(source: string): string {
  return source
    .split("\n")
    .map((line) => {
      if (/^\s*(?:\/\/|\/\*|\*|#)/.test(line)) return line;
      const at = line.indexOf("// ");
      return at >= 0 ? line.slice(at) : "";
    })
    .join("\n");
}

const anchorCache = new Map<string, Set<string>>();
function hasAnchor(file: string, anchor: string): boolean {
  let anchors = anchorCache.get(file);
  if (!anchors) anchorCache.set(file, (anchors = anchorsOf(read(file))));
  return anchors.has(anchor);
}

/** Problems with one reference to `target` (a repository path, optionally `#anchor`), else undefined. */
function checkTarget(target: string): string | undefined {
  const [file = "", anchor] = target.split("#");
  if (file !== "" && !existsSync(path.join(root, file)) && !isIgnored(file) && !NOT_YET_WRITTEN.has(file)) {
    return `${file} does not exist`;
  }
  if (anchor !== undefined && file.endsWith(".md") && !hasAnchor(file, anchor)) {
    return `${file} has no heading #${anchor}`;
  }
  return undefined;
}

describe("documentation references", () => {
  // Test fixtures' READMEs describe other repositories (their sources), whose paths are not ours.
  const markdown = tracked.filter((f) => f.endsWith(".md") && !/\/test\/fixtures\//.test(f));

  it("links and backticked repository paths in Markdown name files and headings that exist", () => {
    const problems: string[] = [];
    for (const doc of markdown) {
      const text = prose(read(doc));
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(target!)) continue; // http:, mailto:, …
        const resolved = target!.startsWith("#")
          ? `${doc}${target}`
          : path.posix.normalize(path.posix.join(path.posix.dirname(doc), target!));
        const problem = checkTarget(resolved);
        if (problem) problems.push(`${doc}: link (${target}): ${problem}`);
      }
      for (const [, word] of text.matchAll(/`([^`\s]+)`/g)) {
        if (!REPO_PATH.test(word!)) continue;
        const problem = checkTarget(word!.replace(/[.:]$/, ""));
        if (problem) problems.push(`${doc}: \`${word}\`: ${problem}`);
      }
    }
    assert.deepEqual(problems, []);
  });

  it("code comments cite docs pages and sections that exist", () => {
    const problems: string[] = [];
    for (const file of tracked.filter((f) => /\.(ts|js|cjs|sol|sh)$/.test(f))) {
      for (const [ref] of comments(read(file)).matchAll(/\bdocs\/[\w-]+\.md(?:#[\w-]+)?/g)) {
        const problem = checkTarget(ref);
        if (problem) problems.push(`${file}: ${ref}: ${problem}`);
      }
    }
    assert.deepEqual(problems, []);
  });

  it("nothing cites the design notes outside the repository", () => {
    const outside = ["DESIGN", "md"].join(".");
    const citing = tracked.filter(
      (f) => !/\.(png|jpg|ico|woff2?|bin|gz|wasm)$/.test(f) && read(f).includes(outside),
    );
    assert.deepEqual(citing, []);
  });

  it("the checks see a broken reference", () => {
    assert.match(checkTarget("docs/no-such-page.md") ?? "", /does not exist/);
    assert.match(checkTarget("docs/design.md#no-such-heading") ?? "", /no heading/);
    assert.equal(checkTarget("docs/design.md#leaf-format-and-proofs"), undefined);
    assert.deepEqual(
      [...anchorsOf("# A `b` — c\n```\n# not a heading\n```\n## A `b` — c\n### x.y (z)")],
      ["a-b--c", "a-b--c-1", "xy-z"],
    );
  });
});
