/** Resolution snapshots (inputs/resolution.ts): identity precedence, content address, aliases. */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  contributorsByPrecedence,
  detectFormat,
  emailIdentity,
  readInputs,
  resolutionContentHash,
  type ResolvedComponent,
} from "../../src/inputs/index.ts";
import { caught, fromText, RecordingSink } from "./helpers.ts";

const EMPTY = { funding: [], maintainers: [], people: [] };

function entry(extra: Partial<ResolvedComponent> = {}): ResolvedComponent {
  return {
    status: "resolved",
    source: "npm",
    kind: "package",
    name: "a",
    version: "1.0.0",
    ...EMPTY,
    ...extra,
  };
}

function snapshot(
  components: Record<string, ResolvedComponent>,
  aliases: Record<string, string> = {},
): string {
  const body = { wellspringResolution: 1 as const, sources: {}, components, aliases };
  return JSON.stringify({ ...body, contentHash: resolutionContentHash(body) });
}

const LOCKFILE = JSON.stringify({
  name: "app",
  version: "1.0.0",
  lockfileVersion: 3,
  packages: {
    "": { name: "app", version: "1.0.0", dependencies: { a: "1.0.0" } },
    "node_modules/a": { version: "1.0.0" },
  },
});

const identityArb = fc.constantFrom(
  "github:alice",
  "github:acme",
  "npm:bob",
  "opencollective:acme",
  "email-sha256:" + "1".repeat(64),
  "0x00000000000000000000000000000000000000a1",
);
const componentArb = fc.record({
  funding: fc.array(fc.record({ identity: identityArb, from: fc.constant("npm:funding") }), { maxLength: 3 }),
  maintainers: fc.array(
    fc.record({ identity: identityArb, kind: fc.constantFrom("person" as const, "organisation" as const) }),
    { maxLength: 3 },
  ),
  people: fc.array(
    fc.record({ identity: identityArb, role: fc.constantFrom("author" as const, "contributor" as const) }),
    { maxLength: 3 },
  ),
  owner: fc.option(identityArb, { nil: undefined }),
});

test("precedence: funding, then maintainers and the repository owner, then the package's people, then nobody", () => {
  fc.assert(
    fc.property(componentArb, ({ funding, maintainers, people, owner }) => {
      const c = entry({
        funding,
        maintainers,
        people,
        ...(owner !== undefined ? { repository: { url: "github.com/x/y", owner } } : {}),
      });
      const { tier, contributors } = contributorsByPrecedence(c);
      const ids = contributors.map((x) => x.evidence.identity);
      const unique = (list: string[]): string[] => [...new Set(list)];
      const expected =
        funding.length > 0
          ? { tier: "funding", ids: unique(funding.map((f) => f.identity)) }
          : maintainers.length > 0 || owner !== undefined
            ? {
                tier: "maintainers",
                ids: unique([...maintainers.map((m) => m.identity), ...(owner !== undefined ? [owner] : [])]),
              }
            : people.length > 0
              ? { tier: "people", ids: unique(people.map((p) => p.identity)) }
              : { tier: "none", ids: [] };
      assert.equal(tier, expected.tier);
      assert.deepEqual(ids, expected.ids);
      for (const x of contributors) {
        assert.equal(x.evidence.source, "declared");
        assert.equal(x.evidence.weight, 1, "each identity of the tier counts once");
      }
    }),
  );
});

test("a funding manifest's weights and payout addresses are kept", () => {
  const { contributors } = contributorsByPrecedence(
    entry({
      funding: [
        {
          identity: "github:alice",
          weight: 3,
          payout: "0x00000000000000000000000000000000000000A1",
          from: "f",
        },
        { identity: "github:bob", from: "f" },
      ],
    }),
  );
  assert.deepEqual(
    contributors.map((c) => c.evidence),
    [
      {
        identity: "github:alice",
        source: "declared",
        weight: 3,
        payout: "0x00000000000000000000000000000000000000a1",
      },
      { identity: "github:bob", source: "declared", weight: 1 },
    ],
  );
});

test("the reader declares what the snapshot says, per tier, and is detected by content", () => {
  const file = fromText(
    "deps.resolution.json",
    snapshot({
      "pkg:npm/a@1.0.0": entry({
        maintainers: [{ identity: "npm:alice", kind: "person" }],
        repository: { url: "github.com/acme/a", owner: "github:acme" },
        people: [{ identity: "github:author", role: "author" }],
        license: "MIT",
      }),
      "pkg:npm/b@2.0.0": entry({ name: "b", version: "2.0.0", status: "unresolved", reason: "not-found" }),
    }),
  );
  assert.equal(detectFormat(file), "wellspring-resolution-v1");
  const sink = new RecordingSink();
  readInputs([fromText("package-lock.json", LOCKFILE), file], sink);
  assert.deepEqual(
    sink.contributors.get("pkg:npm/a@1.0.0")?.map((e) => e.identity),
    ["npm:alice", "github:acme"],
  );
  assert.equal(sink.contributors.get("pkg:npm/b@2.0.0"), undefined);
  assert.equal(sink.components.get("pkg:npm/a@1.0.0")?.license, "MIT");
});

test("a snapshot changed after resolve wrote it is refused: contentHash names the problem", () => {
  const text = snapshot({
    "pkg:npm/a@1.0.0": entry({ maintainers: [{ identity: "npm:alice", kind: "person" }] }),
  });
  const error = caught(() =>
    readInputs(
      [fromText("s.resolution.json", text.replace("npm:alice", "npm:mallory"))],
      new RecordingSink(),
      {
        root: "pkg:npm/a@1.0.0",
      },
    ),
  );
  assert.equal(error.code, "INPUT_SCHEMA");
  assert.equal(error.file, "s.resolution.json");
  assert.equal(error.field, "contentHash");
});

test("schema errors name the field", () => {
  const body = {
    wellspringResolution: 1,
    sources: {},
    aliases: {},
    components: {
      "pkg:npm/a@1.0.0": { ...entry(), maintainers: [{ identity: "Alice Smith", kind: "person" }] },
    },
  };
  const error = caught(() =>
    readInputs(
      [fromText("s.json", JSON.stringify({ ...body, contentHash: "sha256:" + "0".repeat(64) }))],
      new RecordingSink(),
    ),
  );
  assert.equal(error.code, "INPUT_SCHEMA");
  assert.equal(error.field, 'components["pkg:npm/a@1.0.0"].maintainers[0].identity');
});

test("aliases turn git e-mail identities into forge accounts in every input, whatever the order", () => {
  const mona = emailIdentity("mona@example.org")!;
  const gitlog =
    "# repository: https://github.com/octo/repo\n# source-of: pkg:npm/a@1.0.0\n" +
    "\x1eaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\x1f1700000000\x1fMona\x1fmona@example.org\n\n3\t1\tsrc/a.ts\n" +
    "\x1ebbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\x1f1700000100\x1fOther\x1fother@example.org\n\n1\t0\tREADME.md\n";
  const snap = fromText("s.resolution.json", snapshot({}, { [mona]: "github:octocat" }));
  for (const files of [
    [fromText("package-lock.json", LOCKFILE), fromText("repo.gitlog", gitlog), snap],
    [snap, fromText("repo.gitlog", gitlog), fromText("package-lock.json", LOCKFILE)],
  ]) {
    const sink = new RecordingSink();
    readInputs(files, sink);
    assert.deepEqual(
      sink.contributors
        .get("pkg:npm/a@1.0.0")
        ?.filter((e) => e.source === "git")
        .map((e) => e.identity),
      ["github:octocat", emailIdentity("other@example.org")],
    );
  }
});
