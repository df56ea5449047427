import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import type { Database } from "../src/db/database.ts";
import { NonceRepository } from "../src/repositories/nonces.ts";
import { ADMIN_HEADERS, type AdminDomain } from "../src/auth/admin-auth.ts";
import {
  backends,
  json,
  policyDoc,
  nowSeconds,
  randomNonce,
  rolesFor,
  signedFetch,
  startTestServer,
  type ErrorBody,
  type TestServer,
} from "./helpers.ts";

const proposer = privateKeyToAccount(generatePrivateKey());
const guardian = privateKeyToAccount(generatePrivateKey());
const stranger = privateKeyToAccount(generatePrivateKey());
const PATH = "/v1/policies/default/versions";
const body = { document: policyDoc("first"), note: "first" };

for (const backend of await backends()) {
  describe(`EIP-712 admin authentication [${backend.name}]`, { skip: backend.skip }, () => {
    let db: Database;
    let dispose: () => Promise<void>;
    let server: TestServer;
    let offsetMs = 0;
    const seen: string[] = [];
    before(async () => {
      ({ db, dispose } = await backend.open());
      const roles = rolesFor({ [proposer.address]: ["PROPOSER"], [guardian.address]: ["GUARDIAN"] });
      server = await startTestServer(db, {
        hasRole: async (role, address) => {
          seen.push(`${role}:${address}`);
          return roles(role, address);
        },
        now: () => Date.now() + offsetMs,
      });
    });
    after(async () => {
      await server?.close();
      await dispose?.();
    });

    const expectError = async (response: Response, status: number, code: string) => {
      const payload = await json<ErrorBody>(response);
      assert.equal(response.status, status, JSON.stringify(payload));
      assert.equal(payload.error.code, code);
      return payload;
    };

    it("accepts a request signed by an address holding the role", async () => {
      const response = await signedFetch(server.url, proposer, { method: "POST", path: PATH, body });
      assert.equal(response.status, 201, await response.clone().text());
      const created = await json<{ createdBy: string; version: number }>(response);
      assert.equal(created.createdBy, proposer.address);
      assert.equal(created.version, 1);
      assert.ok(
        seen.includes(`PROPOSER:${proposer.address.toLowerCase()}`),
        "role is checked with the lower-case signer",
      );
    });

    it("401 AUTH_REQUIRED without any signature, with a WWW-Authenticate challenge", async () => {
      const response = await fetch(server.url + PATH, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      assert.match(response.headers.get("www-authenticate") ?? "", /EIP712/);
      await expectError(response, 401, "AUTH_REQUIRED");
    });

    it("authentication comes before validation: an anonymous invalid body is 401, not 400", async () => {
      const response = await fetch(server.url + PATH, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      });
      await expectError(response, 401, "AUTH_REQUIRED");
    });

    it("401 AUTH_INVALID for malformed headers, naming the header", async () => {
      const response = await fetch(server.url + PATH, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          [ADMIN_HEADERS.address]: "0x1234",
          [ADMIN_HEADERS.signature]: "0xzz",
        },
        body: JSON.stringify(body),
      });
      const payload = await expectError(response, 401, "AUTH_INVALID");
      const paths = payload.error.issues?.map((i) => i.path) ?? [];
      assert.ok(
        paths.includes(ADMIN_HEADERS.address) && paths.includes(ADMIN_HEADERS.nonce),
        paths.join(","),
      );
    });

    it("401 AUTH_INVALID when the body was changed after signing", async () => {
      const tampered = JSON.stringify({ ...body, note: "changed" });
      await expectError(
        await signedFetch(server.url, proposer, { method: "POST", path: PATH, body, sendBody: tampered }),
        401,
        "AUTH_INVALID",
      );
    });

    it("401 AUTH_INVALID when the signature was made for another path or method", async () => {
      await expectError(
        await signedFetch(server.url, proposer, {
          method: "POST",
          path: "/v1/policies/other/versions",
          body,
          sendPath: PATH,
        }),
        401,
        "AUTH_INVALID",
      );
      await expectError(
        await signedFetch(server.url, proposer, {
          method: "POST",
          path: `${PATH}?x=1`,
          body,
          sendPath: PATH,
        }),
        401,
        "AUTH_INVALID",
      );
    });

    it("401 AUTH_INVALID when signed for another chain (EIP-712 domain)", async () => {
      await expectError(
        await signedFetch(server.url, proposer, { method: "POST", path: PATH, body, chainId: 1 }),
        401,
        "AUTH_INVALID",
      );
    });

    it("the domain names the deployment: a request signed for another server on the same chain id is 401", async () => {
      const info = await json<{ domain: AdminDomain }>(await fetch(`${server.url}/v1/admin/auth-info`));
      assert.equal(info.domain.chainId, 31337);
      assert.match(info.domain.salt, /^0x[0-9a-f]{64}$/);
      // Deployment B: its own database (so its own salt and nonces), same chain id, same roles.
      const other = await backend.open();
      const b = await startTestServer(other.db, { hasRole: rolesFor({ [proposer.address]: ["PROPOSER"] }) });
      // Deployment C: this database, but another registry (a staging copy of the database).
      const registry = privateKeyToAccount(generatePrivateKey()).address;
      const c = await startTestServer(db, {
        hasRole: rolesFor({ [proposer.address]: ["PROPOSER"] }),
        registry,
      });
      try {
        const bInfo = await json<{ domain: { salt: string } }>(await fetch(`${b.url}/v1/admin/auth-info`));
        assert.notEqual(bInfo.domain.salt, info.domain.salt);
        const cInfo = await json<{ domain: { salt: string; verifyingContract?: string } }>(
          await fetch(`${c.url}/v1/admin/auth-info`),
        );
        assert.deepEqual(cInfo.domain, { ...info.domain, verifyingContract: registry });
        const doc = { document: policyDoc("deployment A"), note: "A" };
        const signedForA = (target: string, nonce = randomNonce()) =>
          signedFetch(target, proposer, {
            method: "POST",
            path: PATH,
            body: doc,
            nonce,
            domain: info.domain,
          });
        const refused = await expectError(await signedForA(b.url), 401, "AUTH_INVALID");
        assert.match(refused.error.message, /admin domain/);
        await expectError(await signedForA(c.url), 401, "AUTH_INVALID");
        // The same request is good where it was meant to go.
        assert.equal((await signedForA(server.url)).status, 201);
      } finally {
        await b.close();
        await c.close();
        await other.dispose();
      }
    });

    it("401 AUTH_INVALID when the claimed address is not the signer", async () => {
      const nonce = randomNonce();
      const deadline = nowSeconds() + 60n;
      // Signed by the proposer but presented as the guardian's request.
      const real = await signedFetch(server.url, proposer, {
        method: "POST",
        path: PATH,
        body: { ...body, document: policyDoc("other") },
        nonce,
        deadline,
      });
      assert.equal(real.status, 201);
      const response = await fetch(server.url + PATH, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          [ADMIN_HEADERS.address]: guardian.address,
          [ADMIN_HEADERS.nonce]: randomNonce(),
          [ADMIN_HEADERS.deadline]: deadline.toString(),
          [ADMIN_HEADERS.signature]: `0x${"11".repeat(65)}`,
        },
        body: JSON.stringify(body),
      });
      await expectError(response, 401, "AUTH_INVALID");
    });

    it("401 AUTH_EXPIRED for a past deadline and for one too far ahead", async () => {
      await expectError(
        await signedFetch(server.url, proposer, {
          method: "POST",
          path: PATH,
          body,
          deadline: nowSeconds() - 1n,
        }),
        401,
        "AUTH_EXPIRED",
      );
      await expectError(
        await signedFetch(server.url, proposer, {
          method: "POST",
          path: PATH,
          body,
          deadline: nowSeconds() + 10_000n,
        }),
        401,
        "AUTH_EXPIRED",
      );
    });

    it("401 AUTH_REPLAYED when the same signed request is sent twice", async () => {
      const nonce = randomNonce();
      const deadline = nowSeconds() + 60n;
      const doc = { ...body, document: policyDoc("replay") };
      assert.equal(
        (await signedFetch(server.url, proposer, { method: "POST", path: PATH, body: doc, nonce, deadline }))
          .status,
        201,
      );
      await expectError(
        await signedFetch(server.url, proposer, { method: "POST", path: PATH, body: doc, nonce, deadline }),
        401,
        "AUTH_REPLAYED",
      );
    });

    it("a nonce is per address: another admin may use the same value", async () => {
      const nonce = randomNonce();
      const roles = rolesFor({ [proposer.address]: ["PROPOSER"], [guardian.address]: ["PROPOSER"] });
      const local = await startTestServer(db, { hasRole: roles });
      try {
        assert.equal(
          (
            await signedFetch(local.url, proposer, {
              method: "POST",
              path: "/v1/policies/per-addr/versions",
              body,
              nonce,
            })
          ).status,
          201,
        );
        const second = await signedFetch(local.url, guardian, {
          method: "POST",
          path: "/v1/policies/per-addr/versions",
          body: { ...body, document: policyDoc("v2") },
          nonce,
        });
        assert.equal(second.status, 201);
      } finally {
        await local.close();
      }
    });

    it("403 FORBIDDEN for a valid signature from an address without the role", async () => {
      await expectError(
        await signedFetch(server.url, guardian, { method: "POST", path: PATH, body }),
        403,
        "FORBIDDEN",
      );
      await expectError(
        await signedFetch(server.url, stranger, { method: "POST", path: PATH, body }),
        403,
        "FORBIDDEN",
      );
    });

    it("expired nonces are pruned, and pruning cannot reopen a replay", async () => {
      const nonces = new NonceRepository(db);
      const nonce = randomNonce();
      const deadline = nowSeconds() + 30n;
      const doc = { ...body, document: policyDoc("prune") };
      assert.equal(
        (await signedFetch(server.url, proposer, { method: "POST", path: PATH, body: doc, nonce, deadline }))
          .status,
        201,
      );
      const count = async () =>
        Number((await db.query<{ n: string }>("SELECT count(*) AS n FROM admin_nonces")).rows[0]!.n);
      assert.ok((await count()) > 0);
      assert.equal(
        await nonces.prune(new Date(Number(deadline) * 1000 - 10_000)),
        0,
        "nothing live is pruned",
      );
      // Move the server's clock past the deadline: the replay is now refused as expired.
      offsetMs = Number(deadline) * 1000 + 5_000 - Date.now();
      assert.ok((await nonces.prune(new Date(Date.now() + offsetMs))) > 0);
      await expectError(
        await signedFetch(server.url, proposer, { method: "POST", path: PATH, body: doc, nonce, deadline }),
        401,
        "AUTH_EXPIRED",
      );
      offsetMs = 0;
    });

    it("a replay in the deadline's last second is refused, although the periodic prune ran in that second", async () => {
      // The clock stands at deadline + 0.999 s: the request still validates (the deadline is in
      // whole seconds), and a fresh server prunes expired nonces after its first request.
      const deadline = nowSeconds() + 30n;
      const lastMs = Number(deadline) * 1000 + 999;
      let clockMs = lastMs;
      const local = await startTestServer(db, {
        hasRole: rolesFor({ [proposer.address]: ["PROPOSER"] }),
        now: () => clockMs,
      });
      try {
        const nonce = randomNonce();
        const send = () =>
          signedFetch(local.url, proposer, {
            method: "POST",
            path: "/v1/policies/last-second/versions",
            body: { ...body, document: policyDoc("last-second") },
            nonce,
            deadline,
          });
        assert.equal((await send()).status, 201);
        await expectError(await send(), 401, "AUTH_REPLAYED");
        // A prune at the same instant (another instance's) keeps the nonce as well.
        await new NonceRepository(db).prune(new Date(lastMs));
        await expectError(await send(), 401, "AUTH_REPLAYED");
        // One millisecond later the deadline's second is over: refused as expired.
        clockMs = lastMs + 1;
        await expectError(await send(), 401, "AUTH_EXPIRED");
      } finally {
        await local.close();
      }
    });

    it("two racing copies of one signed request: exactly one is accepted", async () => {
      const nonce = randomNonce();
      const deadline = nowSeconds() + 60n;
      const doc = { ...body, document: policyDoc("race") };
      const responses = await Promise.all(
        [0, 1, 2, 3].map(() =>
          signedFetch(server.url, proposer, {
            method: "POST",
            path: "/v1/policies/race/versions",
            body: doc,
            nonce,
            deadline,
          }),
        ),
      );
      const statuses = responses.map((r) => r.status).sort();
      assert.deepEqual(statuses, [201, 401, 401, 401]);
    });
  });
}
