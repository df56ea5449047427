-- Publication locks shared by every server instance on this database: one holder per name (a
-- pool, a proposer key) until it releases the row or its lease expires (a holder that died).
-- A row rather than an advisory lock: no transaction or dedicated connection stays open while a
-- proposal is mined, and it works the same on PGlite.
CREATE TABLE publish_locks (
  name       text PRIMARY KEY,
  holder     text NOT NULL,
  expires_at timestamptz NOT NULL
);
