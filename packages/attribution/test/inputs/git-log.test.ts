import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  GIT_LOG_ARGS,
  gitLogHeader,
  inputFile,
  readInputs,
  emailIdentity,
  npmKey,
} from "../../src/inputs/index.ts";
import { sha256Hex } from "../../src/inputs/identity.ts";
import { caught, fromText, RecordingSink, REPO_ROOT } from "./helpers.ts";

function git(cwd: string, args: string[], env: Record<string, string> = {}): string {
  return execFileSync("git", args, {
    cwd,
    encoding: "utf8",
    env: {
      ...process.env,
      GIT_CONFIG_NOSYSTEM: "1",
      HOME: cwd,
      GIT_COMMITTER_NAME: "ci",
      GIT_COMMITTER_EMAIL: "ci@example.invalid",
      ...env,
    },
    maxBuffer: 256 << 20,
  });
}

function commit(
  cwd: string,
  file: string,
  content: string | Buffer,
  author: string,
  email: string,
  time: number,
): void {
  writeFileSync(join(cwd, file), content);
  git(cwd, ["add", file]);
  git(cwd, ["commit", "-q", "-m", `edit ${file}`], {
    GIT_AUTHOR_NAME: author,
    GIT_AUTHOR_EMAIL: email,
    GIT_AUTHOR_DATE: `${time} +0000`,
    GIT_COMMITTER_DATE: `${time} +0000`,
  });
}

