/**
 * Input an anonymous (or admin) caller can send at will must answer 4xx with a clear code, never a
 * 500 and never an error-level log line: broken percent-encoding, undecodable bodies, numbers
 * beyond any column, lone surrogates, NUL characters bound for PostgreSQL.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { deflateSync, gzipSync } from "node:zlib";
import { privateKeyToAccount, generatePrivateKey } from "viem/accounts";
import { backends, rolesFor, signedFetch, startTestServer, type TestServer } from "./helpers.ts";

const json = { "content-type": "application/json" };
const gz = gzipSync(Buffer.from(JSON.stringify({ identity: "x".repeat(2_000) })));

for (const backend of await backends()) {
  describe(`hostile input answers 4xx [${backend.name}]`, { skip: backend.skip }, () => {
    let server: TestServer;
    let dispose: () => Promise<void>;
    const admin = privateKeyToAccount(generatePrivateKey());

    before(async () => {
      const opened = await backend.open();
      dispose = opened.dispose;
      server = await startTestServer(opened.db, { hasRole: rolesFor({ [admin.address]: ["PROPOSER"] }) });
    });
    after(async () => {
      await server?.close();
      await dispose?.();
    });

    const cases: [string, string, RequestInit | undefined, number][] = [
      ["malformed percent-encoding in a pool path", "/v1/pools/%E0%A4%A", undefined, 400],
      ["malformed percent-encoding in a run path", "/v1/runs/%ZZ/recipients", undefined, 400],
      ["a run id beyond bigint", `/v1/runs/${"9".repeat(40)}`, undefined, 400],
      [
        "a block number beyond bigint",
        `/v1/pools/0x${"11".repeat(20)}/deposits/${"9".repeat(40)}/0/split`,
        undefined,
        400,
      ],
      ["an attestation id beyond bigint", `/v1/attestations/${"9".repeat(40)}`, undefined, 400],
      [
        "Content-Encoding: br with data that is not brotli",
        "/v1/attestations",
        { method: "POST", headers: { ...json, "content-encoding": "br" }, body: "{}" },
        400,
      ],
      [
        "a truncated gzip body",
        "/v1/attestations",
        {
          method: "POST",
          headers: { ...json, "content-encoding": "gzip" },
          body: gz.subarray(0, gz.length - 12),
        },
        400,
      ],
      [
        "a deflate body that is not deflate",
        "/v1/attestations",
        {
          method: "POST",
          headers: { ...json, "content-encoding": "deflate" },
          body: deflateSync("{}").subarray(1),
        },
        400,
      ],
      [
        "an unknown Content-Encoding",
        "/v1/attestations",
        { method: "POST", headers: { ...json, "content-encoding": "zstd-x" }, body: "{}" },
        400,
      ],
      [
        "a lone surrogate in JSON text",
        "/v1/attestations",
        { method: "POST", headers: json, body: '{"a":"\\ud800"}' },
        400,
      ],
    ];
    for (const [name, path, init, status] of cases) {
      it(name, async () => {
        const res = await fetch(server.url + path, init);
        const body = (await res.json()) as { error: { code: string } };
        assert.ok(res.status === status || (status === 415 && res.status === 400), `${res.status}`);
        assert.ok(
          ["VALIDATION", "NOT_FOUND", "CHAIN_UNAVAILABLE"].includes(body.error.code) || res.status < 500,
        );
        assert.notEqual(res.status, 500);
      });
    }

    it("a NUL character bound for PostgreSQL (an admin's policy note) is a 400, nothing stored", async () => {
      const res = await signedFetch(server.url, admin, {
        method: "POST",
        path: "/v1/policies/nul/versions",
        body: {
          document: { version: 1, name: "nul", keep: { default: 0.2 }, edgeWeights: { dev: 0.1 } },
          note: "a\u0000b",
        },
      });
      assert.equal(res.status, 400, await res.clone().text());
      assert.equal((await fetch(`${server.url}/v1/policies/nul/versions`)).status, 404);
    });

    it("none of it logged at error level", () => {
      assert.deepEqual(
        server.logs().filter((l) => (l.level as number) >= 50),
        [],
      );
    });
  });
}
