import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { getAddress } from "viem";
import { GitHubVerifier } from "../src/attestor/github.ts";
import { identityVerifiers } from "../src/attestor/verifiers.ts";
import { loadConfig } from "../src/config.ts";
import { isForbiddenAddress } from "../src/attestor/guarded-fetch.ts";
import { WellKnownVerifier } from "../src/attestor/well-known.ts";
import { isServerError } from "../src/errors.ts";
import { fundingJson, StandIn } from "./attestor-stand-in.ts";

const PAYEE = getAddress("0x00000000000000000000000000000000000000a1");
const OTHER = getAddress("0x00000000000000000000000000000000000000b2");

/** Runs `work` and returns the refusal's reason, code and messages; fails if it did not refuse. */
async function refusalOf(work: Promise<unknown>) {
  try {
    await work;
  } catch (error) {
    assert.ok(isServerError(error), String(error));
    return {
      code: error.code,
      reason: error.reason,
      message: error.shortMessage,
      details: error.details ?? "",
    };
  }
  assert.fail("expected a refusal");
}

describe("GitHub verifier against the REST stand-in", () => {
  let gh: StandIn;
  let verifier: GitHubVerifier;
  before(async () => {
    gh = await new StandIn().listen();
    verifier = new GitHubVerifier({ apiUrl: `${gh.url}/api`, token: "test-token" });
  });
  after(() => gh.close());
  const verify = (identity: string, proof: { repository?: string; gist?: string } = {}, payee = PAYEE) =>
    verifier.verify(identity, payee, { method: "github", ...proof });

  it("finds the manifest in <login>/.github, resolves the numeric id and sends the token", async () => {
    const alice = gh.addUser("Alice", 101);
    gh.addRepo(alice, ".github", { "funding.json": fundingJson("alice", PAYEE) });
    const found = await verify("github:alice");
    assert.equal(found.subjectId, "101");
    assert.equal(found.name, "funding.json");
    assert.equal(found.source, `${gh.url}/api/repos/Alice/.github/contents/funding.json`);
    assert.equal(Buffer.from(found.content).toString(), fundingJson("alice", PAYEE));
    assert.ok(gh.calls.every((c) => c.authorization === "Bearer test-token"));
  });

  it("falls back to the profile repository <login>/<login>, and reads FUNDING.json", async () => {
    const bo = gh.addUser("bo", 102);
    gh.addRepo(bo, "bo", {
      "FUNDING.json": JSON.stringify({
        wellspring: { contributors: [{ identity: "github:bo", payout: PAYEE }] },
      }),
    });
    const found = await verify("github:bo");
    assert.equal(found.name, "FUNDING.json");
    assert.equal(found.subjectId, "102");
  });

  it("reads a repository the request names, a gist, and an identity given by numeric id", async () => {
    const cy = gh.addUser("cy", 103);
    gh.addRepo(cy, "tool", { "funding.json": fundingJson("cy", PAYEE) });
    assert.match(
      (await verify("github:cy", { repository: "tool" })).source,
      /\/repos\/cy\/tool\/contents\/funding\.json$/,
    );
    gh.gists.set("abc123", { owner: cy, files: { "funding.json": fundingJson("cy", PAYEE) } });
    assert.match((await verify("github:cy", { gist: "abc123" })).source, /\/gists\/abc123$/);
    assert.equal((await verify("github:103", { repository: "tool" })).subjectId, "103");
  });

  it("refuses, saying what to do next: no account, no manifest, wrong payee, invalid manifest", async () => {
    let r = await refusalOf(verify("github:nobody-here"));
    assert.equal(r.reason, "ACCOUNT_NOT_FOUND");
    assert.equal(r.code, "BINDING_REJECTED");
    r = await refusalOf(verify("github:not_a_login"));
    assert.equal(r.reason, "ACCOUNT_NOT_FOUND");

    gh.addUser("dee", 104);
    r = await refusalOf(verify("github:dee"));
    assert.equal(r.reason, "MANIFEST_NOT_FOUND");
    assert.match(r.message, /github\.com\/dee\/\.github, github\.com\/dee\/dee/);
    assert.match(
      r.details,
      new RegExp(`put a funding.json whose funding.channels\\[\\].address is ${PAYEE}`),
    );

    const eve = gh.addUser("eve", 105);
    gh.addRepo(eve, ".github", { "funding.json": fundingJson("eve", OTHER) });
    r = await refusalOf(verify("github:eve"));
    assert.equal(r.reason, "PAYEE_NOT_NAMED");
    assert.match(r.details, /then retry$/);

    const fay = gh.addUser("fay", 106);
    gh.addRepo(fay, ".github", { "funding.json": '{"version": "v1.0.0"}' });
    r = await refusalOf(verify("github:fay"));
    assert.equal(r.reason, "MANIFEST_INVALID");
  });

  it("refuses a repository or gist the account does not own (a moved repository answers for its new owner)", async () => {
    const gus = gh.addUser("gus", 107);
    const mallory = gh.addUser("mallory", 666);
    gh.repos.set("gus/moved", mallory);
    gh.files.set("gus/moved/funding.json", fundingJson("gus", PAYEE));
    let r = await refusalOf(verify("github:gus", { repository: "moved" }));
    assert.equal(r.reason, "NOT_OWNER");
    assert.equal(r.code, "BINDING_DENIED");
    gh.gists.set("def456", { owner: mallory, files: { "funding.json": fundingJson("gus", PAYEE) } });
    r = await refusalOf(verify("github:gus", { gist: "def456" }));
    assert.equal(r.reason, "NOT_OWNER");
    // Without a named repository a moved default location is skipped, not trusted.
    gh.repos.set("gus/.github", mallory);
    gh.files.set("gus/.github/funding.json", fundingJson("gus", PAYEE));
    r = await refusalOf(verify("github:gus"));
    assert.equal(r.reason, "MANIFEST_NOT_FOUND");
    void gus;
  });

  it("turns rate limits (403 with x-ratelimit-remaining 0, 429) and outages into retryable refusals", async () => {
    gh.addUser("hal", 108);
    try {
      gh.failure = "rate-limit-403";
      let r = await refusalOf(verify("github:hal"));
      assert.equal(r.code, "VERIFIER_UNAVAILABLE");
      assert.equal(r.reason, "SOURCE_RATE_LIMITED");
      assert.match(r.message, /retry in 1[12]\d seconds/);
      gh.failure = "rate-limit-429";
      r = await refusalOf(verify("github:hal"));
      assert.equal(r.reason, "SOURCE_RATE_LIMITED");
      assert.match(r.message, /retry in 30 seconds/);
      gh.failure = "500";
      r = await refusalOf(verify("github:hal"));
      assert.equal(r.reason, "SOURCE_UNAVAILABLE");
    } finally {
      gh.failure = undefined;
    }
    const down = new GitHubVerifier({ apiUrl: "http://127.0.0.1:9", timeoutMs: 2_000 });
    const r = await refusalOf(down.verify("github:hal", PAYEE, { method: "github" }));
    assert.equal(r.reason, "SOURCE_UNAVAILABLE");
  });
});

