// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// Test names follow the house style `test_<fn>_<Behaviour>`, not mixedCase.
// solhint-disable func-name-mixedcase

import {PoolFixture} from "../utils/PoolFixture.sol";

/// @notice Folding superseded schedules' pots into a per-token total (`sync`, `foldPotsOf`) never changes the
/// reserve, whatever was folded when, and claims and sweeps of folded schedules keep it exact (I-2).
contract FoldTest is PoolFixture {
    function testFuzz_foldPotsOf_ReserveStaysExact(
        uint8 schedules,
        uint8 foldAt,
        uint8 parts,
        uint256 seed
    ) public {
        schedules = uint8(bound(schedules, 1, 12));
        foldAt = uint8(bound(foldAt, 0, schedules));
        parts = uint8(bound(parts, 1, 4));
        address a = makeAddr("a");
        address b = makeAddr("b");
        uint256[] memory ids = new uint256[](schedules);
        for (uint256 i; i < schedules; ++i) {
            ids[i] = _proposeAndActivate(_twoAccountTable(a, b));
            _depositDai(bound(uint256(keccak256(abi.encode(seed, i))), 1, 1e24));
            if (i == foldAt) {
                // A partial fold in `parts` steps, then claims of every schedule so far by the first account.
                for (uint256 k; k < parts; ++k) pool.foldPotsOf(address(dai), 1 + ((seed >> k) % 3));
                assertEq(pool.reserveOf(address(dai)), dai.balanceOf(address(pool)));
                for (uint256 j; j <= i; ++j) _claimOne(ids[j], _twoAccountTable(a, b), 0, address(dai));
                assertEq(pool.reserveOf(address(dai)), dai.balanceOf(address(pool)));
            }
        }
        dai.mint(address(pool), 5);
        pool.sync(address(dai));
        assertEq(pool.reserveOf(address(dai)), dai.balanceOf(address(pool)));
        // b claims everything it is owed from every schedule; the reserve still matches the balance.
        for (uint256 i; i < schedules; ++i) _claimOne(ids[i], _twoAccountTable(a, b), 1, address(dai));
        assertEq(pool.reserveOf(address(dai)), dai.balanceOf(address(pool)));
        // Past every claim window, what a left in superseded schedules moves to the current one.
        vm.warp(block.timestamp + CLAIM_WINDOW + 1);
        for (uint256 i; i + 1 < schedules; ++i) {
            (uint256 deposited, uint256 claimedAmount) = pool.potOf(ids[i], address(dai));
            if (deposited > claimedAmount) pool.sweep(ids[i], address(dai));
            assertEq(pool.reserveOf(address(dai)), dai.balanceOf(address(pool)));
        }
    }
}
