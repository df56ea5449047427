import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

import { expect } from "chai";
import type { BaseContractMethod, Contract, Signer, TypedDataDomain } from "ethers";
import hre from "hardhat";
import { z } from "zod";

import {
  addressesPath,
  deploymentAddressesSchema,
  readDeploymentAddresses,
  writeDeploymentAddresses,
  type DeploymentAddresses,
} from "../../deploy/lib/addresses.ts";
import { deployWellspring } from "../../deploy/lib/deploy.ts";

const PARAMETERS_DIR = path.resolve(import.meta.dirname, "..", "..", "deploy", "parameters");
const LOCALHOST_PARAMETERS = path.join(PARAMETERS_DIR, "localhost.json");

// Contracts typed by the methods these tests call (ethers' index signature is "possibly undefined" under
// noUncheckedIndexedAccess).
type Typed<K extends string> = Contract & Record<K, BaseContractMethod>;
type Registry = Typed<
  | "defaultAdmin"
  | "defaultAdminDelay"
  | "rebindDelay"
  | "hasRole"
  | "ATTESTOR_ROLE"
  | "submitAttestation"
  | "nonces"
>;
type Factory = Typed<"implementation" | "createPool">;
type Pool = Typed<
  | "registry"
  | "admin"
  | "hasRole"
  | "PROPOSER_ROLE"
  | "GUARDIAN_ROLE"
  | "activationDelay"
  | "claimWindow"
  | "payeeOf"
  | "initialize"
  | "tokenAllowlist"
>;

const parametersSchema = z
  .object({
    IdentityRegistry: z
      .object({
        admin: z.string(),
        adminTransferDelay: z.number().int().nonnegative(),
        rebindDelay: z.number().int().positive(),
        attestors: z.array(z.string()),
      })
      .strict(),
    Pool: z
      .object({
        admin: z.string(),
        proposer: z.string(),
        guardian: z.string(),
        activationDelay: z.number().int().nonnegative(),
        claimWindow: z.number().int().nonnegative(),
        tokens: z.array(z.string()).optional(),
      })
      .strict(),
  })
  .strict();
type Parameters = z.infer<typeof parametersSchema>;

async function readParameters(file: string): Promise<Parameters> {
  return parametersSchema.parse(JSON.parse(await readFile(file, "utf8")));
}

/** EIP-1167 minimal proxy runtime code delegating to `implementation`, with the pool's registry appended. */
function cloneCode(implementation: string, registry: string): string {
  const proxy = `0x363d3d373d3d3d363d73${implementation.slice(2)}5af43d82803e903d91602b57fd5bf3`;
  return `${proxy}${registry.slice(2)}`.toLowerCase();
}

async function deployed(parameters?: string) {
  const connection = await hre.network.create();
  const { ethers } = connection;
  const addresses = await deployWellspring(hre, connection, parameters === undefined ? {} : { parameters });
  const registry = (await ethers.getContractAt("IdentityRegistry", addresses.registry)) as Registry;
  const factory = (await ethers.getContractAt("PoolFactory", addresses.factory)) as Factory;
  const pool = (await ethers.getContractAt("RoyaltyPool", addresses.pool)) as Pool;
  const signers = await ethers.getSigners();
  return { connection, ethers, addresses, registry, factory, pool, signers };
}

