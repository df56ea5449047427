import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { getPayee, submitAttestation } from "@wellspring/sdk";
import { getAddress, toHex, zeroHash, type Address, type Hex } from "viem";
import { GitHubVerifier } from "../src/attestor/github.ts";
import { GitHubOAuth } from "../src/attestor/github-oauth.ts";
import type { Database } from "../src/db/database.ts";
import type { RunningServer } from "../src/http/server.ts";
import { BINDING_REQUEST_TYPES, bindingDomain } from "@wellspring/protocol";
import { StandIn } from "./attestor-stand-in.ts";
import { CHAIN_ID, startAttestor } from "./attestor-app.ts";
import type { deployChain } from "./chain-fixture.ts";
import { backends, json } from "./helpers.ts";

type BindingView = {
  request: {
    status: string;
    identity: string;
    payee: Address;
    accountId: Hex;
    proofMethod: string | null;
    subjectId: string | null;
    trustedSource: string | null;
    reasonCode: string | null;
    attestation: { nonce: string; deadline: string; attestor: Address; signature: Hex } | null;
  };
};

const [pglite] = await backends();

describe("Sign in with GitHub: the OAuth web flow against GitHub's endpoints (stand-in)", () => {
  let db: Database;
  let dispose: () => Promise<void>;
  let chain: Awaited<ReturnType<typeof deployChain>>;
  let registry: Address;
  let server: RunningServer;
  let standIn: StandIn;

  before(async () => {
    ({ db, dispose } = await (pglite as NonNullable<typeof pglite>).open());
    standIn = await new StandIn().listen();
    const github = new GitHubVerifier({ apiUrl: `${standIn.url}/api` });
    ({ chain, registry, server } = await startAttestor(db, {
      verifiers: [github],
      githubOAuth: new GitHubOAuth({ oauthUrl: standIn.url, ...standIn.oauthApp, github }),
    }));
  });
  after(async () => {
    await server?.close();
    await standIn?.close();
    await chain?.connection.close();
    await dispose?.();
  });

  /** The payee signs a BindingRequest (zero manifestHash) and asks for GitHub's authorize URL. */
  const start = async (identity: string, wallet = chain.wallets.alice) => {
    const nonce = toHex(randomBytes(32));
    const deadline = BigInt(Math.floor(Date.now() / 1000) + 300);
    const payee = getAddress(wallet.account.address);
    const signature = await wallet.signTypedData({
      account: wallet.account,
      domain: bindingDomain(CHAIN_ID, registry),
      types: BINDING_REQUEST_TYPES,
      primaryType: "BindingRequest",
      message: { identity, payee, manifestHash: zeroHash, nonce, deadline },
    });
    return fetch(`${server.url}/v1/attestations/github/authorize`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ identity, payee, nonce, deadline: deadline.toString(), signature }),
    });
  };
  /** The browser: to GitHub, back to the callback, which redirects to the Claim page. */
  const browse = async (authorizeUrl: string): Promise<URL> => {
    const atGitHub = await fetch(authorizeUrl, { redirect: "manual" });
    assert.equal(atGitHub.status, 302);
    const callback = new URL(atGitHub.headers.get("location")!);
    assert.equal(callback.origin + callback.pathname, `${server.url}/v1/attestations/github/callback`);
    const back = await fetch(callback, { redirect: "manual" });
    assert.equal(back.status, 302, await back.clone().text());
    return new URL(back.headers.get("location")!, server.url);
  };

  it("says it is on; binds github:<login> for the account that signed in, keeping its numeric id", async () => {
    const info = await json<{ githubSignIn: boolean }>(await fetch(`${server.url}/v1/attestations/info`));
    assert.equal(info.githubSignIn, true);
    standIn.signIn = standIn.addUser("Octo-Maintainer", 583231);
    const started = await start("github:octo-maintainer");
    assert.equal(started.status, 200);
    const { authorizeUrl } = await json<{ authorizeUrl: string }>(started);
    const url = new URL(authorizeUrl);
    assert.equal(url.origin + url.pathname, `${standIn.url}/login/oauth/authorize`);
    assert.equal(url.searchParams.get("client_id"), standIn.oauthApp.clientId);
    assert.equal(url.searchParams.get("code_challenge_method"), "S256");

    const page = await browse(authorizeUrl);
    assert.equal(page.hash, "#claim");
    const id = page.searchParams.get("binding");
    assert.ok(id, page.toString());
    const { request } = await json<BindingView>(await fetch(`${server.url}/v1/attestations/${id}`));
    assert.equal(request.status, "attested");
    assert.equal(request.proofMethod, "github");
    assert.equal(request.subjectId, "583231");
    assert.equal(request.trustedSource, "github-oauth:Octo-Maintainer");
    assert.ok(request.attestation);
    assert.ok(standIn.calls.some((c) => c.path === "/user" && c.authorization?.startsWith("Bearer gho_")));

    // The wallet submits what the attestor signed: the identity is bound to it.
    await submitAttestation(chain.wallets.alice, {
      registry,
      attestation: {
        accountId: request.accountId,
        payee: request.payee,
        nonce: BigInt(request.attestation.nonce),
        deadline: BigInt(request.attestation.deadline),
      },
      identity: request.identity,
      attestor: request.attestation.attestor,
      signature: request.attestation.signature,
    });
    const bound = await getPayee(chain.publicClient as never, {
      registry,
      account: "github:octo-maintainer",
    });
    assert.equal(bound.payee, getAddress(chain.wallets.alice.account.address));
  });

  it("refuses another account than the identity's, a denied sign-in and a replayed state, each with its next step", async () => {
    standIn.signIn = standIn.addUser("someone-else", 777);
    const wrong = await browse(
      (await json<{ authorizeUrl: string }>(await start("github:octo-maintainer"))).authorizeUrl,
    );
    assert.equal(wrong.searchParams.get("binding-error"), "NOT_OWNER");
    assert.match(
      wrong.searchParams.get("message")!,
      /signed in to GitHub as someone-else, not octo-maintainer: sign in as octo-maintainer/,
    );

    standIn.signIn = undefined;
    const denied = await browse(
      (await json<{ authorizeUrl: string }>(await start("github:octo-maintainer"))).authorizeUrl,
    );
    assert.equal(denied.searchParams.get("binding-error"), "SIGN_IN_CANCELLED");
    assert.match(denied.searchParams.get("message")!, /denied.*start Sign in with GitHub again/);

    // The same state twice: the second callback finds no sign-in under way.
    standIn.signIn = standIn.users.get("octo-maintainer");
    const { authorizeUrl } = await json<{ authorizeUrl: string }>(
      await start("github:octo-maintainer", chain.wallets.bob),
    );
    const atGitHub = await fetch(authorizeUrl, { redirect: "manual" });
    const callback = atGitHub.headers.get("location")!;
    await fetch(callback, { redirect: "manual" });
    const again = await fetch(callback, { redirect: "manual" });
    const location = new URL(again.headers.get("location")!, server.url);
    assert.equal(location.searchParams.get("binding-error"), "REQUEST_EXPIRED");

    const npm = await start("npm:octo");
    assert.equal(npm.status, 422);
    assert.match(await npm.text(), /github:<login>, not npm:octo/);
  });
});

describe("Sign in with GitHub: off without a client id", () => {
  it("info says so and the authorize endpoint refuses with the next step", async () => {
    const { db, dispose } = await (pglite as NonNullable<typeof pglite>).open();
    const { chain, server } = await startAttestor(db, {});
    try {
      const info = await json<{ githubSignIn: boolean }>(await fetch(`${server.url}/v1/attestations/info`));
      assert.equal(info.githubSignIn, false);
      const response = await fetch(`${server.url}/v1/attestations/github/authorize`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          identity: "github:octo",
          payee: chain.wallets.alice.account.address,
          nonce: toHex(randomBytes(32)),
          deadline: "1",
          signature: "0x01",
        }),
      });
      assert.equal(response.status, 422);
      assert.match(await response.text(), /not enabled on this server.*funding manifest/);
    } finally {
      await server.close();
      await chain.connection.close();
      await dispose();
    }
  });
});
