// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// Test names follow the house style `test_<fn>_<Behaviour>`, not mixedCase.
// solhint-disable func-name-mixedcase

import {Vm} from "forge-std/Vm.sol";

import {IRoyaltyPool} from "../../../contracts/interfaces/IRoyaltyPool.sol";
import {PoolFixture} from "../utils/PoolFixture.sol";

/// @notice `claimOneLeaf` is `claim` of one request for one token: from the same state, the two calls pay the
/// same amount to the same payee, record the same claimed totals and pot and reserve, emit the same events, or
/// revert with the same error.
contract ClaimOneLeafTest is PoolFixture {
    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");
    address internal carolWallet = makeAddr("carol-wallet");

    /// @dev What a claim did, read back after it.
    struct Outcome {
        bool ok;
        bytes revertData;
        uint256 payeeBalance;
        uint256 ethOwed;
        uint256 claimedTotal;
        uint256 potClaimed;
        uint256 reserve;
        bytes32 eventsHash;
    }

    /// @param stage 0 pending, 1 active, 2 superseded, 3 superseded and swept, 4 revoked
    /// @param row 0 alice (address), 1 bob (address), 2 carol (identity; bound or not per `bindCarol`)
    function testFuzz_claimOneLeaf_SameAsClaimOfOneRequest(
        uint256 amount,
        uint8 stage,
        uint8 row,
        bool eth,
        bool forged,
        bool bindCarol,
        uint8 repeats
    ) public {
        amount = bound(amount, 1, 1e30);
        stage = uint8(bound(stage, 0, 4));
        row = uint8(bound(row, 0, 2));
        address token = eth ? address(0) : address(dai);
        Table memory t = _threeAccountTable(bindCarol);
        uint256 id = _propose(t);
        if (stage == 4) {
            vm.prank(guardian);
            pool.revokeSchedule(id); // while pending; then time passes beyond its activation
        }
        if (stage != 0) vm.warp(block.timestamp + ACTIVATION_DELAY);
        _deposit(token, amount);
        if (stage == 2 || stage == 3) {
            _proposeAndActivate(t); // supersedes `id`; its pots keep their money
            _deposit(token, amount); // into the new schedule: the reserve spans both
            if (stage == 3) {
                vm.warp(block.timestamp + CLAIM_WINDOW);
                pool.sweep(id, token);
            }
        }
        // Claims before the measured one: the measured claim pays what accrued since.
        for (uint256 i; i < bound(repeats, 0, 2); ++i) {
            (bool paid, ) = address(pool).call(_oneLeafCall(id, t, row, token, forged));
            paid; // a claim that reverts here reverts below too
            _deposit(token, amount / 3 + 1);
        }

        uint256 snapshot = vm.snapshotState();
        Outcome memory viaClaim = _run(
            abi.encodeCall(IRoyaltyPool.claim, (_requests(id, t, row, token, forged))),
            id,
            t,
            row,
            token
        );
        vm.revertToState(snapshot);
        Outcome memory viaOneLeaf = _run(_oneLeafCall(id, t, row, token, forged), id, t, row, token);

        assertEq(viaOneLeaf.ok, viaClaim.ok, "success");
        assertEq(viaOneLeaf.revertData, viaClaim.revertData, "revert data");
        assertEq(viaOneLeaf.payeeBalance, viaClaim.payeeBalance, "payee balance");
        assertEq(viaOneLeaf.ethOwed, viaClaim.ethOwed, "ETH credited");
        assertEq(viaOneLeaf.claimedTotal, viaClaim.claimedTotal, "claimed total");
        assertEq(viaOneLeaf.potClaimed, viaClaim.potClaimed, "pot claimed");
        assertEq(viaOneLeaf.reserve, viaClaim.reserve, "reserve");
        assertEq(viaOneLeaf.eventsHash, viaClaim.eventsHash, "events");
    }

    function test_claimOneLeaf_PaysAnIdentitysWallet() public {
        Table memory t = _threeAccountTable(true);
        uint256 id = _proposeAndActivate(t);
        _depositDai(100e18);
        (bool ok, ) = address(pool).call(_oneLeafCall(id, t, 2, address(dai), false));
        assertTrue(ok);
        assertEq(dai.balanceOf(carolWallet), (100e18 * t.shares[2]) / t.totalShares);
        // Nothing new: a second call pays nothing and does not revert.
        (ok, ) = address(pool).call(_oneLeafCall(id, t, 2, address(dai), false));
        assertTrue(ok);
        assertEq(dai.balanceOf(carolWallet), (100e18 * t.shares[2]) / t.totalShares);
    }

    function _run(
        bytes memory data,
        uint256 id,
        Table memory t,
        uint256 row,
        address token
    ) private returns (Outcome memory o) {
        address payee = pool.payeeOf(t.ids[row]);
        vm.recordLogs();
        vm.prank(stranger);
        (o.ok, o.revertData) = address(pool).call(data);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        o.eventsHash = keccak256(abi.encode(logs));
        o.payeeBalance =
            payee == address(0) ? 0 : (token == address(0) ? payee.balance : dai.balanceOf(payee));
        o.ethOwed = payee == address(0) ? 0 : pool.ethOwedTo(payee);
        o.claimedTotal = pool.claimed(id, t.ids[row], token);
        (, o.potClaimed) = pool.potOf(id, token);
        o.reserve = pool.reserveOf(token);
    }

    function _oneLeafCall(
        uint256 id,
        Table memory t,
        uint256 row,
        address token,
        bool forged
    ) private pure returns (bytes memory) {
        IRoyaltyPool.ClaimRequest memory r = _request(id, t, row, _tokens(token));
        return
            abi.encodeCall(
                IRoyaltyPool.claimOneLeaf,
                (r.scheduleId, r.accountId, forged ? r.shares + 1 : r.shares, token, r.proof)
            );
    }

    function _requests(
        uint256 id,
        Table memory t,
        uint256 row,
        address token,
        bool forged
    ) private pure returns (IRoyaltyPool.ClaimRequest[] memory reqs) {
        reqs = new IRoyaltyPool.ClaimRequest[](1);
        reqs[0] = _request(id, t, row, _tokens(token));
        if (forged) reqs[0].shares += 1;
    }

    /// @dev alice 1/5, bob 3/5 (addresses), carol 1/5 (an identity, bound to her wallet if `bindCarol`).
    function _threeAccountTable(bool bindCarol) private returns (Table memory) {
        bytes32[] memory ids = new bytes32[](3);
        uint256[] memory shares = new uint256[](3);
        bytes32 carol = bindCarol ? _bind("github:carol", carolWallet) : _identityAccount("github:carol");
        (ids[0], ids[1], ids[2]) = (_addressAccount(alice), _addressAccount(bob), carol);
        (shares[0], shares[1], shares[2]) = (0.2e18, 0.6e18, 0.2e18);
        return _table(ids, shares);
    }

    function _deposit(address token, uint256 amount) private {
        if (token == address(0)) _depositETH(amount);
        else _depositDai(amount);
    }
}
