// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title IRoyaltyPool
/// @notice A royalty pool takes deposits (ETH or ERC-20) and lets the accounts of an activated share table
/// ("schedule") pull their part. Deposits cost O(1) gas whatever the number of recipients; claims are proven
/// against the schedule's Merkle root (OpenZeppelin `StandardMerkleTree`, leaf types `["bytes32","uint256"]`).
/// @dev `address(0)` stands for ETH wherever a token address is taken. Schedule ids start at 1; id 0 means
/// "no schedule". Amounts per (schedule, token) are stored as uint128.
///
/// Roles (every change that could let one key take money waits `activationDelay` and guardians can cancel it):
/// - admin (one address, two-step transfer that waits `activationDelay`): grants GUARDIAN and revokes PROPOSER at
///   once; grants PROPOSER and revokes GUARDIAN after `activationDelay`; revokes pending schedules, pauses and is
///   the only one who can unpause deposits. It cannot move deposited money.
/// - PROPOSER: proposes schedules; a proposal activates after `activationDelay` unless revoked.
/// - GUARDIAN: revokes a pending schedule, pauses deposits, cancels pending role changes and admin transfers.
/// Nobody can move deposited money except by the rules of claim and sweep.
interface IRoyaltyPool {
    // ---------------------------------------------------------------- types

    /// @notice One claim: an account's leaf in one schedule and the tokens to claim for it.
    /// @param scheduleId Activated schedule the leaf belongs to.
    /// @param accountId Address in the low 20 bytes (top 12 bytes zero) or keccak256 of an identity string.
    /// @param shares The account's shares in that schedule's table.
    /// @param proof Merkle proof of the leaf `(accountId, shares)` against the schedule's root.
    /// @param tokens Tokens to claim (`address(0)` = ETH); each at most once per request.
    struct ClaimRequest {
        uint256 scheduleId;
        bytes32 accountId;
        uint256 shares;
        bytes32[] proof;
        address[] tokens;
    }

    /// @notice A schedule as stored on-chain (the table, policy and inputs hashes and the uri live in the
    /// `ScheduleProposed` event).
    /// @param root Merkle root of the share table.
    /// @param totalShares Sum of all shares in the table.
    /// @param activatesAt Time from which the schedule is active (0 = no such schedule).
    /// @param supersededAt Time at which the next schedule activates (0 = not superseded, or not yet known).
    /// @param revoked Whether a GUARDIAN or the admin revoked the schedule while it was pending.
    struct Schedule {
        bytes32 root;
        uint256 totalShares;
        uint64 activatesAt;
        uint64 supersededAt;
        bool revoked;
    }

    // ---------------------------------------------------------------- errors

    /// @notice `initialize` was called on an initialized pool or on the implementation.
    error RoyaltyPoolAlreadyInitialized();
    /// @notice The admin given to `initialize` or `transferAdmin` is not acceptable.
    error RoyaltyPoolInvalidAdmin(address admin);
    /// @notice `activationDelay` is below MIN_ACTIVATION_DELAY: guardians would have no time to revoke a proposal.
    error RoyaltyPoolActivationDelayTooShort(uint256 activationDelay, uint256 minimum);
    /// @notice `claimWindow` is below MIN_CLAIM_WINDOW: payees of a superseded schedule would have no time to claim.
    error RoyaltyPoolClaimWindowTooShort(uint256 claimWindow, uint256 minimum);
    /// @notice The identity registry given to `initialize` is the zero address, or not the one the factory put in
    /// the clone's code.
    error RoyaltyPoolInvalidRegistry(address registry);
    /// @notice A role holder given to `initialize` or `grantRole` is the zero address.
    error RoyaltyPoolInvalidRoleHolder(bytes32 role, address account);
    /// @notice The role is not one of PROPOSER_ROLE or GUARDIAN_ROLE.
    error RoyaltyPoolUnknownRole(bytes32 role);
    /// @notice The caller lacks the role needed (`bytes32(0)` = admin).
    error RoyaltyPoolUnauthorized(address caller, bytes32 role);
    /// @notice `acceptAdmin` was called by someone other than the pending admin (or no transfer is pending).
    error RoyaltyPoolNotPendingAdmin(address caller, address pendingAdmin);
    /// @notice The pending admin may accept only from `acceptableAt` (`activationDelay` after the transfer began).
    error RoyaltyPoolAdminTransferNotReady(uint256 acceptableAt);
    /// @notice No such role change is scheduled (`executableAt` 0), or it is not due yet.
    error RoyaltyPoolRoleChangeNotReady(bytes32 role, address account, bool grant, uint256 executableAt);

