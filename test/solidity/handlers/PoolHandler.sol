// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// A test handler: many ghost variables and readable getter names matter more than these style rules.
// solhint-disable max-states-count, immutable-vars-naming, function-max-lines

import {CommonBase} from "forge-std/Base.sol";
import {StdCheats} from "forge-std/StdCheats.sol";
import {StdUtils} from "forge-std/StdUtils.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {IIdentityRegistry} from "../../../contracts/interfaces/IIdentityRegistry.sol";
import {IRoyaltyPool} from "../../../contracts/interfaces/IRoyaltyPool.sol";
import {FeeOnTransferToken} from "../../../contracts/test/FeeOnTransferToken.sol";
import {NoReturnToken} from "../../../contracts/test/NoReturnToken.sol";
import {ReentrantPayee} from "../../../contracts/test/ReentrantPayee.sol";
import {TestERC20} from "../../../contracts/test/TestERC20.sol";
import {StandardMerkle} from "../utils/StandardMerkle.sol";

/// @notice Drives a RoyaltyPool through random sequences of deposits (ETH, an 18-decimal permit token, a
/// fee-on-transfer token, a USDT-style token, a 6-decimal token), plain transfers and `sync`, schedule proposals,
/// revocations and time warps, claims by address and identity accounts with real Merkle proofs, sweeps, identity
/// (re)binding through the real IdentityRegistry and role actions. It keeps its own model of schedules and ghost
/// totals of every token that moved, measured at real balances, for the invariants in docs/invariants.md.
/// @dev Runs with failOnRevert = false, so a failed expectation inside an action cannot be an assertion (the
/// revert would be ignored): it is recorded in `violations[invariantNumber]` and the invariant test fails on it.
contract PoolHandler is CommonBase, StdCheats, StdUtils {
    using SafeERC20 for IERC20;

    // ------------------------------------------------------------------ setup

    uint256 public constant N_TOKENS = 5; // 0 ETH, 1 DAI (18), 2 fee-on-transfer, 3 USDT-style (6), 4 USDC (6)
    uint256 public constant N_ACCOUNTS = 8; // 0-3 EOAs, 4 ReentrantPayee, 5-7 identities
    uint256 public constant FIRST_IDENTITY = 5;
    uint256 public constant N_PAYERS = 3;
    uint256 public constant N_WALLETS = 3; // payees of identities
    /// @notice Upper bound for the gas of one ERC-20 deposit, token transfer included, whatever the history (I-11).
    uint256 public constant DEPOSIT_GAS_BOUND = 130_000;

    IRoyaltyPool public immutable pool;
    IIdentityRegistry public immutable registry;
    address public immutable proposer;
    address public immutable guardian;
    address public immutable attestor;
    uint256 private immutable _attestorKey;
    ReentrantPayee public immutable reentrant;

    address public admin; // changes with two-step admin transfers
    address[N_TOKENS] public tokens;
    bytes32[N_ACCOUNTS] public universe;
    string[N_ACCOUNTS] private _identities;
    address[N_PAYERS] public payers;
    uint256[N_PAYERS] private _payerKeys;
    address[N_WALLETS] public wallets;
    address public immutable stranger;

    // ------------------------------------------------------------------ model

    struct Sched {
        bytes32[] ids;
        uint256[] shares;
        uint256 totalShares;
        bytes32[] tree;
        uint256 activatesAt;
        bool revoked;
        bool genesis; // proposed while no schedule was active: owns the unallocated pot
    }

    mapping(uint256 id => Sched) internal _sched;
    uint256 public count;
    /// @notice Highest id ever observed as current (I-13: the current id never decreases).
    uint256 public maxCurrentSeen;

    // ------------------------------------------------------------------ ghosts (real balance differences)

    /// @notice Received by the pool from deposits, plain ETH transfers and syncs, per token.
    mapping(address token => uint256) public ghostCredited;
    /// @notice Left the pool through claims, per token.
    mapping(address token => uint256) public ghostPaid;
    /// @notice Gross amount paid to payee wallets, reconstructed from their net receipts, per token.
    mapping(address token => uint256) public ghostPaidToPayees;
    /// @notice Sent to the pool without a deposit (ERC-20 plain transfers, forced ETH) and not yet synced.
    mapping(address token => uint256) public ghostUnsynced;
    /// @notice Moved by sweeps from superseded pots into the current pot.
    mapping(address token => uint256) public ghostSwept;
    mapping(uint256 id => mapping(address token => uint256)) public ghostClaimedFrom;
    mapping(uint256 id => mapping(bytes32 account => mapping(address token => uint256)))
        public ghostClaimedBy;
    mapping(uint256 id => mapping(address token => bool)) public ghostIsSwept;
    /// @notice A swept pot's `deposited` at the moment it was swept.
    mapping(uint256 id => mapping(address token => uint256)) public ghostDepositedAtSweep;
    uint256 public maxDepositGas;

    /// @notice Failed expectations per invariant number, and the first message for each.
    mapping(uint256 invariantNumber => uint256) public violations;
    mapping(uint256 invariantNumber => string) public firstViolation;

    /// @notice How often each action ran to completion (reported by the invariant test).
    mapping(bytes32 action => uint256) public calls;

    constructor(
        IRoyaltyPool pool_,
        IIdentityRegistry registry_,
        address admin_,
        address proposer_,
        address guardian_,
        address attestor_,
        uint256 attestorKey_,
        address[N_TOKENS] memory tokens_
    ) {
        pool = pool_;
        registry = registry_;
        admin = admin_;
        proposer = proposer_;
        guardian = guardian_;
        attestor = attestor_;
        _attestorKey = attestorKey_;
        tokens = tokens_;
        reentrant = new ReentrantPayee(pool_);
        stranger = makeAddr("stranger");
        for (uint256 i; i < 4; ++i) {
            universe[i] = bytes32(uint256(uint160(makeAddr(string.concat("contributor", vm.toString(i))))));
        }
        universe[4] = bytes32(uint256(uint160(address(reentrant))));
        for (uint256 i = FIRST_IDENTITY; i < N_ACCOUNTS; ++i) {
            _identities[i] = string.concat("github:", vm.toString(1000 + i));
            universe[i] = keccak256(bytes(_identities[i]));
        }
        for (uint256 i; i < N_PAYERS; ++i) {
            (payers[i], _payerKeys[i]) = makeAddrAndKey(string.concat("payer", vm.toString(i)));
        }
        for (uint256 i; i < N_WALLETS; ++i) {
            wallets[i] = makeAddr(string.concat("wallet", vm.toString(i)));
        }
        // Two identities start bound; the third waits unbound until `bindOrMovePayee` binds it.
        _attest(FIRST_IDENTITY, wallets[0]);
        _attest(FIRST_IDENTITY + 1, wallets[1]);
    }

    // ================================================================== actions

    /// @notice A payer deposits an ERC-20 with `deposit` (approve first; USDT-style approval reset to zero).
    function deposit(uint256 tokenSeed, uint256 amount, uint256 payerSeed) external {
        uint256 t = _bound(tokenSeed, 1, N_TOKENS - 1);
        address token = tokens[t];
        amount = _boundAmount(t, amount);
        address payer = payers[payerSeed % N_PAYERS];
        _mint(t, payer, amount);
        vm.startPrank(payer);
        IERC20(token).forceApprove(address(pool), amount);
        vm.stopPrank();
        _depositFrom(t, payer, amount, false);
    }

    /// @notice A payer deposits a permit token (DAI or USDC) with `depositWithPermit`, sometimes after someone
    /// front-ran the permit (the deposit must still go through).
    function depositWithPermit(uint256 tokenSeed, uint256 amount, uint256 payerSeed, bool frontRun) external {
        uint256 t = tokenSeed % 2 == 0 ? 1 : 4;
        amount = _boundAmount(t, amount);
        uint256 p = payerSeed % N_PAYERS;
        address payer = payers[p];
        _mint(t, payer, amount);
        TestERC20 token = TestERC20(tokens[t]);
        vm.startPrank(payer);
        IERC20(address(token)).forceApprove(address(pool), 0);
        vm.stopPrank();
        uint256 deadline = block.timestamp + 1 hours;
        bytes32 digest = keccak256(
            abi.encodePacked(
                "\x19\x01",
                token.DOMAIN_SEPARATOR(),
                keccak256(
                    abi.encode(
                        keccak256(
                            "Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"
                        ),
                        payer,
                        address(pool),
                        amount,
                        token.nonces(payer),
                        deadline
                    )
                )
            )
        );
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(_payerKeys[p], digest);
        if (frontRun) token.permit(payer, address(pool), amount, deadline, v, r, s);
        _depositFromWithPermit(t, payer, amount, deadline, v, r, s);
    }

    /// @notice A payer deposits ETH with `depositETH` or, if `plain`, by a plain call with value.
    function depositETH(uint256 amount, uint256 payerSeed, bool plain) external {
        amount = _boundAmount(0, amount);
        address payer = payers[payerSeed % N_PAYERS];
        vm.deal(payer, amount);
        Snapshot memory before = _snapshot();
        uint256 current = pool.currentScheduleId();
        (uint256 potBefore, ) = pool.potOf(current, address(0));
        bool ok;
        vm.prank(payer);
        if (plain) {
            // solhint-disable-next-line avoid-low-level-calls
            (ok, ) = address(pool).call{value: amount}("");
        } else {
            try pool.depositETH{value: amount}(bytes32("eth")) {
                ok = true;
            } catch {}
        }
        Snapshot memory afterwards = _snapshot();
        if (before.paused) {
            _check(2, !ok, "ETH deposit accepted while paused");
            _check(2, afterwards.balances[0] == before.balances[0], "paused ETH deposit moved money");
            return;
        }
        _check(2, ok, "ETH deposit reverted while not paused");
        if (!ok) return;
        uint256 received = afterwards.balances[0] - before.balances[0];
        _check(2, received == amount, "ETH deposit: pool received a different amount");
        (uint256 potAfter, ) = pool.potOf(current, address(0));
        _check(7, potAfter == potBefore + amount, "ETH deposit not credited to the current pot");
        ghostCredited[address(0)] += received;
        calls[plain ? bytes32("depositETH.plain") : bytes32("depositETH")]++;
    }

    /// @notice Someone sends an ERC-20 to the pool by plain transfer (credited only by a later `sync`).
    function transferToPool(uint256 tokenSeed, uint256 amount) external {
        uint256 t = _bound(tokenSeed, 1, N_TOKENS - 1);
        amount = _boundAmount(t, amount);
        _mint(t, stranger, amount);
        uint256 before = IERC20(tokens[t]).balanceOf(address(pool));
        vm.prank(stranger);
        IERC20(tokens[t]).safeTransfer(address(pool), amount);
        ghostUnsynced[tokens[t]] += IERC20(tokens[t]).balanceOf(address(pool)) - before;
        calls["transferToPool"]++;
    }

    /// @notice ETH arrives without a call (a `selfdestruct` beneficiary or block reward): only `sync` credits it.
    function forceETH(uint256 amount) external {
        amount = _boundAmount(0, amount);
        vm.deal(address(pool), address(pool).balance + amount);
        ghostUnsynced[address(0)] += amount;
        calls["forceETH"]++;
    }

    /// @notice Anyone calls `sync(token)`; it must credit exactly the unsynced plain transfers.
    function sync(uint256 tokenSeed, uint256 callerSeed) external {
        uint256 t = tokenSeed % N_TOKENS;
        address token = tokens[t];
        Snapshot memory before = _snapshot();
        uint256 current = pool.currentScheduleId();
        (uint256 potBefore, ) = pool.potOf(current, token);
        vm.prank(_anyone(callerSeed));
        bool ok;
        try pool.sync(token) {
            ok = true;
        } catch {}
        Snapshot memory afterwards = _snapshot();
        _check(2, _sameBalances(before, afterwards), "sync moved money");
        bool expectOk = !before.paused && ghostUnsynced[token] > 0;
        _check(2, ok == expectOk, "sync succeeded or failed unexpectedly");
        if (!ok) return;
        uint256 credited = afterwards.reserves[t] - before.reserves[t];
        _check(2, credited == ghostUnsynced[token], "sync credited a different amount than was sent");
        (uint256 potAfter, ) = pool.potOf(current, token);
        _check(7, potAfter == potBefore + credited, "sync not credited to the current pot");
        ghostCredited[token] += credited;
        ghostUnsynced[token] = 0;
        calls["sync"]++;
    }

    /// @notice Anyone folds up to a few superseded schedules' pots of a token into its folded total: no money
    /// moves, the reserve (checked against the ghost by I-2) stays the same, and never reverts.
    function foldPots(uint256 tokenSeed, uint256 maxSeed, uint256 callerSeed) external {
        address token = tokens[tokenSeed % N_TOKENS];
        Snapshot memory before = _snapshot();
        uint256 reserve = pool.reserveOf(token);
        vm.prank(_anyone(callerSeed));
        pool.foldPotsOf(token, maxSeed % 4);
        _check(2, _sameBalances(before, _snapshot()), "foldPotsOf moved money");
        _check(2, pool.reserveOf(token) == reserve, "foldPotsOf changed the reserve");
        calls["foldPots"]++;
    }

    /// @notice The PROPOSER proposes a random table of 2-8 accounts (sometimes tiny share counts, so rounding
    /// matters); refused while another schedule is pending.
    function propose(uint256 seed) external {
        uint256 pendingBefore = _modelPending();
        (bytes32[] memory ids, uint256[] memory shares, uint256 total) = randomTable(seed);
        bytes32[] memory tree = StandardMerkle.build(ids, shares);
        uint256 currentBefore = _modelCurrent();
        vm.prank(proposer);
        try
            pool.proposeSchedule(tree[0], total, keccak256(abi.encode(seed)), bytes32(0), bytes32(0), "")
        returns (uint256 id) {
            _check(9, pendingBefore == 0, "a second schedule was accepted while one is pending");
            _check(9, id == count + 1, "schedule ids are not sequential");
            count = id;
            Sched storage s = _sched[id];
            s.ids = ids;
            s.shares = shares;
            s.totalShares = total;
            s.tree = tree;
            s.activatesAt = block.timestamp + pool.activationDelay();
            s.genesis = currentBefore == 0;
            calls["propose"]++;
            // Half the proposals warm some of their pots: nothing the pool reports or pays may change.
            if ((seed >> 4) % 2 == 0) {
                Snapshot memory before = _snapshot();
                address[] memory warm = new address[](1 + ((seed >> 5) % N_TOKENS));
                for (uint256 t; t < warm.length; ++t) warm[t] = tokens[t];
                pool.warmPots(warm);
                _check(8, _sameBalances(before, _snapshot()), "warmPots moved money");
                _check(8, _sameReserves(before, _snapshot()), "warmPots changed reserves");
                calls["warmPots"]++;
            }
        } catch {
            _check(9, pendingBefore != 0, "proposal refused while nothing is pending");
        }
    }

    /// @notice A GUARDIAN or the admin revokes the pending schedule (or tries to revoke a non-pending one).
    function revoke(uint256 idSeed, bool byAdmin) external {
        uint256 pending = _modelPending();
        uint256 id = pending != 0 && idSeed % 4 != 0 ? pending : _bound(idSeed, 0, count + 1);
        Snapshot memory before = _snapshot();
        vm.prank(byAdmin ? admin : guardian);
        try pool.revokeSchedule(id) {
            _check(10, id == pending && pending != 0, "a non-pending schedule was revoked");
            _sched[id].revoked = true;
            calls["revoke"]++;
        } catch {
            _check(10, id != pending || pending == 0, "revoking the pending schedule failed");
        }
        _check(8, _sameBalances(before, _snapshot()), "revoke moved money");
    }

    /// @notice Time passes: randomly, or exactly to the pending activation, or exactly to a sweep boundary.
    function warp(uint256 seed) external {
        uint256 mode = seed % 4;
        uint256 target = block.timestamp + _bound(seed >> 8, 1, 10 days);
        if (mode == 1 && _modelPending() != 0) {
            target = _sched[_modelPending()].activatesAt;
        } else if (mode == 2 && count > 0) {
            uint256 at = _sweepableAt(_bound(seed >> 8, 1, count));
            if (at > block.timestamp) target = at;
        } else if (mode == 3) {
            target = block.timestamp + pool.claimWindow() + 1;
        }
        vm.warp(target);
        uint256 current = pool.currentScheduleId();
        _check(13, current >= maxCurrentSeen, "current schedule id decreased");
        if (current > maxCurrentSeen) maxCurrentSeen = current;
        calls["warp"]++;
    }

    /// @notice Someone submits a claim of 1-3 requests (random schedules, accounts, token sets; sometimes a
    /// forged share count) and every expectation is checked against real balances.
    function claim(uint256 seed) external {
        if (count == 0) return;
        ClaimPlan memory plan = _planClaim(seed);
        if (plan.touchesReentrant) reentrant.armClaim(plan.reqs);
        Snapshot memory before = _snapshot();
        uint256[] memory payeeBefore = _payeeBalances(plan);
        // One request for one token goes half the time through `claimOneLeaf`, which must behave as `claim`.
        IRoyaltyPool.ClaimRequest memory first = plan.reqs[0];
        bool oneLeaf = plan.reqs.length == 1 && first.tokens.length == 1 && (seed >> 199) & 1 == 1;
        bytes memory data =
            oneLeaf
                ? abi.encodeCall(
                    IRoyaltyPool.claimOneLeaf,
                    (first.scheduleId, first.accountId, first.shares, first.tokens[0], first.proof)
                )
                : abi.encodeCall(IRoyaltyPool.claim, (plan.reqs));
        vm.prank(_anyone(seed >> 200));
        (bool ok, bytes memory err) = address(pool).call(data);
        Snapshot memory afterwards = _snapshot();
        if (plan.expectRevert) {
            _check(5, !ok, "claim that should revert succeeded");
            _check(5, _sameBalances(before, afterwards), "reverted claim moved money");
            _check(5, !ok && _knownClaimError(err), "claim reverted with an unexpected error");
            return;
        }
        _check(5, ok, "valid claim reverted");
        if (!ok) return;
        _recordClaim(plan, before, afterwards, payeeBefore);
        if (oneLeaf) calls["claimOneLeaf"]++;
        else calls["claim"]++;
    }

    /// @notice Anyone sweeps (schedule, token); allowed only after supersession plus the claim window.
    function sweep(uint256 idSeed, uint256 tokenSeed) external {
        if (count == 0) return;
        _sweepAs(stranger, _bound(idSeed, 1, count), tokens[tokenSeed % N_TOKENS]);
    }

    /// @notice Binds the unbound identity through the attestor (EIP-712), or the attestor cancels a binding still
    /// in its window, or the current payee moves its binding. Claims wait out the window (`_planClaim`).
    function bindOrMovePayee(uint256 seed) external {
        uint256 i = FIRST_IDENTITY + (seed % (N_ACCOUNTS - FIRST_IDENTITY));
        (address current, , uint256 payableFrom) = registry.bindingOf(universe[i]);
        address next = wallets[(seed >> 8) % N_WALLETS];
        if (current == address(0)) {
            _attest(i, next);
            calls["bind"]++;
        } else if (block.timestamp < payableFrom && (seed >> 16) % 2 == 0) {
            vm.prank(attestor);
            registry.cancelBinding(universe[i]);
            calls["cancelBinding"]++;
        } else if (current != next) {
            vm.prank(current);
            registry.setPayee(universe[i], next);
            calls["movePayee"]++;
        }
    }

    /// @notice Lost-key recovery of a bound identity: the attestor proposes moving it to another wallet, and a
    /// later call finalizes the rebind (once due) or its payee cancels it. Claims for it must wait meanwhile
    /// (`_planClaim` expects them to revert), so no money reaches the old wallet during a recovery.
    function recover(uint256 seed) external {
        uint256 i = FIRST_IDENTITY + (seed % (N_ACCOUNTS - FIRST_IDENTITY));
        bytes32 id = universe[i];
        (address current, bool pending, ) = registry.bindingOf(id);
        if (current == address(0)) return;
        if (!pending) {
            address next = wallets[(seed >> 8) % N_WALLETS];
            if (next == current) return;
            _attest(i, next);
            calls["proposeRebind"]++;
            return;
        }
        (, , uint256 executableAt) = registry.pendingRebindOf(id);
        if ((seed >> 16) % 2 == 0 && block.timestamp >= executableAt) {
            registry.finalizeRebind(id);
            calls["finalizeRebind"]++;
        } else {
            vm.prank(current);
            registry.cancelRebind(id);
            calls["cancelRebind"]++;
        }
    }

    /// @notice Role holders use their powers (and outsiders try to): none of it may move deposited money.
    function roleAction(uint256 seed) external {
        Snapshot memory before = _snapshot();
        uint256 action = seed % 8;
        if (action == 0) {
            vm.prank(guardian);
            try pool.pause() {} catch {}
        } else if (action == 1) {
            vm.prank(admin);
            try pool.unpause() {} catch {}
        } else if (action == 2) {
            // A guardian cannot unpause; outsiders can do nothing privileged.
            vm.prank(guardian);
            try pool.unpause() {
                _check(8, false, "guardian unpaused");
            } catch {}
            _strangerAttempts(seed);
        } else if (action == 3) {
            // A proposer grant waits `activationDelay`; the guardian cancels it (a grant nobody wanted).
            address extra = makeAddr("extraProposer");
            bytes32 role = pool.PROPOSER_ROLE();
            vm.prank(admin);
            pool.grantRole(role, extra);
            _check(8, !pool.hasRole(role, extra), "a proposer grant took effect at once");
            vm.prank(guardian);
            try pool.cancelRoleChange(role, extra, true) {} catch {
                _check(8, false, "the guardian could not cancel a proposer grant");
            }
        } else if (action == 4) {
            // Two-step admin transfer to a fresh admin, accepted after the delay.
            address next = makeAddr(string.concat("admin", vm.toString(seed % 1000)));
            if (next != admin) {
                vm.prank(admin);
                pool.transferAdmin(next);
                vm.prank(next);
                try pool.acceptAdmin() {
                    _check(8, false, "an admin transfer was accepted before its delay");
                } catch {}
                vm.warp(pool.adminAcceptableAt());
                vm.prank(next);
                pool.acceptAdmin();
                admin = next;
            }
        } else if (action == 5) {
            // The admin may sweep only as anyone may: after supersession plus the claim window.
            if (count != 0) _sweepAs(admin, _bound(seed >> 8, 1, count), tokens[(seed >> 16) % N_TOKENS]);
        } else if (action == 6) {
            // A guardian steps down and the admin reinstates it. (Read the role first: a view call would
            // consume the prank.)
            bytes32 role = pool.GUARDIAN_ROLE();
            vm.prank(guardian);
            pool.renounceRole(role);
            vm.prank(admin);
            pool.grantRole(role, guardian);
        } else {
            vm.prank(proposer);
            try pool.pause() {
                _check(8, false, "proposer paused");
            } catch {}
        }
        _check(8, _sameBalances(before, _snapshot()), "a role action moved money");
        _check(8, _sameReserves(before, _snapshot()), "a role action changed reserves");
        calls["roleAction"]++;
    }

    // ================================================================== views for the invariant test

    function scheduleIds(uint256 id) external view returns (bytes32[] memory) {
        return _sched[id].ids;
    }

    function scheduleShares(uint256 id) external view returns (uint256[] memory) {
        return _sched[id].shares;
    }

    function scheduleTotalShares(uint256 id) external view returns (uint256) {
        return _sched[id].totalShares;
    }

    function scheduleRevoked(uint256 id) external view returns (bool) {
        return _sched[id].revoked;
    }

    function scheduleGenesis(uint256 id) external view returns (bool) {
        return _sched[id].genesis;
    }

    function scheduleActivatesAt(uint256 id) external view returns (uint256) {
        return _sched[id].activatesAt;
    }

    function modelCurrent() external view returns (uint256) {
        return _modelCurrent();
    }

    function modelPending() external view returns (uint256) {
        return _modelPending();
    }

    function sweepableAt(uint256 id) external view returns (uint256) {
        return _sweepableAt(id);
    }

    // ================================================================== internals

    struct Snapshot {
        uint256[N_TOKENS] balances;
        uint256[N_TOKENS] reserves;
        bool paused;
    }

    struct ClaimPlan {
        IRoyaltyPool.ClaimRequest[] reqs;
        bool expectRevert;
        bool touchesReentrant;
        // Expected payouts, one entry per (payee, token) as the pool aggregates them.
        address[] payees;
        uint256[] payeeToken;
        uint256[] payeeAmount;
        uint256 payoutCount;
        // Expected amount per (request, token index in request).
        uint256[][] amounts;
    }

    function _depositFrom(uint256 t, address payer, uint256 amount, bool) private {
        address token = tokens[t];
        Snapshot memory before = _snapshot();
        uint256 current = pool.currentScheduleId();
        (uint256 potBefore, ) = pool.potOf(current, token);
        vm.prank(payer);
        uint256 gasBefore = gasleft();
        bool ok;
        try pool.deposit(token, amount, bytes32("invoice")) {
            ok = true;
        } catch {}
        uint256 gasUsed = gasBefore - gasleft();
        _afterDeposit(t, amount, ok, before, current, potBefore, gasUsed);
        if (ok) calls["deposit"]++;
    }

    function _depositFromWithPermit(
        uint256 t,
        address payer,
        uint256 amount,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) private {
        address token = tokens[t];
        Snapshot memory before = _snapshot();
        uint256 current = pool.currentScheduleId();
        (uint256 potBefore, ) = pool.potOf(current, token);
        vm.prank(payer);
        bool ok;
        try pool.depositWithPermit(token, amount, bytes32("permit"), deadline, v, r, s) {
            ok = true;
        } catch {}
        _afterDeposit(t, amount, ok, before, current, potBefore, 0);
        if (ok) calls["depositWithPermit"]++;
    }

    function _afterDeposit(
        uint256 t,
        uint256 amount,
        bool ok,
        Snapshot memory before,
        uint256 current,
        uint256 potBefore,
        uint256 gasUsed
    ) private {
        address token = tokens[t];
        Snapshot memory afterwards = _snapshot();
        if (before.paused) {
            _check(2, !ok, "deposit accepted while paused");
            _check(2, _sameBalances(before, afterwards), "paused deposit moved money");
            return;
        }
        _check(2, ok, "deposit reverted while not paused");
        if (!ok) return;
        uint256 received = afterwards.balances[t] - before.balances[t];
        uint256 expected = t == 2 ? FeeOnTransferToken(token).amountAfterFee(amount) : amount;
        _check(2, received == expected, "deposit: pool received an unexpected amount");
        _check(
            2,
            afterwards.reserves[t] - before.reserves[t] == received,
            "deposit: reserve != balance difference"
        );
        (uint256 potAfter, ) = pool.potOf(current, token);
        _check(7, potAfter == potBefore + received, "deposit not credited to the current pot");
        ghostCredited[token] += received;
        if (gasUsed > maxDepositGas) maxDepositGas = gasUsed;
    }

    function _sweepAs(address caller, uint256 id, address token) private {
        uint256 at = _sweepableAt(id);
        (uint256 deposited, uint256 claimedAmount) = pool.potOf(id, token);
        // A sweep that would move nothing is refused.
        bool expectOk =
            at != 0 && block.timestamp >= at && !ghostIsSwept[id][token] && deposited > claimedAmount;
        uint256 into = pool.currentScheduleId();
        (uint256 intoBefore, ) = pool.potOf(into, token);
        Snapshot memory before = _snapshot();
        vm.prank(caller);
        bool ok;
        try pool.sweep(id, token) {
            ok = true;
        } catch {}
        _check(8, _sameBalances(before, _snapshot()), "sweep moved money out of the pool");
        _check(7, ok == expectOk, "sweep succeeded or failed unexpectedly");
        if (!ok) return;
        (uint256 intoAfter, ) = pool.potOf(into, token);
        _check(
            7,
            intoAfter == intoBefore + (deposited - claimedAmount),
            "swept remainder did not land in current pot"
        );
        _check(7, pool.isSwept(id, token), "swept pot not marked swept");
        ghostIsSwept[id][token] = true;
        ghostDepositedAtSweep[id][token] = deposited;
        ghostSwept[token] += deposited - claimedAmount;
        calls["sweep"]++;
    }

    function _planClaim(uint256 seed) private view returns (ClaimPlan memory plan) {
        uint256 n = 1 + (seed % 3);
        plan.reqs = new IRoyaltyPool.ClaimRequest[](n);
        plan.amounts = new uint256[][](n);
        plan.payees = new address[](n * N_TOKENS);
        plan.payeeToken = new uint256[](n * N_TOKENS);
        plan.payeeAmount = new uint256[](n * N_TOKENS);
        uint256 r = uint256(keccak256(abi.encode(seed)));
        for (uint256 k; k < n; ++k) {
            r = uint256(keccak256(abi.encode(r)));
            uint256 id = 1 + (r % count);
            Sched storage s = _sched[id];
            uint256 row = (r >> 16) % s.ids.length;
            uint256 mask = 1 + ((r >> 32) % ((1 << N_TOKENS) - 1));
            address[] memory toks = new address[](_popcount(mask));
            uint256[] memory tokIdx = new uint256[](toks.length);
            uint256 j;
            for (uint256 t; t < N_TOKENS; ++t) {
                if (mask & (1 << t) != 0) {
                    (toks[j], tokIdx[j]) = (tokens[t], t);
                    ++j;
                }
            }
            // One claim in sixteen forges its share count (a proof for someone else's leaf).
            bool forged = (r >> 64) % 16 == 0;
            uint256 shares = s.shares[row];
            bytes32[] memory proof = StandardMerkle.proof(s.tree, StandardMerkle.leaf(s.ids[row], shares));
            plan.reqs[k] = IRoyaltyPool.ClaimRequest(
                id,
                s.ids[row],
                forged ? shares + 1 : shares,
                proof,
                toks
            );
            if (s.ids[row] == universe[4]) plan.touchesReentrant = true;
            address payee = pool.payeeOf(s.ids[row]);
            bool active = !s.revoked && s.activatesAt <= block.timestamp;
            if (forged || !active || payee == address(0) || _heldByRegistry(s.ids[row]))
                plan.expectRevert = true;
            plan.amounts[k] = new uint256[](toks.length);
            for (uint256 q; q < toks.length; ++q) {
                if (ghostIsSwept[id][toks[q]]) plan.expectRevert = true;
                if (plan.expectRevert) continue;
                uint256 amount = _expectedClaim(plan, k, q);
                plan.amounts[k][q] = amount;
                if (amount > 0) _addExpectedPayout(plan, payee, tokIdx[q], amount);
            }
        }
    }

    /// @dev mulDiv(pot, shares, totalShares) minus what was claimed before and earlier in this same call.
    function _expectedClaim(ClaimPlan memory plan, uint256 k, uint256 q) private view returns (uint256) {
        IRoyaltyPool.ClaimRequest memory req = plan.reqs[k];
        address token = req.tokens[q];
        (uint256 deposited, ) = pool.potOf(req.scheduleId, token);
        uint256 entitled = Math.mulDiv(deposited, req.shares, _sched[req.scheduleId].totalShares);
        uint256 paid = ghostClaimedBy[req.scheduleId][req.accountId][token];
        for (uint256 e; e < k; ++e) {
            IRoyaltyPool.ClaimRequest memory prev = plan.reqs[e];
            if (prev.scheduleId != req.scheduleId || prev.accountId != req.accountId) continue;
            for (uint256 f; f < prev.tokens.length; ++f) {
                if (prev.tokens[f] == token) paid += plan.amounts[e][f];
            }
        }
        return entitled > paid ? entitled - paid : 0;
    }

    function _addExpectedPayout(
        ClaimPlan memory plan,
        address payee,
        uint256 t,
        uint256 amount
    ) private pure {
        for (uint256 i; i < plan.payoutCount; ++i) {
            if (plan.payees[i] == payee && plan.payeeToken[i] == t) {
                plan.payeeAmount[i] += amount;
                return;
            }
        }
        plan.payees[plan.payoutCount] = payee;
        plan.payeeToken[plan.payoutCount] = t;
        plan.payeeAmount[plan.payoutCount] = amount;
        plan.payoutCount++;
    }

    function _payeeBalances(ClaimPlan memory plan) private view returns (uint256[] memory out) {
        out = new uint256[](plan.payoutCount);
        for (uint256 i; i < plan.payoutCount; ++i) {
            out[i] = _balanceOf(plan.payeeToken[i], plan.payees[i]);
        }
    }

    function _recordClaim(
        ClaimPlan memory plan,
        Snapshot memory before,
        Snapshot memory afterwards,
        uint256[] memory payeeBefore
    ) private {
        // Pool outflow per token equals the expected payouts.
        uint256[N_TOKENS] memory expectedOut;
        for (uint256 i; i < plan.payoutCount; ++i) {
            uint256 t = plan.payeeToken[i];
            expectedOut[t] += plan.payeeAmount[i];
            // Several payouts to the same wallet may have been aggregated; compare per entry (distinct pairs).
            uint256 gross = plan.payeeAmount[i];
            uint256 net = t == 2 ? FeeOnTransferToken(tokens[2]).amountAfterFee(gross) : gross;
            uint256 got = _balanceOf(t, plan.payees[i]) - payeeBefore[i];
            _check(6, got == net, "payee received a different amount than its entitlement");
            if (got == net) ghostPaidToPayees[tokens[t]] += gross;
        }
        for (uint256 t; t < N_TOKENS; ++t) {
            uint256 out = before.balances[t] - afterwards.balances[t];
            _check(5, out == expectedOut[t], "pool paid out a different amount than entitled");
            ghostPaid[tokens[t]] += out;
        }
        for (uint256 k; k < plan.reqs.length; ++k) {
            IRoyaltyPool.ClaimRequest memory req = plan.reqs[k];
            for (uint256 q; q < req.tokens.length; ++q) {
                uint256 amount = plan.amounts[k][q];
                ghostClaimedBy[req.scheduleId][req.accountId][req.tokens[q]] += amount;
                ghostClaimedFrom[req.scheduleId][req.tokens[q]] += amount;
            }
        }
        if (plan.touchesReentrant) {
            _check(5, reentrant.reentrySuccesses() == 0, "re-entrant claim was accepted");
        }
    }

    /// @dev Whether pools must hold an identity's claims: a rebind pending or a first binding in its window.
    function _heldByRegistry(bytes32 accountId) private view returns (bool) {
        if (uint256(accountId) >> 160 == 0) return false;
        (, bool pending, uint256 payableFrom) = registry.bindingOf(accountId);
        return pending || block.timestamp < payableFrom;
    }

    function _knownClaimError(bytes memory err) private pure returns (bool) {
        if (err.length < 4) return false;
        bytes4 sel = bytes4(err);
        return
            sel == IRoyaltyPool.RoyaltyPoolScheduleNotActive.selector ||
            sel == IRoyaltyPool.RoyaltyPoolInvalidProof.selector ||
            sel == IRoyaltyPool.RoyaltyPoolPayeeUnbound.selector ||
            sel == IRoyaltyPool.RoyaltyPoolPayeeRebindPending.selector ||
            sel == IRoyaltyPool.RoyaltyPoolPayeeNotYetPayable.selector ||
            sel == IRoyaltyPool.RoyaltyPoolPotSwept.selector;
    }

    function _strangerAttempts(uint256 seed) private {
        vm.startPrank(stranger);
        uint256 which = (seed >> 8) % 6;
        bool ok = true;
        if (which == 0) {
            try pool.pause() {} catch {
                ok = false;
            }
        } else if (which == 1) {
            try pool.unpause() {} catch {
                ok = false;
            }
        } else if (which == 2) {
            try pool.proposeSchedule(keccak256("evil"), 1, 0, 0, 0, "") {} catch {
                ok = false;
            }
        } else if (which == 3) {
            try pool.revokeSchedule(count) {} catch {
                ok = false;
            }
        } else if (which == 4) {
            bytes32 role = pool.PROPOSER_ROLE();
            try pool.grantRole(role, stranger) {} catch {
                ok = false;
            }
        } else {
            try pool.transferAdmin(stranger) {} catch {
                ok = false;
            }
        }
        vm.stopPrank();
        _check(8, !ok, "an outsider used a privileged function");
    }

    function _attest(uint256 i, address payee) private {
        IIdentityRegistry.Attestation memory a = IIdentityRegistry.Attestation(
            universe[i],
            payee,
            registry.nonces(universe[i]),
            block.timestamp + 1 hours
        );
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(_attestorKey, registry.hashAttestation(a));
        registry.submitAttestation(a, _identities[i], attestor, abi.encodePacked(r, s, v));
    }

    /// @notice The table `propose(seed)` would propose.
    function randomTable(
        uint256 seed
    ) public view returns (bytes32[] memory ids, uint256[] memory shares, uint256 total) {
        uint256 n = 2 + (seed % 7);
        ids = new bytes32[](n);
        shares = new uint256[](n);
        // A random subset of the universe: a seeded Fisher-Yates shuffle of the indices, first n taken.
        uint256[N_ACCOUNTS] memory order;
        for (uint256 i; i < N_ACCOUNTS; ++i) order[i] = i;
        uint256 r = seed;
        for (uint256 i = N_ACCOUNTS - 1; i > 0; --i) {
            r = uint256(keccak256(abi.encode(r)));
            uint256 j = r % (i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        bool tiny = (seed >> 8) % 3 == 0; // tiny share counts: floor division leaves dust in every pot
        for (uint256 i; i < n; ++i) {
            r = uint256(keccak256(abi.encode(r)));
            ids[i] = universe[order[i]];
            shares[i] = tiny ? 1 + (r % 7) : 1 + (r % 1e18);
            total += shares[i];
        }
    }

    function _modelCurrent() private view returns (uint256) {
        for (uint256 id = count; id > 0; --id) {
            Sched storage s = _sched[id];
            if (!s.revoked && s.activatesAt <= block.timestamp) return id;
        }
        return 0;
    }

    function _modelPending() private view returns (uint256) {
        if (count == 0) return 0;
        Sched storage s = _sched[count];
        return !s.revoked && s.activatesAt > block.timestamp ? count : 0;
    }

    /// @dev When the next non-revoked schedule after `id` activates, plus the claim window (0 = not superseded).
    function _sweepableAt(uint256 id) private view returns (uint256) {
        if (id == 0 || id > count || _sched[id].revoked) return 0;
        for (uint256 next = id + 1; next <= count; ++next) {
            if (!_sched[next].revoked) return _sched[next].activatesAt + pool.claimWindow();
        }
        return 0;
    }

    function _snapshot() private view returns (Snapshot memory s) {
        for (uint256 t; t < N_TOKENS; ++t) {
            s.balances[t] = _balanceOf(t, address(pool));
            s.reserves[t] = pool.reserveOf(tokens[t]);
        }
        s.paused = pool.paused();
    }

    function _sameBalances(Snapshot memory a, Snapshot memory b) private pure returns (bool) {
        for (uint256 t; t < N_TOKENS; ++t) {
            if (a.balances[t] != b.balances[t]) return false;
        }
        return true;
    }

    function _sameReserves(Snapshot memory a, Snapshot memory b) private pure returns (bool) {
        for (uint256 t; t < N_TOKENS; ++t) {
            if (a.reserves[t] != b.reserves[t]) return false;
        }
        return true;
    }

    function _balanceOf(uint256 t, address account) private view returns (uint256) {
        return t == 0 ? account.balance : IERC20(tokens[t]).balanceOf(account);
    }

    function _mint(uint256 t, address to, uint256 amount) private {
        if (t == 3) NoReturnToken(tokens[t]).mint(to, amount);
        else if (t == 2) FeeOnTransferToken(tokens[t]).mint(to, amount);
        else TestERC20(tokens[t]).mint(to, amount);
    }

    /// @dev Realistic ranges: up to 10^6 whole tokens per deposit (ETH up to 10^4), at least one base unit.
    function _boundAmount(uint256 t, uint256 amount) private pure returns (uint256) {
        if (t == 0) return _bound(amount, 1, 1e22);
        if (t == 3 || t == 4) return _bound(amount, 1, 1e12);
        return _bound(amount, 1, 1e24);
    }

    function _anyone(uint256 seed) private view returns (address) {
        uint256 i = seed % (N_PAYERS + 2);
        if (i < N_PAYERS) return payers[i];
        return i == N_PAYERS ? stranger : wallets[0];
    }

    function _popcount(uint256 x) private pure returns (uint256 c) {
        for (; x != 0; x >>= 1) c += x & 1;
    }

    function _check(uint256 invariantNumber, bool ok, string memory what) private {
        if (ok) return;
        if (violations[invariantNumber] == 0) firstViolation[invariantNumber] = what;
        violations[invariantNumber]++;
    }
}
