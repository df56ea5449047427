// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// Test names follow the house style `test_<fn>_<Behaviour>`, not mixedCase.
// solhint-disable func-name-mixedcase

import {Vm} from "forge-std/Vm.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IRoyaltyPool} from "../../../contracts/interfaces/IRoyaltyPool.sol";
import {ReentrantPayee} from "../../../contracts/test/ReentrantPayee.sol";
import {PoolFixture} from "../utils/PoolFixture.sol";

/// @notice `claim` and `claimable` (I-3, I-5, I-6, I-12).
contract ClaimTest is PoolFixture {
    error AccountNotInTable(address account);

    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");

    function testFuzz_claim_PaysMulDivOfPot(uint256 amount, uint256 sharesA, uint256 sharesB) public {
        amount = bound(amount, 1, 1e30);
        sharesA = bound(sharesA, 1, type(uint64).max);
        sharesB = bound(sharesB, 1, type(uint64).max);
        Table memory t = _pair(alice, sharesA, bob, sharesB);
        uint256 id = _proposeAndActivate(t);
        _depositDai(amount);
        uint256 expected = Math.mulDiv(amount, sharesA, sharesA + sharesB);
        assertEq(pool.claimable(id, t.ids[0], t.shares[0], address(dai)), expected);
        if (expected > 0) {
            vm.expectEmit(address(pool));
            emit IRoyaltyPool.Claimed(t.ids[0], alice, address(dai), id, expected);
        }
        _claimOne(id, t, 0, address(dai));
        assertEq(dai.balanceOf(alice), expected);
        assertEq(pool.claimed(id, t.ids[0], address(dai)), expected);
        (, uint256 potClaimed) = pool.potOf(id, address(dai));
        assertEq(potClaimed, expected);
    }

    function testFuzz_claim_NeverPaysTwice(uint256 amount, uint8 repeats) public {
        amount = bound(amount, 1, 1e30);
        Table memory t = _twoAccountTable(alice, bob);
        uint256 id = _proposeAndActivate(t);
        _depositDai(amount);
        uint256 entitled = Math.mulDiv(amount, t.shares[0], t.totalShares);
        // The same request several times in one call, each naming the token twice.
        uint256 n = bound(repeats, 1, 4);
        IRoyaltyPool.ClaimRequest[] memory reqs = new IRoyaltyPool.ClaimRequest[](n);
        address[] memory twice = new address[](2);
        (twice[0], twice[1]) = (address(dai), address(dai));
        for (uint256 i; i < n; ++i) reqs[i] = _request(id, t, 0, twice);
        pool.claim(reqs);
        assertEq(dai.balanceOf(alice), entitled);
        // And again in later calls.
        pool.claim(reqs);
        _claimOne(id, t, 0, address(dai));
        assertEq(dai.balanceOf(alice), entitled);
        assertEq(pool.claimable(id, t.ids[0], t.shares[0], address(dai)), 0);
    }

    function testFuzz_claim_StreamsAsDepositsArrive(uint256[4] memory amounts) public {
        Table memory t = _twoAccountTable(alice, bob);
        uint256 id = _proposeAndActivate(t);
        uint256 total;
        for (uint256 i; i < amounts.length; ++i) {
            amounts[i] = bound(amounts[i], 1, 1e27);
            _depositDai(amounts[i]);
            total += amounts[i];
            _claimOne(id, t, 0, address(dai));
            assertEq(dai.balanceOf(alice), Math.mulDiv(total, t.shares[0], t.totalShares));
        }
    }

    /// Floor rounding leaves dust, never an overdraft: all accounts together get at most the pot and lose less
    /// than one base unit each.
    function testFuzz_claim_RoundingNeverOverpays(uint256 amount, uint256 seed, uint8 size) public {
        uint256 n = bound(size, 2, 8);
        amount = bound(amount, 1, 1e12);
        bytes32[] memory ids = new bytes32[](n);
        uint256[] memory shares = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            ids[i] = _addressAccount(makeAddr(string.concat("acct", vm.toString(i))));
            shares[i] = 1 + (uint256(keccak256(abi.encode(seed, i))) % 1000);
        }
        Table memory t = _table(ids, shares);
        uint256 id = _proposeAndActivate(t);
        usdc.mint(payer, amount);
        vm.startPrank(payer);
        usdc.approve(address(pool), amount);
        pool.deposit(address(usdc), amount, bytes32(0));
        vm.stopPrank();
        uint256 paid;
        for (uint256 i; i < n; ++i) {
            _claimOne(id, t, i, address(usdc));
            paid += usdc.balanceOf(address(uint160(uint256(ids[i]))));
        }
        assertLe(paid, amount);
        assertLt(amount - paid, n);
        assertEq(usdc.balanceOf(address(pool)), amount - paid);
    }

    function test_claim_RevertWhen_ProofInvalid() public {
        Table memory t = _twoAccountTable(alice, bob);
        uint256 id = _proposeAndActivate(t);
        _depositDai(100e18);
        IRoyaltyPool.ClaimRequest[] memory reqs = new IRoyaltyPool.ClaimRequest[](1);

        // More shares than the table gives.
        reqs[0] = _request(id, t, 0, _tokens(address(dai)));
        reqs[0].shares = t.shares[0] + 1;
        vm.expectRevert(
            abi.encodeWithSelector(
                IRoyaltyPool.RoyaltyPoolInvalidProof.selector,
                id,
                t.ids[0],
                t.shares[0] + 1
            )
        );
        pool.claim(reqs);

        // Bob's proof and shares presented for alice's account.
        reqs[0] = _request(id, t, 1, _tokens(address(dai)));
        reqs[0].accountId = t.ids[0];
        vm.expectRevert(
            abi.encodeWithSelector(IRoyaltyPool.RoyaltyPoolInvalidProof.selector, id, t.ids[0], t.shares[1])
        );
        pool.claim(reqs);

        // An inner node presented as a leaf (second-preimage attempt) with an empty proof.
        reqs[0] = IRoyaltyPool.ClaimRequest(id, t.tree[0], 0, new bytes32[](0), _tokens(address(dai)));
        vm.expectRevert();
        pool.claim(reqs);
        assertEq(dai.balanceOf(address(pool)), 100e18);
    }

    function test_claim_RevertWhen_ScheduleNotActive() public {
        Table memory t = _twoAccountTable(alice, bob);
        uint256 id = _propose(t);
        IRoyaltyPool.ClaimRequest[] memory reqs = new IRoyaltyPool.ClaimRequest[](1);
        reqs[0] = _request(id, t, 0, _tokens(address(dai)));
        // Pending.
        vm.expectRevert(abi.encodeWithSelector(IRoyaltyPool.RoyaltyPoolScheduleNotActive.selector, id));
        pool.claim(reqs);
        // Revoked (and time passes beyond its activation).
        vm.prank(guardian);
        pool.revokeSchedule(id);
        vm.warp(block.timestamp + 10 * ACTIVATION_DELAY);
        vm.expectRevert(abi.encodeWithSelector(IRoyaltyPool.RoyaltyPoolScheduleNotActive.selector, id));
        pool.claim(reqs);
        // Unknown and zero ids.
        reqs[0].scheduleId = 99;
        vm.expectRevert(abi.encodeWithSelector(IRoyaltyPool.RoyaltyPoolScheduleNotActive.selector, 99));
        pool.claim(reqs);
        reqs[0].scheduleId = 0;
        vm.expectRevert(abi.encodeWithSelector(IRoyaltyPool.RoyaltyPoolScheduleNotActive.selector, 0));
        pool.claim(reqs);
    }

    function test_claim_RevertWhen_Empty() public {
        vm.expectRevert(IRoyaltyPool.RoyaltyPoolEmptyClaim.selector);
        pool.claim(new IRoyaltyPool.ClaimRequest[](0));
        Table memory t = _twoAccountTable(alice, bob);
        uint256 id = _proposeAndActivate(t);
        IRoyaltyPool.ClaimRequest[] memory reqs = new IRoyaltyPool.ClaimRequest[](1);
        reqs[0] = _request(id, t, 0, new address[](0));
        vm.expectRevert(IRoyaltyPool.RoyaltyPoolEmptyClaim.selector);
        pool.claim(reqs);
    }

    function testFuzz_claim_AnyoneMaySubmitButOnlyPayeeIsPaid(address submitter) public {
        vm.assume(submitter != alice && submitter != address(pool) && submitter != address(0));
        Table memory t = _twoAccountTable(alice, bob);
        uint256 id = _proposeAndActivate(t);
        _depositDai(100e18);
        _depositETH(4 ether);
        uint256 submitterDai = dai.balanceOf(submitter);
        uint256 submitterEth = submitter.balance;
        IRoyaltyPool.ClaimRequest[] memory reqs = new IRoyaltyPool.ClaimRequest[](1);
        address[] memory both = new address[](2);
        (both[0], both[1]) = (address(dai), address(0));
        reqs[0] = _request(id, t, 0, both);
        vm.prank(submitter);
        pool.claim(reqs);
        assertEq(dai.balanceOf(alice), 25e18);
        assertEq(alice.balance, 1 ether);
        assertEq(dai.balanceOf(submitter), submitterDai);
        assertEq(submitter.balance, submitterEth);
    }

    function test_claim_AnyoneMaySubmitButOnlyPayeeIsPaid() public {
        testFuzz_claim_AnyoneMaySubmitButOnlyPayeeIsPaid(stranger);
    }

    function test_claim_UnboundIdentityMoneyWaits() public {
        bytes32 maintainer = _identityAccount("github:4242");
        bytes32[] memory ids = new bytes32[](2);
        uint256[] memory shares = new uint256[](2);
        (ids[0], ids[1]) = (_addressAccount(alice), maintainer);
        (shares[0], shares[1]) = (0.4e18, 0.6e18);
        Table memory t = _table(ids, shares);
        uint256 id = _proposeAndActivate(t);
        _depositDai(100e18);
        assertEq(pool.payeeOf(maintainer), address(0));
        IRoyaltyPool.ClaimRequest[] memory reqs = new IRoyaltyPool.ClaimRequest[](1);
        reqs[0] = _request(id, t, 1, _tokens(address(dai)));
        vm.expectRevert(abi.encodeWithSelector(IRoyaltyPool.RoyaltyPoolPayeeUnbound.selector, maintainer));
        pool.claim(reqs);
        // Money keeps accruing while unbound; once bound, all of it is paid to the new payee.
        _depositDai(50e18);
        address wallet = makeAddr("maintainerWallet");
        _bind("github:4242", wallet);
        assertEq(pool.payeeOf(maintainer), wallet);
        pool.claim(reqs);
        assertEq(dai.balanceOf(wallet), 90e18);
    }

    function test_claim_IdentityPaysCurrentPayee() public {
        address first = makeAddr("firstWallet");
        address second = makeAddr("secondWallet");
        bytes32 maintainer = _bind("npm:someone", first);
        bytes32[] memory ids = new bytes32[](2);
        uint256[] memory shares = new uint256[](2);
        (ids[0], ids[1]) = (_addressAccount(alice), maintainer);
        (shares[0], shares[1]) = (1, 1);
        Table memory t = _table(ids, shares);
        uint256 id = _proposeAndActivate(t);
        _depositDai(10e18);
        _claimOne(id, t, 1, address(dai));
        assertEq(dai.balanceOf(first), 5e18);
        vm.prank(first);
        registry.setPayee(maintainer, second);
        _depositDai(10e18);
        _claimOne(id, t, 1, address(dai));
        assertEq(dai.balanceOf(first), 5e18);
        assertEq(dai.balanceOf(second), 5e18);
    }

    /// One call over two schedules and four assets pays each (payee, asset) with a single transfer.
    function test_claim_ManySchedulesAndTokensOneTransferPerToken() public {
        Table memory t1 = _twoAccountTable(alice, bob);
        uint256 id1 = _proposeAndActivate(t1);
        _fundAllAssets(100e18, 100e6, 1 ether);
        Table memory t2 = _pair(bob, 1, alice, 1);
        uint256 id2 = _proposeAndActivate(t2);
        _fundAllAssets(100e18, 100e6, 1 ether);

        address[] memory assets = new address[](4);
        (assets[0], assets[1], assets[2], assets[3]) = (
            address(dai),
            address(usdt),
            address(fot),
            address(0)
        );
        IRoyaltyPool.ClaimRequest[] memory reqs = new IRoyaltyPool.ClaimRequest[](2);
        reqs[0] = _request(id1, t1, 0, assets);
        reqs[1] = _request(id2, t2, _row(t2, alice), assets);
        vm.recordLogs();
        pool.claim(reqs);
        Vm.Log[] memory logs = vm.getRecordedLogs();

        assertEq(dai.balanceOf(alice), 25e18 + 50e18);
        assertEq(usdt.balanceOf(alice), 25e6 + 50e6);
        uint256 fotGross = fot.amountAfterFee(100e18) / 4 + fot.amountAfterFee(100e18) / 2;
        assertEq(
            fot.balanceOf(alice),
            fot.amountAfterFee(fotGross),
            "fee-on-transfer: the payee bears the fee"
        );
        assertEq(alice.balance, 0.25 ether + 0.5 ether);
        bytes32 transferSig = keccak256("Transfer(address,address,uint256)");
        address[3] memory erc20s = [address(dai), address(usdt), address(fot)];
        for (uint256 k; k < erc20s.length; ++k) {
            uint256 transfersToAlice;
            for (uint256 i; i < logs.length; ++i) {
                if (
                    logs[i].emitter == erc20s[k] &&
                    logs[i].topics[0] == transferSig &&
                    logs[i].topics[2] == bytes32(uint256(uint160(alice)))
                ) ++transfersToAlice;
            }
            assertEq(transfersToAlice, 1, "one transfer per token");
        }
    }

    function test_claim_ReentrantPayeeIsPaidOnce() public {
        ReentrantPayee attacker = new ReentrantPayee(pool);
        Table memory t = _twoAccountTable(address(attacker), bob);
        uint256 id = _proposeAndActivate(t);
        _depositETH(8 ether);
        _depositDai(100e18);
        address[] memory assets = new address[](2);
        (assets[0], assets[1]) = (address(0), address(dai));
        IRoyaltyPool.ClaimRequest[] memory reqs = new IRoyaltyPool.ClaimRequest[](1);
        reqs[0] = _request(id, t, 0, assets);
        attacker.armClaim(reqs);
        pool.claim(reqs);
        assertEq(address(attacker).balance, 2 ether);
        assertEq(dai.balanceOf(address(attacker)), 25e18);
        assertEq(attacker.reentryAttempts(), 1);
        assertEq(attacker.reentrySuccesses(), 0);
        assertEq(
            bytes4(attacker.lastReentryError()),
            ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector
        );
        // Re-entering sweep or deposits from the callback is refused the same way.
        attacker.arm(abi.encodeCall(IRoyaltyPool.depositETH, (bytes32(0))));
        _depositETH(8 ether);
        pool.claim(reqs);
        assertEq(attacker.reentrySuccesses(), 0);
        assertEq(address(attacker).balance, 4 ether);
    }

    /// A payee that refuses ETH or burns all its gas cannot fail a batch paying others: its ETH is credited
    /// (still part of the reserve) and it withdraws it later.
    function test_claim_PayeeRefusingEthIsCreditedAndWithdraws() public {
        ReentrantPayee wallet = new ReentrantPayee(pool);
        wallet.setRefuseEth(true);
        Table memory t = _twoAccountTable(address(wallet), bob);
        uint256 id = _proposeAndActivate(t);
        _depositETH(4 ether);
        IRoyaltyPool.ClaimRequest[] memory reqs = new IRoyaltyPool.ClaimRequest[](2);
        reqs[0] = _request(id, t, 0, _tokens(address(0)));
        reqs[1] = _request(id, t, 1, _tokens(address(0)));
        vm.expectEmit(address(pool));
        emit IRoyaltyPool.EthCredited(address(wallet), 1 ether);
        pool.claim(reqs);
        assertEq(bob.balance, 3 ether, "the other payee was paid");
        assertEq(pool.claimed(id, t.ids[0], address(0)), 1 ether);
        assertEq(pool.ethOwedTo(address(wallet)), 1 ether);
        assertEq(pool.reserveOf(address(0)), address(pool).balance);
        wallet.setRefuseEth(false);
        wallet.setBurnGas(true);
        _depositETH(4 ether);
        pool.claim(reqs);
        assertEq(pool.ethOwedTo(address(wallet)), 2 ether);
        wallet.setBurnGas(false);
        wallet.withdrawFromPool(address(wallet));
        assertEq(address(wallet).balance, 2 ether);
        assertEq(pool.ethOwedTo(address(wallet)), 0);
        assertEq(pool.reserveOf(address(0)), address(pool).balance);
    }

    /// A table whose shares add up to more than its totalShares (a proposer's error that slipped past the
    /// guardian) cannot take other schedules' money: claims stop at the pot.
    function test_claim_RevertWhen_TableExceedsPot() public {
        bytes32[] memory ids = new bytes32[](2);
        uint256[] memory shares = new uint256[](2);
        (ids[0], ids[1]) = (_addressAccount(alice), _addressAccount(bob));
        (shares[0], shares[1]) = (0.75e18, 0.75e18);
        Table memory t = _table(ids, shares);
        t.totalShares = 1e18;
        uint256 id = _proposeAndActivate(t);
        _depositDai(100e18);
        _claimOne(id, t, 0, address(dai));
        assertEq(dai.balanceOf(alice), 75e18);
        assertEq(pool.claimable(id, t.ids[1], t.shares[1], address(dai)), 0);
        IRoyaltyPool.ClaimRequest[] memory reqs = new IRoyaltyPool.ClaimRequest[](1);
        reqs[0] = _request(id, t, 1, _tokens(address(dai)));
        vm.expectRevert(
            abi.encodeWithSelector(IRoyaltyPool.RoyaltyPoolPotExceeded.selector, id, address(dai), 75e18)
        );
        pool.claim(reqs);
        (uint256 deposited, uint256 claimedAmount) = pool.potOf(id, address(dai));
        assertLe(claimedAmount, deposited);
    }

    function testFuzz_claimable_MatchesWhatClaimPays(
        uint256 amount,
        uint256 ethAmount,
        uint256 sharesA
    ) public {
        amount = bound(amount, 0, 1e30);
        ethAmount = bound(ethAmount, 0, 1e24);
        sharesA = bound(sharesA, 1, 1e18 - 1);
        Table memory t = _pair(alice, sharesA, bob, 1e18 - sharesA);
        uint256 id = _proposeAndActivate(t);
        if (amount > 0) _depositDai(amount);
        if (ethAmount > 0) _depositETH(ethAmount);
        uint256 row = _row(t, alice);
        uint256 c1 = pool.claimable(id, t.ids[row], t.shares[row], address(dai));
        uint256 c2 = pool.claimable(id, t.ids[row], t.shares[row], address(0));
        assertEq(c1, Math.mulDiv(amount, sharesA, 1e18));
        address[] memory both = new address[](2);
        (both[0], both[1]) = (address(dai), address(0));
        IRoyaltyPool.ClaimRequest[] memory reqs = new IRoyaltyPool.ClaimRequest[](1);
        reqs[0] = _request(id, t, row, both);
        pool.claim(reqs);
        assertEq(dai.balanceOf(alice), c1);
        assertEq(alice.balance, c2);
        assertEq(pool.claimable(id, t.ids[row], t.shares[row], address(dai)), 0);
    }

    function test_claim_SixDecimalAndNoReturnTokensPayExactly() public {
        Table memory t = _pair(alice, 1, bob, 2);
        uint256 id = _proposeAndActivate(t);
        usdc.mint(payer, 10);
        usdt.mint(payer, 10);
        vm.startPrank(payer);
        usdc.approve(address(pool), 10);
        usdt.approve(address(pool), 10);
        pool.deposit(address(usdc), 10, 0);
        pool.deposit(address(usdt), 10, 0);
        vm.stopPrank();
        address[] memory assets = new address[](2);
        (assets[0], assets[1]) = (address(usdc), address(usdt));
        IRoyaltyPool.ClaimRequest[] memory reqs = new IRoyaltyPool.ClaimRequest[](2);
        reqs[0] = _request(id, t, _row(t, alice), assets);
        reqs[1] = _request(id, t, _row(t, bob), assets);
        pool.claim(reqs);
        assertEq(usdc.balanceOf(alice), 3); // floor(10 / 3)
        assertEq(usdc.balanceOf(bob), 6); // floor(20 / 3)
        assertEq(usdt.balanceOf(alice), 3);
        assertEq(usdt.balanceOf(bob), 6);
        assertEq(IERC20(address(usdc)).balanceOf(address(pool)), 1, "dust stays in the pool");
    }

    // ------------------------------------------------------------------ helpers

    function _pair(address a, uint256 sa, address b, uint256 sb) internal pure returns (Table memory) {
        bytes32[] memory ids = new bytes32[](2);
        uint256[] memory shares = new uint256[](2);
        (ids[0], ids[1]) = (_addressAccount(a), _addressAccount(b));
        (shares[0], shares[1]) = (sa, sb);
        return _table(ids, shares);
    }

    function _row(Table memory t, address account) internal pure returns (uint256) {
        for (uint256 i; i < t.ids.length; ++i) {
            if (t.ids[i] == _addressAccount(account)) return i;
        }
        revert AccountNotInTable(account);
    }

    function _fundAllAssets(uint256 daiAmount, uint256 usdtAmount, uint256 ethAmount) internal {
        _depositDai(daiAmount);
        _depositETH(ethAmount);
        usdt.mint(payer, usdtAmount);
        fot.mint(payer, daiAmount);
        vm.startPrank(payer);
        usdt.approve(address(pool), usdtAmount);
        pool.deposit(address(usdt), usdtAmount, 0);
        fot.approve(address(pool), daiAmount);
        pool.deposit(address(fot), daiAmount, 0);
        vm.stopPrank();
    }
}
