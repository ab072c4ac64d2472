import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { pino } from 'pino';
import Stripe from 'stripe';
import type { Logger } from '../../logger';
import { setTerms, type SandboxTerms } from './balance';
import { recordPastPayments, type PastPayment } from './checkout-payment.service';
import { FaultInjector } from './faults';
import { randomToken } from './ids';
import { startMaintenance } from './maintenance';
import { ensureSandboxSchema, persistentSetting } from './schema';
import { createSandboxApp } from './server';
import { transaction } from './store';
import {
  newWebhookSecret,
  removeWebhookEndpoint,
  upsertWebhookEndpoint,
  type WebhookEndpointInfo,
  type WebhookEndpointInput,
} from './webhook-endpoints';
import { DEFAULT_RETRY, WebhookDispatcher, type WebhookRetryOptions } from './webhooks';

export type { SandboxTerms } from './balance';
export type { PastPayment } from './checkout-payment.service';

/** The ids of a payment recorded by `recordPastPayments`. */
export interface RecordedPastPayment {
  checkoutSessionId: string;
  paymentIntentId: string;
  chargeId: string;
  balanceTransactionId: string;
  /** What the processor kept of the charge. */
  feeFen: number;
  /** The session's hosted page as it was when created. */
  url: string;
  amount: number;
  method: PastPayment['method'];
}
export type { ActiveFault, FaultKind, FaultRule } from './faults';
export { FaultInjector } from './faults';
export { signatureHeader } from './webhooks';
export type { WebhookEndpointInfo, WebhookEndpointInput } from './webhook-endpoints';
export type { WebhookRetryOptions } from './webhooks';

export interface PaymentSandboxOptions {
  /** Where to keep state (schema `stripe_sandbox`); the sandbox opens and closes its own pool. */
  databaseUrl?: string;
  /** Or a pool the caller owns; `close()` leaves it open. */
  pool?: pg.Pool;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Interface to listen on; 127.0.0.1 by default. */
  host?: string;
  /** Origin of the hosted pages as a browser reaches them; `http://host:port` by default. */
  publicUrl?: string;
  /** API key clients must present; by default one is generated on first start and kept in the database. */
  secretKey?: string;
  /** Signing secret of endpoints added without one; generated and kept like `secretKey` by default. */
  webhookSecret?: string;
  /** Endpoints to add (or update, by URL) on start. */
  webhookEndpoints?: WebhookEndpointInput[];
  /** Webhook retry schedule; tests shorten it. */
  retry?: Partial<WebhookRetryOptions>;
  /** Fees, funds availability and dispute fee; kept in the database, all zero until set. */
  terms?: Partial<SandboxTerms>;
  /** How often unpaid sessions past `expires_at` are expired; 30 s by default. */
  maintenanceIntervalMs?: number;
  logger?: Logger;
}

