import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";

import type { NetworkConnection } from "hardhat/types/network";
import {
  type Address,
  type Hex,
  decodeFunctionData,
  encodeAbiParameters,
  getAddress,
  getContractAddress,
  isAddressEqual,
  keccak256,
  parseAbi,
  zeroAddress,
} from "viem";
import { z } from "zod";

/**
 * CreateX (v0.1.0), the CREATE2 factory Ignition's `create2` strategy deploys through. It lives at the same
 * address on every chain that has it, because it was itself deployed by a presigned pre-EIP-155 transaction.
 */
export const CREATEX_ADDRESS: Address = "0xba5Ed099633D3B313e4D5F7bdc1305d3c28ba5Ed";
/** keccak256 of CreateX's runtime code: Ignition refuses a chain where the address holds anything else. */
export const CREATEX_CODE_HASH: Hex = "0xbd8a7ea8cfca7b4e5f5041d7d4b17bc317c5ce42cfbc42066a00cf26b43eb53f";
/** The sender of the presigned transaction; it needs 0.3 ETH (3 000 000 gas at 100 gwei) on the chain. */
export const CREATEX_PRESIGNED_DEPLOYER: Address = "0xeD456e05CaAb11d66C4c797dD6c1D6f9A7F352b5";

const createxAbi = parseAbi([
  "function deployCreate2(bytes32 salt, bytes initCode) payable returns (address)",
]);

/** The salt of a `deployCreate2` call to CreateX, or undefined when `input` is another call. */
export function create2SaltOf(input: Hex): Hex | undefined {
  try {
    const call = decodeFunctionData({ abi: createxAbi, data: input });
    return call.functionName === "deployCreate2" ? call.args[0] : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Where CreateX's `deployCreate2(salt, initCode)` puts a contract when `deployer` sends it on chain `chainId`.
 * CreateX first "guards" the salt (CreateX.sol, `_guard`), and that decides what the address depends on:
 * - salt's first 20 bytes = the deployer, 21st byte 0x00: the deployer (only it can deploy there);
 * - the same with 21st byte 0x01: the deployer and the chain id (a different address on every chain);
 * - first 20 bytes zero, 21st byte 0x01: the chain id;
 * - anything else (e.g. a hash, as the default salt is): the salt alone.
 * In every case also the init code: the artifact's bytecode followed by the constructor arguments.
 */
export function predictCreate2Address(options: {
  salt: Hex;
  initCode: Hex;
  deployer: Address;
  chainId: number;
}): Address {
  const { salt, deployer } = options;
  const prefix = getAddress(salt.slice(0, 42));
  const flag = salt.slice(42, 44);
  const word = (types: string, values: readonly unknown[]) =>
    keccak256(
      encodeAbiParameters(
        types.split(",").map((type) => ({ type })),
        values,
      ),
    );
  let guarded: Hex;
  if (isAddressEqual(prefix, deployer) && flag === "01") {
    guarded = word("address,uint256,bytes32", [deployer, BigInt(options.chainId), salt]);
  } else if (isAddressEqual(prefix, deployer) && flag === "00") {
    guarded = word("address,bytes32", [deployer, salt]);
  } else if (isAddressEqual(prefix, zeroAddress) && flag === "01") {
    guarded = word("uint256,bytes32", [BigInt(options.chainId), salt]);
  } else if (isAddressEqual(prefix, deployer) || (isAddressEqual(prefix, zeroAddress) && flag !== "00")) {
    throw new Error(
      `CreateX rejects salt ${salt}: after a deployer or zero prefix the 21st byte must be 00 or 01`,
    );
  } else {
    guarded = word("bytes32", [salt]);
  }
  return getContractAddress({
    opcode: "CREATE2",
    from: CREATEX_ADDRESS,
    salt: guarded,
    bytecode: options.initCode,
  });
}

/**
 * The presigned transaction Ignition itself broadcasts on chain 31337. Ignition does not export it, so it is
 * read from the installed package rather than copied (12 kB of hex that must match CREATEX_CODE_HASH).
 */
async function presignedCreateXTransaction(): Promise<Hex> {
  const require = createRequire(import.meta.url);
  const root = path.dirname(require.resolve("@nomicfoundation/ignition-core/package.json"));
  const file = path.join(root, "dist", "src", "internal", "execution", "strategy", "createx-artifact.js");
  const module: unknown = await import(pathToFileURL(file).href);
  return z.object({ presignedTx: z.string().regex(/^0x[0-9a-f]+$/) }).parse(module).presignedTx as Hex;
}

/**
 * Makes sure CreateX is on the connected chain. Ignition deploys it by itself only on chain id 31337; a local
 * node with another chain id (to rehearse a multi-chain deployment) gets it here the same way: fund the
 * presigned deployer with `hardhat_setBalance` and broadcast the presigned transaction. On any other chain
 * without CreateX this throws: someone must fund the presigned deployer and broadcast the transaction there
 * (docs/deployment.md), which this deliberately does not do with the deployer's money.
 */
export async function ensureCreateX(connection: NetworkConnection): Promise<"present" | "deployed"> {
  const publicClient = await connection.viem.getPublicClient();
  const code = await publicClient.getCode({ address: CREATEX_ADDRESS });
  if (code !== undefined && code !== "0x") {
    if (keccak256(code) !== CREATEX_CODE_HASH) {
      throw new Error(
        `${CREATEX_ADDRESS} holds code that is not CreateX v0.1.0 on chain ${publicClient.chain.id}`,
      );
    }
    return "present";
  }
  const isDevelopmentNode = await connection.provider
    .request({ method: "hardhat_metadata" })
    .then(() => true)
    .catch(() => false);
  if (!isDevelopmentNode) {
    throw new Error(
      `CreateX is not deployed on chain ${await publicClient.getChainId()}: see docs/deployment.md, "Same address on every chain"`,
    );
  }
  await connection.provider.request({
    method: "hardhat_setBalance",
    params: [CREATEX_PRESIGNED_DEPLOYER, "0x58d15e176280000"], // 0.4 ETH, as Ignition does
  });
  const hash = await publicClient.sendRawTransaction({
    serializedTransaction: await presignedCreateXTransaction(),
  });
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  if (receipt.contractAddress === null || receipt.contractAddress === undefined) {
    throw new Error("the presigned CreateX transaction created no contract");
  }
  if (getAddress(receipt.contractAddress) !== CREATEX_ADDRESS) {
    throw new Error(
      `the presigned CreateX transaction created ${receipt.contractAddress}, not ${CREATEX_ADDRESS}`,
    );
  }
  return "deployed";
}
