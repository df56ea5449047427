// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// Test names follow the house style `test_<fn>_<Behaviour>`, not mixedCase.
// solhint-disable func-name-mixedcase

import {IPoolFactory} from "../../../contracts/interfaces/IPoolFactory.sol";
import {IRoyaltyPool} from "../../../contracts/interfaces/IRoyaltyPool.sol";
import {PoolFixture} from "../utils/PoolFixture.sol";

/// @notice Roles and their limits: no role can move deposited money except by the rules (I-8).
contract RolesTest is PoolFixture {
    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");

    struct Money {
        uint256 dai;
        uint256 eth;
        uint256 usdt;
        uint256 reserveDai;
        uint256 reserveEth;
        uint256 potDai;
    }

    function _money(uint256 id) internal view returns (Money memory) {
        return
            Money(
                dai.balanceOf(address(pool)),
                address(pool).balance,
                usdt.balanceOf(address(pool)),
                pool.reserveOf(address(dai)),
                pool.reserveOf(address(0)),
                _potDeposited(id, address(dai))
            );
    }

    /// Every privileged function, used by the roles that hold it, leaves balances, reserves and pots as
    /// they were: the admin, guardians and proposers have no path to deposited money.
    function test_roles_NoPrivilegedCallMovesMoney() public {
        uint256 id = _proposeAndActivate(_twoAccountTable(alice, bob));
        _depositDai(100e18);
        _depositETH(3 ether);
        usdt.mint(address(pool), 7e6);
        Money memory before = _money(id);

        bytes32 proposerRole = pool.PROPOSER_ROLE();
        bytes32 guardianRole = pool.GUARDIAN_ROLE();
        address newAdmin = makeAddr("newAdmin");
        vm.prank(guardian);
        pool.pause();
        vm.prank(admin);
        pool.unpause();
        vm.prank(admin);
        pool.pause();
        vm.startPrank(admin);
        pool.unpause();
        pool.grantRole(proposerRole, admin);
        pool.grantRole(guardianRole, admin);
        vm.stopPrank();
        // The proposer grant waits the activation delay (the guardian could cancel it meanwhile).
        assertFalse(pool.hasRole(proposerRole, admin));
        vm.warp(block.timestamp + ACTIVATION_DELAY);
        pool.applyRoleChange(proposerRole, admin, true);
        // The admin, now a proposer too, proposes a table paying itself everything and revokes nothing:
        // the activation delay still applies, and the guardian can revoke it.
        Table memory evil = _twoAccountTable(admin, admin == alice ? bob : alice);
        vm.prank(admin);
        uint256 evilId = pool.proposeSchedule(evil.tree[0], evil.totalShares, 0, 0, 0, "");
        vm.prank(guardian);
        pool.revokeSchedule(evilId);
        vm.startPrank(admin);
        pool.revokeRole(proposerRole, admin);
        pool.revokeRole(guardianRole, admin);
        pool.transferAdmin(newAdmin);
        vm.stopPrank();
        vm.warp(block.timestamp + ACTIVATION_DELAY);
        pool.applyRoleChange(guardianRole, admin, false);
        vm.prank(newAdmin);
        pool.acceptAdmin();
        vm.prank(guardian);
        pool.renounceRole(guardianRole);

        // Sweeping the current schedule is refused for everybody, whatever role.
        address[4] memory everyone = [admin, newAdmin, guardian, proposer];
        for (uint256 i; i < everyone.length; ++i) {
            vm.prank(everyone[i]);
            vm.expectRevert(abi.encodeWithSelector(IRoyaltyPool.RoyaltyPoolSweepTooEarly.selector, id, 0));
            pool.sweep(id, address(dai));
        }

        Money memory afterwards = _money(id);
        assertEq(abi.encode(afterwards), abi.encode(before), "a privileged call moved money");
        assertEq(dai.balanceOf(admin) + dai.balanceOf(newAdmin) + dai.balanceOf(guardian), 0);
        assertEq(admin.balance + newAdmin.balance + guardian.balance + proposer.balance, 0);
    }

    function testFuzz_roles_RevertWhen_CallerLacksRole(address caller) public {
        vm.assume(caller != admin && caller != guardian && caller != proposer);
        bytes32 proposerRole = pool.PROPOSER_ROLE();
        bytes32 guardianRole = pool.GUARDIAN_ROLE();
        bytes memory notAdmin = abi.encodeWithSelector(
            IRoyaltyPool.RoyaltyPoolUnauthorized.selector,
            caller,
            0
        );
        bytes memory notGuardian = abi.encodeWithSelector(
            IRoyaltyPool.RoyaltyPoolUnauthorized.selector,
            caller,
            guardianRole
        );
        vm.startPrank(caller);
        vm.expectRevert(notAdmin);
        pool.grantRole(proposerRole, caller);
        vm.expectRevert(notAdmin);
        pool.revokeRole(guardianRole, guardian);
        vm.expectRevert(notAdmin);
        pool.transferAdmin(caller);
        vm.expectRevert(notAdmin);
        pool.unpause();
        vm.expectRevert(notGuardian);
        pool.pause();
        vm.expectRevert(notGuardian);
        pool.revokeSchedule(1);
        vm.expectRevert(notGuardian);
        pool.cancelRoleChange(proposerRole, caller, true);
        vm.expectRevert(notGuardian);
        pool.cancelAdminTransfer();
        vm.expectRevert(
            abi.encodeWithSelector(IRoyaltyPool.RoyaltyPoolNotPendingAdmin.selector, caller, address(0))
        );
        pool.acceptAdmin();
        vm.stopPrank();
        assertFalse(pool.hasRole(proposerRole, caller));
    }

    function test_roles_GuardianPausesOnlyAdminUnpausesClaimsContinue() public {
        Table memory t = _twoAccountTable(alice, bob);
        uint256 id = _proposeAndActivate(t);
        _depositDai(100e18);
        vm.prank(guardian);
        pool.pause();
        vm.prank(guardian);
        vm.expectRevert(abi.encodeWithSelector(IRoyaltyPool.RoyaltyPoolUnauthorized.selector, guardian, 0));
        pool.unpause();
        // Claims never pause.
        _claimOne(id, t, 0, address(dai));
        assertEq(dai.balanceOf(alice), 25e18);
        vm.prank(admin);
        pool.unpause();
        assertFalse(pool.paused());
    }

    function test_transferAdmin_IsTwoStep() public {
        address next = makeAddr("next");
        vm.prank(admin);
        pool.transferAdmin(next);
        assertEq(pool.admin(), admin, "nothing changes before acceptance");
        assertEq(pool.pendingAdmin(), next);
        vm.prank(stranger);
        vm.expectRevert(
            abi.encodeWithSelector(IRoyaltyPool.RoyaltyPoolNotPendingAdmin.selector, stranger, next)
        );
        pool.acceptAdmin();
        uint256 acceptableAt = block.timestamp + ACTIVATION_DELAY;
        assertEq(pool.adminAcceptableAt(), acceptableAt);
        vm.prank(next);
        vm.expectRevert(
            abi.encodeWithSelector(IRoyaltyPool.RoyaltyPoolAdminTransferNotReady.selector, acceptableAt)
        );
        pool.acceptAdmin();
        vm.warp(acceptableAt);
        vm.prank(next);
        pool.acceptAdmin();
        assertEq(pool.admin(), next);
        assertEq(pool.pendingAdmin(), address(0));
        vm.prank(admin);
        vm.expectRevert(abi.encodeWithSelector(IRoyaltyPool.RoyaltyPoolUnauthorized.selector, admin, 0));
        pool.unpause();
    }

    function testFuzz_createPool_RevertWhen_DelaysBelowMinimum(
        uint32 activationDelay,
        uint32 claimWindow
    ) public {
        uint32 minDelay = pool.MIN_ACTIVATION_DELAY();
        uint32 minWindow = pool.MIN_CLAIM_WINDOW();
        IPoolFactory.PoolConfig memory config = _config();
        config.activationDelay = uint32(bound(activationDelay, 0, minDelay - 1));
        vm.expectRevert(
            abi.encodeWithSelector(
                IRoyaltyPool.RoyaltyPoolActivationDelayTooShort.selector,
                config.activationDelay,
                minDelay
            )
        );
        factory.createPool(config);
        config = _config();
        config.claimWindow = uint32(bound(claimWindow, 0, minWindow - 1));
        vm.expectRevert(
            abi.encodeWithSelector(
                IRoyaltyPool.RoyaltyPoolClaimWindowTooShort.selector,
                config.claimWindow,
                minWindow
            )
        );
        factory.createPool(config);
        // At the minimums the pool is created.
        config = _config();
        (config.activationDelay, config.claimWindow) = (minDelay, minWindow);
        assertEq(IRoyaltyPool(factory.createPool(config)).activationDelay(), minDelay);
    }

    function test_initialize_RevertWhen_CalledAgain() public {
        address[] memory none = new address[](0);
        vm.expectRevert(IRoyaltyPool.RoyaltyPoolAlreadyInitialized.selector);
        pool.initialize(stranger, address(registry), 0, 0, none, none);
        IRoyaltyPool implementation = IRoyaltyPool(factory.implementation());
        vm.expectRevert(IRoyaltyPool.RoyaltyPoolAlreadyInitialized.selector);
        implementation.initialize(stranger, address(registry), 0, 0, none, none);
    }
}