export interface PaymentSandbox {
  /** Base URL of the sandbox (its hosted pages hang off it). */
  url: string;
  host: string;
  port: number;
  secretKey: string;
  webhookSecret: string;
  /** What to give `new Stripe(secretKey, { ...stripeConfig })` so the SDK talks to the sandbox. */
  stripeConfig: { host: string; port: number; protocol: 'http' };
  /** An SDK client pointed at the sandbox; `config` is merged over the sandbox's defaults. */
  stripe(config?: Stripe.StripeConfig): Stripe;
  addWebhookEndpoint(endpoint: WebhookEndpointInput): Promise<WebhookEndpointInfo>;
  removeWebhookEndpoint(id: string): Promise<void>;
  /** Resolves when every queued webhook was delivered or given up; rejects after `timeoutMs`. */
  waitForWebhooks(options?: { timeoutMs?: number }): Promise<void>;
  faults: FaultInjector;
  /** Changes the terms later charges and disputes are made on. */
  setTerms(terms: Partial<SandboxTerms>): Promise<SandboxTerms>;
  /** Forgets every idempotency key now, as Stripe does after 24 hours. */
  forgetIdempotencyKeys(): Promise<void>;
  /**
   * Records Checkout payments that happened in the past (the demo's history), dated when they
   * were paid, in one transaction and without events; answers their ids in the same order.
   */
  recordPastPayments(payments: PastPayment[]): Promise<RecordedPastPayment[]>;
  /** Stops serving and delivering; undelivered webhooks stay queued for the next start. */
  close(): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/**
 * Starts the local Stripe-compatible server (SPEC §5) for when no real Stripe key is configured:
 * the real `stripe` SDK talks to it over HTTP and it signs and delivers webhooks like Stripe.
 */
export async function startPaymentSandbox(
  options: PaymentSandboxOptions = {},
): Promise<PaymentSandbox> {
  if (!options.pool && !options.databaseUrl)
    throw new Error('startPaymentSandbox needs a pool or a databaseUrl');
  const ownPool = !options.pool;
  const pool = options.pool ?? new pg.Pool({ connectionString: options.databaseUrl, max: 10 });
  if (ownPool) pool.on('error', () => undefined);
  const logger = options.logger ?? pino({ level: 'silent' });
  const retry: WebhookRetryOptions = { ...DEFAULT_RETRY, ...options.retry };

  try {
    await ensureSandboxSchema(pool);
    const secretKey =
      options.secretKey ??
      (await persistentSetting(pool, 'secret_key', `sk_test_${randomToken(40)}`));
    if (!secretKey.startsWith('sk_test_'))
      throw new Error('The sandbox secret key must start with sk_test_');
    const webhookSecret =
      options.webhookSecret ??
      (await persistentSetting(pool, 'webhook_secret', newWebhookSecret()));
    if (options.terms) await setTerms(pool, options.terms);
    for (const endpoint of options.webhookEndpoints ?? []) {
      await upsertWebhookEndpoint(pool, endpoint, webhookSecret);
    }

    // Listening is the last step that can fail, so a failed start leaves no server behind.
    const host = options.host ?? '127.0.0.1';
    const server = createServer();
    server.keepAliveTimeout = 5_000;
    const port = await listen(server, options.port ?? 0, host);
    const clientHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
    const url = (options.publicUrl ?? `http://${clientHost}:${port}`).replace(/\/+$/, '');

    const dispatcher = new WebhookDispatcher(pool, retry, logger);
    const afterCommit = () => dispatcher.kick();
    const faults = new FaultInjector();
    server.on(
      'request',
      createSandboxApp({ pool, secretKey, publicUrl: url, faults, logger, afterCommit }),
    );
    dispatcher.start();
    const maintenance = startMaintenance(pool, {
      intervalMs: options.maintenanceIntervalMs ?? 30_000,
      logger,
      afterCommit,
    });
    logger.info({ url }, 'payment sandbox listening');

    const stripeConfig = { host: clientHost, port, protocol: 'http' as const };
    let closing: Promise<void> | null = null;
    const shutdown = async () => {
      await maintenance.stop();
      await dispatcher.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      if (ownPool) await pool.end();
    };
    return {
      url,
      host,
      port,
      secretKey,
      webhookSecret,
      stripeConfig,
      stripe: (config = {}) =>
        new Stripe(secretKey, {
          ...stripeConfig,
          telemetry: false,
          maxNetworkRetries: 2,
          ...config,
        }),
      addWebhookEndpoint: (endpoint) => upsertWebhookEndpoint(pool, endpoint, webhookSecret),
      removeWebhookEndpoint: (id) => removeWebhookEndpoint(pool, id),
      waitForWebhooks: ({ timeoutMs = 10_000 } = {}) => dispatcher.idle(timeoutMs),
      faults,
      setTerms: (terms) => setTerms(pool, terms),
      forgetIdempotencyKeys: async () => {
        await pool.query('DELETE FROM stripe_sandbox.idempotency_keys');
      },
      recordPastPayments: (payments) =>
        transaction(pool, (tx) => recordPastPayments(tx, payments, url)),
      close: () => (closing ??= shutdown()),
    };
  } catch (error) {
    if (ownPool) await pool.end();
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`The payment sandbox could not start: ${reason}`, { cause: error });
  }
}
