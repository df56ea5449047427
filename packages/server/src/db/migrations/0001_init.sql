-- Wellspring server schema, version 1. Forward-only: never edit this file once applied anywhere;
-- add 0002_... instead (the runner refuses to start when an applied file's checksum changed).

-- Ethereum-shaped values. Hashes and addresses are raw bytes: half the size of hex text, and
-- the domain checks stop a wrong length at the door.
CREATE DOMAIN bytes32 AS bytea CHECK (octet_length(VALUE) = 32);
CREATE DOMAIN evm_address AS bytea CHECK (octet_length(VALUE) = 20);
CREATE DOMAIN uint256 AS numeric(78, 0)
  CHECK (VALUE >= 0 AND VALUE <= 115792089237316195423570985008687907853269984665640564039457584007913129639935);

-- Pools registered by an admin; the indexer follows their events from deployed_block on.
CREATE TABLE pools (
  id                       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  chain_id                 bigint NOT NULL CHECK (chain_id > 0),
  address                  evm_address NOT NULL,
  name                     text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  deployed_block           bigint NOT NULL CHECK (deployed_block >= 0),
  -- Read from the contract by the indexer; NULL until then.
  activation_delay_seconds bigint CHECK (activation_delay_seconds >= 0),
  claim_window_seconds     bigint CHECK (claim_window_seconds >= 0),
  registered_by            evm_address NOT NULL,
  created_at               timestamptz NOT NULL DEFAULT now(),
  UNIQUE (chain_id, address)
);

-- Token metadata; the zero address stands for ETH.
CREATE TABLE tokens (
  chain_id bigint NOT NULL,
  address  evm_address NOT NULL,
  symbol   text CHECK (length(symbol) <= 64),
  decimals smallint CHECK (decimals BETWEEN 0 AND 255),
  PRIMARY KEY (chain_id, address)
);

-- Weight policies: a named line of immutable versions.
CREATE TABLE policies (
  name           text PRIMARY KEY CHECK (name ~ '^[a-z0-9][a-z0-9._-]{0,63}$'),
  latest_version integer NOT NULL DEFAULT 0 CHECK (latest_version >= 0),
  created_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE policy_versions (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  policy_name text NOT NULL REFERENCES policies (name),
  version     integer NOT NULL CHECK (version >= 1),
  -- The canonical JSON text is the source of truth: the hash is over exactly these bytes.
  canonical   text NOT NULL,
  document    jsonb GENERATED ALWAYS AS (canonical::jsonb) STORED,
  hash        bytes32 NOT NULL,
  note        text NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
  created_by  evm_address NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (policy_name, version)
);
CREATE INDEX policy_versions_hash ON policy_versions (hash);

-- Attribution runs: inputs + a policy version -> a share table. A run becomes 'complete' in the
-- same transaction that writes all its recipients, so a crash never leaves a half-written table.
CREATE TYPE run_status AS ENUM ('draft', 'complete', 'failed');

CREATE TABLE runs (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  pool_id           bigint REFERENCES pools (id),
  policy_version_id bigint NOT NULL REFERENCES policy_versions (id),
  status            run_status NOT NULL DEFAULT 'draft',
  engine_version    text,
  inputs_hash       bytes32,
  table_hash        bytes32,
  root              bytes32,
  total_shares      uint256 CHECK (total_shares > 0),
  recipient_count   integer CHECK (recipient_count >= 0),
  error             jsonb,
  created_by        evm_address NOT NULL,
  created_at        timestamptz NOT NULL DEFAULT now(),
  completed_at      timestamptz,
  CHECK (status <> 'complete' OR (inputs_hash IS NOT NULL AND table_hash IS NOT NULL AND root IS NOT NULL
         AND total_shares IS NOT NULL AND recipient_count IS NOT NULL AND completed_at IS NOT NULL)),
  CHECK (status <> 'failed' OR error IS NOT NULL)
);

CREATE TABLE run_inputs (
  run_id     bigint NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  position   integer NOT NULL CHECK (position >= 0),
  name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 500),
  media_type text NOT NULL,
  sha256     bytes32 NOT NULL,
  content    bytea NOT NULL,
  PRIMARY KEY (run_id, position),
  UNIQUE (run_id, name)
);

-- One row per recipient of a run's share table (up to 10^6 per run: bulk-loaded).
CREATE TABLE run_recipients (
  run_id      bigint NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  account_id  bytes32 NOT NULL,
  shares      uint256 NOT NULL CHECK (shares > 0),
  identity    text,
  explanation jsonb,
  PRIMARY KEY (run_id, account_id)
);

-- Schedules as seen on-chain (filled by the indexer). A schedule activates by time, not by a
-- transaction, so its status (pending / active / superseded / revoked) is computed when read from
-- activates_at, revoked_block and the later schedules; it is not stored. Sweeps are per
-- (schedule, token): see sweeps.
CREATE TABLE schedules (
  pool_id        bigint NOT NULL REFERENCES pools (id) ON DELETE CASCADE,
  schedule_id    bigint NOT NULL CHECK (schedule_id >= 1),
  proposer       evm_address NOT NULL,
  root           bytes32 NOT NULL,
  total_shares   uint256 NOT NULL CHECK (total_shares > 0),
  table_hash     bytes32 NOT NULL,
  policy_hash    bytes32 NOT NULL,
  inputs_hash    bytes32 NOT NULL,
  uri            text NOT NULL,
  activates_at   timestamptz NOT NULL,
  run_id         bigint REFERENCES runs (id),
  proposed_block bigint NOT NULL,
  proposed_tx    bytes32 NOT NULL,
  revoked_block  bigint,
  revoked_by     evm_address,
  PRIMARY KEY (pool_id, schedule_id),
  CHECK ((revoked_block IS NULL) = (revoked_by IS NULL))
);

-- Chain events. (block_number, log_index) identifies a log on one chain; block_hash lets the
-- indexer find and delete everything above a reorg's fork point.
CREATE TABLE deposits (
  pool_id      bigint NOT NULL REFERENCES pools (id) ON DELETE CASCADE,
  block_number bigint NOT NULL,
  log_index    integer NOT NULL,
  block_hash   bytes32 NOT NULL,
  tx_hash      bytes32 NOT NULL,
  -- NULL: the unallocated pot (no schedule was active yet).
  schedule_id  bigint,
  -- 'deposit': Deposited (payer, memo); 'sync': Synced, a plain transfer credited by sync() (payer = caller).
  source       text NOT NULL CHECK (source IN ('deposit', 'sync')),
  token        evm_address NOT NULL,
  payer        evm_address NOT NULL,
  amount       uint256 NOT NULL CHECK (amount > 0),
  memo         bytes32 NOT NULL,
  block_time   timestamptz,
  PRIMARY KEY (pool_id, block_number, log_index)
);
CREATE INDEX deposits_payer ON deposits (pool_id, payer);
CREATE INDEX deposits_token ON deposits (pool_id, token, schedule_id);

CREATE TABLE claims (
  pool_id      bigint NOT NULL REFERENCES pools (id) ON DELETE CASCADE,
  block_number bigint NOT NULL,
  log_index    integer NOT NULL,
  block_hash   bytes32 NOT NULL,
  tx_hash      bytes32 NOT NULL,
  schedule_id  bigint NOT NULL,
  account_id   bytes32 NOT NULL,
  token        evm_address NOT NULL,
  payee        evm_address NOT NULL,
  amount       uint256 NOT NULL,
  block_time   timestamptz,
  PRIMARY KEY (pool_id, block_number, log_index)
);
CREATE INDEX claims_account ON claims (pool_id, account_id);
CREATE INDEX claims_token ON claims (pool_id, token, schedule_id);

CREATE TABLE sweeps (
  pool_id          bigint NOT NULL REFERENCES pools (id) ON DELETE CASCADE,
  block_number     bigint NOT NULL,
  log_index        integer NOT NULL,
  block_hash       bytes32 NOT NULL,
  tx_hash          bytes32 NOT NULL,
  schedule_id      bigint NOT NULL,
  token            evm_address NOT NULL,
  amount           uint256 NOT NULL,
  into_schedule_id bigint NOT NULL,
  caller           evm_address NOT NULL,
  PRIMARY KEY (pool_id, block_number, log_index),
  UNIQUE (pool_id, schedule_id, token)
);

-- Per pool and token: everything deposited, everything claimed, and what the pool still holds.
CREATE VIEW pool_balances AS
SELECT pool_id, token,
       sum(deposited)::numeric(78, 0) AS deposited,
       sum(claimed)::numeric(78, 0) AS claimed,
       (sum(deposited) - sum(claimed))::numeric(78, 0) AS balance
FROM (SELECT pool_id, token, amount AS deposited, 0::numeric AS claimed FROM deposits
      UNION ALL
      SELECT pool_id, token, 0::numeric, amount FROM claims) AS flows
GROUP BY pool_id, token;

-- Identities: canonical identity strings and their accountIds (keccak256 of the UTF-8 string).
CREATE TABLE identities (
  account_id bytes32 PRIMARY KEY,
  identity   text NOT NULL UNIQUE CHECK (length(identity) BETWEEN 3 AND 512),
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Off-chain binding requests: a funding manifest names a payee; the attestor checks it and signs.
CREATE TYPE binding_request_status AS ENUM ('received', 'rejected', 'attested', 'confirmed');

CREATE TABLE binding_requests (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id      bytes32 NOT NULL REFERENCES identities (account_id),
  payee           evm_address NOT NULL,
  manifest_source text NOT NULL,
  manifest        jsonb NOT NULL,
  status          binding_request_status NOT NULL DEFAULT 'received',
  reason          text,
  attestor        evm_address,
  nonce           uint256,
  deadline        bigint,
  signature       bytea,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  CHECK (status <> 'attested' OR (attestor IS NOT NULL AND signature IS NOT NULL AND nonce IS NOT NULL AND deadline IS NOT NULL)),
  CHECK (status <> 'rejected' OR reason IS NOT NULL)
);
CREATE INDEX binding_requests_account ON binding_requests (account_id);

-- Identity registry events and the bindings they produce (rebuilt from events after a reorg).
CREATE TABLE identity_events (
  chain_id     bigint NOT NULL,
  registry     evm_address NOT NULL,
  block_number bigint NOT NULL,
  log_index    integer NOT NULL,
  block_hash   bytes32 NOT NULL,
  tx_hash      bytes32 NOT NULL,
  event        text NOT NULL,
  account_id   bytes32 NOT NULL,
  payee        evm_address,
  effective_at timestamptz,
  PRIMARY KEY (chain_id, block_number, log_index)
);
CREATE INDEX identity_events_account ON identity_events (chain_id, registry, account_id);

CREATE TABLE identity_bindings (
  chain_id             bigint NOT NULL,
  registry             evm_address NOT NULL,
  account_id           bytes32 NOT NULL,
  payee                evm_address,
  pending_payee        evm_address,
  pending_effective_at timestamptz,
  block_number         bigint NOT NULL,
  PRIMARY KEY (chain_id, registry, account_id)
);
CREATE INDEX identity_bindings_payee ON identity_bindings (chain_id, payee);

-- Nonces of signed admin requests. A row lives until its request's deadline has passed; after
-- that the signature is refused as expired anyway, so pruning cannot reopen a replay.
CREATE TABLE admin_nonces (
  address    evm_address NOT NULL,
  nonce      bytes32 NOT NULL,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (address, nonce)
);
CREATE INDEX admin_nonces_expiry ON admin_nonces (expires_at);

-- Indexer position per stream (one per pool: `pool:<address>`), with the hash of the last indexed block so a restart can tell
-- whether the chain reorganised underneath it; recent block hashes find the fork point.
CREATE TABLE indexer_cursor (
  chain_id     bigint NOT NULL,
  stream       text NOT NULL,
  block_number bigint NOT NULL CHECK (block_number >= 0),
  block_hash   bytes32 NOT NULL,
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (chain_id, stream)
);

CREATE TABLE indexed_blocks (
  chain_id     bigint NOT NULL,
  block_number bigint NOT NULL,
  block_hash   bytes32 NOT NULL,
  parent_hash  bytes32 NOT NULL,
  PRIMARY KEY (chain_id, block_number)
);
