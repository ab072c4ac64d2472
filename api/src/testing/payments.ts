import type { Env } from '../env';
import { createPayments, type Payments } from '../modules/payments/stripe-client';
import { mountPaymentRoutes } from '../modules/payments/webhook.routes';
import type { PaymentSandbox } from '../payments/sandbox';
import { startApiServer, type ApiServer } from '../server';
import { createTestDeps, type TestDeps } from './harness';

export interface PaymentTestDeps extends TestDeps {
  payments: Payments;
  /** The sandbox behind `payments`, for faults, `waitForWebhooks` and webhook endpoints. */
  sandbox: PaymentSandbox;
}

/** Webhook retries short enough for a test, long enough to tell them apart. */
const TEST_WEBHOOK_RETRY = {
  baseDelayMs: 20,
  maxDelayMs: 200,
  pollIntervalMs: 20,
  timeoutMs: 2_000,
};

/**
 * `createTestDeps` plus a payment sandbox of the test file's own, on its database and a free
 * port, made the way start-up makes it. It has no webhook endpoint until `serveWithPayments`
 * knows the port the API listens on.
 */
export async function createPaymentTestDeps(
  overrides: Partial<Record<keyof Env, string>> = {},
): Promise<PaymentTestDeps> {
  const deps = await createTestDeps(overrides);
  const payments = await createPayments({
    env: deps.env,
    pool: deps.database.pool,
    logger: deps.logger,
    sandboxOptions: {
      port: 0,
      host: '127.0.0.1',
      publicUrl: undefined,
      webhookEndpoints: [],
      retry: TEST_WEBHOOK_RETRY,
    },
  });
  return {
    ...deps,
    payments,
    sandbox: payments.sandbox!,
    async teardown() {
      await payments.close();
      await deps.teardown();
    },
  };
}

/**
 * Starts the API on a free port with the payment routes, and points the sandbox's webhooks at
 * it: events then travel over real HTTP with real signatures, as in production.
 */
export async function serveWithPayments(
  deps: PaymentTestDeps,
): Promise<ApiServer & { url: string }> {
  const api = await startApiServer(deps, 0, { mount: mountPaymentRoutes(deps) });
  const url = `http://127.0.0.1:${api.port}`;
  await deps.sandbox.addWebhookEndpoint({ url: `${url}/webhooks/stripe` });
  return { ...api, url };
}

/** What a script does on the sandbox's hosted Checkout page: POST the outcome, ask for JSON. */
export async function submitCheckoutPage(
  url: string,
  outcome: 'succeeded' | 'failed',
  paymentMethod?: 'card' | 'alipay' | 'wechat_pay',
) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      outcome,
      ...(paymentMethod && { payment_method: paymentMethod }),
    }).toString(),
  });
  return {
    status: response.status,
    body: (await response.json()) as { outcome: string; payment_intent: { id: string } | null },
  };
}

/**
 * Sends an event to the API's webhook route as Stripe would, signed with `secret` (the real one
 * by default) at `timestamp` (now by default).
 */
export async function postWebhook(
  deps: PaymentTestDeps,
  baseUrl: string,
  event: unknown,
  options: {
    secret?: string;
    timestamp?: number;
    /** Changes the body after it was signed, as a man in the middle would. */
    tamper?: (payload: string) => string;
  } = {},
) {
  const payload = JSON.stringify(event);
  const signature = deps.payments.stripe.webhooks.generateTestHeaderString({
    payload,
    secret: options.secret ?? deps.payments.webhookSecret,
    timestamp: options.timestamp,
  });
  const response = await fetch(`${baseUrl}/webhooks/stripe`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Stripe-Signature': signature },
    body: options.tamper ? options.tamper(payload) : payload,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** A tRPC call over HTTP (plain JSON, as the apps make it), signed in with a bearer token. */
export async function trpcOverHttp<T = unknown>(
  baseUrl: string,
  token: string | null,
  path: string,
  input?: unknown,
  kind: 'query' | 'mutation' = 'mutation',
) {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  const query = kind === 'query' && input !== undefined;
  const response = await fetch(
    `${baseUrl}/trpc/${path}${query ? `?input=${encodeURIComponent(JSON.stringify(input))}` : ''}`,
    {
      method: kind === 'query' ? 'GET' : 'POST',
      headers,
      body: kind === 'mutation' ? JSON.stringify(input ?? null) : undefined,
    },
  );
  const body = (await response.json()) as {
    result?: { data: T };
    error?: { message: string; data: { code: string; reason?: string } };
  };
  return { status: response.status, data: body.result?.data, error: body.error };
}

/** Connect accounts and platform funding made through the sandbox's hosted pages, as in production. */
export { onboardedAccount, paidCheckout } from '../payments/sandbox/test-support';