    /// @notice A deposit of zero, or a deposit that credited nothing (e.g. a token that took 100% fee).
    error RoyaltyPoolAmountZero();
    /// @notice `deposit` was given `address(0)`; ETH goes through `depositETH`.
    error RoyaltyPoolInvalidToken(address token);
    /// @notice The pool accepts only the ERC-20s listed at its creation (`tokenAllowlist`) and `token` is not one.
    error RoyaltyPoolTokenNotAllowed(address token);
    /// @notice The token list at creation has more than MAX_TOKENS entries, or entry `index` is
    /// address(0) or repeats an earlier one.
    error RoyaltyPoolInvalidTokenList(uint256 index, address token);
    /// @notice Deposits are paused by a GUARDIAN or the admin.
    error RoyaltyPoolDepositsPaused();
    /// @notice Crediting `amount` would take the pot of (schedule, token) above 2^128 - 1.
    error RoyaltyPoolPotOverflow(uint256 scheduleId, address token, uint256 amount);
    /// @notice `sync` found no uncredited balance of `token`.
    error RoyaltyPoolNothingToSync(address token);
    /// @notice `pause` was called while paused, or `unpause` while not paused.
    error RoyaltyPoolPauseUnchanged(bool paused);

    /// @notice The schedule's root is zero or its totalShares is zero or above 2^128 - 1.
    error RoyaltyPoolInvalidSchedule(bytes32 root, uint256 totalShares);
    /// @notice A schedule is already pending; at most one may be.
    error RoyaltyPoolSchedulePending(uint256 pendingScheduleId);
    /// @notice The schedule is not pending (unknown, already active, or already revoked).
    error RoyaltyPoolScheduleNotPending(uint256 scheduleId);
    /// @notice The schedule is not active (unknown, pending, or revoked).
    error RoyaltyPoolScheduleNotActive(uint256 scheduleId);

    /// @notice The call names no token at all: no requests, or every request has an empty token list.
    /// (A single request with no tokens beside others that have tokens is allowed and pays nothing.)
    error RoyaltyPoolEmptyClaim();
    /// @notice The proof does not prove `(accountId, shares)` in the schedule's table.
    error RoyaltyPoolInvalidProof(uint256 scheduleId, bytes32 accountId, uint256 shares);
    /// @notice The identity has no payee in the registry yet; its money waits until it is bound.
    error RoyaltyPoolPayeeUnbound(bytes32 accountId);
    /// @notice The identity's binding is being moved by an attestor (a pending rebind, e.g. a lost-key
    /// recovery); its money waits until the rebind is finalized (then goes to the new wallet) or cancelled.
    error RoyaltyPoolPayeeRebindPending(bytes32 accountId);
    /// @notice The identity's first binding is still in its cancellable window (the registry's `BINDING_DELAY`);
    /// its money waits until `payableFrom`.
    error RoyaltyPoolPayeeNotYetPayable(bytes32 accountId, uint256 payableFrom);
    /// @notice The unclaimed remainder of (schedule, token) was swept into a later schedule.
    error RoyaltyPoolPotSwept(uint256 scheduleId, address token);
    /// @notice Paying `amount` would take the claims of (schedule, token) above its pot (an inconsistent table).
    error RoyaltyPoolPotExceeded(uint256 scheduleId, address token, uint256 amount);
    /// @notice `withdrawETH` could not send the ETH to `to`; nothing was withdrawn.
    error RoyaltyPoolEthTransferFailed(address to, uint256 amount);
    /// @notice `withdrawETH` was called by an address the pool owes no ETH.
    error RoyaltyPoolNothingOwed(address payee);
    /// @notice `withdrawETH` was given the zero address.
    error RoyaltyPoolInvalidRecipient(address to);

    /// @notice The pot of (schedule, token) holds nothing unclaimed (or never held `token`): a sweep would move
    /// nothing.
    error RoyaltyPoolNothingToSweep(uint256 scheduleId, address token);
    /// @notice The schedule cannot be swept yet: not superseded, or its claim window has not passed.
    /// @param sweepableAt First time a sweep is allowed (0 = not superseded).
    error RoyaltyPoolSweepTooEarly(uint256 scheduleId, uint256 sweepableAt);

    // ---------------------------------------------------------------- events

