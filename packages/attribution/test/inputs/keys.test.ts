import { test } from "node:test";
import assert from "node:assert/strict";
import {
  componentKey,
  normalisePurl,
  normaliseRepositoryUrl,
  npmKey,
  modelKey,
  datasetKey,
} from "../../src/inputs/keys.ts";
import {
  emailIdentity,
  fundingUrlIdentity,
  parsePersonString,
  personIdentity,
  gitHubOwnerIdentity,
  firstGitHubOwner,
  sha256Hex,
} from "../../src/inputs/identity.ts";

test("npm keys are purls with the scope encoded", () => {
  assert.equal(npmKey("@babel/core", "7.0.0"), "pkg:npm/%40babel/core@7.0.0");
  assert.equal(npmKey("left-pad", "1.3.0"), "pkg:npm/left-pad@1.3.0");
  assert.equal(npmKey("JSONStream", "1.3.5"), "pkg:npm/jsonstream@1.3.5");
  assert.equal(npmKey("x", "1.0.0-rc.1+build.5"), "pkg:npm/x@1.0.0-rc.1%2Bbuild.5");
  assert.equal(componentKey({ npm: "@a/b", version: "1.0.0" }), "pkg:npm/%40a/b@1.0.0");
});

test("purls from SBOM tools normalise to the lockfile's key", () => {
  const key = npmKey("@babel/helper-string-parser", "7.19.4");
  for (const purl of [
    "pkg:npm/%40babel/helper-string-parser@7.19.4#packages/babel-helper-string-parser",
    "pkg:npm/@babel/helper-string-parser@7.19.4",
    "PKG:NPM/%40babel/helper-string-parser@7.19.4?vcs_url=git%2Bhttps%3A//github.com/babel/babel.git",
    "pkg://npm/%40Babel/Helper-String-Parser@7.19.4",
  ]) {
    assert.equal(normalisePurl(purl), key, purl);
  }
  assert.equal(normalisePurl("pkg:npm/x@1.0.0-rc.1+build.5"), npmKey("x", "1.0.0-rc.1+build.5"));
  assert.equal(normalisePurl("pkg:pypi/Django_Rest@3.0"), "pkg:pypi/django-rest@3.0");
  assert.equal(normalisePurl("pkg:maven/org.Apache/Commons@1.0"), "pkg:maven/org.Apache/Commons@1.0");
  assert.equal(normalisePurl("not a purl"), undefined);
  assert.equal(normalisePurl("pkg:npm"), undefined);
});

test("repository URLs normalise across npm's spellings", () => {
  for (const url of [
    "git+https://github.com/Babel/babel.git#packages/x",
    "https://github.com/babel/babel",
    "git@github.com:babel/babel.git",
    "github:babel/babel",
    "git://github.com/babel/babel.git",
    "ssh://git@github.com:22/babel/babel.git",
    "https://www.github.com/babel/babel/",
  ]) {
    assert.equal(normaliseRepositoryUrl(url), "github.com/babel/babel", url);
  }
  assert.equal(normaliseRepositoryUrl("https://git.example.org/Team/Repo.git"), "git.example.org/Team/Repo");
  assert.equal(componentKey({ repository: "https://github.com/a/b.git" }), "git:github.com/a/b");
});

test("Hugging Face models and datasets get revision-free keys from ids and URLs", () => {
  assert.equal(modelKey("google-bert/bert-base-cased"), "pkg:huggingface/google-bert/bert-base-cased");
  assert.equal(
    modelKey("https://huggingface.co/Google-BERT/bert-base-cased"),
    "pkg:huggingface/google-bert/bert-base-cased",
  );
  assert.equal(
    modelKey("pkg:huggingface/google-bert/bert-base-cased@CD5EF92A"),
    "pkg:huggingface/google-bert/bert-base-cased",
  );
  assert.equal(
    datasetKey("https://huggingface.co/datasets/wikimedia/wikipedia"),
    "dataset:huggingface/wikimedia/wikipedia",
  );
  assert.equal(datasetKey("Wikimedia/Wikipedia"), "dataset:huggingface/wikimedia/wikipedia");
});

test("e-mail identities: noreply addresses become GitHub ids, others are hashed", () => {
  assert.equal(emailIdentity("12345+Octo-Cat@users.noreply.github.com"), "github:12345");
  assert.equal(emailIdentity(" Octocat@Users.NoReply.GitHub.com "), "github:octocat");
  const hashed = emailIdentity("  Jane.Doe@Example.ORG ");
  assert.equal(hashed, `email-sha256:${sha256Hex("jane.doe@example.org")}`);
  assert.ok(!(hashed as string).includes("example"), "no raw e-mail in an identity");
  assert.equal(emailIdentity("   "), undefined);
});

