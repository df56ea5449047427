import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import {
  attribute,
  inputFile,
  parseShareTable as parseEngineTable,
  serializeShareTableToString,
} from "@wellspring/attribution";

import {
  addressToAccountId,
  buildShareTree,
  createShareTable,
  FAST_BUILDER_THRESHOLD,
  identityToAccountId,
  isSdkError,
  parseShareTable,
  shareTableToJson,
  verifyAccountProof,
} from "../src/index.ts";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

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
    const address = entries[2]!.account;
    assert.equal(
      table.recipients.find((r) => r.identity === address.toLowerCase())?.accountId,
      addressToAccountId(address as `0x${string}`),
    );
  });

  it("writes a file the attribution engine's own parser accepts (same tableHash)", () => {
    const json = tableJson();
    const engine = parseEngineTable(JSON.stringify(json));
    assert.equal(engine.tableHash, json.tableHash);
    assert.equal(engine.root, json.root);
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

describe("share tables from the attribution engine", () => {
  it("parses the engine's share-table.json for this repository's package-lock.json and rebuilds its root", () => {
    const lock = readFileSync(path.join(repoRoot, "package-lock.json"));
    const policy = JSON.parse(
      readFileSync(path.join(repoRoot, "packages/attribution/policies/default.json"), "utf8"),
    );
    const result = attribute({ files: [inputFile("package-lock.json", lock)], policy });
    const table = parseShareTable(JSON.parse(serializeShareTableToString(result.table)));
    assert.ok(table.recipients.length > 100);
    for (const builder of ["openzeppelin", "fast"] as const) {
      const tree = buildShareTree(table, { builder }); // throws ROOT_MISMATCH if the roots differ
      assert.equal(tree.root, table.root);
      const sample = table.recipients[Math.floor(table.recipients.length / 2)]!;
      assert.equal(verifyAccountProof(tree.root, tree.proofFor(sample.accountId)), true);
    }
  });

  it("the fast builder used for big tables gives OpenZeppelin's root and proofs", () => {
    const entries = Array.from({ length: FAST_BUILDER_THRESHOLD * 3 + 1 }, (_, i) => ({
      account: `npm:user-${i}`,
      shares: BigInt(1 + ((i * 7919) % 1000)),
    }));
    const table = createShareTable({ entries });
    const fast = buildShareTree(table);
    const oz = buildShareTree(table, { builder: "openzeppelin" });
    assert.equal(fast.root, oz.root);
    for (const i of [0, 1, 1000, 2047, entries.length - 1]) {
      const id = table.recipients[i]!.accountId;
      assert.deepEqual(fast.proofFor(id), oz.proofFor(id));
      assert.equal(verifyAccountProof(fast.root, fast.proofFor(id)), true);
    }
  });
});
