import type pg from 'pg';
import { newId, randomToken } from './ids';

export interface WebhookEndpointInput {
  url: string;
  /** Signing secret; defaults to the sandbox's own `webhookSecret`. */
  secret?: string;
  /** Event types to deliver; all by default. */
  events?: string[];
}

export interface WebhookEndpointInfo {
  id: string;
  url: string;
  secret: string;
  events: string[];
}

export function newWebhookSecret(): string {
  return `whsec_${randomToken(32)}`;
}

/** Adds an endpoint, or updates the one with the same URL, so restarts do not duplicate endpoints. */
export async function upsertWebhookEndpoint(
  pool: pg.Pool,
  input: WebhookEndpointInput,
  defaultSecret: string,
): Promise<WebhookEndpointInfo> {
  const url = new URL(input.url).toString();
  const { rows } = await pool.query<{
    id: string;
    url: string;
    secret: string;
    enabled_events: string[];
  }>(
    `INSERT INTO stripe_sandbox.webhook_endpoints (id, url, secret, enabled_events)
     VALUES ($1, $2, $3, $4)
     ON CONFLICT (url) DO UPDATE SET secret = EXCLUDED.secret, enabled_events = EXCLUDED.enabled_events
     RETURNING id, url, secret, enabled_events`,
    [newId('we'), url, input.secret ?? defaultSecret, input.events?.length ? input.events : ['*']],
  );
  const row = rows[0]!;
  return { id: row.id, url: row.url, secret: row.secret, events: row.enabled_events };
}

export async function removeWebhookEndpoint(pool: pg.Pool, id: string): Promise<void> {
  await pool.query('DELETE FROM stripe_sandbox.webhook_endpoints WHERE id = $1', [id]);
}
