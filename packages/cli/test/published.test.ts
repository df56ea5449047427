/**
 * The outsider's path end to end: the server computes a run, publishes it with its bundle URL as
 * the schedule's uri (PUBLIC_BASE_URL, here a front server forwarding to it), and `wellspring
 * verify --rpc --pool` — knowing only the pool and the RPC — fetches and checks every schedule.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { getAddress } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { isWellspringError } from "@wellspring/attribution";
import type { SdkClient } from "@wellspring/sdk";
import { PoolRepository } from "../../server/src/repositories/pools.ts";
import type { Database } from "../../server/src/db/database.ts";
import { deployChain } from "../../server/test/chain-fixture.ts";
import { RpcProxy } from "../../server/test/rpc-proxy.ts";
import {
  backends,
  json,
  rolesFor,
  signedFetch,
  startTestServer,
  type ErrorBody,
  type TestServer,
} from "../../server/test/helpers.ts";
import { run } from "../src/cli.ts";

const proposer = privateKeyToAccount(generatePrivateKey());
const lockfile = JSON.stringify({
  name: "acme-ai",
  version: "1.0.0",
  lockfileVersion: 3,
  packages: {
    "": { name: "acme-ai", version: "1.0.0", dependencies: { "left-pad": "^1.3.0", lodash: "^4.17.21" } },
    "node_modules/left-pad": {
      version: "1.3.0",
      license: "WTFPL",
      funding: { url: "https://github.com/sponsors/stevemao" },
    },
    "node_modules/lodash": { version: "4.17.21", license: "MIT" },
  },
});

const pglite = (await backends()).find((b) => b.name === "pglite")!;

describe("a run published with its bundle URL is verifiable from the pool alone", () => {
  let db: Database;
  let dispose: () => Promise<void>;
  let chain: Awaited<ReturnType<typeof deployChain>>;
  let proxy: RpcProxy;
  let front: Server;
  let frontUrl: string;
  let server: TestServer;
  let bare: TestServer;

  before(async () => {
    ({ db, dispose } = await pglite.open());
    chain = await deployChain();
    proxy = await RpcProxy.start((call) => chain.connection.provider.request(call));
    // The public address: a front server that forwards every request to the API server.
    front = createServer((req, res) => {
      const target = new URL(req.url ?? "/", server.url);
      const upstream = request(target, { method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      req.pipe(upstream);
    });
    await new Promise<void>((r) => front.listen(0, "127.0.0.1", r));
    frontUrl = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
    const options = {
      hasRole: rolesFor({ [proposer.address]: ["PROPOSER", "ADMIN"] }),
      chain: chain.publicClient,
      publisher: chain.wallets.admin as unknown as SdkClient,
    };
    server = await startTestServer(db, { ...options, config: { PUBLIC_BASE_URL: frontUrl } });
    bare = await startTestServer(db, options);
    await new PoolRepository(db).insert({
      chainId: 31337,
      address: getAddress(chain.pool),
      name: "published",
      deployedBlock: chain.deployedBlock,
      registeredBy: getAddress(chain.wallets.admin.account.address),
    });
    const policy = await signedFetch(server.url, proposer, {
      method: "POST",
      path: "/v1/policies/default/versions",
      body: { document: { version: 1 } },
    });
    assert.equal(policy.status, 201, await policy.clone().text());
  });
  after(async () => {
    await bare?.close();
    await server?.close();
    await new Promise<void>((r) => front?.close(() => r()));
    await proxy?.close();
    await dispose?.();
  });

  it("publish without a uri records <PUBLIC_BASE_URL>/v1/runs/{id}/bundle; verify --rpc --pool checks it", async () => {
    const created = await signedFetch(server.url, proposer, {
      method: "POST",
      path: "/v1/runs",
      body: {
        policy: { name: "default", version: 1 },
        pool: chain.pool,
        inputs: [{ name: "package-lock.json", content: Buffer.from(lockfile).toString("base64") }],
      },
    });
    assert.equal(created.status, 201, await created.clone().text());
    const runId = (await json<{ id: string }>(created)).id;

    // Without PUBLIC_BASE_URL the request must name the uri.
    const refused = await signedFetch(bare.url, proposer, {
      method: "POST",
      path: `/v1/runs/${runId}/publish`,
      body: {},
    });
    assert.equal(refused.status, 400);
    const error = await json<ErrorBody>(refused);
    assert.equal(error.error.issues?.[0]?.path, "body.uri");

    const published = await signedFetch(server.url, proposer, {
      method: "POST",
      path: `/v1/runs/${runId}/publish`,
      body: {},
    });
    assert.equal(published.status, 201, await published.clone().text());
    const { uri, scheduleId } = await json<{ uri: string; scheduleId: string }>(published);
    assert.equal(uri, `${frontUrl}/v1/runs/${runId}/bundle`);

    let stdout = "";
    const io = { stdout: { write: (s: string) => (stdout += s) }, cwd: process.cwd() };
    await run(["verify", "--rpc", proxy.url, "--pool", chain.pool], io);
    assert.match(stdout, new RegExp(`^OK pool ${chain.pool} schedule ${scheduleId} \\(pending\\)`));
    assert.match(stdout, /recomputed from the bundle's inputs and policy, compared byte for byte/);

    // The same run's bundle named for another schedule's commitment does not pass.
    stdout = "";
    await assert.rejects(
      run(["verify", "--uri", uri, "--rpc", proxy.url, "--pool", chain.pool, "--schedule", "99"], io),
      (e: unknown) => isWellspringError(e, "ACCOUNT_NOT_FOUND"),
    );
  });
});
