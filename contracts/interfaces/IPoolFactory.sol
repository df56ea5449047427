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

    /// @notice A pool created by `createPoolWithTokens` or `createPoolDeterministicWithTokens` accepts deposits
    /// of these ERC-20s only (and ETH). The pool emits `TokensAllowed(tokens)` too.
    event PoolTokensAllowed(address indexed pool, address[] tokens);

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

    /// @notice As `createPool`, for a pool that accepts deposits of `tokens` only (and ETH): at most the pool's
    /// MAX_TOKENS, none address(0), no repeats (else `RoyaltyPoolInvalidTokenList`). The list is part
    /// of the clone's code: fixed for the pool's life, nobody can change it. An empty list accepts every token.
    function createPoolWithTokens(
        PoolConfig calldata config,
        address[] calldata tokens
    ) external returns (address pool);

    /// @notice As `createPoolDeterministic`, with a token list as in `createPoolWithTokens`; the address is
    /// `predictPoolAddressWithTokens(msg.sender, config.registry, tokens, salt)`.
    function createPoolDeterministicWithTokens(
        PoolConfig calldata config,
        address[] calldata tokens,
        bytes32 salt
    ) external returns (address pool);

    /// @notice The address `createPoolDeterministicWithTokens` gives `creator` (the token list is part of the
    /// clone's code, so of its address).
    function predictPoolAddressWithTokens(
        address creator,
        address registry,
        address[] calldata tokens,
        bytes32 salt
    ) external view returns (address);

    /// @notice The address `createPoolDeterministic` gives `creator` for a pool of `registry` and `salt` (the
    /// registry is part of the clone's code, so of its address).
    function predictPoolAddress(
        address creator,
        address registry,
        bytes32 salt
    ) external view returns (address);
}
