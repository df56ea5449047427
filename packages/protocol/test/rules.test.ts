import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { type Hex, concat, getAddress, keccak256 } from "viem";

import {
  accountIdToAddress,
  addressToAccountId,
  claimableFrom,
  currentScheduleId,
  entitlement,
  genesisScheduleId,
  hashPair,
  identityToAccountId,
  isAccountId,
  isAddressAccount,
  isAddressString,
  isClaimableStatus,
  isProtocolArgumentError,
  LEAF_ENCODING,
  leafHash,
  merkleProof,
  merkleRoot,
  merkleTree,
  mulDiv,
  pendingScheduleId,
  potKey,
  potRemainder,
  potView,
  processProof,
  type ProposedSchedule,
  SCHEDULE_STATUSES,
  scheduleStatus,
  scheduleStatuses,
  scheduleTimesOf,
  sweepableAt,
  toAccountId,
  unpaidEntitlement,
  verifyProof,
} from "../src/index.ts";

/**
 * Each money rule of the protocol at its boundaries, with values worked out by hand from
 * docs/design.md (differential.test.ts compares the same rules with the contract over random
 * histories; these pin the exact instants and amounts where an off-by-one would hide).
 */

const MAX_UINT256 = (1n << 256n) - 1n;
const refusedOn = (field: string) => (e: unknown) => isProtocolArgumentError(e) && e.field === field;

describe("schedule clock", () => {
  const times = (activatesAt: bigint, supersededAt = 0n, revoked = false) => ({
    activatesAt,
    supersededAt,
    revoked,
  });

  it("is pending until activatesAt, active from it, superseded from supersededAt", () => {
    const t = times(100n, 200n);
    assert.equal(scheduleStatus(t, 0n), "pending");
    assert.equal(scheduleStatus(t, 99n), "pending");
    assert.equal(scheduleStatus(t, 100n), "active");
    assert.equal(scheduleStatus(t, 101n), "active");
    assert.equal(scheduleStatus(t, 199n), "active");
    assert.equal(scheduleStatus(t, 200n), "superseded");
    assert.equal(scheduleStatus(t, 201n), "superseded");
    // Never superseded: active for ever.
    assert.equal(scheduleStatus(times(100n), 10n ** 12n), "active");
  });

  it("reads never-proposed as unknown and a revocation before any time", () => {
    assert.equal(scheduleStatus(times(0n), 5n), "unknown");
    assert.equal(scheduleStatus(times(0n, 0n, true), 5n), "unknown");
    for (const now of [99n, 100n, 250n])
      assert.equal(scheduleStatus(times(100n, 200n, true), now), "revoked");
  });

  it("pays in the active and superseded statuses only", () => {
    assert.deepEqual(
      SCHEDULE_STATUSES.filter((s) => isClaimableStatus(s)),
      ["active", "superseded"],
    );
  });

  it("allows a sweep one claim window after supersession, and never before it", () => {
    assert.equal(sweepableAt(times(100n), 50n), 0n);
    assert.equal(sweepableAt(times(100n, 200n), 50n), 250n);
    assert.equal(sweepableAt(times(100n, 200n), 0n), 200n);
  });
});

