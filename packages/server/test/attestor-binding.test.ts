import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { getPayee, submitAttestation } from "@wellspring/sdk";
import { getAddress, toHex, zeroHash, type Address, type Hex } from "viem";
import { GitHubVerifier } from "../src/attestor/github.ts";
import { WellKnownVerifier } from "../src/attestor/well-known.ts";
import type { Database } from "../src/db/database.ts";
import type { RunningServer } from "../src/http/server.ts";
import { BINDING_REQUEST_TYPES, bindingDomain } from "@wellspring/protocol";
import { fundingJson, StandIn } from "./attestor-stand-in.ts";
import { CHAIN_ID, startAttestor } from "./attestor-app.ts";
import type { deployChain } from "./chain-fixture.ts";
import { backends, json, type ErrorBody } from "./helpers.ts";

type Refusal = ErrorBody & { error: { reason?: string; details?: string } };
type Attested = {
  request: {
    id: string;
    status: string;
    trustedSource: string;
    proofMethod: string;
    subjectId: string | null;
  };
  attestation: { accountId: Hex; payee: Address; nonce: string; deadline: string };
  identity: string;
  attestor: Address;
  signature: Hex;
};

const [pglite] = await backends();

describe("binding through a proof the attestor checks itself (POST /v1/attestations with proof)", () => {
  let db: Database;
  let dispose: () => Promise<void>;
  let chain: Awaited<ReturnType<typeof deployChain>>;
  let registry: Address;
  let server: RunningServer;
  let standIn: StandIn;

  before(async () => {
    ({ db, dispose } = await (pglite as NonNullable<typeof pglite>).open());
    standIn = await new StandIn().listen();
    ({ chain, registry, server } = await startAttestor(db, {
      verifiers: [
        new GitHubVerifier({ apiUrl: `${standIn.url}/api` }),
        new WellKnownVerifier({ scheme: "http", allowPrivate: true }),
      ],
    }));
  });
  after(async () => {
    await server?.close();
    await standIn?.close();
    await chain?.connection.close();
    await dispose?.();
  });

  /** The payee wallet signs BindingRequest with a zero manifestHash: the attestor fetches the manifest. */
  const ask = async (identity: string, proof: object, wallet = chain.wallets.alice) => {
    const nonce = toHex(randomBytes(32));
    const deadline = BigInt(Math.floor(Date.now() / 1000) + 120);
    const payee = getAddress(wallet.account.address);
    const signature = await wallet.signTypedData({
      account: wallet.account,
      domain: bindingDomain(CHAIN_ID, registry),
      types: BINDING_REQUEST_TYPES,
      primaryType: "BindingRequest",
      message: { identity, payee, manifestHash: zeroHash, nonce, deadline },
    });
    return fetch(`${server.url}/v1/attestations`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ identity, payee, proof, nonce, deadline: deadline.toString(), signature }),
    });
  };
  const refused = async (response: Response, status: number, reason: string) => {
    const body = await json<Refusal>(response);
    assert.equal(response.status, status, JSON.stringify(body));
    assert.equal(body.error.reason, reason, JSON.stringify(body));
    return body;
  };

  it("a maintainer binds github:<login> from its own .github repository and the binding lands on-chain", async () => {
    const alice = getAddress(chain.wallets.alice.account.address);
    standIn.addRepo(standIn.addUser("Alice", 5001), ".github", {
      "funding.json": fundingJson("alice", alice),
    });
    const response = await ask("github:alice", { method: "github" });
    const body = await json<Attested>(response);
    assert.equal(response.status, 201, JSON.stringify(body));
    assert.equal(body.request.status, "attested");
    assert.equal(body.request.proofMethod, "github");
    assert.equal(body.request.subjectId, "5001");
    assert.match(body.request.trustedSource, /\/repos\/Alice\/\.github\/contents\/funding\.json$/);
    const sent = await submitAttestation(chain.wallets.alice, {
      registry,
      attestation: {
        ...body.attestation,
        nonce: BigInt(body.attestation.nonce),
        deadline: BigInt(body.attestation.deadline),
      },
      identity: body.identity,
      attestor: body.attestor,
      signature: body.signature,
    });
    assert.equal(sent.bound, true);
    assert.equal(
      (await getPayee(chain.publicClient as never, { registry, account: "github:alice" })).payee,
      alice,
    );
    const stored = await db.query<{ manifest_source: string; subject_id: string }>(
      "SELECT manifest_source, subject_id FROM binding_requests WHERE id = $1",
      [body.request.id],
    );
    assert.deepEqual(stored.rows[0], { manifest_source: "funding.json", subject_id: "5001" });
  });

  it("refuses the same login once it belongs to another GitHub account (ACCOUNT_CHANGED)", async () => {
    // Alice renamed; someone else registered "alice" and put a manifest naming bob's wallet.
    const bob = getAddress(chain.wallets.bob.account.address);
    const squatter = standIn.addUser("alice", 9999);
    standIn.addRepo(squatter, ".github", { "funding.json": fundingJson("alice", bob) });
    const body = await refused(
      await ask("github:alice", { method: "github" }, chain.wallets.bob),
      403,
      "ACCOUNT_CHANGED",
    );
    assert.match(body.error.message, /account 5001; that login now belongs to account 9999/);
  });

  it("binds a project domain from its /.well-known/funding-manifest-urls", async () => {
    const bob = getAddress(chain.wallets.bob.account.address);
    const domain = `localhost:${standIn.port}`;
    standIn.web.set("/.well-known/funding-manifest-urls", [200, `http://${domain}/funding.json\n`]);
    standIn.web.set("/funding.json", [200, fundingJson("proj", bob)]);
    const response = await ask(`url:${domain}`, { method: "well-known" }, chain.wallets.bob);
    const body = await json<Attested>(response);
    assert.equal(response.status, 201, JSON.stringify(body));
    assert.equal(body.request.proofMethod, "well-known");
    assert.equal(body.request.trustedSource, `http://${domain}/funding.json`);
  });

  it("refusals reach the client with their reason and next step, and are recorded", async () => {
    standIn.addUser("carol", 5003);
    const body = await refused(await ask("github:carol", { method: "github" }), 422, "MANIFEST_NOT_FOUND");
    assert.match(body.error.details ?? "", /put a funding\.json .* then retry; binding request \d+/);
    const id = /binding request (\d+)/.exec(body.error.details ?? "")?.[1] ?? "0";
    const row = await db.query<{ status: string; reason_code: string; proof_method: string | null }>(
      "SELECT status, reason_code, proof_method FROM binding_requests WHERE id = $1",
      [id],
    );
    assert.deepEqual(row.rows[0], {
      status: "rejected",
      reason_code: "MANIFEST_NOT_FOUND",
      proof_method: null,
    });

    await refused(await ask("npm:carol", { method: "github" }), 422, "METHOD_UNSUPPORTED");
    standIn.failure = "rate-limit-403";
    try {
      const limited = await ask("github:carol", { method: "github" });
      await refused(limited, 503, "SOURCE_RATE_LIMITED");
      assert.equal(limited.headers.get("retry-after"), "60");
    } finally {
      standIn.failure = undefined;
    }
    // A proof request signed over a manifest hash (not zero) does not verify.
    const alice = getAddress(chain.wallets.alice.account.address);
    const res = await fetch(`${server.url}/v1/attestations`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        identity: "github:carol",
        payee: alice,
        proof: { method: "github" },
        manifest: { name: "funding.json", content: "e30=" },
        nonce: toHex(randomBytes(32)),
        deadline: String(Math.floor(Date.now() / 1000) + 60),
        signature: "0x00",
      }),
    });
    const invalid = await json<ErrorBody>(res);
    assert.equal(res.status, 400);
    assert.match(JSON.stringify(invalid), /either manifest .* or proof/);
  });

  it("GET /v1/attestations/info lists the proof methods", async () => {
    const info = await json<{ proofMethods: Array<{ method: string; identityPrefix: string }> }>(
      await fetch(`${server.url}/v1/attestations/info`),
    );
    assert.deepEqual(info.proofMethods, [
      { method: "github", identityPrefix: "github:" },
      { method: "well-known", identityPrefix: "url:" },
    ]);
  });
});
