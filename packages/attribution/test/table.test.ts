import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { keccak256, encodePacked } from "viem";
import { accountIdOf } from "../src/account.ts";
import { canonicalJson } from "../src/canonical.ts";
import { isWellspringError } from "../src/errors.ts";
import { buildMerkleTree, merkleRoot } from "../src/merkle.ts";
import {
  computeInputsHash,
  findRow,
  parseShareTable,
  serializeShareTable,
  serializeShareTableToString,
  type ShareTable,
} from "../src/table.ts";
import { proofForAccount, verifyShareTable } from "../src/verify.ts";
import { shareTableOf } from "./share-table-fixture.ts";

function makeTable(identities: string[], shares: bigint[]): ShareTable {
  return shareTableOf(
    identities.map((identity, i) => ({ identity, shares: shares[i]! })),
    (accountIds, rowShares) => merkleRoot(buildMerkleTree(accountIds, rowShares)),
  );
}

const table = makeTable(["github:1", "npm:bob", "0x00000000000000000000000000000000000000AA"], [5n, 3n, 2n]);
const text = serializeShareTableToString(table);

describe("share table", () => {
  it("streams exactly the canonical JSON of the table", () => {
    const doc = JSON.parse(text) as Record<string, unknown>;
    assert.equal(canonicalJson(doc), text);
    assert.deepEqual(Object.keys(doc).sort(), [
      "engineVersion",
      "inputs",
      "inputsHash",
      "policyHash",
      "recipients",
      "root",
      "tableHash",
      "totalShares",
      "version",
    ]);
    assert.equal([...serializeShareTable(table, 1)].join(""), text);
    assert.ok([...serializeShareTable(table, 1)].length >= 4);
  });

  it("defines tableHash as keccak256(abi.encodePacked(totalShares, (accountId, shares)...))", () => {
    const doc = JSON.parse(text) as { recipients: { accountId: `0x${string}`; shares: string }[] };
    const types: string[] = ["uint256"];
    const values: unknown[] = [10n];
    for (const r of doc.recipients) {
      types.push("bytes32", "uint256");
      values.push(r.accountId, BigInt(r.shares));
    }
    assert.equal(table.tableHash, keccak256(encodePacked(types, values)));
    const digests = ["ff".repeat(32), "00".repeat(32)];
    assert.equal(
      computeInputsHash(digests.map((sha256) => ({ sha256 }))),
      keccak256(`0x${"00".repeat(32)}${"ff".repeat(32)}`),
    );
  });

  it("parses what it writes and finds rows and proofs", () => {
    const back = parseShareTable(text, "share-table.json");
    assert.equal(serializeShareTableToString(back), text);
    assert.equal(findRow(back.rows, accountIdOf("npm:bob")) >= 0, true);
    assert.equal(findRow(back.rows, accountIdOf("npm:nobody")), -1);
    const p = proofForAccount(back, "0x00000000000000000000000000000000000000aa");
    assert.equal(p.shares, 2n);
    assert.equal(p.root, table.root);
    assert.throws(
      () => proofForAccount(back, "npm:nobody"),
      (e) => isWellspringError(e, "ACCOUNT_NOT_FOUND"),
    );
    assert.deepEqual(verifyShareTable({ table: back, root: table.root }).recipients, 3);
    assert.throws(
      () => verifyShareTable({ table: back, root: `0x${"00".repeat(32)}` }),
      (e) => isWellspringError(e, "VERIFY_MISMATCH") && e.field === "root",
    );
  });

  it("rejects malformed tables with TABLE_INVALID and the field path", () => {
    const doc = (): Record<string, unknown> & { recipients: Record<string, unknown>[] } => JSON.parse(text);
    const cases: [(d: ReturnType<typeof doc>) => void, string][] = [
      [(d) => (d.version = 2), "version"],
      [(d) => (d.totalShares = "11"), "recipients"],
      [(d) => (d.recipients[1]!.shares = "0"), "recipients[1].shares"],
      [(d) => (d.recipients[1]!.shares = 3), "recipients[1].shares"],
      [(d) => d.recipients.reverse(), "recipients[1].accountId"],
      [(d) => (d.recipients[0]!.identity = "github:someone-else"), "recipients[0].identity"],
      [(d) => (d.recipients[0]!.accountId = "0xABC"), "recipients[0].accountId"],
      [(d) => (d.tableHash = `0x${"00".repeat(32)}`), "tableHash"],
      [(d) => (d.inputsHash = `0x${"00".repeat(32)}`), "inputsHash"],
      [(d) => (d.root = "0x12"), "root"],
      [(d) => (d.recipients = []), "recipients"],
    ];
    for (const [mutate, field] of cases) {
      const d = doc();
      mutate(d);
      assert.throws(
        () => parseShareTable(JSON.stringify(d), "t.json"),
        (e) => isWellspringError(e, "TABLE_INVALID") && e.field === field && e.file === "t.json",
        field,
      );
    }
    assert.throws(
      () => parseShareTable("{not json"),
      (e) => isWellspringError(e, "TABLE_INVALID"),
    );
  });

  it("swapping shares between rows keeps the sum but not the tableHash", () => {
    const d = JSON.parse(text) as { recipients: { shares: string }[] };
    const s = d.recipients[0]!.shares;
    d.recipients[0]!.shares = d.recipients[1]!.shares;
    d.recipients[1]!.shares = s;
    assert.throws(
      () => parseShareTable(JSON.stringify(d)),
      (e) => isWellspringError(e, "TABLE_INVALID") && e.field === "tableHash",
    );
  });
});
