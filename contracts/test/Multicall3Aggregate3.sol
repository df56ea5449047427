// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title Multicall3Aggregate3
/// @notice TEST ONLY. The `aggregate3` function of Multicall3 (github.com/mds1/multicall), the one
/// viem's `multicall` action calls, with the same selector and types, so a test can declare a
/// Multicall3 on the local chain without its full bytecode. A call that may not fail reverts the
/// batch (Multicall3 reverts with a string; a custom error here, as everywhere in this repository).
contract Multicall3Aggregate3 {
    /// @notice Call `index` failed and did not allow failure.
    error Multicall3CallFailed(uint256 index);

    struct Call3 {
        address target;
        bool allowFailure;
        bytes callData;
    }

    struct Result {
        bool success;
        bytes returnData;
    }

    /// @notice Calls each target in order; reverts when a call that does not allow failure fails.
    function aggregate3(Call3[] calldata calls) external payable returns (Result[] memory returnData) {
        returnData = new Result[](calls.length);
        for (uint256 i = 0; i < calls.length; ++i) {
            // solhint-disable-next-line avoid-low-level-calls
            (bool success, bytes memory data) = calls[i].target.call(calls[i].callData);
            if (!success && !calls[i].allowFailure) revert Multicall3CallFailed(i);
            returnData[i] = Result(success, data);
        }
    }
}
