import { createHmac } from 'node:crypto';
import type pg from 'pg';
import type { Logger } from '../../logger';
import { nowSeconds } from './ids';

export interface WebhookRetryOptions {
  /** Delay before the first retry; each later one doubles, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Deliveries still failing after this many attempts are given up (Stripe: about 3 days). */
  maxAttempts: number;
  /** How long a receiver may take to answer one attempt. */
  timeoutMs: number;
  /** How often the dispatcher looks for due retries; new events are sent at once regardless. */
  pollIntervalMs: number;
}

export const DEFAULT_RETRY: WebhookRetryOptions = {
  baseDelayMs: 5_000,
  maxDelayMs: 60 * 60_000,
  maxAttempts: 30,
  timeoutMs: 10_000,
  pollIntervalMs: 1_000,
};

/** The `Stripe-Signature` header exactly as Stripe builds it: HMAC-SHA256 over `t.payload`. */
export function signatureHeader(payload: string, secret: string, timestamp = nowSeconds()): string {
  const signature = createHmac('sha256', secret)
    .update(`${timestamp}.${payload}`, 'utf8')
    .digest('hex');
  return `t=${timestamp},v1=${signature}`;
}

interface DueDelivery {
  id: string;
  attempts: number;
  url: string;
  secret: string;
  event: unknown;
  event_id: string;
}

const BATCH = 20;

/**
 * Sends stored deliveries until each gets a 2xx or runs out of attempts. All state is in
 * PostgreSQL: a claim leases a delivery for one attempt, so after a crash or restart pending and
 * half-sent deliveries are picked up again, and several processes never send the same attempt twice.
 */
export class WebhookDispatcher {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private closed = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly retry: WebhookRetryOptions,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.kick();
  }

  /** Looks for due deliveries now instead of at the next poll, e.g. right after a commit. */
  kick(): void {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.running = this.tick().finally(() => {
      this.running = null;
      if (this.closed) return;
      if (this.again) {
        this.again = false;
        this.kick();
      } else {
        this.timer = setTimeout(() => this.kick(), this.retry.pollIntervalMs);
      }
    });
  }

  /**
   * Stops claiming deliveries and waits for those in flight (each bounded by `timeoutMs`): cutting
   * one short would leave the receiver's answer unknown and the event sent twice.
   */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** Resolves once no delivery is waiting for another attempt; for tests and graceful demos. */
  async idle(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { rows } = await this.pool.query<{ pending: number }>(
        `SELECT count(*)::int AS pending FROM stripe_sandbox.webhook_deliveries
          WHERE delivered_at IS NULL AND failed_at IS NULL`,
      );
      if (rows[0]!.pending === 0) return;
      if (Date.now() > deadline) {
        throw new Error(
          `${rows[0]!.pending} webhook deliveries still pending after ${timeoutMs} ms`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  private async tick(): Promise<void> {
    try {
      for (;;) {
        const due = await this.claim();
        await Promise.all(due.map((delivery) => this.deliver(delivery)));
        if (due.length < BATCH || this.closed) return;
      }
    } catch (error) {
      if (!this.closed)
        this.logger.error({ err: error }, 'payment sandbox: webhook dispatch failed');
    }
  }

  private async claim(): Promise<DueDelivery[]> {
    const leaseMs = this.retry.timeoutMs + 5_000;
    const { rows } = await this.pool.query<DueDelivery>(
      `WITH due AS (
         SELECT id FROM stripe_sandbox.webhook_deliveries
          WHERE delivered_at IS NULL AND failed_at IS NULL AND next_attempt_at <= now()
          ORDER BY id LIMIT $1
          FOR UPDATE SKIP LOCKED)
       UPDATE stripe_sandbox.webhook_deliveries d
          SET attempts = d.attempts + 1, next_attempt_at = now() + $2 * interval '1 millisecond'
         FROM due, stripe_sandbox.webhook_endpoints e, stripe_sandbox.objects ev
        WHERE d.id = due.id AND e.id = d.endpoint_id AND ev.id = d.event_id
       RETURNING d.id::text AS id, d.attempts, e.url, e.secret, ev.data AS event, d.event_id`,
      [BATCH, leaseMs],
    );
    return rows;
  }

  private async deliver(delivery: DueDelivery): Promise<void> {
    // Stripe sends pretty-printed JSON and signs each attempt with the time of that attempt.
    const payload = JSON.stringify(delivery.event, null, 2);
    let status: number | null = null;
    let failure: string | null = null;
    try {
      const response = await fetch(delivery.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json; charset=utf-8',
          'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
          'Stripe-Signature': signatureHeader(payload, delivery.secret),
        },
        body: payload,
        signal: AbortSignal.timeout(this.retry.timeoutMs),
      });
      status = response.status;
      await response.body?.cancel();
      if (status < 200 || status >= 300) failure = `HTTP ${status}`;
    } catch (error) {
      failure = error instanceof Error ? error.message : String(error);
    }
    if (!failure) {
      await this.pool.query(
        `WITH done AS (
           UPDATE stripe_sandbox.webhook_deliveries
              SET delivered_at = now(), last_status = $2, last_error = NULL
            WHERE id = $1 RETURNING event_id)
         UPDATE stripe_sandbox.objects o
            SET data = jsonb_set(o.data, '{pending_webhooks}',
                                 to_jsonb(GREATEST((o.data->>'pending_webhooks')::int - 1, 0)))
           FROM done WHERE o.id = done.event_id`,
        [delivery.id, status],
      );
      return;
    }
    const giveUp = delivery.attempts >= this.retry.maxAttempts;
    const delay = Math.min(
      this.retry.maxDelayMs,
      this.retry.baseDelayMs * 2 ** (delivery.attempts - 1),
    );
    await this.pool.query(
      `UPDATE stripe_sandbox.webhook_deliveries
          SET last_status = $2, last_error = $3,
              failed_at = CASE WHEN $4 THEN now() END,
              next_attempt_at = now() + $5 * interval '1 millisecond'
        WHERE id = $1`,
      [delivery.id, status, failure, giveUp, delay],
    );
    this.logger.warn(
      {
        eventId: delivery.event_id,
        url: delivery.url,
        attempt: delivery.attempts,
        failure,
        giveUp,
      },
      'payment sandbox: webhook delivery failed',
    );
  }
}
