// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// Test names follow the house style `test_<fn>_<Behaviour>`, not mixedCase.
// solhint-disable func-name-mixedcase

import {IRoyaltyPool} from "../../../contracts/interfaces/IRoyaltyPool.sol";
import {PoolFixture} from "../utils/PoolFixture.sol";

/// @notice `proposeSchedule`, `revokeSchedule`, `currentScheduleId`, `pendingScheduleId` (I-9, I-10, I-13, I-14).
contract SchedulesTest is PoolFixture {
    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");

    function testFuzz_proposeSchedule_ActivatesAfterDelay(uint256 wait) public {
        Table memory t = _twoAccountTable(alice, bob);
        uint256 proposedAt = block.timestamp;
        vm.expectEmit(address(pool));
        emit IRoyaltyPool.ScheduleProposed(
            1,
            proposer,
            t.tree[0],
            t.totalShares,
            keccak256("table"),
            keccak256("policy"),
            keccak256("in"),
            "",
            uint64(proposedAt + ACTIVATION_DELAY)
        );
        uint256 id = _propose(t);
        assertEq(id, 1);
        IRoyaltyPool.Schedule memory s = pool.scheduleOf(id);
        assertEq(s.root, t.tree[0]);
        assertEq(s.totalShares, t.totalShares);
        assertEq(s.activatesAt, proposedAt + ACTIVATION_DELAY);
        assertFalse(s.revoked);
        wait = bound(wait, 0, 3 * ACTIVATION_DELAY);
        vm.warp(proposedAt + wait);
        bool active = wait >= ACTIVATION_DELAY;
        assertEq(pool.currentScheduleId(), active ? id : 0);
        assertEq(pool.pendingScheduleId(), active ? 0 : id);
    }

    function test_proposeSchedule_RevertWhen_OnePending() public {
        uint256 id = _propose(_twoAccountTable(alice, bob));
        Table memory t = _twoAccountTable(bob, alice);
        vm.prank(proposer);
        vm.expectRevert(abi.encodeWithSelector(IRoyaltyPool.RoyaltyPoolSchedulePending.selector, id));
        pool.proposeSchedule(t.tree[0], t.totalShares, 0, 0, 0, "");
        // Once it activated (no transaction needed), the next proposal is accepted.
        vm.warp(block.timestamp + ACTIVATION_DELAY);
        assertEq(_propose(t), id + 1);
        assertEq(pool.currentScheduleId(), id);
        assertEq(pool.pendingScheduleId(), id + 1);
    }

    function test_proposeSchedule_RevertWhen_Invalid() public {
        vm.startPrank(proposer);
        vm.expectRevert(
            abi.encodeWithSelector(IRoyaltyPool.RoyaltyPoolInvalidSchedule.selector, bytes32(0), 1e18)
        );
        pool.proposeSchedule(bytes32(0), 1e18, 0, 0, 0, "");
        vm.expectRevert(
            abi.encodeWithSelector(IRoyaltyPool.RoyaltyPoolInvalidSchedule.selector, bytes32("r"), 0)
        );
        pool.proposeSchedule(bytes32("r"), 0, 0, 0, 0, "");
        uint256 tooMany = uint256(type(uint128).max) + 1;
        vm.expectRevert(
            abi.encodeWithSelector(IRoyaltyPool.RoyaltyPoolInvalidSchedule.selector, bytes32("r"), tooMany)
        );
        pool.proposeSchedule(bytes32("r"), tooMany, 0, 0, 0, "");
        vm.stopPrank();
    }

    function testFuzz_proposeSchedule_RevertWhen_CallerNotProposer(address caller) public {
        vm.assume(caller != proposer);
        bytes32 role = pool.PROPOSER_ROLE();
        vm.prank(caller);
        vm.expectRevert(abi.encodeWithSelector(IRoyaltyPool.RoyaltyPoolUnauthorized.selector, caller, role));
        pool.proposeSchedule(bytes32("r"), 1, 0, 0, 0, "");
    }

    function test_revokeSchedule_RevokedNeverActivates() public {
        uint256 first = _proposeAndActivate(_twoAccountTable(alice, bob));
        Table memory t = _twoAccountTable(bob, alice);
        uint256 second = _propose(t);
        _depositDai(100e18);
        vm.expectEmit(address(pool));
        emit IRoyaltyPool.ScheduleRevoked(second, guardian);
        vm.prank(guardian);
        pool.revokeSchedule(second);
        assertTrue(pool.scheduleOf(second).revoked);
        assertEq(pool.pendingScheduleId(), 0);
        vm.warp(block.timestamp + 100 * ACTIVATION_DELAY);
        assertEq(pool.currentScheduleId(), first, "a revoked schedule never becomes current");
        _depositDai(50e18);
        assertEq(_potDeposited(first, address(dai)), 150e18);
        IRoyaltyPool.ClaimRequest[] memory reqs = new IRoyaltyPool.ClaimRequest[](1);
        reqs[0] = _request(second, t, 0, _tokens(address(dai)));
        vm.expectRevert(abi.encodeWithSelector(IRoyaltyPool.RoyaltyPoolScheduleNotActive.selector, second));
        pool.claim(reqs);
        // A new proposal is possible at once and gets the next id.
        assertEq(_propose(t), second + 1);
    }

    function test_revokeSchedule_RevertWhen_NotPending() public {
        uint256 id = _propose(_twoAccountTable(alice, bob));
        vm.startPrank(guardian);
        vm.expectRevert(abi.encodeWithSelector(IRoyaltyPool.RoyaltyPoolScheduleNotPending.selector, id + 1));
        pool.revokeSchedule(id + 1);
        vm.expectRevert(abi.encodeWithSelector(IRoyaltyPool.RoyaltyPoolScheduleNotPending.selector, 0));
        pool.revokeSchedule(0);
        vm.warp(block.timestamp + ACTIVATION_DELAY);
        // Active schedules cannot be revoked: the guardian's power ends at activation.
        vm.expectRevert(abi.encodeWithSelector(IRoyaltyPool.RoyaltyPoolScheduleNotPending.selector, id));
        pool.revokeSchedule(id);
        vm.stopPrank();
        uint256 next = _propose(_twoAccountTable(bob, alice));
        vm.startPrank(admin);
        pool.revokeSchedule(next);
        vm.expectRevert(abi.encodeWithSelector(IRoyaltyPool.RoyaltyPoolScheduleNotPending.selector, next));
        pool.revokeSchedule(next);
        vm.stopPrank();
    }

    function testFuzz_revokeSchedule_RevertWhen_CallerNotGuardianOrAdmin(address caller) public {
        vm.assume(caller != guardian && caller != admin);
        uint256 id = _propose(_twoAccountTable(alice, bob));
        bytes32 role = pool.GUARDIAN_ROLE();
        vm.prank(caller);
        vm.expectRevert(abi.encodeWithSelector(IRoyaltyPool.RoyaltyPoolUnauthorized.selector, caller, role));
        pool.revokeSchedule(id);
    }

    /// A sequence of proposals, activations and revocations moves the current schedule only forward.
    function testFuzz_currentScheduleId_NeverDecreases(uint256 seed) public {
        uint256 last;
        for (uint256 i; i < 12; ++i) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            if (pool.pendingScheduleId() == 0) _propose(_twoAccountTable(alice, bob));
            uint256 pending = pool.pendingScheduleId();
            if (r % 3 == 0 && pending != 0) {
                vm.prank(guardian);
                pool.revokeSchedule(pending);
            }
            vm.warp(block.timestamp + ((r >> 8) % (2 * ACTIVATION_DELAY)));
            uint256 current = pool.currentScheduleId();
            assertGe(current, last);
            if (current != 0) assertFalse(pool.scheduleOf(current).revoked);
            last = current;
        }
    }
}
