// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title IPoolFactory
/// @notice Creates configured royalty pools as EIP-1167 minimal proxies of one locked implementation.
/// The factory has no owner and no privileged function; it stores no list of pools (indexers read
/// `PoolCreated`).
interface IPoolFactory {
    /// @notice Everything a new pool is configured with.
    /// @param admin Pool admin (two-step transferable), e.g. the consortium multisig.
    /// @param registry Identity registry used by the pool to find payees of identity accountIds.
    /// @param activationDelay Seconds between a schedule proposal and its activation (at least the pool's
    /// MIN_ACTIVATION_DELAY, or `createPool` reverts with `RoyaltyPoolActivationDelayTooShort`).
    /// @param claimWindow Seconds after a schedule is superseded before its remainder may be swept (at least
    /// MIN_CLAIM_WINDOW, or `RoyaltyPoolClaimWindowTooShort`).
    /// @param proposers Initial PROPOSER_ROLE holders.
    /// @param guardians Initial GUARDIAN_ROLE holders.
    struct PoolConfig {
        address admin;
        address registry;
        uint32 activationDelay;
        uint32 claimWindow;
        address[] proposers;
        address[] guardians;
    }

    /// @notice A pool was created and initialized with `config`.
    /// @param salt The caller's salt for deterministic pools (the clone's CREATE2 salt is
    /// keccak256(creator, salt)); zero for `createPool`.
    event PoolCreated(
        address indexed pool,
        address indexed creator,
        address indexed admin,
        address registry,
        uint32 activationDelay,
        uint32 claimWindow,
        address[] proposers,
        address[] guardians,
        bytes32 salt
    );

    /// @notice The pool implementation every clone delegates to (locked: it cannot be initialized).
    function implementation() external view returns (address);

    /// @notice Creates and initializes a pool at a fresh address.
    function createPool(PoolConfig calldata config) external returns (address pool);

    /// @notice Creates and initializes a pool at `predictPoolAddress(msg.sender, config.registry, salt)`. Mixing the caller
    /// into the salt stops others from taking the address first.
    function createPoolDeterministic(
        PoolConfig calldata config,
        bytes32 salt
    ) external returns (address pool);

    /// @notice The address `createPoolDeterministic` gives `creator` for a pool of `registry` and `salt` (the
    /// registry is part of the clone's code, so of its address).
    function predictPoolAddress(
        address creator,
        address registry,
        bytes32 salt
    ) external view returns (address);
}
