-- Verifications of indexed schedules' evidence bundles (docs/verification.md): the server's own
-- checks (verifier_kind 'server') and signed reports of outside watchtowers ('watchtower'). One row per
-- decision, never updated: an unreachable bundle is retried until activation, each try a row.
-- No foreign key to schedules: a reorganisation may delete and re-index a schedule, and what was
-- decided about a bundle hash stays true of that hash.
CREATE TABLE schedule_verifications (
  id             bigserial PRIMARY KEY,
  pool_id        bigint NOT NULL REFERENCES pools (id) ON DELETE CASCADE,
  schedule_id    bigint NOT NULL CHECK (schedule_id >= 1),
  uri            text NOT NULL,
  -- keccak256(tableHash ‖ policyHash ‖ inputsHash) of the schedule checked.
  bundle_hash    bytes32 NOT NULL,
  status         text NOT NULL CHECK (status IN ('verified', 'invalid', 'unreachable')),
  -- What differs, in short (empty when verified).
  differences    jsonb NOT NULL DEFAULT '[]',
  verifier_kind  text NOT NULL CHECK (verifier_kind IN ('server', 'watchtower')),
  -- The server's VERIFIER_NAME (its PUBLIC_BASE_URL by default), or the address that signed a report.
  verifier       text NOT NULL,
  verified_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX schedule_verifications_schedule ON schedule_verifications (pool_id, schedule_id, id);
-- A watchtower's report sent twice (a retry, a replay) is recorded once.
CREATE UNIQUE INDEX schedule_verifications_report
  ON schedule_verifications (pool_id, schedule_id, verifier, verified_at) WHERE verifier_kind = 'watchtower';
