// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {AccessControlDefaultAdminRules} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";

import {IIdentityRegistry} from "./interfaces/IIdentityRegistry.sol";

/// @title IdentityRegistry
/// @notice Binds identity accountIds to payee wallets on the word of attestors, with delayed, cancellable rebinds.
/// @dev Privileged powers, each in one sentence:
/// - DEFAULT_ADMIN (one account, two-step transfer after `defaultAdminDelay`): revokes ATTESTOR_ROLE at once, grants
///   it only `rebindDelay` after asking (cancellable by any attestor or the admin meanwhile), and sets `rebindDelay`
///   within [MIN_REBIND_DELAY, MAX_REBIND_DELAY], cancels first bindings within their window; it cannot bind or
///   move any identity itself.
/// - ATTESTOR: binds an unbound identity, payable only `BINDING_DELAY` later (cancellable meanwhile by the admin or
///   any attestor, `cancelBinding`), proposes a delayed rebind of a bound one (cancellable by its payee),
///   and cancels any pending rebind.
/// - Current payee of an identity: moves or drops that identity's binding at once and cancels its pending rebind.
contract IdentityRegistry is IIdentityRegistry, AccessControlDefaultAdminRules, EIP712 {
    /// @inheritdoc IIdentityRegistry
    bytes32 public constant ATTESTATION_TYPEHASH = keccak256(
        "Attestation(bytes32 accountId,address payee,uint256 nonce,uint256 deadline)"
    );
    /// @inheritdoc IIdentityRegistry
    bytes32 public constant ATTESTOR_ROLE = keccak256("ATTESTOR_ROLE");
    /// @inheritdoc IIdentityRegistry
    uint256 public constant MIN_REBIND_DELAY = 1 days;
    /// @inheritdoc IIdentityRegistry
    uint256 public constant MAX_REBIND_DELAY = 30 days;
    /// @inheritdoc IIdentityRegistry
    /// @dev Short, for the newly bound owner to be paid soon, yet long enough for the admin or another attestor
    /// to see a rogue attestor's bindings (`IdentityBound`) and cancel them before any pool pays them.
    uint256 public constant BINDING_DELAY = 1 days;

    /// @dev accountIds at or below this value are addresses (top 12 bytes zero) and are paid directly.
    uint256 private constant _MAX_ADDRESS_ACCOUNT = type(uint160).max;

    struct PendingRebind {
        address newPayee;
        uint48 executableAt;
        address attestor;
    }

    /// @dev One slot: the payee, whether a rebind of it is pending and from when it may be paid (a first
    /// binding's window), so a pool learns all three in the one read it already made for the payee.
    struct Binding {
        address payee;
        bool rebindPending;
        uint40 payableFrom;
    }

    mapping(bytes32 accountId => Binding binding) private _bindings;
    mapping(bytes32 accountId => uint256 nonce) private _nonces;
    mapping(bytes32 accountId => PendingRebind pending) private _pending;
    uint256 private _rebindDelay;
    /// @dev account => time from which its ATTESTOR_ROLE grant may be applied (0 = none scheduled).
    mapping(address account => uint256 executableAt) private _attestorGrants;

    /// @param initialAdmin The DEFAULT_ADMIN (for production, the consortium multisig).
    /// @param adminTransferDelay Seconds a started admin transfer must wait before it can be accepted.
    /// @param initialRebindDelay Initial `rebindDelay`, within [MIN_REBIND_DELAY, MAX_REBIND_DELAY].
    /// @param initialAttestors Accounts granted ATTESTOR_ROLE at deployment.
    constructor(
        address initialAdmin,
        uint48 adminTransferDelay,
        uint256 initialRebindDelay,
        address[] memory initialAttestors
    )
        AccessControlDefaultAdminRules(adminTransferDelay, initialAdmin)
        EIP712("Wellspring IdentityRegistry", "1")
    {
        _setRebindDelay(initialRebindDelay);
        for (uint256 i = 0; i < initialAttestors.length; ++i) {
            _grantRole(ATTESTOR_ROLE, initialAttestors[i]);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Views
    // ---------------------------------------------------------------------------------------------------------

    /// @inheritdoc IIdentityRegistry
    // solhint-disable-next-line func-name-mixedcase
    function DOMAIN_SEPARATOR() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    /// @inheritdoc IIdentityRegistry
    function payeeOf(bytes32 accountId) external view returns (address payee) {
        return _bindings[accountId].payee;
    }

    /// @inheritdoc IIdentityRegistry
    function bindingOf(
        bytes32 accountId
    ) external view returns (address payee, bool rebindPending, uint256 payableFrom) {
        // Every identity claim of every pool calls this: one read of the packed slot, unpacked in place rather
        // than through a memory copy of the struct (about a hundred gas less per call).
        Binding storage b = _bindings[accountId];
        uint256 word;
        assembly ("memory-safe") {
            word := sload(b.slot)
        }
        payee = address(uint160(word));
        rebindPending = uint8(word >> 160) != 0;
        payableFrom = uint40(word >> 168);
    }

    /// @inheritdoc IIdentityRegistry
    function nonces(bytes32 accountId) external view returns (uint256) {
        return _nonces[accountId];
    }

    /// @inheritdoc IIdentityRegistry
    function pendingRebindOf(
        bytes32 accountId
    ) external view returns (address newPayee, address attestor, uint256 executableAt) {
        PendingRebind storage p = _pending[accountId];
        return (p.newPayee, p.attestor, p.executableAt);
    }

    /// @inheritdoc IIdentityRegistry
    function rebindDelay() external view returns (uint256) {
        return _rebindDelay;
    }

    /// @inheritdoc IIdentityRegistry
    function hashAttestation(Attestation calldata attestation) public view returns (bytes32 digest) {
        return
            _hashTypedDataV4(
                keccak256(
                    abi.encode(
                        ATTESTATION_TYPEHASH,
                        attestation.accountId,
                        attestation.payee,
                        attestation.nonce,
                        attestation.deadline
                    )
                )
            );
    }

    // ---------------------------------------------------------------------------------------------------------
    // Attestations
    // ---------------------------------------------------------------------------------------------------------

    /// @inheritdoc IIdentityRegistry
    function submitAttestation(
        Attestation calldata attestation,
        string calldata identity,
        address attestor,
        bytes calldata signature
    ) external returns (bool bound) {
        bytes32 accountId = attestation.accountId;
        address payee = attestation.payee;
        uint256 nonce = _verifyAttestation(attestation, identity, attestor, signature);

        address current = _bindings[accountId].payee;
        if (current == payee) revert IdentityRegistryPayeeUnchanged(accountId, payee);

        // Cannot overflow: one increment per accepted attestation.
        unchecked {
            _nonces[accountId] = nonce + 1;
        }

        if (current == address(0)) {
            // Only bound identities can have a pending rebind (unbind clears it), so nothing to clear here.
            // Fits in uint40 for 30,000 years. A single attestor's word is paid only after the window.
            _bindings[accountId] = Binding(payee, false, uint40(block.timestamp + BINDING_DELAY));
            emit IdentityBound(accountId, payee, attestor, nonce, identity);
            return true;
        }

        // A newer attestation replaces the pending one: its nonce proves it was signed later.
        // Fits in uint48: a timestamp plus at most MAX_REBIND_DELAY.
        uint256 executableAt = block.timestamp + _rebindDelay;
        _pending[accountId] = PendingRebind({
            newPayee: payee,
            executableAt: uint48(executableAt),
            attestor: attestor
        });
        // Pools hold the identity's claims until the rebind is finalized or cancelled, so money owed to a
        // wallet being recovered is not sent to the (possibly lost) old one meanwhile.
        _bindings[accountId].rebindPending = true;
        emit RebindProposed(accountId, current, payee, attestor, nonce, executableAt, identity);
        return false;
    }

    /// @inheritdoc IIdentityRegistry
    function cancelRebind(bytes32 accountId) external {
        if (msg.sender != _bindings[accountId].payee && !hasRole(ATTESTOR_ROLE, msg.sender)) {
            revert IdentityRegistryUnauthorizedCancel(accountId, msg.sender);
        }
        if (!_clearPending(accountId)) revert IdentityRegistryNoPendingRebind(accountId);
    }

    /// @inheritdoc IIdentityRegistry
    function cancelBinding(bytes32 accountId) external {
        if (!hasRole(ATTESTOR_ROLE, msg.sender) && msg.sender != defaultAdmin()) {
            revert IdentityRegistryUnauthorizedBindingCancel(accountId, msg.sender);
        }
        Binding memory b = _bindings[accountId];
        if (b.payee == address(0) || block.timestamp >= b.payableFrom) {
            revert IdentityRegistryBindingNotCancellable(accountId, b.payableFrom);
        }
        _clearPending(accountId);
        delete _bindings[accountId];
        emit BindingCancelled(accountId, b.payee, msg.sender);
    }

    /// @inheritdoc IIdentityRegistry
    function finalizeRebind(bytes32 accountId) external {
        PendingRebind memory p = _pending[accountId];
        if (p.newPayee == address(0)) revert IdentityRegistryNoPendingRebind(accountId);
        if (block.timestamp < p.executableAt) {
            revert IdentityRegistryRebindNotReady(accountId, p.executableAt, block.timestamp);
        }
        // Revoking a (compromised) attestor voids the rebinds it proposed that have not taken effect.
        if (!hasRole(ATTESTOR_ROLE, p.attestor))
            revert IdentityRegistryAttestorRevoked(accountId, p.attestor);

        address previous = _bindings[accountId].payee;
        delete _pending[accountId];
        // The window of a first binding (long past: a rebind waits at least as long) stays as it was.
        _bindings[accountId].payee = p.newPayee;
        _bindings[accountId].rebindPending = false;
        emit RebindFinalized(accountId, previous, p.newPayee);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Payee actions
    // ---------------------------------------------------------------------------------------------------------

    /// @inheritdoc IIdentityRegistry
    function setPayee(bytes32 accountId, address newPayee) external {
        address current = _onlyPayee(accountId);
        if (newPayee == address(0)) revert IdentityRegistryZeroPayee(accountId);
        if (newPayee == current) revert IdentityRegistryPayeeUnchanged(accountId, newPayee);
        _bindings[accountId].payee = newPayee;
        emit PayeeChanged(accountId, current, newPayee);
        _clearPending(accountId);
    }

    /// @inheritdoc IIdentityRegistry
    function unbind(bytes32 accountId) external {
        address current = _onlyPayee(accountId);
        delete _bindings[accountId].payee;
        emit IdentityUnbound(accountId, current);
        _clearPending(accountId);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Admin
    // ---------------------------------------------------------------------------------------------------------

    /// @notice Admin: grants `role`; ATTESTOR_ROLE is only scheduled (`AttestorGrantScheduled`), for anyone to
    /// apply `rebindDelay` later with `applyAttestorGrant`. An attestor binds unbound identities at once, so a new
    /// one (say the admin's own key) must be visible that long first. Other roles behave as in OpenZeppelin.
    function grantRole(bytes32 role, address account) public override {
        if (role != ATTESTOR_ROLE) return super.grantRole(role, account);
        _checkRole(getRoleAdmin(role));
        if (hasRole(role, account)) return;
        uint256 executableAt = block.timestamp + _rebindDelay;
        _attestorGrants[account] = executableAt;
        emit AttestorGrantScheduled(account, executableAt, msg.sender);
    }

    /// @inheritdoc IIdentityRegistry
    function applyAttestorGrant(address account) external {
        uint256 executableAt = _attestorGrants[account];
        if (executableAt == 0 || block.timestamp < executableAt) {
            revert IdentityRegistryAttestorGrantNotReady(account, executableAt);
        }
        delete _attestorGrants[account];
        _grantRole(ATTESTOR_ROLE, account);
    }

    /// @inheritdoc IIdentityRegistry
    function cancelAttestorGrant(address account) external {
        if (!hasRole(ATTESTOR_ROLE, msg.sender) && msg.sender != defaultAdmin()) {
            revert IdentityRegistryUnauthorizedGrantCancel(account, msg.sender);
        }
        if (_attestorGrants[account] == 0) revert IdentityRegistryAttestorGrantNotReady(account, 0);
        delete _attestorGrants[account];
        emit AttestorGrantCancelled(account, msg.sender);
    }

    /// @inheritdoc IIdentityRegistry
    function attestorGrantExecutableAt(address account) external view returns (uint256) {
        return _attestorGrants[account];
    }

    /// @inheritdoc IIdentityRegistry
    function setRebindDelay(uint256 newDelay) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setRebindDelay(newDelay);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Internal
    // ---------------------------------------------------------------------------------------------------------

    function _setRebindDelay(uint256 newDelay) internal {
        if (newDelay < MIN_REBIND_DELAY || newDelay > MAX_REBIND_DELAY) {
            revert IdentityRegistryRebindDelayOutOfBounds(newDelay, MIN_REBIND_DELAY, MAX_REBIND_DELAY);
        }
        uint256 previous = _rebindDelay;
        _rebindDelay = newDelay;
        emit RebindDelayChanged(previous, newDelay);
    }

    /// @dev Returns the caller if it is the current (non-zero) payee of `accountId`.
    function _onlyPayee(bytes32 accountId) internal view returns (address current) {
        current = _bindings[accountId].payee;
        // An unbound identity has payee address(0), which can never be msg.sender.
        if (msg.sender != current) revert IdentityRegistryNotPayee(accountId, msg.sender, current);
    }

    /// @dev Deletes a pending rebind if there is one; returns whether there was.
    function _clearPending(bytes32 accountId) internal returns (bool cleared) {
        address newPayee = _pending[accountId].newPayee;
        if (newPayee == address(0)) return false;
        delete _pending[accountId];
        _bindings[accountId].rebindPending = false;
        emit RebindCancelled(accountId, newPayee, msg.sender);
        return true;
    }

    /// @dev Checks everything about an attestation that does not depend on the current binding; returns its nonce.
    function _verifyAttestation(
        Attestation calldata attestation,
        string calldata identity,
        address attestor,
        bytes calldata signature
    ) internal view returns (uint256 nonce) {
        bytes32 accountId = attestation.accountId;
        if (block.timestamp > attestation.deadline) {
            revert IdentityRegistryAttestationExpired(attestation.deadline, block.timestamp);
        }
        if (!hasRole(ATTESTOR_ROLE, attestor)) revert IdentityRegistryNotAttestor(attestor);
        nonce = _nonces[accountId];
        if (attestation.nonce != nonce)
            revert IdentityRegistryInvalidNonce(accountId, nonce, attestation.nonce);
        if (
            !SignatureChecker.isValidSignatureNowCalldata(attestor, hashAttestation(attestation), signature)
        ) {
            revert IdentityRegistryInvalidSignature(attestor);
        }
        if (bytes(identity).length != 0) {
            bytes32 identityHash = keccak256(bytes(identity));
            if (identityHash != accountId) revert IdentityRegistryIdentityMismatch(accountId, identityHash);
        }
        if (uint256(accountId) <= _MAX_ADDRESS_ACCOUNT) revert IdentityRegistryAddressAccount(accountId);
        if (attestation.payee == address(0)) revert IdentityRegistryZeroPayee(accountId);
    }
}
