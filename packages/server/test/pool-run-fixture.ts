import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { toHex, zeroHash, type Address, type Hex } from "viem";
import type { PrivateKeyAccount } from "viem/accounts";
import type { Database } from "../src/db/database.ts";
import { ChainEventRepository, PoolRepository } from "../src/repositories/pools.ts";
import { json, signedFetch, TEST_CHAIN_ID } from "./helpers.ts";

/** The product depends on left-pad (sponsored by stevemao) through `middle`, and on lodash. */
export const lockfile = JSON.stringify({
  name: "acme-ai",
  version: "1.0.0",
  lockfileVersion: 3,
  requires: true,
  packages: {
    "": { name: "acme-ai", version: "1.0.0", dependencies: { middle: "^1.0.0", lodash: "^4.17.21" } },
    "node_modules/middle": {
      version: "1.0.0",
      license: "MIT",
      dependencies: { "left-pad": "^1.3.0" },
      funding: { url: "https://github.com/sponsors/midmaker" },
    },
    "node_modules/left-pad": {
      version: "1.3.0",
      license: "WTFPL",
      funding: { url: "https://github.com/sponsors/stevemao" },
    },
    "node_modules/lodash": { version: "4.17.21", license: "MIT" },
  },
});

export type StoredRun = {
  id: string;
  root: Hex;
  totalShares: string;
  tableHash: Hex;
  inputsHash: Hex;
  policy: { hash: Hex };
};

/** Registers a policy and `pool` and computes a run of `lockfile` for it through the API. */
export async function createPoolRun(
  url: string,
  proposer: PrivateKeyAccount,
  pool: Address,
): Promise<StoredRun> {
  const post = (path: string, body: unknown) => signedFetch(url, proposer, { method: "POST", path, body });
  assert.equal((await post("/v1/policies/default/versions", { document: { version: 1 } })).status, 201);
  assert.equal((await post("/v1/pools", { address: pool, name: "p", deployedBlock: 1 })).status, 201);
  const response = await post("/v1/runs", {
    policy: { name: "default", version: 1 },
    pool,
    inputs: [{ name: "package-lock.json", content: Buffer.from(lockfile).toString("base64") }],
  });
  assert.equal(response.status, 201, await response.clone().text());
  return json<StoredRun>(response);
}

/** Indexes, as the indexer would, a schedule of the run activating at `activatesAt`, and a deposit to it. */
export async function indexScheduleWithDeposit(
  db: Database,
  pool: Address,
  run: StoredRun,
  s: { scheduleId: bigint; activatesAt: Date; proposer: Address; token: Address; amount: bigint },
): Promise<void> {
  const record = (await new PoolRepository(db).findByAddress(TEST_CHAIN_ID, pool))!;
  const log = (n: bigint) => ({
    blockNumber: n,
    logIndex: 0,
    blockHash: toHex(randomBytes(32)),
    txHash: toHex(randomBytes(32)),
  });
  await db.transaction(async (tx) => {
    const events = new ChainEventRepository();
    await events.insertSchedule(tx, {
      poolId: record.id,
      ...log(s.scheduleId * 10n),
      scheduleId: s.scheduleId,
      proposer: s.proposer,
      root: run.root,
      totalShares: BigInt(run.totalShares),
      tableHash: run.tableHash,
      policyHash: run.policy.hash,
      inputsHash: run.inputsHash,
      uri: `ipfs://schedule-${s.scheduleId}`,
      activatesAt: s.activatesAt,
    });
    await events.insertDeposits(tx, [
      {
        poolId: record.id,
        ...log(s.scheduleId * 10n + 1n),
        scheduleId: s.scheduleId,
        source: "deposit",
        token: s.token,
        payer: s.proposer,
        amount: s.amount,
        memo: zeroHash,
        blockTime: s.activatesAt,
      },
    ]);
  });
}
