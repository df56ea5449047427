import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { ADMIN_HEADERS } from "../src/auth/admin-auth.ts";
import type { Database } from "../src/db/database.ts";
import { NonceRepository } from "../src/repositories/nonces.ts";
import {
  backends,
  json,
  policyDoc,
  randomNonce,
  rolesFor,
  signedFetch,
  startTestServer,
  type ErrorBody,
  type TestServer,
} from "./helpers.ts";

const proposer = privateKeyToAccount(generatePrivateKey());
const MAX_AGE = 300;

// The edges of admin authentication that admin-auth.test.ts leaves out: the deadline window's far
// edge (at most ADMIN_AUTH_MAX_AGE_SECONDS ahead, the limit included), a request that sends only
// some of the headers, and when expired nonces are pruned (once a minute at most).
for (const backend of await backends()) {
  describe(`admin authentication edges [${backend.name}]`, { skip: backend.skip }, () => {
    let db: Database;
    let dispose: () => Promise<void>;
    let server: TestServer;
    // A fixed clock, half-way through a second, so "now" in whole seconds is unambiguous.
    let nowMs = 1_900_000_000_500;
    const nowSeconds = BigInt(Math.floor(nowMs / 1000));
    const startMs = nowMs;
    before(async () => {
      ({ db, dispose } = await backend.open());
      server = await startTestServer(db, {
        hasRole: rolesFor({ [proposer.address]: ["PROPOSER"] }),
        // Read at each request: the prune test moves it.
        now: () => nowMs,
        config: { ADMIN_AUTH_MAX_AGE_SECONDS: MAX_AGE },
      });
    });
    after(async () => {
      await server?.close();
      await dispose?.();
    });

    const expectError = async (response: Response, code: string) => {
      const payload = await json<ErrorBody>(response);
      assert.equal(response.status, 401, JSON.stringify(payload));
      assert.equal(payload.error.code, code);
      return payload;
    };
    const send = (name: string, deadline = BigInt(Math.floor(nowMs / 1000)) + 60n) =>
      signedFetch(server.url, proposer, {
        method: "POST",
        path: `/v1/policies/${name}/versions`,
        body: { document: policyDoc(name), note: name },
        deadline,
      });

    it("accepts a deadline exactly max-age seconds ahead", async () => {
      const response = await send("at-limit", nowSeconds + BigInt(MAX_AGE));
      assert.equal(response.status, 201, await response.clone().text());
    });

    it("refuses one a second further ahead as AUTH_EXPIRED", async () => {
      await expectError(await send("past-limit", nowSeconds + BigInt(MAX_AGE) + 1n), "AUTH_EXPIRED");
    });

    it("a request that sends some of the headers is AUTH_INVALID, naming the missing one", async () => {
      const headers: Record<string, string> = {
        "content-type": "application/json",
        [ADMIN_HEADERS.address]: proposer.address,
        [ADMIN_HEADERS.nonce]: randomNonce(),
        [ADMIN_HEADERS.deadline]: (nowSeconds + 60n).toString(),
        [ADMIN_HEADERS.signature]: `0x${"11".repeat(65)}`,
      };
      for (const missing of [ADMIN_HEADERS.address, ADMIN_HEADERS.signature]) {
        const response = await fetch(`${server.url}/v1/policies/partial/versions`, {
          method: "POST",
          headers: Object.fromEntries(Object.entries(headers).filter(([name]) => name !== missing)),
          body: JSON.stringify({ document: policyDoc("partial"), note: "" }),
        });
        const payload = await expectError(response, "AUTH_INVALID");
        assert.deepEqual(
          payload.error.issues?.map((i) => i.path),
          [missing],
        );
      }
    });

    it("prunes expired nonces after an accepted request, at most once a minute", async () => {
      const nonces = new NonceRepository(db);
      const stranger = privateKeyToAccount(generatePrivateKey()).address;
      // An expired nonce is still present when consume() refuses it again.
      const expired = async () => {
        const nonce = randomNonce();
        assert.equal(await nonces.consume(stranger, nonce, new Date(nowMs - 5_000)), true);
        return nonce;
      };
      const present = async (nonce: `0x${string}`) => !(await nonces.consume(stranger, nonce, new Date(0)));

      // The accepted requests above ran at startMs, and pruned then; a minute later the next one prunes.
      nowMs = startMs + 60_000;
      const first = await expired();
      assert.equal((await send("prune-1")).status, 201);
      assert.equal(await present(first), false, "pruned by the first request of the minute");

      const second = await expired();
      nowMs = startMs + 119_999;
      assert.equal((await send("prune-2")).status, 201);
      assert.equal(await present(second), true, "not pruned again within the minute");
      nowMs = startMs + 120_000;
      assert.equal((await send("prune-3")).status, 201);
      assert.equal(await present(second), false, "pruned once the minute is over");
    });
  });
}
