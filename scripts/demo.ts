/**
 * `npm run demo`: deploys Wellspring to a local chain and plays one short story end to end
 * (`npm start` plays it too, on the `hardhat node` it starts, then serves the result).
 *
 *   npm run demo                                  # in-process Hardhat network (EDR), nothing to start first
 *   npx hardhat node --hostname 127.0.0.1 &       # or a fresh local node ...
 *   RPC_URL=http://127.0.0.1:8545 npm run demo    # ... and the demo against it
 *   DEMO_TABLE=explicit npm run demo              # a hand-written three-contributor table instead of the engine's
 *
 * Two payers deposit (ETH, and "demo USDC" with a permit); a share table is proposed — by default the
 * attribution engine's table for this repository's own package-lock.json — and activates after the
 * pool's delay (time travel on the local chain); three contributors claim. One of them is an identity
 * whose first claim fails until an attestor's EIP-712 attestation binds it to a wallet. Every balance
 * change is checked to the unit, and the books (paid + still waiting for unbound identities + rounding
 * dust = deposited) are printed and checked. The last line, `DEMO_RESULT {...}`, is for
 * test/e2e/demo.test.ts and scripts/start.ts.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import {
  attribute,
  createBundle,
  encodeTar,
  inputFile,
  serializeShareTableToString,
  type TarEntry,
} from "@wellspring/attribution";
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

import { writeDeploymentAddresses } from "../deploy/lib/addresses.ts";
import { deployWellspring } from "../deploy/lib/deploy.ts";
import {
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
  identityRegistryAbi,
  isAddressAccount,
  isSdkError,
  parseShareTable,
  proposeSchedule,
  royaltyPoolAbi,
  type SdkClient,
  type ShareTable,
  shareTableToJson,
  signAttestation,
  submitAttestation,
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
    DEMO_TABLE: z.preprocess(
      (v) => (v === "" ? undefined : v),
      z.enum(["engine", "explicit"]).default("engine"),
    ),
  })
  .parse(process.env);

const ACTIVATION_DELAY = 3600; // one hour between proposal and activation
const USDC_DECIMALS = 6;
const ETH_IN = 1_500_000_000_000_000_001n; // 1.5 ETH and 1 wei, so that rounding shows
const USDC_IN = 2_500_000_001n; // 2,500.000001 USDC

const line = (text = ""): void => console.log(text);
const step = (n: number, title: string): void => line(`\n${n}. ${title}`);
const usdc = (units: bigint): string => `${formatUnits(units, USDC_DECIMALS)} USDC`;
const eth = (wei: bigint): string => `${formatEther(wei)} ETH`;
const percent = (shares: bigint, total: bigint): string =>
  `${formatUnits((shares * 10n ** 20n) / total, 18)} %`;
const gasCost = (r: TransactionReceipt): bigint => r.gasUsed * r.effectiveGasPrice;
const floorShare = (pot: bigint, shares: bigint, total: bigint): bigint => (pot * shares) / total;

/** A contributor who claims in the story, and how its wallet comes to be its payee. */
interface Claimer {
  /** The table's account: an address or an identity string. */
  account: string;
  wallet: SdkClient & { account: { address: Address } };
  /** none: an address, paid directly; early: bound before the deposits; late: bound after a failed claim. */
  binding: "none" | "early" | "late";
}

interface TableChoice {
  source: string;
  table: ShareTable;
  /** The share-table.json text to publish. */
  text: string;
  /** The evidence bundle (docs/verification.md), for a table the engine computed from inputs. */
  bundle?: TarEntry[];
}

/** The attribution engine's table for this repository's own package-lock.json, default policy. */
function engineTable(): TableChoice {
  const lockPath = path.join(root, "package-lock.json");
  const policy: unknown = JSON.parse(
    readFileSync(path.join(root, "packages", "attribution", "policies", "default.json"), "utf8"),
  );
  const files = [inputFile("package-lock.json", readFileSync(lockPath))];
  const result = attribute({ files, policy });
  const text = serializeShareTableToString(result.table);
  return {
    source:
      "engine: attribute(package-lock.json of this repository, packages/attribution/policies/default.json)",
    table: parseShareTable(JSON.parse(text)),
    text,
    bundle: createBundle({ table: result.table, policy: result.policy, files }),
  };
}

