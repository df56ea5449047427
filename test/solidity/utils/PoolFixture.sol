// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";

import {IdentityRegistry} from "../../../contracts/IdentityRegistry.sol";
import {IIdentityRegistry} from "../../../contracts/interfaces/IIdentityRegistry.sol";
import {IPoolFactory} from "../../../contracts/interfaces/IPoolFactory.sol";
import {IRoyaltyPool} from "../../../contracts/interfaces/IRoyaltyPool.sol";
import {PoolFactory} from "../../../contracts/PoolFactory.sol";
import {FeeOnTransferToken} from "../../../contracts/test/FeeOnTransferToken.sol";
import {NoReturnToken} from "../../../contracts/test/NoReturnToken.sol";
import {TestERC20} from "../../../contracts/test/TestERC20.sol";
import {StandardMerkle} from "./StandardMerkle.sol";

/// @notice Shared setup of the pool fuzz tests: the real IdentityRegistry, PoolFactory and a pool clone made by
/// it, the odd-token suite, and helpers to build share tables, bind identities and claim.
abstract contract PoolFixture is Test {
    uint32 internal constant ACTIVATION_DELAY = 1 days;
    uint32 internal constant CLAIM_WINDOW = 30 days;
    uint256 internal constant FEE_BPS = 100; // 1 %

    address internal admin = makeAddr("admin");
    address internal proposer = makeAddr("proposer");
    address internal guardian = makeAddr("guardian");
    address internal payer = makeAddr("payer");
    address internal stranger = makeAddr("stranger");
    address internal attestor;
    uint256 internal attestorKey;

    IdentityRegistry internal registry;
    PoolFactory internal factory;
    IRoyaltyPool internal pool;

    TestERC20 internal dai; // 18 decimals, permit
    TestERC20 internal usdc; // 6 decimals, permit
    FeeOnTransferToken internal fot; // 1 % burnt per transfer
    NoReturnToken internal usdt; // USDT-style, 6 decimals

    /// @dev A share table kept in memory with its OpenZeppelin-compatible tree.
    struct Table {
        bytes32[] ids;
        uint256[] shares;
        uint256 totalShares;
        bytes32[] tree;
    }

    function setUp() public virtual {
        (attestor, attestorKey) = makeAddrAndKey("attestor");
        address[] memory attestors = new address[](1);
        attestors[0] = attestor;
        registry = new IdentityRegistry(admin, 1 days, 1 days, attestors);
        factory = new PoolFactory();
        pool = IRoyaltyPool(factory.createPool(_config()));

        dai = new TestERC20("Dai Stablecoin", "DAI", 18);
        usdc = new TestERC20("USD Coin", "USDC", 6);
        fot = new FeeOnTransferToken("Fee Token", "FEE", FEE_BPS);
        usdt = new NoReturnToken("Tether USD", "USDT", 6);
        vm.label(address(pool), "pool");
        vm.label(address(registry), "registry");
    }

    function _config() internal view returns (IPoolFactory.PoolConfig memory config) {
        address[] memory proposers = new address[](1);
        proposers[0] = proposer;
        address[] memory guardians = new address[](1);
        guardians[0] = guardian;
        config = IPoolFactory.PoolConfig(
            admin,
            address(registry),
            ACTIVATION_DELAY,
            CLAIM_WINDOW,
            proposers,
            guardians
        );
    }

    // ------------------------------------------------------------------ accounts

    function _addressAccount(address account) internal pure returns (bytes32) {
        return bytes32(uint256(uint160(account)));
    }

    function _identityAccount(string memory identity) internal pure returns (bytes32) {
        return keccak256(bytes(identity));
    }

    /// @dev Binds an unbound identity to `payee` through the registry's attestor path (EIP-712, vm.sign).
    function _bind(string memory identity, address payee) internal returns (bytes32 accountId) {
        accountId = _identityAccount(identity);
        IIdentityRegistry.Attestation memory a = IIdentityRegistry.Attestation(
            accountId,
            payee,
            registry.nonces(accountId),
            block.timestamp + 1 hours
        );
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(attestorKey, registry.hashAttestation(a));
        registry.submitAttestation(a, identity, attestor, abi.encodePacked(r, s, v));
        assertEq(registry.payeeOf(accountId), payee);
        // Past the first binding's cancellable window, so pools pay it.
        vm.warp(block.timestamp + registry.BINDING_DELAY());
    }

    // ------------------------------------------------------------------ tables and schedules

    function _table(bytes32[] memory ids, uint256[] memory shares) internal pure returns (Table memory t) {
        uint256 total;
        for (uint256 i; i < shares.length; ++i) total += shares[i];
        t = Table(ids, shares, total, StandardMerkle.build(ids, shares));
    }

    /// @dev Two address accounts with 1/4 and 3/4 of 1e18 shares.
    function _twoAccountTable(address a, address b) internal pure returns (Table memory) {
        bytes32[] memory ids = new bytes32[](2);
        uint256[] memory shares = new uint256[](2);
        (ids[0], ids[1]) = (_addressAccount(a), _addressAccount(b));
        (shares[0], shares[1]) = (0.25e18, 0.75e18);
        return _table(ids, shares);
    }

    function _propose(Table memory t) internal returns (uint256 id) {
        vm.prank(proposer);
        id = pool.proposeSchedule(
            t.tree[0],
            t.totalShares,
            keccak256("table"),
            keccak256("policy"),
            keccak256("in"),
            ""
        );
    }

    function _proposeAndActivate(Table memory t) internal returns (uint256 id) {
        id = _propose(t);
        vm.warp(block.timestamp + ACTIVATION_DELAY);
        assertEq(pool.currentScheduleId(), id);
    }

    function _request(
        uint256 scheduleId,
        Table memory t,
        uint256 row,
        address[] memory tokens
    ) internal pure returns (IRoyaltyPool.ClaimRequest memory) {
        bytes32 leafHash = StandardMerkle.leaf(t.ids[row], t.shares[row]);
        return
            IRoyaltyPool.ClaimRequest(
                scheduleId,
                t.ids[row],
                t.shares[row],
                StandardMerkle.proof(t.tree, leafHash),
                tokens
            );
    }

    function _claimOne(uint256 scheduleId, Table memory t, uint256 row, address token) internal {
        IRoyaltyPool.ClaimRequest[] memory reqs = new IRoyaltyPool.ClaimRequest[](1);
        reqs[0] = _request(scheduleId, t, row, _tokens(token));
        pool.claim(reqs);
    }

    function _tokens(address token) internal pure returns (address[] memory tokens) {
        tokens = new address[](1);
        tokens[0] = token;
    }

    // ------------------------------------------------------------------ deposits

    function _depositDai(uint256 amount) internal {
        dai.mint(payer, amount);
        vm.startPrank(payer);
        dai.approve(address(pool), amount);
        pool.deposit(address(dai), amount, bytes32("invoice"));
        vm.stopPrank();
    }

    function _depositETH(uint256 amount) internal {
        vm.deal(payer, amount);
        vm.prank(payer);
        pool.depositETH{value: amount}(bytes32("invoice"));
    }

    function _potDeposited(uint256 scheduleId, address token) internal view returns (uint256 deposited) {
        (deposited, ) = pool.potOf(scheduleId, token);
    }
}
