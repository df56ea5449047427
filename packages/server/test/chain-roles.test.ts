import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  createPool,
  identityRegistryAbi,
  POOL_MIN_DELAYS,
  poolFactoryAbi,
  royaltyPoolAbi,
} from "@wellspring/sdk";
import { createPublicClient, getAddress, http, type Address, type LocalAccount } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { chainHasRole, PROPOSER_ROLE, registeredPools } from "../src/auth/chain-roles.ts";
import type { HasRole } from "../src/auth/roles.ts";
import { bytea, type Database } from "../src/db/database.ts";
import { PoolRepository } from "../src/repositories/pools.ts";
import { isServerError } from "../src/errors.ts";
import { ACTIVATION_DELAY, deployChain } from "./chain-fixture.ts";
import { backends, json, signedFetch, startTestServer, type ErrorBody, type TestServer } from "./helpers.ts";

// Hardhat's default accounts 0 (admin of registry and pool, proposer, guardian), 1 (attestor),
// 3 (alice) and 4 (bob): the in-process chain's wallets sign with these keys, so the server sees
// the same addresses the contracts know.
const KEYS = {
  admin: "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  attestor: "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
  alice: "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
  bob: "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
} as const;
const accounts = Object.fromEntries(
  Object.entries(KEYS).map(([name, key]) => [name, privateKeyToAccount(key)]),
) as Record<keyof typeof KEYS, LocalAccount>;

