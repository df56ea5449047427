-- The genesis block hash the chain indexer first saw for each chain id. An RPC that later serves
-- another chain under the same id (a fresh dev node, a misrouted load balancer) has another
-- genesis: the indexer refuses it instead of reading its blocks as a reorganisation.
CREATE TABLE indexer_chains (
  chain_id     bigint PRIMARY KEY,
  genesis_hash bytes32 NOT NULL,
  recorded_at  timestamptz NOT NULL DEFAULT now()
);
