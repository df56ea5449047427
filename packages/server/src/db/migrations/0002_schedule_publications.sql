-- Schedules this server proposed on-chain, linked to the run whose root they commit. Written in the
-- same transaction that holds the pool's row lock while the proposal is sent, so two publishers
-- cannot both propose and every proposal the server made is linked to exactly one run. The
-- indexer's `schedules` row (status, revocation) is joined by (pool_id, schedule_id) and root.
CREATE TABLE schedule_publications (
  pool_id      bigint NOT NULL REFERENCES pools (id) ON DELETE CASCADE,
  schedule_id  bigint NOT NULL CHECK (schedule_id >= 1),
  run_id       bigint NOT NULL REFERENCES runs (id),
  root         bytes32 NOT NULL,
  uri          text NOT NULL,
  tx_hash      bytes32 NOT NULL,
  block_number bigint NOT NULL,
  activates_at timestamptz NOT NULL,
  -- Who asked (the signed admin request) and which key sent the transaction.
  requested_by evm_address NOT NULL,
  sender       evm_address NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (pool_id, schedule_id)
);
CREATE INDEX schedule_publications_run ON schedule_publications (run_id);
