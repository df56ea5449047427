/**
 * A TypeScript consumer of the installed @wellspring/sdk and @wellspring/attribution:
 * test/packages/consumer.test.ts type-checks it (tsc --noEmit) against the packages' .d.ts.
 * The @ts-expect-error lines fail the check if the types went missing (everything `any`).
 */
import {
  ENGINE_VERSION,
  inputFile,
  parseShareTable,
  verifyShareTable,
  type ShareTable,
} from "@wellspring/attribution";
import { createShareTable, deposit, type SdkClient } from "@wellspring/sdk";

export const engine: string = ENGINE_VERSION;

export function judge(text: string, path: string, bytes: Uint8Array): bigint {
  const table: ShareTable = parseShareTable(text, path);
  verifyShareTable({ table, files: [inputFile(path, bytes)], policy: { version: 1 } });
  // @ts-expect-error totalShares is a bigint
  const wrong: string = table.totalShares;
  void wrong;
  return table.totalShares;
}

export async function pay(client: SdkClient, pool: `0x${string}`, token: `0x${string}`): Promise<bigint> {
  createShareTable({ entries: [{ account: pool, shares: 1n }] });
  // @ts-expect-error amounts are bigints, not strings
  await deposit(client, { pool, token, amount: "1" });
  return (await deposit(client, { pool, token, amount: 1n })).credited;
}
