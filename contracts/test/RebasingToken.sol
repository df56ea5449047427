// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title RebasingToken
/// @notice TEST ONLY. Reproduces rebasing tokens such as Lido stETH or Ampleforth: holders own internal
/// shares and `balanceOf` is `shares * index / 1e18`, so balances change without any transfer when
/// `setIndex` moves the index (up for rewards, down for a negative rebase / slashing). Transfers convert
/// the amount to shares rounding down, so the recipient may get 1–2 wei less than `amount` (as stETH).
/// Wellspring does not support such tokens: a pool's recorded pots do not follow the rebase, so a
/// negative rebase leaves pots uncovered and a positive one strands the surplus until `sync`.
/// Anyone may mint and set the index.
contract RebasingToken {
    /// @notice `from` holds fewer shares than a transfer of `amount` needs.
    error RebasingTokenInsufficientBalance(address from, uint256 balance, uint256 amount);
    /// @notice The spender's allowance is below `amount`.
    error RebasingTokenInsufficientAllowance(
        address owner,
        address spender,
        uint256 allowance,
        uint256 amount
    );
    /// @notice The index must stay positive.
    error RebasingTokenZeroIndex();
    /// @notice Transfers to the zero address are refused.
    error RebasingTokenZeroAddress();

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);
    /// @notice Emitted when the index changes, i.e. every balance is rescaled.
    event Rebased(uint256 oldIndex, uint256 newIndex);

    uint256 private constant _ONE = 1e18;

    string public name;
    string public symbol;
    // ERC-20 getter name:
    // solhint-disable-next-line const-name-snakecase
    uint8 public constant decimals = 18;
    /// @notice Balance per share, scaled by 1e18 (1e18 = one token per share).
    uint256 public index = _ONE;
    uint256 public totalShares;
    mapping(address account => uint256) public sharesOf;
    mapping(address owner => mapping(address spender => uint256)) public allowance;

    constructor(string memory name_, string memory symbol_) {
        name = name_;
        symbol = symbol_;
    }

    /// @notice Sets the index: every balance is multiplied by `newIndex / oldIndex`. Test only.
    function setIndex(uint256 newIndex) external {
        if (newIndex == 0) revert RebasingTokenZeroIndex();
        emit Rebased(index, newIndex);
        index = newIndex;
    }

    /// @notice Creates shares worth `amount` tokens at the current index for `to`. Test only.
    function mint(address to, uint256 amount) external {
        if (to == address(0)) revert RebasingTokenZeroAddress();
        uint256 shares = (amount * _ONE) / index;
        totalShares += shares;
        sharesOf[to] += shares;
        emit Transfer(address(0), to, amount);
    }

    function balanceOf(address account) public view returns (uint256) {
        return (sharesOf[account] * index) / _ONE;
    }

    function totalSupply() external view returns (uint256) {
        return (totalShares * index) / _ONE;
    }

    function transfer(address to, uint256 amount) external returns (bool) {
        _transfer(msg.sender, to, amount);
        return true;
    }

    function transferFrom(address from, address to, uint256 amount) external returns (bool) {
        uint256 allowed = allowance[from][msg.sender];
        if (allowed != type(uint256).max) {
            if (allowed < amount)
                revert RebasingTokenInsufficientAllowance(from, msg.sender, allowed, amount);
            // Cannot underflow: checked just above.
            unchecked {
                allowance[from][msg.sender] = allowed - amount;
            }
        }
        _transfer(from, to, amount);
        return true;
    }

    function approve(address spender, uint256 amount) external returns (bool) {
        allowance[msg.sender][spender] = amount;
        emit Approval(msg.sender, spender, amount);
        return true;
    }

    function _transfer(address from, address to, uint256 amount) private {
        if (to == address(0)) revert RebasingTokenZeroAddress();
        uint256 shares = (amount * _ONE) / index;
        uint256 held = sharesOf[from];
        if (held < shares) revert RebasingTokenInsufficientBalance(from, balanceOf(from), amount);
        // Cannot overflow or underflow: checked above, and shares sum to totalShares.
        unchecked {
            sharesOf[from] = held - shares;
            sharesOf[to] += shares;
        }
        emit Transfer(from, to, amount);
    }
}