describe("Deployment (Ignition modules)", function () {
  describe("with deploy/parameters/localhost.json on the in-process network", function () {
    let d: Awaited<ReturnType<typeof deployed>>;
    let params: Parameters;

    before(async function () {
      params = await readParameters(LOCALHOST_PARAMETERS);
      d = await deployed(LOCALHOST_PARAMETERS);
    });

    it("names Hardhat's well-known dev accounts only", async function () {
      const dev = d.signers.slice(0, 20).map((s) => s.address);
      const named = [
        params.IdentityRegistry.admin,
        ...params.IdentityRegistry.attestors,
        params.Pool.admin,
        params.Pool.proposer,
        params.Pool.guardian,
      ];
      for (const a of named) expect(dev).to.include(d.ethers.getAddress(a));
      // Roles are spread over different accounts so that demos exercise real permission checks.
      expect(new Set([params.Pool.admin, params.Pool.proposer, params.Pool.guardian]).size).to.equal(3);
    });

    it("returns a valid address record", async function () {
      expect(deploymentAddressesSchema.parse(d.addresses)).to.deep.equal(d.addresses);
      expect(d.addresses.chainId).to.equal(31337);
      expect(d.addresses.deploymentId).to.equal(null);
      expect(d.addresses.network).to.equal(d.connection.networkName);
      const all = [d.addresses.registry, d.addresses.factory, d.addresses.implementation, d.addresses.pool];
      expect(new Set(all).size).to.equal(4);
      for (const a of all) expect(await d.ethers.provider.getCode(a)).to.not.equal("0x");
    });

    it("records the first deployment block", async function () {
      const { deployBlock, registry, factory, pool } = d.addresses;
      for (const a of [registry, factory, pool]) {
        expect(await d.ethers.provider.getCode(a, deployBlock - 1)).to.equal("0x");
      }
      const atDeployBlock = await Promise.all(
        [registry, factory].map((a) => d.ethers.provider.getCode(a, deployBlock)),
      );
      expect(atDeployBlock.some((code) => code !== "0x")).to.equal(true);
    });

    it("records how it was deployed: deployer, strategy, compiler, parameters, blocks, code hashes", async function () {
      const { record } = d.addresses;
      expect(record.deployer).to.equal(d.signers[0]!.address);
      expect(record.strategy).to.equal("basic");
      expect(record.salt).to.equal(null);
      expect(record.compiler).to.deep.equal({
        solc: "0.8.30+commit.73712a01",
        optimizer: { enabled: true, runs: 1_000_000 },
        viaIR: true,
        evmVersion: "cancun",
      });
      expect(record.parameters).to.deep.equal(params);
      const { contracts } = record;
      expect(contracts.implementation.block).to.equal(contracts.factory.block);
      for (const key of ["registry", "factory", "implementation", "pool"] as const) {
        const entry = contracts[key];
        const address = d.addresses[key];
        expect(d.ethers.keccak256(await d.ethers.provider.getCode(address)), key).to.equal(entry.codeHash);
        expect(await d.ethers.provider.getCode(address, entry.block - 1), key).to.equal("0x");
        expect(entry.block).to.be.at.least(d.addresses.deployBlock);
      }
      // Immutables make the registry's and the factory's code differ from the artifact; the implementation
      // has none; the pool is a clone, with no artifact of its own.
      const artifact = await hre.artifacts.readArtifact("RoyaltyPool");
      expect(contracts.implementation.artifactCodeHash).to.equal(
        d.ethers.keccak256(artifact.deployedBytecode),
      );
      expect(contracts.pool.artifactCodeHash).to.equal(null);
    });

    it("points the factory at the locked implementation", async function () {
      expect(await d.factory.implementation()).to.equal(d.addresses.implementation);
      const implementation = (await d.ethers.getContractAt(
        "RoyaltyPool",
        d.addresses.implementation,
      )) as Pool;
      const [anyone] = d.signers;
      await expect(
        implementation.initialize(anyone!.address, d.addresses.registry, 1, 1, [], []),
      ).to.be.revertedWithCustomError(implementation, "RoyaltyPoolAlreadyInitialized");
    });

    it("creates the pool as a clone of the implementation", async function () {
      expect(await d.ethers.provider.getCode(d.addresses.pool)).to.equal(
        cloneCode(d.addresses.implementation, d.addresses.registry),
      );
      const logs = await d.factory.queryFilter(d.factory.filters.PoolCreated!(d.addresses.pool));
      expect(logs).to.have.length(1);
      expect(logs[0]!.blockNumber).to.be.at.least(d.addresses.deployBlock);
    });

    it("configures the pool's registry, roles and delays from the parameters", async function () {
      const { pool } = d;
      expect(await pool.registry()).to.equal(d.addresses.registry);
      expect(await pool.admin()).to.equal(params.Pool.admin);
      expect(await pool.hasRole(await pool.PROPOSER_ROLE(), params.Pool.proposer)).to.equal(true);
      expect(await pool.hasRole(await pool.GUARDIAN_ROLE(), params.Pool.guardian)).to.equal(true);
      expect(await pool.hasRole(await pool.PROPOSER_ROLE(), params.Pool.guardian)).to.equal(false);
      expect(await pool.hasRole(await pool.GUARDIAN_ROLE(), params.Pool.proposer)).to.equal(false);
      expect(await pool.activationDelay()).to.equal(params.Pool.activationDelay);
      expect(await pool.claimWindow()).to.equal(params.Pool.claimWindow);
    });

    it("configures the registry from the parameters", async function () {
      const { registry } = d;
      expect(await registry.defaultAdmin()).to.equal(params.IdentityRegistry.admin);
      expect(await registry.defaultAdminDelay()).to.equal(params.IdentityRegistry.adminTransferDelay);
      expect(await registry.rebindDelay()).to.equal(params.IdentityRegistry.rebindDelay);
      const role = await registry.ATTESTOR_ROLE();
      for (const a of params.IdentityRegistry.attestors)
        expect(await registry.hasRole(role, a)).to.equal(true);
      expect(await registry.hasRole(role, params.Pool.admin)).to.equal(false);
    });

    it("lets the pool resolve payees through the deployed registry", async function () {
      const attestorAddress = params.IdentityRegistry.attestors[0]!;
      const attestor: Signer = await d.ethers.getSigner(attestorAddress);
      const payee = d.signers[9]!;
      const accountId = d.ethers.id("github:4242");
      const domain: TypedDataDomain = {
        name: "Wellspring IdentityRegistry",
        version: "1",
        chainId: d.addresses.chainId,
        verifyingContract: d.addresses.registry,
      };
      const attestation = {
        accountId,
        payee: payee.address,
        nonce: (await d.registry.nonces(accountId)) as bigint,
        deadline: 2n ** 48n,
      };
      const types = {
        Attestation: [
          { name: "accountId", type: "bytes32" },
          { name: "payee", type: "address" },
          { name: "nonce", type: "uint256" },
          { name: "deadline", type: "uint256" },
        ],
      };
      const signature = await attestor.signTypedData(domain, types, attestation);
      expect(await d.pool.payeeOf(accountId)).to.equal(d.ethers.ZeroAddress);
      await d.registry.submitAttestation(attestation, "github:4242", attestorAddress, signature);
      expect(await d.pool.payeeOf(accountId)).to.equal(payee.address);
    });

    it("writes and reads back the address file", async function () {
      const dir = await mkdtemp(path.join(os.tmpdir(), "wellspring-addresses-"));
      try {
        const file = await writeDeploymentAddresses(d.addresses, dir);
        expect(file).to.equal(addressesPath(31337, dir));
        expect(await readDeploymentAddresses(31337, dir)).to.deep.equal(d.addresses);
        const raw = JSON.parse(await readFile(file, "utf8")) as Record<string, unknown>;
        expect(Object.keys(raw)).to.have.members([
          "version",
          "chainId",
          "network",
          "deploymentId",
          "deployBlock",
          "registry",
          "factory",
          "implementation",
          "pool",
          "record",
        ]);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  });

  describe("with module defaults", function () {
    it("gives the deployer every role and uses the documented delays", async function () {
      const d = await deployed();
      const deployer = d.signers[0]!.address;
      expect(await d.registry.defaultAdmin()).to.equal(deployer);
      expect(await d.registry.defaultAdminDelay()).to.equal(2n * 24n * 3600n);
      expect(await d.registry.rebindDelay()).to.equal(3n * 24n * 3600n);
      expect(await d.registry.hasRole(await d.registry.ATTESTOR_ROLE(), deployer)).to.equal(false);
      expect(await d.pool.admin()).to.equal(deployer);
      expect(await d.pool.hasRole(await d.pool.PROPOSER_ROLE(), deployer)).to.equal(true);
      expect(await d.pool.hasRole(await d.pool.GUARDIAN_ROLE(), deployer)).to.equal(true);
      expect(await d.pool.activationDelay()).to.equal(24n * 3600n);
      expect(await d.pool.claimWindow()).to.equal(90n * 24n * 3600n);
      expect(await d.pool.registry()).to.equal(d.addresses.registry);
      expect(await d.pool.tokenAllowlist()).to.deep.equal([]);
    });
  });

  describe("with a token list", function () {
    it("creates the pool accepting only the listed tokens, its list in the clone's code", async function () {
      const tokens = [
        "0x1c7D4B196Cb0C7B01d743Fbc6116a902379C7238",
        "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48",
      ];
      const dir = await mkdtemp(path.join(os.tmpdir(), "wellspring-params-"));
      try {
        const file = path.join(dir, "tokens.json");
        const base = await readParameters(LOCALHOST_PARAMETERS);
        await writeFile(file, JSON.stringify({ ...base, Pool: { ...base.Pool, tokens } }));
        const d = await deployed(file);
        expect(await d.pool.tokenAllowlist()).to.deep.equal(tokens);
        const code = await d.ethers.provider.getCode(d.addresses.pool);
        expect(code).to.equal(
          cloneCode(d.addresses.implementation, d.addresses.registry) +
            // abi.encodePacked of an address[]: each element in a full word.
            tokens.map((t) => t.slice(2).toLowerCase().padStart(64, "0")).join(""),
        );
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  });

  describe("address file schema", function () {
    const contract = (block: number) => ({
      contract: "IdentityRegistry",
      block,
      codeHash: `0x${"ab".repeat(32)}` as const,
      artifactCodeHash: `0x${"cd".repeat(32)}` as const,
    });
    const valid: DeploymentAddresses = {
      version: 2,
      chainId: 11155111,
      network: "sepolia",
      deploymentId: "chain-11155111",
      deployBlock: 123,
      registry: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
      factory: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512",
      implementation: "0xa16E02E87b7454126E5E10d957A927A7F5B5d2be",
      pool: "0x9f1ac54BEF0DD2f6f3462EA0fa94fC62300d3a8e",
      record: {
        deployer: "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
        strategy: "create2",
        salt: `0x${"12".repeat(32)}`,
        compiler: {
          solc: "0.8.30+commit.73712a01",
          optimizer: { enabled: true, runs: 200 },
          viaIR: true,
          evmVersion: "cancun",
        },
        parameters: { IdentityRegistry: { rebindDelay: 86400 } },
        contracts: {
          registry: contract(123),
          factory: contract(124),
          implementation: contract(124),
          pool: contract(125),
        },
      },
    };

    it("checksums addresses", function () {
      const lower = { ...valid, pool: valid.pool.toLowerCase() };
      expect(deploymentAddressesSchema.parse(lower).pool).to.equal(valid.pool);
    });

    it("rejects unknown fields, bad addresses and negative blocks", function () {
      for (const bad of [
        { ...valid, extra: 1 },
        { ...valid, pool: "0x1234" },
        { ...valid, deployBlock: -1 },
        { ...valid, version: 1 },
        { ...valid, chainId: "31337" },
        { ...valid, record: undefined },
        { ...valid, record: { ...valid.record, strategy: "create3" } },
        { ...valid, record: { ...valid.record, salt: "0x12" } },
        { ...valid, record: { ...valid.record, contracts: { ...valid.record.contracts, pool: undefined } } },
      ]) {
        expect(deploymentAddressesSchema.safeParse(bad).success, JSON.stringify(bad)).to.equal(false);
      }
    });
  });
});