    /// @notice The pool was initialized (emitted once, by the clone).
    event PoolInitialized(
        address indexed admin,
        address indexed registry,
        uint32 activationDelay,
        uint32 claimWindow
    );

    /// @notice The pool accepts deposits (and `sync`) of these ERC-20s only, and ETH (emitted once, at
    /// initialization, only for a non-empty list: without it every token is accepted).
    event TokensAllowed(address[] tokens);

    /// @notice The `token` pots of every schedule below `upTo` are summed in the token's folded total, `remainder`
    /// at the time (claims and sweeps of those schedules subtract from it afterwards).
    event PotsFolded(address indexed token, uint256 upTo, uint256 remainder);

    /// @notice `amount` of `token` was credited to the pot of `scheduleId` (0 = unallocated, waiting for the
    /// first schedule). `amount` is what the pool actually received.
    event Deposited(
        address indexed payer,
        address indexed token,
        uint256 indexed scheduleId,
        uint256 amount,
        bytes32 memo
    );
    /// @notice `amount` of `token`, sent to the pool by plain transfer, was credited to `scheduleId`'s pot.
    event Synced(address indexed caller, address indexed token, uint256 indexed scheduleId, uint256 amount);

    /// @notice A schedule was proposed; it activates at `activatesAt` unless revoked first.
    event ScheduleProposed(
        uint256 indexed scheduleId,
        address indexed proposer,
        bytes32 root,
        uint256 totalShares,
        bytes32 tableHash,
        bytes32 policyHash,
        bytes32 inputsHash,
        string uri,
        uint64 activatesAt
    );
    /// @notice A pending schedule was revoked; it never activates.
    event ScheduleRevoked(uint256 indexed scheduleId, address indexed revoker);

    /// @notice `amount` of `token` owed to `accountId` under `scheduleId` was paid to `payee`.
    /// One transfer per (payee, token) per call carries the sum of these amounts.
    event Claimed(
        bytes32 indexed accountId,
        address indexed payee,
        address indexed token,
        uint256 scheduleId,
        uint256 amount
    );

    /// @notice A claim's ETH payout to `payee` failed (it reverted or used more than the payout gas); the pool
    /// holds `amount` for it until it calls `withdrawETH`. The matching `Claimed` events stand.
    event EthCredited(address indexed payee, uint256 amount);
    /// @notice `payee` withdrew `amount` of ETH credited to it, sending it to `to`.
    event EthWithdrawn(address indexed payee, address indexed to, uint256 amount);

    /// @notice The unclaimed remainder `amount` of `token` in `scheduleId` moved into `intoScheduleId`'s pot.
    event Swept(
        uint256 indexed scheduleId,
        address indexed token,
        uint256 indexed intoScheduleId,
        uint256 amount,
        address caller
    );

    /// @notice Deposits were paused.
    event DepositsPaused(address indexed by);
    /// @notice Deposits were unpaused.
    event DepositsUnpaused(address indexed by);

    /// @notice `account` was granted `role` by `sender` (same signature as OpenZeppelin AccessControl).
    event RoleGranted(bytes32 indexed role, address indexed account, address indexed sender);
    /// @notice `account` lost `role`; `sender` revoked it or renounced it (same as OpenZeppelin AccessControl).
    event RoleRevoked(bytes32 indexed role, address indexed account, address indexed sender);
    /// @notice The admin asked to grant (`grant`) or revoke `role` for `account`; anyone may apply it with
    /// `applyRoleChange` from `executableAt` unless a guardian or the admin cancels it first.
    event RoleChangeScheduled(
        bytes32 indexed role,
        address indexed account,
        bool grant,
        uint256 executableAt,
        address indexed sender
    );
    /// @notice A scheduled role change was cancelled by `by` (a guardian or the admin).
    event RoleChangeCancelled(bytes32 indexed role, address indexed account, bool grant, address indexed by);
    /// @notice The admin started a transfer of the admin role to `pendingAdmin` (zero = cancelled, by the admin
    /// or a guardian); the new admin may accept `activationDelay` seconds later (`adminAcceptableAt`).
    event AdminTransferStarted(address indexed admin, address indexed pendingAdmin);
    /// @notice The admin role moved from `previousAdmin` to `newAdmin`.
    event AdminTransferred(address indexed previousAdmin, address indexed newAdmin);

    // ---------------------------------------------------------------- setup

