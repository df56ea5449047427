-- Notifications per identity (services/notifications.ts): webhooks registered by an ADMIN, and the
-- deliveries the worker owes them. A delivery is one event for one subscription, unique by its
-- event key, so scanning again after a restart never queues it twice; its id (sent as the
-- Wellspring-Delivery header) stays the same across retries, for the receiver to deduplicate.
CREATE TABLE webhook_subscriptions (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id  bytes32 NOT NULL,
  identity    text NOT NULL,
  url         text NOT NULL,
  secret      text NOT NULL,
  created_by  evm_address NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, url)
);

CREATE TABLE webhook_deliveries (
  id              text PRIMARY KEY,
  subscription_id bigint NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
  event_key       text NOT NULL,
  event           text NOT NULL,
  payload         jsonb NOT NULL,
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_status     integer,
  last_error      text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  delivered_at    timestamptz,
  UNIQUE (subscription_id, event_key)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
