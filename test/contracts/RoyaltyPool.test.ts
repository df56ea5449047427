import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { expect } from "chai";
import type { ContractTransactionReceipt, Log, Signer, TransactionReceipt } from "ethers";

import { network } from "hardhat";

import { addressAccountId, syntheticAddressTable } from "./helpers/merkle.ts";
import {
  ACTIVATION_DELAY,
  bindIdentity,
  by,
  CLAIM_WINDOW,
  type ClaimRequest,
  DAY,
  deployPoolSystem,
  depositToken,
  ETH,
  MAX_UINT128,
  type Pool,
  propose,
  type Token,
  TOTAL_SHARES,
  ZERO_HASH,
} from "./helpers/pool.ts";

const { ethers, networkHelpers } = await network.create();
const { time, loadFixture } = networkHelpers;

const MEMO = ethers.id("invoice-42");
const IDENTITY = "github:583231";

/** Pool system plus a 4-account table (alice 50%, bob 25%, carol 15%, an identity 10%) built with OZ. */
async function tableFixture() {
  const f = await deployPoolSystem(ethers);
  const identityId = ethers.id(IDENTITY);
  const values: [string, bigint][] = [
    [addressAccountId(f.alice.address), (TOTAL_SHARES * 50n) / 100n],
    [addressAccountId(f.bob.address), (TOTAL_SHARES * 25n) / 100n],
    [addressAccountId(f.carol.address), (TOTAL_SHARES * 15n) / 100n],
    [identityId, (TOTAL_SHARES * 10n) / 100n],
  ];
  const tree = StandardMerkleTree.of(values, ["bytes32", "uint256"]);
  const request = (scheduleId: bigint, index: number, tokens: string[]): ClaimRequest => {
    const [accountId, shares] = values[index]!;
    return { scheduleId, accountId, shares, proof: tree.getProof(index), tokens };
  };
  return { ...f, values, tree, request, identityId };
}

/** Table fixture with schedule 1 active and 1,000,000 token units deposited into it. */
async function activeFixture() {
  const f = await tableFixture();
  const s1 = await propose(f.pool, f.proposer, f.tree.root, TOTAL_SHARES);
  await time.increase(ACTIVATION_DELAY);
  await depositToken(f.pool, f.token, f.payer, 1_000_000n);
  return { ...f, s1 };
}

/** Table fixture with a ReentrantPayee contract and alice sharing schedule 1 half and half, active. */
async function ethPayeeSchedule() {
  const f = await loadFixture(tableFixture);
  const payee = await ethers.deployContract("ReentrantPayee", [await f.pool.getAddress()]);
  const values: [string, bigint][] = [
    [addressAccountId(await payee.getAddress()), TOTAL_SHARES / 2n],
    [addressAccountId(f.alice.address), TOTAL_SHARES / 2n],
  ];
  const tree = StandardMerkleTree.of(values, ["bytes32", "uint256"]);
  const s1 = await propose(f.pool, f.proposer, tree.root, TOTAL_SHARES);
  await time.increase(ACTIVATION_DELAY);
  return { f, payee, values, tree, s1 };
}

async function balanceOf(token: Token, who: Signer | string): Promise<bigint> {
  return (await token.balanceOf(typeof who === "string" ? who : await who.getAddress())) as bigint;
}