test("a repository made here: noreply ids, mailmap, no-reply aliases, hashed e-mails, binary files, bots", () => {
  const dir = mkdtempSync(join(tmpdir(), "ws-gitlog-"));
  try {
    git(dir, ["init", "-q", "-b", "main"]);
    commit(dir, "a.txt", "one\ntwo\nthree\n", "Alice", "1001+alice@users.noreply.github.com", 1_700_000_000);
    commit(dir, "b.txt", "x\n", "Bob", "Bob@Example.ORG", 1_700_000_100);
    // Bob again under an old address, unified by .mailmap.
    commit(dir, "a.txt", "one\n2\nthree\nfour\n", "bobby", "bob@old.example", 1_700_000_200);
    commit(
      dir,
      "img.bin",
      Buffer.from([0, 1, 2, 0, 255]),
      "Carol",
      "carol@users.noreply.github.com",
      1_700_000_300,
    );
    commit(
      dir,
      "c.txt",
      "bump\n",
      "dependabot[bot]",
      "49699333+dependabot[bot]@users.noreply.github.com",
      1_700_000_400,
    );
    commit(dir, "d.txt", "deps\n", "renovate", "bot@renovateapp.com", 1_700_000_410);
    commit(dir, "e.txt", "ci\n", "github-actions", "github-actions@github.com", 1_700_000_420);
    // Dana commits from a work address and from her GitHub no-reply address: one person.
    commit(dir, "f.txt", "1\n2\n", "Dana", "dana@work.example", 1_700_000_430);
    commit(dir, "f.txt", "1\n", "Dana", "2002+dana@users.noreply.github.com", 1_700_000_440);
    writeFileSync(join(dir, ".mailmap"), "Bob <bob@example.org> <bob@old.example>\n");
    git(dir, ["add", ".mailmap"]);
    git(dir, ["commit", "-q", "-m", "mailmap"], {
      GIT_AUTHOR_NAME: "Alice",
      GIT_AUTHOR_EMAIL: "1001+alice@users.noreply.github.com",
      GIT_AUTHOR_DATE: "1700000500 +0000",
      GIT_COMMITTER_DATE: "1700000500 +0000",
    });

    const log =
      gitLogHeader({
        repository: "https://github.com/acme/widget.git",
        sourceOf: npmKey("widget", "1.0.0"),
      }) + git(dir, [...GIT_LOG_ARGS]);
    const sink = new RecordingSink();
    const manifest = fromText(
      "widget/package.json",
      JSON.stringify({
        name: "widget",
        version: "1.0.0",
        author: "Alice <1001+alice@users.noreply.github.com>",
      }),
    );
    readInputs([manifest, fromText("widget.gitlog", log)], sink);
    // The package (a manifest) outranks the repository as the product.
    assert.deepEqual(
      sink.roots.map((r) => r.key),
      [npmKey("widget", "1.0.0")],
    );
    // The history's people are the package's own contributors (no sibling repository component).
    const widget = npmKey("widget", "1.0.0");
    assert.equal(sink.components.get("git:github.com/acme/widget"), undefined);
    assert.deepEqual(sink.edges, []);
    const all = sink.contributors.get(widget) ?? [];
    assert.deepEqual(
      all.filter((c) => c.source === "declared").map((c) => [c.identity, c.named]),
      [["github:1001", true]],
    );
    const byIdentity = new Map(all.filter((c) => c.source === "git").map((c) => [c.identity, c]));
    const bob = `email-sha256:${sha256Hex("bob@example.org")}`;
    // Bots by [bot] suffix, name (renovate) and address (github-actions) are left out.
    assert.deepEqual(
      [...byIdentity.keys()].sort(),
      ["github:1001", "github:2002", "github:carol", bob].sort(),
    );
    assert.deepEqual(byIdentity.get("github:2002")?.activity, [
      { time: 1_700_000_430, lines: 2 },
      { time: 1_700_000_440, lines: 1 },
    ]);
    assert.deepEqual(byIdentity.get("github:1001")?.activity, [
      { time: 1_700_000_000, lines: 3 },
      { time: 1_700_000_500, lines: 1 },
    ]);
    // Mailmap merged Bob's two addresses; the second commit changed 2 lines and added 1.
    assert.deepEqual(byIdentity.get(bob)?.activity, [
      { time: 1_700_000_100, lines: 1 },
      { time: 1_700_000_200, lines: 3 },
    ]);
    // A binary file counts as a commit with no lines.
    assert.deepEqual(byIdentity.get("github:carol")?.activity, [{ time: 1_700_000_300, lines: 0 }]);
    assert.ok(
      !log.includes("example.org") || !JSON.stringify([...byIdentity.values()]).includes("example.org"),
    );
    for (const c of byIdentity.values()) assert.equal(c.source, "git");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a repository log on its own is the root; without a header it is named after the file", () => {
  const log = `\x1e${"a".repeat(40)}\x1f1700000000\x1fA\x1fa@example.org\n\n1\t1\tx\n`;
  const sink = new RecordingSink();
  readInputs([fromText("dir/mylib.gitlog", log)], sink);
  assert.deepEqual(
    sink.roots.map((r) => r.key),
    ["git:mylib"],
  );
  assert.deepEqual(sink.identities("git:mylib"), [emailIdentity("a@example.org")]);
});

test("this repository's own history parses, with no raw e-mail in any identity", () => {
  const out = execFileSync("git", [...GIT_LOG_ARGS], { cwd: REPO_ROOT, maxBuffer: 256 << 20 });
  const sink = new RecordingSink();
  readInputs([inputFile("wellspring.gitlog", out)], sink);
  const contributors = sink.contributors.get("git:wellspring") ?? [];
  assert.ok(contributors.length >= 1);
  const commits = contributors.reduce((n, c) => n + (c.activity?.length ?? 0), 0);
  const expected = Number(
    execFileSync("git", ["rev-list", "--count", "--no-merges", "HEAD"], {
      cwd: REPO_ROOT,
      encoding: "utf8",
    }).trim(),
  );
  assert.equal(commits, expected);
  for (const c of contributors) assert.match(c.identity, /^(github:[\w-]+|email-sha256:[0-9a-f]{64})$/);
});

test("malformed git logs name the commit and field", () => {
  const bad = `\x1e${"a".repeat(40)}\x1fyesterday\x1fA\x1fa@b.c\n`;
  const error = caught(() => readInputs([fromText("h.gitlog", bad)], new RecordingSink()));
  assert.equal(error.code, "INPUT_SCHEMA");
  assert.equal(error.field, "commit 0.time");
  const badStat = `\x1e${"a".repeat(40)}\x1f1\x1fA\x1fa@b.c\n\nx\ty\tz\n`;
  assert.equal(
    caught(() => readInputs([fromText("h.gitlog", badStat)], new RecordingSink())).field,
    "commit 0.numstat",
  );
});
