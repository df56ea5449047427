import { expect } from "chai";
import type { ContractTransactionReceipt, Log } from "ethers";
import { network } from "hardhat";

import { POOL_MIN_DELAYS } from "../../packages/sdk/src/actions/createPool.ts";

import {
  ACTIVATION_DELAY,
  by,
  CLAIM_WINDOW,
  createPool,
  deployPoolSystem,
  depositToken,
  type Pool,
  type PoolConfig,
  type Token,
} from "./helpers/pool.ts";

const { ethers, networkHelpers } = await network.create();
const { loadFixture } = networkHelpers;

async function fixture() {
  return deployPoolSystem(ethers);
}

describe("PoolFactory", function () {
  it("createPool makes an initialized clone of the implementation and emits PoolCreated with its config", async function () {
    const f = await loadFixture(fixture);
    const config: PoolConfig = {
      ...f.config,
      proposers: [f.proposer.address, f.bob.address],
      guardians: [f.guardian.address],
    };
    const tx = f.factory.connect(f.stranger).getFunction("createPool")(config);
    const receipt = (await (await tx).wait()) as ContractTransactionReceipt;
    const log = receipt!.logs.find((l: Log) => l.address === (receipt!.to as string));
    const parsed = f.factory.interface.parseLog(log!);
    expect(parsed?.name).to.equal("PoolCreated");
    const pool = parsed!.args[0] as string;
    await expect(tx)
      .to.emit(f.factory, "PoolCreated")
      .withArgs(
        pool,
        f.stranger.address,
        f.admin.address,
        f.config.registry,
        ACTIVATION_DELAY,
        CLAIM_WINDOW,
        [f.proposer.address, f.bob.address],
        [f.guardian.address],
        ethers.ZeroHash,
      );
    const p = (await ethers.getContractAt("RoyaltyPool", pool)) as unknown as Pool;
    expect(await p.admin()).to.equal(f.admin.address);
    expect(await p.hasRole(await p.PROPOSER_ROLE(), f.bob.address)).to.equal(true);
    // EIP-1167 runtime code: 45 bytes that embed the implementation address, then the registry (20 bytes).
    const code = await ethers.provider.getCode(pool);
    expect(code.length).to.equal(2 + 65 * 2);
    const impl = ((await f.factory.implementation()) as string).toLowerCase().slice(2);
    expect(code).to.contain(impl);
    expect(code.endsWith(f.config.registry.toLowerCase().slice(2))).to.equal(true);
    expect(await p.registry()).to.equal(f.config.registry);
  });

  it("createPool keeps pools independent", async function () {
    const f = await loadFixture(fixture);
    const { pool: second } = await createPool(ethers, f.factory, { ...f.config, admin: f.bob.address });
    expect(await second.getAddress()).not.to.equal(await f.pool.getAddress());
    expect(await second.admin()).to.equal(f.bob.address);
    expect(await f.pool.admin()).to.equal(f.admin.address);
  });

  it("createPoolDeterministic deploys at the predicted address, bound to the caller", async function () {
    const f = await loadFixture(fixture);
    const salt = ethers.id("pool-1");
    const registry = f.config.registry;
    const predicted = (await f.factory.predictPoolAddress(f.payer.address, registry, salt)) as string;
    expect(predicted).not.to.equal(await f.factory.predictPoolAddress(f.stranger.address, registry, salt));
    // The registry is in the clone's code, so another registry gives another address.
    expect(predicted).not.to.equal(
      await f.factory.predictPoolAddress(f.payer.address, f.stranger.address, salt),
    );
    await expect(f.factory.connect(f.payer).getFunction("createPoolDeterministic")(f.config, salt))
      .to.emit(f.factory, "PoolCreated")
      .withArgs(
        predicted,
        f.payer.address,
        f.admin.address,
        f.config.registry,
        ACTIVATION_DELAY,
        CLAIM_WINDOW,
        f.config.proposers,
        f.config.guardians,
        salt,
      );
    expect(await ethers.provider.getCode(predicted)).not.to.equal("0x");
    // The same caller and salt cannot deploy twice.
    await expect(
      f.factory.connect(f.payer).getFunction("createPoolDeterministic")(f.config, salt),
    ).to.be.revert(ethers);
  });

  it("createPool reverts on a zero admin, a zero registry or a zero role holder", async function () {
    const f = await loadFixture(fixture);
    const impl = await ethers.getContractAt("RoyaltyPool", await f.factory.implementation());
    await expect(f.factory.createPool({ ...f.config, admin: ethers.ZeroAddress }))
      .to.be.revertedWithCustomError(impl, "RoyaltyPoolInvalidAdmin")
      .withArgs(ethers.ZeroAddress);
    await expect(f.factory.createPool({ ...f.config, registry: ethers.ZeroAddress }))
      .to.be.revertedWithCustomError(impl, "RoyaltyPoolInvalidRegistry")
      .withArgs(ethers.ZeroAddress);
    await expect(
      f.factory.createPool({ ...f.config, guardians: [ethers.ZeroAddress] }),
    ).to.be.revertedWithCustomError(impl, "RoyaltyPoolInvalidRoleHolder");
  });

  it("a clone without the registry in its code cannot be initialized with one", async function () {
    const f = await loadFixture(fixture);
    const impl = ((await f.factory.implementation()) as string).toLowerCase().slice(2);
    // A plain EIP-1167 clone (no appended registry) behind a standard 10-byte constructor.
    const runtime = `363d3d373d3d3d363d73${impl}5af43d82803e903d91602b57fd5bf3`;
    const tx = await f.payer.sendTransaction({ data: `0x3d602d80600a3d3981f3${runtime}` });
    const clone = (await tx.wait())!.contractAddress!;
    const pool = (await ethers.getContractAt("RoyaltyPool", clone)) as unknown as Pool;
    expect(await pool.registry()).to.equal(ethers.ZeroAddress);
    await expect(pool.initialize(f.admin.address, f.config.registry, 3600, 86_400, [], []))
      .to.be.revertedWithCustomError(pool, "RoyaltyPoolInvalidRegistry")
      .withArgs(f.config.registry);
  });

  it("createPool refuses an activation delay or claim window below the pool's minimum, and takes exactly it", async function () {
    const f = await loadFixture(fixture);
    const impl = await ethers.getContractAt("RoyaltyPool", await f.factory.implementation());
    const minDelay = (await impl.getFunction("MIN_ACTIVATION_DELAY")()) as bigint;
    const minWindow = (await impl.getFunction("MIN_CLAIM_WINDOW")()) as bigint;
    // The SDK and the server state the same bounds.
    expect([minDelay, minWindow]).to.deep.equal([
      BigInt(POOL_MIN_DELAYS.activationDelay),
      BigInt(POOL_MIN_DELAYS.claimWindow),
    ]);
    for (const activationDelay of [0n, minDelay - 1n]) {
      await expect(f.factory.createPool({ ...f.config, activationDelay }))
        .to.be.revertedWithCustomError(impl, "RoyaltyPoolActivationDelayTooShort")
        .withArgs(activationDelay, minDelay);
    }
    for (const claimWindow of [0n, minWindow - 1n]) {
      await expect(f.factory.createPool({ ...f.config, claimWindow }))
        .to.be.revertedWithCustomError(impl, "RoyaltyPoolClaimWindowTooShort")
        .withArgs(claimWindow, minWindow);
    }
    const { pool } = await createPool(ethers, f.factory, {
      ...f.config,
      activationDelay: minDelay,
      claimWindow: minWindow,
    });
    expect(await pool.activationDelay()).to.equal(minDelay);
    expect(await pool.claimWindow()).to.equal(minWindow);
  });

  it("createPool with admin, proposer and guardian stays within the 200,000 gas budget", async function () {
    const f = await loadFixture(fixture);
    expect(f.createReceipt.gasUsed <= 200_000n).to.equal(true);
  });

  describe("token list", function () {
    async function listed() {
      const f = await loadFixture(fixture);
      const other = (await ethers.deployContract("TestERC20", ["Spam", "SPAM", 18])) as unknown as Token;
      const tokens = [await f.token.getAddress()];
      const tx = f.factory.createPoolWithTokens(f.config, tokens);
      const { pool } = await createPool(ethers, f.factory, f.config, tokens);
      return { ...f, other, tokens, tx, listedPool: pool };
    }

    it("a pool created with a token list takes deposits of those tokens and ETH, and refuses every other token", async function () {
      const f = await listed();
      const pool = f.listedPool;
      expect(await pool.tokenAllowlist()).to.deep.equal(f.tokens);
      expect(await pool.isTokenAllowed(f.tokens[0])).to.equal(true);
      expect(await pool.isTokenAllowed(ethers.ZeroAddress)).to.equal(true);
      expect(await pool.isTokenAllowed(await f.other.getAddress())).to.equal(false);
      await depositToken(pool, f.token, f.payer, 1000n);
      await (await by(pool, f.payer).depositETH(ethers.ZeroHash, { value: 5n })).wait();
      await (await by(f.other, f.payer).mint(f.payer.address, 1000n)).wait();
      await (await by(f.other, f.payer).approve(await pool.getAddress(), 1000n)).wait();
      const before = (await f.other.balanceOf(f.payer.address)) as bigint;
      await expect(by(pool, f.payer).deposit(await f.other.getAddress(), 1000n, ethers.ZeroHash))
        .to.be.revertedWithCustomError(pool, "RoyaltyPoolTokenNotAllowed")
        .withArgs(await f.other.getAddress());
      expect(await f.other.balanceOf(f.payer.address)).to.equal(before);
      // Sent directly, an unlisted token cannot be synced into a schedule either (no `Synced` event).
      await (await by(f.other, f.payer).transfer(await pool.getAddress(), 10n)).wait();
      await expect(by(pool, f.payer).sync(await f.other.getAddress()))
        .to.be.revertedWithCustomError(pool, "RoyaltyPoolTokenNotAllowed")
        .withArgs(await f.other.getAddress());
      // A listed token sent directly still can.
      await (await by(f.token, f.payer).mint(await pool.getAddress(), 7n)).wait();
      await expect(by(pool, f.payer).sync(f.tokens[0])).to.emit(pool, "Synced");
    });

    it("the list is announced by the factory and the pool, and a pool without one takes any token", async function () {
      const f = await listed();
      const receipt = (await (await f.tx).wait()) as ContractTransactionReceipt;
      const parsed = receipt.logs
        .map((l) => f.factory.interface.parseLog(l))
        .find((e) => e?.name === "PoolTokensAllowed");
      expect(parsed?.args[1]).to.deep.equal(f.tokens);
      const first = await ethers.getContractAt("RoyaltyPool", parsed?.args[0] as string);
      await expect(f.tx).to.emit(first, "TokensAllowed").withArgs(f.tokens);
      // The pool of `createPool` has no list: every token, as before lists existed.
      expect(await f.pool.tokenAllowlist()).to.deep.equal([]);
      expect(await f.pool.isTokenAllowed(await f.other.getAddress())).to.equal(true);
      await depositToken(f.pool, f.other, f.payer, 10n);
      // Each list is part of the clone's code, so of a deterministic pool's address.
      const salt = ethers.id("listed");
      const registry = f.config.registry;
      const predicted = (await f.factory.predictPoolAddressWithTokens(
        f.payer.address,
        registry,
        f.tokens,
        salt,
      )) as string;
      expect(predicted).not.to.equal(await f.factory.predictPoolAddress(f.payer.address, registry, salt));
      expect(await f.factory.predictPoolAddressWithTokens(f.payer.address, registry, [], salt)).to.equal(
        await f.factory.predictPoolAddress(f.payer.address, registry, salt),
      );
      await expect(
        f.factory.connect(f.payer).getFunction("createPoolDeterministicWithTokens")(f.config, f.tokens, salt),
      )
        .to.emit(f.factory, "PoolTokensAllowed")
        .withArgs(predicted, f.tokens);
      const pool = (await ethers.getContractAt("RoyaltyPool", predicted)) as unknown as Pool;
      expect(await pool.tokenAllowlist()).to.deep.equal(f.tokens);
    });

    it("refuses a list with address(0), a repeat or more than MAX_TOKENS entries", async function () {
      const f = await listed();
      const impl = await ethers.getContractAt("RoyaltyPool", await f.factory.implementation());
      const token = f.tokens[0]!;
      await expect(f.factory.createPoolWithTokens(f.config, [token, ethers.ZeroAddress]))
        .to.be.revertedWithCustomError(impl, "RoyaltyPoolInvalidTokenList")
        .withArgs(1, ethers.ZeroAddress);
      await expect(f.factory.createPoolWithTokens(f.config, [token, await f.other.getAddress(), token]))
        .to.be.revertedWithCustomError(impl, "RoyaltyPoolInvalidTokenList")
        .withArgs(2, token);
      const max = Number(await f.listedPool.MAX_TOKENS());
      const many = Array.from({ length: max + 1 }, () => ethers.Wallet.createRandom().address);
      await expect(f.factory.createPoolWithTokens(f.config, many))
        .to.be.revertedWithCustomError(impl, "RoyaltyPoolInvalidTokenList")
        .withArgs(max, many[max]);
      const { pool } = await createPool(ethers, f.factory, f.config, many.slice(0, max));
      expect(await pool.tokenAllowlist()).to.deep.equal(many.slice(0, max));
      expect(await pool.isTokenAllowed(many[max - 1]!)).to.equal(true);
      expect(await pool.isTokenAllowed(token)).to.equal(false);
    });
  });
});
