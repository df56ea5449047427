/**
 * Measures the total transaction gas (receipt gasUsed) of the pool's hot calls on the in-process
 * Hardhat network and writes scripts/bench/results/gas.json.
 *
 *   npm run bench:gas
 *
 * Pools are created through the factory; claims pay fresh payees (zero token balance) with proofs
 * from a real 1,000,000-leaf share table.
 */
import { writeFileSync, mkdirSync } from "node:fs";
import os from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import type { ContractTransactionReceipt } from "ethers";
import hre from "hardhat";

import { syntheticAddressTable } from "../../test/contracts/helpers/merkle.ts";
import {
  ACTIVATION_DELAY,
  bindIdentity,
  by,
  CLAIM_WINDOW,
  createPool,
  DAY,
  ETH,
  type ClaimRequest,
  type Factory,
  type Registry,
  type Token,
  namedSigners,
  propose,
} from "../../test/contracts/helpers/pool.ts";

const TARGETS = {
  deposit_erc20: 60_000,
  deposit_eth: 36_000,
  claim_first_depth20: 110_000,
  claim_repeat: 78_000,
  claim_extra_schedule: 55_000,
  create_pool: 200_000,
  claim_first_identity_depth20: 112_000,
  claim_repeat_identity: 80_000,
  deposit_erc20_new_pot: 60_000,
  deposit_eth_new_pot: 36_000,
} as const;
type Key = keyof typeof TARGETS;
/** Measured without a target: how `sync` scales with the number of schedules (docs/contracts.md, sync). */
type Extra =
  | "sync_after_1_schedule"
  | "sync_after_50_schedules"
  | "sync_folding_48_schedules"
  | "claim_first_depth20_batch_call"
  | "claim_first_identity_depth20_batch_call";

const LEAVES = 1_000_000;
const SHARES_EACH = 10n ** 12n; // 10^6 leaves x 10^12 = 10^18 total shares
const TOTAL_SHARES = SHARES_EACH * BigInt(LEAVES);

async function gasOf(tx: Promise<{ wait(): Promise<unknown> }>): Promise<number> {
  const receipt = (await (await tx).wait()) as ContractTransactionReceipt;
  return Number(receipt.gasUsed);
}