for (const backend of await backends()) {
  describe(`chain-backed admin roles [${backend.name}]`, { skip: backend.skip }, () => {
    let db: Database;
    let dispose: () => Promise<void>;
    let chain: Awaited<ReturnType<typeof deployChain>>;
    let registry: Address;
    let server: TestServer;
    let hasRole: HasRole;

    before(async () => {
      ({ db, dispose } = await backend.open());
      chain = await deployChain();
      for (const [name, account] of Object.entries(accounts)) {
        const wallet =
          name === "admin"
            ? chain.wallets.admin
            : name === "alice"
              ? chain.wallets.alice
              : name === "bob"
                ? chain.wallets.bob
                : undefined;
        if (wallet)
          assert.equal(getAddress(wallet.account.address), account.address, `${name} is the chain's account`);
      }
      registry = await chain.publicClient.readContract({
        address: chain.pool,
        abi: royaltyPoolAbi,
        functionName: "registry",
      });
      // ttl 0: every request asks the chain, so a grant or revocation shows at once.
      hasRole = chainHasRole({
        client: chain.publicClient,
        registry,
        pools: () => registeredPools(db, 31337),
        ttlMs: 0,
      });
      server = await startTestServer(db, { hasRole, chain: chain.publicClient });
    });
    after(async () => {
      await server?.close();
      await chain?.connection.close();
      await dispose?.();
    });

    const registerPool = (signer: LocalAccount, address: Address) =>
      signedFetch(server.url, signer, {
        method: "POST",
        path: "/v1/pools",
        body: { address, name: `pool ${address.slice(2, 8)}`, deployedBlock: chain.deployedBlock.toString() },
      });
    let policyTag = 0;
    const newPolicyVersion = (signer: LocalAccount) =>
      signedFetch(server.url, signer, {
        method: "POST",
        path: "/v1/policies/default/versions",
        body: { document: { version: 1, description: `v${++policyTag}` } },
      });
    const setPoolRole = async (grant: boolean, account: Address) => {
      const hash = await chain.wallets.admin.writeContract({
        address: chain.pool,
        abi: royaltyPoolAbi,
        functionName: grant ? "grantRole" : "revokeRole",
        args: [PROPOSER_ROLE, account],
      });
      await chain.publicClient.waitForTransactionReceipt({ hash });
      if (!grant) return;
      // A proposer grant takes effect only after the pool's activation delay (docs/contracts.md).
      await chain.connection.networkHelpers.time.increase(ACTIVATION_DELAY);
      const applied = await chain.wallets.admin.writeContract({
        address: chain.pool,
        abi: royaltyPoolAbi,
        functionName: "applyRoleChange",
        args: [PROPOSER_ROLE, account, true],
      });
      await chain.publicClient.waitForTransactionReceipt({ hash: applied });
    };

    it("ADMIN is the registry's default admin: it registers a pool (201); others get 403; no signature 401", async () => {
      const anonymous = await fetch(`${server.url}/v1/pools`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ address: chain.pool, name: "p", deployedBlock: "1" }),
      });
      assert.equal(anonymous.status, 401);
      assert.equal((await json<ErrorBody>(anonymous)).error.code, "AUTH_REQUIRED");

      const denied = await registerPool(accounts.alice, chain.pool);
      assert.equal(denied.status, 403);
      assert.equal((await json<ErrorBody>(denied)).error.code, "FORBIDDEN");

      const created = await registerPool(accounts.admin, chain.pool);
      assert.equal(created.status, 201, await created.clone().text());
    });

    it("an address that is not a pool: registering it is a 400; a pool role read on it is a 403, not a 503", async () => {
      // An externally owned account (no code) and a contract that is not a pool (the registry).
      for (const notAPool of [accounts.bob.address, registry]) {
        const refused = await registerPool(accounts.admin, notAPool);
        assert.equal(refused.status, 400, await refused.clone().text());
        assert.equal((await json<ErrorBody>(refused)).error.code, "VALIDATION");
      }
      // Such an address in the database anyway (registered before this check existed).
      await new PoolRepository(db).insert({
        chainId: 31337,
        address: getAddress(accounts.bob.address),
        name: "not a pool",
        deployedBlock: 1n,
        registeredBy: getAddress(accounts.admin.address),
      });
      try {
        assert.equal(await hasRole("PROPOSER", accounts.alice.address), false);
        assert.equal(
          await hasRole("PROPOSER", accounts.alice.address, { pool: accounts.bob.address }),
          false,
        );
      } finally {
        await db.query("DELETE FROM pools WHERE address = $1", [bytea(accounts.bob.address)]);
      }
    });

    it("a pool with delays below the on-chain minimums is refused: 400 POOL_DELAYS_TOO_SHORT", async () => {
      // The factory's locked implementation answers like a pool with activationDelay 0 and claimWindow 0
      // (a pool made before the minimums, or by another factory, would look the same).
      const implementation = await chain.publicClient.readContract({
        address: chain.factory,
        abi: poolFactoryAbi,
        functionName: "implementation",
      });
      const refused = await registerPool(accounts.admin, implementation);
      assert.equal(refused.status, 400, await refused.clone().text());
      const body = await json<ErrorBody & { error: { reason?: string } }>(refused);
      assert.equal(body.error.code, "VALIDATION");
      assert.equal(body.error.reason, "POOL_DELAYS_TOO_SHORT");
      assert.deepEqual(
        body.error.issues?.map((issue) => issue.message),
        [
          `the pool's activationDelay is 0 s, below the minimum of ${POOL_MIN_DELAYS.activationDelay} s`,
          `the pool's claimWindow is 0 s, below the minimum of ${POOL_MIN_DELAYS.claimWindow} s`,
        ],
      );
      const listed = await fetch(`${server.url}/v1/pools`);
      const pools = (await json<{ pools: { address: string }[] }>(listed)).pools;
      assert.ok(!pools.some((p) => p.address === getAddress(implementation)), "the pool was not registered");
    });

    it("a contract wallet holding ADMIN (a multisig) signs admin requests by ERC-1271", async () => {
      const { viem } = chain.connection;
      const deploy = async (name: string, args: readonly unknown[]) =>
        ((await viem.deployContract(name as never, args as never)) as { address: Address }).address;
      // A consortium whose registry admin is a contract wallet; alice's key signs for it.
      const wallet = getAddress(await deploy("ERC1271Wallet", [accounts.alice.address]));
      const consortium = await deploy("IdentityRegistry", [wallet, 0, 86_400n, []]);
      const server2 = await startTestServer(db, {
        hasRole: chainHasRole({
          client: chain.publicClient,
          registry: consortium,
          pools: () => registeredPools(db, 31337),
          ttlMs: 0,
        }),
        chain: chain.publicClient,
      });
      try {
        const asWallet = (key: LocalAccount): LocalAccount => ({ ...key, address: wallet });
        const register = (signer: LocalAccount, pool: Address) =>
          signedFetch(server2.url, signer, {
            method: "POST",
            path: "/v1/pools",
            body: { address: pool, name: "multisig's pool", deployedBlock: chain.deployedBlock.toString() },
          });
        const another = await createPool(chain.wallets.admin, {
          factory: chain.factory,
          config: {
            admin: chain.wallets.admin.account.address,
            registry: consortium,
            activationDelay: 3600,
            claimWindow: 7 * 24 * 3600,
            proposers: [chain.wallets.admin.account.address],
            guardians: [chain.wallets.admin.account.address],
          },
        });
        const forged = await register(asWallet(accounts.bob), another.pool);
        assert.equal(forged.status, 401, "bob is not the wallet's owner");
        assert.equal((await json<ErrorBody>(forged)).error.code, "AUTH_INVALID");
        // Alice's own address holds nothing there: the role is the wallet's.
        assert.equal((await register(accounts.alice, another.pool)).status, 403);
        const created = await register(asWallet(accounts.alice), another.pool);
        assert.equal(created.status, 201, await created.clone().text());
        assert.equal(getAddress((await json<{ registeredBy: string }>(created)).registeredBy), wallet);
      } finally {
        await server2.close();
      }
    });

    it("PROPOSER of a registered pool: granted passes, revoked gets 403", async () => {
      assert.equal((await newPolicyVersion(accounts.admin)).status, 201, "the pool's proposer");
      assert.equal((await newPolicyVersion(accounts.alice)).status, 403, "alice holds no role yet");

      await setPoolRole(true, accounts.alice.address);
      const granted = await newPolicyVersion(accounts.alice);
      assert.equal(granted.status, 201, await granted.clone().text());

      await setPoolRole(false, accounts.alice.address);
      const revoked = await newPolicyVersion(accounts.alice);
      assert.equal(revoked.status, 403);
      assert.match((await json<ErrorBody>(revoked)).error.message, /does not hold role PROPOSER/);
    });

    it("ATTESTOR comes from the registry's ATTESTOR_ROLE", async () => {
      assert.equal(await hasRole("ATTESTOR", accounts.attestor.address), true);
      assert.equal(await hasRole("ATTESTOR", accounts.admin.address), false);
      const hash = await chain.wallets.admin.writeContract({
        address: registry,
        abi: identityRegistryAbi,
        functionName: "revokeRole",
        args: [
          await chain.publicClient.readContract({
            address: registry,
            abi: identityRegistryAbi,
            functionName: "ATTESTOR_ROLE",
          }),
          accounts.attestor.address,
        ],
      });
      await chain.publicClient.waitForTransactionReceipt({ hash });
      assert.equal(await hasRole("ATTESTOR", accounts.attestor.address), false);
    });

    it("per-pool roles: a proposer of one pool is not a proposer of another, and an unregistered pool counts for nothing", async () => {
      const second = await createPool(chain.wallets.admin, {
        factory: await factoryOf(chain),
        config: {
          admin: chain.wallets.admin.account.address,
          registry,
          activationDelay: 3600,
          claimWindow: 7 * 24 * 3600,
          proposers: [accounts.bob.address],
          guardians: [accounts.bob.address],
        },
      });
      assert.equal(await hasRole("PROPOSER", accounts.bob.address, { pool: second.pool }), true);
      assert.equal(await hasRole("GUARDIAN", accounts.bob.address, { pool: second.pool }), true);
      assert.equal(await hasRole("PROPOSER", accounts.bob.address, { pool: chain.pool }), false);
      assert.equal(await hasRole("PROPOSER", accounts.bob.address), false, "second pool is not registered");
      assert.equal((await newPolicyVersion(accounts.bob)).status, 403);
      assert.equal((await registerPool(accounts.admin, second.pool)).status, 201);
      assert.equal(await hasRole("PROPOSER", accounts.bob.address), true, "now it is");
      assert.equal((await newPolicyVersion(accounts.bob)).status, 201);
      // Publishing is scoped to the run's pool: bob may not publish a run of the first pool.
      const run = await db.query<{ id: string }>(
        `INSERT INTO runs (pool_id, policy_version_id, created_by)
         SELECT p.id, v.id, '\\x${accounts.admin.address.slice(2).toLowerCase()}' FROM pools p, policy_versions v
         WHERE p.address = $1 ORDER BY v.id LIMIT 1 RETURNING id`,
        [`\\x${chain.pool.slice(2).toLowerCase()}`],
      );
      const runId = run.rows[0]!.id;
      const publish = (signer: LocalAccount) =>
        signedFetch(server.url, signer, {
          method: "POST",
          path: `/v1/runs/${runId}/publish`,
          body: { uri: "ipfs://x" },
        });
      const bobPublish = await publish(accounts.bob);
      assert.equal(bobPublish.status, 403, "bob proposes for the second pool only");
      const adminPublish = await publish(accounts.admin);
      assert.notEqual(adminPublish.status, 403, "the first pool's proposer passes the role check");
      assert.notEqual(adminPublish.status, 401);
      // A run meant for a pool is scoped to that pool's proposers too.
      const createRun = (signer: LocalAccount, pool: Address) =>
        signedFetch(server.url, signer, {
          method: "POST",
          path: "/v1/runs",
          body: {
            policy: { name: "default", version: 1 },
            pool,
            inputs: [{ name: "package-lock.json", content: Buffer.from("{}").toString("base64") }],
          },
        });
      assert.equal((await createRun(accounts.bob, chain.pool)).status, 403, "not bob's pool");
      assert.notEqual((await createRun(accounts.bob, second.pool)).status, 403, "bob's pool");
    });

    it("answers are cached for the TTL, then re-read; a chain that does not answer is 503, not a no", async () => {
      let now = 1_000_000;
      const cachedRoles = chainHasRole({
        client: chain.publicClient,
        registry,
        pools: () => registeredPools(db, 31337),
        ttlMs: 10_000,
        now: () => now,
      });
      await setPoolRole(true, accounts.alice.address);
      assert.equal(await cachedRoles("PROPOSER", accounts.alice.address, { pool: chain.pool }), true);
      await setPoolRole(false, accounts.alice.address);
      assert.equal(
        await cachedRoles("PROPOSER", accounts.alice.address, { pool: chain.pool }),
        true,
        "still cached",
      );
      now += 10_001;
      assert.equal(await cachedRoles("PROPOSER", accounts.alice.address, { pool: chain.pool }), false);

      const down = chainHasRole({
        client: createPublicClient({
          transport: http("http://127.0.0.1:9", { retryCount: 0, timeout: 2_000 }),
        }),
        registry,
        pools: async () => [],
      });
      await assert.rejects(down("ADMIN", accounts.admin.address), (e) =>
        isServerError(e, "CHAIN_UNAVAILABLE"),
      );
      const downServer = await startTestServer(db, { hasRole: down });
      try {
        const response = await signedFetch(downServer.url, accounts.admin, {
          method: "POST",
          path: "/v1/pools",
          body: { address: getAddress(chain.usdc), name: "x", deployedBlock: "1" },
        });
        assert.equal(response.status, 503);
        assert.equal((await json<ErrorBody>(response)).error.code, "CHAIN_UNAVAILABLE");
      } finally {
        await downServer.close();
      }
    });
  });
}

/** The factory that created the fixture's pool (from its PoolCreated event). */
async function factoryOf(chain: Awaited<ReturnType<typeof deployChain>>): Promise<Address> {
  const receipt = await chain.publicClient.getTransactionReceipt({
    hash: (await chain.publicClient.getBlock({ blockNumber: chain.deployedBlock, includeTransactions: true }))
      .transactions[0]!.hash,
  });
  return getAddress(receipt.to!);
}
