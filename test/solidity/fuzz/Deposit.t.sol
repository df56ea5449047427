// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// Test names follow the house style `test_<fn>_<Behaviour>`, not mixedCase.
// solhint-disable func-name-mixedcase

import {IRoyaltyPool} from "../../../contracts/interfaces/IRoyaltyPool.sol";
import {FeeOnTransferToken} from "../../../contracts/test/FeeOnTransferToken.sol";
import {TestERC20} from "../../../contracts/test/TestERC20.sol";
import {PoolFixture} from "../utils/PoolFixture.sol";

/// @notice `deposit`, `depositWithPermit`, `depositETH` and plain ETH transfers (I-2, I-7, I-11).
contract DepositTest is PoolFixture {
    bytes32 internal constant MEMO = bytes32("invoice-42");

    function testFuzz_deposit_CreditsBalanceDifference(uint256 amount, uint256 feeBps) public {
        feeBps = bound(feeBps, 0, 9_999);
        amount = bound(amount, 1, 1e30);
        FeeOnTransferToken token = new FeeOnTransferToken("Fee", "FEE", feeBps);
        uint256 arrives = token.amountAfterFee(amount);
        token.mint(payer, amount);
        vm.startPrank(payer);
        token.approve(address(pool), amount);
        vm.expectEmit(address(pool));
        emit IRoyaltyPool.Deposited(payer, address(token), 0, arrives, MEMO);
        pool.deposit(address(token), amount, MEMO);
        vm.stopPrank();
        assertEq(token.balanceOf(address(pool)), arrives);
        assertEq(pool.reserveOf(address(token)), arrives, "credits what arrived, not what was sent");
        (uint256 deposited, uint256 claimedAmount) = pool.potOf(0, address(token));
        assertEq(deposited, arrives);
        assertEq(claimedAmount, 0);
    }

    function testFuzz_deposit_CreditsCurrentScheduleInEveryTokenKind(uint256 amount, uint8 kind) public {
        _proposeAndActivate(_twoAccountTable(makeAddr("a"), makeAddr("b")));
        uint256 id = _proposeAndActivate(_twoAccountTable(makeAddr("c"), makeAddr("d")));
        amount = bound(amount, 1, 1e24);
        address token;
        if (kind % 3 == 0) {
            token = address(dai);
            dai.mint(payer, amount);
        } else if (kind % 3 == 1) {
            token = address(usdc);
            usdc.mint(payer, amount);
        } else {
            // USDT-style: approve returns nothing; SafeERC20 in the pool must cope with transferFrom's silence.
            token = address(usdt);
            usdt.mint(payer, amount);
        }
        vm.startPrank(payer);
        // solhint-disable-next-line avoid-low-level-calls
        (bool ok, ) = token.call(abi.encodeWithSignature("approve(address,uint256)", address(pool), amount));
        assertTrue(ok);
        pool.deposit(token, amount, MEMO);
        vm.stopPrank();
        assertEq(_potDeposited(id, token), amount);
        assertEq(pool.reserveOf(token), amount);
        assertEq(_potDeposited(1, token), 0, "a superseded schedule gets no new deposits");
    }

    function test_deposit_RevertWhen_AmountZero() public {
        vm.prank(payer);
        vm.expectRevert(IRoyaltyPool.RoyaltyPoolAmountZero.selector);
        pool.deposit(address(dai), 0, MEMO);
    }

    function test_deposit_RevertWhen_TokenIsEth() public {
        vm.prank(payer);
        vm.expectRevert(abi.encodeWithSelector(IRoyaltyPool.RoyaltyPoolInvalidToken.selector, address(0)));
        pool.deposit(address(0), 1, MEMO);
    }

    function test_deposit_RevertWhen_FeeTakesEverything() public {
        FeeOnTransferToken token = new FeeOnTransferToken("All", "ALL", 10_000);
        token.mint(payer, 1e18);
        vm.startPrank(payer);
        token.approve(address(pool), 1e18);
        vm.expectRevert(IRoyaltyPool.RoyaltyPoolAmountZero.selector);
        pool.deposit(address(token), 1e18, MEMO);
        vm.stopPrank();
    }

    function test_deposit_RevertWhen_Paused() public {
        vm.prank(guardian);
        pool.pause();
        dai.mint(payer, 1e18);
        vm.startPrank(payer);
        dai.approve(address(pool), 1e18);
        vm.expectRevert(IRoyaltyPool.RoyaltyPoolDepositsPaused.selector);
        pool.deposit(address(dai), 1e18, MEMO);
        vm.stopPrank();
        vm.prank(admin);
        pool.unpause();
        vm.prank(payer);
        pool.deposit(address(dai), 1e18, MEMO);
        assertEq(pool.reserveOf(address(dai)), 1e18);
    }

    function testFuzz_deposit_RevertWhen_PotWouldOverflow(uint256 first, uint256 second) public {
        uint256 max = type(uint128).max;
        first = bound(first, 1, max);
        second = bound(second, max - first + 1, type(uint256).max - first);
        _depositDai(first);
        dai.mint(payer, second);
        vm.startPrank(payer);
        dai.approve(address(pool), second);
        vm.expectRevert(
            abi.encodeWithSelector(IRoyaltyPool.RoyaltyPoolPotOverflow.selector, 0, address(dai), second)
        );
        pool.deposit(address(dai), second, MEMO);
        vm.stopPrank();
        assertEq(_potDeposited(0, address(dai)), first);
    }

    function test_deposit_BeforeAnyScheduleFlowsIntoFirst() public {
        address alice = makeAddr("alice");
        address bob = makeAddr("bob");
        _depositDai(100e18);
        _depositETH(1 ether);
        Table memory t = _twoAccountTable(alice, bob);
        uint256 id = _propose(t);
        // Still unallocated while the first schedule is pending.
        _depositDai(60e18);
        assertEq(pool.currentScheduleId(), 0);
        assertEq(pool.claimable(id, t.ids[0], t.shares[0], address(dai)), 0);
        vm.warp(block.timestamp + ACTIVATION_DELAY);
        _depositDai(40e18);
        assertEq(
            _potDeposited(id, address(dai)),
            200e18,
            "unallocated deposits belong to the first schedule"
        );
        _claimOne(id, t, 0, address(dai));
        _claimOne(id, t, 0, address(0));
        assertEq(dai.balanceOf(alice), 50e18);
        assertEq(alice.balance, 0.25 ether);
    }

    /// Revoking the first proposal must not strand the unallocated deposits: the next first schedule gets them.
    function test_deposit_UnallocatedSurvivesRevokedFirstSchedule() public {
        address alice = makeAddr("alice");
        _depositDai(100e18);
        uint256 first = _propose(_twoAccountTable(makeAddr("x"), makeAddr("y")));
        vm.prank(guardian);
        pool.revokeSchedule(first);
        Table memory t = _twoAccountTable(alice, makeAddr("bob"));
        uint256 second = _proposeAndActivate(t);
        assertEq(_potDeposited(second, address(dai)), 100e18);
        _claimOne(second, t, 0, address(dai));
        assertEq(dai.balanceOf(alice), 25e18);
    }

    function testFuzz_depositWithPermit_DepositsWithoutApproval(uint256 amount, bool frontRun) public {
        amount = bound(amount, 1, 1e30);
        (address owner, uint256 key) = makeAddrAndKey("permitPayer");
        usdc.mint(owner, amount);
        uint256 deadline = block.timestamp + 1 hours;
        bytes32 digest = keccak256(
            abi.encodePacked(
                "\x19\x01",
                usdc.DOMAIN_SEPARATOR(),
                keccak256(
                    abi.encode(
                        keccak256(
                            "Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"
                        ),
                        owner,
                        address(pool),
                        amount,
                        usdc.nonces(owner),
                        deadline
                    )
                )
            )
        );
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        // Someone who saw the permit in the mempool may submit it first; the deposit must still succeed.
        if (frontRun) usdc.permit(owner, address(pool), amount, deadline, v, r, s);
        vm.prank(owner);
        pool.depositWithPermit(address(usdc), amount, MEMO, deadline, v, r, s);
        assertEq(pool.reserveOf(address(usdc)), amount);
        assertEq(usdc.balanceOf(owner), 0);
    }

    function test_depositWithPermit_RevertWhen_NoPermitAndNoAllowance() public {
        usdc.mint(payer, 1e6);
        vm.prank(payer);
        vm.expectRevert();
        pool.depositWithPermit(address(usdc), 1e6, MEMO, block.timestamp, 27, bytes32(0), bytes32(0));
    }

    function testFuzz_depositETH_CreditsCurrentPot(uint256 amount, bool plain) public {
        uint256 id = _proposeAndActivate(_twoAccountTable(makeAddr("a"), makeAddr("b")));
        amount = bound(amount, 1, 1e30);
        vm.deal(payer, amount);
        vm.prank(payer);
        vm.expectEmit(address(pool));
        emit IRoyaltyPool.Deposited(payer, address(0), id, amount, plain ? bytes32(0) : MEMO);
        if (plain) {
            (bool ok, ) = address(pool).call{value: amount}("");
            assertTrue(ok);
        } else {
            pool.depositETH{value: amount}(MEMO);
        }
        assertEq(address(pool).balance, amount);
        assertEq(_potDeposited(id, address(0)), amount);
        assertEq(pool.reserveOf(address(0)), amount);
    }

    function test_depositETH_RevertWhen_ZeroOrPaused() public {
        vm.expectRevert(IRoyaltyPool.RoyaltyPoolAmountZero.selector);
        pool.depositETH(MEMO);
        vm.prank(guardian);
        pool.pause();
        vm.deal(payer, 2 ether);
        vm.startPrank(payer);
        vm.expectRevert(IRoyaltyPool.RoyaltyPoolDepositsPaused.selector);
        pool.depositETH{value: 1 ether}(MEMO);
        (bool ok, ) = address(pool).call{value: 1 ether}("");
        assertFalse(ok, "plain ETH transfers are refused while paused");
        vm.stopPrank();
    }

    /// Solidity's `transfer` forwards 2,300 gas, too little for the pool's receive; it must fail rather than
    /// leave uncredited ETH behind.
    function test_depositETH_RevertWhen_PlainTransferWithStipend() public {
        vm.deal(address(this), 1 ether);
        vm.expectRevert();
        this.sendWithStipend(payable(address(pool)), 1 ether);
        assertEq(address(pool).balance, 0);
    }

    function sendWithStipend(address payable to, uint256 amount) external {
        to.transfer(amount);
    }

    /// I-11: a deposit costs the same whether the pool has one two-account schedule or a long history of
    /// schedules with a million recipients each, deposits, claims and sweeps. (A per-schedule or per-recipient
    /// loop would cost at least 2,100 gas per cold slot per schedule.)
    function testFuzz_deposit_GasIndependentOfTableSizeAndHistory(
        uint256 amount,
        uint8 historyLength
    ) public {
        amount = bound(amount, 1, 1e24);
        uint256 n = bound(historyLength, 2, 40);

        IRoyaltyPool small = IRoyaltyPool(factory.createPool(_config()));
        IRoyaltyPool large = IRoyaltyPool(factory.createPool(_config()));
        vm.startPrank(proposer);
        small.proposeSchedule(keccak256("2 recipients"), 1e18, 0, 0, 0, "");
        vm.stopPrank();
        for (uint256 i; i < n; ++i) {
            vm.prank(proposer);
            large.proposeSchedule(keccak256(abi.encode("1e6 recipients", i)), 1e18, 0, 0, 0, "");
            vm.warp(block.timestamp + ACTIVATION_DELAY);
            usdc.mint(payer, 1e6);
            vm.startPrank(payer);
            usdc.approve(address(large), 1e6);
            large.deposit(address(usdc), 1e6, MEMO);
            vm.stopPrank();
        }
        vm.warp(block.timestamp + CLAIM_WINDOW + ACTIVATION_DELAY);
        large.sweep(1, address(usdc));

        uint256 gasSmall = _measureDeposit(small, makeAddr("payerSmall"), amount);
        uint256 gasLarge = _measureDeposit(large, makeAddr("payerLarge"), amount);
        // Only cold-versus-warm access to the token contract may differ (2,600 - 100 gas).
        assertApproxEqAbs(gasSmall, gasLarge, 2_500, "deposit gas depends on history");
        assertLt(gasLarge, 100_000);
    }

    function _measureDeposit(
        IRoyaltyPool target,
        address from,
        uint256 amount
    ) private returns (uint256 used) {
        TestERC20 token = dai;
        token.mint(from, amount);
        vm.startPrank(from);
        token.approve(address(target), amount);
        uint256 before = gasleft();
        target.deposit(address(token), amount, MEMO);
        used = before - gasleft();
        vm.stopPrank();
    }
}
