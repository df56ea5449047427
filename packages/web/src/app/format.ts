// Shares and bytes as the pages print them: exact (bigint) percentages, short hex, base64. Amounts
// of money are units.ts's.
import { formatUnits } from "viem";

export function shortHex(value: string, chars = 6): string {
  return value.length <= 2 + chars * 2 ? value : `${value.slice(0, 2 + chars)}…${value.slice(-chars)}`;
}

/** shares / total as a percentage with 4 decimals, exact (bigint arithmetic). */
export function percent(shares: bigint, total: bigint): string {
  if (total === 0n) return "0 %";
  const scaled = (shares * 1_000_000n) / total; // hundredths of a thousandth of a percent
  return `${formatUnits(scaled, 4)} %`;
}

/** Standard base64 of bytes (btoa takes a binary string; built in chunks for big files). */
export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
