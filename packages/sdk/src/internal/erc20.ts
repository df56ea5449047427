import { parseAbi } from "viem";

/** The EIP-2612 and ERC-5267 functions a permit needs (viem's erc20Abi has neither). */
export const erc20PermitAbi = parseAbi([
  "function nonces(address owner) view returns (uint256)",
  "function name() view returns (string)",
  "function eip712Domain() view returns (bytes1 fields, string name, string version, uint256 chainId, address verifyingContract, bytes32 salt, uint256[] extensions)",
]);

/**
 * approve without a declared return value: USDT-style tokens return nothing, and decoding a `bool`
 * from empty return data would make the simulation fail. A refusal still reverts.
 */
export const approveAbi = parseAbi(["function approve(address spender, uint256 amount)"]);