/** Identity prefixes of the holdings of this repository's root package and workspaces (package URLs). */
function ownComponentPrefixes(): string[] {
  const lock = z
    .object({
      name: z.string(),
      packages: z.record(
        z.object({ name: z.string().optional(), workspaces: z.array(z.string()).optional() }),
      ),
    })
    .parse(JSON.parse(readFileSync(path.join(root, "package-lock.json"), "utf8")));
  const workspaces = lock.packages[""]?.workspaces ?? [];
  const names = [lock.name, ...workspaces.flatMap((dir) => lock.packages[dir]?.name ?? [])];
  return names.map((n) => `component:pkg:npm/${n.replace(/^@/, "%40")}@`);
}

/** Three contributors, written with the SDK's share-table and proof helpers. */
function explicitTable(accounts: readonly string[]): TableChoice {
  const [a, b, c] = accounts;
  const draft = createShareTable({
    entries: [
      { account: a!, shares: 450_000_000_000_000_000n },
      { account: b!, shares: 333_333_333_333_333_333n },
      { account: c!, shares: 216_666_666_666_666_667n },
    ],
  });
  const table: ShareTable = { ...draft, root: buildShareTree(draft).root };
  return {
    source: "explicit: three contributors written with @wellspring/sdk createShareTable + buildShareTree",
    table,
    text: JSON.stringify(shareTableToJson(table), null, 2) + "\n",
  };
}

/** The recipient with the most shares (the first by accountId among equals). */
function largestOther<R extends { shares: bigint }>(recipients: readonly R[]): R {
  return recipients.reduce((x, y) => (y.shares > x.shares ? y : x));
}

