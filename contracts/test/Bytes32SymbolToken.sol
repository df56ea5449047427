// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title Bytes32SymbolToken
/// @notice TEST ONLY. Answers `symbol()` with a bytes32 and has no `decimals()`, as Maker's MKR and
/// SAI do for the symbol: readers of token metadata must not assume the ERC-20 optional functions.
contract Bytes32SymbolToken {
    /// @notice The symbol, NUL-padded (MKR's style).
    function symbol() external pure returns (bytes32) {
        return "MKR";
    }
}
