// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// Test names follow the house style `test_<fn>_<Behaviour>`, not mixedCase.
// solhint-disable func-name-mixedcase

import {Test} from "forge-std/Test.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

import {TestERC20} from "../../contracts/test/TestERC20.sol";
import {FeeOnTransferToken} from "../../contracts/test/FeeOnTransferToken.sol";
import {NoReturnToken} from "../../contracts/test/NoReturnToken.sol";
import {RebasingToken} from "../../contracts/test/RebasingToken.sol";

/// @notice The odd tokens must really behave like the mainnet tokens they stand for, or the pool tests
/// that use them prove nothing.
contract TestTokensTest is Test {
    using SafeERC20 for IERC20;

    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");

    function test_TestERC20_HasConfiguredDecimalsAndPermit() public {
        TestERC20 usdc = new TestERC20("USD Coin", "USDC", 6);
        assertEq(usdc.decimals(), 6);
        (address owner, uint256 key) = makeAddrAndKey("owner");
        usdc.mint(owner, 100e6);
        uint256 deadline = block.timestamp + 1 hours;
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256(
                    "Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"
                ),
                owner,
                bob,
                40e6,
                usdc.nonces(owner),
                deadline
            )
        );
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(
            key,
            keccak256(abi.encodePacked("\x19\x01", usdc.DOMAIN_SEPARATOR(), structHash))
        );
        usdc.permit(owner, bob, 40e6, deadline, v, r, s);
        assertEq(usdc.allowance(owner, bob), 40e6);
    }

    function testFuzz_FeeOnTransferToken_RecipientGetsAmountMinusFee(uint256 feeBps, uint256 amount) public {
        feeBps = bound(feeBps, 0, 10_000);
        amount = bound(amount, 0, 1e30);
        FeeOnTransferToken fot = new FeeOnTransferToken("Fee", "FEE", feeBps);
        fot.mint(alice, amount);
        vm.prank(alice);
        fot.approve(address(this), amount);
        fot.transferFrom(alice, bob, amount);
        uint256 fee = (amount * feeBps) / 10_000;
        assertEq(fot.balanceOf(bob), amount - fee);
        assertEq(fot.balanceOf(alice), 0);
        assertEq(fot.totalSupply(), amount - fee, "fee is burnt");
    }

    function test_FeeOnTransferToken_RevertWhen_FeeAboveOneHundredPercent() public {
        vm.expectRevert(
            abi.encodeWithSelector(FeeOnTransferToken.FeeOnTransferTokenFeeTooHigh.selector, 10_001)
        );
        new FeeOnTransferToken("Fee", "FEE", 10_001);
    }

    function test_NoReturnToken_ReturnsNoDataSoPlainIERC20CallsRevert() public {
        NoReturnToken usdt = new NoReturnToken("Tether USD", "USDT", 6);
        usdt.mint(address(this), 10e6);
        // Raw call: succeeds but returns zero bytes.
        // solhint-disable-next-line avoid-low-level-calls
        (bool ok, bytes memory ret) = address(usdt).call(abi.encodeCall(IERC20.transfer, (alice, 1e6)));
        assertTrue(ok);
        assertEq(ret.length, 0);
        // A caller that decodes the bool (plain IERC20) reverts; SafeERC20 works.
        vm.expectRevert();
        this.plainTransfer(address(usdt), alice, 1e6);
        IERC20(address(usdt)).safeTransfer(alice, 1e6);
        assertEq(usdt.balanceOf(alice), 2e6);
    }

    function plainTransfer(address token, address to, uint256 amount) external {
        bool ok = IERC20(token).transfer(to, amount);
        assertTrue(ok);
    }

    function test_NoReturnToken_RevertWhen_ApproveNonZeroToNonZero() public {
        NoReturnToken usdt = new NoReturnToken("Tether USD", "USDT", 6);
        usdt.approve(alice, 5);
        vm.expectRevert(
            abi.encodeWithSelector(
                NoReturnToken.NoReturnTokenApproveFromNonZero.selector,
                address(this),
                alice,
                5,
                7
            )
        );
        usdt.approve(alice, 7);
        usdt.approve(alice, 0);
        usdt.approve(alice, 7);
        assertEq(usdt.allowance(address(this), alice), 7);
        // SafeERC20.forceApprove handles the USDT rule by resetting to zero first.
        IERC20(address(usdt)).forceApprove(alice, 9);
        assertEq(usdt.allowance(address(this), alice), 9);
    }

    function test_NoReturnToken_RevertWhen_TransferExceedsBalance() public {
        NoReturnToken usdt = new NoReturnToken("Tether USD", "USDT", 6);
        usdt.mint(address(this), 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                NoReturnToken.NoReturnTokenInsufficientBalance.selector,
                address(this),
                1,
                2
            )
        );
        usdt.transfer(alice, 2);
    }

    function test_RebasingToken_BalancesFollowIndexWithoutTransfers() public {
        RebasingToken steth = new RebasingToken("Staked Ether", "stETH");
        steth.mint(alice, 100e18);
        assertEq(steth.balanceOf(alice), 100e18);
        steth.setIndex(1.1e18);
        assertEq(steth.balanceOf(alice), 110e18);
        steth.setIndex(0.9e18);
        assertEq(steth.balanceOf(alice), 90e18);
        vm.prank(alice);
        steth.transfer(bob, 45e18);
        assertEq(steth.balanceOf(bob), 45e18);
        steth.setIndex(1.8e18);
        assertEq(steth.balanceOf(bob), 90e18);
    }

    function test_RebasingToken_TransferMayDeliverLessThanAmount() public {
        RebasingToken steth = new RebasingToken("Staked Ether", "stETH");
        steth.setIndex(3e18);
        steth.mint(alice, 100);
        vm.prank(alice);
        steth.transfer(bob, 10);
        assertLt(steth.balanceOf(bob), 10, "rounds down like stETH");
    }
}
