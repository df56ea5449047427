import { readFile } from "node:fs/promises";
import path from "node:path";

import { expect } from "chai";
import hre from "hardhat";
import { type Address, type Hex, encodeDeployData, keccak256 } from "viem";

import { CREATEX_ADDRESS, CREATEX_CODE_HASH, predictCreate2Address } from "../../deploy/lib/createx.ts";
import { deployWellspring, type DeployWellspringOptions } from "../../deploy/lib/deploy.ts";

const LOCALHOST_PARAMETERS = path.resolve(
  import.meta.dirname,
  "..",
  "..",
  "deploy",
  "parameters",
  "localhost.json",
);
const DEFAULT_SALT = hre.config.ignition.strategyConfig?.create2?.salt as Hex;

type RegistryParameters = {
  admin: Address;
  adminTransferDelay: number;
  rebindDelay: number;
  attestors: Address[];
};

/** A fresh in-process chain with `chainId`, deployed with the create2 strategy. */
async function deployOn(
  chainId: number,
  parameters: DeployWellspringOptions["parameters"] = LOCALHOST_PARAMETERS,
) {
  const connection = await hre.network.create({ override: { chainId } });
  const addresses = await deployWellspring(hre, connection, {
    strategy: "create2",
    parameters,
  });
  return { connection, addresses };
}

async function registryInitCode(p: RegistryParameters): Promise<Hex> {
  const artifact = await hre.artifacts.readArtifact("IdentityRegistry");
  return encodeDeployData({
    abi: artifact.abi,
    bytecode: artifact.bytecode as Hex,
    args: [p.admin, p.adminTransferDelay, BigInt(p.rebindDelay), p.attestors] as const,
  });
}

describe("Deployment with the create2 strategy (CreateX)", function () {
  const CHAINS = [31337, 11_155_111, 84_532];
  let deployments: Awaited<ReturnType<typeof deployOn>>[];
  let registryParameters: RegistryParameters;

  before(async function () {
    registryParameters = (
      JSON.parse(await readFile(LOCALHOST_PARAMETERS, "utf8")) as { IdentityRegistry: RegistryParameters }
    ).IdentityRegistry;
    deployments = [];
    for (const chainId of CHAINS) deployments.push(await deployOn(chainId));
  });

  it("runs on chains with different ids, CreateX put there by its presigned transaction", async function () {
    expect(deployments.map((d) => d.addresses.chainId)).to.deep.equal(CHAINS);
    for (const { connection } of deployments) {
      const code = await (await connection.viem.getPublicClient()).getCode({ address: CREATEX_ADDRESS });
      expect(keccak256(code!)).to.equal(CREATEX_CODE_HASH);
    }
  });

  it("gives registry, factory, implementation and first pool the same addresses on every chain", function () {
    const [first, ...others] = deployments.map((d) => d.addresses);
    for (const other of others) {
      for (const key of ["registry", "factory", "implementation", "pool"] as const) {
        expect(other[key], `${key} on chain ${other.chainId}`).to.equal(first![key]);
      }
    }
  });

  it("puts the registry where CreateX's rule predicts: salt and init code, not deployer or chain", async function () {
    const initCode = await registryInitCode(registryParameters);
    for (const { addresses } of deployments) {
      expect(
        predictCreate2Address({
          salt: DEFAULT_SALT,
          initCode,
          deployer: addresses.record.deployer,
          chainId: addresses.chainId,
        }),
      ).to.equal(addresses.registry);
    }
  });

  it("records the strategy, the salt read back from the chain, and the contracts' blocks", function () {
    for (const { addresses } of deployments) {
      const { record } = addresses;
      expect(record.strategy).to.equal("create2");
      expect(record.salt).to.equal(DEFAULT_SALT);
      expect(record.contracts.registry.block).to.be.at.least(addresses.deployBlock);
      expect(record.contracts.pool.block).to.be.greaterThan(record.contracts.factory.block);
    }
    // Same build, same code on every chain (the registry's EIP-712 immutables hold the chain id, so its
    // runtime code differs; the factory's and the implementation's do not).
    const [a, b] = deployments.map((d) => d.addresses.record.contracts);
    expect(a!.factory.codeHash).to.equal(b!.factory.codeHash);
    expect(a!.implementation.codeHash).to.equal(b!.implementation.codeHash);
    expect(a!.registry.artifactCodeHash).to.equal(b!.registry.artifactCodeHash);
    expect(a!.registry.codeHash).to.not.equal(b!.registry.codeHash);
  });

  it("moves the registry, and only the registry, when its constructor arguments differ", async function () {
    const parameters = JSON.parse(await readFile(LOCALHOST_PARAMETERS, "utf8")) as {
      IdentityRegistry: RegistryParameters;
    };
    parameters.IdentityRegistry.rebindDelay = 2 * 86400;
    const other = await deployOn(10, parameters);
    const first = deployments[0]!.addresses;
    expect(other.addresses.registry).to.not.equal(first.registry);
    expect(other.addresses.factory).to.equal(first.factory);
    expect(other.addresses.implementation).to.equal(first.implementation);
    expect(other.addresses.registry).to.equal(
      predictCreate2Address({
        salt: DEFAULT_SALT,
        initCode: await registryInitCode(parameters.IdentityRegistry),
        deployer: other.addresses.record.deployer,
        chainId: 10,
      }),
    );
  });

  it("predicts the salts that bind the address to the deployer or the chain", async function () {
    const initCode = await registryInitCode(registryParameters);
    const deployer = deployments[0]!.addresses.record.deployer;
    const tail = "00".repeat(11);
    const bound = (flag: string) => `${deployer.toLowerCase()}${flag}${tail}` as Hex;
    const at = (salt: Hex, chainId: number) => predictCreate2Address({ salt, initCode, deployer, chainId });
    expect(at(bound("00"), 1)).to.equal(at(bound("00"), 10));
    expect(at(bound("01"), 1)).to.not.equal(at(bound("01"), 10));
    const zeroChain = `0x${"00".repeat(20)}01${tail}` as Hex;
    expect(at(zeroChain, 1)).to.not.equal(at(zeroChain, 10));
    expect(() => at(bound("02"), 1)).to.throw(/21st byte/);
    // A deployer-bound salt on a real deployment: same address on two chains, as predicted.
    const salt = bound("00");
    const chains = [];
    for (const chainId of [31337, 11_155_111]) {
      const connection = await hre.network.create({ override: { chainId } });
      chains.push(
        await deployWellspring(hre, connection, {
          strategy: "create2",
          parameters: LOCALHOST_PARAMETERS,
          salt,
        }),
      );
    }
    expect(chains[0]!.registry).to.equal(chains[1]!.registry);
    expect(chains[0]!.registry).to.equal(at(salt, 1));
    expect(chains[0]!.record.salt).to.equal(salt);
  });
});
