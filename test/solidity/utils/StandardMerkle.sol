// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title StandardMerkle
/// @notice TEST ONLY. Builds share-table Merkle trees exactly as OpenZeppelin's `StandardMerkleTree.of(values,
/// ["bytes32","uint256"])` does (sortLeaves on), so roots and proofs match OpenZeppelin's merkle-tree package byte for
/// byte: leaves are double-hashed `abi.encode(accountId, shares)`, sorted ascending by hash, stored at the end of
/// a flat array in reverse order, and inner nodes hash their children as a sorted pair.
library StandardMerkle {
    error StandardMerkleEmpty();
    error StandardMerkleLengthMismatch(uint256 accounts, uint256 shares);
    error StandardMerkleLeafNotFound(bytes32 leaf);

    /// @notice The leaf of one share-table row: keccak256(bytes.concat(keccak256(abi.encode(..)))),
    /// docs/design.md#leaf-format-and-proofs.
    function leaf(bytes32 accountId, uint256 shares) internal pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(accountId, shares))));
    }

    /// @notice The flat tree of OpenZeppelin's `makeMerkleTree` for the given rows (root at index 0).
    function build(
        bytes32[] memory accountIds,
        uint256[] memory shares
    ) internal pure returns (bytes32[] memory tree) {
        uint256 n = accountIds.length;
        if (n == 0) revert StandardMerkleEmpty();
        if (shares.length != n) revert StandardMerkleLengthMismatch(n, shares.length);
        bytes32[] memory leaves = new bytes32[](n);
        for (uint256 i = 0; i < n; i++) {
            leaves[i] = leaf(accountIds[i], shares[i]);
        }
        _sort(leaves);
        tree = new bytes32[](2 * n - 1);
        for (uint256 i = 0; i < n; i++) {
            tree[tree.length - 1 - i] = leaves[i];
        }
        for (uint256 j = tree.length - n; j > 0; j--) {
            uint256 i = j - 1;
            tree[i] = _hashPair(tree[2 * i + 1], tree[2 * i + 2]);
        }
    }

    /// @notice The proof of `leafHash` in `tree`, leaf to root, as OpenZeppelin's merkle-tree package's `getProof`.
    function proof(bytes32[] memory tree, bytes32 leafHash) internal pure returns (bytes32[] memory out) {
        uint256 index = type(uint256).max;
        for (uint256 i = tree.length; i > 0; i--) {
            if (tree[i - 1] == leafHash) {
                index = i - 1;
                break;
            }
        }
        // Only the leaf part of the array (the last (len+1)/2 slots) holds leaves.
        if (index == type(uint256).max || index < tree.length / 2)
            revert StandardMerkleLeafNotFound(leafHash);
        uint256 depth = 0;
        for (uint256 i = index; i > 0; i = (i - 1) / 2) depth++;
        out = new bytes32[](depth);
        uint256 k = 0;
        while (index > 0) {
            out[k++] = tree[index % 2 == 1 ? index + 1 : index - 1];
            index = (index - 1) / 2;
        }
    }

    function _hashPair(bytes32 a, bytes32 b) private pure returns (bytes32) {
        return a < b ? keccak256(abi.encodePacked(a, b)) : keccak256(abi.encodePacked(b, a));
    }

    /// @dev Insertion sort: test tables are small.
    function _sort(bytes32[] memory a) private pure {
        for (uint256 i = 1; i < a.length; i++) {
            bytes32 v = a[i];
            uint256 j = i;
            while (j > 0 && a[j - 1] > v) {
                a[j] = a[j - 1];
                j--;
            }
            a[j] = v;
        }
    }
}
