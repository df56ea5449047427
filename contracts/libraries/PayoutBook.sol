// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title PayoutBook
/// @notice An in-memory list of (payee, token, amount) transfers owed at the end of a claim, one entry per
/// (payee, token) pair, so a call that claims many schedules sends one transfer per payee and token.
/// @dev A book is a memory pointer: word 0 holds the entry count, then 3 words per entry. It is allocated once
/// with its capacity, so entries never move and bounds checks are not needed (callers size it from the request).
library PayoutBook {
    /// @notice Allocates a book for up to `capacity` entries.
    function create(uint256 capacity) internal pure returns (uint256 book) {
        assembly ("memory-safe") {
            book := mload(0x40)
            mstore(book, 0)
            mstore(0x40, add(book, add(0x20, mul(capacity, 0x60))))
        }
    }

    /// @notice Adds `amount` to the entry of (payee, token), appending it if new. The caller guarantees that the
    /// number of distinct pairs never exceeds the capacity.
    function add(uint256 book, address payee, address token, uint256 amount) internal pure {
        assembly ("memory-safe") {
            let count := mload(book)
            let entry := add(book, 0x20)
            let end := add(entry, mul(count, 0x60))
            for {} lt(entry, end) {
                entry := add(entry, 0x60)
            } {
                if and(eq(mload(entry), payee), eq(mload(add(entry, 0x20)), token)) {
                    break
                }
            }
            switch eq(entry, end)
            case 1 {
                mstore(entry, payee)
                mstore(add(entry, 0x20), token)
                mstore(add(entry, 0x40), amount)
                mstore(book, add(count, 1))
            }
            default {
                // Sums of pot shares: each pot is below 2^128, so this cannot overflow 2^256 in practice;
                // checked anyway because the number of entries summed is unbounded.
                let slot := add(entry, 0x40)
                let sum := add(mload(slot), amount)
                if lt(sum, amount) {
                    mstore(0x00, 0x4e487b71) // Panic(uint256)
                    mstore(0x20, 0x11) // arithmetic overflow
                    revert(0x1c, 0x24)
                }
                mstore(slot, sum)
            }
        }
    }

    /// @notice Number of entries.
    function length(uint256 book) internal pure returns (uint256 count) {
        assembly ("memory-safe") {
            count := mload(book)
        }
    }

    /// @notice The i-th entry (i < length; not checked).
    function at(
        uint256 book,
        uint256 i
    ) internal pure returns (address payee, address token, uint256 amount) {
        assembly ("memory-safe") {
            let entry := add(add(book, 0x20), mul(i, 0x60))
            payee := mload(entry)
            token := mload(add(entry, 0x20))
            amount := mload(add(entry, 0x40))
        }
    }
}
