// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title IIdentityRegistry
/// @notice Maps identity accountIds (keccak256 of a canonical identity string such as `github:123`) to payee
/// wallets. Pools read `payeeOf` to know where an identity's money goes.
/// @dev Life of a binding:
/// - An ATTESTOR (an off-chain verifier that checked a funding manifest or registry ownership) signs an EIP-712
///   `Attestation(bytes32 accountId,address payee,uint256 nonce,uint256 deadline)` under the domain
///   `{name: "Wellspring IdentityRegistry", version: "1", chainId, verifyingContract}`; anyone submits it with
///   `submitAttestation`.
/// - On an unbound identity the attestation binds at once, but pools pay the new binding only from `BINDING_DELAY`
///   later (`bindingOf` reports when); meanwhile the admin or any attestor may `cancelBinding` it, so no single
///   attestor key can take unbound identities' money at once. On a bound identity it only proposes a rebind that can be
///   finalized by anyone `rebindDelay` seconds later; until then the current payee (or any ATTESTOR) can cancel it.
///   A newer attestation replaces a pending rebind and restarts its delay. Revoking an attestor voids the rebinds
///   it proposed that are still pending. While a rebind is pending, pools pay nothing to the identity
///   (`bindingOf` reports it), so a recovery never loses money to the old wallet.
/// - The current payee can move its binding at once (`setPayee`) or drop it (`unbind`); both clear a pending rebind.
/// Nonces are per accountId and sequential: every accepted attestation for an identity consumes `nonces(accountId)`,
/// so an attestation is usable once and any older unsubmitted attestation for that identity becomes void.
interface IIdentityRegistry {
    /// @notice What an attestor signs (EIP-712 primary type `Attestation`).
    /// @param accountId keccak256 of the UTF-8 identity string; must not be an address-shaped id (top 12 bytes zero).
    /// @param payee The wallet the identity should be paid to; never address(0).
    /// @param nonce Must equal `nonces(accountId)` when submitted.
    /// @param deadline Last unix timestamp (inclusive) at which the attestation may be submitted.
    struct Attestation {
        bytes32 accountId;
        address payee;
        uint256 nonce;
        uint256 deadline;
    }

    /// @notice The submitted attestation's deadline has passed.
    error IdentityRegistryAttestationExpired(uint256 deadline, uint256 timestamp);
    /// @notice The named signer does not hold the ATTESTOR role.
    error IdentityRegistryNotAttestor(address account);
    /// @notice The attestation's nonce is not the identity's next nonce (replayed, stale or out of order).
    error IdentityRegistryInvalidNonce(bytes32 accountId, uint256 expected, uint256 given);
    /// @notice The signature is not the attestor's signature of this attestation on this chain and contract.
    error IdentityRegistryInvalidSignature(address attestor);
    /// @notice The identity string given with an attestation does not hash to its accountId.
    error IdentityRegistryIdentityMismatch(bytes32 accountId, bytes32 identityHash);
    /// @notice The accountId is an address (top 12 bytes zero); addresses are paid directly and cannot be bound.
    error IdentityRegistryAddressAccount(bytes32 accountId);
    /// @notice A payee must not be address(0); use `unbind` to drop a binding.
    error IdentityRegistryZeroPayee(bytes32 accountId);
    /// @notice The identity is already bound to this payee.
    error IdentityRegistryPayeeUnchanged(bytes32 accountId, address payee);
    /// @notice Only the identity's current payee may do this.
    error IdentityRegistryNotPayee(bytes32 accountId, address caller, address payee);
    /// @notice Only the identity's current payee or an ATTESTOR may cancel its pending rebind.
    error IdentityRegistryUnauthorizedCancel(bytes32 accountId, address caller);
    /// @notice The identity has no pending rebind.
    error IdentityRegistryNoPendingRebind(bytes32 accountId);
    /// @notice The pending rebind's delay has not passed yet.
    error IdentityRegistryRebindNotReady(bytes32 accountId, uint256 executableAt, uint256 timestamp);
    /// @notice The attestor that proposed the pending rebind no longer holds the ATTESTOR role.
    error IdentityRegistryAttestorRevoked(bytes32 accountId, address attestor);
    /// @notice Only an ATTESTOR or the admin may cancel a scheduled ATTESTOR_ROLE grant.
    error IdentityRegistryUnauthorizedGrantCancel(address account, address caller);
    /// @notice No ATTESTOR_ROLE grant is scheduled for `account` (`executableAt` 0), or it is not due yet.
    error IdentityRegistryAttestorGrantNotReady(address account, uint256 executableAt);
    /// @notice Only an ATTESTOR or the admin may cancel a first binding.
    error IdentityRegistryUnauthorizedBindingCancel(bytes32 accountId, address caller);
    /// @notice The identity is unbound, or its binding is past its cancellable window (`payableFrom`).
    error IdentityRegistryBindingNotCancellable(bytes32 accountId, uint256 payableFrom);
    /// @notice The rebind delay is outside [MIN_REBIND_DELAY, MAX_REBIND_DELAY].
    error IdentityRegistryRebindDelayOutOfBounds(uint256 delay, uint256 min, uint256 max);

