// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IRoyaltyPool} from "../interfaces/IRoyaltyPool.sol";

/// @title ReentrantPayee
/// @notice TEST ONLY. A contract payee (a smart wallet, a DAO, or an attacker) that, when the pool pays it ETH,
/// re-enters the pool with a call chosen in advance, usually `claim` with the same requests, to try to be paid
/// twice. The re-entry's outcome is recorded instead of bubbled up, so the outer claim can finish and the test can
/// check that the payee received no more than its entitlement. It can also refuse ETH outright, like a contract
/// without a payable fallback, or burn all the gas it is given, to test that such a payee cannot fail or grief a
/// batched claim.
contract ReentrantPayee {
    /// @notice The payee was set to refuse ETH.
    error ReentrantPayeeRefusesEth(uint256 amount);

    IRoyaltyPool public immutable POOL;

    /// @notice Calldata sent to the pool on the first ETH receipt while armed (empty = just accept ETH).
    bytes public reentryCall;
    /// @notice Whether the next receipts of ETH revert.
    bool public refuseEth;
    /// @notice Whether the next receipts of ETH loop until they run out of gas.
    bool public burnGas;
    /// @notice How many times a re-entry was attempted, and how many of those the pool accepted.
    uint256 public reentryAttempts;
    uint256 public reentrySuccesses;
    /// @notice Revert data of the last rejected re-entry (the pool's error).
    bytes public lastReentryError;
    /// @notice Total ETH received.
    uint256 public ethReceived;

    bool private _inCallback;

    constructor(IRoyaltyPool pool) {
        POOL = pool;
    }

    /// @notice Arms the payee: on receiving ETH it sends `data` to the pool once per receipt.
    function arm(bytes calldata data) external {
        reentryCall = data;
    }

    /// @notice Arms the payee to re-enter `claim(requests)`.
    function armClaim(IRoyaltyPool.ClaimRequest[] calldata requests) external {
        reentryCall = abi.encodeCall(IRoyaltyPool.claim, (requests));
    }

    function setRefuseEth(bool refuse) external {
        refuseEth = refuse;
    }

    function setBurnGas(bool burn) external {
        burnGas = burn;
    }

    /// @notice Withdraws the ETH the pool credited to this payee, to `to`.
    function withdrawFromPool(address to) external {
        POOL.withdrawETH(to);
    }

    // Deliberately complex: re-entering the pool from here is the point of this contract.
    // solhint-disable-next-line no-complex-fallback
    receive() external payable {
        if (refuseEth) revert ReentrantPayeeRefusesEth(msg.value);
        // solhint-disable-next-line no-empty-blocks
        while (burnGas) {}
        ethReceived += msg.value;
        if (reentryCall.length == 0 || _inCallback) return;
        _inCallback = true;
        reentryAttempts++;
        // solhint-disable-next-line avoid-low-level-calls
        (bool ok, bytes memory ret) = address(POOL).call(reentryCall);
        if (ok) {
            reentrySuccesses++;
        } else {
            lastReentryError = ret;
        }
        _inCallback = false;
    }
}