    /// @notice Configures a fresh clone; the factory calls it in the same transaction that creates the clone.
    /// The implementation contract is locked and cannot be initialized.
    /// @param admin Holder of the admin role (must be non-zero).
    /// @param registry Identity registry used to find payees of identity accountIds (immutable for the pool).
    /// @param activationDelay Seconds between a proposal and its activation (fixed for the pool; at least
    /// MIN_ACTIVATION_DELAY).
    /// @param claimWindow Seconds after supersession before a schedule's remainder may be swept (fixed; at least
    /// MIN_CLAIM_WINDOW).
    /// @param proposers Initial PROPOSER_ROLE holders.
    /// @param guardians Initial GUARDIAN_ROLE holders.
    function initialize(
        address admin,
        address registry,
        uint32 activationDelay,
        uint32 claimWindow,
        address[] calldata proposers,
        address[] calldata guardians
    ) external;

    // ---------------------------------------------------------------- deposits

    /// @notice Deposits `amount` of ERC-20 `token` (approve first) into the current schedule's pot, or the
    /// unallocated pot before any schedule is active. Credits what the pool actually received.
    /// @dev Reverts when paused, when nothing is credited, or when the pot would exceed 2^128 - 1.
    function deposit(address token, uint256 amount, bytes32 memo) external;