    /// @notice An attestation bound a previously unbound identity.
    /// @param identity The identity string if the submitter gave it (verified against accountId), else empty.
    event IdentityBound(
        bytes32 indexed accountId,
        address indexed payee,
        address indexed attestor,
        uint256 nonce,
        string identity
    );
    /// @notice The current payee moved its binding to `newPayee`.
    event PayeeChanged(bytes32 indexed accountId, address indexed previousPayee, address indexed newPayee);
    /// @notice The current payee dropped its binding; the identity's money waits until it is bound again.
    event IdentityUnbound(bytes32 indexed accountId, address indexed previousPayee);
    /// @notice An attestation proposed moving a bound identity to `newPayee` at `executableAt`; it replaces any
    /// rebind that was pending for the same identity.
    event RebindProposed(
        bytes32 indexed accountId,
        address indexed currentPayee,
        address indexed newPayee,
        address attestor,
        uint256 nonce,
        uint256 executableAt,
        string identity
    );
    /// @notice A pending rebind to `newPayee` was cancelled by `by` (the payee, an attestor, or the payee's own
    /// `setPayee`/`unbind`).
    event RebindCancelled(bytes32 indexed accountId, address indexed newPayee, address indexed by);
    /// @notice A first binding was cancelled within its window by `by` (an attestor or the admin).
    event BindingCancelled(bytes32 indexed accountId, address indexed payee, address indexed by);
    /// @notice A pending rebind took effect.
    event RebindFinalized(bytes32 indexed accountId, address indexed previousPayee, address indexed newPayee);
    /// @notice The admin asked to grant ATTESTOR_ROLE to `account`; anyone may apply it with `applyAttestorGrant`
    /// from `executableAt` unless an attestor or the admin cancels it first.
    event AttestorGrantScheduled(address indexed account, uint256 executableAt, address indexed sender);
    /// @notice A scheduled ATTESTOR_ROLE grant was cancelled by `by`.
    event AttestorGrantCancelled(address indexed account, address indexed by);
    /// @notice The admin changed the delay applied to rebinds proposed from now on.
    event RebindDelayChanged(uint256 previousDelay, uint256 newDelay);

    /// @notice keccak256("Attestation(bytes32 accountId,address payee,uint256 nonce,uint256 deadline)").
    // solhint-disable-next-line func-name-mixedcase
    function ATTESTATION_TYPEHASH() external view returns (bytes32);

    /// @notice keccak256("ATTESTOR_ROLE"): accounts whose EIP-712 attestations bind identities.
    // solhint-disable-next-line func-name-mixedcase
    function ATTESTOR_ROLE() external view returns (bytes32);

    /// @notice Lower bound for `rebindDelay` (1 day).
    // solhint-disable-next-line func-name-mixedcase
    function MIN_REBIND_DELAY() external view returns (uint256);

    /// @notice Upper bound for `rebindDelay` (30 days).
    // solhint-disable-next-line func-name-mixedcase
    function MAX_REBIND_DELAY() external view returns (uint256);

    /// @notice Seconds after a first binding before pools pay it, during which it can be cancelled.
    // solhint-disable-next-line func-name-mixedcase
    function BINDING_DELAY() external view returns (uint256);

    /// @notice The EIP-712 domain separator of this registry on this chain (ERC-5267 `eip712Domain` is also exposed).
    // solhint-disable-next-line func-name-mixedcase
    function DOMAIN_SEPARATOR() external view returns (bytes32);

