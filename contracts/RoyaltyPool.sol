// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IIdentityRegistry} from "./interfaces/IIdentityRegistry.sol";
import {PayoutBook} from "./libraries/PayoutBook.sol";
import {IRoyaltyPool} from "./interfaces/IRoyaltyPool.sol";

/// @title RoyaltyPool
/// @notice Takes royalty deposits and lets the accounts of activated share tables pull their part.
/// @dev Deployed once as a locked implementation and used through EIP-1167 clones made by `PoolFactory`.
/// Storage is laid out for the hot paths: a deposit reads one header slot and writes one pot slot; a claim reads
/// two schedule slots, then one pot slot and one claimed slot per token. No per-token running total is written by
/// deposits or by claims of the current schedule; `sync` folds the pots of schedules that can no longer take
/// deposits into a per-token total (`_folded`) once, so `sync` and `reserveOf` read only the pots of the schedules
/// since the token's last fold.
contract RoyaltyPool is IRoyaltyPool, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    // ---------------------------------------------------------------- types

    /// @dev One slot. `count` is the latest proposed id, `latestActivatesAt` its activation time (0 when revoked
    /// or none), `previous` the schedule that was current when it was proposed, `genesis` the schedule that
    /// owns the unallocated pot (the latest one proposed while no schedule was active).
    struct Header {
        uint40 count;
        uint40 latestActivatesAt;
        uint40 previous;
        uint40 genesis;
        bool paused;
    }

    /// @dev One slot, written once by `initialize`. The registry is not here but in the clone's code
    /// (`_registry`).
    struct Config {
        uint32 activationDelay;
        uint32 claimWindow;
        bool initialized;
    }

    /// @dev One slot per schedule (the root is the other). `genesisPot`: the schedule's pots live under key 0,
    /// where deposits made before any schedule was active wait.
    struct ScheduleMeta {
        uint128 totalShares;
        uint40 activatesAt;
        uint40 supersededAt;
        bool revoked;
        bool genesisPot;
    }

    /// @dev One slot per token: the remainder (deposited - claimed) of the token's pots of every schedule below
    /// `upTo`, summed once by `_fold`. Those schedules are superseded (or revoked) and never take deposits again;
    /// claims and sweeps of them subtract what they take. Sums of pots below 2^128 each: uint216 cannot overflow.
    struct Folded {
        uint216 remainder;
        uint40 upTo;
    }

    /// @dev One slot per (pot key, token). A swept pot is marked (0, 2^128 - 1), a warmed empty pot (0, 2^128 - 2):
    /// `claimed > deposited` in both, a state that accounting can never reach otherwise.
    struct Pot {
        uint128 deposited;
        uint128 claimed;
    }

    // ---------------------------------------------------------------- constants

    /// @inheritdoc IRoyaltyPool
    bytes32 public constant PROPOSER_ROLE = keccak256("PROPOSER_ROLE");
    /// @inheritdoc IRoyaltyPool
    bytes32 public constant GUARDIAN_ROLE = keccak256("GUARDIAN_ROLE");
    /// @inheritdoc IRoyaltyPool
    bytes32 public constant DEFAULT_ADMIN_ROLE = bytes32(0);

    /// @inheritdoc IRoyaltyPool
    uint32 public constant MIN_ACTIVATION_DELAY = 1 hours;
    /// @inheritdoc IRoyaltyPool
    uint32 public constant MIN_CLAIM_WINDOW = 1 days;

    uint256 private constant _PROPOSER_BIT = 1;
    uint256 private constant _GUARDIAN_BIT = 2;
    uint128 private constant _SWEPT_MARK = type(uint128).max;
    /// @dev A pot pre-written by `warmPots`: holds nothing, but its slot is no longer zero, so the first deposit
    /// after activation pays for changing a slot rather than creating one (about 17,000 gas less).
    uint128 private constant _WARM_MARK = type(uint128).max - 1;
    /// @dev Gas an ETH payee gets during a claim: enough for smart wallets (a proxy's delegatecall, events,
    /// several new storage slots, even a call back into the pool), bounded so that one payee cannot make a batch
    /// for others fail or cost unbounded gas.
    uint256 private constant _ETH_PAYOUT_GAS = 300_000;

    /// @inheritdoc IRoyaltyPool
    uint256 public constant MAX_TOKENS = 32;
    /// @dev Where the clone's immutable arguments start: after the 45-byte EIP-1167 proxy, the registry
    /// (20 bytes), then the allowed tokens (one 32-byte word each, left-padded as `abi.encodePacked` pads array
    /// elements; none means every token).
    uint256 private constant _REGISTRY_ARG = 0x2d;
    uint256 private constant _TOKENS_ARG = 0x41;

    // ---------------------------------------------------------------- storage

    Header private _header;
    Config private _config;
    address private _admin;
    address private _pendingAdmin;
    mapping(address account => uint256 roleBits) private _roles;
    mapping(uint256 scheduleId => bytes32 root) private _roots;
    mapping(uint256 scheduleId => ScheduleMeta) private _meta;
    mapping(uint256 potKey => mapping(address token => Pot)) private _pots;
    /// @dev keccak256(abi.encode(scheduleId, accountId, token)) => amount paid so far.
    mapping(bytes32 claimKey => uint256 amount) private _claimed;
    /// @dev ETH a payee did not take during a claim (it reverted or ran out of `_ETH_PAYOUT_GAS`): its to withdraw.
    mapping(address payee => uint256 amount) private _ethOwed;
    /// @dev Sum of `_ethOwed`: part of the ETH reserve, so `sync` never re-credits it to a schedule.
    uint256 private _ethOwedTotal;
    /// @dev Delayed role changes: `_roleChangeKey(role, account, grant)` => time from which anyone may apply it.
    mapping(bytes32 changeKey => uint256 executableAt) private _roleChanges;
    /// @dev Time from which `_pendingAdmin` may accept the admin role.
    uint256 private _adminAcceptableAt;
    /// @dev Per token, the folded remainder of the pots of schedules that take no more deposits (see `Folded`).
    mapping(address token => Folded) private _folded;

    // ---------------------------------------------------------------- constructor

    /// @dev Locks the implementation: it can never be initialized, and deposits into it revert because it is
    /// paused with no admin to unpause it.
    constructor() {
        _config.initialized = true;
        _header.paused = true;
    }

    // ---------------------------------------------------------------- setup

    /// @inheritdoc IRoyaltyPool
    function initialize(
        address admin_,
        address registry_,
        uint32 activationDelay_,
        uint32 claimWindow_,
        address[] calldata proposers,
        address[] calldata guardians
    ) external {
        if (_config.initialized) revert RoyaltyPoolAlreadyInitialized();
        if (admin_ == address(0)) revert RoyaltyPoolInvalidAdmin(admin_);
        // The factory put the registry in the clone's code; a clone made without it reads as address(0).
        if (registry_ == address(0) || registry_ != _registry()) revert RoyaltyPoolInvalidRegistry(registry_);
        // With no delay a proposer could propose a table paying itself, activate it and sweep every older
        // schedule into it in one block: the guardians and the claim window would protect nothing.
        if (activationDelay_ < MIN_ACTIVATION_DELAY) {
            revert RoyaltyPoolActivationDelayTooShort(activationDelay_, MIN_ACTIVATION_DELAY);
        }
        if (claimWindow_ < MIN_CLAIM_WINDOW)
            revert RoyaltyPoolClaimWindowTooShort(claimWindow_, MIN_CLAIM_WINDOW);
        address[] memory tokens = _checkedTokenList();
        _config = Config(activationDelay_, claimWindow_, true);
        _admin = admin_;
        emit AdminTransferred(address(0), admin_);
        for (uint256 i; i < proposers.length; ++i) {
            _grant(PROPOSER_ROLE, _PROPOSER_BIT, proposers[i]);
        }
        for (uint256 i; i < guardians.length; ++i) {
            _grant(GUARDIAN_ROLE, _GUARDIAN_BIT, guardians[i]);
        }
        emit PoolInitialized(admin_, registry_, activationDelay_, claimWindow_);
        if (tokens.length != 0) emit TokensAllowed(tokens);
    }

    // ---------------------------------------------------------------- deposits

    /// @inheritdoc IRoyaltyPool
    function deposit(address token, uint256 amount, bytes32 memo) external nonReentrant {
        _depositToken(token, amount, memo);
    }

    /// @inheritdoc IRoyaltyPool
    function depositWithPermit(
        address token,
        uint256 amount,
        bytes32 memo,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external nonReentrant {
        // A permit seen in the mempool can be submitted first by anyone; the allowance then exists already,
        // so a failed permit must not fail the deposit. If there is no allowance, transferFrom reverts.
        try IERC20Permit(token).permit(msg.sender, address(this), amount, deadline, v, r, s) {} catch {}
        _depositToken(token, amount, memo);
    }

    /// @inheritdoc IRoyaltyPool
    function depositETH(bytes32 memo) external payable nonReentrant {
        _depositETH(memo);
    }

    /// @notice A plain ETH transfer is a deposit with an empty memo. It needs more than the 2,300 gas stipend
    /// of Solidity's `transfer`/`send`; use a call.
    receive() external payable nonReentrant {
        _depositETH(bytes32(0));
    }

    /// @inheritdoc IRoyaltyPool
    function sync(address token) external nonReentrant {
        Header memory h = _header;
        if (h.paused) revert RoyaltyPoolDepositsPaused();
        if (!_isAllowed(token)) revert RoyaltyPoolTokenNotAllowed(token);
        uint256 balance =
            token == address(0) ? address(this).balance : IERC20(token).balanceOf(address(this));
        uint256 accounted = _outstanding(h, token, _fold(h, token, type(uint256).max));
        if (balance <= accounted) revert RoyaltyPoolNothingToSync(token);
        uint256 amount;
        unchecked {
            amount = balance - accounted; // balance > accounted checked above
        }
        uint256 scheduleId = _current(h);
        _credit(h, scheduleId, token, amount);
        emit Synced(msg.sender, token, scheduleId, amount);
    }

    /// @inheritdoc IRoyaltyPool
    function foldPotsOf(address token, uint256 maxSchedules) external nonReentrant {
        _fold(_header, token, maxSchedules);
    }

    /// @inheritdoc IRoyaltyPool
    function pause() external {
        _onlyGuardianOrAdmin();
        if (_header.paused) revert RoyaltyPoolPauseUnchanged(true);
        _header.paused = true;
        emit DepositsPaused(msg.sender);
    }

    /// @inheritdoc IRoyaltyPool
    function unpause() external {
        _onlyAdmin();
        if (!_header.paused) revert RoyaltyPoolPauseUnchanged(false);
        _header.paused = false;
        emit DepositsUnpaused(msg.sender);
    }

    // ---------------------------------------------------------------- schedules

    /// @inheritdoc IRoyaltyPool
    function proposeSchedule(
        bytes32 root,
        uint256 totalShares,
        bytes32 tableHash,
        bytes32 policyHash,
        bytes32 inputsHash,
        string calldata uri
    ) external returns (uint256 scheduleId) {
        if ((_roles[msg.sender] & _PROPOSER_BIT) == 0)
            revert RoyaltyPoolUnauthorized(msg.sender, PROPOSER_ROLE);
        if (root == bytes32(0) || totalShares == 0 || totalShares > type(uint128).max) {
            revert RoyaltyPoolInvalidSchedule(root, totalShares);
        }
        Header memory h = _header;
        if (_pending(h)) revert RoyaltyPoolSchedulePending(h.count);
        uint256 current = _current(h);
        scheduleId = uint256(h.count) + 1;
        uint40 activatesAt = uint40(block.timestamp + _config.activationDelay);
        bool genesisPot = current == 0;

        h.count = uint40(scheduleId);
        h.latestActivatesAt = activatesAt;
        h.previous = uint40(current);
        if (genesisPot) h.genesis = uint40(scheduleId);
        _header = h;
        _roots[scheduleId] = root;
        _meta[scheduleId] = ScheduleMeta({
            totalShares: uint128(totalShares),
            activatesAt: activatesAt,
            supersededAt: 0,
            revoked: false,
            genesisPot: genesisPot
        });
        // The current schedule is superseded when this one activates; revoking this one undoes it.
        if (current != 0) _meta[current].supersededAt = activatesAt;

        emit ScheduleProposed(
            scheduleId,
            msg.sender,
            root,
            totalShares,
            tableHash,
            policyHash,
            inputsHash,
            uri,
            activatesAt
        );
    }

    /// @inheritdoc IRoyaltyPool
    function revokeSchedule(uint256 scheduleId) external {
        _onlyGuardianOrAdmin();
        Header memory h = _header;
        if (scheduleId != h.count || !_pending(h)) revert RoyaltyPoolScheduleNotPending(scheduleId);
        h.latestActivatesAt = 0;
        _header = h;
        _meta[scheduleId].revoked = true;
        if (h.previous != 0) _meta[h.previous].supersededAt = 0;
        emit ScheduleRevoked(scheduleId, msg.sender);
    }

    /// @inheritdoc IRoyaltyPool
    function currentScheduleId() external view returns (uint256) {
        return _current(_header);
    }

    /// @inheritdoc IRoyaltyPool
    function pendingScheduleId() external view returns (uint256) {
        Header memory h = _header;
        return _pending(h) ? h.count : 0;
    }

    /// @inheritdoc IRoyaltyPool
    function scheduleCount() external view returns (uint256) {
        return _header.count;
    }

    /// @inheritdoc IRoyaltyPool
    function scheduleOf(uint256 scheduleId) external view returns (Schedule memory) {
        ScheduleMeta memory m = _meta[scheduleId];
        return Schedule(_roots[scheduleId], m.totalShares, m.activatesAt, m.supersededAt, m.revoked);
    }

    /// @inheritdoc IRoyaltyPool
    function warmPots(address[] calldata tokens) external {
        Header memory h = _header;
        if (!_pending(h)) revert RoyaltyPoolScheduleNotPending(h.count);
        uint256 potKey = _potKey(h.count, _meta[h.count]);
        for (uint256 i; i < tokens.length; ++i) {
            Pot memory p = _pots[potKey][tokens[i]];
            if (p.deposited == 0 && p.claimed == 0) _pots[potKey][tokens[i]] = Pot(0, _WARM_MARK);
        }
    }

    // ---------------------------------------------------------------- claims

    /// @inheritdoc IRoyaltyPool
    function claim(ClaimRequest[] calldata requests) external nonReentrant {
        uint256 n = requests.length;
        // One entry per (payee, token): the transfers happen after all effects, one per entry.
        uint256 book = PayoutBook.create(_tokenCount(requests));

        bytes32 lastAccount;
        address payee;
        for (uint256 i; i < n; ++i) {
            ClaimRequest calldata req = requests[i];
            uint256 scheduleId = req.scheduleId;
            bytes32 accountId = req.accountId;
            uint256 shares = req.shares;
            uint256 word = _provenLeafSchedule(scheduleId, accountId, shares, req.proof);
            // Requests of one account usually come together: resolve its payee once per run.
            if (payee == address(0) || accountId != lastAccount) {
                payee = _claimPayee(accountId);
                lastAccount = accountId;
            }
            address[] calldata tokens = req.tokens;
            for (uint256 j; j < tokens.length; ++j) {
                address token = tokens[j];
                uint256 amount = _claimOne(word, scheduleId, accountId, shares, token);
                if (amount == 0) continue;
                emit Claimed(accountId, payee, token, scheduleId, amount);
                PayoutBook.add(book, payee, token, amount);
            }
        }

        uint256 count = PayoutBook.length(book);
        for (uint256 k; k < count; ++k) {
            (address to, address token, uint256 amount) = PayoutBook.at(book, k);
            _payOut(to, token, amount);
        }
    }

    /// @inheritdoc IRoyaltyPool
    function claimOneLeaf(
        uint256 scheduleId,
        bytes32 accountId,
        uint256 shares,
        address token,
        bytes32[] calldata proof
    ) external nonReentrant {
        uint256 word = _provenLeafSchedule(scheduleId, accountId, shares, proof);
        address payee = _claimPayee(accountId);
        uint256 amount = _claimOne(word, scheduleId, accountId, shares, token);
        if (amount == 0) return;
        emit Claimed(accountId, payee, token, scheduleId, amount);
        _payOut(payee, token, amount);
    }

    /// @inheritdoc IRoyaltyPool
    function claimable(
        uint256 scheduleId,
        bytes32 accountId,
        uint256 shares,
        address token
    ) external view returns (uint256) {
        ScheduleMeta memory m = _meta[scheduleId];
        if (m.activatesAt == 0 || m.revoked || block.timestamp < m.activatesAt) return 0;
        // `claim`'s product `deposited * shares` could overflow: it reverts (no table of total < 2^128 holds it).
        if (shares > type(uint128).max) return 0;
        Pot memory p = _pots[_potKey(scheduleId, m)][token];
        if (p.claimed > p.deposited) return 0;
        uint256 entitled = _entitled(p.deposited, shares, m.totalShares);
        uint256 paid = _claimed[_claimKey(scheduleId, accountId, token)];
        if (entitled <= paid) return 0;
        uint256 amount = entitled - paid;
        // `claim` would revert rather than pay beyond the pot (an inconsistent table).
        return uint256(p.claimed) + amount > p.deposited ? 0 : amount;
    }

    /// @inheritdoc IRoyaltyPool
    function claimed(uint256 scheduleId, bytes32 accountId, address token) external view returns (uint256) {
        return _claimed[_claimKey(scheduleId, accountId, token)];
    }

    /// @inheritdoc IRoyaltyPool
    function potOf(uint256 scheduleId, address token) external view returns (uint256, uint256) {
        Pot memory p = _pots[_potKey(scheduleId, _meta[scheduleId])][token];
        if (p.claimed > p.deposited) return (0, 0);
        return (p.deposited, p.claimed);
    }

    /// @inheritdoc IRoyaltyPool
    function isSwept(uint256 scheduleId, address token) external view returns (bool) {
        Pot memory p = _pots[_potKey(scheduleId, _meta[scheduleId])][token];
        return scheduleId != 0 && _isSwept(p);
    }

    /// @inheritdoc IRoyaltyPool
    function reserveOf(address token) external view returns (uint256) {
        return _outstanding(_header, token, _folded[token]);
    }

    /// @inheritdoc IRoyaltyPool
    function payeeOf(bytes32 accountId) external view returns (address) {
        (address payee, , ) = _resolvePayee(accountId);
        return payee;
    }

    /// @inheritdoc IRoyaltyPool
    function withdrawETH(address to) external nonReentrant {
        uint256 amount = _ethOwed[msg.sender];
        if (amount == 0) revert RoyaltyPoolNothingOwed(msg.sender);
        if (to == address(0)) revert RoyaltyPoolInvalidRecipient(to);
        delete _ethOwed[msg.sender];
        _ethOwedTotal -= amount;
        emit EthWithdrawn(msg.sender, to, amount);
        bool ok;
        // The payee asked for it, so it may spend all its gas receiving it.
        assembly ("memory-safe") {
            ok := call(gas(), to, amount, 0, 0, 0, 0)
        }
        if (!ok) revert RoyaltyPoolEthTransferFailed(to, amount);
    }

    /// @inheritdoc IRoyaltyPool
    function ethOwedTo(address payee) external view returns (uint256) {
        return _ethOwed[payee];
    }

    // ---------------------------------------------------------------- recycling

    /// @inheritdoc IRoyaltyPool
    function sweep(uint256 scheduleId, address token) external nonReentrant {
        ScheduleMeta memory m = _meta[scheduleId];
        uint256 sweepableAt = m.supersededAt == 0 ? 0 : uint256(m.supersededAt) + _config.claimWindow;
        if (sweepableAt == 0 || block.timestamp < sweepableAt)
            revert RoyaltyPoolSweepTooEarly(scheduleId, sweepableAt);
        uint256 fromKey = _potKey(scheduleId, m);
        Pot memory p = _pots[fromKey][token];
        if (_isSwept(p)) revert RoyaltyPoolPotSwept(scheduleId, token);
        uint256 remainder = _remainder(p);
        // Nothing to move (an empty pot, or any token never deposited): refused, so sweeps write no storage
        // and emit no `Swept(0)` for indexers to show.
        if (remainder == 0) revert RoyaltyPoolNothingToSweep(scheduleId, token);
        _pots[fromKey][token] = Pot(0, _SWEPT_MARK);
        // Superseded, so possibly folded; the current schedule it goes to never is.
        _unfold(scheduleId, token, remainder);
        Header memory h = _header;
        // The superseding schedule has activated (now >= supersededAt), so the current one is not `scheduleId`.
        uint256 into = _current(h);
        _credit(h, into, token, remainder);
        emit Swept(scheduleId, token, into, remainder, msg.sender);
    }

    // ---------------------------------------------------------------- roles

    /// @inheritdoc IRoyaltyPool
    function grantRole(bytes32 role, address account) external {
        _onlyAdmin();
        uint256 bit = _roleBit(role);
        // A new guardian only adds protection; a new proposer waits, so the guardians can object first.
        if (bit == _GUARDIAN_BIT) _grant(role, bit, account);
        else _scheduleRoleChange(role, account, true);
    }

    /// @inheritdoc IRoyaltyPool
    function revokeRole(bytes32 role, address account) external {
        _onlyAdmin();
        uint256 bit = _roleBit(role);
        // Removing a proposer only removes power; removing a guardian waits, so the guardians can object first.
        if (bit == _PROPOSER_BIT) _revoke(role, bit, account);
        else _scheduleRoleChange(role, account, false);
    }

    /// @inheritdoc IRoyaltyPool
    function applyRoleChange(bytes32 role, address account, bool grant) external {
        uint256 bit = _roleBit(role);
        bytes32 key = _roleChangeKey(role, account, grant);
        uint256 executableAt = _roleChanges[key];
        if (executableAt == 0 || block.timestamp < executableAt) {
            revert RoyaltyPoolRoleChangeNotReady(role, account, grant, executableAt);
        }
        delete _roleChanges[key];
        if (grant) _grant(role, bit, account);
        else _revoke(role, bit, account);
    }

    /// @inheritdoc IRoyaltyPool
    function cancelRoleChange(bytes32 role, address account, bool grant) external {
        _onlyGuardianOrAdmin();
        bytes32 key = _roleChangeKey(role, account, grant);
        if (_roleChanges[key] == 0) revert RoyaltyPoolRoleChangeNotReady(role, account, grant, 0);
        delete _roleChanges[key];
        emit RoleChangeCancelled(role, account, grant, msg.sender);
    }

    /// @inheritdoc IRoyaltyPool
    function roleChangeExecutableAt(
        bytes32 role,
        address account,
        bool grant
    ) external view returns (uint256) {
        return _roleChanges[_roleChangeKey(role, account, grant)];
    }

    /// @inheritdoc IRoyaltyPool
    function renounceRole(bytes32 role) external {
        _revoke(role, _roleBit(role), msg.sender);
    }

    /// @inheritdoc IRoyaltyPool
    function transferAdmin(address newAdmin) external {
        _onlyAdmin();
        if (newAdmin == msg.sender) revert RoyaltyPoolInvalidAdmin(newAdmin);
        _pendingAdmin = newAdmin;
        _adminAcceptableAt = newAdmin == address(0) ? 0 : block.timestamp + _config.activationDelay;
        emit AdminTransferStarted(msg.sender, newAdmin);
    }

    /// @inheritdoc IRoyaltyPool
    function cancelAdminTransfer() external {
        _onlyGuardianOrAdmin();
        if (_pendingAdmin == address(0)) revert RoyaltyPoolNotPendingAdmin(msg.sender, address(0));
        _pendingAdmin = address(0);
        _adminAcceptableAt = 0;
        emit AdminTransferStarted(_admin, address(0));
    }

    /// @inheritdoc IRoyaltyPool
    function acceptAdmin() external {
        address pending = _pendingAdmin;
        if (msg.sender != pending || pending == address(0))
            revert RoyaltyPoolNotPendingAdmin(msg.sender, pending);
        uint256 acceptableAt = _adminAcceptableAt;
        if (block.timestamp < acceptableAt) revert RoyaltyPoolAdminTransferNotReady(acceptableAt);
        _adminAcceptableAt = 0;
        address previous = _admin;
        _admin = pending;
        _pendingAdmin = address(0);
        emit AdminTransferred(previous, pending);
    }

    /// @inheritdoc IRoyaltyPool
    function hasRole(bytes32 role, address account) external view returns (bool) {
        if (role == DEFAULT_ADMIN_ROLE) return account == _admin && account != address(0);
        if (role == PROPOSER_ROLE) return (_roles[account] & _PROPOSER_BIT) != 0;
        if (role == GUARDIAN_ROLE) return (_roles[account] & _GUARDIAN_BIT) != 0;
        return false;
    }

    /// @inheritdoc IRoyaltyPool
    function admin() external view returns (address) {
        return _admin;
    }

    /// @inheritdoc IRoyaltyPool
    function pendingAdmin() external view returns (address) {
        return _pendingAdmin;
    }

    /// @inheritdoc IRoyaltyPool
    function adminAcceptableAt() external view returns (uint256) {
        return _adminAcceptableAt;
    }

    // ---------------------------------------------------------------- configuration

    /// @inheritdoc IRoyaltyPool
    function registry() external view returns (address) {
        return _registry();
    }

    /// @inheritdoc IRoyaltyPool
    function tokenAllowlist() external view returns (address[] memory) {
        return _tokenAllowlist();
    }

    /// @inheritdoc IRoyaltyPool
    function isTokenAllowed(address token) external view returns (bool) {
        return _isAllowed(token);
    }

    /// @inheritdoc IRoyaltyPool
    function activationDelay() external view returns (uint32) {
        return _config.activationDelay;
    }

    /// @inheritdoc IRoyaltyPool
    function claimWindow() external view returns (uint32) {
        return _config.claimWindow;
    }

    /// @inheritdoc IRoyaltyPool
    function paused() external view returns (bool) {
        return _header.paused;
    }

    // ---------------------------------------------------------------- internal

    function _depositToken(address token, uint256 amount, bytes32 memo) private {
        if (token == address(0)) revert RoyaltyPoolInvalidToken(token);
        if (amount == 0) revert RoyaltyPoolAmountZero();
        Header memory h = _header;
        if (h.paused) revert RoyaltyPoolDepositsPaused();
        // Before any call to the token: a hostile one cannot make the pool emit events or run its code.
        if (!_isAllowed(token)) revert RoyaltyPoolTokenNotAllowed(token);
        IERC20 erc20 = IERC20(token);
        // Credit what arrived, so fee-on-transfer tokens are exact.
        uint256 before = erc20.balanceOf(address(this));
        erc20.safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = erc20.balanceOf(address(this)) - before;
        if (received == 0) revert RoyaltyPoolAmountZero();
        uint256 scheduleId = _current(h);
        _credit(h, scheduleId, token, received);
        emit Deposited(msg.sender, token, scheduleId, received, memo);
    }

    function _depositETH(bytes32 memo) private {
        if (msg.value == 0) revert RoyaltyPoolAmountZero();
        Header memory h = _header;
        if (h.paused) revert RoyaltyPoolDepositsPaused();
        uint256 scheduleId = _current(h);
        _credit(h, scheduleId, address(0), msg.value);
        emit Deposited(msg.sender, address(0), scheduleId, msg.value, memo);
    }

    /// @dev Adds `amount` to the pot of the current schedule `scheduleId` (0 = unallocated) for `token`.
    function _credit(Header memory h, uint256 scheduleId, address token, uint256 amount) private {
        // The genesis schedule owns the unallocated pot (key 0), so deposits made before it flow in for free.
        // Same key as `_potKey` (the current schedule is never revoked), read from the header so that a
        // deposit reads no schedule slot.
        uint256 potKey = scheduleId == h.genesis ? 0 : scheduleId;
        Pot storage pot = _pots[potKey][token];
        // One read and one write of the packed slot (`deposited` in the low 128 bits): this is the deposit's
        // hot path, and the struct copy the compiler makes costs a few hundred gas more.
        uint256 word;
        assembly ("memory-safe") {
            word := sload(pot.slot)
        }
        uint256 deposited = (word & type(uint128).max) + amount;
        if (deposited > type(uint128).max) revert RoyaltyPoolPotOverflow(scheduleId, token, amount);
        uint256 potClaimed = word >> 128;
        // The current pot is never swept; a warmed one starts from nothing claimed.
        if (potClaimed == _WARM_MARK) potClaimed = 0;
        assembly ("memory-safe") {
            sstore(pot.slot, or(shl(128, potClaimed), deposited))
        }
    }

    function _isSwept(Pot memory p) private pure returns (bool) {
        return p.deposited == 0 && p.claimed == _SWEPT_MARK;
    }

    /// @dev The one pot-key rule: a schedule's pots live under key 0 if it owns the unallocated pot (proposed
    /// while none was active, and not revoked; a revoked one never owned it), else under its id.
    function _potKey(uint256 scheduleId, ScheduleMeta memory m) private pure returns (uint256) {
        return m.genesisPot && !m.revoked ? 0 : scheduleId;
    }

    /// @dev Number of (request, token) pairs: the most payouts a claim can need.
    function _tokenCount(ClaimRequest[] calldata requests) private pure returns (uint256 total) {
        for (uint256 i; i < requests.length; ++i) {
            total += requests[i].tokens.length;
        }
        if (total == 0) revert RoyaltyPoolEmptyClaim();
    }

    /// @dev Checks that `scheduleId` is active and the leaf `(accountId, shares)` is in its table, and returns the
    /// schedule's slot, read once and unpacked in place by the caller (`ScheduleMeta`'s layout, low bits
    /// first): the memory copy of the struct costs every claimed schedule about a hundred gas more.
    function _provenLeafSchedule(
        uint256 scheduleId,
        bytes32 accountId,
        uint256 shares,
        bytes32[] calldata proof
    ) private view returns (uint256 word) {
        ScheduleMeta storage meta = _meta[scheduleId];
        assembly ("memory-safe") {
            word := sload(meta.slot)
        }
        uint256 activatesAt = uint40(word >> 128);
        bool revoked = uint8(word >> 208) != 0;
        if (activatesAt == 0 || revoked || block.timestamp < activatesAt) {
            revert RoyaltyPoolScheduleNotActive(scheduleId);
        }
        if (_processProof(proof, _leaf(accountId, shares)) != _roots[scheduleId]) {
            revert RoyaltyPoolInvalidProof(scheduleId, accountId, shares);
        }
    }

    /// @dev One claim payout: ETH with bounded gas (`_payETH`), an ERC-20 by transfer.
    function _payOut(address payee, address token, uint256 amount) private {
        if (token == address(0)) {
            _payETH(payee, amount);
        } else {
            IERC20(token).safeTransfer(payee, amount);
        }
    }

    /// @dev Claims one token for a proven leaf of the schedule whose slot is `meta` (as `_provenLeafSchedule`
    /// returns it): records what is owed now and returns it (0 if nothing new), taken out of the folded total
    /// too if the schedule's pots were folded.
    function _claimOne(
        uint256 meta,
        uint256 scheduleId,
        bytes32 accountId,
        uint256 shares,
        address token
    ) private returns (uint256 amount) {
        // `_potKey` on the unpacked fields: not revoked (checked), so key 0 if it owns the genesis pot.
        uint256 potKey = uint8(meta >> 216) != 0 ? 0 : scheduleId;
        // The slot is hashed once and read and written as one word (`deposited` in the low 128 bits), as in
        // `_credit`: the struct copies the compiler makes hash it twice and cost a few hundred gas more.
        Pot storage pot = _pots[potKey][token];
        uint256 word;
        assembly ("memory-safe") {
            word := sload(pot.slot)
        }
        uint256 deposited = word & type(uint128).max;
        uint256 potClaimed = word >> 128;
        if (potClaimed > deposited) {
            if (potClaimed == _WARM_MARK) return 0; // warmed, nothing deposited yet
            revert RoyaltyPoolPotSwept(scheduleId, token);
        }
        bytes32 key = _claimKey(scheduleId, accountId, token);
        uint256 entitled = _entitled(deposited, shares, uint128(meta));
        uint256 paid = _claimed[key];
        // A pot only grows, so entitlement never falls below what was paid.
        if (entitled <= paid) return 0;
        unchecked {
            amount = entitled - paid; // entitled > paid checked above
        }
        uint256 newClaimed = potClaimed + amount;
        // Holds for every consistent table; protects the other schedules' money from an inconsistent one.
        if (newClaimed > deposited) revert RoyaltyPoolPotExceeded(scheduleId, token, amount);
        _claimed[key] = entitled;
        // newClaimed <= deposited < 2^128.
        assembly ("memory-safe") {
            sstore(pot.slot, or(shl(128, newClaimed), deposited))
        }
        // Superseded by an activated schedule: its pots may be folded. The current schedule's never are, so
        // its claims (the common case) read nothing more.
        uint256 supersededAt = uint40(meta >> 168);
        if (supersededAt != 0 && block.timestamp >= supersededAt) _unfold(scheduleId, token, amount);
    }

    /// @dev An account's entitlement to a pot: floor(deposited × shares / totalShares). `deposited` < 2^128
    /// and a consistent table's `shares` ≤ `totalShares` < 2^128, so the product fits and this equals
    /// `Math.mulDiv` for less gas; only a leaf of 2^128 shares or more (no consistent table has one) can
    /// overflow, and then the claim reverts.
    function _entitled(
        uint256 deposited,
        uint256 shares,
        uint256 totalShares
    ) private pure returns (uint256) {
        return (deposited * shares) / totalShares;
    }

    /// @dev Same result as OpenZeppelin `MerkleProof.processProofCalldata` (sorted pairs: `a < b ? keccak(a, b)
    /// : keccak(b, a)`, as in OZ `Hashes.commutativeKeccak256`), written in assembly because the compiled library
    /// loop costs ~150 gas more per level, ~3,000 gas on a depth-20 proof. Tests prove on-chain claims with
    /// proofs from the OpenZeppelin merkle-tree package.
    function _processProof(bytes32[] calldata proof, bytes32 leaf) private pure returns (bytes32 computed) {
        assembly ("memory-safe") {
            computed := leaf
            let ptr := proof.offset
            let end := add(ptr, shl(5, proof.length))
            // Two levels per turn (one test and one jump for both); an odd level first.
            if and(proof.length, 1) {
                // Smaller word first: computed goes to 0x20 when it is the larger one.
                let at := shl(5, gt(computed, calldataload(ptr)))
                mstore(at, computed)
                mstore(xor(at, 0x20), calldataload(ptr))
                computed := keccak256(0x00, 0x40)
                ptr := add(ptr, 0x20)
            }
            for {} lt(ptr, end) {} {
                let at := shl(5, gt(computed, calldataload(ptr)))
                mstore(at, computed)
                mstore(xor(at, 0x20), calldataload(ptr))
                computed := keccak256(0x00, 0x40)
                at := shl(5, gt(computed, calldataload(add(ptr, 0x20))))
                mstore(at, computed)
                mstore(xor(at, 0x20), calldataload(add(ptr, 0x20)))
                computed := keccak256(0x00, 0x40)
                ptr := add(ptr, 0x40)
            }
        }
    }

    /// @dev Credited and not yet claimed, over every pot of `token`: the folded total of the schedules below
    /// `f.upTo`, then key 0 (unallocated, later the genesis schedule's) unless folded and every later schedule's.
    /// Revoked schedules' pots are empty; swept ones count as empty.
    function _outstanding(
        Header memory h,
        address token,
        Folded memory f
    ) private view returns (uint256 total) {
        total = f.remainder;
        if (token == address(0)) total += _ethOwedTotal;
        uint256 from = f.upTo == 0 ? 1 : f.upTo;
        uint256 genesis = h.genesis;
        if (genesis == 0 || genesis >= from) total += _remainder(_pots[0][token]);
        uint256 count = h.count;
        for (uint256 id = from; id <= count; ++id) {
            if (id != genesis) total += _remainder(_pots[id][token]);
        }
    }

    /// @dev Adds to `_folded[token]` the pots of up to `maxSchedules` schedules below the current one not yet
    /// folded, and returns the new state. Each schedule is folded once per token, so the reads a `sync` saves
    /// later are paid once; `foldPotsOf` catches up a long backlog in parts.
    function _fold(Header memory h, address token, uint256 maxSchedules) private returns (Folded memory f) {
        f = _folded[token];
        uint256 from = f.upTo == 0 ? 1 : f.upTo;
        uint256 bound = _current(h);
        if (from >= bound) return f;
        if (bound - from > maxSchedules) bound = from + maxSchedules;
        if (from == bound) return f;
        uint256 total = f.remainder;
        uint256 genesis = h.genesis;
        for (uint256 id = from; id < bound; ++id) {
            total += _remainder(_pots[id == genesis ? 0 : id][token]);
        }
        f = Folded(uint216(total), uint40(bound));
        _folded[token] = f;
        emit PotsFolded(token, bound, total);
    }

    /// @dev `amount` left the pots of superseded schedule `scheduleId`: out of the folded total too if folded.
    function _unfold(uint256 scheduleId, address token, uint256 amount) private {
        Folded storage f = _folded[token];
        if (scheduleId < f.upTo) f.remainder -= uint216(amount);
    }

    function _remainder(Pot memory p) private pure returns (uint256) {
        return p.claimed > p.deposited ? 0 : uint256(p.deposited) - p.claimed;
    }

    /// @dev Sends a claim's ETH with bounded gas and no return data copied. A payee that reverts or runs out of
    /// gas cannot fail the batch: its amount is credited for it to `withdrawETH` (the claim stays recorded).
    function _payETH(address payee, uint256 amount) private {
        bool ok;
        assembly ("memory-safe") {
            ok := call(_ETH_PAYOUT_GAS, payee, amount, 0, 0, 0, 0)
        }
        if (ok) return;
        _ethOwed[payee] += amount;
        _ethOwedTotal += amount;
        emit EthCredited(payee, amount);
    }

    /// @dev The payee a claim pays now; reverts while an identity is unbound, its rebind is pending (a
    /// recovery in progress: paying the old wallet could send the money to a lost key) or its first binding is
    /// still cancellable (one attestor's word alone: it may be a rogue key's).
    function _claimPayee(bytes32 accountId) private view returns (address payee) {
        bool rebindPending;
        uint256 payableFrom;
        (payee, rebindPending, payableFrom) = _resolvePayee(accountId);
        if (payee == address(0)) revert RoyaltyPoolPayeeUnbound(accountId);
        if (rebindPending) revert RoyaltyPoolPayeeRebindPending(accountId);
        if (block.timestamp < payableFrom) revert RoyaltyPoolPayeeNotYetPayable(accountId, payableFrom);
    }

    /// @dev The payee of `accountId`, whether the registry has a rebind of it pending and from when it is payable.
    function _resolvePayee(
        bytes32 accountId
    ) private view returns (address payee, bool rebindPending, uint256 payableFrom) {
        // An accountId whose top 12 bytes are zero is an address and is paid directly.
        if (uint256(accountId) >> 160 == 0) return (address(uint160(uint256(accountId))), false, 0);
        address registry_ = _registry();
        bytes4 selector = IIdentityRegistry.bindingOf.selector;
        // `IIdentityRegistry(registry_).bindingOf(accountId)` with the three fixed-size words read straight from
        // free memory (not allocated): the compiled call also checks the code size and decodes through memory
        // it allocates, several hundred gas on every identity claim.
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, selector)
            mstore(add(m, 0x04), accountId)
            // Arguments run right to left: the call happens before returndatasize is read.
            if iszero(and(gt(returndatasize(), 0x5f), staticcall(gas(), registry_, m, 0x24, m, 0x60))) {
                returndatacopy(m, 0, returndatasize())
                revert(m, returndatasize())
            }
            payee := and(mload(m), 0xffffffffffffffffffffffffffffffffffffffff)
            rebindPending := iszero(iszero(mload(add(m, 0x20))))
            payableFrom := mload(add(m, 0x40))
        }
    }

    /// @dev The registry, an immutable argument the factory appends to the clone's code (20 bytes after the
    /// 45-byte EIP-1167 proxy). Reading this clone's own, already warm, code costs ~100 gas where a cold storage
    /// slot costs 2,100 on every identity claim. (CODECOPY would read the implementation's code: this runs in a
    /// delegatecall.)
    function _registry() private view returns (address registry_) {
        assembly ("memory-safe") {
            mstore(0x00, 0)
            extcodecopy(address(), 0x00, _REGISTRY_ARG, 0x14)
            registry_ := shr(96, mload(0x00))
        }
    }

    /// @dev The token list in the clone's code (see `_TOKENS_ARG`), one word each, a partial last word
    /// zero-padded.
    function _tokenWords() private view returns (uint256[] memory words, uint256 bytesLength) {
        uint256 size;
        assembly ("memory-safe") {
            size := extcodesize(address())
        }
        bytesLength = size > _TOKENS_ARG ? size - _TOKENS_ARG : 0;
        words = new uint256[]((bytesLength + 31) >> 5);
        assembly ("memory-safe") {
            extcodecopy(address(), add(words, 0x20), _TOKENS_ARG, shl(5, mload(words)))
        }
    }

    function _tokenAllowlist() private view returns (address[] memory tokens) {
        (uint256[] memory words, ) = _tokenWords();
        tokens = new address[](words.length);
        for (uint256 i; i < words.length; ++i) {
            tokens[i] = address(uint160(words[i]));
        }
    }

    /// @dev The token list, refused unless it is whole words, each a non-zero address, none repeated, at most
    /// MAX_TOKENS (a clone made by hand could append anything).
    function _checkedTokenList() private view returns (address[] memory tokens) {
        (uint256[] memory words, uint256 bytesLength) = _tokenWords();
        uint256 n = words.length;
        if (n > MAX_TOKENS) {
            revert RoyaltyPoolInvalidTokenList(MAX_TOKENS, address(uint160(words[MAX_TOKENS])));
        }
        if (bytesLength % 32 != 0) revert RoyaltyPoolInvalidTokenList(n - 1, address(0));
        tokens = new address[](n);
        for (uint256 i; i < n; ++i) {
            uint256 word = words[i];
            if (word == 0 || word >> 160 != 0) revert RoyaltyPoolInvalidTokenList(i, address(uint160(word)));
            for (uint256 j; j < i; ++j) {
                if (words[j] == word) revert RoyaltyPoolInvalidTokenList(i, address(uint160(word)));
            }
            tokens[i] = address(uint160(word));
        }
    }

    /// @dev ETH, any token for a pool without a list, else a listed token. Reads the clone's own (warm) code:
    /// ~130 gas on a deposit without a list, ~25 more per listed token, and no storage slot.
    function _isAllowed(address token) private view returns (bool allowed) {
        if (token == address(0)) return true;
        assembly ("memory-safe") {
            let size := extcodesize(address())
            switch gt(size, _TOKENS_ARG)
            case 0 {
                allowed := 1
            }
            default {
                let m := mload(0x40)
                let len := sub(size, _TOKENS_ARG)
                extcodecopy(address(), m, _TOKENS_ARG, len)
                for {
                    let end := add(m, len)
                } lt(m, end) {
                    m := add(m, 0x20)
                } {
                    if eq(mload(m), token) {
                        allowed := 1
                        break
                    }
                }
            }
        }
    }

    function _grant(bytes32 role, uint256 bit, address account) private {
        if (account == address(0)) revert RoyaltyPoolInvalidRoleHolder(role, account);
        uint256 bits = _roles[account];
        if ((bits & bit) != 0) return;
        _roles[account] = bits | bit;
        emit RoleGranted(role, account, msg.sender);
    }

    function _revoke(bytes32 role, uint256 bit, address account) private {
        uint256 bits = _roles[account];
        if ((bits & bit) == 0) return;
        _roles[account] = bits & ~bit;
        emit RoleRevoked(role, account, msg.sender);
    }

    function _onlyAdmin() private view {
        if (msg.sender != _admin) revert RoyaltyPoolUnauthorized(msg.sender, DEFAULT_ADMIN_ROLE);
    }

    function _onlyGuardianOrAdmin() private view {
        if ((_roles[msg.sender] & _GUARDIAN_BIT) == 0 && msg.sender != _admin) {
            revert RoyaltyPoolUnauthorized(msg.sender, GUARDIAN_ROLE);
        }
    }

    /// @dev Records a role change that anyone may apply `activationDelay` seconds from now, unless a guardian
    /// or the admin cancels it first: the same time the guardians get to revoke a proposed schedule.
    function _scheduleRoleChange(bytes32 role, address account, bool grant) private {
        if (account == address(0)) revert RoyaltyPoolInvalidRoleHolder(role, account);
        uint256 executableAt = block.timestamp + _config.activationDelay;
        _roleChanges[_roleChangeKey(role, account, grant)] = executableAt;
        emit RoleChangeScheduled(role, account, grant, executableAt, msg.sender);
    }

    function _roleChangeKey(bytes32 role, address account, bool grant) private pure returns (bytes32) {
        return keccak256(abi.encode(role, account, grant));
    }

    function _roleBit(bytes32 role) private pure returns (uint256) {
        if (role == PROPOSER_ROLE) return _PROPOSER_BIT;
        if (role == GUARDIAN_ROLE) return _GUARDIAN_BIT;
        revert RoyaltyPoolUnknownRole(role);
    }

    function _current(Header memory h) private view returns (uint256) {
        if (h.latestActivatesAt != 0 && block.timestamp >= h.latestActivatesAt) return h.count;
        return h.previous;
    }

    function _pending(Header memory h) private view returns (bool) {
        return h.latestActivatesAt != 0 && block.timestamp < h.latestActivatesAt;
    }

    /// @dev keccak256(abi.encode(scheduleId, accountId, token)), hashed in free memory without allocating.
    function _claimKey(
        uint256 scheduleId,
        bytes32 accountId,
        address token
    ) private pure returns (bytes32 key) {
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, scheduleId)
            mstore(add(ptr, 0x20), accountId)
            mstore(add(ptr, 0x40), and(token, 0xffffffffffffffffffffffffffffffffffffffff))
            key := keccak256(ptr, 0x60)
        }
    }

    /// @dev The StandardMerkleTree leaf: keccak256(bytes.concat(keccak256(abi.encode(accountId, shares)))),
    /// hashed in scratch space.
    function _leaf(bytes32 accountId, uint256 shares) private pure returns (bytes32 leaf) {
        assembly ("memory-safe") {
            mstore(0x00, accountId)
            mstore(0x20, shares)
            mstore(0x00, keccak256(0x00, 0x40))
            leaf := keccak256(0x00, 0x20)
        }
    }
}
