// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// Test names follow the house style `test_<fn>_<Behaviour>`, not mixedCase.
// solhint-disable func-name-mixedcase

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

import {IRoyaltyPool} from "../../../contracts/interfaces/IRoyaltyPool.sol";
import {PoolFixture} from "../utils/PoolFixture.sol";

/// @notice `sync`: crediting tokens sent by plain transfer and ETH forced in without a call (I-2).
contract SyncTest is PoolFixture {
    using SafeERC20 for IERC20;

    function testFuzz_sync_CreditsPlainTransfers(uint256 deposited, uint256 sent, uint8 kind) public {
        uint256 id = _proposeAndActivate(_twoAccountTable(makeAddr("a"), makeAddr("b")));
        deposited = bound(deposited, 0, 1e24);
        sent = bound(sent, 1, 1e24);
        IERC20 token =
            kind % 3 == 0
                ? IERC20(address(dai))
                : kind % 3 == 1
                    ? IERC20(address(fot))
                    : IERC20(address(usdt));
        if (deposited > 0) {
            _mintTo(token, payer, deposited);
            vm.startPrank(payer);
            token.forceApprove(address(pool), deposited);
            pool.deposit(address(token), deposited, 0);
            vm.stopPrank();
        }
        uint256 reserveBefore = pool.reserveOf(address(token));
        _mintTo(token, stranger, sent);
        uint256 balanceBefore = token.balanceOf(address(pool));
        vm.prank(stranger);
        token.safeTransfer(address(pool), sent);
        uint256 arrived = token.balanceOf(address(pool)) - balanceBefore;
        assertEq(pool.reserveOf(address(token)), reserveBefore, "a plain transfer is not credited by itself");

        vm.expectEmit(address(pool));
        emit IRoyaltyPool.Synced(address(this), address(token), id, arrived);
        pool.sync(address(token));
        assertEq(pool.reserveOf(address(token)), reserveBefore + arrived);
        assertEq(pool.reserveOf(address(token)), token.balanceOf(address(pool)));
        assertEq(_potDeposited(id, address(token)), reserveBefore + arrived);
        // Nothing left to credit: a second sync does not count anything twice.
        vm.expectRevert(
            abi.encodeWithSelector(IRoyaltyPool.RoyaltyPoolNothingToSync.selector, address(token))
        );
        pool.sync(address(token));
    }

    function test_sync_RevertWhen_NothingToSync() public {
        vm.expectRevert(abi.encodeWithSelector(IRoyaltyPool.RoyaltyPoolNothingToSync.selector, address(dai)));
        pool.sync(address(dai));
        _depositDai(5e18);
        vm.expectRevert(abi.encodeWithSelector(IRoyaltyPool.RoyaltyPoolNothingToSync.selector, address(dai)));
        pool.sync(address(dai));
        _depositETH(1 ether);
        vm.expectRevert(abi.encodeWithSelector(IRoyaltyPool.RoyaltyPoolNothingToSync.selector, address(0)));
        pool.sync(address(0));
    }

    /// ETH that arrives without a call (a selfdestruct beneficiary, a block reward) is credited by sync.
    function testFuzz_sync_CreditsForcedEth(uint256 deposited, uint256 forced) public {
        deposited = bound(deposited, 0, 1e24);
        forced = bound(forced, 1, 1e24);
        if (deposited > 0) _depositETH(deposited);
        vm.deal(address(pool), address(pool).balance + forced);
        pool.sync(address(0));
        assertEq(pool.reserveOf(address(0)), deposited + forced);
        assertEq(_potDeposited(0, address(0)), deposited + forced);
    }

    function test_sync_RevertWhen_Paused() public {
        dai.mint(address(pool), 1e18);
        vm.prank(guardian);
        pool.pause();
        vm.expectRevert(IRoyaltyPool.RoyaltyPoolDepositsPaused.selector);
        pool.sync(address(dai));
    }

    function _mintTo(IERC20 token, address to, uint256 amount) private {
        if (address(token) == address(dai)) dai.mint(to, amount);
        else if (address(token) == address(fot)) fot.mint(to, amount);
        else usdt.mint(to, amount);
    }
}
