/**
 * `npm start`: deploys Wellspring to a local chain and plays one short story end to end.
 *
 *   npm start                                  # in-process Hardhat network (EDR), nothing to start first
 *   npx hardhat node --hostname 127.0.0.1 &    # or a local node ...
 *   RPC_URL=http://127.0.0.1:8545 npm start    # ... and the demo against it
 *
 * Two payers deposit (ETH, and "demo USDC" with a permit), a share table of three contributors is
 * proposed, the schedule activates after the pool's delay (time travel on the local chain), and the
 * three contributors claim; one of them is an identity (`github:…`) whose first claim fails until an
 * attestor's EIP-712 attestation binds it to a wallet. The script checks every balance change to
 * the unit and ends with one machine-readable line, `DEMO_RESULT {...}`, for test/e2e/demo.test.ts.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import hre from "hardhat";
import {
  type Address,
  type TransactionReceipt,
  formatEther,
  formatUnits,
  getAddress,
  zeroAddress,
} from "viem";
import { z } from "zod";

import { deployWellspring } from "../deploy/lib/deploy.ts";
import {
  type AccountProof,
  buildClaims,
  buildShareTree,
  claim,
  createShareTable,
  depositETH,
  depositWithPermit,
  getClaimable,
  getCurrentSchedule,
  getPayee,
  getPot,
  isSdkError,
  proposeSchedule,
  type ShareTable,
  shareTableToJson,
  signAttestation,
  submitAttestation,
  royaltyPoolAbi,
  testERC20Abi,
} from "../packages/sdk/src/index.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

const isLoopback = (url: string): boolean => {
  try {
    return ["127.0.0.1", "localhost", "[::1]"].includes(new URL(url).hostname);
  } catch {
    return false;
  }
};
const env = z
  .object({
    // Only loopback nodes: the demo uses the node's unlocked development accounts. Empty = unset.
    RPC_URL: z.preprocess(
      (v) => (v === "" ? undefined : v),
      z
        .string()
        .url()
        .refine(isLoopback, "RPC_URL must be a loopback URL (http://127.0.0.1:<port>)")
        .optional(),
    ),
  })
  .parse(process.env);

const ACTIVATION_DELAY = 3600; // one hour between proposal and activation
const IDENTITY = "github:583231"; // a GitHub numeric user id, the canonical identity form
const USDC_DECIMALS = 6;

const line = (text = ""): void => console.log(text);
const step = (n: number, title: string): void => line(`\n${n}. ${title}`);
const usdc = (units: bigint): string => `${formatUnits(units, USDC_DECIMALS)} USDC`;
const eth = (wei: bigint): string => `${formatEther(wei)} ETH`;
const gasCost = (r: TransactionReceipt): bigint => r.gasUsed * r.effectiveGasPrice;

async function main(): Promise<void> {
  const connection = env.RPC_URL
    ? await hre.network.connect({ network: "localhost", override: { url: env.RPC_URL } })
    : await hre.network.connect();
  const { viem, networkHelpers } = connection;
  const publicClient = await viem.getPublicClient();
  const wallets = await viem.getWalletClients();
  const [admin, attestor, payerA, payerB, alice, bob, carol] = wallets;
  if (!admin || !attestor || !payerA || !payerB || !alice || !bob || !carol) {
    throw new Error("the demo needs 7 unlocked accounts on the chain");
  }
  const at = (w: { account: { address: Address } }): Address => getAddress(w.account.address);
  const who = new Map<string, string>([
    [getAddress(alice.account.address), "alice"],
    [getAddress(bob.account.address), "bob"],
    [getAddress(carol.account.address), "carol"],
  ]);

  line("Wellspring demo: royalties from two AI companies flow to three open-source contributors.");
  line(
    `chain: ${connection.networkName}${env.RPC_URL ? ` (${env.RPC_URL})` : " (in-process Hardhat network)"}, id ${await publicClient.getChainId()}`,
  );

  // 1. Deploy registry, factory and pool with the project's Ignition modules.
  step(1, "Deploy the payout layer (Ignition modules in deploy/)");
  const addresses = await deployWellspring(hre, connection, {
    parameters: {
      IdentityRegistry: {
        admin: admin.account.address,
        adminTransferDelay: 0,
        rebindDelay: 86_400,
        attestors: [attestor.account.address],
      },
      Pool: {
        admin: admin.account.address,
        proposer: admin.account.address,
        guardian: admin.account.address,
        activationDelay: ACTIVATION_DELAY,
        claimWindow: 30 * 86_400,
      },
    },
  });
  const { pool, registry } = addresses;
  // Ignition reuses a finished deployment on a long-running node: the story needs a pool that never ran it.
  const used = await publicClient.readContract({
    address: pool,
    abi: royaltyPoolAbi,
    functionName: "scheduleCount",
  });
  if (used > 0n) {
    throw new Error(
      `the pool at ${pool} on this node already has ${used} schedule(s): the demo needs a fresh chain. ` +
        "Restart `npx hardhat node --hostname 127.0.0.1` and run it again.",
    );
  }
  line(`   identity registry ${registry}`);
  line(`   pool factory      ${addresses.factory}`);
  line(`   royalty pool      ${pool} (activation delay ${ACTIVATION_DELAY} s)`);
  const token = getAddress(
    (await viem.deployContract("TestERC20", ["Demo USDC", "USDC", USDC_DECIMALS])).address,
  );
  line(`   demo USDC         ${token} (TestERC20, ${USDC_DECIMALS} decimals, EIP-2612 permit)`);

  // 2. Deposits, before any schedule exists: they wait in the unallocated pot.
  step(2, "Two payers deposit royalties");
  const ethIn = 1_500_000_000_000_000_001n; // 1.5 ETH and 1 wei, to make rounding visible
  const usdcIn = 2_500_000_001n; // 2,500.000001 USDC
  const mintHash = await admin.writeContract({
    address: token,
    abi: testERC20Abi,
    functionName: "mint",
    args: [payerB.account.address, usdcIn],
  });
  await publicClient.waitForTransactionReceipt({ hash: mintHash });
  const dA = await depositETH(payerA, { pool, value: ethIn, memo: "ACME-AI invoice 2026-11" });
  line(
    `   Payer A (ACME AI) ${at(payerA)} deposits ${eth(dA.credited)} with depositETH, memo "ACME-AI invoice 2026-11"`,
  );
  const dB = await depositWithPermit(payerB, { pool, token, amount: usdcIn, memo: "Globex Q4 royalties" });
  line(
    `   Payer B (Globex)  ${at(payerB)} deposits ${usdc(dB.credited)} with an EIP-2612 permit (one transaction, no approve)`,
  );
  line(
    `   no schedule is active yet, so both wait in the pool's unallocated pot (schedule ${dA.scheduleId})`,
  );

  // 3. The share table.
  step(3, "Publish a share table");
  const draft = createShareTable({
    entries: [
      { account: alice.account.address, shares: 450_000_000_000_000_000n },
      { account: bob.account.address, shares: 333_333_333_333_333_333n },
      { account: IDENTITY, shares: 216_666_666_666_666_667n },
    ],
  });
  const tree = buildShareTree(draft);
  const table: ShareTable = { ...draft, root: tree.root };
  const outDir = path.join(root, ".wellspring", "demo");
  mkdirSync(outDir, { recursive: true });
  const tableFile = path.join(outDir, "share-table.json");
  writeFileSync(tableFile, JSON.stringify(shareTableToJson(table), null, 2) + "\n");
  line(
    "   source: a small explicit table of three contributors, written with the SDK's share-table and proof",
  );
  line("   helpers (@wellspring/sdk createShareTable + buildShareTree: OpenZeppelin StandardMerkleTree).");
  for (const r of table.recipients) {
    const label = r.identity ?? who.get(getAddress(`0x${r.accountId.slice(26)}`)) ?? r.accountId;
    line(`   ${label.padEnd(14)} ${r.accountId}  ${formatUnits(r.shares * 100n, 18).padStart(22)} %`);
  }
  line(`   root ${table.root}, written to ${path.relative(root, tableFile)}`);
  const proposed = await proposeSchedule(admin, { pool, table, uri: `file://${tableFile}` });
  line(
    `   proposer proposes it as schedule ${proposed.scheduleId}; it activates at ${new Date(Number(proposed.activatesAt) * 1000).toISOString()}`,
  );

  // 4. Activation after the delay.
  step(4, "Wait for activation");
  const before = await getCurrentSchedule(admin, { pool });
  line(
    `   now: current schedule ${before.current?.scheduleId ?? "none"}, pending schedule ${before.pending?.scheduleId ?? "none"}`,
  );
  await networkHelpers.time.increase(ACTIVATION_DELAY);
  const after = await getCurrentSchedule(admin, { pool });
  if (after.current?.scheduleId !== proposed.scheduleId) throw new Error("the schedule did not activate");
  line(
    `   time travel ${ACTIVATION_DELAY} s: schedule ${after.current.scheduleId} is active; the unallocated pot flowed into it`,
  );
  const scheduleId = proposed.scheduleId;
  const schedules = [{ scheduleId, tree }];
  const tokens = [token, zeroAddress] as const;

  const paid = new Map<string, { usdc: bigint; eth: bigint; wallet: Address }>();
  const claimAndCheck = async (
    label: string,
    account: string,
    sender: (typeof wallets)[number],
    payee: Address,
  ) => {
    const claims = buildClaims({ account, schedules, tokens: [...tokens] });
    const owed = await getClaimable(sender, { pool, queries: claims });
    const balBefore = {
      usdc: await publicClient.readContract({
        address: token,
        abi: testERC20Abi,
        functionName: "balanceOf",
        args: [payee],
      }),
      eth: await publicClient.getBalance({ address: payee }),
    };
    const result = await claim(sender, { pool, claims });
    const got = {
      usdc: result.totals.get(getAddress(token)) ?? 0n,
      eth: result.totals.get(zeroAddress) ?? 0n,
    };
    const balAfter = {
      usdc: await publicClient.readContract({
        address: token,
        abi: testERC20Abi,
        functionName: "balanceOf",
        args: [payee],
      }),
      eth: await publicClient.getBalance({ address: payee }),
    };
    const ethFee = getAddress(sender.account.address) === getAddress(payee) ? gasCost(result.receipt) : 0n;
    if (balAfter.usdc - balBefore.usdc !== got.usdc || balAfter.eth - balBefore.eth + ethFee !== got.eth) {
      throw new Error(`${label}: balance change differs from the Claimed events`);
    }
    if (got.usdc !== owed.totals.get(token) || got.eth !== owed.totals.get(zeroAddress)) {
      throw new Error(`${label}: paid differs from getClaimable`);
    }
    paid.set(label, { ...got, wallet: getAddress(payee) });
    line(
      `   ${label} receives ${usdc(got.usdc)} and ${eth(got.eth)} in one claim transaction (wallet ${getAddress(payee)})`,
    );
    return result;
  };

  // 5. Claims.
  step(5, "Contributors claim");
  await claimAndCheck("alice", alice.account.address, alice, alice.account.address);
  await claimAndCheck("bob", bob.account.address, bob, bob.account.address);

  const identityProof: AccountProof = tree.proofFor(IDENTITY);
  line(
    `   ${IDENTITY} (accountId ${identityProof.accountId}) is not an address: its payee comes from the identity registry`,
  );
  try {
    await claim(carol, { pool, claims: buildClaims({ account: IDENTITY, schedules, tokens: [...tokens] }) });
    throw new Error("the claim of an unbound identity succeeded");
  } catch (error) {
    if (!isSdkError(error, "UNBOUND_IDENTITY")) throw error;
    line(`   first claim attempt for ${IDENTITY} fails: ${error.code} (${error.shortMessage})`);
  }
  const signed = await signAttestation(attestor, {
    registry,
    identity: IDENTITY,
    payee: carol.account.address,
  });
  line(`   attestor ${at(attestor)} checks the GitHub account off-chain and signs an EIP-712 attestation`);
  line(
    `   (accountId, payee ${at(carol)}, nonce ${signed.attestation.nonce}, deadline ${signed.attestation.deadline})`,
  );
  const bound = await submitAttestation(carol, { registry, ...signed });
  const payee = await getPayee(carol, { registry, account: IDENTITY });
  if (!bound.bound || payee.payee !== getAddress(carol.account.address))
    throw new Error("the identity was not bound");
  line(`   carol submits it: ${IDENTITY} is bound to ${payee.payee}`);
  await claimAndCheck(IDENTITY, IDENTITY, carol, carol.account.address);

  // 6. The books.
  step(6, "Who got what");
  const ethPot = await getPot(admin, { pool, scheduleId, token: zeroAddress });
  const usdcPot = await getPot(admin, { pool, scheduleId, token });
  let totalUsdc = 0n;
  let totalEth = 0n;
  for (const [label, p] of paid) {
    line(`   ${label.padEnd(14)} ${usdc(p.usdc).padStart(20)}  ${eth(p.eth).padStart(26)}`);
    totalUsdc += p.usdc;
    totalEth += p.eth;
  }
  const dustUsdc = usdcIn - totalUsdc;
  const dustEth = ethIn - totalEth;
  line(`   ${"total paid".padEnd(14)} ${usdc(totalUsdc).padStart(20)}  ${eth(totalEth).padStart(26)}`);
  line(`   ${"deposited".padEnd(14)} ${usdc(usdcIn).padStart(20)}  ${eth(ethIn).padStart(26)}`);
  line(`   rounding dust left in the pool: ${dustUsdc} USDC base unit(s) and ${dustEth} wei`);
  line(
    "   (each claim rounds down: floor(pot x shares / totalShares); dust is below one unit per recipient)",
  );

  const poolUsdc = await publicClient.readContract({
    address: token,
    abi: testERC20Abi,
    functionName: "balanceOf",
    args: [pool],
  });
  const poolEth = await publicClient.getBalance({ address: pool });
  const checks: Array<[string, boolean]> = [
    ["pot USDC equals the deposit", usdcPot.deposited === usdcIn],
    ["pot ETH equals the deposit", ethPot.deposited === ethIn],
    ["paid + dust = deposited (USDC)", usdcPot.claimed === totalUsdc && poolUsdc === dustUsdc],
    ["paid + dust = deposited (ETH)", ethPot.claimed === totalEth && poolEth === dustEth],
    ["dust below one unit per recipient", dustUsdc >= 0n && dustUsdc < 3n && dustEth >= 0n && dustEth < 3n],
  ];
  for (const [name, ok] of checks) if (!ok) throw new Error(`check failed: ${name}`);
  line("\nStory complete: every balance change was checked to the unit.");

  const result = {
    ok: true,
    chainId: await publicClient.getChainId(),
    pool,
    token,
    tableSource: "explicit",
    deposited: { usdc: usdcIn.toString(), eth: ethIn.toString() },
    paid: Object.fromEntries(
      [...paid].map(([k, v]) => [k, { wallet: v.wallet, usdc: v.usdc.toString(), eth: v.eth.toString() }]),
    ),
    dust: { usdc: dustUsdc.toString(), eth: dustEth.toString() },
    unboundClaimRejected: true,
  };
  line(`DEMO_RESULT ${JSON.stringify(result)}`);
  await connection.close();
}

main().catch((error: unknown) => {
  console.error("\nDemo failed:", error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
