-- Every reorg rollback the chain indexer applied, per stream (`pool:<address>`): where the cursor
-- was, the fork block it went back to, and how many rows it removed. Written in the rollback's own
-- transaction. Readers that keep sums of a stream's events up to its cursor in memory (the claims
-- endpoint) compare the latest id: a new rollback means rows at or below their old cursor may have
-- been replaced, so they reload instead of adding only the events above it.
CREATE TABLE indexer_reorgs (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  chain_id       bigint NOT NULL,
  stream         text NOT NULL,
  from_block     bigint NOT NULL,
  fork_block     bigint NOT NULL,
  removed        integer NOT NULL CHECK (removed >= 0),
  rolled_back_at timestamptz NOT NULL DEFAULT now(),
  CHECK (fork_block <= from_block)
);
CREATE INDEX indexer_reorgs_stream ON indexer_reorgs (chain_id, stream, id);
