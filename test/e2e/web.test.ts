/**
 * The web pages in a real browser (Debian's Chromium via playwright-core) against a real
 * `hardhat node`, the project's Ignition deployment and the real server with its indexer. The page
 * talks to an injected EIP-1193 wallet that signs with Hardhat development keys in Node.
 *
 * Story: no wallet and wrong network states; a payer deposits ETH (pending state on a paused
 * miner) and USDC by permit; an admin is refused on a rejected signature, sees the server's field
 * errors inline, saves a policy, runs it on an uploaded lockfile, publishes, revokes as guardian and
 * publishes again; a user without the role fails to revoke; time passes; an identity from the table
 * is bound to a wallet with an attestor's attestation and claims everything (balances rise by
 * exactly the amounts shown); then there is nothing to claim; the explorer shows it all.
 */
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";

import hre from "hardhat";
import type { Browser, Page } from "playwright-core";
import {
  type Address,
  type Hex,
  createWalletClient,
  getAddress,
  http,
  keccak256,
  parseEther,
  stringToBytes,
  zeroAddress,
} from "viem";
import { hardhat } from "viem/chains";

import { deployWellspring } from "../../deploy/lib/deploy.ts";
import { GitHubVerifier } from "../../packages/server/src/attestor/github.ts";
import { GitHubOAuth } from "../../packages/server/src/attestor/github-oauth.ts";
import { StandIn } from "../../packages/server/test/attestor-stand-in.ts";
import {
  buildShareTree,
  createShareTable,
  deposit,
  depositETH,
  identityRegistryAbi,
  proposeSchedule,
  royaltyPoolAbi,
  testERC20Abi,
} from "../../packages/sdk/src/index.ts";
import { PoolRepository } from "../../packages/server/src/repositories/pools.ts";
import { RunRepository } from "../../packages/server/src/repositories/runs.ts";
import { percent } from "../../packages/web/src/app/format.ts";
import { recipientName } from "../../packages/web/src/app/held.ts";
import { IDENTITY, LOCKFILE, fundingManifest } from "../../packages/web/test/fixtures.ts";
import {
  type Chain,
  type Server,
  axeViolations,
  buildPages,
  dev,
  launchBrowser,
  openPage,
  resultsDir,
  root,
  signedPost,
  startChain,
  startServer,
  tooWide,
} from "./web/harness.ts";

const ADMIN = dev(0); // admin, proposer, guardian
const ATTESTOR = dev(1);
const PAYER = dev(2);
const CLAIMER = dev(4);
const STRANGER = dev(5); // holds no role
const NOBODY = dev(6); // no role, no identity, no deposit
const DELAY = 3600;
const USDC_IN = 2_600_000_001n; // 2,500.000001 by permit + 100 by approve
// Its own Ignition journal (removed after), so parallel runs and other local deployments never collide.
const deploymentId = `web-e2e-${process.pid}-${Date.now()}`;
const shot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(resultsDir, `web-${name}.png`), fullPage: true });
const state = (page: Page, id: string, value: string) =>
  page.locator(`#${id}[data-state="${value}"]`).waitFor({ state: "visible", timeout: 30_000 });