describe("project-domain verifier (/.well-known/funding-manifest-urls) against a stand-in web root", () => {
  let web: StandIn;
  let domain: string;
  const local = () => new WellKnownVerifier({ scheme: "http", allowPrivate: true, timeoutMs: 2_000 });
  before(async () => {
    web = await new StandIn().listen();
    domain = `localhost:${web.port}`;
  });
  after(() => web.close());

  it("accepts a manifest the domain lists that names the payee", async () => {
    const manifestUrl = `http://${domain}/funding.json`;
    web.web.set("/.well-known/funding-manifest-urls", [200, `# ours\n${manifestUrl}\n`]);
    web.web.set("/funding.json", [200, fundingJson("proj", PAYEE)]);
    const found = await local().verify(`url:${domain}`, PAYEE, { method: "well-known" });
    assert.equal(found.source, manifestUrl);
    assert.equal(
      (await local().verify(`url:${domain}`, PAYEE, { method: "well-known", manifestUrl })).source,
      manifestUrl,
    );
  });

  it("refuses: no list, an unlisted URL, no manifest naming the payee, a bad domain", async () => {
    web.web.delete("/.well-known/funding-manifest-urls");
    let r = await refusalOf(local().verify(`url:${domain}`, PAYEE, { method: "well-known" }));
    assert.equal(r.reason, "MANIFEST_NOT_FOUND");
    assert.match(r.details, /^publish http:\/\/localhost:\d+\/\.well-known\/funding-manifest-urls listing/);

    web.web.set("/.well-known/funding-manifest-urls", [200, `http://${domain}/funding.json\n`]);
    r = await refusalOf(
      local().verify(`url:${domain}`, PAYEE, {
        method: "well-known",
        manifestUrl: `http://${domain}/other.json`,
      }),
    );
    assert.equal(r.reason, "DOMAIN_NOT_AUTHORISED");
    assert.equal(r.code, "BINDING_DENIED");

    r = await refusalOf(local().verify(`url:${domain}`, OTHER, { method: "well-known" }));
    assert.equal(r.reason, "PAYEE_NOT_NAMED");

    r = await refusalOf(local().verify("url:example.org/path", PAYEE, { method: "well-known" }));
    assert.equal(r.reason, "METHOD_UNSUPPORTED");
  });

  it("never reaches private or loopback addresses in production mode (https, no stand-in)", async () => {
    const production = new WellKnownVerifier({ scheme: "http", allowPrivate: false, timeoutMs: 2_000 });
    let r = await refusalOf(production.verify(`url:127.0.0.1:${web.port}`, PAYEE, { method: "well-known" }));
    assert.equal(r.reason, "ADDRESS_FORBIDDEN");
    // A name resolving to loopback is judged by the address actually dialled.
    r = await refusalOf(production.verify(`url:${domain}`, PAYEE, { method: "well-known" }));
    assert.equal(r.reason, "ADDRESS_FORBIDDEN");
    for (const a of [
      "127.0.0.1",
      "10.1.2.3",
      "169.254.169.254",
      "192.168.0.1",
      "::1",
      "fd00::1",
      "::ffff:127.0.0.1",
    ])
      assert.equal(isForbiddenAddress(a), true, a);
    for (const a of ["93.184.216.34", "2606:2800:220:1::"]) assert.equal(isForbiddenAddress(a), false, a);
  });
});

describe("ATTESTOR_VERIFIERS configuration", () => {
  it("enables GitHub and project domains by default, none with `none`, and refuses unknown methods", () => {
    const methods = (env: Record<string, string>) => identityVerifiers(loadConfig(env)).map((v) => v.method);
    assert.deepEqual(methods({}), ["github", "well-known"]);
    assert.deepEqual(methods({ ATTESTOR_VERIFIERS: "none" }), []);
    assert.deepEqual(methods({ ATTESTOR_VERIFIERS: "well-known" }), ["well-known"]);
    assert.throws(
      () => loadConfig({ ATTESTOR_VERIFIERS: "github,oauth" }),
      (error: unknown) =>
        isServerError(error, "CONFIG_INVALID") &&
        /ATTESTOR_VERIFIERS: unknown proof method "oauth"/.test(error.details ?? ""),
    );
    assert.equal(loadConfig({}).GITHUB_API_URL, "https://api.github.com");
  });
});
