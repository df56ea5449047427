// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// Test names follow the house style `test_<fn>_<Behaviour>`, not mixedCase.
// solhint-disable func-name-mixedcase

import {IRoyaltyPool} from "../../../contracts/interfaces/IRoyaltyPool.sol";
import {PoolFixture} from "../utils/PoolFixture.sol";

/// @notice `sweep`: recycling a superseded schedule's remainder after the claim window (I-7).
contract SweepTest is PoolFixture {
    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");
    address internal carol = makeAddr("carol");

    function test_sweep_RevertWhen_NotSuperseded() public {
        uint256 id = _proposeAndActivate(_twoAccountTable(alice, bob));
        _depositDai(100e18);
        vm.warp(block.timestamp + 365 days);
        vm.expectRevert(abi.encodeWithSelector(IRoyaltyPool.RoyaltyPoolSweepTooEarly.selector, id, 0));
        pool.sweep(id, address(dai));
        // The unallocated pot and unknown schedules cannot be swept either.
        vm.expectRevert(abi.encodeWithSelector(IRoyaltyPool.RoyaltyPoolSweepTooEarly.selector, 0, 0));
        pool.sweep(0, address(dai));
        vm.expectRevert(abi.encodeWithSelector(IRoyaltyPool.RoyaltyPoolSweepTooEarly.selector, 7, 0));
        pool.sweep(7, address(dai));
    }

    function testFuzz_sweep_RevertWhen_ClaimWindowNotPassed(uint256 wait) public {
        uint256 first = _proposeAndActivate(_twoAccountTable(alice, bob));
        _depositDai(100e18);
        _proposeAndActivate(_twoAccountTable(carol, bob));
        // Read from the pool: with via-IR, a local copy of block.timestamp may be re-read after vm.warp.
        uint256 supersededAt = pool.scheduleOf(first).supersededAt;
        wait = bound(wait, 0, CLAIM_WINDOW - 1);
        vm.warp(supersededAt + wait);
        vm.expectRevert(
            abi.encodeWithSelector(
                IRoyaltyPool.RoyaltyPoolSweepTooEarly.selector,
                first,
                supersededAt + CLAIM_WINDOW
            )
        );
        pool.sweep(first, address(dai));
        // Exactly at the boundary it is allowed.
        vm.warp(supersededAt + CLAIM_WINDOW);
        pool.sweep(first, address(dai));
        assertTrue(pool.isSwept(first, address(dai)));
    }

    function testFuzz_sweep_MovesExactRemainderIntoCurrentPot(
        uint256 amount,
        uint256 later,
        bool aliceClaims
    ) public {
        amount = bound(amount, 1, 1e30);
        later = bound(later, 0, 1e30);
        Table memory t1 = _twoAccountTable(alice, bob);
        uint256 first = _proposeAndActivate(t1);
        _depositDai(amount);
        _depositETH(amount);
        if (aliceClaims) _claimOne(first, t1, 0, address(dai));
        Table memory t2 = _twoAccountTable(carol, bob);
        uint256 second = _proposeAndActivate(t2);
        if (later > 0) _depositDai(later);
        vm.warp(block.timestamp + CLAIM_WINDOW);

        (uint256 deposited, uint256 claimedAmount) = pool.potOf(first, address(dai));
        uint256 remainder = deposited - claimedAmount;
        uint256 balance = dai.balanceOf(address(pool));
        uint256 reserve = pool.reserveOf(address(dai));
        vm.expectEmit(address(pool));
        emit IRoyaltyPool.Swept(first, address(dai), second, remainder, stranger);
        vm.prank(stranger);
        pool.sweep(first, address(dai));

        assertEq(_potDeposited(second, address(dai)), later + remainder);
        assertEq(dai.balanceOf(address(pool)), balance, "a sweep moves no money out");
        assertEq(pool.reserveOf(address(dai)), reserve);
        (deposited, claimedAmount) = pool.potOf(first, address(dai));
        assertEq(deposited, 0);
        assertEq(claimedAmount, 0);
        // The swept token is closed for the old schedule; other tokens stay claimable.
        assertEq(pool.claimable(first, t1.ids[1], t1.shares[1], address(dai)), 0);
        IRoyaltyPool.ClaimRequest[] memory reqs = new IRoyaltyPool.ClaimRequest[](1);
        reqs[0] = _request(first, t1, 1, _tokens(address(dai)));
        vm.expectRevert(
            abi.encodeWithSelector(IRoyaltyPool.RoyaltyPoolPotSwept.selector, first, address(dai))
        );
        pool.claim(reqs);
        _claimOne(first, t1, 1, address(0));
        assertEq(bob.balance, (amount * 3) / 4);
        // The current schedule's accounts now share the remainder.
        _claimOne(second, t2, _rowOf(t2, carol), address(dai));
        assertEq(dai.balanceOf(carol), (later + remainder) / 4);
    }

    function test_sweep_RevertWhen_AlreadySwept() public {
        uint256 first = _proposeAndActivate(_twoAccountTable(alice, bob));
        _depositDai(100e18);
        _proposeAndActivate(_twoAccountTable(carol, bob));
        vm.warp(block.timestamp + CLAIM_WINDOW);
        pool.sweep(first, address(dai));
        vm.expectRevert(
            abi.encodeWithSelector(IRoyaltyPool.RoyaltyPoolPotSwept.selector, first, address(dai))
        );
        pool.sweep(first, address(dai));
    }

    /// A sweep that would move nothing (a pot claimed to the last unit, a token never deposited) is refused and
    /// leaves the pot unswept.
    function test_sweep_RevertWhen_NothingToSweep() public {
        Table memory t1 = _twoAccountTable(alice, bob);
        uint256 first = _proposeAndActivate(t1);
        _depositDai(100e18);
        _claimOne(first, t1, 0, address(dai));
        _claimOne(first, t1, 1, address(dai));
        _proposeAndActivate(_twoAccountTable(carol, bob));
        vm.warp(block.timestamp + CLAIM_WINDOW);
        address[2] memory empty = [address(dai), address(usdt)];
        for (uint256 i; i < empty.length; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(IRoyaltyPool.RoyaltyPoolNothingToSweep.selector, first, empty[i])
            );
            pool.sweep(first, empty[i]);
            assertFalse(pool.isSwept(first, empty[i]));
        }
    }

    /// A revoked successor does not supersede: the old schedule stays current and cannot be swept.
    function test_sweep_RevertWhen_SuccessorRevoked() public {
        uint256 first = _proposeAndActivate(_twoAccountTable(alice, bob));
        _depositDai(100e18);
        uint256 second = _propose(_twoAccountTable(carol, bob));
        assertEq(pool.scheduleOf(first).supersededAt, block.timestamp + ACTIVATION_DELAY);
        vm.prank(guardian);
        pool.revokeSchedule(second);
        assertEq(pool.scheduleOf(first).supersededAt, 0);
        vm.warp(block.timestamp + ACTIVATION_DELAY + CLAIM_WINDOW + 1);
        assertEq(pool.currentScheduleId(), first);
        vm.expectRevert(abi.encodeWithSelector(IRoyaltyPool.RoyaltyPoolSweepTooEarly.selector, first, 0));
        pool.sweep(first, address(dai));
    }

    /// The genesis schedule's pot holds the deposits made before it; sweeping it moves them too.
    function test_sweep_GenesisPotIncludesUnallocatedDeposits() public {
        _depositDai(40e18);
        Table memory t1 = _twoAccountTable(alice, bob);
        uint256 first = _proposeAndActivate(t1);
        _depositDai(60e18);
        _claimOne(first, t1, 0, address(dai));
        assertEq(dai.balanceOf(alice), 25e18);
        uint256 second = _proposeAndActivate(_twoAccountTable(carol, bob));
        vm.warp(block.timestamp + CLAIM_WINDOW);
        pool.sweep(first, address(dai));
        assertEq(_potDeposited(second, address(dai)), 75e18);
        assertEq(_potDeposited(0, address(dai)), 0);
        assertTrue(pool.isSwept(first, address(dai)));
        assertEq(pool.reserveOf(address(dai)), 75e18);
    }

    /// Superseded schedules stay claimable during the window: supersession alone takes nothing away.
    function test_sweep_SupersededScheduleClaimableUntilSwept() public {
        Table memory t1 = _twoAccountTable(alice, bob);
        uint256 first = _proposeAndActivate(t1);
        _depositDai(100e18);
        _proposeAndActivate(_twoAccountTable(carol, bob));
        _depositDai(100e18);
        vm.warp(block.timestamp + CLAIM_WINDOW - 1);
        _claimOne(first, t1, 0, address(dai));
        assertEq(dai.balanceOf(alice), 25e18, "later deposits went to the new schedule only");
    }

    function _rowOf(Table memory t, address account) internal pure returns (uint256) {
        return t.ids[0] == _addressAccount(account) ? 0 : 1;
    }
}
