import { createRequire } from "node:module";

import hardhatEthers from "@nomicfoundation/hardhat-ethers";
import hardhatEthersChaiMatchers from "@nomicfoundation/hardhat-ethers-chai-matchers";
import hardhatIgnitionViem from "@nomicfoundation/hardhat-ignition-viem";
import hardhatKeystore from "@nomicfoundation/hardhat-keystore";
import hardhatMocha from "@nomicfoundation/hardhat-mocha";
import hardhatNetworkHelpers from "@nomicfoundation/hardhat-network-helpers";
import hardhatVerify from "@nomicfoundation/hardhat-verify";
import hardhatViem from "@nomicfoundation/hardhat-viem";
import { configVariable, defineConfig } from "hardhat/config";
import type { HttpNetworkUserConfig } from "hardhat/types/config";

const require = createRequire(import.meta.url);

// Hardhat cannot download compilers on these machines: compile with the `solc` package's
// wasm build. Its version must equal SOLC_VERSION (Hardhat does not detect a mismatch).
const SOLC_VERSION = "0.8.30";

// Solidity fuzz and invariant test effort; CI can raise it through the environment.
const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 512);
const INVARIANT_RUNS = Number(process.env.INVARIANT_RUNS ?? 64);
const INVARIANT_DEPTH = Number(process.env.INVARIANT_DEPTH ?? 64);

// The port of the local chain (`npm start` and `--network localhost`), 8545 unless CHAIN_PORT says otherwise.
const LOCAL_CHAIN_PORT = Number(process.env.CHAIN_PORT || 8545);

// The CreateX salt of `--strategy create2` deployments (docs/deployment.md, "Same address on every chain"):
// keccak256("wellspring/deploy/v1"). Its first 20 bytes are neither zero nor a deployer, so CreateX binds the
// address to the init code alone: equal bytecode and constructor arguments give equal addresses on every chain.
const CREATE2_SALT =
  process.env.WELLSPRING_CREATE2_SALT || "0xe32923749153c4e9a0e41d3904e3ad3e2ea108bbfa42fbcbebae19769700f6f3";

// Public networks: the RPC URL from `<PREFIX>_RPC_URL`, the deployer key from WELLSPRING_DEPLOYER_KEY (keystore
// or environment, resolved only when the network is used). `chainId` makes Hardhat refuse an RPC URL that
// serves another chain.
function publicNetwork(
  prefix: string,
  chainId: number,
  chainType: "l1" | "op" | "generic",
): HttpNetworkUserConfig {
  return {
    type: "http",
    chainType,
    chainId,
    url: configVariable(`${prefix}_RPC_URL`),
    accounts: [configVariable("WELLSPRING_DEPLOYER_KEY")],
  };
}

const COMPILER = {
  version: SOLC_VERSION,
  path: require.resolve("solc/soljson.js"),
  settings: {
    optimizer: { enabled: true, runs: 1_000_000 },
    viaIR: true,
    evmVersion: "cancun",
  },
};

export default defineConfig({
  plugins: [
    hardhatViem,
    hardhatEthers,
    hardhatEthersChaiMatchers,
    hardhatMocha,
    hardhatNetworkHelpers,
    hardhatIgnitionViem,
    hardhatKeystore,
    hardhatVerify,
  ],
  solidity: {
    // `hardhat ignition deploy` builds with the production profile, which would otherwise drop these settings:
    // both profiles compile the same bytecode, so what is deployed is what was tested.
    // `mutation`: the Solidity mutation pass (scripts/mutation/solidity.ts) rebuilds once per mutant, so it
    // trades the optimizer for speed; the behaviour under test is the same.
    profiles: {
      default: COMPILER,
      production: COMPILER,
      mutation: { ...COMPILER, settings: { ...COMPILER.settings, optimizer: { enabled: false } } },
    },
    // The Solidity tests (fuzz, invariant, handlers) take most of the compile time (~3.5 of ~4 CPU
    // minutes): build them only for `hardhat test solidity`, so `npm start`, `hardhat run`, Ignition
    // and the mocha tests compile just the contracts.
    splitTestsCompilation: true,
  },
  paths: {
    sources: "contracts",
    // Ignition modules live in deploy/modules; journals of persistent deployments in deploy/deployments.
    ignition: "deploy",
    tests: {
      mocha: "test/contracts",
      solidity: "test/solidity",
    },
  },
  test: {
    solidity: {
      fuzz: { runs: FUZZ_RUNS },
      invariant: { runs: INVARIANT_RUNS, depth: INVARIANT_DEPTH, failOnRevert: false },
    },
    mocha: { timeout: 120_000 },
  },
  networks: {
    // The in-process EDR network used by tests, benchmarks and the demo.
    default: { type: "edr-simulated", chainType: "l1" },
    // `npx hardhat node --hostname 127.0.0.1` (never 0.0.0.0), or the chain `npm start` runs: the same
    // CHAIN_PORT moves both.
    localhost: { type: "http", chainType: "l1", url: `http://127.0.0.1:${LOCAL_CHAIN_PORT}` },
    // Any other EVM network: RPC URL and deployer key come from configuration variables
    // (environment or `npx hardhat keystore set`), never from the repository.
    remote: {
      type: "http",
      chainType: "l1",
      url: configVariable("WELLSPRING_RPC_URL"),
      accounts: [configVariable("WELLSPRING_DEPLOYER_KEY")],
    },
    // Parameters for each in deploy/parameters/<name>.json.
    mainnet: publicNetwork("MAINNET", 1, "l1"),
    sepolia: publicNetwork("SEPOLIA", 11_155_111, "l1"),
    base: publicNetwork("BASE", 8453, "op"),
    baseSepolia: publicNetwork("BASE_SEPOLIA", 84_532, "op"),
    optimism: publicNetwork("OPTIMISM", 10, "op"),
    arbitrum: publicNetwork("ARBITRUM", 42_161, "generic"),
  },
  ignition: {
    strategyConfig: { create2: { salt: CREATE2_SALT } },
  },
  // `npx hardhat verify` and `npx hardhat ignition verify`: Etherscan's v2 API (one key for every chain it
  // serves), resolved only when verifying. Sourcify needs no key.
  verify: {
    etherscan: { apiKey: configVariable("ETHERSCAN_API_KEY") },
  },
});
