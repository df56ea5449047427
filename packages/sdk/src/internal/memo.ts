import { type Hex, isHex, padHex, size, stringToHex, zeroHash } from "viem";

import { InvalidArgumentError } from "../errors.ts";

/**
 * Deposits carry a bytes32 memo (an invoice or product reference). Accepts a 32-byte hex value as
 * is, or a short text (at most 32 UTF-8 bytes) right-padded with zeros like Solidity's bytes32("…").
 */
export function toMemo(memo: Hex | string | undefined): Hex {
  if (memo === undefined) return zeroHash;
  if (isHex(memo) && size(memo) === 32) return memo;
  const hex = stringToHex(memo);
  if (size(hex) > 32)
    throw new InvalidArgumentError(`A memo holds at most 32 bytes: "${memo}" has ${size(hex)}.`);
  return padHex(hex, { dir: "right", size: 32 });
}
