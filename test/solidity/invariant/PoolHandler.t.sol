// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// Test names follow the house style, not mixedCase.
// solhint-disable func-name-mixedcase, function-max-lines

import {PoolHandler} from "../handlers/PoolHandler.sol";
import {PoolFixture} from "../utils/PoolFixture.sol";

/// @notice Guards the invariant suite against passing vacuously: a scripted run through the handler must reach
/// every action's success path (deposits of every token, claims with real proofs, sweeps, revocations, identity
/// binding, role actions) with no recorded violation and with money actually paid out.
contract PoolHandlerTest is PoolFixture {
    PoolHandler internal handler;
    address[5] internal toks;

    function setUp() public override {
        super.setUp();
        toks = [address(0), address(dai), address(fot), address(usdt), address(usdc)];
        handler = new PoolHandler(pool, registry, admin, proposer, guardian, attestor, attestorKey, toks);
    }

    function test_handler_ScriptedRunReachesEveryActionWithoutViolation() public {
        // Before any schedule: deposits wait in the unallocated pot.
        for (uint256 t = 1; t < 5; ++t) handler.deposit(t, 1_000e6 + t, t);
        handler.depositETH(3 ether, 0, false);
        handler.depositETH(1 ether, 1, true);
        handler.depositWithPermit(0, 500e18, 2, false);
        handler.depositWithPermit(1, 700e6, 1, true);
        handler.transferToPool(2, 50e18);
        handler.transferToPool(3, 50e6);
        handler.forceETH(0.5 ether);
        handler.sync(2, 0);
        handler.sync(3, 1);
        handler.sync(0, 2);

        // Schedule 1 (genesis: takes the unallocated pot) activates; a second proposal is refused meanwhile.
        handler.propose(_seedWithReentrantPayee(7));
        handler.propose(8);
        handler.warp(1); // mode 1: exactly to the pending activation
        for (uint256 s; s < 24; ++s) handler.claim(s * 7919);
        handler.bindOrMovePayee(2); // binds the third identity
        handler.bindOrMovePayee(258); // the first identity moves from wallet 0 to wallet 1
        handler.recover(257); // recovery of the third identity (seed % 3 == 2): a rebind to wallet 1 is proposed
        for (uint256 s = 24; s < 48; ++s) handler.claim(s * 7919);
        handler.recover(65_537); // (seed >> 16) odd: its payee cancels it
        handler.recover(512); // proposed again, to wallet 2; finalized after the warps below

        // Schedule 2 is proposed and revoked; schedule 3 supersedes 1.
        handler.propose(11);
        handler.revoke(1, false);
        handler.propose(_seedWithReentrantPayee(12));
        handler.warp(1);
        for (uint256 t; t < 5; ++t) handler.deposit(t, 2_000e6, t);
        // Schedules 1 and 2 are folded into each token's total, so the claims and sweeps of schedule 1 below
        // come out of it (I-2 holds the reserve to the ghost).
        for (uint256 t; t < 5; ++t) handler.foldPots(t, 3, t);
        for (uint256 s = 48; s < 72; ++s) handler.claim(s * 7919);
        handler.warp(3); // past the claim window
        for (uint256 t; t < 5; ++t) handler.sweep(1, t);
        handler.recover(2); // the rebind is due and (seed >> 16) even: finalized
        for (uint256 s = 72; s < 96; ++s) handler.claim(s * 7919);
        // The third identity's payee drops it; the attestor binds it again, then cancels that within its window.
        bytes32 third = handler.universe(7);
        vm.prank(registry.payeeOf(third));
        registry.unbind(third);
        handler.bindOrMovePayee(2);
        for (uint256 s = 96; s < 104; ++s) handler.claim(s * 7919); // its claims must wait (not yet payable)
        handler.bindOrMovePayee(2);
        for (uint256 a; a < 8; ++a) handler.roleAction(a + (a << 8));

        string[21] memory actions = [
            "foldPots",
            "deposit",
            "depositWithPermit",
            "depositETH",
            "depositETH.plain",
            "transferToPool",
            "sync",
            "forceETH",
            "propose",
            "revoke",
            "warp",
            "claim",
            "sweep",
            "bind",
            "movePayee",
            "cancelBinding",
            "proposeRebind",
            "cancelRebind",
            "finalizeRebind",
            "roleAction",
            "roleAction"
        ];
        for (uint256 i; i < actions.length; ++i) {
            assertGt(
                handler.calls(bytes32(bytes(actions[i]))),
                0,
                string.concat("never reached: ", actions[i])
            );
        }
        uint256[9] memory numbers = [uint256(2), 5, 6, 7, 8, 9, 10, 13, 0];
        for (uint256 i; i < numbers.length; ++i) {
            assertEq(handler.violations(numbers[i]), 0, handler.firstViolation(numbers[i]));
        }
        for (uint256 t; t < 5; ++t) {
            assertGt(handler.ghostPaid(toks[t]), 0, "nothing was paid in some token");
            assertGt(handler.ghostSwept(toks[t]), 0, "nothing was swept in some token");
        }
        assertGt(handler.reentrant().reentryAttempts(), 0, "the re-entrant payee never tried");
        assertEq(handler.reentrant().reentrySuccesses(), 0);
    }

    /// @dev The first seed from `start` whose table includes the re-entrant payee, so its ETH claims re-enter.
    function _seedWithReentrantPayee(uint256 start) private view returns (uint256 seed) {
        bytes32 target = handler.universe(4);
        for (seed = start; ; seed += 16) {
            (bytes32[] memory ids, , ) = handler.randomTable(seed);
            for (uint256 i; i < ids.length; ++i) {
                if (ids[i] == target) return seed;
            }
        }
    }
}
