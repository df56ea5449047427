-- Identity binding requests as the attestor endpoint (POST /v1/attestations) records them: what was
-- asked, the maintainer's signed request (its nonce is the replay guard), the manifest bytes and
-- their sha256, which check failed (reason_code) or where the trusted copy was found, and the
-- attestation the server signed. The columns are nullable because 0001 created the table; the
-- service fills every one of them for requests it records.
ALTER TABLE binding_requests
  ADD COLUMN chain_id          bigint,
  ADD COLUMN registry          evm_address,
  ADD COLUMN manifest_sha256   bytes32,
  ADD COLUMN manifest_content  bytea,
  ADD COLUMN request_nonce     bytes32,
  ADD COLUMN request_deadline  bigint,
  ADD COLUMN request_signature bytea,
  ADD COLUMN reason_code       text,
  ADD COLUMN trusted_source    text,
  ADD COLUMN confirmed_at      timestamptz,
  ADD CONSTRAINT binding_requests_rejected_code CHECK (status <> 'rejected' OR reason_code IS NOT NULL);

-- A maintainer's signed request is accepted once: the insert is the replay check. Requests whose
-- signature did not verify are recorded without their nonce, so nobody can burn someone else's.
CREATE UNIQUE INDEX binding_requests_request_nonce ON binding_requests (payee, request_nonce)
  WHERE request_nonce IS NOT NULL;
CREATE INDEX binding_requests_status ON binding_requests (account_id, status);

-- The attestor looks up a submitted manifest among the run inputs by its sha256.
CREATE INDEX run_inputs_sha256 ON run_inputs (sha256);
