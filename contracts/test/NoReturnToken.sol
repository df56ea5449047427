// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title NoReturnToken
/// @notice TEST ONLY. Reproduces Tether USD (USDT) on Ethereum mainnet: `transfer`, `transferFrom` and
/// `approve` return no value (so a caller that decodes a `bool` reverts), failures revert, and `approve`
/// from a non-zero allowance to another non-zero allowance reverts (USDT's front-running guard: set the
/// allowance to zero first). An allowance of type(uint256).max is not decreased, as in USDT.
/// Written from scratch rather than on OpenZeppelin so the missing return values are real. Anyone may mint.
contract NoReturnToken {
    /// @notice `from` holds less than `amount`.
    error NoReturnTokenInsufficientBalance(address from, uint256 balance, uint256 amount);
    /// @notice The spender's allowance is below `amount`.
    error NoReturnTokenInsufficientAllowance(
        address owner,
        address spender,
        uint256 allowance,
        uint256 amount
    );
    /// @notice USDT forbids changing a non-zero allowance to another non-zero value.
    error NoReturnTokenApproveFromNonZero(address owner, address spender, uint256 current, uint256 amount);
    /// @notice Transfers to the zero address are refused.
    error NoReturnTokenZeroAddress();

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    string public name;
    string public symbol;
    // ERC-20 getter name:
    // solhint-disable-next-line immutable-vars-naming
    uint8 public immutable decimals;
    uint256 public totalSupply;
    mapping(address account => uint256) public balanceOf;
    mapping(address owner => mapping(address spender => uint256)) public allowance;

    constructor(string memory name_, string memory symbol_, uint8 decimals_) {
        name = name_;
        symbol = symbol_;
        decimals = decimals_;
    }

    /// @notice Creates `amount` tokens for `to`. Unrestricted: test only.
    function mint(address to, uint256 amount) external {
        if (to == address(0)) revert NoReturnTokenZeroAddress();
        totalSupply += amount;
        // Cannot overflow: every balance is at most totalSupply, which was just checked.
        unchecked {
            balanceOf[to] += amount;
        }
        emit Transfer(address(0), to, amount);
    }

    /// @notice Moves `amount` to `to`. Returns nothing, like USDT.
    function transfer(address to, uint256 amount) external {
        _transfer(msg.sender, to, amount);
    }

    /// @notice Moves `amount` from `from` to `to` using the caller's allowance. Returns nothing, like USDT.
    function transferFrom(address from, address to, uint256 amount) external {
        uint256 allowed = allowance[from][msg.sender];
        if (allowed != type(uint256).max) {
            if (allowed < amount)
                revert NoReturnTokenInsufficientAllowance(from, msg.sender, allowed, amount);
            // Cannot underflow: checked just above.
            unchecked {
                allowance[from][msg.sender] = allowed - amount;
            }
        }
        _transfer(from, to, amount);
    }

    /// @notice Sets the allowance. Returns nothing and reverts when changing a non-zero allowance to a
    /// non-zero value, like USDT.
    function approve(address spender, uint256 amount) external {
        uint256 current = allowance[msg.sender][spender];
        if (amount != 0 && current != 0) {
            revert NoReturnTokenApproveFromNonZero(msg.sender, spender, current, amount);
        }
        allowance[msg.sender][spender] = amount;
        emit Approval(msg.sender, spender, amount);
    }

    function _transfer(address from, address to, uint256 amount) private {
        if (to == address(0)) revert NoReturnTokenZeroAddress();
        uint256 balance = balanceOf[from];
        if (balance < amount) revert NoReturnTokenInsufficientBalance(from, balance, amount);
        // Cannot overflow or underflow: checked above, and balances sum to totalSupply.
        unchecked {
            balanceOf[from] = balance - amount;
            balanceOf[to] += amount;
        }
        emit Transfer(from, to, amount);
    }
}
