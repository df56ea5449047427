import { readdir, readFile } from "node:fs/promises";
import path from "node:path";

import { expect } from "chai";
import hre from "hardhat";
import { keccak256, toHex } from "viem";

import { readParameters } from "../../deploy/lib/parameters.ts";

const PARAMETERS_DIR = path.resolve(import.meta.dirname, "..", "..", "deploy", "parameters");

/** The public networks of hardhat.config.ts and their chain ids. */
const PUBLIC = {
  mainnet: 1,
  sepolia: 11_155_111,
  base: 8453,
  baseSepolia: 84_532,
  optimism: 10,
  arbitrum: 42_161,
} as const;
const TESTNETS = ["sepolia", "baseSepolia"];

const readJson = async (name: string): Promise<unknown> =>
  JSON.parse(await readFile(path.join(PARAMETERS_DIR, `${name}.json`), "utf8"));

/** A parameters file with every `<placeholder>` string replaced by a distinct development address. */
function filled(value: unknown, next: () => string): unknown {
  if (typeof value === "string" && value.startsWith("<")) return next();
  if (Array.isArray(value)) return value.map((v) => filled(v, next));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, filled(v, next)]));
  }
  return value;
}

describe("Deployment configuration (networks, parameters, verification)", function () {
  it("declares each public network with its chain id and secrets only as configuration variables", function () {
    for (const [name, chainId] of Object.entries(PUBLIC)) {
      const network = hre.config.networks[name];
      expect(network, name).to.not.equal(undefined);
      if (network?.type !== "http") throw new Error(`${name} is not an HTTP network`);
      expect(network.chainId, name).to.equal(chainId);
      // Configuration variables resolve lazily: the config loaded without any of them set.
      expect(network.url._type, name).to.equal("ResolvedConfigurationVariable");
      expect(network.accounts, name).to.be.an("array").with.length(1);
    }
  });

  it("has a parameters file for each public network, refused until its placeholders are filled", async function () {
    const files = (await readdir(PARAMETERS_DIR)).map((f) => path.basename(f, ".json"));
    expect(files).to.include.members([...Object.keys(PUBLIC), "localhost"]);
    const signers = await (await hre.network.create()).ethers.getSigners();
    for (const name of Object.keys(PUBLIC)) {
      const file = path.join(PARAMETERS_DIR, `${name}.json`);
      let error: unknown;
      await readParameters(file).catch((e: unknown) => (error = e));
      expect(String(error), name).to.match(new RegExp(`${name}\\.json: IdentityRegistry\\.admin: `));
      let i = 0;
      const complete = filled(await readJson(name), () => signers[i++]!.address);
      expect(await readParameters(complete as Parameters<typeof readParameters>[0]), name).to.deep.equal(
        complete,
      );
    }
  });

  it("gives the mainnets one set of parameters and the testnets another, so the registry's address repeats", async function () {
    const mainnets = Object.keys(PUBLIC).filter((n) => !TESTNETS.includes(n));
    for (const group of [mainnets, TESTNETS]) {
      const [first, ...others] = await Promise.all(group.map(readJson));
      for (const other of others) expect(other).to.deep.equal(first);
    }
  });

  it("refuses parameters outside the contracts' bounds, naming the field", async function () {
    for (const [parameters, field] of [
      [{ IdentityRegistry: { rebindDelay: 3600 } }, /IdentityRegistry\.rebindDelay/],
      [{ Pool: { activationDelay: 60 } }, /Pool\.activationDelay/],
      [{ Pool: { guardian: "0x1234" } }, /Pool\.guardian/],
      [{ Pool: { typo: 1 } }, /Pool: Unrecognized key/],
    ] as const) {
      let error: unknown;
      await readParameters(parameters).catch((e: unknown) => (error = e));
      expect(String(error)).to.match(field);
    }
  });

  it('uses keccak256("wellspring/deploy/v1") as the default CREATE2 salt', function () {
    const salt = hre.config.ignition.strategyConfig?.create2?.salt;
    if (process.env.WELLSPRING_CREATE2_SALT) this.skip();
    expect(salt).to.equal(keccak256(toHex("wellspring/deploy/v1")));
  });

  it("registers the verify tasks, with Etherscan's key read from ETHERSCAN_API_KEY", async function () {
    for (const id of [["verify"], ["verify", "etherscan"], ["verify", "sourcify"], ["ignition", "verify"]]) {
      expect(hre.tasks.getTask(id).id).to.deep.equal(id);
    }
    const { etherscan } = hre.config.verify;
    expect(etherscan.enabled).to.equal(true);
    const before = process.env.ETHERSCAN_API_KEY;
    process.env.ETHERSCAN_API_KEY = "key-from-the-environment";
    try {
      expect(await etherscan.apiKey.get()).to.equal("key-from-the-environment");
    } finally {
      if (before === undefined) delete process.env.ETHERSCAN_API_KEY;
      else process.env.ETHERSCAN_API_KEY = before;
    }
  });
});
