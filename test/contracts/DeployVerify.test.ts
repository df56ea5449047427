/**
 * Block-explorer verification as documented (docs/deployment.md, Verification): hardhat-verify's real Etherscan
 * client, with this repository's configuration and ETHERSCAN_API_KEY, against a local stand-in that speaks
 * Etherscan's v2 contract API (getsourcecode, verifysourcecode, checkverifystatus) with the payloads of its
 * documentation. The stand-in's apiUrl comes in through `chainDescriptors`, as for any explorer Hardhat does not
 * know; the chain is a `hardhat node` with chain id 31338 (hardhat-verify refuses 31337).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";

import { verifyContract } from "@nomicfoundation/hardhat-verify/verify";
import { expect } from "chai";
import { createHardhatRuntimeEnvironment } from "hardhat/hre";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { type Address, encodeAbiParameters } from "viem";

import userConfig from "../../hardhat.config.ts";
import { freePort, startHardhatNode, type HardhatNode } from "../../scripts/lib/hardhat-node.ts";

const root = path.resolve(import.meta.dirname, "..", "..");
const CHAIN_ID = 31338;
const API_KEY = "stand-in-api-key";

interface Submission {
  query: URLSearchParams;
  form: URLSearchParams;
}

/** Etherscan's contract API as its documentation shows it, remembering what was submitted. */
async function etherscanStandIn(): Promise<{ server: Server; apiUrl: string; submissions: Submission[] }> {
  const submissions: Submission[] = [];
  const verified = new Set<string>();
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      const query = new URL(req.url ?? "/", "http://stand-in").searchParams;
      const reply = (json: unknown) =>
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(json));
      if (query.get("apikey") !== API_KEY || query.get("chainid") !== String(CHAIN_ID)) {
        return reply({ status: "0", message: "NOTOK", result: "Invalid API Key" });
      }
      switch (query.get("action")) {
        case "getsourcecode": {
          const address = (query.get("address") ?? "").toLowerCase();
          return reply({
            status: "1",
            message: "OK",
            result: [
              verified.has(address)
                ? { SourceCode: "{...}", ABI: "[...]", ContractName: "IdentityRegistry" }
                : { SourceCode: "", ABI: "Contract source code not verified", ContractName: "" },
            ],
          });
        }
        case "verifysourcecode": {
          const form = new URLSearchParams(body);
          submissions.push({ query, form });
          verified.add((form.get("contractaddress") ?? "").toLowerCase());
          return reply({
            status: "1",
            message: "OK",
            result: "ezq878u486pzijkvvmerl6a9mzwhv6sefgvqi5tkwceejc7tvn",
          });
        }
        case "checkverifystatus":
          return reply({ status: "1", message: "OK", result: "Pass - Verified" });
        default:
          return reply({ status: "0", message: "NOTOK", result: `unknown action ${query.get("action")}` });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { server, apiUrl: `http://127.0.0.1:${port}/v2/api`, submissions };
}

describe("Verification on a block explorer (hardhat-verify, Etherscan API stand-in)", function () {
  let node: HardhatNode;
  let explorer: Awaited<ReturnType<typeof etherscanStandIn>>;
  let hre: HardhatRuntimeEnvironment;
  const keyBefore = process.env.ETHERSCAN_API_KEY;

  before(async function () {
    explorer = await etherscanStandIn();
    node = await startHardhatNode({ root, port: await freePort(), chainId: CHAIN_ID });
    process.env.ETHERSCAN_API_KEY = API_KEY;
    hre = await createHardhatRuntimeEnvironment(
      {
        ...userConfig,
        networks: { ...userConfig.networks, rehearsal: { type: "http", chainType: "l1", url: node.url } },
        chainDescriptors: {
          [CHAIN_ID]: {
            name: "Rehearsal",
            blockExplorers: {
              etherscan: { name: "Stand-in", url: "http://127.0.0.1", apiUrl: explorer.apiUrl },
            },
          },
        },
      },
      { network: "rehearsal" },
      root,
    );
  });

  after(async function () {
    await node?.stop();
    explorer?.server.close();
    if (keyBefore === undefined) delete process.env.ETHERSCAN_API_KEY;
    else process.env.ETHERSCAN_API_KEY = keyBefore;
  });

  it("submits the registry's standard JSON input, compiler and constructor arguments with the key", async function () {
    const connection = await hre.network.create();
    const [deployer] = await connection.viem.getWalletClients();
    const args = [deployer!.account.address, 3600, 86_400n, [deployer!.account.address]] as const;
    const registry = await connection.viem.deployContract("IdentityRegistry", [...args]);

    expect(await verifyContract({ address: registry.address, constructorArgs: [...args] }, hre)).to.equal(
      true,
    );

    expect(explorer.submissions).to.have.length(1);
    const { form } = explorer.submissions[0]!;
    expect(form.get("contractaddress")?.toLowerCase()).to.equal(registry.address.toLowerCase());
    expect(form.get("codeformat")).to.equal("solidity-standard-json-input");
    expect(form.get("contractname")).to.equal("project/contracts/IdentityRegistry.sol:IdentityRegistry");
    expect(form.get("compilerversion")).to.equal("v0.8.30+commit.73712a01");
    const encoded = encodeAbiParameters(
      [{ type: "address" }, { type: "uint48" }, { type: "uint256" }, { type: "address[]" }],
      [args[0] as Address, args[1], args[2], [...args[3]]],
    ).slice(2);
    expect(form.get("constructorArguements") ?? form.get("constructorArguments")).to.equal(encoded);
    const input = JSON.parse(form.get("sourceCode") ?? "{}") as {
      language: string;
      sources: Record<string, unknown>;
      settings: { optimizer: unknown; viaIR: boolean; evmVersion: string };
    };
    expect(input.language).to.equal("Solidity");
    expect(input.settings.optimizer).to.deep.equal({ enabled: true, runs: 1_000_000 });
    expect(input.settings.viaIR).to.equal(true);
    expect(input.settings.evmVersion).to.equal("cancun");
    expect(Object.keys(input.sources)).to.include("project/contracts/IdentityRegistry.sol");
  });

  it("does not submit again what the explorer already has", async function () {
    const connection = await hre.network.create();
    const factory = await connection.viem.deployContract("PoolFactory");
    expect(await verifyContract({ address: factory.address }, hre)).to.equal(true);
    expect(await verifyContract({ address: factory.address }, hre)).to.equal(true);
    expect(explorer.submissions.map((s) => s.form.get("contractname"))).to.deep.equal([
      "project/contracts/IdentityRegistry.sol:IdentityRegistry",
      "project/contracts/PoolFactory.sol:PoolFactory",
    ]);
  });
});
