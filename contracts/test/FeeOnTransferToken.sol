// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title FeeOnTransferToken
/// @notice TEST ONLY. Reproduces fee-on-transfer tokens (STA, PAXG, USDT with its fee switched on, many
/// "tax" tokens): every transfer and transferFrom burns `feeBps` basis points of the amount, so the
/// recipient receives less than `amount` and only a balance difference tells what arrived.
/// Minting is fee-free. Anyone may mint.
contract FeeOnTransferToken is ERC20 {
    /// @notice The fee is above 100 %.
    error FeeOnTransferTokenFeeTooHigh(uint256 feeBps);

    uint256 private constant _BPS = 10_000;

    /// @notice Fee burnt on every transfer, in basis points of the amount sent.
    // public getter name is part of the test API:
    // solhint-disable-next-line immutable-vars-naming
    uint256 public immutable feeBps;

    constructor(string memory name_, string memory symbol_, uint256 feeBps_) ERC20(name_, symbol_) {
        if (feeBps_ > _BPS) revert FeeOnTransferTokenFeeTooHigh(feeBps_);
        feeBps = feeBps_;
    }

    /// @notice Creates `amount` tokens for `to` without a fee. Unrestricted: test only.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice The amount that arrives when `amount` is transferred.
    function amountAfterFee(uint256 amount) public view returns (uint256) {
        return amount - (amount * feeBps) / _BPS;
    }

    /// @dev Transfers between two accounts burn the fee first; mints and burns pass untouched.
    function _update(address from, address to, uint256 value) internal override {
        if (from != address(0) && to != address(0)) {
            uint256 received = amountAfterFee(value);
            super._update(from, address(0), value - received);
            super._update(from, to, received);
        } else {
            super._update(from, to, value);
        }
    }
}
