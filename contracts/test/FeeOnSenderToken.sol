// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title FeeOnSenderToken
/// @notice TEST ONLY. Reproduces tokens that charge the *sender* a fee on top of the amount: a transfer of
/// `amount` delivers all of it and burns `feeBps` basis points more from the sender's balance. A deposit then
/// credits exactly `amount`, but every payout costs the pool more than it pays, so such tokens are unsupported.
/// Minting is fee-free. Anyone may mint.
contract FeeOnSenderToken is ERC20 {
    uint256 private constant _BPS = 10_000;

    /// @notice Fee burnt from the sender on every transfer, in basis points of the amount sent.
    // public getter name is part of the test API:
    // solhint-disable-next-line immutable-vars-naming
    uint256 public immutable feeBps;

    constructor(string memory name_, string memory symbol_, uint256 feeBps_) ERC20(name_, symbol_) {
        feeBps = feeBps_;
    }

    /// @notice Creates `amount` tokens for `to` without a fee. Unrestricted: test only.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @dev Transfers between two accounts also burn the fee from the sender; mints and burns pass untouched.
    function _update(address from, address to, uint256 value) internal override {
        if (from != address(0) && to != address(0)) super._update(from, address(0), (value * feeBps) / _BPS);
        super._update(from, to, value);
    }
}