describe("schedule history", () => {
  // Proposals 1..4 in a shuffled order: 2 was revoked while pending, 4 is still pending at 350.
  const history: ProposedSchedule[] = [
    { scheduleId: 3n, activatesAt: 300n, revoked: false },
    { scheduleId: 1n, activatesAt: 100n, revoked: false },
    { scheduleId: 4n, activatesAt: 400n, revoked: false },
    { scheduleId: 2n, activatesAt: 200n, revoked: true },
  ];

  it("supersedes a schedule at the next unrevoked activation", () => {
    assert.deepEqual(scheduleTimesOf(history, 1n), { activatesAt: 100n, supersededAt: 300n, revoked: false });
    assert.deepEqual(scheduleTimesOf(history, 2n), { activatesAt: 200n, supersededAt: 0n, revoked: true });
    assert.deepEqual(scheduleTimesOf(history, 3n), { activatesAt: 300n, supersededAt: 400n, revoked: false });
    assert.deepEqual(scheduleTimesOf(history, 4n), { activatesAt: 400n, supersededAt: 0n, revoked: false });
    assert.deepEqual(scheduleTimesOf(history, 9n), { activatesAt: 0n, supersededAt: 0n, revoked: false });
    assert.deepEqual(scheduleTimesOf([], 1n), { activatesAt: 0n, supersededAt: 0n, revoked: false });
  });

  it("lists every schedule in id order with its status", () => {
    assert.deepEqual(scheduleStatuses(history, 350n), [
      { scheduleId: 1n, status: "superseded", supersededAt: 300n },
      { scheduleId: 2n, status: "revoked", supersededAt: 0n },
      { scheduleId: 3n, status: "active", supersededAt: 400n },
      { scheduleId: 4n, status: "pending", supersededAt: 0n },
    ]);
    assert.deepEqual(scheduleStatuses([], 1n), []);
  });

  it("moves the current schedule at each activation instant", () => {
    for (const [now, current] of [
      [0n, 0n],
      [99n, 0n],
      [100n, 1n],
      [200n, 1n], // 2 was revoked
      [299n, 1n],
      [300n, 3n],
      [399n, 3n],
      [400n, 4n],
    ] as const)
      assert.equal(currentScheduleId(history, now), current, `at ${now}`);
    assert.equal(currentScheduleId([], 100n), 0n);
  });

  it("has the latest proposal pending until it activates, unless it was revoked", () => {
    assert.equal(pendingScheduleId(history, 399n), 4n);
    assert.equal(pendingScheduleId(history, 400n), 0n);
    assert.equal(pendingScheduleId([], 0n), 0n);
    const revokedLast = [...history, { scheduleId: 5n, activatesAt: 500n, revoked: true }];
    assert.equal(pendingScheduleId(revokedLast, 450n), 0n);
  });

  it("gives the unallocated pot to the first unrevoked schedule", () => {
    const revokedFirst = [
      { scheduleId: 2n, activatesAt: 200n, revoked: false },
      { scheduleId: 1n, activatesAt: 100n, revoked: true },
    ];
    assert.equal(genesisScheduleId(revokedFirst), 2n);
    assert.equal(genesisScheduleId(history), 1n);
    assert.equal(genesisScheduleId([{ scheduleId: 1n, activatesAt: 100n, revoked: true }]), undefined);
    assert.equal(genesisScheduleId([]), undefined);
    assert.equal(potKey(2n, 2n), 0n);
    assert.equal(potKey(3n, 2n), 3n);
    assert.equal(potKey(3n, undefined), 3n);
    assert.equal(potKey(0n, undefined), 0n);
  });
});

describe("entitlement", () => {
  it("rounds down, as Math.mulDiv does", () => {
    assert.equal(mulDiv(7n, 3n, 2n), 10n);
    assert.equal(mulDiv(MAX_UINT256, MAX_UINT256, MAX_UINT256), MAX_UINT256);
    assert.equal(entitlement(100n, 1n, 3n), 33n);
    assert.equal(entitlement(100n, 2n, 3n), 66n);
    assert.equal(entitlement(99n, 1n, 3n), 33n);
    assert.throws(() => mulDiv(1n, 1n, 0n), { name: "RangeError", message: /^mulDiv: division by zero/ });
  });

  it("reads a swept pot as empty, and what is left of any other", () => {
    const pot = { deposited: 90n, claimed: 40n, swept: false };
    assert.deepEqual(potView(pot), { deposited: 90n, claimed: 40n });
    assert.equal(potRemainder(pot), 50n);
    assert.deepEqual(potView({ ...pot, swept: true }), { deposited: 0n, claimed: 0n });
    assert.equal(potRemainder({ ...pot, swept: true }), 0n);
  });

  it("owes the entitlement less what was paid, never less than 0", () => {
    const owed = (paid: bigint, swept = false) =>
      unpaidEntitlement({ pot: { deposited: 100n, swept }, shares: 1n, totalShares: 3n, paid });
    assert.equal(owed(0n), 33n);
    assert.equal(owed(32n), 1n);
    assert.equal(owed(33n), 0n);
    assert.equal(owed(34n), 0n);
    assert.equal(owed(0n, true), 0n);
  });

  it("pays up to exactly what is left in the pot, and nothing past it", () => {
    const claimable = (claimed: bigint) =>
      claimableFrom({
        pot: { deposited: 100n, claimed, swept: false },
        shares: 1n,
        totalShares: 2n,
        paid: 0n,
      });
    assert.equal(claimable(0n), 50n);
    assert.equal(claimable(50n), 50n); // claimed + 50 = deposited
    assert.equal(claimable(51n), 0n);
  });
});