    /// @notice Like `deposit`, but first tries an EIP-2612 permit so no separate approve is needed. A failing
    /// permit is ignored (someone may have front-run it); the transfer then needs an existing allowance.
    function depositWithPermit(
        address token,
        uint256 amount,
        bytes32 memo,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external;

    /// @notice Deposits `msg.value` ETH into the current schedule's pot (or the unallocated pot).
    function depositETH(bytes32 memo) external payable;

    /// @notice Credits the part of the pool's `token` balance that no deposit accounted for (tokens sent by
    /// plain transfer; for `address(0)`, ETH forced in without a call) to the current schedule's pot. Anyone
    /// may call it.
    /// @dev First folds the token's pots of the schedules superseded since its last fold into one per-token
    /// total (one storage read each, once per schedule and token: `PotsFolded`), then reads the total and the
    /// pots of the schedules since, so its cost does not grow with the schedules before the last fold.
    function sync(address token) external;

    /// @notice Folds the `token` pots of up to `maxSchedules` superseded schedules not yet folded into the
    /// token's total, as `sync` does for all of them: for a pool so old that folding everything at once would
    /// not fit in a block. Anyone may call it; it moves no money.
    function foldPotsOf(address token, uint256 maxSchedules) external;

    /// @notice GUARDIAN or admin: stops deposits, `depositETH`, plain ETH transfers and `sync`.
    /// Claims and sweeps continue.
    function pause() external;

    /// @notice Admin only: resumes deposits. (A guardian can stop deposits fast; only the admin, usually the
    /// consortium multisig, decides that it is safe to resume.)
    function unpause() external;

    // ---------------------------------------------------------------- schedules

    /// @notice PROPOSER: proposes a share table. It activates `activationDelay` seconds from now unless a
    /// GUARDIAN or the admin revokes it first. At most one schedule is pending at a time.
    /// @param root Merkle root (OpenZeppelin StandardMerkleTree, leaves `(bytes32 accountId, uint256 shares)`).
    /// @param totalShares Sum of shares in the table (1 .. 2^128 - 1).
    /// @param tableHash Hash of the canonical share table file (recorded in the event).
    /// @param policyHash Canonical hash of the weight policy (recorded in the event).
    /// @param inputsHash Hash of the attribution inputs (recorded in the event).
    /// @param uri Where the table can be fetched (recorded in the event).
    /// @return scheduleId The new schedule's id.
    function proposeSchedule(
        bytes32 root,
        uint256 totalShares,
        bytes32 tableHash,
        bytes32 policyHash,
        bytes32 inputsHash,
        string calldata uri
    ) external returns (uint256 scheduleId);

    /// @notice Anyone (usually the proposer, right after proposing): pre-writes the pending schedule's empty pots of
    /// `tokens` (`address(0)` = ETH) so that the first deposit of each after activation updates a storage slot
    /// instead of creating one (about 17,000 gas less for whoever pays first). Changes no amount; skips pots that
    /// already hold money. Reverts with `RoyaltyPoolScheduleNotPending` when no schedule is pending.
    function warmPots(address[] calldata tokens) external;

    /// @notice GUARDIAN or admin: revokes the pending schedule `scheduleId` before it activates.
    function revokeSchedule(uint256 scheduleId) external;

    /// @notice The schedule deposits currently flow into (0 = none active yet: the unallocated pot).
    function currentScheduleId() external view returns (uint256);

    /// @notice The pending schedule (0 = none).
    function pendingScheduleId() external view returns (uint256);

    /// @notice Number of schedules ever proposed (ids run from 1 to this).
    function scheduleCount() external view returns (uint256);

    /// @notice The stored state of `scheduleId` (all zero for an unknown id).
    function scheduleOf(uint256 scheduleId) external view returns (Schedule memory);

    // ---------------------------------------------------------------- claims

    /// @notice Claims for every request and token, paying each payee one transfer per token. Anyone may
    /// submit; the money goes only to each account's payee (the address itself, or the registry's payee of
    /// the identity). Claims are never paused.
    /// @dev Reverts as a whole if any proof is invalid, any schedule is not active, any pot was swept or any
    /// identity is unbound or has a pending rebind in the registry. ETH is sent with 300,000 gas; a payee
    /// that reverts or needs more does not fail the claim: its ETH is credited to it (`EthCredited`) and it
    /// takes it with `withdrawETH`. ERC-20 payouts that fail revert the claim (the money waits).
    function claim(ClaimRequest[] calldata requests) external;

    /// @notice `claim` of one request for one token: the same checks, effects, events and payout, for about
    /// 2,400 gas less (no batch to decode, no payout book). The common claim — one leaf of one schedule,
    /// one token — and the call the SDK and the server's claim transactions use for it.
    /// @dev Named so its selector (0x0d959f82) comes first in the pool's linear dispatcher, which saves a
    /// few hundred gas more on every call.
    function claimOneLeaf(
        uint256 scheduleId,
        bytes32 accountId,
        uint256 shares,
        address token,
        bytes32[] calldata proof
    ) external;

    /// @notice Sends the caller's ETH credited by failed claim payouts (`ethOwedTo(msg.sender)`) to `to`, with
    /// all remaining gas.
    function withdrawETH(address to) external;

    /// @notice ETH credited to `payee` by claim payouts it did not take, waiting for `withdrawETH`.
    function ethOwedTo(address payee) external view returns (uint256);

    /// @notice What `claim` would pay now for the leaf `(accountId, shares)` of `scheduleId` in `token`.
    /// Does not check a proof; returns 0 for an inactive schedule or a swept pot.
    function claimable(
        uint256 scheduleId,
        bytes32 accountId,
        uint256 shares,
        address token
    ) external view returns (uint256);

    /// @notice Amount of `token` already paid to `accountId` under `scheduleId`.
    function claimed(uint256 scheduleId, bytes32 accountId, address token) external view returns (uint256);

    /// @notice The pot of (schedule, token): everything credited and the total already claimed (0, 0 once swept).
    /// `scheduleId` 0 is the unallocated pot before the first schedule activates; the schedule proposed while
    /// none was active reports that pot as its own unless it was revoked (a revoked schedule's pot is empty).
    /// `claimable`, `claim`, `sweep` and `isSwept` use the same pot.
    function potOf(
        uint256 scheduleId,
        address token
    ) external view returns (uint256 deposited, uint256 claimed);

    /// @notice Whether the remainder of (schedule, token) was swept.
    function isSwept(uint256 scheduleId, address token) external view returns (bool);

    /// @notice `token` the pool holds by its accounting: credited and not yet claimed, over all pots (for ETH,
    /// plus the ETH credited to payees and not yet withdrawn).
    /// @dev Reads the token's folded total and one pot per schedule since its last fold (`sync`, `foldPotsOf`).
    function reserveOf(address token) external view returns (uint256);

    /// @notice Who gets paid for `accountId` (address(0) = an identity that is not bound yet). While the
    /// registry has a rebind of the identity pending, claims for it revert instead (`RoyaltyPoolPayeeRebindPending`),
    /// and so do they while its first binding is in its cancellable window (`RoyaltyPoolPayeeNotYetPayable`).
    function payeeOf(bytes32 accountId) external view returns (address);

    // ---------------------------------------------------------------- recycling

    /// @notice Anyone: after `scheduleId` was superseded and `claimWindow` seconds have passed since, moves
    /// its unclaimed remainder of `token` into the current schedule's pot. Later claims on it revert.
    /// Reverts with `RoyaltyPoolNothingToSweep` when the remainder is 0 (nothing is written or emitted).
    function sweep(uint256 scheduleId, address token) external;

    // ---------------------------------------------------------------- roles

    /// @notice Admin: gives `role` to `account`: GUARDIAN_ROLE at once (it only adds protection), PROPOSER_ROLE
    /// only after `activationDelay` (`RoleChangeScheduled`, then `applyRoleChange`), so that an admin key alone
    /// cannot make itself proposer before the guardians can cancel it. Initial roles (`initialize`) are immediate.
    function grantRole(bytes32 role, address account) external;

    /// @notice Admin: takes `role` from `account`: PROPOSER_ROLE at once, GUARDIAN_ROLE only after
    /// `activationDelay` (scheduled like a proposer grant), so an admin key cannot silence the guardians first.
    function revokeRole(bytes32 role, address account) external;

    /// @notice Anyone: applies a role change scheduled by `grantRole`/`revokeRole` once its delay has passed.
    function applyRoleChange(bytes32 role, address account, bool grant) external;

    /// @notice GUARDIAN or admin: cancels a scheduled role change.
    function cancelRoleChange(bytes32 role, address account, bool grant) external;

    /// @notice When a scheduled role change may be applied (0 = none scheduled).
    function roleChangeExecutableAt(
        bytes32 role,
        address account,
        bool grant
    ) external view returns (uint256);

    /// @notice A holder gives up its own `role`.
    function renounceRole(bytes32 role) external;

    /// @notice Admin: starts moving the admin role to `newAdmin`, who may accept `activationDelay` seconds later.
    /// Zero cancels a pending move.
    function transferAdmin(address newAdmin) external;

    /// @notice GUARDIAN or admin: cancels a pending admin transfer.
    function cancelAdminTransfer() external;

    /// @notice The pending admin accepts the admin role, from `adminAcceptableAt()` on.
    function acceptAdmin() external;

    /// @notice When the pending admin may accept (0 = no transfer pending).
    function adminAcceptableAt() external view returns (uint256);

    /// @notice keccak256("PROPOSER_ROLE"), as in OpenZeppelin AccessControl.
    function PROPOSER_ROLE() external view returns (bytes32);

    /// @notice keccak256("GUARDIAN_ROLE").
    function GUARDIAN_ROLE() external view returns (bytes32);

    /// @notice bytes32(0): stands for the admin in `hasRole` and in `RoyaltyPoolUnauthorized`.
    function DEFAULT_ADMIN_ROLE() external view returns (bytes32);

    /// @notice Whether `account` holds `role` (`DEFAULT_ADMIN_ROLE` = bytes32(0) is the admin).
    function hasRole(bytes32 role, address account) external view returns (bool);

    /// @notice The current admin.
    function admin() external view returns (address);

    /// @notice The admin-to-be while a transfer is pending (0 = none).
    function pendingAdmin() external view returns (address);

    // ---------------------------------------------------------------- configuration

    /// @notice The identity registry that maps identity accountIds to payees.
    function registry() external view returns (address);

    /// @notice Most ERC-20s a pool's token list may hold (each adds a comparison to every ERC-20 deposit).
    // solhint-disable-next-line func-name-mixedcase
    function MAX_TOKENS() external view returns (uint256);

    /// @notice The ERC-20s this pool accepts, fixed at creation (`PoolFactory.createPoolWithTokens`); empty means
    /// every ERC-20. ETH is always accepted. Deposits and `sync` of any other token revert
    /// (`RoyaltyPoolTokenNotAllowed`), so a hostile token cannot make the pool emit `Deposited` or `Synced`.
    function tokenAllowlist() external view returns (address[] memory);

    /// @notice Whether deposits of `token` are accepted (address(0), ETH, always is).
    function isTokenAllowed(address token) external view returns (bool);

    /// @notice Lower bound of `activationDelay` (1 hour): the least time guardians get to revoke a proposal.
    // solhint-disable-next-line func-name-mixedcase
    function MIN_ACTIVATION_DELAY() external view returns (uint32);

    /// @notice Lower bound of `claimWindow` (1 day): the least time payees of a superseded schedule get to claim.
    // solhint-disable-next-line func-name-mixedcase
    function MIN_CLAIM_WINDOW() external view returns (uint32);

    /// @notice Seconds between proposal and activation of a schedule.
    function activationDelay() external view returns (uint32);

    /// @notice Seconds after a schedule is superseded before its remainder may be swept.
    function claimWindow() external view returns (uint32);

    /// @notice Whether deposits are paused.
    function paused() external view returns (bool);
}
