import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import type { Database } from "../src/db/database.ts";
import {
  backends,
  json,
  policyDoc,
  rolesFor,
  signedFetch,
  startTestServer,
  type ErrorBody,
  type TestServer,
} from "./helpers.ts";

const proposer = privateKeyToAccount(generatePrivateKey());
const MAX_AGE = 300;

// The admin request's deadline window, at its far edge: at most ADMIN_AUTH_MAX_AGE_SECONDS ahead
// of the server's clock, the limit itself included (admin-auth.test.ts covers the near edge).
for (const backend of await backends()) {
  describe(`admin request deadlines at the far edge [${backend.name}]`, { skip: backend.skip }, () => {
    let db: Database;
    let dispose: () => Promise<void>;
    let server: TestServer;
    // A fixed clock, half-way through a second, so "now" in whole seconds is unambiguous.
    const nowMs = 1_900_000_000_500;
    const nowSeconds = BigInt(Math.floor(nowMs / 1000));
    before(async () => {
      ({ db, dispose } = await backend.open());
      server = await startTestServer(db, {
        hasRole: rolesFor({ [proposer.address]: ["PROPOSER"] }),
        now: () => nowMs,
        config: { ADMIN_AUTH_MAX_AGE_SECONDS: MAX_AGE },
      });
    });
    after(async () => {
      await server?.close();
      await dispose?.();
    });

    const send = (name: string, deadline: bigint) =>
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
      const response = await send("past-limit", nowSeconds + BigInt(MAX_AGE) + 1n);
      const payload = await json<ErrorBody>(response);
      assert.equal(response.status, 401, JSON.stringify(payload));
      assert.equal(payload.error.code, "AUTH_EXPIRED");
    });
  });
}