async function main(): Promise<void> {
  const connection = env.RPC_URL
    ? await hre.network.connect({ network: "localhost", override: { url: env.RPC_URL } })
    : await hre.network.connect();
  const { viem, networkHelpers } = connection;
  const publicClient = await viem.getPublicClient();
  const [admin, attestor, payerA, payerB, alice, bob, carol] = await viem.getWalletClients();
  if (!admin || !attestor || !payerA || !payerB || !alice || !bob || !carol) {
    throw new Error("the demo needs 7 unlocked accounts on the chain");
  }
  const at = (w: { account: { address: Address } }): Address => getAddress(w.account.address);
  const chainId = await publicClient.getChainId();

  line("Wellspring demo: royalties from two AI companies flow to open-source contributors.");
  line(`chain: ${env.RPC_URL ? `${env.RPC_URL}` : "in-process Hardhat network"}, chain id ${chainId}`);

  // 1. Deploy registry, factory and pool with the project's Ignition modules.
  step(1, "Deploy the payout layer (Ignition modules in deploy/)");
  const addresses = await deployWellspring(hre, connection, {
    // Its own Ignition journal on a persistent node, so `npm run deploy:localhost` (the default
    // journal, deploy/parameters/localhost.json) can still deploy next to the demo.
    deploymentId: env.RPC_URL ? "demo" : undefined,
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
  line(`   identity registry ${registry} (attestor ${at(attestor)})`);
  line(`   pool factory      ${addresses.factory}`);
  line(`   royalty pool      ${pool} (activation delay ${ACTIVATION_DELAY} s)`);
  if (env.RPC_URL) {
    // A chain that outlives this process (`npm start`'s): the SDK, the server and the scripts find the
    // contracts through deploy/addresses/<chainId>.json, as after `npm run deploy:localhost`.
    const file = await writeDeploymentAddresses(addresses);
    line(`   addresses         ${path.relative(process.cwd(), file)}`);
  }
  const token = getAddress(
    (await viem.deployContract("TestERC20", ["Demo USDC", "USDC", USDC_DECIMALS])).address,
  );
  line(`   demo USDC         ${token} (TestERC20, ${USDC_DECIMALS} decimals, EIP-2612 permit)`);

  // 2. The share table (computed off-chain now, proposed after the deposits).
  step(2, "Compute the share table");
  let choice: TableChoice;
  let claimers: Claimer[];
  const explicitClaimers = (): Claimer[] => [
    { account: at(alice), wallet: alice, binding: "none" },
    { account: at(bob), wallet: bob, binding: "none" },
    { account: "github:583231", wallet: carol, binding: "late" },
  ];
  if (env.DEMO_TABLE === "engine") {
    try {
      choice = engineTable();
      // The three largest outside recipients claim: identities (addresses in a table are real people's),
      // and not the holdings of this repository's own packages (the product being paid for).
      const own = ownComponentPrefixes();
      const top = choice.table.recipients
        .filter(
          (r) =>
            !isAddressAccount(r.accountId) &&
            r.identity !== undefined &&
            r.identity !== r.accountId &&
            !own.some((prefix) => r.identity!.startsWith(prefix)),
        )
        .sort((x, y) =>
          y.shares > x.shares ? 1 : y.shares < x.shares ? -1 : x.accountId < y.accountId ? -1 : 1,
        )
        .slice(0, 3);
      if (top.length < 3) throw new Error("the engine's table has fewer than three identities");
      // The story's late binding is a GitHub identity when one of the three is.
      const late = Math.max(
        0,
        top.findIndex((r) => r.identity!.startsWith("github:")),
      );
      const ordered = [...top.filter((_, i) => i !== late), top[late]!];
      claimers = [
        { account: ordered[0]!.identity!, wallet: alice, binding: "early" },
        { account: ordered[1]!.identity!, wallet: bob, binding: "early" },
        { account: ordered[2]!.identity!, wallet: carol, binding: "late" },
      ];
    } catch (error) {
      line(`   attribution engine failed (${error instanceof Error ? error.message : String(error)});`);
      line("   falling back to the explicit three-contributor table");
      choice = explicitTable(explicitClaimers().map((c) => c.account));
      claimers = explicitClaimers();
    }
  } else {
    claimers = explicitClaimers();
    choice = explicitTable(claimers.map((c) => c.account));
  }
  const { table } = choice;
  const tree = buildShareTree(table); // checks the table's root
  const outDir = path.join(root, ".wellspring", "demo");
  mkdirSync(outDir, { recursive: true });
  const tableFile = path.join(outDir, "share-table.json");
  writeFileSync(tableFile, choice.text);
  // The schedule's uri: the evidence bundle when there is one, so anyone can recompute the table.
  const bundleFile = path.join(outDir, "bundle.tar");
  if (choice.bundle) writeFileSync(bundleFile, Buffer.concat([...encodeTar(choice.bundle)]));
  const uri = `file://${choice.bundle ? bundleFile : tableFile}`;
  line(`   source: ${choice.source}`);
  line(`   ${table.recipients.length} recipients, totalShares ${table.totalShares}, root ${table.root}`);
  line(`   tableHash ${table.tableHash}, policyHash ${table.policyHash}`);
  line(
    `   written to ${path.relative(root, tableFile)}${choice.bundle ? `, evidence bundle ${path.relative(root, bundleFile)}` : ""}; largest shares:`,
  );
  const bySize = [...table.recipients].sort((x, y) =>
    y.shares > x.shares ? 1 : y.shares < x.shares ? -1 : 0,
  );
  for (const r of bySize.slice(0, 5)) {
    line(`     ${percent(r.shares, table.totalShares).padStart(24)}  ${r.identity ?? r.accountId}`);
  }
  if (bySize.length > 5) line(`     … and ${bySize.length - 5} more`);
  line(`   claimers: ${claimers.map((c) => c.account).join(", ")}`);

  // Pools pay a first binding only after the registry's window, in which another attestor or the registry's
  // admin may cancel it; the local chain skips ahead instead of waiting.
  const bindingDelay = await publicClient.readContract({
    address: registry,
    abi: identityRegistryAbi,
    functionName: "BINDING_DELAY",
  });
  const waitOutBindingWindow = async (): Promise<void> => {
    await networkHelpers.time.increase(bindingDelay);
    line(
      `   its binding becomes payable after the ${bindingDelay} s in which it could be cancelled (skipped ahead)`,
    );
  };

  const label = (c: Claimer): string => c.account;
  for (const c of claimers.filter((c) => c.binding === "early")) {
    const signed = await signAttestation(attestor, { registry, identity: c.account, payee: at(c.wallet) });
    await submitAttestation(c.wallet, { registry, ...signed });
    line(`   ${c.account} was registered earlier: attestor-signed binding to ${at(c.wallet)}`);
    await waitOutBindingWindow();
  }

  // 3. Deposits, before any schedule exists: they wait in the unallocated pot.
  step(3, "Two payers deposit royalties");
  const mintHash = await admin.writeContract({
    address: token,
    abi: testERC20Abi,
    functionName: "mint",
    args: [payerB.account.address, USDC_IN],
  });
  await publicClient.waitForTransactionReceipt({ hash: mintHash });
  const dA = await depositETH(payerA, { pool, value: ETH_IN, memo: "ACME-AI invoice 2026-11" });
  line(
    `   Payer A (ACME AI) ${at(payerA)} deposits ${eth(dA.credited)} (depositETH, memo "ACME-AI invoice 2026-11")`,
  );
  const dB = await depositWithPermit(payerB, { pool, token, amount: USDC_IN, memo: "Globex Q4 royalties" });
  line(
    `   Payer B (Globex)  ${at(payerB)} deposits ${usdc(dB.credited)} (EIP-2612 permit: one transaction, no approve)`,
  );
  line(
    `   no schedule is active yet, so both wait in the pool's unallocated pot (schedule ${dA.scheduleId})`,
  );

  // 4. Proposal and activation after the delay.
  step(4, "Propose the table and wait for activation");
  const proposed = await proposeSchedule(admin, { pool, table, uri });
  const pending = await getCurrentSchedule(admin, { pool });
  line(
    `   proposer proposes schedule ${proposed.scheduleId}; current: ${pending.current?.scheduleId ?? "none"}, ` +
      `pending: ${pending.pending?.scheduleId ?? "none"}, activates at ${new Date(Number(proposed.activatesAt) * 1000).toISOString()}`,
  );
  await networkHelpers.time.increase(ACTIVATION_DELAY);
  const active = await getCurrentSchedule(admin, { pool });
  if (active.current?.scheduleId !== proposed.scheduleId) throw new Error("the schedule did not activate");
  line(
    `   time travel ${ACTIVATION_DELAY} s: schedule ${active.current.scheduleId} is active; the unallocated pot flowed into it`,
  );
  const scheduleId = proposed.scheduleId;
  const schedules = [{ scheduleId, tree }];
  const tokens: Address[] = [token, zeroAddress];

  const balances = async (who: Address) => ({
    usdc: await publicClient.readContract({
      address: token,
      abi: testERC20Abi,
      functionName: "balanceOf",
      args: [who],
    }),
    eth: await publicClient.getBalance({ address: who }),
  });
  const paid = new Map<string, { usdc: bigint; eth: bigint; wallet: Address; shares: bigint }>();
  const claimAndCheck = async (c: Claimer): Promise<void> => {
    const claims = buildClaims({ account: c.account, schedules, tokens });
    const owed = await getClaimable(c.wallet, { pool, queries: claims });
    const payee = at(c.wallet);
    const before = await balances(payee);
    const result = await claim(c.wallet, { pool, claims });
    const got = { usdc: result.totals.get(token) ?? 0n, eth: result.totals.get(zeroAddress) ?? 0n };
    const after = await balances(payee);
    // The claimer sends its own claim, so its ETH balance also paid the gas.
    if (
      after.usdc - before.usdc !== got.usdc ||
      after.eth - before.eth + gasCost(result.receipt) !== got.eth
    ) {
      throw new Error(`${label(c)}: balance change differs from the Claimed events`);
    }
    if (got.usdc !== owed.totals.get(token) || got.eth !== owed.totals.get(zeroAddress)) {
      throw new Error(`${label(c)}: paid differs from getClaimable`);
    }
    paid.set(label(c), { ...got, wallet: payee, shares: claims[0]!.proof.shares });
    line(
      `   ${label(c)} receives ${usdc(got.usdc)} and ${eth(got.eth)} in one claim transaction (to ${payee})`,
    );
  };

  // 5. Claims.
  step(5, "Contributors claim");
  for (const c of claimers.filter((c) => c.binding !== "late")) await claimAndCheck(c);
  for (const c of claimers.filter((c) => c.binding === "late")) {
    const proof = tree.proofFor(c.account);
    line(
      `   ${c.account} (accountId ${proof.accountId}) is an identity: its payee comes from the identity registry`,
    );
    try {
      await claim(c.wallet, { pool, claims: buildClaims({ account: c.account, schedules, tokens }) });
      throw new Error("the claim of an unbound identity succeeded");
    } catch (error) {
      if (!isSdkError(error, "UNBOUND_IDENTITY")) throw error;
      line(`   first claim attempt fails: ${error.code} (${error.shortMessage})`);
    }
    const signed = await signAttestation(attestor, { registry, identity: c.account, payee: at(c.wallet) });
    line(
      `   the attestor checks ownership off-chain and signs an EIP-712 Attestation(accountId, payee ${at(c.wallet)},`,
    );
    line(
      `   nonce ${signed.attestation.nonce}, deadline ${signed.attestation.deadline}); the contributor submits it`,
    );
    const bound = await submitAttestation(c.wallet, { registry, ...signed });
    const payee = await getPayee(c.wallet, { registry, account: c.account });
    if (!bound.bound || payee.payee !== at(c.wallet)) throw new Error("the identity was not bound");
    line(`   ${c.account} is bound to ${payee.payee}`);
    await waitOutBindingWindow();
    await claimAndCheck(c);
  }

  // 6. The books.
  step(6, "Who got what");
  const claimerIds = new Set(claimers.map((c) => tree.proofFor(c.account).accountId));
  const others = table.recipients.filter((r) => !claimerIds.has(r.accountId));
  const books = { usdc: { paid: 0n, waiting: 0n, dust: 0n }, eth: { paid: 0n, waiting: 0n, dust: 0n } };
  for (const [key, tokenAddress, deposited] of [
    ["usdc", token, USDC_IN],
    ["eth", zeroAddress, ETH_IN],
  ] as const) {
    const pot = await getPot(admin, { pool, scheduleId, token: tokenAddress });
    if (pot.deposited !== deposited) throw new Error(`${key}: the pot differs from the deposits`);
    const b = books[key];
    for (const p of paid.values()) {
      if (p[key] !== floorShare(pot.deposited, p.shares, table.totalShares))
        throw new Error(`${key}: a claim is off`);
      b.paid += p[key];
    }
    // Owed to everyone who has not claimed, exactly as the pool will compute it (floor per account).
    for (const r of others) b.waiting += floorShare(pot.deposited, r.shares, table.totalShares);
    b.dust = deposited - b.paid - b.waiting;
    const held = key === "usdc" ? (await balances(pool)).usdc : (await balances(pool)).eth;
    if (
      pot.claimed !== b.paid ||
      held !== b.waiting + b.dust ||
      b.dust < 0n ||
      b.dust >= BigInt(table.recipients.length)
    ) {
      throw new Error(`${key}: the books do not balance`);
    }
  }
  if (others.length > 0) {
    // One on-chain spot check of the "waiting" figure.
    const r = largestOther(others);
    const q = await getClaimable(admin, { pool, queries: [{ scheduleId, proof: r, tokens }] });
    if (q.totals.get(token) !== floorShare(USDC_IN, r.shares, table.totalShares))
      throw new Error("claimable is off");
  }
  const w = 26;
  line(`   ${"".padEnd(44)} ${"USDC".padStart(w)} ${"ETH".padStart(w)}`);
  for (const [name, p] of paid) {
    line(`   ${name.slice(0, 44).padEnd(44)} ${usdc(p.usdc).padStart(w)} ${eth(p.eth).padStart(w)}`);
  }
  line(
    `   ${"paid to the three claimers".padEnd(44)} ${usdc(books.usdc.paid).padStart(w)} ${eth(books.eth.paid).padStart(w)}`,
  );
  if (others.length > 0) {
    line(
      `   ${`not yet claimed (${others.length} other recipients)`.padEnd(44)} ${usdc(books.usdc.waiting).padStart(w)} ${eth(books.eth.waiting).padStart(w)}`,
    );
  }
  line(
    `   ${"rounding dust (stays in the pool)".padEnd(44)} ${usdc(books.usdc.dust).padStart(w)} ${eth(books.eth.dust).padStart(w)}`,
  );
  line(`   ${"deposited".padEnd(44)} ${usdc(USDC_IN).padStart(w)} ${eth(ETH_IN).padStart(w)}`);
  line(
    `   dust: ${books.usdc.dust} USDC base unit(s) and ${books.eth.dust} wei; each account's claim is floor(pot x shares / totalShares),`,
  );
  line(`   so the dust is below one base unit per recipient (${table.recipients.length} recipients).`);
  line("\nStory complete: every balance change and the books were checked to the unit.");

  // The largest outside identity that has not claimed (not a holding of this repository's own packages).
  const own = ownComponentPrefixes();
  const outside = others.filter(
    (r) => r.identity !== undefined && !own.some((p) => r.identity!.startsWith(p)),
  );
  const suggestion = outside.length > 0 ? largestOther(outside) : undefined;
  const result = {
    ok: true,
    chainId,
    pool,
    registry,
    factory: addresses.factory,
    deployBlock: addresses.deployBlock,
    token,
    scheduleId: scheduleId.toString(),
    root: table.root,
    // What `npm start` suggests looking up in the Claim page.
    unclaimed: suggestion?.identity ?? null,
    tableSource: choice.source,
    recipients: table.recipients.length,
    deposited: { usdc: USDC_IN.toString(), eth: ETH_IN.toString() },
    paid: Object.fromEntries(
      [...paid].map(([k, v]) => [k, { wallet: v.wallet, usdc: v.usdc.toString(), eth: v.eth.toString() }]),
    ),
    waiting: {
      usdc: books.usdc.waiting.toString(),
      eth: books.eth.waiting.toString(),
      recipients: others.length,
    },
    dust: { usdc: books.usdc.dust.toString(), eth: books.eth.dust.toString() },
    unboundClaimRejected: true,
  };
  line(`DEMO_RESULT ${JSON.stringify(result)}`);
  await connection.close();
}

main().catch((error: unknown) => {
  console.error("\nDemo failed:", error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