    /// @notice The wallet that receives money owed to `accountId`, or address(0) while unbound.
    /// @dev A matured but not finalized rebind does not change this; call `finalizeRebind` first.
    function payeeOf(bytes32 accountId) external view returns (address payee);

    /// @notice `payeeOf(accountId)`, whether an attestor's rebind of it is pending and from when it may be paid,
    /// in one storage read. Pools refuse to pay an identity while `rebindPending`: its owner may be recovering it
    /// from a lost key, so its money waits for `finalizeRebind` (then goes to the new wallet) or `cancelRebind`.
    /// They also refuse before `payableFrom` (a first binding's cancellable window; `setPayee` keeps it).
    function bindingOf(
        bytes32 accountId
    ) external view returns (address payee, bool rebindPending, uint256 payableFrom);

    /// @notice The nonce the next attestation for `accountId` must carry.
    function nonces(bytes32 accountId) external view returns (uint256);

    /// @notice The pending rebind of `accountId`; all zero when there is none.
    function pendingRebindOf(
        bytes32 accountId
    ) external view returns (address newPayee, address attestor, uint256 executableAt);

    /// @notice Seconds between an attestor's rebind proposal and the moment it can be finalized.
    function rebindDelay() external view returns (uint256);

    /// @notice The EIP-712 digest an attestor signs for `attestation` on this chain and contract.
    function hashAttestation(Attestation calldata attestation) external view returns (bytes32 digest);

    /// @notice Submits an attestor's signed attestation; callable by anyone (for example the payee, paying the gas).
    /// Binds an unbound identity at once, or proposes a delayed rebind of a bound one. Consumes the identity's nonce.
    /// @param attestation The signed message.
    /// @param identity The identity string, or empty; if given it must hash to `attestation.accountId` and is emitted.
    /// @param attestor The signer; must hold ATTESTOR_ROLE. ERC-1271 contract attestors are accepted.
    /// @param signature The attestor's EIP-712 signature (65-byte ECDSA, or whatever its ERC-1271 wallet accepts).
    /// @return bound True if the binding took effect now, false if a rebind was proposed.
    function submitAttestation(
        Attestation calldata attestation,
        string calldata identity,
        address attestor,
        bytes calldata signature
    ) external returns (bool bound);

    /// @notice Moves the binding of `accountId` to `newPayee` at once; only its current payee may call.
    /// Clears a pending rebind.
    function setPayee(bytes32 accountId, address newPayee) external;

    /// @notice Drops the binding of `accountId`; only its current payee may call. Clears a pending rebind.
    function unbind(bytes32 accountId) external;

    /// @notice Cancels the pending rebind of `accountId`; callable by its current payee or by any ATTESTOR.
    function cancelRebind(bytes32 accountId) external;

    /// @notice Applies the pending rebind of `accountId` once its delay has passed; callable by anyone.
    /// Reverts if the proposing attestor has lost ATTESTOR_ROLE since.
    function finalizeRebind(bytes32 accountId) external;

    /// @notice Anyone: grants ATTESTOR_ROLE to `account` once the grant the admin scheduled with
    /// `grantRole(ATTESTOR_ROLE, account)` is due (`rebindDelay` after it was asked for). Initial attestors
    /// (constructor) are immediate.
    function applyAttestorGrant(address account) external;

    /// @notice Any ATTESTOR or the admin: cancels a scheduled ATTESTOR_ROLE grant.
    function cancelAttestorGrant(address account) external;

    /// @notice When the scheduled ATTESTOR_ROLE grant of `account` may be applied (0 = none).
    function attestorGrantExecutableAt(address account) external view returns (uint256);

    /// @notice Admin or any ATTESTOR: undoes a first binding of `accountId` before its `payableFrom` (also
    /// dropping a rebind proposed meanwhile). The attestation's nonce stays used, so it cannot be replayed.
    function cancelBinding(bytes32 accountId) external;

    /// @notice Admin power: sets the delay applied to rebinds proposed from now on, within
    /// [MIN_REBIND_DELAY, MAX_REBIND_DELAY]; pending rebinds keep the time they were given.
    function setRebindDelay(uint256 newDelay) external;
}
