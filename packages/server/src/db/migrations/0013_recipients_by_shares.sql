-- A run's recipients largest first (GET /v1/runs/{id}/top, an account's rank, the payer statement's
-- largest parts): the N largest of a table of 10^6 rows are read from this index, not sorted from all.
CREATE INDEX run_recipients_by_shares ON run_recipients (run_id, shares DESC, account_id);
