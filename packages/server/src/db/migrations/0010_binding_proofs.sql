-- Identity proofs the attestor checks itself (attestor/github.ts, attestor/well-known.ts): which
-- method proved the identity, and the account's stable id at that source (GitHub's numeric user
-- id) kept beside the login, so a login given up and taken by another account cannot inherit a
-- binding (ACCOUNT_CHANGED).
ALTER TABLE binding_requests
  ADD COLUMN proof_method text,
  ADD COLUMN subject_id   text;