describe("RoyaltyPool", function () {
  describe("initialize", function () {
    it("configures admin, registry, delays and roles and emits them", async function () {
      const f = await loadFixture(tableFixture);
      expect(await f.pool.admin()).to.equal(f.admin.address);
      expect(await f.pool.registry()).to.equal(f.config.registry);
      expect(await f.pool.activationDelay()).to.equal(ACTIVATION_DELAY);
      expect(await f.pool.claimWindow()).to.equal(CLAIM_WINDOW);
      expect(await f.pool.hasRole(await f.pool.PROPOSER_ROLE(), f.proposer.address)).to.equal(true);
      expect(await f.pool.hasRole(await f.pool.GUARDIAN_ROLE(), f.guardian.address)).to.equal(true);
      expect(await f.pool.hasRole(ZERO_HASH, f.admin.address)).to.equal(true);
      expect(await f.pool.hasRole(ethers.id("OTHER_ROLE"), f.admin.address)).to.equal(false);
      expect(await f.pool.PROPOSER_ROLE()).to.equal(ethers.id("PROPOSER_ROLE"));
      expect(await f.pool.paused()).to.equal(false);
    });

    it("initialize reverts on an initialized clone", async function () {
      const f = await loadFixture(tableFixture);
      await expect(
        f.pool.initialize(f.admin.address, f.config.registry, 1, 1, [], []),
      ).to.be.revertedWithCustomError(f.pool, "RoyaltyPoolAlreadyInitialized");
    });

    it("initialize reverts on the locked implementation, which also refuses deposits", async function () {
      const f = await loadFixture(tableFixture);
      const impl = (await ethers.getContractAt(
        "RoyaltyPool",
        await f.factory.implementation(),
      )) as unknown as Pool;
      await expect(
        impl.initialize(f.stranger.address, f.config.registry, 1, 1, [], []),
      ).to.be.revertedWithCustomError(impl, "RoyaltyPoolAlreadyInitialized");
      await expect(impl.depositETH(MEMO, { value: 1n })).to.be.revertedWithCustomError(
        impl,
        "RoyaltyPoolDepositsPaused",
      );
    });
  });

  describe("deposit", function () {
    it("deposit before any schedule waits in the unallocated pot and flows into the first schedule", async function () {
      const f = await loadFixture(tableFixture);
      const tokenAddress = await f.token.getAddress();
      await f.token.mint(f.payer.address, 1000n);
      await by(f.token, f.payer).approve(await f.pool.getAddress(), 1000n);
      await expect(by(f.pool, f.payer).deposit(tokenAddress, 1000n, MEMO))
        .to.emit(f.pool, "Deposited")
        .withArgs(f.payer.address, tokenAddress, 0n, 1000n, MEMO);
      expect(await f.pool.potOf(0n, tokenAddress)).to.deep.equal([1000n, 0n]);
      const s1 = await propose(f.pool, f.proposer, f.tree.root, TOTAL_SHARES);
      expect(await f.pool.claimable(s1, f.values[0]![0], f.values[0]![1], tokenAddress)).to.equal(0n);
      await time.increase(ACTIVATION_DELAY);
      expect(await f.pool.potOf(s1, tokenAddress)).to.deep.equal([1000n, 0n]);
      expect(await f.pool.claimable(s1, f.values[0]![0], f.values[0]![1], tokenAddress)).to.equal(500n);
    });

    it("deposit credits the current schedule and emits payer, token, amount, memo and scheduleId", async function () {
      const f = await loadFixture(activeFixture);
      const tokenAddress = await f.token.getAddress();
      await f.token.mint(f.payer.address, 10n);
      await by(f.token, f.payer).approve(await f.pool.getAddress(), 10n);
      await expect(by(f.pool, f.payer).deposit(tokenAddress, 10n, MEMO))
        .to.emit(f.pool, "Deposited")
        .withArgs(f.payer.address, tokenAddress, f.s1, 10n, MEMO);
      expect(await f.pool.potOf(f.s1, tokenAddress)).to.deep.equal([1_000_010n, 0n]);
      expect(await f.pool.reserveOf(tokenAddress)).to.equal(1_000_010n);
    });

    it("deposit reverts on zero amount, on ETH as token and without allowance", async function () {
      const f = await loadFixture(activeFixture);
      const tokenAddress = await f.token.getAddress();
      await expect(by(f.pool, f.payer).deposit(tokenAddress, 0n, MEMO)).to.be.revertedWithCustomError(
        f.pool,
        "RoyaltyPoolAmountZero",
      );
      await expect(by(f.pool, f.payer).deposit(ETH, 1n, MEMO))
        .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolInvalidToken")
        .withArgs(ETH);
      await f.token.mint(f.payer.address, 5n);
      await expect(by(f.pool, f.payer).deposit(tokenAddress, 5n, MEMO)).to.be.revertedWithCustomError(
        f.token,
        "ERC20InsufficientAllowance",
      );
    });

    it("deposit of a fee-on-transfer token credits exactly what arrived", async function () {
      const f = await loadFixture(activeFixture);
      const fot = (await ethers.deployContract("FeeOnTransferToken", [
        "Fee",
        "FEE",
        100n,
      ])) as unknown as Token;
      const fotAddress = await fot.getAddress();
      await fot.mint(f.payer.address, 10_000n);
      await by(fot, f.payer).approve(await f.pool.getAddress(), 10_000n);
      await expect(by(f.pool, f.payer).deposit(fotAddress, 10_000n, MEMO))
        .to.emit(f.pool, "Deposited")
        .withArgs(f.payer.address, fotAddress, f.s1, 9_900n, MEMO);
      expect(await f.pool.potOf(f.s1, fotAddress)).to.deep.equal([9_900n, 0n]);
      expect(await balanceOf(fot, await f.pool.getAddress())).to.equal(9_900n);
      // Claims pay out with the fee taken again on the way out; the pool never pays more than it holds.
      await by(f.pool, f.stranger).claim([f.request(f.s1, 0, [fotAddress])]);
      expect(await balanceOf(fot, f.alice)).to.equal(4_950n - 49n);
    });

    it("a token that charges the sender on top (unsupported) is credited exactly, and its payouts drain the pool", async function () {
      const f = await loadFixture(activeFixture);
      const fos = (await ethers.deployContract("FeeOnSenderToken", ["Fee", "FOS", 100n])) as unknown as Token;
      const fosAddress = await fos.getAddress();
      const poolAddress = await f.pool.getAddress();
      await fos.mint(f.payer.address, 10_100n);
      await by(fos, f.payer).approve(poolAddress, 10_000n);
      // The payer pays 10,000 plus a 100 fee; the pool receives and credits exactly 10,000.
      await expect(by(f.pool, f.payer).deposit(fosAddress, 10_000n, MEMO))
        .to.emit(f.pool, "Deposited")
        .withArgs(f.payer.address, fosAddress, f.s1, 10_000n, MEMO);
      expect(await balanceOf(fos, f.payer)).to.equal(0n);
      expect(await f.pool.reserveOf(fosAddress)).to.equal(10_000n);
      // Paying alice 5,000 costs the pool 5,050: the pool holds less than it owes from then on.
      await by(f.pool, f.stranger).claim([f.request(f.s1, 0, [fosAddress])]);
      expect(await balanceOf(fos, f.alice)).to.equal(5_000n);
      expect(await balanceOf(fos, poolAddress)).to.equal(4_950n);
      expect(await f.pool.reserveOf(fosAddress)).to.equal(5_000n);
      // The last claimants come up short: the table's last claim cannot be paid in full.
      await bindIdentity(ethers, f.registry, f.attestor, IDENTITY, f.stranger.address);
      await by(f.pool, f.stranger).claim([1, 2].map((i) => f.request(f.s1, i, [fosAddress])));
      await expect(
        by(f.pool, f.stranger).claim([f.request(f.s1, 3, [fosAddress])]),
      ).to.be.revertedWithCustomError(fos, "ERC20InsufficientBalance");
    });

    it("warmPots pre-writes a pending schedule's empty pots: amounts unchanged, the first deposit after activation is cheap", async function () {
      const f = await loadFixture(activeFixture);
      const tokenAddress = await f.token.getAddress();
      await expect(f.pool.warmPots([tokenAddress])).to.be.revertedWithCustomError(
        f.pool,
        "RoyaltyPoolScheduleNotPending",
      );
      const s2 = await propose(f.pool, f.proposer, f.tree.root, TOTAL_SHARES);
      const reserve = (await f.pool.reserveOf(tokenAddress)) as bigint;
      await by(f.pool, f.stranger).warmPots([tokenAddress, ETH]);
      for (const token of [tokenAddress, ETH]) {
        expect(await f.pool.potOf(s2, token)).to.deep.equal([0n, 0n]);
        expect(await f.pool.isSwept(s2, token)).to.equal(false);
      }
      expect(await f.pool.reserveOf(tokenAddress)).to.equal(reserve);
      await time.increase(ACTIVATION_DELAY);
      // A claim on a warmed pot that holds nothing pays nothing and does not revert.
      await expect(by(f.pool, f.stranger).claim([f.request(s2, 0, [ETH])])).not.to.emit(f.pool, "Claimed");
      await (await by(f.token, f.payer).mint(f.payer.address, 1000n)).wait();
      await (await by(f.token, f.payer).approve(await f.pool.getAddress(), 1000n)).wait();
      const receipt = (await (
        await by(f.pool, f.payer).deposit(tokenAddress, 1000n, MEMO)
      ).wait()) as ContractTransactionReceipt;
      expect(receipt.gasUsed < 60_000n).to.equal(true, `first deposit into a warmed pot: ${receipt.gasUsed}`);
      expect(await f.pool.potOf(s2, tokenAddress)).to.deep.equal([1000n, 0n]);
      await by(f.pool, f.payer).depositETH(MEMO, { value: 400n });
      expect(await f.pool.potOf(s2, ETH)).to.deep.equal([400n, 0n]);
      await by(f.pool, f.stranger).claim([f.request(s2, 0, [tokenAddress, ETH])]);
      expect(await f.pool.potOf(s2, tokenAddress)).to.deep.equal([1000n, 500n]);
      expect(await f.pool.reserveOf(tokenAddress)).to.equal(
        await balanceOf(f.token, await f.pool.getAddress()),
      );
    });

    it("deposit and claim work with a USDT-style token that returns nothing", async function () {
      const f = await loadFixture(activeFixture);
      const usdt = (await ethers.deployContract("NoReturnToken", [
        "Tether-like",
        "USDT",
        6,
      ])) as unknown as Token;
      const usdtAddress = await usdt.getAddress();
      await usdt.mint(f.payer.address, 4_000n);
      await by(usdt, f.payer).approve(await f.pool.getAddress(), 4_000n);
      await by(f.pool, f.payer).deposit(usdtAddress, 4_000n, MEMO);
      await by(f.pool, f.stranger).claim([f.request(f.s1, 1, [usdtAddress])]);
      expect(await balanceOf(usdt, f.bob)).to.equal(1_000n);
      // The token really returns no data, as USDT does: otherwise this test proves nothing about it.
      const transfer = usdt.interface.encodeFunctionData("transfer", [f.alice.address, 1n]);
      expect(await ethers.provider.call({ from: f.bob.address, to: usdtAddress, data: transfer })).to.equal(
        "0x",
      );
    });

    it("deposit reverts when the pot would exceed 2^128 - 1", async function () {
      const f = await loadFixture(activeFixture);
      const tokenAddress = await f.token.getAddress();
      const amount = MAX_UINT128; // the pot already holds 1,000,000
      await f.token.mint(f.payer.address, amount);
      await by(f.token, f.payer).approve(await f.pool.getAddress(), amount);
      await expect(by(f.pool, f.payer).deposit(tokenAddress, amount, MEMO))
        .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolPotOverflow")
        .withArgs(f.s1, tokenAddress, amount);
      // Up to exactly 2^128 - 1 is accepted.
      await by(f.pool, f.payer).deposit(tokenAddress, amount - 1_000_000n, MEMO);
      expect(await f.pool.potOf(f.s1, tokenAddress)).to.deep.equal([MAX_UINT128, 0n]);
    });

    it("depositWithPermit deposits without a prior approve and survives a front-run permit", async function () {
      const f = await loadFixture(activeFixture);
      const tokenAddress = await f.token.getAddress();
      const poolAddress = await f.pool.getAddress();
      await f.token.mint(f.payer.address, 700n);
      const { chainId } = await ethers.provider.getNetwork();
      const deadline = BigInt(await time.latest()) + 3600n;
      const sig = ethers.Signature.from(
        await f.payer.signTypedData(
          { name: "Test USD", version: "1", chainId, verifyingContract: tokenAddress },
          {
            Permit: [
              { name: "owner", type: "address" },
              { name: "spender", type: "address" },
              { name: "value", type: "uint256" },
              { name: "nonce", type: "uint256" },
              { name: "deadline", type: "uint256" },
            ],
          },
          { owner: f.payer.address, spender: poolAddress, value: 700n, nonce: 0n, deadline },
        ),
      );
      // Someone submits the permit first; the deposit must still go through.
      await by(f.token, f.stranger).permit(f.payer.address, poolAddress, 700n, deadline, sig.v, sig.r, sig.s);
      await expect(
        by(f.pool, f.payer).depositWithPermit(tokenAddress, 700n, MEMO, deadline, sig.v, sig.r, sig.s),
      )
        .to.emit(f.pool, "Deposited")
        .withArgs(f.payer.address, tokenAddress, f.s1, 700n, MEMO);
    });

    it("depositWithPermit reverts when the permit fails and there is no allowance", async function () {
      const f = await loadFixture(activeFixture);
      await f.token.mint(f.payer.address, 5n);
      await expect(
        by(f.pool, f.payer).depositWithPermit(
          await f.token.getAddress(),
          5n,
          MEMO,
          0n,
          27,
          ZERO_HASH,
          ZERO_HASH,
        ),
      ).to.be.revertedWithCustomError(f.token, "ERC20InsufficientAllowance");
    });

    it("depositETH and a plain ETH transfer credit the ETH pot", async function () {
      const f = await loadFixture(activeFixture);
      await expect(by(f.pool, f.payer).depositETH(MEMO, { value: 300n }))
        .to.emit(f.pool, "Deposited")
        .withArgs(f.payer.address, ETH, f.s1, 300n, MEMO);
      await expect(f.payer.sendTransaction({ to: await f.pool.getAddress(), value: 100n }))
        .to.emit(f.pool, "Deposited")
        .withArgs(f.payer.address, ETH, f.s1, 100n, ZERO_HASH);
      expect(await f.pool.potOf(f.s1, ETH)).to.deep.equal([400n, 0n]);
      await expect(by(f.pool, f.payer).depositETH(MEMO, { value: 0n })).to.be.revertedWithCustomError(
        f.pool,
        "RoyaltyPoolAmountZero",
      );
    });
  });

  describe("sync", function () {
    it("sync credits tokens sent by plain transfer to the current schedule", async function () {
      const f = await loadFixture(activeFixture);
      const tokenAddress = await f.token.getAddress();
      await f.token.mint(await f.pool.getAddress(), 250n);
      await expect(by(f.pool, f.stranger).sync(tokenAddress))
        .to.emit(f.pool, "Synced")
        .withArgs(f.stranger.address, tokenAddress, f.s1, 250n);
      expect(await f.pool.potOf(f.s1, tokenAddress)).to.deep.equal([1_000_250n, 0n]);
    });

    it("sync counts claimed money as gone and reverts when nothing is uncredited", async function () {
      const f = await loadFixture(activeFixture);
      const tokenAddress = await f.token.getAddress();
      await by(f.pool, f.stranger).claim([f.request(f.s1, 0, [tokenAddress])]);
      expect(await f.pool.reserveOf(tokenAddress)).to.equal(500_000n);
      await expect(f.pool.sync(tokenAddress))
        .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolNothingToSync")
        .withArgs(tokenAddress);
      await expect(f.pool.sync(ETH)).to.be.revertedWithCustomError(f.pool, "RoyaltyPoolNothingToSync");
    });

    /** activeFixture plus `more` schedules, each activated and given a deposit of its own. */
    async function withSchedules(more: number) {
      const f = await activeFixture();
      const ids = [f.s1];
      for (let i = 0; i < more; i++) {
        ids.push(await propose(f.pool, f.proposer, f.tree.root, TOTAL_SHARES));
        await time.increase(ACTIVATION_DELAY);
        await depositToken(f.pool, f.token, f.payer, 1000n);
      }
      return { ...f, ids, tokenAddress: await f.token.getAddress() };
    }
    const oneSchedule = () => withSchedules(0);
    const fiftySchedules = () => withSchedules(49);

    async function syncGas(f: Awaited<ReturnType<typeof withSchedules>>): Promise<bigint> {
      await f.token.mint(await f.pool.getAddress(), 250n);
      const receipt = (await (await f.pool.sync(f.tokenAddress)).wait()) as ContractTransactionReceipt;
      return receipt.gasUsed;
    }

    it("sync and reserveOf cost the same after 1 and 50 schedules once the token's older pots are folded", async function () {
      const one = await loadFixture(oneSchedule);
      const fifty = await loadFixture(fiftySchedules);
      // The first sync of the token after 49 superseded schedules folds their pots, once (PotsFolded).
      const first = await syncGas(fifty);
      const folded = await syncGas(fifty);
      const single = await syncGas(one);
      expect(first - folded > 49n * 2_000n).to.equal(true);
      // Gas is deterministic: the difference is the ids' and amounts' encodings, not a read per schedule.
      const diff = folded > single ? folded - single : single - folded;
      expect(diff < 300n, `sync ${folded} after 50 schedules vs ${single} after 1`).to.equal(true);
      const view = async (f: Awaited<ReturnType<typeof withSchedules>>) =>
        ethers.provider.estimateGas({
          to: await f.pool.getAddress(),
          data: f.pool.interface.encodeFunctionData("reserveOf", [f.tokenAddress]),
        });
      const [r50, r1] = [await view(fifty), await view(one)];
      expect((r50 > r1 ? r50 - r1 : r1 - r50) < 300n, `reserveOf ${r50} vs ${r1}`).to.equal(true);
      expect(await fifty.pool.reserveOf(fifty.tokenAddress)).to.equal(
        await balanceOf(fifty.token, await fifty.pool.getAddress()),
      );
    });

    it("claims and sweeps of folded pots come out of the folded total: the reserve stays exact", async function () {
      const f = await loadFixture(fiftySchedules);
      const pool = await f.pool.getAddress();
      const [s1, s2] = [f.ids[0]!, f.ids[1]!];
      // Fold the first 10 schedules' pots only (a backlog can be folded in parts), then the rest by sync.
      await expect(f.pool.foldPotsOf(f.tokenAddress, 10n))
        .to.emit(f.pool, "PotsFolded")
        .withArgs(f.tokenAddress, 11n, 1_000_000n + 9n * 1000n);
      expect(await f.pool.reserveOf(f.tokenAddress)).to.equal(await balanceOf(f.token, pool));
      await f.token.mint(pool, 1n);
      await f.pool.sync(f.tokenAddress);
      const exact = async () =>
        expect(await f.pool.reserveOf(f.tokenAddress)).to.equal(await balanceOf(f.token, pool));
      await exact();
      // alice (50%) claims from two folded, superseded schedules.
      await by(f.pool, f.stranger).claim([
        f.request(s1, 0, [f.tokenAddress]),
        f.request(s2, 0, [f.tokenAddress]),
      ]);
      expect(await balanceOf(f.token, f.alice.address)).to.equal(500_000n + 500n);
      await exact();
      // The claim window of schedule 1 is long over: its remainder moves to the current schedule.
      await time.increase(CLAIM_WINDOW);
      await expect(f.pool.sweep(s1, f.tokenAddress)).to.emit(f.pool, "Swept");
      await exact();
      await expect(f.pool.sync(f.tokenAddress)).to.be.revertedWithCustomError(
        f.pool,
        "RoyaltyPoolNothingToSync",
      );
    });

    it("sync of a rebasing token credits a positive rebase (rebasing tokens are unsupported: a negative one cannot be undone)", async function () {
      const f = await loadFixture(activeFixture);
      const reb = (await ethers.deployContract("RebasingToken", ["Rebase", "REB"])) as unknown as Token;
      const rebAddress = await reb.getAddress();
      await reb.mint(f.payer.address, 1000n);
      await by(reb, f.payer).approve(await f.pool.getAddress(), 1000n);
      await by(f.pool, f.payer).deposit(rebAddress, 1000n, MEMO);
      const credited = ((await f.pool.potOf(f.s1, rebAddress)) as [bigint, bigint])[0];
      await reb.setIndex(2n * 10n ** 18n);
      await f.pool.sync(rebAddress);
      const after = ((await f.pool.potOf(f.s1, rebAddress)) as [bigint, bigint])[0];
      expect(after).to.equal(await balanceOf(reb, await f.pool.getAddress()));
      expect(after > credited).to.equal(true);
    });
  });

  describe("pause", function () {
    it("guardian pauses deposits, ETH, sync; claims continue; only the admin unpauses", async function () {
      const f = await loadFixture(activeFixture);
      const tokenAddress = await f.token.getAddress();
      await expect(by(f.pool, f.guardian).pause())
        .to.emit(f.pool, "DepositsPaused")
        .withArgs(f.guardian.address);
      expect(await f.pool.paused()).to.equal(true);
      await expect(by(f.pool, f.payer).depositETH(MEMO, { value: 1n })).to.be.revertedWithCustomError(
        f.pool,
        "RoyaltyPoolDepositsPaused",
      );
      await expect(by(f.pool, f.payer).deposit(tokenAddress, 1n, MEMO)).to.be.revertedWithCustomError(
        f.pool,
        "RoyaltyPoolDepositsPaused",
      );
      await expect(f.pool.sync(tokenAddress)).to.be.revertedWithCustomError(
        f.pool,
        "RoyaltyPoolDepositsPaused",
      );
      await by(f.pool, f.stranger).claim([f.request(f.s1, 0, [tokenAddress])]);
      expect(await balanceOf(f.token, f.alice)).to.equal(500_000n);
      await expect(by(f.pool, f.guardian).pause())
        .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolPauseUnchanged")
        .withArgs(true);
      await expect(by(f.pool, f.guardian).unpause())
        .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolUnauthorized")
        .withArgs(f.guardian.address, ZERO_HASH);
      await expect(by(f.pool, f.admin).unpause())
        .to.emit(f.pool, "DepositsUnpaused")
        .withArgs(f.admin.address);
      await expect(by(f.pool, f.admin).unpause())
        .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolPauseUnchanged")
        .withArgs(false);
      await by(f.pool, f.payer).depositETH(MEMO, { value: 1n });
    });

    it("pause reverts for a stranger and works for the admin", async function () {
      const f = await loadFixture(activeFixture);
      await expect(by(f.pool, f.stranger).pause())
        .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolUnauthorized")
        .withArgs(f.stranger.address, await f.pool.GUARDIAN_ROLE());
      await by(f.pool, f.admin).pause();
      expect(await f.pool.paused()).to.equal(true);
    });
  });

  describe("schedules", function () {
    it("proposeSchedule records the schedule, emits every hash and activates after the delay", async function () {
      const f = await loadFixture(tableFixture);
      const [th, ph, ih] = [ethers.id("table"), ethers.id("policy"), ethers.id("inputs")];
      // Pin the proposal's block time: reading the clock after sending would race the automined block.
      const proposedAt = BigInt(await time.latest()) + 10n;
      await time.setNextBlockTimestamp(proposedAt);
      const tx = by(f.pool, f.proposer).proposeSchedule(f.tree.root, TOTAL_SHARES, th, ph, ih, "ipfs://t");
      const at = proposedAt + ACTIVATION_DELAY;
      await expect(tx)
        .to.emit(f.pool, "ScheduleProposed")
        .withArgs(1n, f.proposer.address, f.tree.root, TOTAL_SHARES, th, ph, ih, "ipfs://t", at);
      expect(await f.pool.pendingScheduleId()).to.equal(1n);
      expect(await f.pool.currentScheduleId()).to.equal(0n);
      expect(await f.pool.scheduleCount()).to.equal(1n);
      const sched = (await f.pool.scheduleOf(1n)) as unknown[];
      expect(sched.slice(0, 5)).to.deep.equal([f.tree.root, TOTAL_SHARES, at, 0n, false]);
      await time.increaseTo(at - 1n);
      expect(await f.pool.currentScheduleId()).to.equal(0n);
      await time.increaseTo(at);
      expect(await f.pool.currentScheduleId()).to.equal(1n);
      expect(await f.pool.pendingScheduleId()).to.equal(0n);
    });

    it("proposeSchedule reverts for a non-proposer, on a bad table and while one is pending", async function () {
      const f = await loadFixture(tableFixture);
      const p = by(f.pool, f.proposer);
      await expect(
        by(f.pool, f.admin).proposeSchedule(f.tree.root, TOTAL_SHARES, ZERO_HASH, ZERO_HASH, ZERO_HASH, ""),
      )
        .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolUnauthorized")
        .withArgs(f.admin.address, await f.pool.PROPOSER_ROLE());
      await expect(p.proposeSchedule(ZERO_HASH, TOTAL_SHARES, ZERO_HASH, ZERO_HASH, ZERO_HASH, ""))
        .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolInvalidSchedule")
        .withArgs(ZERO_HASH, TOTAL_SHARES);
      await expect(
        p.proposeSchedule(f.tree.root, 0n, ZERO_HASH, ZERO_HASH, ZERO_HASH, ""),
      ).to.be.revertedWithCustomError(f.pool, "RoyaltyPoolInvalidSchedule");
      await expect(
        p.proposeSchedule(f.tree.root, MAX_UINT128 + 1n, ZERO_HASH, ZERO_HASH, ZERO_HASH, ""),
      ).to.be.revertedWithCustomError(f.pool, "RoyaltyPoolInvalidSchedule");
      await propose(f.pool, f.proposer, f.tree.root, TOTAL_SHARES);
      await expect(p.proposeSchedule(f.tree.root, TOTAL_SHARES, ZERO_HASH, ZERO_HASH, ZERO_HASH, ""))
        .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolSchedulePending")
        .withArgs(1n);
    });

    it("proposeSchedule accepts a total of exactly 2^128 − 1 shares, the largest a pot can split", async function () {
      const f = await loadFixture(tableFixture);
      const id = await propose(f.pool, f.proposer, f.tree.root, MAX_UINT128);
      expect(((await f.pool.scheduleOf(id)) as unknown[])[1]).to.equal(MAX_UINT128);
    });

    it("revokeSchedule by the guardian stops activation; deposits stay with the previous schedule", async function () {
      const f = await loadFixture(activeFixture);
      const s2 = await propose(f.pool, f.proposer, f.tree.root, TOTAL_SHARES);
      await expect(by(f.pool, f.stranger).revokeSchedule(s2))
        .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolUnauthorized")
        .withArgs(f.stranger.address, await f.pool.GUARDIAN_ROLE());
      await expect(by(f.pool, f.guardian).revokeSchedule(s2))
        .to.emit(f.pool, "ScheduleRevoked")
        .withArgs(s2, f.guardian.address);
      await time.increase(ACTIVATION_DELAY * 2n);
      expect(await f.pool.currentScheduleId()).to.equal(f.s1);
      expect(((await f.pool.scheduleOf(f.s1)) as unknown[])[3]).to.equal(0n); // not superseded any more
      expect(((await f.pool.scheduleOf(s2)) as unknown[])[4]).to.equal(true);
      await expect(by(f.pool, f.stranger).claim([f.request(s2, 0, [await f.token.getAddress()])]))
        .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolScheduleNotActive")
        .withArgs(s2);
      // A new proposal is allowed after a revocation, and the admin may revoke too.
      const s3 = await propose(f.pool, f.proposer, f.tree.root, TOTAL_SHARES);
      expect(s3).to.equal(3n);
      await by(f.pool, f.admin).revokeSchedule(s3);
    });

    it("revokeSchedule reverts when the schedule is not pending", async function () {
      const f = await loadFixture(activeFixture);
      await expect(by(f.pool, f.guardian).revokeSchedule(f.s1))
        .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolScheduleNotPending")
        .withArgs(f.s1);
      await expect(by(f.pool, f.guardian).revokeSchedule(7n)).to.be.revertedWithCustomError(
        f.pool,
        "RoyaltyPoolScheduleNotPending",
      );
    });

    it("a revoked first schedule leaves the unallocated pot to the next one", async function () {
      const f = await loadFixture(tableFixture);
      await depositToken(f.pool, f.token, f.payer, 800n);
      const s1 = await propose(f.pool, f.proposer, f.tree.root, TOTAL_SHARES);
      await by(f.pool, f.guardian).revokeSchedule(s1);
      const s2 = await propose(f.pool, f.proposer, f.tree.root, TOTAL_SHARES);
      await time.increase(ACTIVATION_DELAY);
      const tokenAddress = await f.token.getAddress();
      expect(await f.pool.potOf(s2, tokenAddress)).to.deep.equal([800n, 0n]);
      expect(await f.pool.potOf(s1, tokenAddress)).to.deep.equal([0n, 0n]);
      expect(await f.pool.claimable(s1, f.values[1]![0], f.values[1]![1], tokenAddress)).to.equal(0n);
      expect(await f.pool.isSwept(s1, tokenAddress)).to.equal(false);
      await by(f.pool, f.stranger).claim([f.request(s2, 1, [tokenAddress])]);
      expect(await balanceOf(f.token, f.bob)).to.equal(200n);
    });

    it("a revoked first schedule does not show the unallocated pot as its own, before or after the next proposal", async function () {
      const f = await loadFixture(tableFixture);
      const tokenAddress = await f.token.getAddress();
      await depositToken(f.pool, f.token, f.payer, 800n);
      const s1 = await propose(f.pool, f.proposer, f.tree.root, TOTAL_SHARES);
      expect(await f.pool.potOf(s1, tokenAddress)).to.deep.equal([800n, 0n]); // pending genesis owns it
      await by(f.pool, f.guardian).revokeSchedule(s1);
      // potOf, isSwept and claimable agree: the revoked schedule has nothing.
      expect(await f.pool.potOf(s1, tokenAddress)).to.deep.equal([0n, 0n]);
      expect(await f.pool.potOf(0n, tokenAddress)).to.deep.equal([800n, 0n]);
      expect(await f.pool.isSwept(s1, tokenAddress)).to.equal(false);
      await propose(f.pool, f.proposer, f.tree.root, TOTAL_SHARES);
      expect(await f.pool.potOf(s1, tokenAddress)).to.deep.equal([0n, 0n]);
    });
  });

  describe("claim", function () {
    it("claim pays the payee with a proof from OpenZeppelin StandardMerkleTree, submitted by anyone", async function () {
      const f = await loadFixture(activeFixture);
      const tokenAddress = await f.token.getAddress();
      expect(await f.pool.claimable(f.s1, f.values[0]![0], f.values[0]![1], tokenAddress)).to.equal(500_000n);
      await expect(by(f.pool, f.stranger).claim([f.request(f.s1, 0, [tokenAddress])]))
        .to.emit(f.pool, "Claimed")
        .withArgs(f.values[0]![0], f.alice.address, tokenAddress, f.s1, 500_000n);
      expect(await balanceOf(f.token, f.alice)).to.equal(500_000n);
      expect(await balanceOf(f.token, f.stranger)).to.equal(0n);
      expect(await f.pool.claimed(f.s1, f.values[0]![0], tokenAddress)).to.equal(500_000n);
      expect(await f.pool.potOf(f.s1, tokenAddress)).to.deep.equal([1_000_000n, 500_000n]);
    });

    it("claim never pays twice and pays only what was deposited since (streaming)", async function () {
      const f = await loadFixture(activeFixture);
      const tokenAddress = await f.token.getAddress();
      const req = f.request(f.s1, 1, [tokenAddress]);
      await by(f.pool, f.stranger).claim([req]);
      await expect(by(f.pool, f.stranger).claim([req])).not.to.emit(f.pool, "Claimed");
      expect(await balanceOf(f.token, f.bob)).to.equal(250_000n);
      await depositToken(f.pool, f.token, f.payer, 400n);
      expect(await f.pool.claimable(f.s1, req.accountId, req.shares, tokenAddress)).to.equal(100n);
      await by(f.pool, f.bob).claim([req]);
      expect(await balanceOf(f.token, f.bob)).to.equal(250_100n);
      // The recorded total is what was paid over both claims, not the last payment.
      expect(await f.pool.claimed(f.s1, req.accountId, tokenAddress)).to.equal(250_100n);
      expect(await f.pool.potOf(f.s1, tokenAddress)).to.deep.equal([1_000_400n, 250_100n]);
      // A third claim, with and then without a new deposit, pays exactly the new part, then nothing.
      await depositToken(f.pool, f.token, f.payer, 800n);
      await by(f.pool, f.stranger).claim([req]);
      expect(await balanceOf(f.token, f.bob)).to.equal(250_300n);
      await expect(by(f.pool, f.stranger).claim([req])).not.to.emit(f.pool, "Claimed");
      expect(await balanceOf(f.token, f.bob)).to.equal(250_300n);
      expect(await f.pool.claimed(f.s1, req.accountId, tokenAddress)).to.equal(250_300n);
    });

    it("claim rounds every part down when the pot does not divide evenly, and the dust stays in the pool", async function () {
      const f = await loadFixture(activeFixture);
      const tokenAddress = await f.token.getAddress();
      await depositToken(f.pool, f.token, f.payer, 7n); // pot 1,000,007: no share divides it evenly
      await bindIdentity(ethers, f.registry, f.attestor, IDENTITY, f.stranger.address);
      // floor(1,000,007 × 50%), × 25%, × 15%, × 10%: 500,003.5, 250,001.75, 150,001.05, 100,000.7.
      const expected = [500_003n, 250_001n, 150_001n, 100_000n];
      for (const [i, amount] of expected.entries()) {
        expect(await f.pool.claimable(f.s1, f.values[i]![0], f.values[i]![1], tokenAddress)).to.equal(amount);
      }
      await by(f.pool, f.stranger).claim(expected.map((_, i) => f.request(f.s1, i, [tokenAddress])));
      expect(await balanceOf(f.token, f.alice)).to.equal(500_003n);
      expect(await balanceOf(f.token, f.bob)).to.equal(250_001n);
      expect(await balanceOf(f.token, f.carol)).to.equal(150_001n);
      expect(await balanceOf(f.token, f.stranger)).to.equal(100_000n);
      // 1,000,007 − 1,000,005 = 2 units of rounding dust remain, still accounted for.
      expect(await f.pool.potOf(f.s1, tokenAddress)).to.deep.equal([1_000_007n, 1_000_005n]);
      expect(await f.pool.reserveOf(tokenAddress)).to.equal(2n);
      expect(await balanceOf(f.token, await f.pool.getAddress())).to.equal(2n);
    });

    it("claim reverts when the proof is invalid or the shares are not the leaf's", async function () {
      const f = await loadFixture(activeFixture);
      const tokenAddress = await f.token.getAddress();
      const req = f.request(f.s1, 2, [tokenAddress]);
      await expect(by(f.pool, f.carol).claim([{ ...req, shares: req.shares + 1n }]))
        .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolInvalidProof")
        .withArgs(f.s1, req.accountId, req.shares + 1n);
      await expect(
        by(f.pool, f.carol).claim([{ ...req, proof: f.tree.getProof(1) }]),
      ).to.be.revertedWithCustomError(f.pool, "RoyaltyPoolInvalidProof");
      await expect(
        by(f.pool, f.carol).claim([{ ...req, accountId: addressAccountId(f.stranger.address) }]),
      ).to.be.revertedWithCustomError(f.pool, "RoyaltyPoolInvalidProof");
    });

    it("claim reverts on a pending or unknown schedule and on an empty request", async function () {
      const f = await loadFixture(tableFixture);
      const tokenAddress = await f.token.getAddress();
      const s1 = await propose(f.pool, f.proposer, f.tree.root, TOTAL_SHARES);
      await expect(by(f.pool, f.alice).claim([f.request(s1, 0, [tokenAddress])]))
        .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolScheduleNotActive")
        .withArgs(s1);
      await expect(by(f.pool, f.alice).claim([f.request(9n, 0, [tokenAddress])]))
        .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolScheduleNotActive")
        .withArgs(9n);
      await expect(by(f.pool, f.alice).claim([])).to.be.revertedWithCustomError(
        f.pool,
        "RoyaltyPoolEmptyClaim",
      );
      await expect(by(f.pool, f.alice).claim([f.request(s1, 0, [])])).to.be.revertedWithCustomError(
        f.pool,
        "RoyaltyPoolEmptyClaim",
      );
    });

    it("claim across schedules and tokens sends one transfer per token", async function () {
      const f = await loadFixture(activeFixture);
      const tokenAddress = await f.token.getAddress();
      await by(f.pool, f.payer).depositETH(MEMO, { value: 1000n });
      const s2 = await propose(f.pool, f.proposer, f.tree.root, TOTAL_SHARES);
      await time.increase(ACTIVATION_DELAY);
      await depositToken(f.pool, f.token, f.payer, 2000n);
      await by(f.pool, f.payer).depositETH(MEMO, { value: 3000n });
      const before = await ethers.provider.getBalance(f.alice.address);
      const tx = by(f.pool, f.stranger).claim([
        f.request(f.s1, 0, [tokenAddress, ETH]),
        f.request(s2, 0, [tokenAddress, ETH]),
      ]);
      const receipt = (await (await tx).wait()) as ContractTransactionReceipt;
      expect(await balanceOf(f.token, f.alice)).to.equal(500_000n + 1000n);
      expect((await ethers.provider.getBalance(f.alice.address)) - before).to.equal(500n + 1500n);
      const tokenTransfers = receipt!.logs.filter(
        (l: Log) => l.address.toLowerCase() === tokenAddress.toLowerCase(),
      );
      expect(tokenTransfers.length).to.equal(1);
      const claimedEvents = receipt!.logs.filter((l: Log) => l.address === receipt!.to);
      expect(claimedEvents.length).to.equal(4);
    });

    it("claim batches several accounts, each paid to its own payee", async function () {
      const f = await loadFixture(activeFixture);
      const tokenAddress = await f.token.getAddress();
      await by(f.pool, f.stranger).claim([
        f.request(f.s1, 0, [tokenAddress]),
        f.request(f.s1, 1, [tokenAddress]),
        f.request(f.s1, 2, [tokenAddress]),
      ]);
      expect(await balanceOf(f.token, f.alice)).to.equal(500_000n);
      expect(await balanceOf(f.token, f.bob)).to.equal(250_000n);
      expect(await balanceOf(f.token, f.carol)).to.equal(150_000n);
    });

    it("a pot claimed to the last unit still reports what it held and paid, and is not swept", async function () {
      const f = await loadFixture(activeFixture);
      const tokenAddress = await f.token.getAddress();
      await bindIdentity(ethers, f.registry, f.attestor, IDENTITY, f.stranger.address);
      await by(f.pool, f.stranger).claim([0, 1, 2, 3].map((i) => f.request(f.s1, i, [tokenAddress])));
      expect(await f.pool.potOf(f.s1, tokenAddress)).to.deep.equal([1_000_000n, 1_000_000n]);
      expect(await f.pool.isSwept(f.s1, tokenAddress)).to.equal(false);
      expect(await f.pool.reserveOf(tokenAddress)).to.equal(0n);
      expect(await f.pool.claimable(f.s1, f.values[0]![0], f.values[0]![1], tokenAddress)).to.equal(0n);
      // Claiming again is not an error: there is simply nothing new.
      await expect(by(f.pool, f.stranger).claim([f.request(f.s1, 0, [tokenAddress])])).not.to.emit(
        f.pool,
        "Claimed",
      );
    });

    it("identity claim fails while unbound, money waits, and succeeds after binding", async function () {
      const f = await loadFixture(activeFixture);
      const tokenAddress = await f.token.getAddress();
      const req = f.request(f.s1, 3, [tokenAddress]);
      expect(await f.pool.payeeOf(f.identityId)).to.equal(ETH);
      await expect(by(f.pool, f.stranger).claim([req]))
        .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolPayeeUnbound")
        .withArgs(f.identityId);
      expect(await f.pool.claimable(f.s1, req.accountId, req.shares, tokenAddress)).to.equal(100_000n);
      await bindIdentity(ethers, f.registry, f.attestor, IDENTITY, f.carol.address);
      expect(await f.pool.payeeOf(f.identityId)).to.equal(f.carol.address);
      await expect(by(f.pool, f.stranger).claim([req]))
        .to.emit(f.pool, "Claimed")
        .withArgs(f.identityId, f.carol.address, tokenAddress, f.s1, 100_000n);
      expect(await balanceOf(f.token, f.carol)).to.equal(100_000n);
    });

    it("a first binding is paid only after its window; one cancelled within it never is", async function () {
      const f = await loadFixture(activeFixture);
      const tokenAddress = await f.token.getAddress();
      const req = f.request(f.s1, 3, [tokenAddress]);
      // A rogue attestor binds the unbound identity to its own wallet (stranger): nothing is payable yet.
      await bindIdentity(ethers, f.registry, f.attestor, IDENTITY, f.stranger.address, { wait: false });
      const [, , payableFrom] = (await f.registry.bindingOf(f.identityId)) as [string, boolean, bigint];
      await expect(by(f.pool, f.stranger).claim([req]))
        .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolPayeeNotYetPayable")
        .withArgs(f.identityId, payableFrom);
      // The registry's admin cancels it: the money waits for the identity's real owner.
      await f.registry.cancelBinding(f.identityId);
      await time.increaseTo(payableFrom);
      await expect(by(f.pool, f.stranger).claim([req]))
        .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolPayeeUnbound")
        .withArgs(f.identityId);
      // The owner's binding, once its window has passed, is paid everything.
      await bindIdentity(ethers, f.registry, f.attestor, IDENTITY, f.carol.address, { wait: false });
      const [, , carolFrom] = (await f.registry.bindingOf(f.identityId)) as [string, boolean, bigint];
      await time.increaseTo(carolFrom - 1n); // the next block is at carolFrom
      await expect(by(f.pool, f.stranger).claim([req]))
        .to.emit(f.pool, "Claimed")
        .withArgs(f.identityId, f.carol.address, tokenAddress, f.s1, 100_000n);
    });

    // Lost-key recovery: an attestor proposes moving the identity from carol (lost key) to bob. Money owed
    // meanwhile must reach bob or wait, whichever of claim and finalizeRebind comes first.
    async function recoveryFixture() {
      const f = await activeFixture();
      const tokenAddress = await f.token.getAddress();
      await bindIdentity(ethers, f.registry, f.attestor, IDENTITY, f.carol.address);
      await bindIdentity(ethers, f.registry, f.attestor, IDENTITY, f.bob.address); // proposes the rebind
      const [, , executableAt] = (await f.registry.pendingRebindOf(f.identityId)) as [string, string, bigint];
      return { ...f, tokenAddress, req: f.request(f.s1, 3, [tokenAddress]), executableAt };
    }

    it("identity claim waits while a rebind is pending, even once it matured, then pays the new wallet", async function () {
      const f = await loadFixture(recoveryFixture);
      expect((await f.registry.bindingOf(f.identityId)).toArray().slice(0, 2)).to.deep.equal([
        f.carol.address,
        true,
      ]);
      await expect(by(f.pool, f.stranger).claim([f.req]))
        .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolPayeeRebindPending")
        .withArgs(f.identityId);
      await time.increaseTo(f.executableAt);
      // Claim sent before finalizeRebind, in the block where the rebind became final-izable.
      await expect(by(f.pool, f.stranger).claim([f.req])).to.be.revertedWithCustomError(
        f.pool,
        "RoyaltyPoolPayeeRebindPending",
      );
      await by(f.registry, f.stranger).finalizeRebind(f.identityId);
      await expect(by(f.pool, f.stranger).claim([f.req]))
        .to.emit(f.pool, "Claimed")
        .withArgs(f.identityId, f.bob.address, f.tokenAddress, f.s1, 100_000n);
      expect(await balanceOf(f.token, f.carol)).to.equal(0n);
    });

    it("identity claim ordered before finalizeRebind in the same block pays nothing; the new wallet is paid after", async function () {
      const f = await loadFixture(recoveryFixture);
      await time.increaseTo(f.executableAt);
      await networkHelpers.mine(); // the mempool is empty; queue both orders in two blocks
      await ethers.provider.send("evm_setAutomine", [false]);
      try {
        // Block 1: claim first, then finalize. Block 2: (after a deposit) finalize is done, claim pays bob.
        const claimFirst = await by(f.pool, f.stranger).claim([f.req], { gasLimit: 500_000n });
        const finalize = await by(f.registry, f.alice).finalizeRebind(f.identityId, { gasLimit: 200_000n });
        await networkHelpers.mine();
        await ethers.provider.send("evm_setAutomine", [true]);
        const claimed = await ethers.provider.getTransactionReceipt(claimFirst.hash);
        const finalized = await ethers.provider.getTransactionReceipt(finalize.hash);
        expect(claimed?.blockNumber).to.equal(finalized?.blockNumber);
        expect(claimed?.status).to.equal(0); // reverted: the rebind was still pending
        expect(finalized?.status).to.equal(1);
      } finally {
        await ethers.provider.send("evm_setAutomine", [true]);
      }
      await by(f.pool, f.stranger).claim([f.req]);
      expect(await balanceOf(f.token, f.bob)).to.equal(100_000n);
      expect(await balanceOf(f.token, f.carol)).to.equal(0n);
    });

    it("identity claimed before a rebind is proposed pays the bound wallet; a cancelled rebind releases the rest", async function () {
      const f = await loadFixture(activeFixture);
      const tokenAddress = await f.token.getAddress();
      const req = f.request(f.s1, 3, [tokenAddress]);
      await bindIdentity(ethers, f.registry, f.attestor, IDENTITY, f.carol.address);
      await by(f.pool, f.stranger).claim([req]);
      expect(await balanceOf(f.token, f.carol)).to.equal(100_000n);
      await bindIdentity(ethers, f.registry, f.attestor, IDENTITY, f.bob.address);
      await depositToken(f.pool, f.token, f.payer, 1_000_000n);
      await expect(by(f.pool, f.stranger).claim([req])).to.be.revertedWithCustomError(
        f.pool,
        "RoyaltyPoolPayeeRebindPending",
      );
      await by(f.registry, f.carol).cancelRebind(f.identityId); // carol's key was not lost after all
      expect((await f.registry.bindingOf(f.identityId)).toArray().slice(0, 2)).to.deep.equal([
        f.carol.address,
        false,
      ]);
      await by(f.pool, f.stranger).claim([req]);
      expect(await balanceOf(f.token, f.carol)).to.equal(200_000n);
      expect(await balanceOf(f.token, f.bob)).to.equal(0n);
    });

    it("claim reverts rather than pay beyond the pot when a table's shares exceed its total", async function () {
      const f = await loadFixture(activeFixture);
      const tokenAddress = await f.token.getAddress();
      // A bad table: two leaves of 60% each.
      const values: [string, bigint][] = [
        [addressAccountId(f.alice.address), (TOTAL_SHARES * 60n) / 100n],
        [addressAccountId(f.bob.address), (TOTAL_SHARES * 60n) / 100n],
      ];
      const bad = StandardMerkleTree.of(values, ["bytes32", "uint256"]);
      const s2 = await propose(f.pool, f.proposer, bad.root, TOTAL_SHARES);
      await time.increase(ACTIVATION_DELAY);
      await depositToken(f.pool, f.token, f.payer, 1000n);
      const req = (i: number): ClaimRequest => ({
        scheduleId: s2,
        accountId: values[i]![0],
        shares: values[i]![1],
        proof: bad.getProof(i),
        tokens: [tokenAddress],
      });
      await by(f.pool, f.stranger).claim([req(0)]);
      await expect(by(f.pool, f.stranger).claim([req(1)]))
        .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolPotExceeded")
        .withArgs(s2, tokenAddress, 600n);
      expect(await f.pool.claimable(s2, values[1]![0], values[1]![1], tokenAddress)).to.equal(0n);
    });

    it("a re-entrant ETH payee cannot be paid twice", async function () {
      const { f, payee, values, tree, s1 } = await ethPayeeSchedule();
      await by(f.pool, f.payer).depositETH(MEMO, { value: 1000n });
      const req: ClaimRequest = {
        scheduleId: s1,
        accountId: values[0]![0],
        shares: values[0]![1],
        proof: tree.getProof(0),
        tokens: [ETH],
      };
      await (await payee.getFunction("armClaim")([req])).wait();
      await by(f.pool, f.stranger).claim([req]);
      expect(await payee.getFunction("ethReceived")()).to.equal(500n);
      expect(await payee.getFunction("reentryAttempts")()).to.equal(1n);
      expect(await payee.getFunction("reentrySuccesses")()).to.equal(0n);
      // The re-entry hit the guard; a later honest claim pays nothing more.
      await by(f.pool, f.stranger).claim([req]);
      expect(await payee.getFunction("ethReceived")()).to.equal(500n);
      expect(await ethers.provider.getBalance(await f.pool.getAddress())).to.equal(500n);
    });

    it("an ETH payee that refuses the money or burns all gas cannot fail a batch: its ETH is credited to withdraw", async function () {
      const { f, payee, values, tree, s1 } = await ethPayeeSchedule();
      await by(f.pool, f.payer).depositETH(MEMO, { value: 1000n });
      const payeeAddress = await payee.getAddress();
      const poolAddress = await f.pool.getAddress();
      const req = (i: number): ClaimRequest => ({
        scheduleId: s1,
        accountId: values[i]![0],
        shares: values[i]![1],
        proof: tree.getProof(i),
        tokens: [ETH],
      });
      await (await payee.getFunction("setRefuseEth")(true)).wait();
      const aliceBefore = await ethers.provider.getBalance(f.alice.address);
      await expect(by(f.pool, f.stranger).claim([req(0), req(1)]))
        .to.emit(f.pool, "EthCredited")
        .withArgs(payeeAddress, 500n);
      expect(await ethers.provider.getBalance(f.alice.address)).to.equal(aliceBefore + 500n);
      expect(await f.pool.claimed(s1, values[0]![0], ETH)).to.equal(500n);
      expect(await f.pool.ethOwedTo(payeeAddress)).to.equal(500n);
      // The credit is part of the reserve: sync finds nothing to take.
      expect(await f.pool.reserveOf(ETH)).to.equal(await ethers.provider.getBalance(poolAddress));
      await expect(f.pool.sync(ETH)).to.be.revertedWithCustomError(f.pool, "RoyaltyPoolNothingToSync");

      // A payee that burns every unit of gas it gets costs the batch a bounded amount.
      await (await payee.getFunction("setRefuseEth")(false)).wait();
      await (await payee.getFunction("setBurnGas")(true)).wait();
      await by(f.pool, f.payer).depositETH(MEMO, { value: 1000n });
      const tx = await by(f.pool, f.stranger).claim([req(0), req(1)], { gasLimit: 1_000_000n });
      const receipt = (await tx.wait()) as ContractTransactionReceipt;
      // 300,000 for the payee's call at most, plus the claim itself.
      expect(receipt.gasUsed < 450_000n).to.equal(true);
      expect(await f.pool.ethOwedTo(payeeAddress)).to.equal(1000n);

      // The payee withdraws to any address it names; nobody else can.
      await expect(by(f.pool, f.stranger).withdrawETH(f.stranger.address))
        .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolNothingOwed")
        .withArgs(f.stranger.address);
      const carolBefore = await ethers.provider.getBalance(f.carol.address);
      await expect(payee.getFunction("withdrawFromPool")(f.carol.address))
        .to.emit(f.pool, "EthWithdrawn")
        .withArgs(payeeAddress, f.carol.address, 1000n);
      expect(await ethers.provider.getBalance(f.carol.address)).to.equal(carolBefore + 1000n);
      expect(await f.pool.ethOwedTo(payeeAddress)).to.equal(0n);
      expect(await f.pool.reserveOf(ETH)).to.equal(await ethers.provider.getBalance(poolAddress));
    });

    it("claim succeeds with a depth-20 proof from a 1,000,000-leaf table built by the engine's Merkle code", async function () {
      this.timeout(600_000);
      const f = await loadFixture(tableFixture);
      const sharesEach = 10n ** 12n;
      const table = syntheticAddressTable(1_000_000, sharesEach, 7);
      let leaf = 0;
      while (table.tree.depth(leaf) !== 20) leaf++;
      const s1 = await propose(f.pool, f.proposer, table.tree.root, sharesEach * 1_000_000n);
      await time.increase(ACTIVATION_DELAY);
      const tokenAddress = await f.token.getAddress();
      await depositToken(f.pool, f.token, f.payer, 10n ** 12n);
      const proof = table.tree.proof(leaf);
      expect(proof.length).to.equal(20);
      await by(f.pool, f.stranger).claim([
        {
          scheduleId: s1,
          accountId: table.accountIdOf(leaf),
          shares: sharesEach,
          proof,
          tokens: [tokenAddress],
        },
      ]);
      expect(await balanceOf(f.token, table.addressOf(leaf))).to.equal(10n ** 6n);
    });
  });

  describe("claimOneLeaf", function () {
    type Fixture = Awaited<ReturnType<typeof activeFixture>>;
    /** What a claim did, read back after it: the call is compared with `claim([request])` from the same state. */
    async function outcome(f: Fixture, req: ClaimRequest, data: string) {
      const token = req.tokens[0]!;
      const payee = (await f.pool.payeeOf(req.accountId)) as string;
      const poolAddress = await f.pool.getAddress();
      let receipt: TransactionReceipt | null = null;
      let error = "";
      try {
        receipt = await (
          await f.stranger.sendTransaction({ to: poolAddress, data, gasLimit: 2_000_000n })
        ).wait();
      } catch (e) {
        error = String((e as { data?: string }).data ?? (e as Error).message);
      }
      const balanceOfPayee =
        payee === ethers.ZeroAddress
          ? 0n
          : token === ETH
            ? await ethers.provider.getBalance(payee)
            : await balanceOf(f.token, payee);
      return {
        error,
        balanceOfPayee,
        ethOwed: payee === ethers.ZeroAddress ? 0n : ((await f.pool.ethOwedTo(payee)) as bigint),
        claimed: (await f.pool.claimed(req.scheduleId, req.accountId, token)) as bigint,
        pot: [...((await f.pool.potOf(req.scheduleId, token)) as bigint[])],
        reserve: (await f.pool.reserveOf(token)) as bigint,
        logs: (receipt?.logs ?? []).map((l: Log) => [l.address, l.topics.join(), l.data].join("|")),
      };
    }
    /** Runs `req` through `claim([req])` and, from the same state, through `claimOneLeaf`; both must agree. */
    async function expectSameAsClaim(f: Fixture, req: ClaimRequest) {
      const snapshot = await networkHelpers.takeSnapshot();
      const viaClaim = await outcome(f, req, f.pool.interface.encodeFunctionData("claim", [[req]]));
      await snapshot.restore();
      const viaOneLeaf = await outcome(
        f,
        req,
        f.pool.interface.encodeFunctionData("claimOneLeaf", [
          req.scheduleId,
          req.accountId,
          req.shares,
          req.tokens[0],
          req.proof,
        ]),
      );
      expect(viaOneLeaf).to.deep.equal(viaClaim);
      return viaOneLeaf;
    }

    it("pays what claim pays, first and after another deposit, and nothing when nothing is new", async function () {
      const f = await loadFixture(activeFixture);
      const tokenAddress = await f.token.getAddress();
      const paid = await expectSameAsClaim(f, f.request(f.s1, 1, [tokenAddress]));
      expect(paid.claimed).to.equal(250_000n);
      expect(paid.logs.length).to.equal(2); // Claimed, Transfer
      await by(f.pool, f.stranger).claimOneLeaf(
        f.s1,
        f.values[1]![0],
        f.values[1]![1],
        tokenAddress,
        f.tree.getProof(1),
      );
      expect((await expectSameAsClaim(f, f.request(f.s1, 1, [tokenAddress]))).logs).to.deep.equal([]);
      await depositToken(f.pool, f.token, f.payer, 1_001n);
      expect((await expectSameAsClaim(f, f.request(f.s1, 1, [tokenAddress]))).claimed).to.equal(250_250n);
    });

    it("refuses as claim does: forged shares, pending and revoked schedules, unbound identities, swept pots", async function () {
      const f = await loadFixture(activeFixture);
      const tokenAddress = await f.token.getAddress();
      const refusal = async (req: ClaimRequest, errorName: string) => {
        const { error } = await expectSameAsClaim(f, req);
        expect(error.startsWith(f.pool.interface.getError(errorName)!.selector), error).to.equal(true);
      };
      const forged = { ...f.request(f.s1, 0, [tokenAddress]), shares: f.values[0]![1] + 1n };
      await refusal(forged, "RoyaltyPoolInvalidProof");
      await refusal(f.request(f.s1, 3, [tokenAddress]), "RoyaltyPoolPayeeUnbound");
      const s2 = await propose(f.pool, f.proposer, f.tree.root, TOTAL_SHARES);
      await refusal(f.request(s2, 0, [tokenAddress]), "RoyaltyPoolScheduleNotActive"); // pending
      await by(f.pool, f.guardian).revokeSchedule(s2);
      await time.increase(ACTIVATION_DELAY);
      await refusal(f.request(s2, 0, [tokenAddress]), "RoyaltyPoolScheduleNotActive"); // revoked
      await propose(f.pool, f.proposer, f.tree.root, TOTAL_SHARES);
      await time.increase(ACTIVATION_DELAY + BigInt(CLAIM_WINDOW));
      await by(f.pool, f.stranger).sweep(f.s1, tokenAddress);
      await refusal(f.request(f.s1, 0, [tokenAddress]), "RoyaltyPoolPotSwept");
    });

    it("pays a bound identity's wallet, and a superseded, folded schedule's claim leaves the reserve exact", async function () {
      const f = await loadFixture(activeFixture);
      const tokenAddress = await f.token.getAddress();
      await bindIdentity(ethers, f.registry, f.attestor, IDENTITY, f.newAdmin.address);
      expect((await expectSameAsClaim(f, f.request(f.s1, 3, [tokenAddress]))).claimed).to.equal(100_000n);
      await propose(f.pool, f.proposer, f.tree.root, TOTAL_SHARES);
      await time.increase(ACTIVATION_DELAY);
      await depositToken(f.pool, f.token, f.payer, 5_000n);
      await (await f.token.mint(await f.pool.getAddress(), 7n)).wait();
      await f.pool.sync(tokenAddress); // folds schedule 1's pots
      const after = await expectSameAsClaim(f, f.request(f.s1, 2, [tokenAddress]));
      expect(after.claimed).to.equal(150_000n);
      expect(after.reserve).to.equal(await balanceOf(f.token, await f.pool.getAddress()));
    });

    it("credits ETH a payee refuses, as claim does", async function () {
      const { f, payee, values, tree, s1 } = await ethPayeeSchedule();
      await by(f.pool, f.payer).depositETH(MEMO, { value: 1001n });
      await (await payee.getFunction("setRefuseEth")(true)).wait();
      const req = (i: number): ClaimRequest => ({
        scheduleId: s1,
        accountId: values[i]![0],
        shares: values[i]![1],
        proof: tree.getProof(i),
        tokens: [ETH],
      });
      expect((await expectSameAsClaim(f as Fixture, req(0))).ethOwed).to.equal(500n);
      expect((await expectSameAsClaim(f as Fixture, req(1))).claimed).to.equal(500n);
    });
  });

  describe("sweep", function () {
    async function supersededFixture() {
      const f = await activeFixture();
      const tokenAddress = await f.token.getAddress();
      await by(f.pool, f.stranger).claim([f.request(f.s1, 0, [tokenAddress])]); // alice takes 500,000
      const s2 = await propose(f.pool, f.proposer, f.tree.root, TOTAL_SHARES);
      const s2At = BigInt(await time.latest()) + ACTIVATION_DELAY;
      return { ...f, s2, s2At, tokenAddress };
    }

    it("sweep reverts before supersession and before the claim window has passed", async function () {
      const f = await loadFixture(supersededFixture);
      await expect(f.pool.sweep(f.s1, f.tokenAddress))
        .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolSweepTooEarly")
        .withArgs(f.s1, f.s2At + CLAIM_WINDOW);
      await time.increaseTo(f.s2At + CLAIM_WINDOW - 2n); // the next block is one second later
      await expect(f.pool.sweep(f.s1, f.tokenAddress)).to.be.revertedWithCustomError(
        f.pool,
        "RoyaltyPoolSweepTooEarly",
      );
      await expect(f.pool.sweep(f.s2, f.tokenAddress))
        .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolSweepTooEarly")
        .withArgs(f.s2, 0n);
    });

    it("sweep moves the remainder into the current schedule; later claims on it revert", async function () {
      const f = await loadFixture(supersededFixture);
      // Claims on a superseded schedule still work inside the window.
      await by(f.pool, f.stranger).claim([f.request(f.s1, 1, [f.tokenAddress])]);
      await time.increaseTo(f.s2At + CLAIM_WINDOW);
      await expect(by(f.pool, f.stranger).sweep(f.s1, f.tokenAddress))
        .to.emit(f.pool, "Swept")
        .withArgs(f.s1, f.tokenAddress, f.s2, 250_000n, f.stranger.address);
      expect(await f.pool.isSwept(f.s1, f.tokenAddress)).to.equal(true);
      expect(await f.pool.potOf(f.s2, f.tokenAddress)).to.deep.equal([250_000n, 0n]);
      expect(await f.pool.claimable(f.s1, f.values[2]![0], f.values[2]![1], f.tokenAddress)).to.equal(0n);
      await expect(by(f.pool, f.stranger).claim([f.request(f.s1, 2, [f.tokenAddress])]))
        .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolPotSwept")
        .withArgs(f.s1, f.tokenAddress);
      await expect(f.pool.sweep(f.s1, f.tokenAddress))
        .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolPotSwept")
        .withArgs(f.s1, f.tokenAddress);
      // The swept money is claimable under the current schedule; the accounting still balances.
      await by(f.pool, f.stranger).claim([f.request(f.s2, 2, [f.tokenAddress])]);
      expect(await balanceOf(f.token, f.carol)).to.equal(37_500n);
      expect(await f.pool.reserveOf(f.tokenAddress)).to.equal(
        await balanceOf(f.token, await f.pool.getAddress()),
      );
    });

    it("sweep of a pot claimed to the last unit, or of a token never deposited, is refused and writes nothing", async function () {
      const f = await loadFixture(activeFixture);
      const tokenAddress = await f.token.getAddress();
      await bindIdentity(ethers, f.registry, f.attestor, IDENTITY, f.stranger.address);
      await by(f.pool, f.stranger).claim([0, 1, 2, 3].map((i) => f.request(f.s1, i, [tokenAddress])));
      const s2 = await propose(f.pool, f.proposer, f.tree.root, TOTAL_SHARES);
      await time.increase(ACTIVATION_DELAY + CLAIM_WINDOW);
      expect(s2).to.equal(2n);
      for (const token of [tokenAddress, ETH, f.stranger.address]) {
        await expect(by(f.pool, f.stranger).sweep(f.s1, token))
          .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolNothingToSweep")
          .withArgs(f.s1, token);
        expect(await f.pool.isSwept(f.s1, token)).to.equal(false);
      }
      expect(await f.pool.potOf(f.s1, tokenAddress)).to.deep.equal([1_000_000n, 1_000_000n]);
    });

    it("sweep is unavailable once the superseding schedule is revoked", async function () {
      const f = await loadFixture(supersededFixture);
      await by(f.pool, f.guardian).revokeSchedule(f.s2);
      await time.increase(ACTIVATION_DELAY + CLAIM_WINDOW);
      await expect(f.pool.sweep(f.s1, f.tokenAddress))
        .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolSweepTooEarly")
        .withArgs(f.s1, 0n);
    });
  });

  // Each time rule is checked one second before, at, and one second after its instant: a
  // transaction sent after `setNextBlockTimestamp(t)` runs with block.timestamp == t.
  describe("time boundaries (t − 1, t, t + 1)", function () {
    /** 1,000,000 deposited while no schedule exists, then schedule 1 proposed; `at` = its activatesAt. */
    async function pendingFirstFixture() {
      const f = await tableFixture();
      await depositToken(f.pool, f.token, f.payer, 1_000_000n);
      const s1 = await propose(f.pool, f.proposer, f.tree.root, TOTAL_SHARES);
      const at = ((await f.pool.scheduleOf(s1)) as unknown[])[2] as bigint;
      return { ...f, s1, at, tokenAddress: await f.token.getAddress() };
    }

    /** Schedule 1 active with 1,000,000; schedule 2 proposed; `at` = the instant it supersedes schedule 1. */
    async function pendingSecondFixture() {
      const f = await activeFixture();
      const s2 = await propose(f.pool, f.proposer, f.tree.root, TOTAL_SHARES);
      const at = ((await f.pool.scheduleOf(s2)) as unknown[])[2] as bigint;
      expect(((await f.pool.scheduleOf(f.s1)) as unknown[])[3]).to.equal(at);
      return { ...f, s2, at, tokenAddress: await f.token.getAddress() };
    }

    /** Schedule 1 superseded by schedule 2, alice's part claimed; `at` = when schedule 1 may be swept. */
    async function sweepableFixture() {
      const f = await pendingSecondFixture();
      await by(f.pool, f.stranger).claim([f.request(f.s1, 0, [f.tokenAddress])]);
      return { ...f, sweepAt: f.at + CLAIM_WINDOW };
    }

    async function blockTime(tx: Promise<{ wait(): Promise<ContractTransactionReceipt | null> }>) {
      const receipt = await (await tx).wait();
      return BigInt((await receipt!.getBlock()).timestamp);
    }

    it("activation: at activatesAt − 1 a claim reverts and the guardian can still revoke", async function () {
      const f = await loadFixture(pendingFirstFixture);
      await time.setNextBlockTimestamp(f.at - 1n);
      await expect(by(f.pool, f.stranger).claim([f.request(f.s1, 0, [f.tokenAddress])]))
        .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolScheduleNotActive")
        .withArgs(f.s1);
      await time.setNextBlockTimestamp(f.at - 1n);
      expect(await blockTime(by(f.pool, f.guardian).revokeSchedule(f.s1))).to.equal(f.at - 1n);
      await time.increaseTo(f.at + 1n);
      expect(await f.pool.currentScheduleId()).to.equal(0n);
      expect(await f.pool.claimable(f.s1, f.values[0]![0], f.values[0]![1], f.tokenAddress)).to.equal(0n);
    });

    it("activation: views show nothing claimable at activatesAt − 1, the full part at activatesAt", async function () {
      const f = await loadFixture(pendingFirstFixture);
      const [alice, shares] = f.values[0]!;
      await time.increaseTo(f.at - 1n);
      expect(await f.pool.claimable(f.s1, alice, shares, f.tokenAddress)).to.equal(0n);
      expect(await f.pool.pendingScheduleId()).to.equal(f.s1);
      await time.increaseTo(f.at);
      expect(await f.pool.claimable(f.s1, alice, shares, f.tokenAddress)).to.equal(500_000n);
      expect(await f.pool.pendingScheduleId()).to.equal(0n);
      expect(await f.pool.currentScheduleId()).to.equal(f.s1);
    });

    it("activation: at activatesAt a claim pays and revocation is refused", async function () {
      const f = await loadFixture(pendingFirstFixture);
      await time.setNextBlockTimestamp(f.at);
      expect(await blockTime(by(f.pool, f.stranger).claim([f.request(f.s1, 0, [f.tokenAddress])]))).to.equal(
        f.at,
      );
      expect(await balanceOf(f.token, f.alice)).to.equal(500_000n);
      await expect(by(f.pool, f.guardian).revokeSchedule(f.s1))
        .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolScheduleNotPending")
        .withArgs(f.s1);
    });

    it("activation: at activatesAt + 1 a claim pays and revocation is refused", async function () {
      const f = await loadFixture(pendingFirstFixture);
      await time.setNextBlockTimestamp(f.at + 1n);
      await (await by(f.pool, f.stranger).claim([f.request(f.s1, 1, [f.tokenAddress])])).wait();
      expect(await balanceOf(f.token, f.bob)).to.equal(250_000n);
      await expect(by(f.pool, f.guardian).revokeSchedule(f.s1)).to.be.revertedWithCustomError(
        f.pool,
        "RoyaltyPoolScheduleNotPending",
      );
    });

    it("supersession: at activatesAt − 1 deposits still go to the old schedule", async function () {
      const f = await loadFixture(pendingSecondFixture);
      await f.token.mint(f.payer.address, 10n);
      await by(f.token, f.payer).approve(await f.pool.getAddress(), 10n);
      await time.setNextBlockTimestamp(f.at - 1n);
      await expect(by(f.pool, f.payer).deposit(f.tokenAddress, 10n, MEMO))
        .to.emit(f.pool, "Deposited")
        .withArgs(f.payer.address, f.tokenAddress, f.s1, 10n, MEMO);
      expect(await f.pool.currentScheduleId()).to.equal(f.s1);
      expect(await f.pool.pendingScheduleId()).to.equal(f.s2);
    });

    it("supersession: at activatesAt − 1 the guardian can still revoke the new schedule", async function () {
      const f = await loadFixture(pendingSecondFixture);
      await time.setNextBlockTimestamp(f.at - 1n);
      expect(await blockTime(by(f.pool, f.guardian).revokeSchedule(f.s2))).to.equal(f.at - 1n);
      expect(((await f.pool.scheduleOf(f.s1)) as unknown[])[3]).to.equal(0n);
      await time.increaseTo(f.at + 1n);
      expect(await f.pool.currentScheduleId()).to.equal(f.s1);
    });

    it("supersession: at activatesAt deposits go to the new schedule, the old one still pays", async function () {
      const f = await loadFixture(pendingSecondFixture);
      await f.token.mint(f.payer.address, 10n);
      await by(f.token, f.payer).approve(await f.pool.getAddress(), 10n);
      await time.setNextBlockTimestamp(f.at);
      await expect(by(f.pool, f.payer).deposit(f.tokenAddress, 10n, MEMO))
        .to.emit(f.pool, "Deposited")
        .withArgs(f.payer.address, f.tokenAddress, f.s2, 10n, MEMO);
      expect(await f.pool.currentScheduleId()).to.equal(f.s2);
      expect(await f.pool.potOf(f.s2, f.tokenAddress)).to.deep.equal([10n, 0n]);
      await expect(by(f.pool, f.guardian).revokeSchedule(f.s2)).to.be.revertedWithCustomError(
        f.pool,
        "RoyaltyPoolScheduleNotPending",
      );
      await by(f.pool, f.stranger).claim([f.request(f.s1, 1, [f.tokenAddress])]);
      expect(await balanceOf(f.token, f.bob)).to.equal(250_000n);
    });

    it("supersession: at activatesAt + 1 deposits go to the new schedule", async function () {
      const f = await loadFixture(pendingSecondFixture);
      await f.token.mint(f.payer.address, 10n);
      await by(f.token, f.payer).approve(await f.pool.getAddress(), 10n);
      await time.setNextBlockTimestamp(f.at + 1n);
      await expect(by(f.pool, f.payer).deposit(f.tokenAddress, 10n, MEMO))
        .to.emit(f.pool, "Deposited")
        .withArgs(f.payer.address, f.tokenAddress, f.s2, 10n, MEMO);
    });

    it("sweep: at supersededAt + claimWindow − 1 the sweep reverts and claims on the old schedule still pay", async function () {
      const f = await loadFixture(sweepableFixture);
      await time.setNextBlockTimestamp(f.sweepAt - 1n);
      await expect(f.pool.sweep(f.s1, f.tokenAddress))
        .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolSweepTooEarly")
        .withArgs(f.s1, f.sweepAt);
      await time.setNextBlockTimestamp(f.sweepAt - 1n);
      expect(await blockTime(by(f.pool, f.stranger).claim([f.request(f.s1, 1, [f.tokenAddress])]))).to.equal(
        f.sweepAt - 1n,
      );
      expect(await balanceOf(f.token, f.bob)).to.equal(250_000n);
    });

    it("sweep: at supersededAt + claimWindow the remainder moves to the current schedule", async function () {
      const f = await loadFixture(sweepableFixture);
      await time.setNextBlockTimestamp(f.sweepAt);
      await expect(by(f.pool, f.stranger).sweep(f.s1, f.tokenAddress))
        .to.emit(f.pool, "Swept")
        .withArgs(f.s1, f.tokenAddress, f.s2, 500_000n, f.stranger.address);
      expect(await f.pool.potOf(f.s2, f.tokenAddress)).to.deep.equal([500_000n, 0n]);
      await expect(by(f.pool, f.stranger).claim([f.request(f.s1, 1, [f.tokenAddress])]))
        .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolPotSwept")
        .withArgs(f.s1, f.tokenAddress);
    });

    it("sweep: at supersededAt + claimWindow + 1 the remainder moves to the current schedule", async function () {
      const f = await loadFixture(sweepableFixture);
      await time.setNextBlockTimestamp(f.sweepAt + 1n);
      await expect(by(f.pool, f.stranger).sweep(f.s1, f.tokenAddress))
        .to.emit(f.pool, "Swept")
        .withArgs(f.s1, f.tokenAddress, f.s2, 500_000n, f.stranger.address);
      expect(await f.pool.isSwept(f.s1, f.tokenAddress)).to.equal(true);
    });
  });

  describe("roles", function () {
    it("admin grants and revokes roles; holders renounce; others cannot", async function () {
      const f = await loadFixture(tableFixture);
      const PROPOSER = await f.pool.PROPOSER_ROLE();
      const GUARDIAN = await f.pool.GUARDIAN_ROLE();
      // A proposer grant waits the activation delay; anyone applies it then.
      await expect(by(f.pool, f.admin).grantRole(PROPOSER, f.bob.address)).to.emit(
        f.pool,
        "RoleChangeScheduled",
      );
      expect(await f.pool.hasRole(PROPOSER, f.bob.address)).to.equal(false);
      await time.increase(ACTIVATION_DELAY);
      await expect(by(f.pool, f.stranger).applyRoleChange(PROPOSER, f.bob.address, true))
        .to.emit(f.pool, "RoleGranted")
        .withArgs(PROPOSER, f.bob.address, f.stranger.address);
      expect(await f.pool.hasRole(PROPOSER, f.bob.address)).to.equal(true);
      await expect(by(f.pool, f.admin).revokeRole(PROPOSER, f.bob.address))
        .to.emit(f.pool, "RoleRevoked")
        .withArgs(PROPOSER, f.bob.address, f.admin.address);
      await expect(by(f.pool, f.guardian).renounceRole(GUARDIAN))
        .to.emit(f.pool, "RoleRevoked")
        .withArgs(GUARDIAN, f.guardian.address, f.guardian.address);
      expect(await f.pool.hasRole(GUARDIAN, f.guardian.address)).to.equal(false);
      await expect(by(f.pool, f.proposer).grantRole(PROPOSER, f.bob.address))
        .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolUnauthorized")
        .withArgs(f.proposer.address, ZERO_HASH);
      await expect(by(f.pool, f.proposer).revokeRole(PROPOSER, f.proposer.address))
        .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolUnauthorized")
        .withArgs(f.proposer.address, ZERO_HASH);
      await expect(by(f.pool, f.admin).grantRole(ethers.id("X"), f.bob.address))
        .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolUnknownRole")
        .withArgs(ethers.id("X"));
      await expect(by(f.pool, f.admin).grantRole(PROPOSER, ETH))
        .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolInvalidRoleHolder")
        .withArgs(PROPOSER, ETH);
    });

    it("an admin key alone cannot make itself proposer or silence the guardians: both wait and a guardian cancels", async function () {
      const f = await loadFixture(tableFixture);
      const PROPOSER = await f.pool.PROPOSER_ROLE();
      const GUARDIAN = await f.pool.GUARDIAN_ROLE();
      const at = BigInt(await time.latest()) + 10n;
      await time.setNextBlockTimestamp(at);
      const executableAt = at + ACTIVATION_DELAY;
      await expect(by(f.pool, f.admin).grantRole(PROPOSER, f.admin.address))
        .to.emit(f.pool, "RoleChangeScheduled")
        .withArgs(PROPOSER, f.admin.address, true, executableAt, f.admin.address);
      await expect(by(f.pool, f.admin).revokeRole(GUARDIAN, f.guardian.address))
        .to.emit(f.pool, "RoleChangeScheduled")
        .withArgs(GUARDIAN, f.guardian.address, false, executableAt + 1n, f.admin.address);
      await by(f.pool, f.admin).transferAdmin(f.newAdmin.address);
      // Nothing changed yet; applying early fails.
      expect(await f.pool.hasRole(PROPOSER, f.admin.address)).to.equal(false);
      expect(await f.pool.hasRole(GUARDIAN, f.guardian.address)).to.equal(true);
      expect(await f.pool.roleChangeExecutableAt(PROPOSER, f.admin.address, true)).to.equal(executableAt);
      await expect(f.pool.applyRoleChange(PROPOSER, f.admin.address, true))
        .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolRoleChangeNotReady")
        .withArgs(PROPOSER, f.admin.address, true, executableAt);
      // The guardian cancels all three; strangers cannot.
      await expect(
        by(f.pool, f.stranger).cancelRoleChange(PROPOSER, f.admin.address, true),
      ).to.be.revertedWithCustomError(f.pool, "RoyaltyPoolUnauthorized");
      await expect(by(f.pool, f.guardian).cancelRoleChange(PROPOSER, f.admin.address, true))
        .to.emit(f.pool, "RoleChangeCancelled")
        .withArgs(PROPOSER, f.admin.address, true, f.guardian.address);
      await by(f.pool, f.guardian).cancelRoleChange(GUARDIAN, f.guardian.address, false);
      await expect(by(f.pool, f.guardian).cancelAdminTransfer())
        .to.emit(f.pool, "AdminTransferStarted")
        .withArgs(f.admin.address, ETH);
      await time.increase(ACTIVATION_DELAY);
      for (const [role, account, grant] of [
        [PROPOSER, f.admin.address, true],
        [GUARDIAN, f.guardian.address, false],
      ] as const) {
        await expect(f.pool.applyRoleChange(role, account, grant))
          .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolRoleChangeNotReady")
          .withArgs(role, account, grant, 0n);
      }
      await expect(by(f.pool, f.newAdmin).acceptAdmin()).to.be.revertedWithCustomError(
        f.pool,
        "RoyaltyPoolNotPendingAdmin",
      );
      expect(await f.pool.hasRole(PROPOSER, f.admin.address)).to.equal(false);
      expect(await f.pool.hasRole(GUARDIAN, f.guardian.address)).to.equal(true);
      // Granting a guardian is immediate (it only adds protection), and so is removing a proposer.
      await expect(by(f.pool, f.admin).grantRole(GUARDIAN, f.bob.address)).to.emit(f.pool, "RoleGranted");
      await expect(by(f.pool, f.admin).revokeRole(PROPOSER, f.proposer.address)).to.emit(
        f.pool,
        "RoleRevoked",
      );
    });

    it("admin transfer takes two steps and can be cancelled", async function () {
      const f = await loadFixture(tableFixture);
      await expect(by(f.pool, f.stranger).transferAdmin(f.stranger.address))
        .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolUnauthorized")
        .withArgs(f.stranger.address, ZERO_HASH);
      await expect(by(f.pool, f.admin).transferAdmin(f.newAdmin.address))
        .to.emit(f.pool, "AdminTransferStarted")
        .withArgs(f.admin.address, f.newAdmin.address);
      expect(await f.pool.admin()).to.equal(f.admin.address);
      expect(await f.pool.pendingAdmin()).to.equal(f.newAdmin.address);
      await expect(by(f.pool, f.stranger).acceptAdmin())
        .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolNotPendingAdmin")
        .withArgs(f.stranger.address, f.newAdmin.address);
      await expect(by(f.pool, f.newAdmin).acceptAdmin()).to.be.revertedWithCustomError(
        f.pool,
        "RoyaltyPoolAdminTransferNotReady",
      );
      await time.increaseTo(await f.pool.adminAcceptableAt());
      await expect(by(f.pool, f.newAdmin).acceptAdmin())
        .to.emit(f.pool, "AdminTransferred")
        .withArgs(f.admin.address, f.newAdmin.address);
      expect(await f.pool.admin()).to.equal(f.newAdmin.address);
      expect(await f.pool.pendingAdmin()).to.equal(ETH);
      await expect(by(f.pool, f.admin).unpause()).to.be.revertedWithCustomError(
        f.pool,
        "RoyaltyPoolUnauthorized",
      );
      // Cancel: a transfer to zero clears the pending admin.
      await by(f.pool, f.newAdmin).transferAdmin(f.bob.address);
      await by(f.pool, f.newAdmin).transferAdmin(ETH);
      await expect(by(f.pool, f.bob).acceptAdmin()).to.be.revertedWithCustomError(
        f.pool,
        "RoyaltyPoolNotPendingAdmin",
      );
      await expect(by(f.pool, f.newAdmin).transferAdmin(f.newAdmin.address))
        .to.be.revertedWithCustomError(f.pool, "RoyaltyPoolInvalidAdmin")
        .withArgs(f.newAdmin.address);
    });

    it("no role can take deposited money: only claims to payees move it", async function () {
      const f = await loadFixture(activeFixture);
      void DAY;
      const poolAddress = await f.pool.getAddress();
      const before = await balanceOf(f.token, poolAddress);
      // Every privileged call the admin, proposer and guardian have leaves the balance untouched.
      await by(f.pool, f.guardian).pause();
      await by(f.pool, f.admin).unpause();
      const s2 = await propose(f.pool, f.proposer, f.tree.root, TOTAL_SHARES);
      await by(f.pool, f.guardian).revokeSchedule(s2);
      expect(await balanceOf(f.token, poolAddress)).to.equal(before);
    });
  });
});
