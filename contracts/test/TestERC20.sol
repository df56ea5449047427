// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";

/// @title TestERC20
/// @notice TEST ONLY. A well-behaved ERC-20 with EIP-2612 permit and configurable decimals: reproduces
/// ordinary tokens such as DAI (18 decimals, permit) or USDC (6 decimals, permit). Anyone may mint.
contract TestERC20 is ERC20, ERC20Permit {
    uint8 private immutable _DECIMALS;

    constructor(
        string memory name_,
        string memory symbol_,
        uint8 decimals_
    ) ERC20(name_, symbol_) ERC20Permit(name_) {
        _DECIMALS = decimals_;
    }

    /// @notice Creates `amount` tokens for `to`. Unrestricted: test only.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @inheritdoc ERC20
    function decimals() public view override returns (uint8) {
        return _DECIMALS;
    }
}
