import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { StandardMerkleTree } from "@openzeppelin/merkle-tree";

import {
  addressToAccountId,
  buildShareTree,
  createShareTable,
  identityToAccountId,
  isSdkError,
  parseShareTable,
  shareTableToJson,
  verifyAccountProof,
} from "../src/index.ts";

const entries = [
  { account: "github:1", shares: 500_000_000_000_000_000n },
  { account: "npm:alice", shares: 300_000_000_000_000_000n },
  { account: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", shares: 200_000_000_000_000_000n },
];

function tableJson(): Record<string, unknown> {
  const table = createShareTable({ entries });
  const root = buildShareTree(table).root;
  return shareTableToJson({ ...table, root }) as Record<string, unknown>;
}

describe("createShareTable / parseShareTable", () => {
  it("sorts recipients by accountId and keeps identities", () => {
    const table = createShareTable({ entries });
    const ids = table.recipients.map((r) => r.accountId);
    assert.deepEqual(ids, [...ids].sort());
    assert.equal(table.totalShares, 10n ** 18n);
    assert.equal(
      table.recipients.find((r) => r.identity === "github:1")?.accountId,
      identityToAccountId("github:1"),
    );
    assert.equal(
      table.recipients.find((r) => r.identity === undefined)?.accountId,
      addressToAccountId(entries[2]!.account as `0x${string}`),
    );
  });

  it("round-trips through share-table.json", () => {
    const json = tableJson();
    const parsed = parseShareTable(JSON.parse(JSON.stringify(json)));
    assert.deepEqual(shareTableToJson(parsed), json);
  });

  const broken: Array<
    [string, (doc: Record<string, unknown> & { recipients: Array<Record<string, string>> }) => void]
  > = [
    ["missing root", (d) => delete d.root],
    ["shares not decimal", (d) => (d.recipients[0]!.shares = "1e18")],
    ["unsorted", (d) => d.recipients.reverse()],
    ["duplicate", (d) => (d.recipients[1] = { ...d.recipients[0]! })],
    ["zero shares", (d) => (d.recipients[0]!.shares = "0")],
    ["wrong sum", (d) => (d.totalShares = "999")],
    ["identity not matching accountId", (d) => (d.recipients.find((r) => r.identity)!.identity = "github:2")],
  ];
  for (const [name, mutate] of broken) {
    it(`rejects a table with ${name} (INVALID_SHARE_TABLE)`, () => {
      const doc = structuredClone(tableJson()) as Record<string, unknown> & {
        recipients: Array<Record<string, string>>;
      };
      mutate(doc);
      assert.throws(
        () => parseShareTable(doc),
        (e) => isSdkError(e, "INVALID_SHARE_TABLE"),
      );
    });
  }
});

describe("buildShareTree", () => {
  it("matches @openzeppelin/merkle-tree byte for byte and its proofs verify", () => {
    const table = parseShareTable(tableJson());
    const oz = StandardMerkleTree.of(
      table.recipients.map((r) => [r.accountId, r.shares]),
      ["bytes32", "uint256"],
    );
    const tree = buildShareTree(table);
    assert.equal(tree.root, oz.root);
    for (const [i, [accountId]] of oz.entries()) {
      const p = tree.proofFor(accountId as string);
      assert.deepEqual(p.proof, oz.getProof(i));
      assert.equal(verifyAccountProof(tree.root, p), true);
      assert.equal(verifyAccountProof(tree.root, { ...p, shares: p.shares + 1n }), false);
    }
    assert.equal(tree.allProofs().length, 3);
  });

  it("finds accounts by identity string, address or accountId", () => {
    const tree = buildShareTree(parseShareTable(tableJson()));
    assert.equal(tree.proofFor("github:1").shares, 500_000_000_000_000_000n);
    assert.equal(tree.proofFor(entries[2]!.account).shares, 200_000_000_000_000_000n);
    assert.equal(tree.has("github:2"), false);
    assert.throws(
      () => tree.proofFor("github:2"),
      (e) => isSdkError(e, "PROOF_NOT_FOUND"),
    );
  });

  it("refuses a table whose stated root differs (ROOT_MISMATCH)", () => {
    const doc = tableJson();
    doc.root = "0x" + "11".repeat(32);
    const table = parseShareTable(doc);
    assert.throws(
      () => buildShareTree(table),
      (e) => isSdkError(e, "ROOT_MISMATCH"),
    );
    assert.equal(buildShareTree(table, { verifyRoot: false }).root, tableJson().root);
  });
});
