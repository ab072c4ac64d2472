import type pg from 'pg';

/**
 * The sandbox keeps its state in a schema of its own, created here rather than by the product's
 * migrations: it plays an outside service, so the product's schema must not know about it.
 * Every statement is idempotent; start-up runs them all each time.
 */
const DDL = `
CREATE SCHEMA IF NOT EXISTS stripe_sandbox;

CREATE TABLE IF NOT EXISTS stripe_sandbox.settings (
  key text PRIMARY KEY,
  value text NOT NULL
);

-- Every API object as Stripe would render it (data), plus what only the sandbox needs (internal).
CREATE TABLE IF NOT EXISTS stripe_sandbox.objects (
  id text PRIMARY KEY,
  type text NOT NULL,
  seq bigserial NOT NULL,
  data jsonb NOT NULL,
  internal jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS objects_type_seq_idx ON stripe_sandbox.objects (type, seq);
CREATE INDEX IF NOT EXISTS objects_payment_intent_idx
  ON stripe_sandbox.objects (type, (data->>'payment_intent'));
CREATE INDEX IF NOT EXISTS objects_transfer_group_idx
  ON stripe_sandbox.objects (type, (data->>'transfer_group'));

-- The platform balance as a ledger: available = the sum of amounts per currency.
CREATE TABLE IF NOT EXISTS stripe_sandbox.balance_transactions (
  id text PRIMARY KEY,
  type text NOT NULL,
  source text NOT NULL,
  amount bigint NOT NULL,
  currency text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
-- What the processor keeps (fee) and when the net becomes spendable (available_on), as Stripe does.
ALTER TABLE stripe_sandbox.balance_transactions
  ADD COLUMN IF NOT EXISTS fee bigint NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS available_on timestamptz NOT NULL DEFAULT now(),
  ADD COLUMN IF NOT EXISTS reporting_category text,
  ADD COLUMN IF NOT EXISTS description text,
  ADD COLUMN IF NOT EXISTS seq bigserial;
CREATE INDEX IF NOT EXISTS balance_transactions_source_idx
  ON stripe_sandbox.balance_transactions (source);

CREATE TABLE IF NOT EXISTS stripe_sandbox.idempotency_keys (
  api_key_hash text NOT NULL,
  key text NOT NULL,
  method text NOT NULL,
  path text NOT NULL,
  fingerprint text NOT NULL,
  request_id text NOT NULL,
  status int,
  body jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (api_key_hash, key)
);

CREATE TABLE IF NOT EXISTS stripe_sandbox.webhook_endpoints (
  id text PRIMARY KEY,
  url text NOT NULL UNIQUE,
  secret text NOT NULL,
  enabled_events text[] NOT NULL DEFAULT '{*}',
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS stripe_sandbox.webhook_deliveries (
  id bigserial PRIMARY KEY,
  event_id text NOT NULL REFERENCES stripe_sandbox.objects (id),
  endpoint_id text NOT NULL REFERENCES stripe_sandbox.webhook_endpoints (id) ON DELETE CASCADE,
  attempts int NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  delivered_at timestamptz,
  failed_at timestamptz,
  last_status int,
  last_error text
);
CREATE INDEX IF NOT EXISTS webhook_deliveries_due_idx
  ON stripe_sandbox.webhook_deliveries (next_attempt_at)
  WHERE delivered_at IS NULL AND failed_at IS NULL;
`;

/** Two processes starting on one database would race on `CREATE … IF NOT EXISTS`; a lock orders them. */
const SCHEMA_LOCK = 'stripe_sandbox.schema';

export async function ensureSandboxSchema(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [SCHEMA_LOCK]);
    try {
      await client.query(DDL);
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [SCHEMA_LOCK]);
    }
  } finally {
    client.release();
  }
}

/** A setting fixed on first start (keys, secrets) so restarts keep talking to the same clients. */
export async function persistentSetting(
  pool: pg.Pool,
  key: string,
  initial: string,
): Promise<string> {
  const { rows } = await pool.query<{ value: string }>(
    `INSERT INTO stripe_sandbox.settings (key, value) VALUES ($1, $2)
     ON CONFLICT (key) DO UPDATE SET value = stripe_sandbox.settings.value
     RETURNING value`,
    [key, initial],
  );
  return rows[0]!.value;
}
