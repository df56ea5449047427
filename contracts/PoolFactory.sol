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
        pool = Clones.cloneWithImmutableArgs(implementation, _cloneArgs(config.registry));
        _initialize(pool, config, bytes32(0));
    }

    /// @inheritdoc IPoolFactory
    function createPoolDeterministic(
        PoolConfig calldata config,
        bytes32 salt
    ) external returns (address pool) {
        pool = Clones.cloneDeterministicWithImmutableArgs(
            implementation,
            _cloneArgs(config.registry),
            _saltOf(msg.sender, salt)
        );
        _initialize(pool, config, salt);
    }

    /// @inheritdoc IPoolFactory
    function predictPoolAddress(
        address creator,
        address registry,
        bytes32 salt
    ) external view returns (address) {
        return
            Clones.predictDeterministicAddressWithImmutableArgs(
                implementation,
                _cloneArgs(registry),
                _saltOf(creator, salt)
            );
    }

    function _initialize(address pool, PoolConfig calldata config, bytes32 salt) private {
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
    }

    /// @dev The registry travels in the clone's code, where a claim reads it for ~100 gas instead of a cold
    /// storage slot (2,100): see `RoyaltyPool._registry`.
    function _cloneArgs(address registry) private pure returns (bytes memory) {
        return abi.encodePacked(registry);
    }

    function _saltOf(address creator, bytes32 salt) private pure returns (bytes32) {
        return keccak256(abi.encode(creator, salt));
    }
}
