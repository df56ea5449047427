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

/**
 * A memo as the text `toMemo` was given (trailing NULs dropped) when it is printable UTF-8, else
 * its hex: statements and pages show "invoice-42", not 0x696e766f…; "" for the zero memo.
 */
export function memoText(memo: Hex): string {
  const hex = memo.slice(2).replace(/(00)+$/, "");
  if (hex.length === 0) return "";
  if (hex.length % 2 !== 0) return memo;
  const bytes = new Uint8Array(hex.match(/../g)!.map((b) => parseInt(b, 16)));
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return memo;
  }
  // Control characters would reorder or hide text in a table or a spreadsheet cell.
  return /^[^\p{Cc}\p{Cf}]*$/u.test(text) ? text : memo;
}
