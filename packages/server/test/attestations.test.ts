import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { getPayee, royaltyPoolAbi, submitAttestation } from "@wellspring/sdk";
import { createPublicClient, getAddress, http, toHex, type Address, type Hex, type PublicClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type { Database } from "../src/db/database.ts";
import { createApp } from "../src/http/app.ts";
import { listen, type RunningServer } from "../src/http/server.ts";
import {
  BINDING_REQUEST_TYPES,
  bindingDomain,
  DirectoryManifestSource,
} from "../src/services/attestations.ts";
import { start } from "../src/start.ts";
import { deployChain } from "./chain-fixture.ts";
import {
  backends,
  captureLogger,
  json,
  rolesFor,
  signedFetch,
  testConfig,
  type ErrorBody,
} from "./helpers.ts";

/** Hardhat's default account 1: the registry's attestor in the chain fixture. */
const ATTESTOR_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
const attestorAccount = privateKeyToAccount(ATTESTOR_KEY);
const CHAIN_ID = 31337;

type Wallet = Awaited<ReturnType<typeof deployChain>>["wallets"]["alice"];

/** A funding.json v1 naming `login` on GitHub as the entity and `payout` as its EVM channel. */
const fundingJson = (login: string, payout: Address, extra = "") =>
  JSON.stringify(
    {
      version: "v1.0.0",
      entity: {
        type: "individual",
        role: "maintainer",
        name: login,
        webpageUrl: { url: `https://github.com/${login}` },
      },
      projects: [
        { guid: "lib", name: "lib", repositoryUrl: { url: `https://github.com/${login}/lib${extra}` } },
      ],
      funding: { channels: [{ guid: "wallet", type: "other", address: payout }] },
    },
    null,
    2,
  );

const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");
const sha256 = (text: string) => `0x${createHash("sha256").update(text).digest("hex")}` as Hex;

type AttestationBody = {
  request: { id: string; status: string; trustedSource: string; manifestSha256: string };
  attestation: { accountId: Hex; payee: Address; nonce: string; deadline: string };
  identity: string;
  attestor: Address;
  signature: Hex;
  registry: Address;
  transaction: { to: Address; data: Hex };
};
type Refusal = ErrorBody & { error: { reason?: string; details?: string } };

for (const backend of await backends()) {
  describe(`identity attestor [${backend.name}]`, { skip: backend.skip }, () => {
    let db: Database;
    let dispose: () => Promise<void>;
    let chain: Awaited<ReturnType<typeof deployChain>>;
    let registry: Address;
    let server: RunningServer;
    let trustedDir: string;
    const now: () => number = Date.now;

    before(async () => {
      ({ db, dispose } = await backend.open());
      chain = await deployChain();
      registry = await chain.publicClient.readContract({
        address: chain.pool,
        abi: royaltyPoolAbi,
        functionName: "registry",
      });
      trustedDir = await mkdtemp(join(tmpdir(), "ws-trusted-"));
      const { logger } = captureLogger();
      const app = createApp({
        checkResponses: true,
        db,
        logger,
        config: testConfig({ BODY_LIMIT_BYTES: 1024 * 1024 }),
        hasRole: rolesFor({ [chain.wallets.admin.account.address]: ["PROPOSER", "ADMIN"] }),
        chain: chain.publicClient,
        now: () => now(),
        attestor: {
          chainId: CHAIN_ID,
          registry,
          account: attestorAccount,
          trusted: new DirectoryManifestSource([trustedDir], 0),
          maxAgeSeconds: 600,
          ttlSeconds: 3600,
          ratePerMinute: 6000,
          burst: 1000,
        },
      });
      server = await listen(app, { host: "127.0.0.1", port: 0, shutdownTimeoutMs: 5_000 });
    });
    after(async () => {
      await server?.close();
      await chain?.connection.close();
      await dispose?.();
      if (trustedDir) await rm(trustedDir, { recursive: true, force: true });
    });

    /** Writes a manifest into the trusted directory (like a vendored package's funding.json). */
    let files = 0;
    const trust = async (text: string, name = "funding.json") => {
      const dir = join(trustedDir, `pkg${++files}`);
      await import("node:fs/promises").then((fs) => fs.mkdir(dir, { recursive: true }));
      await writeFile(join(dir, name), text);
    };

    interface Ask {
      identity: string;
      payee: Address;
      manifest: string;
      name?: string;
      signer?: Wallet;
      nonce?: Hex;
      deadline?: bigint;
      /** Sign one manifest, send another. */
      sendManifest?: string;
    }
    /** What the Claim page does: the payee's wallet signs BindingRequest, the page posts it. */
    const signRequest = async (ask: Ask) => {
      const nonce = ask.nonce ?? toHex(randomBytes(32));
      const deadline = ask.deadline ?? BigInt(Math.floor(now() / 1000) + 120);
      const signer = ask.signer ?? chain.wallets.alice;
      const signature = await signer.signTypedData({
        account: signer.account,
        domain: bindingDomain(CHAIN_ID, registry),
        types: BINDING_REQUEST_TYPES,
        primaryType: "BindingRequest",
        message: {
          identity: ask.identity,
          payee: ask.payee,
          manifestHash: sha256(ask.manifest),
          nonce,
          deadline,
        },
      });
      return {
        identity: ask.identity,
        payee: ask.payee,
        manifest: { name: ask.name ?? "funding.json", content: b64(ask.sendManifest ?? ask.manifest) },
        nonce,
        deadline: deadline.toString(),
        signature,
      };
    };
    const post = (body: unknown) =>
      fetch(`${server.url}/v1/attestations`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const ask = async (a: Ask) => post(await signRequest(a));
    const expectRefusal = async (response: Response, status: number, reason: string) => {
      const body = await json<Refusal>(response);
      assert.equal(response.status, status, JSON.stringify(body));
      assert.equal(body.error.code, status === 403 ? "BINDING_DENIED" : "BINDING_REJECTED");
      assert.equal(body.error.reason, reason);
      const id = /binding request (\d+)/.exec(body.error.details ?? "")?.[1];
      assert.ok(id, "the refusal names the recorded request");
      const stored = await db.query<{ status: string; reason_code: string }>(
        "SELECT status, reason_code FROM binding_requests WHERE id = $1",
        [id],
      );
      assert.deepEqual(stored.rows[0], { status: "rejected", reason_code: reason });
      return body;
    };

    it("attests a trusted funding.json signed by its payee; the attestation binds the identity on-chain", async () => {
      const alice = getAddress(chain.wallets.alice.account.address);
      const manifest = fundingJson("alice", alice);
      await trust(manifest);
      const response = await ask({ identity: "github:alice", payee: alice, manifest });
      const body = await json<AttestationBody>(response);
      assert.equal(response.status, 201, JSON.stringify(body));
      assert.equal(body.request.status, "attested");
      assert.equal(body.request.manifestSha256, sha256(manifest));
      assert.match(body.request.trustedSource, /^file:.*funding\.json$/);
      assert.equal(body.attestation.nonce, "0");
      assert.equal(body.attestor, attestorAccount.address);
      assert.equal(response.headers.get("location"), `/v1/attestations/${body.request.id}`);

      // The maintainer submits it from its own wallet with the SDK.
      const sent = await submitAttestation(chain.wallets.alice, {
        registry,
        attestation: {
          accountId: body.attestation.accountId,
          payee: body.attestation.payee,
          nonce: BigInt(body.attestation.nonce),
          deadline: BigInt(body.attestation.deadline),
        },
        identity: body.identity,
        attestor: body.attestor,
        signature: body.signature,
      });
      assert.equal(sent.bound, true);
      const payee = await getPayee(chain.publicClient as never, { registry, account: "github:alice" });
      assert.equal(payee.payee, alice);

      const status = await json<{
        request: { status: string; confirmedAt: string | null };
        onChain: { payee: string };
      }>(await fetch(`${server.url}/v1/attestations/${body.request.id}`));
      assert.equal(status.request.status, "confirmed");
      assert.ok(status.request.confirmedAt);
      assert.equal(status.onChain.payee, alice);

      // The ready calldata is the same call.
      assert.equal(body.transaction.to, registry);
      assert.match(body.transaction.data, /^0x/);

      // Asking again for the same binding: the registry already pays alice.
      await expectRefusal(
        await ask({ identity: "github:alice", payee: alice, manifest }),
        422,
        "ALREADY_BOUND",
      );
    });

    it("refuses a request not signed by the payee (bob signs for alice's wallet, or alice for bob's)", async () => {
      const alice = getAddress(chain.wallets.alice.account.address);
      const bob = getAddress(chain.wallets.bob.account.address);
      const manifest = fundingJson("bob-project", alice);
      await trust(manifest);
      await expectRefusal(
        await ask({ identity: "github:bob-project", payee: alice, manifest, signer: chain.wallets.bob }),
        403,
        "SIGNATURE_INVALID",
      );
      // Signed over another manifest than the one sent.
      await expectRefusal(
        await ask({
          identity: "github:bob-project",
          payee: alice,
          manifest,
          sendManifest: fundingJson("bob-project", bob),
        }),
        403,
        "SIGNATURE_INVALID",
      );
    });

    it("refuses a manifest that does not name the payee, or not the identity", async () => {
      const alice = getAddress(chain.wallets.alice.account.address);
      const bob = getAddress(chain.wallets.bob.account.address);
      const bobs = fundingJson("carol", bob);
      await trust(bobs);
      const notPayee = await expectRefusal(
        await ask({ identity: "github:carol", payee: alice, manifest: bobs }),
        422,
        "PAYEE_NOT_NAMED",
      );
      assert.match(notPayee.error.details ?? "", new RegExp(bob));
      const notIdentity = await expectRefusal(
        await ask({ identity: "github:dave", payee: bob, manifest: bobs, signer: chain.wallets.bob }),
        422,
        "IDENTITY_NOT_NAMED",
      );
      assert.match(notIdentity.error.details ?? "", /github:carol/);
      // package.json funding entries are URLs: never a payout address.
      const pkg = JSON.stringify({
        name: "left-pad",
        version: "1.0.0",
        funding: "https://github.com/sponsors/carol",
      });
      await expectRefusal(
        await ask({ identity: "github:carol", payee: alice, manifest: pkg, name: "package.json" }),
        422,
        "PAYEE_NOT_NAMED",
      );
      await expectRefusal(
        await ask({ identity: "github:carol", payee: alice, manifest: "{ not json", name: "funding.json" }),
        422,
        "MANIFEST_INVALID",
      );
    });

    it("refuses a manifest that is not byte-identical to a trusted copy", async () => {
      const erin = getAddress(chain.wallets.other.account.address);
      const trusted = fundingJson("erin", erin);
      await trust(trusted);
      // Same facts, other bytes (an attacker's own copy naming its wallet would not be trusted either).
      const reformatted = JSON.stringify(JSON.parse(trusted));
      await expectRefusal(
        await ask({
          identity: "github:erin",
          payee: erin,
          manifest: reformatted,
          signer: chain.wallets.other,
        }),
        403,
        "MANIFEST_NOT_TRUSTED",
      );
      const untrusted = fundingJson("erin", erin, "-fork");
      await expectRefusal(
        await ask({ identity: "github:erin", payee: erin, manifest: untrusted, signer: chain.wallets.other }),
        403,
        "MANIFEST_NOT_TRUSTED",
      );
    });

    it("refuses expired and too-far deadlines, and a replayed request", async () => {
      const bob = getAddress(chain.wallets.bob.account.address);
      const manifest = fundingJson("frank", bob);
      await trust(manifest);
      const nowSeconds = BigInt(Math.floor(now() / 1000));
      const base = { identity: "github:frank", payee: bob, manifest, signer: chain.wallets.bob };
      await expectRefusal(await ask({ ...base, deadline: nowSeconds - 1n }), 403, "REQUEST_EXPIRED");
      await expectRefusal(await ask({ ...base, deadline: nowSeconds + 3600n }), 403, "REQUEST_EXPIRED");

      const request = await signRequest(base);
      // Someone who learns the nonce first cannot burn it: a forged signature is refused without
      // recording the nonce, and the payee's own request still goes through.
      const forged = await signRequest({ ...base, nonce: request.nonce as Hex, signer: chain.wallets.other });
      await expectRefusal(await post({ ...request, signature: forged.signature }), 403, "SIGNATURE_INVALID");
      const first = await post(request);
      assert.equal(first.status, 201, await first.clone().text());
      await expectRefusal(await post(request), 403, "REQUEST_REPLAYED");
      const count = await db.query<{ n: string }>(
        "SELECT count(*) AS n FROM binding_requests WHERE request_nonce = $1",
        [`\\x${request.nonce.slice(2)}`],
      );
      assert.equal(count.rows[0]!.n, "1", "only the accepted request holds its nonce");

      // A second attestation for an unsubmitted first one carries the same registry nonce; once one
      // is submitted the other is void on-chain.
      const again = await post(await signRequest(base));
      const body = await json<AttestationBody>(again);
      assert.equal(again.status, 201);
      assert.equal(body.attestation.nonce, "0");
    });

    it("trusts a manifest stored as a run input (uploaded by a PROPOSER and computed into a table)", async () => {
      const bob = getAddress(chain.wallets.bob.account.address);
      const manifest = fundingJson("grace", bob);
      const asPolicy = await signedFetch(
        server.url,
        privateKeyToAccount("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"),
        { method: "POST", path: "/v1/policies/default/versions", body: { document: { version: 1 } } },
      );
      assert.equal(asPolicy.status, 201, await asPolicy.clone().text());
      // Not trusted before the run exists.
      await expectRefusal(
        await ask({ identity: "github:grace", payee: bob, manifest, signer: chain.wallets.bob }),
        403,
        "MANIFEST_NOT_TRUSTED",
      );
      const run = await signedFetch(
        server.url,
        privateKeyToAccount("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"),
        {
          method: "POST",
          path: "/v1/runs",
          body: {
            policy: { name: "default", version: 1 },
            inputs: [{ name: "funding.json", content: b64(manifest) }],
          },
        },
      );
      assert.equal(run.status, 201, await run.clone().text());
      const runId = (await json<{ id: string }>(run)).id;
      const response = await ask({
        identity: "github:grace",
        payee: bob,
        manifest,
        signer: chain.wallets.bob,
      });
      const body = await json<AttestationBody>(response);
      assert.equal(response.status, 201, JSON.stringify(body));
      assert.equal(body.request.trustedSource, `run:${runId}/funding.json`);
    });

    it("400 with field paths for malformed requests (nothing recorded)", async () => {
      const before = await db.query<{ n: string }>("SELECT count(*) AS n FROM binding_requests");
      const response = await post({
        identity: "0x0000000000000000000000000000000000000001",
        payee: "0x123",
        manifest: { name: "../etc/passwd", content: "***" },
        nonce: "0x01",
        deadline: "-1",
        signature: "zz",
        extra: true,
      });
      assert.equal(response.status, 400);
      const paths = (await json<ErrorBody>(response)).error.issues!.map((i) => i.path).sort();
      assert.deepEqual(paths, [
        "body.deadline",
        "body.extra",
        "body.identity",
        "body.manifest.content",
        "body.manifest.name",
        "body.nonce",
        "body.payee",
        "body.signature",
      ]);
      const afterCount = await db.query<{ n: string }>("SELECT count(*) AS n FROM binding_requests");
      assert.equal(afterCount.rows[0]!.n, before.rows[0]!.n);
    });

    it("GET /v1/attestations/{id} serves the stored record when the chain is down", async () => {
      const bob = getAddress(chain.wallets.bob.account.address);
      const manifest = fundingJson("bob-down", bob);
      await trust(manifest);
      const created = await json<AttestationBody>(
        await ask({ identity: "github:bob-down", payee: bob, manifest, signer: chain.wallets.bob }),
      );
      assert.equal(created.request.status, "attested");
      // Another instance on the same database whose RPC refuses every call.
      const deadRpc = createPublicClient({ transport: http("http://127.0.0.1:1", { retryCount: 0 }) });
      const down = await listen(
        createApp({
          checkResponses: true,
          db,
          logger: captureLogger().logger,
          config: testConfig(),
          hasRole: async () => false,
          chain: deadRpc as PublicClient,
          attestor: {
            chainId: CHAIN_ID,
            registry,
            account: attestorAccount,
            maxAgeSeconds: 600,
            ttlSeconds: 3600,
          },
        }),
        { host: "127.0.0.1", port: 0, shutdownTimeoutMs: 1_000 },
      );
      try {
        const response = await fetch(`${down.url}/v1/attestations/${created.request.id}`);
        const body = await json<{
          request: { id: string; status: string };
          onChain: null;
          onChainError: string;
        }>(response);
        assert.equal(response.status, 200, JSON.stringify(body));
        assert.equal(body.request.id, created.request.id);
        assert.equal(body.request.status, "attested");
        assert.equal(body.onChain, null);
        assert.match(body.onChainError, /identity registry/);
      } finally {
        await down.close();
      }
    });

    it("describes what to sign (GET /v1/attestations/info) and is in the OpenAPI document", async () => {
      const info = await json<{ enabled: boolean; domain: { verifyingContract: string }; attestor: string }>(
        await fetch(`${server.url}/v1/attestations/info`),
      );
      assert.equal(info.enabled, true);
      assert.equal(info.domain.verifyingContract, registry);
      assert.equal(info.attestor, attestorAccount.address);
      const openapi = await json<{ paths: Record<string, Record<string, { operationId: string }>> }>(
        await fetch(`${server.url}/openapi.json`),
      );
      assert.equal(openapi.paths["/v1/attestations"]?.post?.operationId, "createAttestation");
      assert.equal(openapi.paths["/v1/attestations/{id}"]?.get?.operationId, "getBindingRequest");
    });
  });
}

describe("identity attestor: rate limit, boot wiring", () => {
  it("rate-limits binding requests per client IP, and answers 503 without an attestor", async () => {
    const [backend] = await backends();
    const { db, dispose } = await backend!.open();
    const { logger } = captureLogger();
    const app = createApp({
      db,
      logger,
      config: testConfig(),
      hasRole: async () => false,
      checkResponses: true,
    });
    const server = await listen(app, { host: "127.0.0.1", port: 0, shutdownTimeoutMs: 5_000 });
    try {
      const valid = {
        identity: "github:x",
        payee: "0x0000000000000000000000000000000000000001",
        manifest: { name: "funding.json", content: b64("{}") },
        nonce: `0x${"11".repeat(32)}`,
        deadline: "1",
        signature: "0x00",
      };
      const send = () =>
        fetch(`${server.url}/v1/attestations`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(valid),
        });
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) statuses.push((await send()).status);
      // Default bucket: 5 at once, then 10 per minute.
      assert.deepEqual(statuses, [503, 503, 503, 503, 503, 429, 429]);
      const info = await json<{ enabled: boolean }>(await fetch(`${server.url}/v1/attestations/info`));
      assert.equal(info.enabled, false);
    } finally {
      await server.close();
      await dispose();
    }
  });

  it("start(): roles from the chain by default when the registry is known; the attestor from ATTESTOR_PRIVATE_KEY", async () => {
    const chain = await deployChain();
    const dir = await mkdtemp(join(tmpdir(), "ws-start-"));
    try {
      const registry = await chain.publicClient.readContract({
        address: chain.pool,
        abi: royaltyPoolAbi,
        functionName: "registry",
      });
      const env = {
        PGLITE_DIR: join(dir, "pglite"),
        PORT: "0",
        LOG_LEVEL: "silent",
        REGISTRY_ADDRESS: registry,
        DEPLOYMENTS_DIR: join(dir, "none"),
        ATTESTOR_PRIVATE_KEY: ATTESTOR_KEY,
      };
      const admin = privateKeyToAccount("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
      const register = (url: string, address: Address) =>
        signedFetch(url, admin, {
          method: "POST",
          path: "/v1/pools",
          body: { address, name: "p", deployedBlock: "1" },
        });

      const started = await start(env, { client: chain.publicClient });
      try {
        assert.equal((await register(started.server.url, chain.pool)).status, 201, "registry admin = ADMIN");
        const info = await json<{ enabled: boolean; attestor: string }>(
          await fetch(`${started.server.url}/v1/attestations/info`),
        );
        assert.equal(info.enabled, true);
        assert.equal(info.attestor, attestorAccount.address);
      } finally {
        await started.stop();
      }
      // STATIC_ROLES set: the static map wins in auto mode (tests and development).
      const staticStart = await start(
        { ...env, STATIC_ROLES: `ADMIN=${getAddress(chain.wallets.bob.account.address)}` },
        { client: chain.publicClient },
      );
      try {
        assert.equal((await register(staticStart.server.url, chain.usdc)).status, 403);
      } finally {
        await staticStart.stop();
      }
    } finally {
      await chain.connection.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
