// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// Test names follow the house style `test_<fn>_<Behaviour>`, not mixedCase.
// solhint-disable func-name-mixedcase

import {Test} from "forge-std/Test.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";

import {StandardMerkle} from "./utils/StandardMerkle.sol";

/// @notice The Solidity tree builder used by the fuzz and invariant tests must agree with
/// OpenZeppelin's merkle-tree package byte for byte (the off-chain side of the leaf format,
/// docs/design.md#leaf-format-and-proofs).
contract StandardMerkleTest is Test {
    function _table() private pure returns (bytes32[] memory ids, uint256[] memory shares) {
        ids = new bytes32[](5);
        shares = new uint256[](5);
        ids[0] = bytes32(uint256(0xa11c));
        ids[1] = bytes32(uint256(0xb0b0));
        ids[2] = bytes32(uint256(0x1111111111111111111111111111111111111111111111111111111111111111));
        ids[3] = bytes32(uint256(0x2222222222222222222222222222222222222222222222222222222222222222));
        ids[4] = bytes32(uint256(0x3333333333333333333333333333333333333333333333333333333333333333));
        shares[0] = 0.25e18;
        shares[1] = 0.3e18;
        shares[2] = 0.15e18;
        shares[3] = 0.2e18;
        shares[4] = 0.1e18;
    }

    // Vectors produced by `StandardMerkleTree.of(rows, ["bytes32","uint256"])` (OpenZeppelin merkle-tree package 1.0.8).
    function test_build_MatchesOpenZeppelinStandardMerkleTree() public pure {
        (bytes32[] memory ids, uint256[] memory shares) = _table();
        bytes32[] memory tree = StandardMerkle.build(ids, shares);
        assertEq(tree[0], 0x869e6431895380f48d3b6435b25bdb45c94ea6d897a8f2af6ab44261cd566857);

        bytes32[] memory p = StandardMerkle.proof(tree, StandardMerkle.leaf(ids[1], shares[1]));
        assertEq(p.length, 2);
        assertEq(p[0], 0xe297b7f07ab4f7ca4c5a7b11a5eebe38bc0bdaa0bebe08d0426e60d30a6ee059);
        assertEq(p[1], 0xb1a18ae73d36b5ad713552cb6e4773a34fa75465944d6c8662409f516b972e0a);

        p = StandardMerkle.proof(tree, StandardMerkle.leaf(ids[4], shares[4]));
        assertEq(p.length, 3);
        assertEq(p[0], 0x1cbee1fb17c0fdbbf4bd77a7077f9d433a15648ea2a959f07975a9df3c464496);
        assertEq(p[1], 0xd69474d9da7cb12419f43009310fcb4c3420b85f2620961e4d8e3c27985cb765);
        assertEq(p[2], 0xb1a18ae73d36b5ad713552cb6e4773a34fa75465944d6c8662409f516b972e0a);
    }

    function test_build_MatchesOpenZeppelinForOneAndTwoLeaves() public pure {
        (bytes32[] memory ids, uint256[] memory shares) = _table();
        bytes32[] memory one = new bytes32[](1);
        uint256[] memory oneShares = new uint256[](1);
        one[0] = ids[0];
        oneShares[0] = shares[0];
        assertEq(
            StandardMerkle.build(one, oneShares)[0],
            0x1cbee1fb17c0fdbbf4bd77a7077f9d433a15648ea2a959f07975a9df3c464496
        );
        bytes32[] memory two = new bytes32[](2);
        uint256[] memory twoShares = new uint256[](2);
        (two[0], two[1]) = (ids[0], ids[1]);
        (twoShares[0], twoShares[1]) = (shares[0], shares[1]);
        assertEq(
            StandardMerkle.build(two, twoShares)[0],
            0xeb57f1fcd27082925f41d59c1c9dad8825b91d3a6dc68d0785d1ca2dc366f70a
        );
    }

    // Every proof of every random table verifies with OpenZeppelin's on-chain MerkleProof.
    function testFuzz_proof_VerifiesWithMerkleProof(uint256 seed, uint8 rawCount) public pure {
        uint256 n = bound(rawCount, 1, 16);
        bytes32[] memory ids = new bytes32[](n);
        uint256[] memory shares = new uint256[](n);
        for (uint256 i = 0; i < n; i++) {
            ids[i] = keccak256(abi.encode(seed, i));
            shares[i] = (uint256(keccak256(abi.encode(seed, i, "shares"))) % 1e18) + 1;
        }
        bytes32[] memory tree = StandardMerkle.build(ids, shares);
        for (uint256 i = 0; i < n; i++) {
            bytes32 leafHash = StandardMerkle.leaf(ids[i], shares[i]);
            assertTrue(MerkleProof.verify(StandardMerkle.proof(tree, leafHash), tree[0], leafHash));
            // A wrong share count must not verify.
            assertFalse(
                MerkleProof.verify(
                    StandardMerkle.proof(tree, leafHash),
                    tree[0],
                    StandardMerkle.leaf(ids[i], shares[i] + 1)
                )
            );
        }
    }
}
