// A payer and a contributor using the installed @wellspring/sdk from plain JavaScript on a local
// chain: deposit, propose a schedule, claim. test/packages/consumer.test.ts runs it inside a
// project that installed only the packed tarballs, and checks the balances it reports.
import process from "node:process";

import {
  buildClaims,
  buildShareTree,
  claim,
  createShareTable,
  deposit,
  proposeSchedule,
} from "@wellspring/sdk";
import { createTestClient, createWalletClient, http, publicActions } from "viem";
import { hardhat } from "viem/chains";

const { url, pool, token, admin, payer, alice, bob, amount, activationDelay } = JSON.parse(process.argv[2]);
const transport = http(url);
// The node's unlocked accounts sign (JSON-RPC accounts): no key in this file.
const wallet = (address) =>
  createWalletClient({ account: address, chain: hardhat, transport }).extend(publicActions);

const deposited = await deposit(wallet(payer), { pool, token, amount: BigInt(amount) });

const draft = createShareTable({
  entries: [
    { account: alice, shares: 3n },
    { account: bob, shares: 1n },
  ],
});
const tree = buildShareTree(draft);
await proposeSchedule(wallet(admin), { pool, table: { ...draft, root: tree.root }, uri: "ipfs://consumer" });

const chain = createTestClient({ mode: "hardhat", chain: hardhat, transport });
await chain.increaseTime({ seconds: activationDelay });
await chain.mine({ blocks: 1 });

const claims = buildClaims({ account: alice, schedules: [{ scheduleId: 1n, tree }], tokens: [token] });
const claimed = await claim(wallet(alice), { pool, claims });
process.stdout.write(
  `${JSON.stringify({
    credited: deposited.credited.toString(),
    payments: claimed.payments.map((p) => ({ token: p.token, amount: p.amount.toString() })),
  })}\n`,
);
