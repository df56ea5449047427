import { type Hex, isHex, padHex, size, stringToHex, zeroHash } from "viem";

import { ProtocolArgumentError } from "./errors.ts";

/**
 * The bytes32 memo of `deposit`, `depositWithPermit` and `depositETH` (an invoice or product
 * reference; the pool only emits it in `Deposited`). A 32-byte hex value is kept as is; a short
 * text (at most 32 UTF-8 bytes) is right-padded with zeros like Solidity's bytes32("…").
 */
export function toMemo(memo: Hex | string | undefined): Hex {
  if (memo === undefined) return zeroHash;
  if (isHex(memo) && size(memo) === 32) return memo;
  const hex = stringToHex(memo);
  if (size(hex) > 32) {
    throw new ProtocolArgumentError("memo", `A memo holds at most 32 bytes: "${memo}" has ${size(hex)}.`);
  }
  return padHex(hex, { dir: "right", size: 32 });
}
