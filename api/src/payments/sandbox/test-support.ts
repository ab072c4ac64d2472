import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestDatabase, type TestDatabase } from '@cgp/db/testing';
import type Stripe from 'stripe';
import { startPaymentSandbox, type PaymentSandbox } from './index';

/** A webhook schedule short enough for tests, long enough to tell the retries apart. */
export const FAST_RETRY = {
  baseDelayMs: 20,
  maxDelayMs: 200,
  pollIntervalMs: 20,
  timeoutMs: 2_000,
};

export interface Delivery {
  event: Stripe.Event;
  signature: string;
  status: number;
}

export interface WebhookReceiver {
  url: string;
  /** Every delivery that passed `constructEvent`, answered or not. */
  deliveries: Delivery[];
  /** Deliveries whose signature did not verify. */
  forged: number;
  /** The first verified, 2xx-answered event matching `predicate`, waiting for it if need be. */
  waitFor(predicate: (event: Stripe.Event) => boolean, timeoutMs?: number): Promise<Stripe.Event>;
  close(): Promise<void>;
}

/**
 * A stand-in for the platform's webhook route: verifies each delivery with
 * `stripe.webhooks.constructEvent` on the raw body, as the product must, and answers with the
 * status `respond` picks (200 by default) for the event and how many times it arrived.
 */
export async function startWebhookReceiver(
  stripe: Stripe,
  secret: string,
  respond: (event: Stripe.Event, attempt: number) => number = () => 200,
): Promise<WebhookReceiver> {
  const deliveries: Delivery[] = [];
  let forged = 0;
  const app = express();
  app.post('/webhooks/stripe', express.raw({ type: 'application/json' }), (req, res) => {
    const signature = req.get('stripe-signature') ?? '';
    let event: Stripe.Event;
    try {
      event = stripe.webhooks.constructEvent(req.body as Buffer, signature, secret);
    } catch {
      forged += 1;
      res.status(400).end();
      return;
    }
    const attempt = deliveries.filter((d) => d.event.id === event.id).length + 1;
    const status = respond(event, attempt);
    deliveries.push({ event, signature, status });
    res.status(status).end();
  });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/webhooks/stripe`,
    deliveries,
    get forged() {
      return forged;
    },
    async waitFor(predicate, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const hit = deliveries.find((d) => d.status < 300 && predicate(d.event));
        if (hit) return hit.event;
        if (Date.now() > deadline) {
          const seen = deliveries.map((d) => `${d.event.type}:${d.status}`).join(', ');
          throw new Error(
            `no matching webhook within ${timeoutMs} ms; received: ${seen || 'nothing'}`,
          );
        }
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The object an event carries, when the event is about `id`. */
export function isAbout(id: string, type?: Stripe.Event['type']) {
  return (event: Stripe.Event) =>
    (type === undefined || event.type === type) && (event.data.object as { id?: string }).id === id;
}

/** What a script does with the hosted Checkout page: POST the outcome, ask for JSON. */
export async function submitCheckout(
  url: string,
  outcome: 'succeeded' | 'failed',
  paymentMethod?: string,
): Promise<{
  status: number;
  body: {
    outcome: string;
    checkout_session: Stripe.Checkout.Session;
    payment_intent: Stripe.PaymentIntent | null;
    redirect_url: string | null;
  };
}> {
  const form = new URLSearchParams({
    outcome,
    ...(paymentMethod && { payment_method: paymentMethod }),
  });
  const response = await fetch(url, {
    method: 'POST',
    headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
  return { status: response.status, body: (await response.json()) as never };
}

/** A checkout for `amount` fen, created through the SDK as the product would. */
export function createCheckout(
  stripe: Stripe,
  amount: number,
  extra: Partial<Stripe.Checkout.SessionCreateParams> = {},
): Promise<Stripe.Checkout.Session> {
  return stripe.checkout.sessions.create({
    mode: 'payment',
    line_items: [
      {
        quantity: 1,
        price_data: {
          currency: 'cny',
          unit_amount: amount,
          product_data: { name: '日常保洁 Routine cleaning' },
        },
      },
    ],
    allowed_payment_method_types: ['card', 'alipay', 'wechat_pay'],
    payment_method_options: { wechat_pay: { client: 'web' } },
    success_url: 'http://localhost:3000/orders/paid?session={CHECKOUT_SESSION_ID}',
    cancel_url: 'http://localhost:3000/orders/cancelled',
    ...extra,
  });
}

/** A checkout paid through the hosted page: money in the platform balance. */
export async function paidCheckout(
  stripe: Stripe,
  amount: number,
): Promise<{ session: Stripe.Checkout.Session; paymentIntent: Stripe.PaymentIntent }> {
  const session = await createCheckout(stripe, amount);
  const { body } = await submitCheckout(session.url!, 'succeeded');
  return { session: body.checkout_session, paymentIntent: body.payment_intent! };
}

/** An Express account that finished onboarding through its account link. */
export async function onboardedAccount(stripe: Stripe): Promise<Stripe.Account> {
  const account = await stripe.accounts.create({
    type: 'express',
    country: 'CN',
    email: 'merchant@example.com',
  });
  const link = await stripe.accountLinks.create({
    account: account.id,
    refresh_url: 'http://localhost:3000/merchant/connect/refresh',
    return_url: 'http://localhost:3000/merchant/connect/done',
    type: 'account_onboarding',
  });
  const response = await fetch(link.url, {
    method: 'POST',
    headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' },
    body: 'outcome=completed',
  });
  if (response.status !== 200) throw new Error(`onboarding failed: ${response.status}`);
  return stripe.accounts.retrieve(account.id);
}

export interface SandboxUnderTest {
  sandbox: PaymentSandbox;
  stripe: Stripe;
  /** Subscribed to every event of the sandbox. */
  receiver: WebhookReceiver;
  /** The sandbox's database, to look at or hold what a test needs. */
  pool: TestDatabase['pool'];
  close(): Promise<void>;
}

/** A sandbox on a database of its own, with fast webhook retries and a receiver for all events. */
export async function startSandboxUnderTest(): Promise<SandboxUnderTest> {
  const db = await createTestDatabase();
  const sandbox = await startPaymentSandbox({ pool: db.pool, retry: FAST_RETRY });
  const stripe = sandbox.stripe();
  const receiver = await startWebhookReceiver(stripe, sandbox.webhookSecret);
  await sandbox.addWebhookEndpoint({ url: receiver.url });
  return {
    sandbox,
    stripe,
    receiver,
    pool: db.pool,
    async close() {
      await sandbox.close();
      await receiver.close();
      await db.drop();
    },
  };
}

/** The platform's available CNY balance, in fen. */
export async function availableCny(stripe: Stripe): Promise<number> {
  return (await stripe.balance.retrieve()).available.find((a) => a.currency === 'cny')?.amount ?? 0;
}
