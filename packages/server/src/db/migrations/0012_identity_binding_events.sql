-- The IdentityRegistry's binding events, as the indexer reads them (stream `registry:<address>`).
-- Only events are stored: who is bound to what now is replayed from them in log order
-- (repositories/identity-bindings.ts), so a reorg rollback is a plain delete above the fork block.
-- It replaces 0001's identity_events and identity_bindings, which nothing ever wrote.
DROP TABLE identity_events;
DROP TABLE identity_bindings;

CREATE TABLE identity_binding_events (
  chain_id       bigint NOT NULL,
  registry       evm_address NOT NULL,
  block_number   bigint NOT NULL,
  log_index      integer NOT NULL,
  block_hash     bytes32 NOT NULL,
  tx_hash        bytes32 NOT NULL,
  block_time     timestamptz NOT NULL,
  kind           text NOT NULL CHECK (kind IN ('bound', 'payee-changed', 'unbound', 'rebind-proposed',
                                               'rebind-cancelled', 'rebind-finalized', 'binding-cancelled')),
  account_id     bytes32 NOT NULL,
  -- The wallet the event binds (bound, payee-changed, rebind-proposed, rebind-finalized) or names
  -- (unbound, binding-cancelled: the payee that lost it; rebind-cancelled: the cancelled new payee).
  payee          evm_address NOT NULL,
  -- The payee before the event (payee-changed, rebind-proposed, rebind-finalized).
  previous_payee evm_address,
  -- The identity string the submitter gave with an attestation (bound, rebind-proposed), '' if none.
  identity       text,
  -- When a proposed rebind may be finalized (rebind-proposed).
  executable_at  timestamptz,
  PRIMARY KEY (chain_id, registry, block_number, log_index)
);
CREATE INDEX identity_binding_events_account ON identity_binding_events (chain_id, registry, account_id);
CREATE INDEX identity_binding_events_payee ON identity_binding_events (chain_id, registry, payee);
CREATE INDEX identity_binding_events_previous ON identity_binding_events (chain_id, registry, previous_payee);
