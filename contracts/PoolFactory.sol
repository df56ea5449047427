// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";

import {IPoolFactory} from "./interfaces/IPoolFactory.sol";
import {IRoyaltyPool} from "./interfaces/IRoyaltyPool.sol";
import {RoyaltyPool} from "./RoyaltyPool.sol";

/// @title PoolFactory
/// @notice Creates royalty pools as EIP-1167 clones of one locked `RoyaltyPool` implementation (the pool's
/// registry appended to the clone's code as an immutable argument) and initializes
/// them in the same transaction, so nobody can initialize a pool before its creator.
/// @dev No owner, no stored list of pools: indexers read `PoolCreated`.
contract PoolFactory is IPoolFactory {
    /// @inheritdoc IPoolFactory
    // The getter's name is part of IPoolFactory.
    // solhint-disable-next-line immutable-vars-naming
    address public immutable implementation;

    /// @dev Deploys the implementation (its constructor locks it).
    constructor() {
        implementation = address(new RoyaltyPool());
    }

    /// @inheritdoc IPoolFactory
    function createPool(PoolConfig calldata config) external returns (address pool) {
        pool = Clones.cloneWithImmutableArgs(implementation, _cloneArgs(config.registry, _noTokens()));
        _initialize(pool, config, _noTokens(), bytes32(0));
    }

    /// @inheritdoc IPoolFactory
    function createPoolWithTokens(
        PoolConfig calldata config,
        address[] calldata tokens
    ) external returns (address pool) {
        pool = Clones.cloneWithImmutableArgs(implementation, _cloneArgs(config.registry, tokens));
        _initialize(pool, config, tokens, bytes32(0));
    }

    /// @inheritdoc IPoolFactory
    function createPoolDeterministic(
        PoolConfig calldata config,
        bytes32 salt
    ) external returns (address pool) {
        pool = _cloneDeterministic(config.registry, _noTokens(), salt);
        _initialize(pool, config, _noTokens(), salt);
    }

    /// @inheritdoc IPoolFactory
    function createPoolDeterministicWithTokens(
        PoolConfig calldata config,
        address[] calldata tokens,
        bytes32 salt
    ) external returns (address pool) {
        pool = _cloneDeterministic(config.registry, tokens, salt);
        _initialize(pool, config, tokens, salt);
    }

    /// @inheritdoc IPoolFactory
    function predictPoolAddress(
        address creator,
        address registry,
        bytes32 salt
    ) external view returns (address) {
        return _predict(creator, registry, _noTokens(), salt);
    }

    /// @inheritdoc IPoolFactory
    function predictPoolAddressWithTokens(
        address creator,
        address registry,
        address[] calldata tokens,
        bytes32 salt
    ) external view returns (address) {
        return _predict(creator, registry, tokens, salt);
    }

    function _cloneDeterministic(
        address registry,
        address[] calldata tokens,
        bytes32 salt
    ) private returns (address) {
        return
            Clones.cloneDeterministicWithImmutableArgs(
                implementation,
                _cloneArgs(registry, tokens),
                _saltOf(msg.sender, salt)
            );
    }

    function _predict(
        address creator,
        address registry,
        address[] calldata tokens,
        bytes32 salt
    ) private view returns (address) {
        return
            Clones.predictDeterministicAddressWithImmutableArgs(
                implementation,
                _cloneArgs(registry, tokens),
                _saltOf(creator, salt)
            );
    }

    function _initialize(
        address pool,
        PoolConfig calldata config,
        address[] calldata tokens,
        bytes32 salt
    ) private {
        IRoyaltyPool(pool).initialize(
            config.admin,
            config.registry,
            config.activationDelay,
            config.claimWindow,
            config.proposers,
            config.guardians
        );
        emit PoolCreated(
            pool,
            msg.sender,
            config.admin,
            config.registry,
            config.activationDelay,
            config.claimWindow,
            config.proposers,
            config.guardians,
            salt
        );
        if (tokens.length != 0) emit PoolTokensAllowed(pool, tokens);
    }

    /// @dev The registry (20 bytes) and the token list (32 bytes a token, as `abi.encodePacked` pads array
    /// elements) travel in the clone's code, where a claim or a deposit reads them
    /// for ~100 gas instead of cold storage slots (2,100 each): see `RoyaltyPool._registry` and
    /// `RoyaltyPool._isAllowed`. The pool checks the list when it is initialized.
    function _cloneArgs(address registry, address[] calldata tokens) private pure returns (bytes memory) {
        return abi.encodePacked(registry, tokens);
    }

    /// @dev An empty calldata list (`createPool` and the other functions without a token list).
    function _noTokens() private pure returns (address[] calldata tokens) {
        assembly ("memory-safe") {
            tokens.offset := 0
            tokens.length := 0
        }
    }

    function _saltOf(address creator, bytes32 salt) private pure returns (bytes32) {
        return keccak256(abi.encode(creator, salt));
    }
}
