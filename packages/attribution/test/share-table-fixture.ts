import { accountIdOf, type Hex32 } from "../src/index.ts";
import { computeInputsHash, computeTableHash, type ShareTable } from "../src/table.ts";

/**
 * A share table of the given recipients, sorted by accountId, with its hashes computed; `root`
 * gets the sorted accountIds and shares (parseShareTable does not check the root).
 */
export function shareTableOf(
  recipients: readonly { identity: string; shares: bigint }[],
  root: (accountIds: Uint8Array, shares: bigint[]) => Hex32 = () => `0x${"33".repeat(32)}`,
): ShareTable {
  const rows = recipients.map((r) => ({ ...r, id: accountIdOf(r.identity) }));
  rows.sort((a, b) => (a.id < b.id ? -1 : 1));
  const accountIds = new Uint8Array(rows.length * 32);
  rows.forEach((r, i) => accountIds.set(Buffer.from(r.id.slice(2), "hex"), i * 32));
  const tableRows = {
    length: rows.length,
    accountIds,
    shares: rows.map((r) => r.shares),
    identities: rows.map((r) => (r.identity.startsWith("0x") ? r.identity.toLowerCase() : r.identity)),
  };
  const totalShares = tableRows.shares.reduce((a, b) => a + b, 0n);
  const inputs = [{ path: "a.json", sha256: "11".repeat(32), format: "cyclonedx-1.6" }];
  return {
    version: 1,
    totalShares,
    root: root(accountIds, tableRows.shares),
    policyHash: `0x${"22".repeat(32)}`,
    inputsHash: computeInputsHash(inputs),
    tableHash: computeTableHash(totalShares, tableRows),
    engineVersion: "test",
    inputs,
    rows: tableRows,
  };
}
