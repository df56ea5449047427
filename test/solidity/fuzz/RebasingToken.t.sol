// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// Test names follow the house style `test_<fn>_<Behaviour>`, not mixedCase.
// solhint-disable func-name-mixedcase

import {IRoyaltyPool} from "../../../contracts/interfaces/IRoyaltyPool.sol";
import {RebasingToken} from "../../../contracts/test/RebasingToken.sol";
import {PoolFixture} from "../utils/PoolFixture.sol";

/// @notice Documents why rebasing tokens are unsupported (docs/invariants.md): pots record amounts at deposit
/// time and do not follow the rebase. These tests pin the behaviour so a change to it is noticed.
contract RebasingTokenTest is PoolFixture {
    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");
    RebasingToken internal steth;
    Table internal t;
    uint256 internal id;

    function setUp() public override {
        super.setUp();
        steth = new RebasingToken("Staked Ether", "stETH");
        Table memory table = _twoAccountTable(alice, bob);
        t = table;
        id = _proposeAndActivate(table);
        steth.mint(payer, 100e18);
        vm.startPrank(payer);
        steth.approve(address(pool), 100e18);
        pool.deposit(address(steth), 100e18, 0);
        vm.stopPrank();
    }

    /// A positive rebase is a surplus nobody is entitled to until someone calls `sync`.
    function test_rebasing_PositiveRebaseIsCreditedOnlyBySync() public {
        steth.setIndex(1.1e18);
        assertEq(steth.balanceOf(address(pool)), 110e18);
        assertEq(pool.reserveOf(address(steth)), 100e18);
        assertEq(pool.claimable(id, t.ids[0], t.shares[0], address(steth)), 25e18);
        pool.sync(address(steth));
        assertEq(pool.claimable(id, t.ids[0], t.shares[0], address(steth)), 27.5e18);
    }

    /// A negative rebase leaves the pots uncovered (I-1 fails): early claimants are paid in full and the last
    /// ones cannot be paid.
    function test_rebasing_NegativeRebaseLeavesPotsUncovered() public {
        steth.setIndex(0.8e18);
        assertLt(steth.balanceOf(address(pool)), pool.reserveOf(address(steth)), "I-1 does not hold");
        Table memory table = t;
        _claimOne(id, table, 1, address(steth)); // bob: 75 of the 80 left
        IRoyaltyPool.ClaimRequest[] memory reqs = new IRoyaltyPool.ClaimRequest[](1);
        reqs[0] = _request(id, table, 0, _tokens(address(steth)));
        vm.expectRevert();
        pool.claim(reqs); // alice: 5 left to pay her 25
    }
}
