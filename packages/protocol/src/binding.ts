/**
 * Identity bindings (contracts/IdentityRegistry.sol) rebuilt from the registry's events, so an
 * indexer can say who is bound to what without reading every identity's storage.
 */
import type { Address, Hex } from "viem";

/** `BINDING_DELAY`: a first binding is paid (and cannot be cancelled) only this long after it. */
export const BINDING_DELAY_SECONDS = 86_400n;

/** One binding event as the registry emits it, in the shape an indexer stores. */
export interface BindingEventRecord {
  kind:
    | "bound"
    | "payee-changed"
    | "unbound"
    | "rebind-proposed"
    | "rebind-cancelled"
    | "rebind-finalized"
    | "binding-cancelled";
  accountId: Hex;
  /** The wallet bound (bound, payee-changed, rebind-proposed, rebind-finalized) or named. */
  payee: Address;
  /** Block time, seconds. */
  at: bigint;
  /** The identity string given with an attestation ('' or null when none). */
  identity: string | null;
  /** rebind-proposed: when it may be finalized (seconds). */
  executableAt: bigint | null;
}

/** What `bindingOf` and `pendingRebindOf` answer after the events (times in seconds). */
export interface BindingState {
  accountId: Hex;
  /** null while unbound. */
  payee: Address | null;
  /** `payableFrom` of `bindingOf`: the last first binding's time + BINDING_DELAY (0 if never bound). */
  payableFrom: bigint;
  pending: { newPayee: Address; executableAt: bigint } | null;
  /** The latest identity string an attestation gave (null if none did). */
  identity: string | null;
}

/**
 * Replays binding events in log order into each identity's state, as the registry's functions
 * change it: `submitAttestation` (IdentityBound sets payee and payableFrom; RebindProposed sets the
 * pending rebind), `setPayee`, `unbind`, `cancelRebind`, `cancelBinding`, `finalizeRebind`.
 */
export function replayBindings(events: readonly BindingEventRecord[]): Map<Hex, BindingState> {
  const states = new Map<Hex, BindingState>();
  for (const e of events) {
    const key = e.accountId.toLowerCase() as Hex;
    let s = states.get(key);
    if (!s) {
      s = { accountId: key, payee: null, payableFrom: 0n, pending: null, identity: null };
      states.set(key, s);
    }
    if (e.identity) s.identity = e.identity;
    switch (e.kind) {
      case "bound":
        s.payee = e.payee;
        s.payableFrom = e.at + BINDING_DELAY_SECONDS;
        break;
      case "payee-changed":
      case "rebind-finalized":
        s.payee = e.payee;
        s.pending = null;
        break;
      case "unbound": // keeps payableFrom, as `unbind` deletes only the payee
        s.payee = null;
        s.pending = null;
        break;
      case "binding-cancelled": // `cancelBinding` deletes the whole binding
        s.payee = null;
        s.payableFrom = 0n;
        s.pending = null;
        break;
      case "rebind-proposed":
        s.pending = { newPayee: e.payee, executableAt: e.executableAt ?? 0n };
        break;
      case "rebind-cancelled":
        s.pending = null;
        break;
    }
  }
  return states;
}