async function main(): Promise<void> {
  await hre.tasks.getTask("build").run({ quiet: true, noTests: true });
  const { ethers, networkHelpers } = await hre.network.create();
  const s = await namedSigners(ethers);
  const results = {} as Record<Key | Extra, number>;

  const t0 = performance.now();
  // Leaf 3 (at depth 20, next to the three address leaves measured) is an identity, paid through the registry.
  const IDENTITY_LEAF = 3;
  const BATCH_IDENTITY_LEAF = 5;
  const table = syntheticAddressTable(
    LEAVES,
    SHARES_EACH,
    1,
    (i) => i === IDENTITY_LEAF || i === BATCH_IDENTITY_LEAF,
  );
  const buildSeconds = (performance.now() - t0) / 1000;
  // Leaves at depth 20 (most of them in a 10^6-leaf tree); take the first few.
  const deep: number[] = [];
  for (let i = 6; deep.length < 4; i++) if (table.tree.depth(i) === 20) deep.push(i);
  const [first, second, third, fourth] = deep as [number, number, number, number];
  for (const leaf of [IDENTITY_LEAF, BATCH_IDENTITY_LEAF])
    if (table.tree.depth(leaf) !== 20) throw new Error(`identity leaf ${leaf} is not at depth 20`);

  const registry = (await ethers.deployContract("IdentityRegistry", [
    s.admin.address,
    2n * DAY,
    3n * DAY,
    [s.attestor.address],
  ])) as unknown as Registry;
  const factory = (await ethers.deployContract("PoolFactory")) as unknown as Factory;
  const poolConfig = {
    admin: s.admin.address,
    registry: await registry.getAddress(),
    activationDelay: ACTIVATION_DELAY,
    claimWindow: CLAIM_WINDOW,
    proposers: [s.proposer.address],
    guardians: [s.guardian.address],
  };
  const { pool, receipt } = await createPool(ethers, factory, poolConfig);
  results.create_pool = Number(receipt.gasUsed);

  const token = (await ethers.deployContract("TestERC20", ["Bench USD", "BUSD", 6])) as unknown as Token;
  const tokenAddress = await token.getAddress();
  const poolAddress = await pool.getAddress();
  const amount = 1_000_000n * 10n ** 6n;
  await (await token.mint(s.payer.address, 100n * amount)).wait();
  // A finite allowance, so the deposit pays for the allowance update like a real payer.
  await (await by(token, s.payer).approve(poolAddress, 10n * amount)).wait();

  const s1 = await propose(pool, s.proposer, table.tree.root, TOTAL_SHARES);
  await networkHelpers.time.increase(ACTIVATION_DELAY);

  // Warm pot: the measured deposit is the second into the current schedule.
  await (await by(pool, s.payer).deposit(tokenAddress, amount, ethers.id("invoice-1"))).wait();
  results.deposit_erc20 = await gasOf(
    by(pool, s.payer).deposit(tokenAddress, amount, ethers.id("invoice-2")),
  );
  await (await by(pool, s.payer).depositETH(ethers.id("eth-1"), { value: 10n ** 18n })).wait();
  results.deposit_eth = await gasOf(by(pool, s.payer).depositETH(ethers.id("eth-2"), { value: 10n ** 18n }));

  const request = (scheduleId: bigint, leaf: number): ClaimRequest => ({
    scheduleId,
    accountId: table.accountIdOf(leaf),
    shares: SHARES_EACH,
    proof: table.tree.proof(leaf),
    tokens: [tokenAddress],
  });
  const claimant = by(pool, s.stranger); // anyone may submit; the payee is the leaf's address

  // One leaf, one token: the call the SDK and the server send for it (claimOneLeaf).
  const claimOneLeaf = (r: ClaimRequest) =>
    claimant.claimOneLeaf(r.scheduleId, r.accountId, r.shares, r.tokens[0]!, r.proof);

  results.claim_first_depth20 = await gasOf(claimOneLeaf(request(s1, first)));
  // An identity bound to a fresh wallet: the pool asks the registry (bindingOf) for its payee.
  const identityPayee = ethers.Wallet.createRandom().address;
  await bindIdentity(ethers, registry, s.attestor, table.identityOf(IDENTITY_LEAF), identityPayee);
  results.claim_first_identity_depth20 = await gasOf(claimOneLeaf(request(s1, IDENTITY_LEAF)));
  // The same first claims through the batch call `claim([request])`, for comparison (no target).
  const batchIdentityPayee = ethers.Wallet.createRandom().address;
  await bindIdentity(ethers, registry, s.attestor, table.identityOf(BATCH_IDENTITY_LEAF), batchIdentityPayee);
  results.claim_first_depth20_batch_call = await gasOf(claimant.claim([request(s1, fourth)]));
  results.claim_first_identity_depth20_batch_call = await gasOf(
    claimant.claim([request(s1, BATCH_IDENTITY_LEAF)]),
  );
  await (await by(pool, s.payer).deposit(tokenAddress, amount, ethers.id("invoice-3"))).wait();
  results.claim_repeat = await gasOf(claimOneLeaf(request(s1, first)));
  results.claim_repeat_identity = await gasOf(claimOneLeaf(request(s1, IDENTITY_LEAF)));

  // A second schedule (same table) with money of its own. Its proposer warms its pots of the tokens it expects,
  // so the first deposit of each after activation (by whichever payer comes first) updates a slot.
  const s2 = await propose(pool, s.proposer, table.tree.root, TOTAL_SHARES);
  await (await by(pool, s.proposer).warmPots([tokenAddress, ETH])).wait();
  await networkHelpers.time.increase(ACTIVATION_DELAY);
  results.deposit_erc20_new_pot = await gasOf(
    by(pool, s.payer).deposit(tokenAddress, amount, ethers.id("invoice-4")),
  );
  results.deposit_eth_new_pot = await gasOf(
    by(pool, s.payer).depositETH(ethers.id("eth-3"), { value: 10n ** 18n }),
  );
  const one = await gasOf(claimant.claim([request(s2, second)]));
  const two = await gasOf(claimant.claim([request(s1, third), request(s2, third)]));
  results.claim_extra_schedule = two - one;

  // sync after 1 and after 50 schedules: a plain transfer credited to the current schedule. The first sync
  // after the 48 schedules below folds the pots of the schedules superseded since the token's last fold
  // (once); the measured one after it reads the folded total and the current schedule's pot only.
  const transferIn = async () => (await token.mint(poolAddress, 1_000n)).wait();
  {
    const single = await createPool(ethers, factory, poolConfig);
    await propose(single.pool, s.proposer, table.tree.root, TOTAL_SHARES);
    await networkHelpers.time.increase(ACTIVATION_DELAY);
    const singleAddress = await single.pool.getAddress();
    await (await token.mint(singleAddress, 1_000n)).wait();
    await (await single.pool.sync(tokenAddress)).wait();
    await (await token.mint(singleAddress, 1_000n)).wait();
    results.sync_after_1_schedule = await gasOf(single.pool.sync(tokenAddress));
  }
  await transferIn();
  await (await pool.sync(tokenAddress)).wait();
  for (let i = 0; i < 48; i++) {
    await propose(pool, s.proposer, table.tree.root, TOTAL_SHARES);
    await networkHelpers.time.increase(ACTIVATION_DELAY);
  }
  if ((await pool.currentScheduleId()) !== 50n) throw new Error("expected 50 schedules");
  await transferIn();
  results.sync_folding_48_schedules = await gasOf(pool.sync(tokenAddress));
  await transferIn();
  results.sync_after_50_schedules = await gasOf(pool.sync(tokenAddress));

  for (const leaf of [first, second, third, fourth]) {
    const paid = (await token.balanceOf(table.addressOf(leaf))) as bigint;
    if (paid === 0n) throw new Error(`leaf ${leaf} was not paid`);
  }

  const cpus = os.cpus();
  const within = Object.fromEntries(
    (Object.keys(TARGETS) as Key[]).map((k) => [k, results[k] <= TARGETS[k]]),
  ) as Record<Key, boolean>;
  const out = {
    ...results,
    targets: TARGETS,
    within_targets: within,
    details: {
      unit: "total transaction gas (receipt gasUsed)",
      network: "in-process Hardhat (EDR) network, cancun, solc 0.8.30 optimizer 1,000,000 runs, viaIR",
      table_leaves: LEAVES,
      proof_depth: table.tree.proof(first).length,
      tree_build_s: Number(buildSeconds.toFixed(2)),
      claim_first_depth20:
        "claimOneLeaf (one leaf, one token: what the SDK and server send for it): one schedule, one OZ ERC-20, fresh payee, depth-20 proof",
      claim_repeat: "same leaf after another deposit",
      claim_first_depth20_batch_call: "as claim_first_depth20 through claim([request]) (no target)",
      claim_first_identity_depth20_batch_call:
        "as claim_first_identity_depth20 through claim([request]) (no target)",
      claim_extra_schedule: `claim of 2 schedules (${two}) minus claim of 1 schedule (${one}), fresh payees`,
      deposit_erc20: "second deposit into the current schedule (warm pot), finite allowance",
      deposit_eth: "second depositETH into the current schedule (warm pot)",
      claim_first_identity_depth20:
        "as claim_first_depth20 (claimOneLeaf), for an identity accountId bound in the registry to a fresh wallet",
      claim_repeat_identity: "same identity leaf after another deposit",
      deposit_erc20_new_pot:
        "first deposit of the token after a schedule activates, its pot warmed by warmPots at proposal",
      deposit_eth_new_pot:
        "first depositETH after a schedule activates, its pot warmed by warmPots at proposal",
      create_pool: "factory.createPool with admin, one proposer, one guardian",
      sync_after_1_schedule:
        "sync of a plain ERC-20 transfer in a pool with one schedule, after an earlier sync",
      sync_after_50_schedules:
        "sync of a plain ERC-20 transfer in a pool with 50 schedules, after the sync that folded the older ones' pots",
      sync_folding_48_schedules:
        "the first sync after 48 more schedules (folds their pots once, ~3,100 gas each; no target)",
    },
    machine: { cpu: cpus[0]?.model ?? "unknown", cores: cpus.length },
    node: process.version,
    date: new Date().toISOString(),
  };
  const file = join(dirname(fileURLToPath(import.meta.url)), "results", "gas.json");
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(out, null, 2) + "\n");
  console.log(JSON.stringify(out, null, 2));
  if (!Object.values(within).every(Boolean)) process.exitCode = 1;
}

await main();
