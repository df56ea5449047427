// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// Test names follow the house style `test_<fn>_<Behaviour>`, not mixedCase.
// solhint-disable func-name-mixedcase

import {IRoyaltyPool} from "../../../contracts/interfaces/IRoyaltyPool.sol";
import {TestERC20} from "../../../contracts/test/TestERC20.sol";
import {PoolFixture} from "../utils/PoolFixture.sol";

/// @notice Pools created with a token list (`createPoolWithTokens`): only listed ERC-20s and ETH get in.
contract TokenListTest is PoolFixture {
    /// A random list drawn from five tokens: a deposit or sync of each succeeds exactly when it is listed, and an
    /// unlisted token never reaches the pool's books (no reserve, no pot).
    function testFuzz_deposit_OnlyListedTokensGetIn(uint8 mask, uint256 amount) public {
        amount = bound(amount, 1, 1e30);
        TestERC20[5] memory all = [
            dai,
            usdc,
            new TestERC20("A", "A", 18),
            new TestERC20("B", "B", 6),
            new TestERC20("C", "C", 8)
        ];
        uint256 n;
        for (uint256 i; i < 5; ++i) if ((mask >> i) & 1 == 1) ++n;
        address[] memory listed = new address[](n);
        n = 0;
        for (uint256 i; i < 5; ++i) if ((mask >> i) & 1 == 1) listed[n++] = address(all[i]);
        IRoyaltyPool p = IRoyaltyPool(factory.createPoolWithTokens(_config(), listed));
        assertEq(p.tokenAllowlist(), listed);

        for (uint256 i; i < 5; ++i) {
            TestERC20 token = all[i];
            bool allowed = listed.length == 0 || (mask >> i) & 1 == 1;
            assertEq(p.isTokenAllowed(address(token)), allowed);
            token.mint(payer, amount);
            vm.startPrank(payer);
            token.approve(address(p), amount);
            if (!allowed) {
                vm.expectRevert(
                    abi.encodeWithSelector(IRoyaltyPool.RoyaltyPoolTokenNotAllowed.selector, token)
                );
            }
            p.deposit(address(token), amount, bytes32(0));
            vm.stopPrank();
            // Sent by plain transfer: only a listed token can be synced.
            token.mint(address(p), 1);
            if (!allowed) {
                vm.expectRevert(
                    abi.encodeWithSelector(IRoyaltyPool.RoyaltyPoolTokenNotAllowed.selector, token)
                );
            }
            p.sync(address(token));
            assertEq(p.reserveOf(address(token)), allowed ? amount + 1 : 0);
        }
        // ETH is always accepted.
        vm.deal(payer, 1 ether);
        vm.prank(payer);
        p.depositETH{value: 1 ether}(bytes32(0));
        assertEq(p.reserveOf(address(0)), 1 ether);
    }
}