describe("web pages in Chromium", { timeout: 600_000 }, () => {
  let chain: Chain;
  let server: Server;
  let browser: Browser;
  let pool: Address;
  let registry: Address;
  let usdc: Address;
  let github: StandIn;
  let deployBlock: string;
  let factory: Address;

  before(async () => {
    mkdirSync(resultsDir, { recursive: true });
    buildPages();
    chain = await startChain();
    const connection = await hre.network.connect({ network: "localhost", override: { url: chain.url } });
    const addresses = await deployWellspring(hre, connection, {
      deploymentId,
      parameters: {
        IdentityRegistry: {
          admin: ADMIN.address,
          adminTransferDelay: 0,
          rebindDelay: 86_400,
          attestors: [ATTESTOR.address],
        },
        Pool: {
          admin: ADMIN.address,
          proposer: ADMIN.address,
          guardian: ADMIN.address,
          activationDelay: DELAY,
          claimWindow: 30 * 86_400,
        },
      },
    });
    pool = getAddress(addresses.pool);
    registry = getAddress(addresses.registry);
    factory = getAddress(addresses.factory);
    const token = await connection.viem.deployContract("TestERC20", ["Demo USDC", "USDC", 6]);
    usdc = getAddress(token.address);
    const adminWallet = await connection.viem.getWalletClient(ADMIN.address);
    await chain.client.waitForTransactionReceipt({
      hash: await adminWallet.writeContract({
        address: usdc,
        abi: testERC20Abi,
        functionName: "mint",
        args: [PAYER.address, 10_000_000_000n],
      }),
    });
    // GitHub's OAuth and REST endpoints, for "Sign in with GitHub".
    github = await new StandIn().listen();
    server = await startServer(
      chain,
      {
        ADMIN: [ADMIN.address],
        PROPOSER: [ADMIN.address],
        GUARDIAN: [ADMIN.address],
        ATTESTOR: [ATTESTOR.address],
      },
      {
        registry,
        account: ATTESTOR,
        githubOAuth: new GitHubOAuth({
          oauthUrl: github.url,
          ...github.oauthApp,
          github: new GitHubVerifier({ apiUrl: `${github.url}/api` }),
        }),
      },
    );
    const res = await signedPost(server, ADMIN, "/v1/pools", {
      address: pool,
      name: "Acme AI royalties",
      deployedBlock: (deployBlock = String(addresses.deployBlock)),
    });
    assert.equal(res.status, 201, await res.text());
    browser = await launchBrowser();
  });

  after(async () => {
    rmSync(path.join(root, "deploy", "deployments", deploymentId), { recursive: true, force: true });
    await browser?.close();
    await server?.stop();
    await github?.close();
    await chain?.stop();
  });

  it("without a wallet: says so, and still looks things up", async () => {
    const { page, context, errors } = await openPage(browser, server, chain);
    await page.goto(`${server.url}/#/claim`);
    await page.locator('#wallet-bar[data-state="no-wallet"]').waitFor();
    await page.locator("#claim-use-wallet").click();
    await state(page, "claim-status", "no-wallet");
    await page.locator("#claim-account").fill("github:583231");
    await page.locator("#claim-lookup").click();
    await state(page, "claim-status", "nothing");
    await shot(page, "claim-no-wallet");
    assert.deepEqual(errors, []);
    await context.close();
  });

  it("on the wrong network: refuses to send, then switches", async () => {
    const { page, context, wallet, errors } = await openPage(browser, server, chain, {
      wallet: { account: PAYER, chainId: 1 },
    });
    await page.goto(`${server.url}/#/pay`);
    await page.locator('#wallet-bar[data-state="wrong-network"]').waitFor();
    await page.locator("#pay-amount").fill("1");
    await page.locator("#pay-submit").click();
    await state(page, "pay-status", "wrong-network");
    assert.ok(!wallet!.calls.includes("eth_sendTransaction"));
    await shot(page, "pay-wrong-network");
    await page.locator("#switch-network").click();
    await page.locator('#wallet-bar[data-state="ready"]').waitFor();
    assert.equal(wallet!.chainId, 31337);
    assert.deepEqual(errors, []);
    await context.close();
  });

  it("Pay: deposits ETH (pending until mined) and USDC by permit, with receipts and the payer statement", async () => {
    const { page, context, wallet, errors } = await openPage(browser, server, chain, {
      wallet: { account: PAYER },
    });
    await page.goto(`${server.url}/#/pay`);
    await page.locator('#wallet-bar[data-state="ready"]').waitFor();
    const before = await chain.client.getBalance({ address: pool });

    await chain.rpc("evm_setAutomine", [false]);
    await page.locator("#pay-token").selectOption(zeroAddress);
    await page.locator("#pay-amount").fill("1.5");
    await page.locator("#pay-memo").fill("invoice-42");
    await page.locator("#pay-submit").click();
    await state(page, "pay-status", "pending");
    await shot(page, "pay-pending");
    await chain.rpc("evm_mine");
    await chain.rpc("evm_setAutomine", [true]);
    await state(page, "pay-status", "deposited");
    assert.equal(
      await page.locator("#pay-credited").getAttribute("data-amount"),
      parseEther("1.5").toString(),
    );
    assert.equal(await chain.client.getBalance({ address: pool }), before + parseEther("1.5"));
    await page.locator("#pay-history table").waitFor({ timeout: 30_000 });
    assert.match(await page.locator("#pay-history").innerText(), /invoice-42/);
    // The receipt gives the cost in the chain's currency and the amount in ETH, not wei.
    assert.match(await page.locator("#pay-cost").innerText(), /ETH/);
    assert.equal(await page.locator("#pay-credited").innerText(), "1.5 ETH");

    await page.locator("#pay-token-address").fill(usdc);
    await page.locator("#pay-amount").fill("2500.000001");
    await page.locator("#pay-memo").fill("invoice-43");
    await page.locator("#pay-method-permit").check();
    await page.locator("#pay-submit").click();
    await state(page, "pay-status", "deposited");
    assert.equal(await page.locator("#pay-credited").getAttribute("data-amount"), "2500000001");
    const held = await chain.client.readContract({
      address: usdc,
      abi: testERC20Abi,
      functionName: "balanceOf",
      args: [pool],
    });
    assert.equal(held, 2_500_000_001n);
    await page.locator("#pay-history table").waitFor({ timeout: 30_000 });
    await page.getByText("invoice-43").first().waitFor();
    // USDC at its 6 decimals, rounded for display; the exact figure on hover.
    const credited = page.locator("#pay-credited");
    assert.equal(await credited.innerText(), "≈ 2,500 USDC");
    assert.equal(await credited.getAttribute("title"), "exactly 2,500.000001 USDC");

    // The approve path: an approval, then the deposit (two transactions).
    await page.locator("#pay-amount").fill("100");
    await page.locator("#pay-memo").fill("invoice-44");
    await page.locator("#pay-method-approve").check();
    await page.locator("#pay-submit").click();
    await state(page, "pay-status", "deposited");
    assert.equal(await page.locator("#pay-credited").getAttribute("data-amount"), "100000000");
    assert.equal(
      await chain.client.readContract({
        address: usdc,
        abi: testERC20Abi,
        functionName: "balanceOf",
        args: [pool],
      }),
      USDC_IN,
    );
    await page.getByText("invoice-44").first().waitFor();
    await shot(page, "pay-receipt");

    // A transaction the payer rejects in the wallet: nothing is sent.
    wallet!.reject = true;
    await page.locator("#pay-token").selectOption(zeroAddress);
    await page.locator("#pay-token-address").fill("");
    await page.locator("#pay-amount").fill("0.25");
    await page.locator("#pay-submit").click();
    await state(page, "pay-status", "rejected");
    assert.equal(await chain.client.getBalance({ address: pool }), before + parseEther("1.5"));
    assert.deepEqual(errors, []);
    await context.close();
  });

  it("Admin: rejected signature, inline field errors, save, run, what-if, publish, countdown, revoke, publish again", async () => {
    const { page, context, wallet, errors } = await openPage(browser, server, chain, {
      wallet: { account: ADMIN },
    });
    await page.goto(`${server.url}/#/admin`);
    await page.locator('#wallet-bar[data-state="ready"]').waitFor();
    await state(page, "policy-status", "new-policy");

    const policy = readFileSync(
      path.join(root, "packages", "attribution", "policies", "default.json"),
      "utf8",
    );
    await page.locator("#policy-editor").fill(policy);
    wallet!.reject = true;
    await page.locator("#policy-save").click();
    await state(page, "policy-status", "rejected");
    wallet!.reject = false;

    const bad = JSON.parse(policy) as { keep: { default: number } };
    bad.keep.default = 2;
    await page.locator("#policy-editor").fill(JSON.stringify(bad, null, 2));
    await page.locator("#policy-save").click();
    await state(page, "policy-status", "invalid");
    await page.locator('#policy-issues li[data-path="body.document.keep.default"]').waitFor();
    assert.equal(await page.locator("#policy-editor").getAttribute("aria-invalid"), "true");
    await page.locator('#policy-issues li[data-path="body.document.keep.default"] button').click();
    const selected = await page.evaluate(() => {
      const el = document.activeElement as HTMLTextAreaElement;
      return {
        id: el.id,
        text: el.value.slice(el.selectionStart, el.selectionEnd),
        before: el.value.slice(0, el.selectionStart),
      };
    });
    assert.equal(selected.id, "policy-editor");
    assert.equal(selected.text, '"default"');
    assert.ok(selected.before.includes('"keep"'), "the selection is the default inside keep");
    await shot(page, "admin-policy-errors");

    await page.locator("#policy-editor").fill(policy);
    await page.locator("#policy-save").click();
    await state(page, "policy-status", "saved");

    const runOnce = async () => {
      await page.locator("#run-files").setInputFiles([
        { name: "package-lock.json", mimeType: "application/json", buffer: Buffer.from(LOCKFILE) },
        {
          name: "FUNDING.json",
          mimeType: "application/json",
          buffer: Buffer.from(fundingManifest(CLAIMER.address)),
        },
      ]);
      await page.locator("#run-submit").click();
      await state(page, "run-status", "run-complete");
      await page.locator("#diff-summary").waitFor();
      await page.locator("#run-result svg.chart").waitFor();
      // The run's report says what is held and why: tiny-json names nobody.
      await page.locator("#run-held").waitFor();
      assert.match(
        await page.locator("#run-held").innerText(),
        /pkg:npm\/tiny-json@2\.0\.1\s+25\.00 %\s+no-contributors/,
      );
    };
    await runOnce();
    assert.match(await page.locator("#diff-summary").innerText(), /No active schedule/);
    // Publish first says what it will propose; the wallet is asked only after Confirm.
    await page.locator("#publish").click();
    assert.match(
      await page.locator("#publish-summary").innerText(),
      /Root[\s\S]*Total shares\s+1,000,000,000,000,000,000[\s\S]*Recipients\s+2[\s\S]*Activates\s+1 hour after/,
    );
    await page.locator("#publish-confirm-go").click();
    await state(page, "schedule-status", "proposed");
    await page.getByText(/Schedule #1 activates in 0h 59m|Schedule #1 activates in 1h 00m/).waitFor();
    await shot(page, "admin-pending");

    await page.locator("#revoke").click();
    await state(page, "schedule-status", "revoked");
    await page.getByText("No schedule is pending.").waitFor();

    await runOnce();
    await page.locator("#publish").click();
    await page.locator("#publish-confirm-go").click();
    await state(page, "schedule-status", "proposed");
    await page.locator('#countdown[data-schedule-id="2"]').waitFor();
    const s = await chain.client.readContract({
      address: pool,
      abi: royaltyPoolAbi,
      functionName: "pendingScheduleId",
    });
    assert.equal(s, 2n);
    assert.deepEqual(errors, []);
    await context.close();
  });

  it("a wallet without the guardian role finds Revoke disabled, with the role it needs", async () => {
    const { page, context, errors } = await openPage(browser, server, chain, {
      wallet: { account: STRANGER },
    });
    await page.goto(`${server.url}/#/admin`);
    await page.locator('#countdown[data-schedule-id="2"]').waitFor();
    await page.locator("#revoke-why", { hasText: "GUARDIAN or ADMIN role" }).waitFor();
    assert.equal(await page.locator("#revoke").isDisabled(), true);
    await shot(page, "admin-no-role");
    const s = await chain.client.readContract({
      address: pool,
      abi: royaltyPoolAbi,
      functionName: "pendingScheduleId",
    });
    assert.equal(s, 2n);
    assert.deepEqual(errors, []);
    await context.close();
  });

  it("Claim: binds an identity through the attestor (funding manifest, wallet signature), claims everything, balances rise by exactly what was shown", async () => {
    await chain.rpc("evm_increaseTime", [DELAY + 1]);
    await chain.rpc("evm_mine");
    await server.syncClock();
    const current = await chain.client.readContract({
      address: pool,
      abi: royaltyPoolAbi,
      functionName: "currentScheduleId",
    });
    assert.equal(current, 2n);

    const { page, context, wallet, errors } = await openPage(browser, server, chain, {
      wallet: { account: CLAIMER, connected: false },
    });
    await page.goto(`${server.url}/#/claim`);
    await page.locator('#wallet-bar[data-state="disconnected"]').waitFor();
    wallet!.reject = true;
    await page.locator("#connect").click();
    await page.locator('#wallet-bar[data-state="rejected"]').waitFor();
    wallet!.reject = false;
    await page.locator("#connect").click();
    await page.locator('#wallet-bar[data-state="ready"]').waitFor();
    assert.ok(wallet!.calls.includes("eth_requestAccounts"));

    await page.locator("#claim-account").fill(IDENTITY);
    await page.locator("#claim-lookup").click();
    await state(page, "claim-status", "unbound");

    // A manifest the attestor does not know (it names another wallet): refused, nothing bound.
    await page.locator("#bind-manifest").setInputFiles({
      name: "FUNDING.json",
      mimeType: "application/json",
      buffer: Buffer.from(fundingManifest(STRANGER.address)),
    });
    await page.locator("#bind-request").click();
    await state(page, "bind-status", "refused");
    assert.match(await page.locator("#bind-status").innerText(), /PAYEE_NOT_NAMED|MANIFEST_NOT_TRUSTED/);
    await shot(page, "claim-bind-refused");

    // The manifest of the run's inputs: the wallet signs the request, the attestor checks and signs
    // the registry attestation, the wallet submits it.
    await page.locator("#bind-manifest").setInputFiles({
      name: "FUNDING.json",
      mimeType: "application/json",
      buffer: Buffer.from(fundingManifest(CLAIMER.address)),
    });
    await page.locator("#bind-request").click();
    await state(page, "bind-status", "bound");
    const payee = await chain.client.readContract({
      address: pool,
      abi: royaltyPoolAbi,
      functionName: "payeeOf",
      args: [keccak256(stringToBytes(IDENTITY))],
    });
    assert.equal(getAddress(payee), CLAIMER.address);
    assert.match(await page.locator("#bind-status").innerText(), /pools pay it from \d{1,2} \w{3,4} \d{4}, /);
    // Pools pay a first binding after the registry's cancellable window: the local chain skips it.
    const window = await chain.client.readContract({
      address: registry,
      abi: identityRegistryAbi,
      functionName: "BINDING_DELAY",
    });
    await chain.rpc("evm_increaseTime", [Number(window)]);
    await chain.rpc("evm_mine");

    await page.locator("#claim-lookup").click();
    await state(page, "claim-status", "claimable");
    // 3/4 of the table, up to the rounding of exact shares (a few wei of 10^18).
    const holds = /github:leftpad-dev holds (\d+) of 1000000000000000000 shares/.exec(
      await page.locator("#claim-results").innerText(),
    );
    assert.ok(holds, "the claim page names the identity's shares");
    const leftpadShares = BigInt(holds[1]!);
    assert.ok(
      leftpadShares - 750_000_000_000_000_000n < 1000n && leftpadShares >= 750_000_000_000_000_000n - 1000n,
    );
    const shown = async (token: Address) =>
      BigInt((await page.locator(`#claim-totals li[data-token="${token}"]`).getAttribute("data-amount"))!);
    const ethShown = await shown(zeroAddress);
    const usdcShown = await shown(usdc);
    assert.equal(ethShown, (parseEther("1.5") * leftpadShares) / 10n ** 18n);
    assert.equal(usdcShown, (USDC_IN * leftpadShares) / 10n ** 18n);
    await shot(page, "claim-claimable");
    assert.match(await page.locator("#claim-results").innerText(), /against the root from the chain/);

    // The same figures from a server without a chain connection: the page builds the proofs itself
    // from the run's table and reads the amounts through the wallet.
    const fallback = await openPage(browser, server, chain, { wallet: { account: CLAIMER } });
    await fallback.page.goto(`${server.fallbackUrl}/#/claim`);
    await fallback.page.locator('#wallet-bar[data-state="ready"]').waitFor();
    await fallback.page.locator("#claim-account").fill(IDENTITY);
    await fallback.page.locator("#claim-lookup").click();
    await state(fallback.page, "claim-status", "claimable");
    assert.match(
      await fallback.page.locator("#claim-results").innerText(),
      /against the root from the server index/,
    );
    for (const [token, expected] of [
      [zeroAddress, ethShown],
      [usdc, usdcShown],
    ] as const) {
      const li = fallback.page.locator(`#claim-totals li[data-token="${token}"]`);
      assert.equal(BigInt((await li.getAttribute("data-amount"))!), expected);
    }
    assert.deepEqual(fallback.errors, []);
    await fallback.context.close();

    const usdcBalance = () =>
      chain.client.readContract({
        address: usdc,
        abi: testERC20Abi,
        functionName: "balanceOf",
        args: [CLAIMER.address],
      });
    const [eth0, usdc0] = await Promise.all([
      chain.client.getBalance({ address: CLAIMER.address }),
      usdcBalance(),
    ]);
    await page.locator("#claim-all").click();
    await state(page, "claim-status", "claimed");
    const hash = (await page.locator("#claim-tx").innerText()) as Hex;
    const receipt = await chain.client.getTransactionReceipt({ hash });
    const [eth1, usdc1] = await Promise.all([
      chain.client.getBalance({ address: CLAIMER.address }),
      usdcBalance(),
    ]);
    assert.equal(usdc1 - usdc0, usdcShown);
    assert.equal(eth1 - eth0 + receipt.gasUsed * receipt.effectiveGasPrice, ethShown);
    await shot(page, "claim-claimed");

    await page.locator("#claim-lookup").click();
    await state(page, "claim-status", "nothing");
    await page.locator("#claim-account").fill(STRANGER.address);
    await page.locator("#claim-lookup").click();
    await state(page, "claim-status", "nothing");

    // The SDK simulates before the wallet is asked: an attestation sent again (used, and by now
    // expired) fails in plain words without a prompt.
    wallet!.reject = true;
    await page.locator("#claim-account").fill(IDENTITY);
    await page.locator("#bind-submit").click();
    await state(page, "bind-status", "failed");
    assert.match(
      await page.locator("#bind-status").innerText(),
      /expired|used already|bound to this wallet already/,
    );
    assert.deepEqual(errors, []);
    await context.close();
  });

  it("Claim: signs in with GitHub (stand-in) and binds; the wallet home shows what is owed, why, and claims per pool; a refusal names its next step", async () => {
    // A newcomer whose GitHub account is someone else's: refused, with what to do next.
    const stranger = await openPage(browser, server, chain, {
      wallet: { account: STRANGER },
      viewport: { width: 1366, height: 900 },
      allowOrigins: [github.url],
    });
    const { page } = stranger;
    await page.goto(`${server.url}/#/claim`);
    await page.locator('#wallet-bar[data-state="ready"]').waitFor();
    await page.locator("#bind-github").waitFor();
    github.signIn = github.addUser("someone-else", 777);
    await page.locator("#claim-account").fill("octo-newcomer");
    await page.locator("#bind-github").click();
    await state(page, "bind-status", "refused");
    assert.match(
      await page.locator("#bind-status").innerText(),
      /NOT_OWNER.*signed in to GitHub as someone-else, not octo-newcomer.*sign in as octo-newcomer/,
    );
    await shot(page, "claim-github-refused");

    // Signed in as the account itself: the attestor signs, the wallet sends it, the home lists it.
    github.signIn = github.addUser("octo-newcomer", 4242);
    await page.locator("#claim-account").fill("octo-newcomer");
    await page.locator("#bind-github").click();
    await state(page, "bind-status", "signed-in");
    await page.locator("#bind-finish").click();
    await state(page, "bind-status", "bound");
    const newcomer = page.locator('#home-identities li[data-identity="github:octo-newcomer"]');
    for (let i = 0; i < 50 && !(await newcomer.isVisible()); i++) {
      await page.waitForTimeout(200);
      await page.locator("#home-load").click();
      await page.locator("#home-status[data-state]:not([data-state='loading'])").waitFor();
    }
    await newcomer.waitFor();
    await shot(page, "claim-github-bound");
    assert.deepEqual(stranger.errors, []);
    await stranger.context.close();

    // The maintainer bound earlier: new money arrives; the home lists it, says why, claims it.
    const payer = createWalletClient({ account: PAYER, chain: hardhat, transport: http(chain.url) });
    await depositETH(payer, { pool, value: parseEther("0.8") });
    await chain.rpc("evm_mine");
    const maintainer = await openPage(browser, server, chain, {
      wallet: { account: CLAIMER },
      viewport: { width: 1366, height: 900 },
    });
    const home = maintainer.page;
    let owed: { amounts: { token: string; amount: string }[] }[] = [];
    for (let i = 0; i < 50 && owed.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 200));
      owed = (
        (await (await fetch(`${server.url}/v1/wallets/${CLAIMER.address}`)).json()) as {
          claimable: typeof owed;
        }
      ).claimable;
    }
    const ethOwed = owed
      .flatMap((l) => l.amounts)
      .filter((a) => a.token === zeroAddress)
      .reduce((sum, a) => sum + BigInt(a.amount), 0n);
    assert.ok(ethOwed > 0n);
    await home.goto(`${server.url}/#/claim`);
    await state(home, "home-status", "claimable");
    const row = home.locator("#home-claimable tbody tr", { hasText: IDENTITY });
    await row.waitFor();
    assert.match(await row.innerText(), /No sweep date: the schedule is current/);
    await row.locator("button.why").click();
    await row.locator(".explain li").first().waitFor();
    const why = await row.locator(".explain").innerText();
    assert.match(why, /github:leftpad-dev holds \d+ of 1000000000000000000 shares of run \d+/);
    assert.match(why, /left-pad/);
    assert.match(why, /worth .*ETH/);
    await shot(home, "claim-home-why");
    const eth0 = await chain.client.getBalance({ address: CLAIMER.address });
    await home.locator(".home-claim").first().click();
    await state(home, "home-status", "claimed");
    const hash = (await home.locator("#home-claim-tx").innerText()) as Hex;
    const receipt = await chain.client.getTransactionReceipt({ hash });
    const eth1 = await chain.client.getBalance({ address: CLAIMER.address });
    assert.equal(eth1 - eth0 + receipt.gasUsed * receipt.effectiveGasPrice, ethOwed);
    await shot(home, "claim-home-claimed");
    assert.deepEqual(maintainer.errors, []);
    await maintainer.context.close();
  });

  it("Explorer: pools, schedules, share chart, top recipients, search, deposits over time", async () => {
    const { page, context, errors } = await openPage(browser, server, chain, { wallet: { account: PAYER } });
    // The server's verifier checks the active schedule's bundle (its run's bundle URL) on its own.
    const { schedules } = (await (await fetch(`${server.url}/v1/pools/${pool}/schedules`)).json()) as {
      schedules: { scheduleId: string; status: string }[];
    };
    const activeId = schedules.find((s) => s.status === "active")!.scheduleId;
    const checksOfActive = `${server.url}/v1/pools/${pool}/schedules/${activeId}/verifications`;
    for (let i = 0; i < 300; i++) {
      const { verifications } = (await (await fetch(checksOfActive)).json()) as { verifications: unknown[] };
      if (verifications.length > 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await page.goto(`${server.url}/#/explorer`);
    await state(page, "explorer-status", "loaded");
    await page.locator("#explorer-shares svg.chart").waitFor();
    await page.locator("#explorer-deposits svg.chart").first().waitFor();
    const overview = await page.locator("#explorer-overview").innerText();
    assert.match(overview, /Acme AI royalties/);
    assert.match(overview, /revoked/);
    assert.match(overview, /active/);
    const activeRow = await page
      .locator("#explorer-overview tr", { hasText: /active/ })
      .last()
      .innerText();
    assert.match(activeRow, /bundle/);
    assert.match(activeRow, /verified by web test server, \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    assert.match(await page.locator("#explorer-shares").innerText(), /github:leftpad-dev/);
    await page.locator("#explorer-search").fill(IDENTITY);
    await page.locator("#explorer-search-go").click();
    await page.locator('#explorer-found [data-state="found"]').waitFor();
    assert.match(await page.locator("#explorer-found").innerText(), /75 %/);
    // tiny-json names nobody: its quarter waits in the pool, and the Explorer says so.
    const held = await page.locator("#explorer-held").innerText();
    assert.match(held, /(25|24\.99\d*) % of this table is held for 1 component/);
    assert.match(held, /pkg:npm\/tiny-json@2\.0\.1/);
    await shot(page, "explorer");
    assert.deepEqual(errors, []);
    await context.close();
  });

  it("passes axe-core's WCAG 2.1 A/AA checks on every page", async () => {
    const { page, context, errors } = await openPage(browser, server, chain, {
      wallet: { account: CLAIMER },
      bypassCSP: true,
    });
    for (const name of ["claim", "pay", "admin", "explorer"]) {
      await page.goto(`${server.url}/#/${name}`);
      await page.locator(`#view[data-page="${name}"] h1`).waitFor();
      if (name === "explorer") await state(page, "explorer-status", "loaded");
      if (name === "admin") await state(page, "policy-status", "loaded");
      const violations = await axeViolations(page);
      assert.deepEqual(violations, [], `${name}: ${JSON.stringify(violations, null, 1)}`);
    }
    assert.deepEqual(errors, []);
    await context.close();
  });

  it("fits a phone screen and works from the keyboard", async () => {
    const { page, context, errors } = await openPage(browser, server, chain, {
      wallet: { account: CLAIMER },
      viewport: { width: 390, height: 844 },
    });
    for (const name of ["claim", "pay", "admin", "explorer"]) {
      await page.goto(`${server.url}/#/${name}`);
      await page.locator(`#view[data-page="${name}"] h1`).waitFor();
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      assert.ok(overflow <= 0, `${name} scrolls sideways by ${overflow}px on a phone`);
      await shot(page, `phone-${name}`);
    }
    // Keyboard: the heading has focus after navigation; Tab reaches the lookup field; Enter submits.
    await page.goto(`${server.url}/#/claim`);
    await page.locator('#view[data-page="claim"] h1').waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.id), "claim-h");
    await page.locator("#claim-account").focus();
    await page.keyboard.type(IDENTITY);
    await page.keyboard.press("Enter");
    await state(page, "claim-status", "nothing");
    assert.deepEqual(errors, []);
    await context.close();
  });

  /**
   * Each page and state this server can show, at a laptop's and a phone's width: nothing wider than
   * the viewport (tables scroll inside their region), axe-core's WCAG 2.1 A/AA rules clean, no
   * console error, a screenshot in test-results/.
   */
  async function checkEveryWidth(
    at: Server,
    account: typeof PAYER | undefined,
    states: { name: string; hash: string; ready: (page: Page) => Promise<void> }[],
  ): Promise<void> {
    for (const viewport of [
      { width: 1366, height: 900 },
      { width: 390, height: 844 },
    ]) {
      const { page, context, errors } = await openPage(browser, at, chain, {
        ...(account ? { wallet: { account } } : {}),
        viewport,
        bypassCSP: true,
      });
      for (const s of states) {
        await page.goto(`${at.url}/${s.hash}`);
        await page.locator("#view h1").waitFor();
        await s.ready(page);
        const where = `${s.name} at ${viewport.width}px`;
        assert.deepEqual(await tooWide(page), [], where);
        assert.deepEqual(await axeViolations(page), [], where);
        await page.screenshot({
          path: path.join(resultsDir, `units-${viewport.width}-${s.name}.png`),
          fullPage: true,
        });
      }
      assert.deepEqual(errors, []);
      await context.close();
    }
  }

  it("every page fits 1366 and 390 px, passes axe and logs no error: a payer's deposits and where one went, the explorer", async () => {
    await checkEveryWidth(server, PAYER, [
      {
        name: "pay-history",
        hash: "#/pay",
        ready: async (page) => {
          await page.locator("#pay-history table").waitFor({ timeout: 30_000 });
          // Amounts in the token's units, never base units; ETH shows no 18-decimal tail.
          const history = await page.locator("#pay-history").innerText();
          assert.match(history, /2,500 USDC/);
          assert.doesNotMatch(history, /2500000001|base units/);
          // The balance is read after the history may have come: wait until it says it has settled.
          await page.locator('#pay-balance[data-state="ready"]').waitFor();
          assert.match(await page.locator("#pay-balance").innerText(), /Your balance: .* ETH/);
          // The ERC-20 authorisation is offered for tokens only.
          assert.equal(await page.locator("#pay-method").isHidden(), true);
          await page.locator("#pay-token-address").fill(usdc);
          await page.locator("#pay-method").waitFor({ state: "visible" });
          await page.locator("#pay-token-address").fill("");
        },
      },
      {
        name: "pay-where-it-went",
        hash: "#/pay",
        ready: async (page) => {
          // The first ETH deposit was unallocated, later ones were shared by an active schedule.
          await page.locator("#pay-history button.where").first().waitFor({ timeout: 30_000 });
          const buttons = page.locator("#pay-history button.where");
          await buttons.first().click();
          await page.locator("#pay-split [data-state]").first().waitFor();
          const shared = page.locator('#pay-split [data-state="split"]');
          for (let i = 0; i < (await buttons.count()) && !(await shared.isVisible()); i++) {
            await buttons.nth(i).click();
            await page.locator("#pay-split h2").waitFor();
            await page.waitForTimeout(300);
          }
          await shared.waitFor();
          const text = await page.locator("#pay-split").innerText();
          assert.match(text, /held for components/);
          assert.match(text, /github/);
          await page.locator("#pay-split svg.chart").waitFor();
          // Claimed vs waiting, for the pot of the schedule that shares the deposit.
          assert.match(await page.locator("#pay-split-pot").innerText(), /claimed .*waiting .*held /);
        },
      },
      {
        name: "pay-field-error",
        hash: "#/pay",
        ready: async (page) => {
          await page.locator("#pay-amount").fill("1.2.3");
          await page.locator("#pay-submit").click();
          await page.locator("#pay-amount-error").waitFor();
          assert.equal(await page.locator("#pay-amount").getAttribute("aria-invalid"), "true");
          assert.match(await page.locator("#pay-amount-error").innerText(), /positive amount/);
        },
      },
      {
        name: "explorer",
        hash: "#/explorer",
        ready: async (page) => {
          await state(page, "explorer-status", "loaded");
          const facts = await page.locator("#explorer-pool-facts").innerText();
          assert.match(facts, /1 hour/);
          assert.match(facts, /30 days/);
          assert.doesNotMatch(await page.locator("#view").innerText(), /%40|base units/);
          // Each activated schedule's pot and where it is now (a bound identity claimed everything).
          await page.locator("#explorer-pots table").waitFor();
          assert.match(await page.locator("#explorer-pots").innerText(), /Claimed[\s\S]*Held/);
        },
      },
      {
        name: "admin",
        hash: "#/admin",
        ready: (page) => state(page, "policy-status", "loaded"),
      },
    ]);
  });

  it("Admin's what-if at 1366 and 390 px: summary in money, sorted table, a Publish bar in view that confirms first", async () => {
    await checkEveryWidth(server, ADMIN, [
      {
        name: "admin-whatif",
        hash: "#/admin",
        ready: async (page) => {
          await state(page, "policy-status", "loaded");
          // The policy's fields (generated from its schema) beside the JSON.
          assert.equal(await page.locator("#policy-field-depthDecay").inputValue(), "1");
          // The policy's history is one click away.
          await page.locator("details.history summary").click();
          assert.match(await page.locator("#policy-history").innerText(), /v1\s[\s\S]*first version/);
          await page
            .locator("#run-files")
            .setInputFiles([
              { name: "package-lock.json", mimeType: "application/json", buffer: Buffer.from(LOCKFILE) },
            ]);
          await page.locator("#run-submit").click();
          await state(page, "run-status", "run-complete");
          // Against the active schedule: the summary comes first, then the table.
          await page.locator("#whatif-summary").waitFor();
          assert.match(await page.locator("#diff-summary").innerText(), /recipient\(s\) gain, \d+ lose/);
          assert.match(
            await page.locator("#whatif-concentration").innerText(),
            /top 10 hold [\d.]+ %; HHI [\d,]+ of 10,000/,
          );
          await page.locator("#whatif-table table").waitFor();
          assert.equal(
            await page.locator("#publish-bar").evaluate((el) => getComputedStyle(el).position),
            "sticky",
          );
          await page.locator("#publish").click();
          await page.locator("#publish-summary").waitFor();
          assert.match(await page.locator("#publish-summary").innerText(), /Activates\s+1 hour after/);
          await page.locator("#publish-cancel").click();
          assert.equal(await page.locator("#publish-summary").count(), 0, "Cancel proposes nothing");
        },
      },
    ]);
  });

  it("without a wallet, and on a server without pools, every empty state names the next step", async () => {
    await checkEveryWidth(server, undefined, [
      {
        name: "pay-no-wallet",
        hash: "#/pay",
        ready: async (page) => {
          await page.locator('#pay-history [data-state="no-wallet"]').waitFor();
        },
      },
    ]);
    const empty = await startServer(chain, { ADMIN: [ADMIN.address] });
    try {
      await checkEveryWidth(empty, PAYER, [
        {
          name: "pay-no-pools",
          hash: "#/pay",
          ready: async (page) => {
            const text = await page.locator('#pay-empty[data-state="no-pools"]').innerText();
            assert.match(text, /register-pool/);
            assert.equal(await page.locator("#pay-submit").count(), 0, "no Deposit button without a pool");
          },
        },
        {
          name: "explorer-no-pools",
          hash: "#/explorer",
          ready: async (page) => {
            await state(page, "explorer-status", "no-pools");
            assert.match(await page.locator("#explorer-status").innerText(), /register-pool/);
          },
        },
      ]);
      // Admin on an empty server: registering a pool comes first, its errors at the field.
      await checkEveryWidth(empty, ADMIN, [
        {
          name: "admin-no-pools",
          hash: "#/admin",
          ready: async (page) => {
            await page.locator("#register-pool").waitFor();
            await page.locator("#register-address").fill(pool);
            await page.locator("#register-name").fill("Acme AI royalties");
            await page.locator("#register-block").fill("the first one");
            await page.locator("#register-submit").click();
            assert.match(await page.locator("#register-block-error").innerText(), /whole number/);
            assert.equal(await page.locator("#register-block").getAttribute("aria-invalid"), "true");
          },
        },
      ]);
      // Then registers it, and the page offers it for runs at once.
      const { page, context, errors } = await openPage(browser, empty, chain, { wallet: { account: ADMIN } });
      await page.goto(`${empty.url}/#/admin`);
      await page.locator('#wallet-bar[data-state="ready"]').waitFor();
      await page.locator("#register-address").fill(pool);
      await page.locator("#register-name").fill("Acme AI royalties");
      await page.locator("#register-block").fill(deployBlock);
      await page.locator("#register-submit").click();
      await state(page, "register-status", "registered");
      assert.equal(await page.locator("#admin-pool").inputValue(), pool);
      const listed = (await (await fetch(`${empty.url}/v1/pools`)).json()) as {
        pools: { address: string }[];
      };
      assert.deepEqual(
        listed.pools.map((p) => p.address),
        [pool],
      );
      // And creates a new pool from the wallet, registered and selected at once.
      await page.locator("#create-factory").fill(factory);
      await page.locator("#create-registry").fill(registry);
      await page.locator("#create-name").fill("Made in the browser");
      await page.locator("#create-delay").fill("0");
      await page.locator("#create-submit").click();
      assert.match(await page.locator("#create-delay-error").innerText(), /at least 1/);
      await page.locator("#create-delay").fill("2");
      await page.locator("#create-submit").click();
      await state(page, "create-status", "created");
      const made = getAddress(await page.locator("#admin-pool").inputValue());
      assert.notEqual(made, pool);
      assert.equal(
        await chain.client.readContract({
          address: made,
          abi: royaltyPoolAbi,
          functionName: "activationDelay",
        }),
        7200,
      );
      await shot(page, "admin-created-pool");
      assert.deepEqual(errors, []);
      await context.close();
    } finally {
      await empty.stop();
    }
  });

  it("Admin's policy form at 1366 and 390 px: fields from the schema beside the JSON, edits in either shown in the other, bad JSON leaves the form, a save's errors at their fields", async () => {
    const editorDoc = async (page: Page) =>
      JSON.parse(await page.locator("#policy-editor").inputValue()) as {
        depthDecay: number;
        keep: { default: number };
        rules: { match: { key?: string }; weight?: number }[];
      };
    await checkEveryWidth(server, ADMIN, [
      {
        name: "admin-policy-form",
        hash: "#/admin",
        ready: async (page) => {
          await state(page, "policy-status", "loaded");
          const field = (path: string) => page.locator(`#policy-field-${path}`);
          assert.equal(await field("depthDecay").inputValue(), "1");
          // Labelled, with the schema's description as help.
          assert.equal(await page.locator('label[for="policy-field-depthDecay"]').innerText(), "Depth decay");
          assert.match(await page.locator("#policy-field-depthDecay-hint").innerText(), /depthDecay\^d/);
          // Saved under a line of its own per width, so "default" stays as the story left it.
          const name = `form-e2e-${page.viewportSize()!.width}`;
          await page.locator("#policy-name").fill(name);
          await page.locator("#policy-load").click();
          await state(page, "policy-status", "new-policy");

          // Form → JSON: a field in a folded section.
          await page.locator("details.pf-section > summary", { hasText: "Keep" }).click();
          await field("keep-default").fill("0.4");
          await field("keep-default").press("Tab");
          assert.equal((await editorDoc(page)).keep.default, 0.4);
          // JSON → form.
          const doc = await editorDoc(page);
          await page.locator("#policy-editor").fill(JSON.stringify({ ...doc, depthDecay: 0.85 }, null, 2));
          assert.equal(await field("depthDecay").inputValue(), "0.85");
          // Text that is not JSON: an error at the editor; the form keeps the last good document.
          await page.locator("#policy-editor").fill(`${JSON.stringify({ ...doc, depthDecay: 0.5 })} }`);
          await page.locator("#policy-editor").press("Tab");
          assert.match(await page.locator("#policy-editor-error").innerText(), /Not valid JSON/);
          assert.equal(await page.locator("#policy-editor").getAttribute("aria-invalid"), "true");
          assert.equal(await field("depthDecay").inputValue(), "0.85");
          await page.locator("#policy-editor").fill(JSON.stringify({ ...doc, depthDecay: 0.85 }, null, 2));
          await page.locator("#policy-editor-error:empty").waitFor({ state: "attached" });

          // Arrays: a rule added, filled in and removed again, each step in the JSON.
          await page.locator("details.pf-section > summary", { hasText: "Rules" }).click();
          await page.locator("#policy-field-rules-add").click();
          await field("rules-0-match-key").fill("pkg:npm/left-pad@*");
          await field("rules-0-weight").fill("2");
          await field("rules-0-weight").press("Tab");
          assert.deepEqual((await editorDoc(page)).rules, [
            { match: { key: "pkg:npm/left-pad@*" }, weight: 2 },
          ]);
          await page.getByRole("button", { name: "Remove rules item 1" }).click();
          assert.deepEqual((await editorDoc(page)).rules, []);
          // An optional list where absent (every license) differs from empty (none): set, then unset.
          const allow = async () =>
            ((await editorDoc(page)) as unknown as { licenses: { allow?: string[] } }).licenses.allow;
          await page.locator("details.pf-section > summary", { hasText: "Licenses" }).click();
          await page.getByRole("button", { name: "Set allow" }).click();
          assert.deepEqual(await allow(), []);
          await page.locator("#policy-field-licenses-allow-add").click();
          await field("licenses-allow-0").fill("MIT");
          await field("licenses-allow-0").press("Tab");
          assert.deepEqual(await allow(), ["MIT"]);
          await page.getByRole("button", { name: "Unset allow" }).click();
          assert.equal(await allow(), undefined);
          // A number out of range is the server's to refuse: its error shows at the field.
          await field("keep-default").fill("2");
          await field("keep-default").press("Tab");
          await page.locator("#policy-save").click();
          await state(page, "policy-status", "invalid");
          assert.match(await field("keep-default-error").innerText(), /less than or equal to 1/);
          assert.equal(await field("keep-default").getAttribute("aria-invalid"), "true");
          assert.deepEqual(await tooWide(page), []);
          assert.deepEqual(await axeViolations(page), []);
          await shot(page, `admin-policy-form-error-${page.viewportSize()!.width}`);
          // Fixed in the form, saved through the same signed path.
          await field("keep-default").fill("0.4");
          await field("keep-default").press("Tab");
          await page.locator("#policy-save").click();
          await state(page, "policy-status", "saved");
          const saved = (await (await fetch(`${server.url}/v1/policies/${name}/versions/1`)).json()) as {
            document: { depthDecay: number; keep: { default: number } };
          };
          assert.deepEqual([saved.document.depthDecay, saved.document.keep.default], [0.85, 0.4]);
          assert.equal(await field("keep-default").getAttribute("aria-invalid"), null);
        },
      },
    ]);
  });

  it("Admin's run history at 1366 and 390 px: the pool's runs newest first, one opens its what-if, another token reprices it", async () => {
    const { runs } = (await (await fetch(`${server.url}/v1/runs?pool=${pool}`)).json()) as {
      runs: { id: string; schedules: unknown[] }[];
    };
    const { balances } = (await (await fetch(`${server.url}/v1/pools/${pool}`)).json()) as {
      balances: { token: string; balance: string }[];
    };
    const usdcHeld = balances.find((b) => getAddress(b.token) === usdc)!.balance;
    assert.ok(
      BigInt(usdcHeld) > 0n && balances.some((b) => b.token === zeroAddress && BigInt(b.balance) > 0n),
    );
    // A run never proposed differs from the active table (the what-if test's run on the lockfile alone).
    const unpublished = runs.find((r) => r.schedules.length === 0)!;
    await checkEveryWidth(server, ADMIN, [
      {
        name: "admin-run-history",
        hash: "#/admin",
        ready: async (page) => {
          const rows = page.locator("#run-history tbody tr");
          await rows.first().waitFor();
          assert.equal(await rows.count(), Math.min(runs.length, 20));
          assert.match(await rows.first().innerText(), new RegExp(`^Run ${runs[0]!.id}\\s`));
          const history = await page.locator("#run-history").innerText();
          assert.match(history, /default@\d+/);
          assert.match(history, /schedule #\d+, active/);
          assert.match(history, /not proposed/);
          assert.ok((await page.locator("#run-history .copyable button").count()) >= 1, "roots copy");

          await page.locator(`#run-history button[data-run-id="${unpublished.id}"]`).click();
          await state(page, "run-status", "run-opened");
          await page.locator("#whatif-summary").waitFor();
          // Priced in ETH first (the first token the pool holds), then in USDC when picked.
          const cells = () => page.locator("#whatif-table td .amount").allInnerTexts();
          assert.match(await page.locator("#whatif-pot").innerText(), /ETH$/);
          const inEth = await cells();
          assert.ok(inEth.length > 0 && inEth.every((t) => t.endsWith(" ETH")), inEth.join(", "));
          assert.match(await page.locator("#whatif-token-hint").innerText(), /starts with ETH, the first/);
          assert.match(await page.locator("#whatif-token option").nth(1).innerText(), /^USDC/);
          await page.locator("#whatif-token").selectOption({ index: 1 });
          await page.locator("#whatif-pot", { hasText: "USDC" }).waitFor();
          assert.equal(await page.locator("#whatif-pot").getAttribute("data-amount"), usdcHeld);
          const inUsdc = await cells();
          assert.equal(inUsdc.length, inEth.length);
          assert.ok(
            inUsdc.every((t) => t.endsWith(" USDC")),
            inUsdc.join(", "),
          );
          assert.equal(await page.locator("#publish").isEnabled(), true, "an opened run can be published");
        },
      },
    ]);
  });

  /** A human date as every page writes it ("6 Dec 2026, 14:05 UTC"). */
  const HUMAN_DATE = /\d{1,2} [A-Z][a-z]{2,3} \d{4}, \d\d:\d\d UTC/;

  it("Admin's create-pool form starts from the server's deployment, the wallet and the tokens it knows, at 1366 and 390 px", async () => {
    const deployed = await startServer(chain, { ADMIN: [ADMIN.address] }, undefined, {
      registry,
      factory,
      pool,
      deployBlock: BigInt(deployBlock),
      network: "localhost",
    });
    try {
      await checkEveryWidth(deployed, ADMIN, [
        {
          name: "admin-create-prefilled",
          hash: "#/admin",
          ready: async (page) => {
            await page.locator('#create-pool[data-state="ready"]').waitFor();
            // Nothing typed: the deployment's pool to register, the factory and registry, the wallet's roles.
            assert.equal(await page.locator("#register-address").inputValue(), pool);
            assert.equal(await page.locator("#register-block").inputValue(), deployBlock);
            assert.equal(await page.locator("#create-factory").inputValue(), factory);
            assert.equal(await page.locator("#create-registry").inputValue(), registry);
            for (const id of ["create-admin", "create-proposers", "create-guardians"])
              assert.equal(await page.locator(`#${id}`).inputValue(), ADMIN.address, id);
            // Still editable, and a wrong value is named at its field.
            await page.locator("#create-name").fill("Made in the browser again");
            await page.locator("#create-guardians").fill("nobody");
            await page.locator("#create-submit").click();
            await page.locator("#create-guardians-error").waitFor();
            assert.match(await page.locator("#create-guardians-error").innerText(), /not an address/);
            assert.equal(await page.locator("#create-guardians").getAttribute("aria-invalid"), "true");
          },
        },
      ]);
      // Registered with what was filled in; then the tokens the server has seen are offered, and a
      // pool accepting only USDC (and ETH) is made with a guardian of its own.
      const { page, context, errors } = await openPage(browser, deployed, chain, {
        wallet: { account: ADMIN },
        viewport: { width: 390, height: 844 },
      });
      await page.goto(`${deployed.url}/#/admin`);
      await page.locator('#wallet-bar[data-state="ready"]').waitFor();
      await page.locator('#create-pool[data-state="ready"]').waitFor();
      await page.locator("#register-name").fill("Acme AI royalties");
      await page.locator("#register-submit").click();
      await state(page, "register-status", "registered");
      for (let i = 0; i < 100; i++) {
        const { tokens } = (await (await fetch(`${deployed.url}/v1/tokens`)).json()) as {
          tokens: { address: string }[];
        };
        if (tokens.some((t) => t.address === usdc)) break;
        await new Promise((r) => setTimeout(r, 150));
      }
      await page.reload();
      await page.locator('#create-pool[data-state="ready"]').waitFor();
      await page.locator(`#create-token-choices input[value="${usdc}"]`).check();
      await page.locator("#create-name").fill("USDC only");
      await page.locator("#create-guardians").fill(STRANGER.address);
      await page.locator("#create-delay").fill("1");
      await page.locator("#create-submit").click();
      await state(page, "create-status", "created");
      const made = getAddress(await page.locator("#admin-pool").inputValue());
      const read = (functionName: "tokenAllowlist" | "GUARDIAN_ROLE") =>
        chain.client.readContract({ address: made, abi: royaltyPoolAbi, functionName });
      assert.deepEqual(await read("tokenAllowlist"), [usdc]);
      const guardian = (await read("GUARDIAN_ROLE")) as Hex;
      for (const [who, expected] of [
        [STRANGER.address, true],
        [ADMIN.address, false],
      ] as const)
        assert.equal(
          await chain.client.readContract({
            address: made,
            abi: royaltyPoolAbi,
            functionName: "hasRole",
            args: [guardian, who],
          }),
          expected,
        );
      await shot(page, "admin-created-prefilled");
      assert.deepEqual(errors, []);
      await context.close();
    } finally {
      await deployed.stop();
    }
  });

  it("Explorer at scale: a table of 20,000 is charted as its ten largest and everyone else, exactly, without downloading it", async () => {
    // Money for the current schedule's pot first (the Claim test below claims it after this schedule
    // is superseded, with a sweep date).
    const payer = createWalletClient({ account: PAYER, chain: hardhat, transport: http(chain.url) });
    await depositETH(payer, { pool, value: parseEther("0.3") });
    await deposit(payer, { pool, token: usdc, amount: 12_345_678n });

    const entries = Array.from({ length: 20_000 }, (_, i) => ({
      account:
        i % 50 === 0
          ? `component:pkg:npm/held-${i}@1.0.0`
          : i % 7 === 0
            ? getAddress(`0x${(i + 1).toString(16).padStart(40, "0")}`)
            : `github:scale-${i}`,
      shares: 10n ** 12n * BigInt(1 + ((i * 7919) % 5000)),
    }));
    const draft = createShareTable({ entries });
    const table = { ...draft, root: buildShareTree(draft).root };
    const sorted = table.recipients
      .map((r) => ({ ...r, identity: r.identity?.startsWith("0x") ? null : (r.identity ?? null) }))
      .sort((a, b) =>
        a.shares !== b.shares ? (a.shares > b.shares ? -1 : 1) : a.accountId < b.accountId ? -1 : 1,
      );
    const poolRow = (await new PoolRepository(server.db).findByAddress(31337, pool))!;
    const { rows } = await server.db.query<{ id: string }>(
      "SELECT id FROM policy_versions ORDER BY id LIMIT 1",
    );
    await new RunRepository(server.db).insertCompleted({
      poolId: poolRow.id,
      policyVersionId: BigInt(rows[0]!.id),
      engineVersion: "web test",
      inputsHash: table.inputsHash,
      tableHash: table.tableHash,
      root: table.root,
      totalShares: table.totalShares,
      createdBy: ADMIN.address,
      inputs: [],
      // As the engine stores them: an address is its own account, with no identity.
      recipients: sorted.map((r) => ({ accountId: r.accountId, shares: r.shares, identity: r.identity })),
    });
    const adminWallet = createWalletClient({ account: ADMIN, chain: hardhat, transport: http(chain.url) });
    const proposed = await proposeSchedule(adminWallet, { pool, table, uri: "ipfs://a-table-of-20000" });
    await chain.rpc("evm_increaseTime", [DELAY + 1]);
    await chain.rpc("evm_mine");
    await server.syncClock();
    for (let i = 0; i < 100; i++) {
      const { schedules } = (await (await fetch(`${server.url}/v1/pools/${pool}/schedules`)).json()) as {
        schedules: { scheduleId: string; status: string; runId: string | null }[];
      };
      const s = schedules.find((x) => x.scheduleId === String(proposed.scheduleId));
      if (s?.status === "active" && s.runId) break;
      await new Promise((r) => setTimeout(r, 150));
    }
    const total = table.totalShares;
    const rest = sorted.slice(10).reduce((sum, r) => sum + r.shares, 0n);
    const held = sorted.filter((r) => r.identity?.startsWith("component:"));
    const heldShares = held.reduce((sum, r) => sum + r.shares, 0n);
    const middle = sorted[12_345]!;

    await checkEveryWidth(server, undefined, [
      {
        name: "explorer-at-scale",
        hash: "#/explorer",
        ready: async (page) => {
          await state(page, "explorer-status", "loaded");
          assert.match(await page.locator("#explorer-status").innerText(), /20,000 recipient/);
          const rowsShown = await page
            .locator("#explorer-shares table.top-recipients tbody tr")
            .allInnerTexts();
          assert.equal(rowsShown.length, 11, "ten and everyone else");
          sorted.slice(0, 10).forEach((r, i) => {
            const cells = rowsShown[i]!.split("\t").map((c) => c.trim());
            assert.equal(cells[0], String(i + 1));
            assert.equal(cells.at(-1), percent(r.shares, total));
            if (r.identity !== null) assert.equal(cells[1], recipientName(r));
          });
          assert.match(rowsShown[10]!, new RegExp(`19,990 others together\\s+${percent(rest, total)}`));
          assert.match(await page.locator("#explorer-shares svg.chart").innerHTML(), /19,990 others/);
          const heldText = await page.locator("#explorer-held").innerText();
          assert.match(
            heldText,
            new RegExp(`${percent(heldShares, total)} of this table is held for 400 component`),
          );
          assert.match(heldText, /390 smaller components/);
          // Search ranks an account among all 20,000, as the server counts.
          await page.locator("#explorer-search").fill(middle.identity ?? middle.accountId);
          await page.locator("#explorer-search-go").click();
          await page.locator('#explorer-found [data-state="found"]').waitFor();
          assert.match(await page.locator("#explorer-found").innerText(), /rank 12,346 of 20,000/);
          await page.locator("#explorer-search").fill("github:not-in-the-table");
          await page.locator("#explorer-search-go").click();
          await page.locator('#explorer-found [data-state="not-found"]').waitFor();
          assert.match(await page.locator("#explorer-found").innerText(), /Claim page/);
          // The table itself was never fetched: only its top, its held part and one rank.
          const fetched = await page.evaluate(() =>
            performance.getEntriesByType("resource").map((e) => e.name),
          );
          assert.deepEqual(
            fetched.filter((u) => new URL(u).pathname.endsWith("/recipients")),
            [],
          );
          assert.ok(fetched.some((u) => u.includes(`/top?limit=10`)));
        },
      },
    ]);
  });

  it("Claim and the wallet home in human units at 1366 and 390 px: symbols, dates, sweep windows, and a claim's cost in ETH", async () => {
    let owed = false;
    for (let i = 0; i < 100 && !owed; i++) {
      const home = (await (await fetch(`${server.url}/v1/wallets/${CLAIMER.address}`)).json()) as {
        claimable: { amounts: { token: string }[]; sweepableAt: string | null }[];
      };
      owed = home.claimable.some((l) => l.sweepableAt && l.amounts.some((a) => a.token === usdc));
      if (!owed) await new Promise((r) => setTimeout(r, 150));
    }
    assert.ok(owed, "the superseded schedule's pot is claimable");
    const noBaseUnits = (text: string) => {
      assert.doesNotMatch(text, /base units|0x[0-9a-fA-F]{6}…[0-9a-fA-F]{4} \d/);
      // Amounts carry their token's symbol; no 18-decimal tails.
      assert.doesNotMatch(text, /\d\.\d{7,}/);
    };
    await checkEveryWidth(server, CLAIMER, [
      {
        name: "claim-home-units",
        hash: "#/claim",
        ready: async (page) => {
          await state(page, "home-status", "claimable");
          const home = await page.locator("#home-claimable").innerText();
          noBaseUnits(home);
          assert.match(home, /ETH/);
          assert.match(home, /USDC/);
          // The superseded schedule's window: a date and the time left, in words.
          assert.match(home, new RegExp(`swept from ${HUMAN_DATE.source} \\(in \\d+ days?`));
          // Rounded for display, the exact figure on hover.
          const exact = await page.locator("#home-claimable .amount[title]").first().getAttribute("title");
          assert.match(exact ?? "", /^exactly [\d,]+\.\d+ (ETH|USDC)$/);
          const past = await page.locator("#home-past").innerText();
          noBaseUnits(past);
          assert.match(past, HUMAN_DATE);
        },
      },
      {
        name: "claim-lookup-units",
        hash: "#/claim",
        ready: async (page) => {
          await page.locator("#claim-account").fill(IDENTITY);
          await page.locator("#claim-lookup").click();
          await state(page, "claim-status", "claimable");
          const results = await page.locator("#claim-results").innerText();
          noBaseUnits(results);
          assert.match(results, new RegExp(`swept from ${HUMAN_DATE.source}`));
          const usdcTotal = page.locator(`#claim-totals li[data-token="${usdc}"] .amount`);
          assert.match(await usdcTotal.innerText(), /USDC$/);
          assert.match((await usdcTotal.getAttribute("data-exact")) ?? "", /^[\d,]+\.\d+ USDC$/);
        },
      },
      {
        name: "claim-nothing-next-step",
        hash: "#/claim",
        ready: async (page) => {
          await page.locator("#claim-account").fill("github:nobody-here");
          await page.locator("#claim-lookup").click();
          await state(page, "claim-status", "nothing");
          assert.match(await page.locator("#claim-status").innerText(), /try another pool|Explorer/);
        },
      },
    ]);
    // The claim: what it paid in the tokens' units and what it cost in ETH, exactly as the receipt says.
    const { page, context, errors } = await openPage(browser, server, chain, {
      wallet: { account: CLAIMER },
      viewport: { width: 390, height: 844 },
    });
    await page.goto(`${server.url}/#/claim`);
    await page.locator("#claim-account").fill(IDENTITY);
    await page.locator("#claim-lookup").click();
    await state(page, "claim-status", "claimable");
    await page.locator("#claim-all").click();
    await state(page, "claim-status", "claimed");
    const text = await page.locator("#claim-status").innerText();
    assert.match(text, /^Claimed .*ETH and .*USDC in block \d+; the transaction cost .*ETH\./);
    const receipt = await chain.client.getTransactionReceipt({
      hash: (await page.locator("#claim-tx").innerText()) as Hex,
    });
    assert.equal(
      await page.locator("#claim-cost .amount").getAttribute("data-amount"),
      String(receipt.gasUsed * receipt.effectiveGasPrice),
    );
    assert.deepEqual(await tooWide(page), []);
    await shot(page, "claim-claimed-cost");
    assert.deepEqual(errors, []);
    await context.close();
  });

  it("with nothing to show, Claim and the wallet home name the next step, at 1366 and 390 px", async () => {
    await checkEveryWidth(server, NOBODY, [
      {
        name: "claim-home-empty",
        hash: "#/claim",
        ready: async (page) => {
          await state(page, "home-status", "nothing");
          assert.match(await page.locator("#home-status").innerText(), /look it up below and bind it/);
          assert.match(
            await page.locator('#home-identities[data-state="no-identities"]').innerText(),
            /bind it/,
          );
        },
      },
    ]);
    const empty = await startServer(chain, { ADMIN: [ADMIN.address] });
    try {
      await checkEveryWidth(empty, NOBODY, [
        {
          name: "claim-no-pools",
          hash: "#/claim",
          ready: async (page) => {
            assert.match(
              await page.locator('#claim-empty[data-state="no-pools"]').innerText(),
              /register-pool/,
            );
          },
        },
      ]);
    } finally {
      await empty.stop();
    }
  });
});
