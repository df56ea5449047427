import { expect } from "chai";
import type { BaseContractMethod, Contract, Signer, TypedDataDomain } from "ethers";
import fc from "fast-check";
import { network } from "hardhat";

const { ethers, networkHelpers } = await network.create();
const { time, loadFixture } = networkHelpers;

const ATTESTATION_TYPE = "Attestation(bytes32 accountId,address payee,uint256 nonce,uint256 deadline)";
const ATTESTATION_TYPES = {
  Attestation: [
    { name: "accountId", type: "bytes32" },
    { name: "payee", type: "address" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
};
const DAY = 24n * 60n * 60n;
const REBIND_DELAY = 3n * DAY;
const ADMIN_DELAY = 2n * DAY;
const IDENTITY = "github:123";
const ACCOUNT = ethers.id(IDENTITY);

// The contract's methods, typed so that `noUncheckedIndexedAccess` does not see them as possibly undefined.
type RegistryMethod =
  | "ATTESTATION_TYPEHASH"
  | "ATTESTOR_ROLE"
  | "MIN_REBIND_DELAY"
  | "MAX_REBIND_DELAY"
  | "DOMAIN_SEPARATOR"
  | "eip712Domain"
  | "payeeOf"
  | "bindingOf"
  | "BINDING_DELAY"
  | "cancelBinding"
  | "nonces"
  | "pendingRebindOf"
  | "rebindDelay"
  | "hashAttestation"
  | "submitAttestation"
  | "setPayee"
  | "unbind"
  | "cancelRebind"
  | "finalizeRebind"
  | "setRebindDelay"
  | "hasRole"
  | "grantRole"
  | "revokeRole"
  | "renounceRole"
  | "defaultAdmin"
  | "defaultAdminDelay"
  | "pendingDefaultAdmin"
  | "beginDefaultAdminTransfer"
  | "cancelDefaultAdminTransfer"
  | "acceptDefaultAdminTransfer"
  | "supportsInterface"
  | "applyAttestorGrant"
  | "cancelAttestorGrant"
  | "attestorGrantExecutableAt";
type Registry = Contract & Record<RegistryMethod, BaseContractMethod>;

/** The registry as seen by transactions sent from `signer`. */
function by(registry: Registry, signer: Signer): Registry {
  return registry.connect(signer) as Registry;
}

interface Attestation {
  accountId: string;
  payee: string;
  nonce: bigint;
  deadline: bigint;
}

async function domainOf(registry: Registry): Promise<TypedDataDomain> {
  const { chainId } = await ethers.provider.getNetwork();
  return {
    name: "Wellspring IdentityRegistry",
    version: "1",
    chainId,
    verifyingContract: await registry.getAddress(),
  };
}

async function sign(signer: Signer, domain: TypedDataDomain, attestation: Attestation): Promise<string> {
  return signer.signTypedData(domain, ATTESTATION_TYPES, attestation);
}

async function deployRegistry() {
  const [admin, attestor, attestor2, payee, payee2, payee3, stranger, newAdmin] = await ethers.getSigners();
  if (!admin || !attestor || !attestor2 || !payee || !payee2 || !payee3 || !stranger || !newAdmin) {
    throw new Error("need 8 accounts");
  }
  const registry = (await ethers.deployContract("IdentityRegistry", [
    admin.address,
    ADMIN_DELAY,
    REBIND_DELAY,
    [attestor.address, attestor2.address],
  ])) as Registry;
  const domain = await domainOf(registry);
  return { registry, domain, admin, attestor, attestor2, payee, payee2, payee3, stranger, newAdmin };
}

type Fixture = Awaited<ReturnType<typeof deployRegistry>>;

/** Builds and signs the identity's next attestation. */
async function attest(
  f: Fixture,
  payee: string,
  opts: {
    signer?: Signer;
    accountId?: string;
    nonce?: bigint;
    deadline?: bigint;
    domain?: TypedDataDomain;
  } = {},
): Promise<{ attestation: Attestation; signature: string }> {
  const accountId = opts.accountId ?? ACCOUNT;
  const attestation: Attestation = {
    accountId,
    payee,
    nonce: opts.nonce ?? ((await f.registry.nonces(accountId)) as bigint),
    deadline: opts.deadline ?? BigInt(await time.latest()) + 3600n,
  };
  const signature = await sign(opts.signer ?? f.attestor, opts.domain ?? f.domain, attestation);
  return { attestation, signature };
}

/** Grants ATTESTOR_ROLE to `account` as the admin: scheduled, then applied once `rebindDelay` has passed. */
async function grantAttestor(f: Fixture, account: string): Promise<void> {
  await f.registry.grantRole(await f.registry.ATTESTOR_ROLE(), account);
  await time.increase(REBIND_DELAY);
  await f.registry.applyAttestorGrant(account);
}

/** Fixture with ACCOUNT bound to `payee`. */
async function boundFixture() {
  const f = await deployRegistry();
  const { attestation, signature } = await attest(f, f.payee.address);
  await f.registry.submitAttestation(attestation, IDENTITY, f.attestor.address, signature);
  return f;
}

/** Fixture with ACCOUNT bound to `payee` and a rebind to `payee2` pending. */
async function pendingFixture() {
  const f = await boundFixture();
  const { attestation, signature } = await attest(f, f.payee2.address);
  await f.registry.submitAttestation(attestation, IDENTITY, f.attestor.address, signature);
  const [, , executableAt] = (await f.registry.pendingRebindOf(ACCOUNT)) as [string, string, bigint];
  return { ...f, executableAt };
}

describe("IdentityRegistry", function () {
  describe("deployment", function () {
    it("sets admin, delays and initial attestors", async function () {
      const { registry, admin, attestor, attestor2, stranger } = await loadFixture(deployRegistry);
      const role = await registry.ATTESTOR_ROLE();
      expect(role).to.equal(ethers.id("ATTESTOR_ROLE"));
      expect(await registry.defaultAdmin()).to.equal(admin.address);
      expect(await registry.defaultAdminDelay()).to.equal(ADMIN_DELAY);
      expect(await registry.rebindDelay()).to.equal(REBIND_DELAY);
      expect(await registry.hasRole(role, attestor.address)).to.equal(true);
      expect(await registry.hasRole(role, attestor2.address)).to.equal(true);
      expect(await registry.hasRole(role, stranger.address)).to.equal(false);
      expect(await registry.MIN_REBIND_DELAY()).to.equal(DAY);
      expect(await registry.MAX_REBIND_DELAY()).to.equal(30n * DAY);
    });

    it("emits RebindDelayChanged from zero", async function () {
      const [admin] = await ethers.getSigners();
      const registry = await ethers.deployContract("IdentityRegistry", [admin!.address, 0n, DAY, []]);
      await expect(registry.deploymentTransaction())
        .to.emit(registry, "RebindDelayChanged")
        .withArgs(0n, DAY);
    });

    it("reverts with a rebind delay out of bounds", async function () {
      const [admin] = await ethers.getSigners();
      const factory = await ethers.getContractFactory("IdentityRegistry");
      await expect(factory.deploy(admin!.address, 0n, DAY - 1n, []))
        .to.be.revertedWithCustomError(factory, "IdentityRegistryRebindDelayOutOfBounds")
        .withArgs(DAY - 1n, DAY, 30n * DAY);
      await expect(factory.deploy(admin!.address, 0n, 30n * DAY + 1n, []))
        .to.be.revertedWithCustomError(factory, "IdentityRegistryRebindDelayOutOfBounds")
        .withArgs(30n * DAY + 1n, DAY, 30n * DAY);
    });

    it("reverts with a zero admin", async function () {
      const factory = await ethers.getContractFactory("IdentityRegistry");
      await expect(factory.deploy(ethers.ZeroAddress, 0n, DAY, []))
        .to.be.revertedWithCustomError(factory, "AccessControlInvalidDefaultAdmin")
        .withArgs(ethers.ZeroAddress);
    });
  });

  describe("EIP-712", function () {
    it("exposes the exact type hash, domain separator and ERC-5267 domain", async function () {
      const { registry, domain } = await loadFixture(deployRegistry);
      expect(await registry.ATTESTATION_TYPEHASH()).to.equal(ethers.id(ATTESTATION_TYPE));
      expect(ethers.TypedDataEncoder.from(ATTESTATION_TYPES).encodeType("Attestation")).to.equal(
        ATTESTATION_TYPE,
      );
      expect(await registry.DOMAIN_SEPARATOR()).to.equal(ethers.TypedDataEncoder.hashDomain(domain));
      const [fields, name, version, chainId, verifyingContract, salt, extensions] =
        await registry.eip712Domain();
      expect(fields).to.equal("0x0f");
      expect(name).to.equal(domain.name);
      expect(version).to.equal(domain.version);
      expect(chainId).to.equal(domain.chainId);
      expect(verifyingContract).to.equal(domain.verifyingContract);
      expect(salt).to.equal(ethers.ZeroHash);
      expect(extensions).to.deep.equal([]);
    });

    it("hashAttestation equals the off-chain typed-data digest", async function () {
      const f = await loadFixture(deployRegistry);
      const { attestation, signature } = await attest(f, f.payee.address);
      const digest = ethers.TypedDataEncoder.hash(f.domain, ATTESTATION_TYPES, attestation);
      expect(await f.registry.hashAttestation(attestation)).to.equal(digest);
      expect(ethers.recoverAddress(digest, signature)).to.equal(f.attestor.address);
    });
  });

  describe("submitAttestation", function () {
    it("binds an unbound identity at once and consumes its nonce", async function () {
      const f = await loadFixture(deployRegistry);
      const { attestation, signature } = await attest(f, f.payee.address);
      expect(
        await f.registry.submitAttestation.staticCall(attestation, IDENTITY, f.attestor.address, signature),
      ).to.equal(true);
      await expect(f.registry.submitAttestation(attestation, IDENTITY, f.attestor.address, signature))
        .to.emit(f.registry, "IdentityBound")
        .withArgs(ACCOUNT, f.payee.address, f.attestor.address, 0n, IDENTITY);
      expect(await f.registry.payeeOf(ACCOUNT)).to.equal(f.payee.address);
      expect(await f.registry.nonces(ACCOUNT)).to.equal(1n);
      expect(await f.registry.pendingRebindOf(ACCOUNT)).to.deep.equal([
        ethers.ZeroAddress,
        ethers.ZeroAddress,
        0n,
      ]);
    });

    it("can be submitted by anyone, e.g. the payee paying its own gas, without the identity string", async function () {
      const f = await loadFixture(deployRegistry);
      const { attestation, signature } = await attest(f, f.payee.address);
      await expect(by(f.registry, f.payee).submitAttestation(attestation, "", f.attestor.address, signature))
        .to.emit(f.registry, "IdentityBound")
        .withArgs(ACCOUNT, f.payee.address, f.attestor.address, 0n, "");
      expect(await f.registry.payeeOf(ACCOUNT)).to.equal(f.payee.address);
    });

    it("accepts an ERC-1271 contract attestor (a multisig) and refuses signatures its rules reject", async function () {
      const f = await loadFixture(deployRegistry);
      // The wallet approves what its owner key (stranger) signs; the wallet, not the key, holds the role.
      const wallet = await ethers.deployContract("ERC1271Wallet", [f.stranger.address]);
      const walletAddress = await wallet.getAddress();
      await f.registry.grantRole(await f.registry.ATTESTOR_ROLE(), walletAddress);
      await time.increase(REBIND_DELAY);
      await f.registry.applyAttestorGrant(walletAddress);
      const foreign = await attest(f, f.payee.address, { signer: f.attestor });
      await expect(
        f.registry.submitAttestation(foreign.attestation, IDENTITY, walletAddress, foreign.signature),
      )
        .to.be.revertedWithCustomError(f.registry, "IdentityRegistryInvalidSignature")
        .withArgs(walletAddress);
      const { attestation, signature } = await attest(f, f.payee.address, { signer: f.stranger });
      await expect(f.registry.submitAttestation(attestation, IDENTITY, walletAddress, signature))
        .to.emit(f.registry, "IdentityBound")
        .withArgs(ACCOUNT, f.payee.address, walletAddress, 0n, IDENTITY);
      expect(await f.registry.payeeOf(ACCOUNT)).to.equal(f.payee.address);
      // The owner key alone is no attestor.
      const next = await attest(f, f.payee2.address, { signer: f.stranger });
      await expect(
        f.registry.submitAttestation(next.attestation, IDENTITY, f.stranger.address, next.signature),
      ).to.be.revertedWithCustomError(f.registry, "IdentityRegistryNotAttestor");
    });

    it("keeps nonces per identity", async function () {
      const f = await loadFixture(deployRegistry);
      const other = ethers.id("npm:alice");
      const a = await attest(f, f.payee.address);
      const b = await attest(f, f.payee2.address, { accountId: other });
      expect(b.attestation.nonce).to.equal(0n);
      await f.registry.submitAttestation(a.attestation, IDENTITY, f.attestor.address, a.signature);
      await f.registry.submitAttestation(b.attestation, "npm:alice", f.attestor.address, b.signature);
      expect(await f.registry.payeeOf(other)).to.equal(f.payee2.address);
      expect(await f.registry.nonces(ACCOUNT)).to.equal(1n);
      expect(await f.registry.nonces(other)).to.equal(1n);
    });

    it("accepts an attestation submitted at its deadline", async function () {
      const f = await loadFixture(deployRegistry);
      const deadline = BigInt(await time.latest()) + 100n;
      const { attestation, signature } = await attest(f, f.payee.address, { deadline });
      await time.setNextBlockTimestamp(deadline);
      await expect(
        f.registry.submitAttestation(attestation, IDENTITY, f.attestor.address, signature),
      ).to.emit(f.registry, "IdentityBound");
    });

    it("reverts after the deadline", async function () {
      const f = await loadFixture(deployRegistry);
      const deadline = BigInt(await time.latest()) + 100n;
      const { attestation, signature } = await attest(f, f.payee.address, { deadline });
      await time.setNextBlockTimestamp(deadline + 1n);
      await expect(f.registry.submitAttestation(attestation, IDENTITY, f.attestor.address, signature))
        .to.be.revertedWithCustomError(f.registry, "IdentityRegistryAttestationExpired")
        .withArgs(deadline, deadline + 1n);
    });

    it("reverts when the named attestor lacks the role", async function () {
      const f = await loadFixture(deployRegistry);
      const { attestation, signature } = await attest(f, f.payee.address, { signer: f.stranger });
      await expect(f.registry.submitAttestation(attestation, IDENTITY, f.stranger.address, signature))
        .to.be.revertedWithCustomError(f.registry, "IdentityRegistryNotAttestor")
        .withArgs(f.stranger.address);
    });

    it("reverts when the signature is not the named attestor's (bad signer)", async function () {
      const f = await loadFixture(deployRegistry);
      const { attestation, signature } = await attest(f, f.payee.address, { signer: f.stranger });
      await expect(f.registry.submitAttestation(attestation, IDENTITY, f.attestor.address, signature))
        .to.be.revertedWithCustomError(f.registry, "IdentityRegistryInvalidSignature")
        .withArgs(f.attestor.address);
    });

    it("reverts when a signed field was altered", async function () {
      const f = await loadFixture(deployRegistry);
      const { attestation, signature } = await attest(f, f.payee.address);
      for (const altered of [
        { ...attestation, payee: f.stranger.address },
        { ...attestation, deadline: attestation.deadline + 1n },
      ]) {
        await expect(f.registry.submitAttestation(altered, IDENTITY, f.attestor.address, signature))
          .to.be.revertedWithCustomError(f.registry, "IdentityRegistryInvalidSignature")
          .withArgs(f.attestor.address);
      }
      const otherAccount = { ...attestation, accountId: ethers.id("github:124") };
      await expect(f.registry.submitAttestation(otherAccount, "", f.attestor.address, signature))
        .to.be.revertedWithCustomError(f.registry, "IdentityRegistryInvalidSignature")
        .withArgs(f.attestor.address);
    });

    it("reverts on malformed signatures", async function () {
      const f = await loadFixture(deployRegistry);
      const { attestation, signature } = await attest(f, f.payee.address);
      for (const bad of ["0x", signature.slice(0, -2), signature + "00"]) {
        await expect(f.registry.submitAttestation(attestation, IDENTITY, f.attestor.address, bad))
          .to.be.revertedWithCustomError(f.registry, "IdentityRegistryInvalidSignature")
          .withArgs(f.attestor.address);
      }
    });

    it("reverts when signed for another chain id", async function () {
      const f = await loadFixture(deployRegistry);
      const domain = { ...f.domain, chainId: 1n };
      const { attestation, signature } = await attest(f, f.payee.address, { domain });
      await expect(f.registry.submitAttestation(attestation, IDENTITY, f.attestor.address, signature))
        .to.be.revertedWithCustomError(f.registry, "IdentityRegistryInvalidSignature")
        .withArgs(f.attestor.address);
    });

    it("reverts when signed for another registry, and works there", async function () {
      const f = await loadFixture(deployRegistry);
      const other = (await ethers.deployContract("IdentityRegistry", [
        f.admin.address,
        0n,
        DAY,
        [f.attestor.address],
      ])) as Registry;
      const domain = await domainOf(other);
      const { attestation, signature } = await attest(f, f.payee.address, { domain });
      await expect(f.registry.submitAttestation(attestation, IDENTITY, f.attestor.address, signature))
        .to.be.revertedWithCustomError(f.registry, "IdentityRegistryInvalidSignature")
        .withArgs(f.attestor.address);
      await expect(other.submitAttestation(attestation, IDENTITY, f.attestor.address, signature)).to.emit(
        other,
        "IdentityBound",
      );
    });

    it("reverts when signed under another domain name or version", async function () {
      const f = await loadFixture(deployRegistry);
      for (const domain of [
        { ...f.domain, name: "IdentityRegistry" },
        { ...f.domain, version: "2" },
      ]) {
        const { attestation, signature } = await attest(f, f.payee.address, { domain });
        await expect(f.registry.submitAttestation(attestation, IDENTITY, f.attestor.address, signature))
          .to.be.revertedWithCustomError(f.registry, "IdentityRegistryInvalidSignature")
          .withArgs(f.attestor.address);
      }
    });

    it("reverts on a replayed nonce", async function () {
      const f = await loadFixture(deployRegistry);
      const { attestation, signature } = await attest(f, f.payee.address);
      await f.registry.submitAttestation(attestation, IDENTITY, f.attestor.address, signature);
      await by(f.registry, f.payee).unbind(ACCOUNT);
      await expect(f.registry.submitAttestation(attestation, IDENTITY, f.attestor.address, signature))
        .to.be.revertedWithCustomError(f.registry, "IdentityRegistryInvalidNonce")
        .withArgs(ACCOUNT, 1n, 0n);
    });

    it("reverts on a future nonce", async function () {
      const f = await loadFixture(deployRegistry);
      const { attestation, signature } = await attest(f, f.payee.address, { nonce: 1n });
      await expect(f.registry.submitAttestation(attestation, IDENTITY, f.attestor.address, signature))
        .to.be.revertedWithCustomError(f.registry, "IdentityRegistryInvalidNonce")
        .withArgs(ACCOUNT, 0n, 1n);
    });

    it("voids an older unsubmitted attestation once a newer one is accepted", async function () {
      const f = await loadFixture(deployRegistry);
      const older = await attest(f, f.payee.address, { signer: f.attestor });
      const newer = await attest(f, f.payee2.address, { signer: f.attestor2 });
      await f.registry.submitAttestation(newer.attestation, IDENTITY, f.attestor2.address, newer.signature);
      await expect(
        f.registry.submitAttestation(older.attestation, IDENTITY, f.attestor.address, older.signature),
      )
        .to.be.revertedWithCustomError(f.registry, "IdentityRegistryInvalidNonce")
        .withArgs(ACCOUNT, 1n, 0n);
    });

    it("reverts when the identity string does not hash to the accountId", async function () {
      const f = await loadFixture(deployRegistry);
      const { attestation, signature } = await attest(f, f.payee.address);
      await expect(f.registry.submitAttestation(attestation, "github:124", f.attestor.address, signature))
        .to.be.revertedWithCustomError(f.registry, "IdentityRegistryIdentityMismatch")
        .withArgs(ACCOUNT, ethers.id("github:124"));
    });

    it("reverts for address-shaped accountIds, up to the largest (the all-ones address)", async function () {
      const f = await loadFixture(deployRegistry);
      const largest = ethers.toBeHex((1n << 160n) - 1n, 32);
      for (const accountId of [ethers.zeroPadValue(f.payee.address, 32), ethers.ZeroHash, largest]) {
        const { attestation, signature } = await attest(f, f.payee.address, { accountId });
        await expect(f.registry.submitAttestation(attestation, "", f.attestor.address, signature))
          .to.be.revertedWithCustomError(f.registry, "IdentityRegistryAddressAccount")
          .withArgs(accountId);
      }
    });

    it("accepts the smallest non-address accountId", async function () {
      const f = await loadFixture(deployRegistry);
      const accountId = ethers.toBeHex(1n << 160n, 32);
      const { attestation, signature } = await attest(f, f.payee.address, { accountId });
      await f.registry.submitAttestation(attestation, "", f.attestor.address, signature);
      expect(await f.registry.payeeOf(accountId)).to.equal(f.payee.address);
    });

    it("reverts for a zero payee", async function () {
      const f = await loadFixture(deployRegistry);
      const { attestation, signature } = await attest(f, ethers.ZeroAddress);
      await expect(f.registry.submitAttestation(attestation, IDENTITY, f.attestor.address, signature))
        .to.be.revertedWithCustomError(f.registry, "IdentityRegistryZeroPayee")
        .withArgs(ACCOUNT);
    });

    it("reverts when the identity is already bound to that payee", async function () {
      const f = await loadFixture(boundFixture);
      const { attestation, signature } = await attest(f, f.payee.address);
      await expect(f.registry.submitAttestation(attestation, IDENTITY, f.attestor.address, signature))
        .to.be.revertedWithCustomError(f.registry, "IdentityRegistryPayeeUnchanged")
        .withArgs(ACCOUNT, f.payee.address);
    });
  });

  describe("rebinding a bound identity", function () {
    it("proposes a rebind that waits for rebindDelay", async function () {
      const f = await loadFixture(boundFixture);
      const { attestation, signature } = await attest(f, f.payee2.address);
      expect(
        await f.registry.submitAttestation.staticCall(attestation, IDENTITY, f.attestor.address, signature),
      ).to.equal(false);
      const tx = f.registry.submitAttestation(attestation, IDENTITY, f.attestor.address, signature);
      await tx;
      const executableAt = BigInt(await time.latest()) + REBIND_DELAY;
      await expect(tx)
        .to.emit(f.registry, "RebindProposed")
        .withArgs(ACCOUNT, f.payee.address, f.payee2.address, f.attestor.address, 1n, executableAt, IDENTITY);
      expect(await f.registry.payeeOf(ACCOUNT)).to.equal(f.payee.address);
      expect(await f.registry.nonces(ACCOUNT)).to.equal(2n);
      expect(await f.registry.pendingRebindOf(ACCOUNT)).to.deep.equal([
        f.payee2.address,
        f.attestor.address,
        executableAt,
      ]);
    });

    it("finalizeRebind: reverts before the delay", async function () {
      const f = await loadFixture(pendingFixture);
      await time.setNextBlockTimestamp(f.executableAt - 1n);
      await expect(by(f.registry, f.stranger).finalizeRebind(ACCOUNT))
        .to.be.revertedWithCustomError(f.registry, "IdentityRegistryRebindNotReady")
        .withArgs(ACCOUNT, f.executableAt, f.executableAt - 1n);
    });

    it("finalizeRebind: anyone applies it once the delay has passed", async function () {
      const f = await loadFixture(pendingFixture);
      await time.setNextBlockTimestamp(f.executableAt);
      await expect(by(f.registry, f.stranger).finalizeRebind(ACCOUNT))
        .to.emit(f.registry, "RebindFinalized")
        .withArgs(ACCOUNT, f.payee.address, f.payee2.address);
      expect(await f.registry.payeeOf(ACCOUNT)).to.equal(f.payee2.address);
      expect(await f.registry.pendingRebindOf(ACCOUNT)).to.deep.equal([
        ethers.ZeroAddress,
        ethers.ZeroAddress,
        0n,
      ]);
      await expect(f.registry.finalizeRebind(ACCOUNT))
        .to.be.revertedWithCustomError(f.registry, "IdentityRegistryNoPendingRebind")
        .withArgs(ACCOUNT);
    });

    it("finalizeRebind: reverts without a pending rebind", async function () {
      const f = await loadFixture(boundFixture);
      await expect(f.registry.finalizeRebind(ACCOUNT))
        .to.be.revertedWithCustomError(f.registry, "IdentityRegistryNoPendingRebind")
        .withArgs(ACCOUNT);
    });

    it("finalizeRebind: reverts once the proposing attestor was revoked", async function () {
      const f = await loadFixture(pendingFixture);
      await f.registry.revokeRole(await f.registry.ATTESTOR_ROLE(), f.attestor.address);
      await time.increaseTo(f.executableAt);
      await expect(f.registry.finalizeRebind(ACCOUNT))
        .to.be.revertedWithCustomError(f.registry, "IdentityRegistryAttestorRevoked")
        .withArgs(ACCOUNT, f.attestor.address);
      expect(await f.registry.payeeOf(ACCOUNT)).to.equal(f.payee.address);
    });

    it("cancelRebind: the current payee cancels, and the attestation cannot be replayed", async function () {
      const f = await loadFixture(boundFixture);
      const deadline = BigInt(await time.latest()) + 10n * DAY;
      const { attestation, signature } = await attest(f, f.payee2.address, { deadline });
      await f.registry.submitAttestation(attestation, IDENTITY, f.attestor.address, signature);
      await expect(by(f.registry, f.payee).cancelRebind(ACCOUNT))
        .to.emit(f.registry, "RebindCancelled")
        .withArgs(ACCOUNT, f.payee2.address, f.payee.address);
      expect(await f.registry.pendingRebindOf(ACCOUNT)).to.deep.equal([
        ethers.ZeroAddress,
        ethers.ZeroAddress,
        0n,
      ]);
      await time.increase(REBIND_DELAY);
      await expect(f.registry.finalizeRebind(ACCOUNT))
        .to.be.revertedWithCustomError(f.registry, "IdentityRegistryNoPendingRebind")
        .withArgs(ACCOUNT);
      await expect(f.registry.submitAttestation(attestation, IDENTITY, f.attestor.address, signature))
        .to.be.revertedWithCustomError(f.registry, "IdentityRegistryInvalidNonce")
        .withArgs(ACCOUNT, 2n, 1n);
      expect(await f.registry.payeeOf(ACCOUNT)).to.equal(f.payee.address);
    });

    it("cancelRebind: any attestor may cancel", async function () {
      const f = await loadFixture(pendingFixture);
      await expect(by(f.registry, f.attestor2).cancelRebind(ACCOUNT))
        .to.emit(f.registry, "RebindCancelled")
        .withArgs(ACCOUNT, f.payee2.address, f.attestor2.address);
    });

    it("cancelRebind: reverts for anyone else, including the proposed payee", async function () {
      const f = await loadFixture(pendingFixture);
      for (const caller of [f.stranger, f.payee2, f.admin]) {
        await expect(by(f.registry, caller).cancelRebind(ACCOUNT))
          .to.be.revertedWithCustomError(f.registry, "IdentityRegistryUnauthorizedCancel")
          .withArgs(ACCOUNT, caller.address);
      }
    });

    it("cancelRebind: reverts without a pending rebind", async function () {
      const f = await loadFixture(boundFixture);
      await expect(by(f.registry, f.payee).cancelRebind(ACCOUNT))
        .to.be.revertedWithCustomError(f.registry, "IdentityRegistryNoPendingRebind")
        .withArgs(ACCOUNT);
    });

    it("a newer attestation replaces the pending rebind and restarts the delay", async function () {
      const f = await loadFixture(pendingFixture);
      await time.increase(DAY);
      const { attestation, signature } = await attest(f, f.payee3.address, { signer: f.attestor2 });
      await f.registry.submitAttestation(attestation, IDENTITY, f.attestor2.address, signature);
      const executableAt = BigInt(await time.latest()) + REBIND_DELAY;
      expect(await f.registry.pendingRebindOf(ACCOUNT)).to.deep.equal([
        f.payee3.address,
        f.attestor2.address,
        executableAt,
      ]);
      await time.setNextBlockTimestamp(f.executableAt);
      await expect(f.registry.finalizeRebind(ACCOUNT))
        .to.be.revertedWithCustomError(f.registry, "IdentityRegistryRebindNotReady")
        .withArgs(ACCOUNT, executableAt, f.executableAt);
      await time.increaseTo(executableAt);
      await expect(f.registry.finalizeRebind(ACCOUNT))
        .to.emit(f.registry, "RebindFinalized")
        .withArgs(ACCOUNT, f.payee.address, f.payee3.address);
    });

    it("a pending rebind keeps its time when the admin changes rebindDelay", async function () {
      const f = await loadFixture(pendingFixture);
      await f.registry.setRebindDelay(30n * DAY);
      expect((await f.registry.pendingRebindOf(ACCOUNT))[2]).to.equal(f.executableAt);
      await time.increaseTo(f.executableAt);
      await expect(f.registry.finalizeRebind(ACCOUNT)).to.emit(f.registry, "RebindFinalized");
    });
  });

  describe("first binding window", function () {
    it("a first binding is payable only BINDING_DELAY later; the admin or another attestor may cancel it meanwhile", async function () {
      const f = await loadFixture(boundFixture);
      const delay = (await f.registry.BINDING_DELAY()) as bigint;
      expect(delay).to.equal(DAY);
      const [payee, pending, payableFrom] = (await f.registry.bindingOf(ACCOUNT)) as [
        string,
        boolean,
        bigint,
      ];
      expect([payee, pending, payableFrom]).to.deep.equal([
        f.payee.address,
        false,
        BigInt(await time.latest()) + delay,
      ]);
      // The payee itself (possibly the rogue attestor's wallet) and strangers cannot cancel it.
      for (const caller of [f.payee, f.stranger]) {
        await expect(by(f.registry, caller).cancelBinding(ACCOUNT))
          .to.be.revertedWithCustomError(f.registry, "IdentityRegistryUnauthorizedBindingCancel")
          .withArgs(ACCOUNT, caller.address);
      }
      // Moving the binding keeps its window: a rogue binder cannot escape it.
      await by(f.registry, f.payee).setPayee(ACCOUNT, f.payee3.address);
      expect(((await f.registry.bindingOf(ACCOUNT)) as bigint[])[2]).to.equal(payableFrom);
      await expect(by(f.registry, f.attestor2).cancelBinding(ACCOUNT))
        .to.emit(f.registry, "BindingCancelled")
        .withArgs(ACCOUNT, f.payee3.address, f.attestor2.address);
      expect((await f.registry.bindingOf(ACCOUNT)).toArray()).to.deep.equal([ethers.ZeroAddress, false, 0n]);
      // The cancelled attestation stays used; a fresh one binds again, with a new window.
      expect(await f.registry.nonces(ACCOUNT)).to.equal(1n);
      const { attestation, signature } = await attest(f, f.payee.address);
      await f.registry.submitAttestation(attestation, IDENTITY, f.attestor.address, signature);
      await expect(f.registry.cancelBinding(ACCOUNT)) // the admin
        .to.emit(f.registry, "BindingCancelled")
        .withArgs(ACCOUNT, f.payee.address, f.admin.address);
    });

    it("a cancelled binding also drops a rebind proposed within its window", async function () {
      const f = await loadFixture(pendingFixture);
      await expect(by(f.registry, f.attestor2).cancelBinding(ACCOUNT))
        .to.emit(f.registry, "RebindCancelled")
        .withArgs(ACCOUNT, f.payee2.address, f.attestor2.address);
      expect(await f.registry.pendingRebindOf(ACCOUNT)).to.deep.equal([
        ethers.ZeroAddress,
        ethers.ZeroAddress,
        0n,
      ]);
      expect(await f.registry.payeeOf(ACCOUNT)).to.equal(ethers.ZeroAddress);
    });

    it("cannot cancel an unbound identity or a binding past its window", async function () {
      const f = await loadFixture(boundFixture);
      await expect(f.registry.cancelBinding(ethers.id("github:999")))
        .to.be.revertedWithCustomError(f.registry, "IdentityRegistryBindingNotCancellable")
        .withArgs(ethers.id("github:999"), 0n);
      const [, , payableFrom] = (await f.registry.bindingOf(ACCOUNT)) as [string, boolean, bigint];
      await time.increaseTo(payableFrom - 1n); // the next block is at payableFrom
      await expect(by(f.registry, f.attestor2).cancelBinding(ACCOUNT))
        .to.be.revertedWithCustomError(f.registry, "IdentityRegistryBindingNotCancellable")
        .withArgs(ACCOUNT, payableFrom);
    });

    it("the window's last second still cancels: at payableFrom − 1 the binding is cancelled", async function () {
      const f = await loadFixture(boundFixture);
      const [, , payableFrom] = (await f.registry.bindingOf(ACCOUNT)) as [string, boolean, bigint];
      await time.setNextBlockTimestamp(payableFrom - 1n);
      await expect(by(f.registry, f.attestor2).cancelBinding(ACCOUNT)).to.emit(
        f.registry,
        "BindingCancelled",
      );
      expect(await f.registry.payeeOf(ACCOUNT)).to.equal(ethers.ZeroAddress);
    });
  });

  describe("setPayee", function () {
    it("moves the binding at once", async function () {
      const f = await loadFixture(boundFixture);
      await expect(by(f.registry, f.payee).setPayee(ACCOUNT, f.payee2.address))
        .to.emit(f.registry, "PayeeChanged")
        .withArgs(ACCOUNT, f.payee.address, f.payee2.address);
      expect(await f.registry.payeeOf(ACCOUNT)).to.equal(f.payee2.address);
      expect(await f.registry.nonces(ACCOUNT)).to.equal(1n);
      await expect(by(f.registry, f.payee).setPayee(ACCOUNT, f.payee.address))
        .to.be.revertedWithCustomError(f.registry, "IdentityRegistryNotPayee")
        .withArgs(ACCOUNT, f.payee.address, f.payee2.address);
      await expect(by(f.registry, f.payee2).setPayee(ACCOUNT, f.payee3.address))
        .to.emit(f.registry, "PayeeChanged")
        .withArgs(ACCOUNT, f.payee2.address, f.payee3.address);
    });

    it("clears a pending rebind", async function () {
      const f = await loadFixture(pendingFixture);
      const tx = by(f.registry, f.payee).setPayee(ACCOUNT, f.payee3.address);
      await expect(tx)
        .to.emit(f.registry, "PayeeChanged")
        .withArgs(ACCOUNT, f.payee.address, f.payee3.address);
      await expect(tx)
        .to.emit(f.registry, "RebindCancelled")
        .withArgs(ACCOUNT, f.payee2.address, f.payee.address);
      await time.increaseTo(f.executableAt);
      await expect(f.registry.finalizeRebind(ACCOUNT))
        .to.be.revertedWithCustomError(f.registry, "IdentityRegistryNoPendingRebind")
        .withArgs(ACCOUNT);
      expect(await f.registry.payeeOf(ACCOUNT)).to.equal(f.payee3.address);
    });

    it("reverts for anyone but the current payee", async function () {
      const f = await loadFixture(boundFixture);
      for (const caller of [f.stranger, f.attestor, f.admin]) {
        await expect(by(f.registry, caller).setPayee(ACCOUNT, caller.address))
          .to.be.revertedWithCustomError(f.registry, "IdentityRegistryNotPayee")
          .withArgs(ACCOUNT, caller.address, f.payee.address);
      }
    });

    it("reverts on an unbound identity", async function () {
      const f = await loadFixture(deployRegistry);
      await expect(by(f.registry, f.stranger).setPayee(ACCOUNT, f.stranger.address))
        .to.be.revertedWithCustomError(f.registry, "IdentityRegistryNotPayee")
        .withArgs(ACCOUNT, f.stranger.address, ethers.ZeroAddress);
    });

    it("reverts for a zero or unchanged payee", async function () {
      const f = await loadFixture(boundFixture);
      const registry = by(f.registry, f.payee);
      await expect(registry.setPayee(ACCOUNT, ethers.ZeroAddress))
        .to.be.revertedWithCustomError(registry, "IdentityRegistryZeroPayee")
        .withArgs(ACCOUNT);
      await expect(registry.setPayee(ACCOUNT, f.payee.address))
        .to.be.revertedWithCustomError(registry, "IdentityRegistryPayeeUnchanged")
        .withArgs(ACCOUNT, f.payee.address);
    });
  });

  describe("unbind", function () {
    it("drops the binding; the next attestation binds at once", async function () {
      const f = await loadFixture(boundFixture);
      await expect(by(f.registry, f.payee).unbind(ACCOUNT))
        .to.emit(f.registry, "IdentityUnbound")
        .withArgs(ACCOUNT, f.payee.address);
      expect(await f.registry.payeeOf(ACCOUNT)).to.equal(ethers.ZeroAddress);
      const { attestation, signature } = await attest(f, f.payee2.address);
      expect(attestation.nonce).to.equal(1n);
      await expect(f.registry.submitAttestation(attestation, IDENTITY, f.attestor.address, signature))
        .to.emit(f.registry, "IdentityBound")
        .withArgs(ACCOUNT, f.payee2.address, f.attestor.address, 1n, IDENTITY);
    });

    it("clears a pending rebind", async function () {
      const f = await loadFixture(pendingFixture);
      await expect(by(f.registry, f.payee).unbind(ACCOUNT))
        .to.emit(f.registry, "RebindCancelled")
        .withArgs(ACCOUNT, f.payee2.address, f.payee.address);
      expect(await f.registry.pendingRebindOf(ACCOUNT)).to.deep.equal([
        ethers.ZeroAddress,
        ethers.ZeroAddress,
        0n,
      ]);
    });

    it("reverts for anyone but the current payee", async function () {
      const f = await loadFixture(boundFixture);
      await expect(by(f.registry, f.attestor).unbind(ACCOUNT))
        .to.be.revertedWithCustomError(f.registry, "IdentityRegistryNotPayee")
        .withArgs(ACCOUNT, f.attestor.address, f.payee.address);
      const unbound = await loadFixture(deployRegistry);
      await expect(by(unbound.registry, unbound.stranger).unbind(ACCOUNT))
        .to.be.revertedWithCustomError(unbound.registry, "IdentityRegistryNotPayee")
        .withArgs(ACCOUNT, unbound.stranger.address, ethers.ZeroAddress);
    });
  });

  describe("admin", function () {
    it("setRebindDelay: the admin sets it within bounds", async function () {
      const { registry } = await loadFixture(deployRegistry);
      await expect(registry.setRebindDelay(DAY))
        .to.emit(registry, "RebindDelayChanged")
        .withArgs(REBIND_DELAY, DAY);
      await expect(registry.setRebindDelay(30n * DAY))
        .to.emit(registry, "RebindDelayChanged")
        .withArgs(DAY, 30n * DAY);
      expect(await registry.rebindDelay()).to.equal(30n * DAY);
      await expect(registry.setRebindDelay(DAY - 1n))
        .to.be.revertedWithCustomError(registry, "IdentityRegistryRebindDelayOutOfBounds")
        .withArgs(DAY - 1n, DAY, 30n * DAY);
      await expect(registry.setRebindDelay(30n * DAY + 1n))
        .to.be.revertedWithCustomError(registry, "IdentityRegistryRebindDelayOutOfBounds")
        .withArgs(30n * DAY + 1n, DAY, 30n * DAY);
    });

    it("setRebindDelay: reverts for non-admins", async function () {
      const { registry, attestor } = await loadFixture(deployRegistry);
      await expect(by(registry, attestor).setRebindDelay(DAY))
        .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
        .withArgs(attestor.address, ethers.ZeroHash);
    });

    it("the admin grants and revokes ATTESTOR_ROLE; others cannot", async function () {
      const f = await loadFixture(deployRegistry);
      const role = await f.registry.ATTESTOR_ROLE();
      await expect(by(f.registry, f.attestor).grantRole(role, f.stranger.address))
        .to.be.revertedWithCustomError(f.registry, "AccessControlUnauthorizedAccount")
        .withArgs(f.attestor.address, ethers.ZeroHash);
      await grantAttestor(f, f.stranger.address);
      const { attestation, signature } = await attest(f, f.payee.address, { signer: f.stranger });
      await f.registry.submitAttestation(attestation, IDENTITY, f.stranger.address, signature);
      await expect(f.registry.revokeRole(role, f.stranger.address))
        .to.emit(f.registry, "RoleRevoked")
        .withArgs(role, f.stranger.address, f.admin.address);
      const next = await attest(f, f.payee2.address, { signer: f.stranger });
      await expect(
        f.registry.submitAttestation(next.attestation, IDENTITY, f.stranger.address, next.signature),
      )
        .to.be.revertedWithCustomError(f.registry, "IdentityRegistryNotAttestor")
        .withArgs(f.stranger.address);
      // Revocation does not undo a binding that already took effect.
      expect(await f.registry.payeeOf(ACCOUNT)).to.equal(f.payee.address);
    });

    it("an ATTESTOR grant waits rebindDelay, so the admin cannot bind unbound identities with its own key at once", async function () {
      const f = await loadFixture(deployRegistry);
      const role = await f.registry.ATTESTOR_ROLE();
      const at = BigInt(await time.latest()) + 10n;
      await time.setNextBlockTimestamp(at);
      await expect(f.registry.grantRole(role, f.admin.address))
        .to.emit(f.registry, "AttestorGrantScheduled")
        .withArgs(f.admin.address, at + REBIND_DELAY, f.admin.address);
      expect(await f.registry.hasRole(role, f.admin.address)).to.equal(false);
      expect(await f.registry.attestorGrantExecutableAt(f.admin.address)).to.equal(at + REBIND_DELAY);
      const { attestation, signature } = await attest(f, f.payee.address, { signer: f.admin });
      await expect(
        f.registry.submitAttestation(attestation, IDENTITY, f.admin.address, signature),
      ).to.be.revertedWithCustomError(f.registry, "IdentityRegistryNotAttestor");
      await expect(f.registry.applyAttestorGrant(f.admin.address))
        .to.be.revertedWithCustomError(f.registry, "IdentityRegistryAttestorGrantNotReady")
        .withArgs(f.admin.address, at + REBIND_DELAY);
      // Any attestor sees the event and cancels; strangers cannot.
      await expect(by(f.registry, f.stranger).cancelAttestorGrant(f.admin.address))
        .to.be.revertedWithCustomError(f.registry, "IdentityRegistryUnauthorizedGrantCancel")
        .withArgs(f.admin.address, f.stranger.address);
      await expect(by(f.registry, f.attestor2).cancelAttestorGrant(f.admin.address))
        .to.emit(f.registry, "AttestorGrantCancelled")
        .withArgs(f.admin.address, f.attestor2.address);
      await time.increase(REBIND_DELAY);
      await expect(f.registry.applyAttestorGrant(f.admin.address))
        .to.be.revertedWithCustomError(f.registry, "IdentityRegistryAttestorGrantNotReady")
        .withArgs(f.admin.address, 0n);
      // Uncancelled, anyone applies it once due.
      await f.registry.grantRole(role, f.stranger.address);
      await time.increase(REBIND_DELAY);
      await expect(by(f.registry, f.payee).applyAttestorGrant(f.stranger.address))
        .to.emit(f.registry, "RoleGranted")
        .withArgs(role, f.stranger.address, f.payee.address);
      expect(await f.registry.attestorGrantExecutableAt(f.stranger.address)).to.equal(0n);
    });

    it("an ATTESTOR grant applies at its instant, not a second before (t − 1, t)", async function () {
      const f = await loadFixture(deployRegistry);
      const role = await f.registry.ATTESTOR_ROLE();
      await f.registry.grantRole(role, f.stranger.address);
      const due = (await f.registry.attestorGrantExecutableAt(f.stranger.address)) as bigint;
      await time.setNextBlockTimestamp(due - 1n);
      await expect(f.registry.applyAttestorGrant(f.stranger.address))
        .to.be.revertedWithCustomError(f.registry, "IdentityRegistryAttestorGrantNotReady")
        .withArgs(f.stranger.address, due);
      await time.setNextBlockTimestamp(due);
      await expect(f.registry.applyAttestorGrant(f.stranger.address)).to.emit(f.registry, "RoleGranted");
      expect(await f.registry.hasRole(role, f.stranger.address)).to.equal(true);
    });

    it("cancelling an ATTESTOR grant that is not scheduled reverts (no event for nothing)", async function () {
      const f = await loadFixture(deployRegistry);
      await expect(by(f.registry, f.attestor2).cancelAttestorGrant(f.stranger.address))
        .to.be.revertedWithCustomError(f.registry, "IdentityRegistryAttestorGrantNotReady")
        .withArgs(f.stranger.address, 0n);
    });

    it("an attestor can renounce its role", async function () {
      const f = await loadFixture(deployRegistry);
      const role = await f.registry.ATTESTOR_ROLE();
      await by(f.registry, f.attestor).renounceRole(role, f.attestor.address);
      expect(await f.registry.hasRole(role, f.attestor.address)).to.equal(false);
    });

    it("the admin role cannot be granted directly", async function () {
      const f = await loadFixture(deployRegistry);
      await expect(f.registry.grantRole(ethers.ZeroHash, f.newAdmin.address)).to.be.revertedWithCustomError(
        f.registry,
        "AccessControlEnforcedDefaultAdminRules",
      );
    });

    it("transfers the admin role in two steps after the delay", async function () {
      const f = await loadFixture(deployRegistry);
      await expect(by(f.registry, f.newAdmin).beginDefaultAdminTransfer(f.newAdmin.address))
        .to.be.revertedWithCustomError(f.registry, "AccessControlUnauthorizedAccount")
        .withArgs(f.newAdmin.address, ethers.ZeroHash);
      await f.registry.beginDefaultAdminTransfer(f.newAdmin.address);
      const schedule = BigInt(await time.latest()) + ADMIN_DELAY;
      expect(await f.registry.pendingDefaultAdmin()).to.deep.equal([f.newAdmin.address, schedule]);

      await expect(by(f.registry, f.newAdmin).acceptDefaultAdminTransfer())
        .to.be.revertedWithCustomError(f.registry, "AccessControlEnforcedDefaultAdminDelay")
        .withArgs(schedule);
      await time.increaseTo(schedule + 1n);
      await expect(by(f.registry, f.stranger).acceptDefaultAdminTransfer())
        .to.be.revertedWithCustomError(f.registry, "AccessControlInvalidDefaultAdmin")
        .withArgs(f.stranger.address);
      await by(f.registry, f.newAdmin).acceptDefaultAdminTransfer();

      expect(await f.registry.defaultAdmin()).to.equal(f.newAdmin.address);
      await expect(f.registry.setRebindDelay(DAY))
        .to.be.revertedWithCustomError(f.registry, "AccessControlUnauthorizedAccount")
        .withArgs(f.admin.address, ethers.ZeroHash);
      await expect(by(f.registry, f.newAdmin).setRebindDelay(DAY)).to.emit(f.registry, "RebindDelayChanged");
    });

    it("the admin can cancel a started transfer", async function () {
      const f = await loadFixture(deployRegistry);
      await f.registry.beginDefaultAdminTransfer(f.newAdmin.address);
      await f.registry.cancelDefaultAdminTransfer();
      await time.increase(ADMIN_DELAY + 1n);
      await expect(by(f.registry, f.newAdmin).acceptDefaultAdminTransfer())
        .to.be.revertedWithCustomError(f.registry, "AccessControlInvalidDefaultAdmin")
        .withArgs(f.newAdmin.address);
      expect(await f.registry.defaultAdmin()).to.equal(f.admin.address);
    });

    it("no role can bind or move an identity without an attestation or the payee's key", async function () {
      const f = await loadFixture(boundFixture);
      for (const caller of [f.admin, f.attestor]) {
        const registry = by(f.registry, caller);
        await expect(registry.setPayee(ACCOUNT, caller.address)).to.be.revertedWithCustomError(
          registry,
          "IdentityRegistryNotPayee",
        );
        await expect(registry.unbind(ACCOUNT)).to.be.revertedWithCustomError(
          registry,
          "IdentityRegistryNotPayee",
        );
      }
    });
  });

  describe("interfaces", function () {
    function interfaceId(signatures: string[]): string {
      const id = signatures.reduce((acc, sig) => acc ^ BigInt(ethers.id(sig).slice(0, 10)), 0n);
      return ethers.toBeHex(id, 4);
    }

    it("supports ERC-165, IAccessControl and IAccessControlDefaultAdminRules", async function () {
      const { registry } = await loadFixture(deployRegistry);
      const accessControl = interfaceId([
        "hasRole(bytes32,address)",
        "getRoleAdmin(bytes32)",
        "grantRole(bytes32,address)",
        "revokeRole(bytes32,address)",
        "renounceRole(bytes32,address)",
      ]);
      const defaultAdminRules = interfaceId([
        "defaultAdmin()",
        "pendingDefaultAdmin()",
        "defaultAdminDelay()",
        "pendingDefaultAdminDelay()",
        "beginDefaultAdminTransfer(address)",
        "cancelDefaultAdminTransfer()",
        "acceptDefaultAdminTransfer()",
        "changeDefaultAdminDelay(uint48)",
        "rollbackDefaultAdminDelay()",
        "defaultAdminDelayIncreaseWait()",
      ]);
      expect(accessControl).to.equal("0x7965db0b");
      expect(await registry.supportsInterface("0x01ffc9a7")).to.equal(true);
      expect(await registry.supportsInterface(accessControl)).to.equal(true);
      expect(await registry.supportsInterface(defaultAdminRules)).to.equal(true);
      expect(await registry.supportsInterface("0xffffffff")).to.equal(false);
    });
  });
  // Random sequences of every state-changing call, from every kind of caller, checked against a reference model
  // of the rules in docs/identity.md: the expected outcome (success or the exact custom error) and, after each
  // step, payeeOf / nonces / pendingRebindOf of every identity.
  describe("model-based sequences", function () {
    const RUNS = Number(process.env.MODEL_RUNS ?? 50);
    const IDS = ["github:1", "npm:alice"].map((identity) => ({ identity, accountId: ethers.id(identity) }));

    type Op =
      | { kind: "attest"; id: number; payee: number; attestor: number; stale: boolean }
      | { kind: "setPayee"; id: number; caller: number; payee: number }
      | { kind: "unbind"; id: number; caller: number }
      | { kind: "cancel"; id: number; caller: number }
      | { kind: "finalize"; id: number; caller: number }
      | { kind: "advance"; seconds: number }
      | { kind: "toggleAttestor"; attestor: number };

    const id = fc.integer({ min: 0, max: IDS.length - 1 });
    // -1: the identity's current payee (the stranger while unbound); 0..5: payee, payee2, payee3, attestor,
    // attestor2, stranger.
    const caller = fc.oneof(
      { arbitrary: fc.constant(-1), weight: 1 },
      { arbitrary: fc.integer({ min: 0, max: 5 }), weight: 1 },
    );
    // Weighted towards attestations and payee actions so that pending rebinds are common.
    const op: fc.Arbitrary<Op> = fc.oneof(
      {
        weight: 4,
        arbitrary: fc.record({
          kind: fc.constant("attest" as const),
          id,
          payee: fc.integer({ min: 0, max: 2 }),
          attestor: fc.integer({ min: 0, max: 1 }),
          stale: fc.boolean(),
        }),
      },
      {
        weight: 2,
        arbitrary: fc.record({
          kind: fc.constant("setPayee" as const),
          id,
          caller,
          payee: fc.integer({ min: 0, max: 2 }),
        }),
      },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant("unbind" as const), id, caller }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant("cancel" as const), id, caller }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant("finalize" as const), id, caller }) },
      {
        weight: 2,
        arbitrary: fc.record({
          kind: fc.constant("advance" as const),
          seconds: fc.constantFrom(0, 3600, 86_400, 3 * 86_400, 4 * 86_400),
        }),
      },
      {
        weight: 2,
        arbitrary: fc.record({
          kind: fc.constant("toggleAttestor" as const),
          attestor: fc.integer({ min: 0, max: 1 }),
        }),
      },
    );

    interface Pending {
      newPayee: string;
      attestor: string;
      executableAt: bigint;
    }

    it("every outcome and every state matches the model", async function () {
      await fc.assert(
        fc.asyncProperty(fc.array(op, { minLength: 8, maxLength: 32, size: "max" }), async (ops) => {
          const f = await loadFixture(deployRegistry);
          const role = (await f.registry.ATTESTOR_ROLE()) as string;
          const payees = [f.payee, f.payee2, f.payee3];
          const attestors = [f.attestor, f.attestor2];
          const callers = [...payees, ...attestors, f.stranger];

          const payeeOf = new Map<string, string>();
          const nonces = new Map<string, bigint>();
          const pending = new Map<string, Pending>();
          const isAttestor = new Set(attestors.map((a) => a.address));
          let now = BigInt(await time.latest());
          const callerOf = (index: number, accountId: string): Signer & { address: string } => {
            const current = payeeOf.get(accountId);
            if (index >= 0) return callers[index]!;
            return callers.find((c) => c.address === current) ?? f.stranger;
          };

          // Runs `send` in a block at `now + 1` and checks it reverts with `error`, or succeeds if `error` is null.
          async function step(send: () => Promise<unknown>, error: string | null): Promise<void> {
            now += 1n;
            await time.setNextBlockTimestamp(now);
            if (error === null) {
              await send();
            } else {
              await expect(send()).to.be.revertedWithCustomError(f.registry, error);
              // A reverted call still mined a block at `now`.
            }
          }

          for (const o of ops) {
            switch (o.kind) {
              case "advance":
                now += BigInt(o.seconds);
                break;
              case "toggleAttestor": {
                const a = attestors[o.attestor]!.address;
                if (isAttestor.has(a)) {
                  await step(() => f.registry.revokeRole(role, a), null);
                  isAttestor.delete(a);
                } else {
                  await step(() => f.registry.grantRole(role, a), null);
                  // A grant waits rebindDelay (an attestor could cancel it meanwhile); applied exactly when due.
                  now += REBIND_DELAY - 1n;
                  await step(() => f.registry.applyAttestorGrant(a), null);
                  isAttestor.add(a);
                }
                break;
              }
              case "attest": {
                const { identity, accountId } = IDS[o.id]!;
                const signer = attestors[o.attestor]!;
                const payee = payees[o.payee]!.address;
                const nonce = nonces.get(accountId) ?? 0n;
                const usedNonce = o.stale && nonce > 0n ? nonce - 1n : nonce;
                const attestation = { accountId, payee, nonce: usedNonce, deadline: now + 10n * DAY };
                const signature = await sign(signer, f.domain, attestation);
                const current = payeeOf.get(accountId) ?? ethers.ZeroAddress;
                let error: string | null = null;
                if (!isAttestor.has(signer.address)) error = "IdentityRegistryNotAttestor";
                else if (usedNonce !== nonce) error = "IdentityRegistryInvalidNonce";
                else if (current === payee) error = "IdentityRegistryPayeeUnchanged";
                await step(
                  () => f.registry.submitAttestation(attestation, identity, signer.address, signature),
                  error,
                );
                if (error !== null) break;
                nonces.set(accountId, nonce + 1n);
                if (current === ethers.ZeroAddress) payeeOf.set(accountId, payee);
                else
                  pending.set(accountId, {
                    newPayee: payee,
                    attestor: signer.address,
                    executableAt: now + REBIND_DELAY,
                  });
                break;
              }
              case "setPayee": {
                const { accountId } = IDS[o.id]!;
                const from = callerOf(o.caller, accountId);
                const payee = payees[o.payee]!.address;
                const current = payeeOf.get(accountId) ?? ethers.ZeroAddress;
                let error: string | null = null;
                if (from.address !== current) error = "IdentityRegistryNotPayee";
                else if (payee === current) error = "IdentityRegistryPayeeUnchanged";
                await step(() => by(f.registry, from).setPayee(accountId, payee), error);
                if (error !== null) break;
                payeeOf.set(accountId, payee);
                pending.delete(accountId);
                break;
              }
              case "unbind": {
                const { accountId } = IDS[o.id]!;
                const from = callerOf(o.caller, accountId);
                const current = payeeOf.get(accountId) ?? ethers.ZeroAddress;
                const error = from.address !== current ? "IdentityRegistryNotPayee" : null;
                await step(() => by(f.registry, from).unbind(accountId), error);
                if (error !== null) break;
                payeeOf.delete(accountId);
                pending.delete(accountId);
                break;
              }
              case "cancel": {
                const { accountId } = IDS[o.id]!;
                const from = callerOf(o.caller, accountId);
                const current = payeeOf.get(accountId) ?? ethers.ZeroAddress;
                let error: string | null = null;
                if (from.address !== current && !isAttestor.has(from.address)) {
                  error = "IdentityRegistryUnauthorizedCancel";
                } else if (!pending.has(accountId)) error = "IdentityRegistryNoPendingRebind";
                await step(() => by(f.registry, from).cancelRebind(accountId), error);
                if (error === null) pending.delete(accountId);
                break;
              }
              case "finalize": {
                const { accountId } = IDS[o.id]!;
                const from = callerOf(o.caller, accountId);
                const p = pending.get(accountId);
                let error: string | null = null;
                if (p === undefined) error = "IdentityRegistryNoPendingRebind";
                else if (now + 1n < p.executableAt) error = "IdentityRegistryRebindNotReady";
                else if (!isAttestor.has(p.attestor)) error = "IdentityRegistryAttestorRevoked";
                await step(() => by(f.registry, from).finalizeRebind(accountId), error);
                if (error !== null || p === undefined) break;
                payeeOf.set(accountId, p.newPayee);
                pending.delete(accountId);
                break;
              }
            }

            for (const { accountId } of IDS) {
              expect(await f.registry.payeeOf(accountId)).to.equal(
                payeeOf.get(accountId) ?? ethers.ZeroAddress,
              );
              expect(await f.registry.nonces(accountId)).to.equal(nonces.get(accountId) ?? 0n);
              const p = pending.get(accountId);
              // Pools read the payee and the pending flag together; the flag must follow `pendingRebindOf`.
              expect((await f.registry.bindingOf(accountId)).toArray().slice(0, 2)).to.deep.equal([
                payeeOf.get(accountId) ?? ethers.ZeroAddress,
                p !== undefined,
              ]);
              expect(await f.registry.pendingRebindOf(accountId)).to.deep.equal(
                p === undefined
                  ? [ethers.ZeroAddress, ethers.ZeroAddress, 0n]
                  : [p.newPayee, p.attestor, p.executableAt],
              );
            }
          }
        }),
        { numRuns: RUNS },
      );
    });
  });
});