describe("leaves and proofs", () => {
  const id = (byte: string): Hex => `0x${byte.repeat(32)}`;

  it("hashes (accountId, shares) for every uint256, and refuses what is not one", () => {
    const oz = StandardMerkleTree.of([[id("01"), 0n]], [...LEAF_ENCODING]);
    assert.equal(leafHash(id("01"), 0n), oz.leafHash([id("01"), 0n]));
    assert.equal(leafHash(id("01"), MAX_UINT256), oz.leafHash([id("01"), MAX_UINT256]));
    assert.throws(() => leafHash(id("01"), MAX_UINT256 + 1n), refusedOn("shares"));
    assert.throws(() => leafHash(id("01"), -1n), refusedOn("shares"));
    assert.throws(() => leafHash("0x01", 1n), refusedOn("accountId"));
  });

  it("hashes a pair smaller first, whatever the order or case given", () => {
    const [a, b] = [id("0a"), id("0b")];
    const expected = keccak256(concat([a, b]));
    assert.equal(hashPair(a, b), expected);
    assert.equal(hashPair(b, a), expected);
    assert.equal(hashPair(b.toUpperCase().replace("0X", "0x") as Hex, a), expected);
    assert.equal(processProof([], a.toUpperCase().replace("0X", "0x") as Hex), a);
    assert.equal(processProof([b, id("0c")], a), hashPair(expected, id("0c")));
  });

  it("builds a one-leaf tree, equal leaves and the shortcuts like OpenZeppelin", () => {
    const leaf = { accountId: id("01"), shares: 5n };
    const one = merkleTree([leaf]);
    assert.equal(one.root, leafHash(leaf.accountId, leaf.shares));
    assert.deepEqual(one.proof(0), []);
    assert.deepEqual(one.treeIndex, [0]);
    const leaves = [leaf, { accountId: id("02"), shares: 1n }, leaf, { accountId: id("03"), shares: 9n }];
    const oz = StandardMerkleTree.of(
      leaves.map((l) => [l.accountId, l.shares]),
      [...LEAF_ENCODING],
    );
    const tree = merkleTree(leaves);
    assert.equal(tree.root, oz.root);
    assert.deepEqual(
      tree.nodes,
      (oz.dump().tree as Hex[]).map((h) => h.toLowerCase()),
    );
    leaves.forEach((_, row) => {
      assert.deepEqual(tree.proof(row), oz.getProof(row));
      assert.deepEqual(merkleProof(leaves, row), oz.getProof(row));
      assert.equal(tree.treeIndex[row], oz.dump().values[row]!.treeIndex);
    });
    assert.equal(merkleRoot(leaves), oz.root);
    assert.ok(verifyProof(oz.root.toUpperCase().replace("0X", "0x") as Hex, leaf, tree.proof(0)));
    assert.ok(!verifyProof(oz.root as Hex, { ...leaf, accountId: id("02") }, tree.proof(0)));
  });

  it("refuses an empty tree and a row that is not in it", () => {
    assert.throws(() => merkleTree([]), refusedOn("leaves"));
    const tree = merkleTree([
      { accountId: id("01"), shares: 1n },
      { accountId: id("02"), shares: 1n },
    ]);
    for (const row of [-1, 2, 0.5, Number.NaN]) assert.throws(() => tree.proof(row), refusedOn("row"));
    assert.equal(tree.proof(1).length, 1);
  });
});

describe("accountIds", () => {
  const address = "0x52908400098527886E0F7030069857D2E4169EE7";
  const padded = `0x${"0".repeat(24)}${address.slice(2).toLowerCase()}`;

  it("pads an address of either case and reads it back checksummed", () => {
    assert.equal(addressToAccountId(address), padded);
    assert.equal(addressToAccountId(address.toLowerCase() as Hex), padded);
    assert.equal(identityToAccountId(address), padded);
    assert.equal(toAccountId(address), padded);
    assert.equal(accountIdToAddress(padded as Hex), getAddress(address));
    assert.ok(isAddressAccount(padded as Hex));
    assert.throws(() => addressToAccountId("0x1234"), refusedOn("address"));
    assert.throws(() => addressToAccountId(`${address}00` as Hex), refusedOn("address"));
  });

  it("treats an accountId as an address only when all of its top 12 bytes are zero", () => {
    for (let byte = 0; byte < 12; byte++) {
      const id = `0x${"00".repeat(byte)}01${"00".repeat(11 - byte)}${"11".repeat(20)}` as Hex;
      assert.equal(isAddressAccount(id), false, `byte ${byte}`);
      assert.equal(accountIdToAddress(id), undefined);
    }
    assert.throws(() => isAddressAccount(`0x${"00".repeat(31)}`), refusedOn("accountId"));
  });

  it("takes what a user typed: an accountId as is (lower case), else an address or an identity", () => {
    const upper = `0x${"AB".repeat(32)}`;
    assert.equal(toAccountId(upper), upper.toLowerCase());
    assert.equal(toAccountId("github:123"), keccak256(new TextEncoder().encode("github:123")));
    assert.equal(identityToAccountId("github:123"), toAccountId("github:123"));
    assert.throws(() => toAccountId(""), refusedOn("account"));
    assert.throws(() => identityToAccountId(""), refusedOn("identity"));
  });

  it("recognises the two hex forms exactly", () => {
    assert.ok(isAccountId(`0x${"aB".repeat(32)}`));
    for (const bad of [
      `0x${"ab".repeat(31)}`,
      `0x${"ab".repeat(33)}`,
      `0X${"ab".repeat(32)}`,
      "ab".repeat(33),
    ])
      assert.ok(!isAccountId(bad), bad);
    assert.ok(isAddressString(address));
    for (const bad of [address.slice(0, 41), `${address}0`, `0X${address.slice(2)}`, ` ${address}`])
      assert.ok(!isAddressString(bad), bad);
  });
});
