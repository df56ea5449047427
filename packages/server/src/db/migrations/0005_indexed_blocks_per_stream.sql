-- Block hashes the indexer saw, per stream (`pool:<address>`), replacing the chain-wide
-- indexed_blocks. With one table for every pool, a pool that had already re-indexed a new branch
-- overwrote the hashes another pool still needed: that pool then took a block of the new branch for
-- its fork point and kept events of orphaned blocks. Each stream now finds its fork point among the
-- hashes it recorded itself. Existing rows are copied to every stream whose cursor reached them,
-- which is what each stream could have recorded (the hash is the block's, whoever wrote it).
CREATE TABLE indexed_stream_blocks (
  chain_id     bigint NOT NULL,
  stream       text NOT NULL,
  block_number bigint NOT NULL,
  block_hash   bytes32 NOT NULL,
  parent_hash  bytes32 NOT NULL,
  PRIMARY KEY (chain_id, stream, block_number)
);

INSERT INTO indexed_stream_blocks (chain_id, stream, block_number, block_hash, parent_hash)
SELECT b.chain_id, c.stream, b.block_number, b.block_hash, b.parent_hash
FROM indexed_blocks b JOIN indexer_cursor c ON c.chain_id = b.chain_id AND b.block_number <= c.block_number;

DROP TABLE indexed_blocks;