test("person strings, profile URLs and funding URLs", () => {
  assert.deepEqual(parsePersonString("Barney Rubble <b@rubble.com> (http://barnyrubble.tumblr.com/)"), {
    name: "Barney Rubble",
    email: "b@rubble.com",
    url: "http://barnyrubble.tumblr.com/",
  });
  assert.deepEqual(parsePersonString("raffy.eth"), { name: "raffy.eth" });
  assert.deepEqual(parsePersonString("a@b.co"), { email: "a@b.co" });
  assert.equal(personIdentity({ name: "X", url: "https://github.com/Sindresorhus" }), "github:sindresorhus");
  assert.equal(
    personIdentity({ name: "0xAbCdEf0123456789aBcDeF0123456789AbCdEf01" }),
    "0xabcdef0123456789abcdef0123456789abcdef01",
  );
  assert.equal(personIdentity({ name: "The Babel Team" }), undefined);
  assert.equal(
    personIdentity({ name: "isaacs", email: "i@izs.me" }, { npmUserName: true }),
    emailIdentity("i@izs.me"),
  );
  assert.equal(personIdentity({ name: "isaacs" }, { npmUserName: true }), "npm:isaacs");
  assert.equal(fundingUrlIdentity("https://github.com/sponsors/ljharb"), "github:ljharb");
  assert.equal(fundingUrlIdentity("https://opencollective.com/Mochajs"), "opencollective:mochajs");
  assert.equal(
    fundingUrlIdentity("https://tidelift.com/funding/github/npm/debug"),
    "url:tidelift.com/funding/github/npm/debug",
  );
  assert.equal(gitHubOwnerIdentity("git+https://github.com/adraffy/ens-normalize.js.git"), "github:adraffy");
  assert.equal(gitHubOwnerIdentity("https://gitlab.com/a/b"), undefined);
});

test("a package naming no people is credited to the owner of its first GitHub location", () => {
  assert.deepEqual(
    firstGitHubOwner([
      ["downloadLocation", "https://gitlab.com/a/b"],
      ["homepage", "https://github.com/Acme/site"],
    ]),
    { field: "homepage", identity: "github:acme" },
  );
  assert.deepEqual(
    firstGitHubOwner([
      ["downloadLocation", "git+https://github.com/first/x.git"],
      ["homepage", "https://github.com/second/y"],
    ]),
    { field: "downloadLocation", identity: "github:first" },
  );
  assert.equal(
    firstGitHubOwner([
      ["downloadLocation", undefined],
      ["homepage", "https://example.org"],
    ]),
    undefined,
  );
});

test("property: lockfile keys and SBOM purls agree for any npm name and version", async () => {
  const fc = (await import("fast-check")).default;
  const { parsePurl, formatPurl } = await import("../../src/inputs/keys.ts");
  const chars = fc.constantFrom(..."abcdefghijklmnopqrstuvwxyzABCZ0123456789-._~!*'()".split(""));
  const word = fc.string({ unit: chars, minLength: 1, maxLength: 12 });
  const version = fc.string({
    unit: fc.constantFrom(..."0123456789.-+abcXYZ_:".split("")),
    minLength: 1,
    maxLength: 14,
  });
  fc.assert(
    fc.property(fc.option(word, { nil: undefined }), word, version, (scope, name, v) => {
      const full = scope === undefined ? name : `@${scope}/${name}`;
      const key = npmKey(full, v);
      // The key is a fixed point of normalisation (fast path and slow path agree) …
      assert.equal(normalisePurl(key), key);
      const parsed = parsePurl(key);
      assert.ok(parsed !== undefined);
      assert.equal(formatPurl(parsed), key);
      // … and the spellings SBOM tools use normalise to it.
      const raw = `pkg:npm/${scope === undefined ? "" : `@${scope}/`}${encodeURIComponent(name)}@${encodeURIComponent(v)}`;
      assert.equal(normalisePurl(raw), key, raw);
      assert.equal(normalisePurl(`${key}?vcs_url=x#sub/dir`), key);
    }),
    { numRuns: 2000 },
  );
});

test("property: an e-mail identity never contains the address", async () => {
  const fc = (await import("fast-check")).default;
  fc.assert(
    fc.property(fc.emailAddress(), (email) => {
      const id = emailIdentity(email) as string;
      assert.match(id, /^(github:[^@\s]+|email-sha256:[0-9a-f]{64})$/);
      if (!email.toLowerCase().endsWith("@users.noreply.github.com"))
        assert.equal(id, `email-sha256:${sha256Hex(email.trim().toLowerCase())}`);
    }),
    { numRuns: 500 },
  );
});
