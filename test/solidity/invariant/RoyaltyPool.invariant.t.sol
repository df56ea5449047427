// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// Test names follow the house style (`invariant_I<n>_<Behaviour>`), not mixedCase.
// solhint-disable func-name-mixedcase

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {IRoyaltyPool} from "../../../contracts/interfaces/IRoyaltyPool.sol";
import {PoolHandler} from "../handlers/PoolHandler.sol";
import {PoolFixture} from "../utils/PoolFixture.sol";

/// @notice The numbered invariants of docs/invariants.md, checked after every call of random sequences driven by
/// `PoolHandler` against real token balances, the pool's views and the handler's ghost totals.
contract RoyaltyPoolInvariantTest is PoolFixture {
    PoolHandler internal handler;
    address[5] internal toks;

    function setUp() public virtual override {
        super.setUp();
        toks = [address(0), address(dai), address(fot), address(usdt), address(usdc)];
        handler = new PoolHandler(pool, registry, admin, proposer, guardian, attestor, attestorKey, toks);

        bytes4[] memory selectors = new bytes4[](16);
        selectors[0] = PoolHandler.deposit.selector;
        selectors[1] = PoolHandler.deposit.selector; // deposits are the common case: weight them twice
        selectors[2] = PoolHandler.depositWithPermit.selector;
        selectors[3] = PoolHandler.depositETH.selector;
        selectors[4] = PoolHandler.transferToPool.selector;
        selectors[5] = PoolHandler.sync.selector;
        selectors[6] = PoolHandler.propose.selector;
        selectors[7] = PoolHandler.revoke.selector;
        selectors[8] = PoolHandler.warp.selector;
        selectors[9] = PoolHandler.claim.selector;
        selectors[10] = PoolHandler.sweep.selector;
        selectors[11] = PoolHandler.bindOrMovePayee.selector;
        selectors[12] = PoolHandler.roleAction.selector;
        selectors[13] = PoolHandler.forceETH.selector;
        selectors[14] = PoolHandler.recover.selector;
        selectors[15] = PoolHandler.foldPots.selector;
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
        targetContract(address(handler));
    }

    // ------------------------------------------------------------------ I-1 .. I-14

    /// I-1: per token, the pool holds at least everything credited and not yet claimed.
    function invariant_I1_PoolBalanceCoversOutstanding() public view {
        for (uint256 t; t < toks.length; ++t) {
            assertGe(_balance(t), _outstanding(toks[t]), "I-1: pool balance below outstanding pots");
        }
    }

    /// I-2: the accounting is exact: the reserve equals the outstanding pots and the ghost in - out, and the
    /// real balance adds only what was sent by plain transfer and not yet synced.
    function invariant_I2_AccountingMatchesRealBalances() public view {
        _noViolation(2);
        for (uint256 t; t < toks.length; ++t) {
            address token = toks[t];
            uint256 outstanding = _outstanding(token);
            uint256 ghost = handler.ghostCredited(token) - handler.ghostPaid(token);
            assertEq(outstanding, ghost, "I-2: pots differ from ghost credited - paid");
            assertEq(pool.reserveOf(token), ghost, "I-2: reserve differs from ghost");
            assertEq(_balance(t), ghost + handler.ghostUnsynced(token), "I-2: balance != reserve + unsynced");
        }
    }

    /// I-3: per (schedule, token), claims never exceed the pot (also for pots already swept).
    function invariant_I3_ClaimsNeverExceedPot() public view {
        for (uint256 t; t < toks.length; ++t) {
            address token = toks[t];
            (uint256 d0, uint256 c0) = pool.potOf(0, token);
            assertLe(c0, d0, "I-3: unallocated/genesis pot over-claimed");
            for (uint256 id = 1; id <= handler.count(); ++id) {
                (uint256 deposited, uint256 claimedAmount) = pool.potOf(id, token);
                assertLe(claimedAmount, deposited, "I-3: pot over-claimed");
                if (handler.ghostIsSwept(id, token)) {
                    assertLe(
                        handler.ghostClaimedFrom(id, token),
                        handler.ghostDepositedAtSweep(id, token),
                        "I-3: swept pot over-claimed"
                    );
                }
            }
        }
    }

    /// I-4: per (schedule, token), the pot's claimed total is the sum of its accounts' claims.
    function invariant_I4_PotClaimedIsSumOfAccountClaims() public view {
        for (uint256 id = 1; id <= handler.count(); ++id) {
            bytes32[] memory ids = handler.scheduleIds(id);
            for (uint256 t; t < toks.length; ++t) {
                address token = toks[t];
                uint256 sum;
                for (uint256 a; a < ids.length; ++a) sum += pool.claimed(id, ids[a], token);
                assertEq(sum, handler.ghostClaimedFrom(id, token), "I-4: account claims differ from ghost");
                // A revoked genesis schedule shares pot key 0 with its successor: it has no claims of its own.
                if (!handler.ghostIsSwept(id, token) && !handler.scheduleRevoked(id)) {
                    (, uint256 claimedAmount) = pool.potOf(id, token);
                    assertEq(claimedAmount, sum, "I-4: pot claimed differs from sum of account claims");
                }
            }
        }
    }

    /// I-5: a claim never pays twice: what an account was paid equals what the handler saw it receive and never
    /// exceeds mulDiv(pot, shares, totalShares); re-entrant and repeated claims add nothing.
    function invariant_I5_NoAccountIsPaidTwice() public view {
        _noViolation(5);
        for (uint256 id = 1; id <= handler.count(); ++id) {
            bytes32[] memory ids = handler.scheduleIds(id);
            uint256[] memory shares = handler.scheduleShares(id);
            uint256 total = handler.scheduleTotalShares(id);
            for (uint256 t; t < toks.length; ++t) {
                address token = toks[t];
                uint256 deposited = _depositedEver(id, token);
                for (uint256 a; a < ids.length; ++a) {
                    uint256 paid = pool.claimed(id, ids[a], token);
                    assertEq(
                        paid,
                        handler.ghostClaimedBy(id, ids[a], token),
                        "I-5: claimed differs from ghost"
                    );
                    assertLe(paid, Math.mulDiv(deposited, shares[a], total), "I-5: paid beyond entitlement");
                }
            }
        }
        assertEq(handler.reentrant().reentrySuccesses(), 0, "I-5: a re-entrant claim succeeded");
    }

    /// I-6: money leaves the pool only to payees: everything paid out arrived at the payees the claims named
    /// (the address itself or the identity's registry payee), and no role or outsider holds any of it.
    function invariant_I6_MoneyGoesOnlyToPayees() public view {
        _noViolation(6);
        for (uint256 t; t < toks.length; ++t) {
            address token = toks[t];
            assertEq(
                handler.ghostPaidToPayees(token),
                handler.ghostPaid(token),
                "I-6: paid out != received by payees"
            );
        }
    }

    /// I-7: sweeps conserve value: every pot's deposits (frozen at sweep time for swept pots) sum to what was
    /// credited plus what was swept, each sweep moved exactly the remainder into the current pot, and deposits,
    /// syncs and sweeps credit the current schedule's pot.
    function invariant_I7_SweepsConserveValue() public view {
        _noViolation(7);
        for (uint256 t; t < toks.length; ++t) {
            address token = toks[t];
            uint256 sum = _depositedEver(0, token);
            for (uint256 id = 1; id <= handler.count(); ++id) {
                if (!handler.scheduleGenesis(id)) sum += _depositedEver(id, token);
            }
            assertEq(
                sum,
                handler.ghostCredited(token) + handler.ghostSwept(token),
                "I-7: pots != credited + swept"
            );
        }
    }

    /// I-8: no role moves deposited money: role actions change no balance or reserve, outsiders cannot use
    /// privileged functions, and the admin, proposers, guardians and attestor never hold pool money.
    function invariant_I8_NoRoleMovesMoney() public view {
        _noViolation(8);
        address[5] memory roles = [handler.admin(), admin, proposer, guardian, attestor];
        for (uint256 r; r < roles.length; ++r) {
            assertEq(roles[r].balance, 0, "I-8: a role holds ETH");
            for (uint256 t = 1; t < toks.length; ++t) {
                assertEq(IERC20(toks[t]).balanceOf(roles[r]), 0, "I-8: a role holds tokens");
            }
        }
    }

    /// I-9: at most one schedule is pending, and it is the one the pool reports.
    function invariant_I9_AtMostOnePendingSchedule() public view {
        _noViolation(9);
        uint256 pendingCount;
        for (uint256 id = 1; id <= handler.count(); ++id) {
            if (!handler.scheduleRevoked(id) && handler.scheduleActivatesAt(id) > block.timestamp)
                ++pendingCount;
        }
        assertLe(pendingCount, 1, "I-9: more than one pending schedule");
        assertEq(
            pool.pendingScheduleId(),
            handler.modelPending(),
            "I-9: pending schedule differs from model"
        );
        assertEq(pool.scheduleCount(), handler.count(), "I-9: schedule count differs");
    }

    /// I-10: a revoked schedule never becomes current (and cannot be claimed against: see I-5's checks).
    function invariant_I10_RevokedScheduleNeverCurrent() public view {
        _noViolation(10);
        uint256 current = pool.currentScheduleId();
        assertEq(current, handler.modelCurrent(), "I-10: current schedule differs from model");
        if (current != 0) {
            assertFalse(handler.scheduleRevoked(current), "I-10: a revoked schedule is current");
            assertFalse(pool.scheduleOf(current).revoked, "I-10: the pool's current schedule is revoked");
        }
    }

    /// I-11: deposits cost O(1): their gas stays under one bound whatever the number of schedules, recipients,
    /// claims and sweeps before them.
    function invariant_I11_DepositGasIsBounded() public view {
        assertLe(
            handler.maxDepositGas(),
            handler.DEPOSIT_GAS_BOUND(),
            "I-11: a deposit cost more than the bound"
        );
    }

    /// I-12: `claimable` is exactly mulDiv(pot, shares, totalShares) - claimed for an active, unswept schedule
    /// and 0 otherwise, for every account of every table.
    function invariant_I12_ClaimableMatchesEntitlement() public view {
        for (uint256 id = 1; id <= handler.count(); ++id) {
            bytes32[] memory ids = handler.scheduleIds(id);
            uint256[] memory shares = handler.scheduleShares(id);
            uint256 total = handler.scheduleTotalShares(id);
            bool active = !handler.scheduleRevoked(id) && handler.scheduleActivatesAt(id) <= block.timestamp;
            for (uint256 t; t < toks.length; ++t) {
                address token = toks[t];
                (uint256 deposited, ) = pool.potOf(id, token);
                for (uint256 a; a < ids.length; ++a) {
                    uint256 expected;
                    if (active && !handler.ghostIsSwept(id, token)) {
                        expected = Math.mulDiv(deposited, shares[a], total) - pool.claimed(id, ids[a], token);
                    }
                    assertEq(
                        pool.claimable(id, ids[a], shares[a], token),
                        expected,
                        "I-12: claimable is wrong"
                    );
                }
            }
        }
    }

    /// I-13: the current schedule id never decreases.
    function invariant_I13_CurrentScheduleNeverDecreases() public view {
        _noViolation(13);
        assertGe(pool.currentScheduleId(), handler.maxCurrentSeen(), "I-13: current schedule went back");
    }

    /// I-14: a schedule's record never changes after its proposal (root, totalShares, activation time).
    function invariant_I14_ScheduleRecordsAreImmutable() public view {
        for (uint256 id = 1; id <= handler.count(); ++id) {
            IRoyaltyPool.Schedule memory s = pool.scheduleOf(id);
            uint256[] memory shares = handler.scheduleShares(id);
            bytes32[] memory ids = handler.scheduleIds(id);
            assertEq(s.totalShares, handler.scheduleTotalShares(id), "I-14: totalShares changed");
            assertEq(s.activatesAt, handler.scheduleActivatesAt(id), "I-14: activation time changed");
            assertEq(s.revoked, handler.scheduleRevoked(id), "I-14: revoked flag differs");
            assertEq(s.root, _root(ids, shares), "I-14: root changed");
        }
    }

    // ------------------------------------------------------------------ helpers

    /// @dev Sum over pot keys (0 = unallocated/genesis, then each non-genesis schedule) of deposited - claimed.
    function _outstanding(address token) internal view returns (uint256 sum) {
        (uint256 d, uint256 c) = pool.potOf(0, token);
        sum = d - c;
        for (uint256 id = 1; id <= handler.count(); ++id) {
            if (handler.scheduleGenesis(id)) continue;
            (d, c) = pool.potOf(id, token);
            sum += d - c;
        }
    }

    /// @dev A pot's `deposited`, or its value at the moment it was swept (the pool zeroes swept pots).
    function _depositedEver(uint256 id, address token) internal view returns (uint256) {
        if (id == 0) {
            for (uint256 g = 1; g <= handler.count(); ++g) {
                if (handler.scheduleGenesis(g) && handler.ghostIsSwept(g, token)) {
                    return handler.ghostDepositedAtSweep(g, token);
                }
            }
        } else if (handler.ghostIsSwept(id, token)) {
            return handler.ghostDepositedAtSweep(id, token);
        }
        (uint256 deposited, ) = pool.potOf(id, token);
        return deposited;
    }

    function _root(bytes32[] memory ids, uint256[] memory shares) internal pure returns (bytes32) {
        return _table(ids, shares).tree[0];
    }

    function _balance(uint256 t) internal view returns (uint256) {
        return t == 0 ? address(pool).balance : IERC20(toks[t]).balanceOf(address(pool));
    }

    function _noViolation(uint256 n) internal view {
        assertEq(handler.violations(n), 0, string.concat("handler: ", handler.firstViolation(n)));
    }
}
