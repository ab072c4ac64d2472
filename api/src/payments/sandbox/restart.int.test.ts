import { createTestDatabase, type TestDatabase } from '@cgp/db/testing';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPaymentSandbox, type PaymentSandbox } from './index';
import {
  FAST_RETRY,
  isAbout,
  onboardedAccount,
  paidCheckout,
  startWebhookReceiver,
  submitCheckout,
} from './test-support';

let db: TestDatabase;
const running: PaymentSandbox[] = [];

async function start(
  options: { port?: number; secretKey?: string; maxAttempts?: number } = {},
): Promise<PaymentSandbox> {
  const { maxAttempts, ...rest } = options;
  const sandbox = await startPaymentSandbox({
    pool: db.pool,
    retry: { ...FAST_RETRY, ...(maxAttempts && { maxAttempts }) },
    ...rest,
  });
  running.push(sandbox);
  return sandbox;
}

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  for (const sandbox of running) await sandbox.close();
  await db?.drop();
});

describe('restarting the sandbox on the same database', () => {
  it('keeps its keys, objects, balance and idempotency keys', async () => {
    const first = await start();
    const stripe = first.stripe();
    const { session, paymentIntent } = await paidCheckout(stripe, 50_000);
    const account = await onboardedAccount(stripe);
    const transfer = await stripe.transfers.create(
      { amount: 20_000, currency: 'cny', destination: account.id, transfer_group: 'statement-9' },
      { idempotencyKey: 'statement-9' },
    );
    await first.close();

    const second = await start({ port: first.port });
    expect(second.secretKey).toBe(first.secretKey);
    expect(second.webhookSecret).toBe(first.webhookSecret);
    const again = second.stripe();
    expect(await again.checkout.sessions.retrieve(session.id)).toMatchObject({
      status: 'complete',
    });
    expect(await again.paymentIntents.retrieve(paymentIntent.id)).toMatchObject({
      status: 'succeeded',
    });
    expect(await again.accounts.retrieve(account.id)).toMatchObject({ payouts_enabled: true });
    expect((await again.balance.retrieve()).available[0]!.amount).toBe(30_000);

    const replay = await again.transfers.create(
      { amount: 20_000, currency: 'cny', destination: account.id, transfer_group: 'statement-9' },
      { idempotencyKey: 'statement-9' },
    );
    expect(replay.id).toBe(transfer.id);
    expect((await again.transfers.list({ transfer_group: 'statement-9' })).data).toHaveLength(1);

    const page = await fetch(session.url ?? `${second.url}/c/pay/${session.id}`);
    expect(await page.text()).toContain('已支付');
    await second.close();
  });

  it('delivers webhooks that were still pending when it stopped', async () => {
    const first = await start();
    const stripe: Stripe = first.stripe();
    let receiverUp = false;
    const receiver = await startWebhookReceiver(stripe, first.webhookSecret, () =>
      receiverUp ? 200 : 503,
    );
    const endpoint = await first.addWebhookEndpoint({ url: receiver.url });
    try {
      const session = await stripe.checkout.sessions.create({
        mode: 'payment',
        line_items: [
          {
            quantity: 1,
            price_data: { currency: 'cny', unit_amount: 4_200, product_data: { name: '送餐' } },
          },
        ],
        success_url: 'http://localhost:3000/ok',
      });
      await submitCheckout(session.url!, 'succeeded');
      await expect.poll(() => receiver.deliveries.length, { timeout: 5_000 }).toBeGreaterThan(0);
      await first.close();

      receiverUp = true;
      const second = await start();
      const completed = await receiver.waitFor(isAbout(session.id, 'checkout.session.completed'));
      expect(completed.data.object).toMatchObject({ payment_status: 'paid' });
      await second.waitForWebhooks();
      const delivered = receiver.deliveries
        .filter((d) => d.status === 200)
        .map((d) => d.event.type);
      expect(delivered.sort()).toEqual([
        'charge.succeeded',
        'checkout.session.completed',
        'payment_intent.succeeded',
      ]);
      await second.removeWebhookEndpoint(endpoint.id);
      // Closed here, not at the end of the file: a dispatcher left running would claim the next
      // tests' deliveries under its own retry settings.
      await second.close();
    } finally {
      await receiver.close();
    }
  });

  it('scopes idempotency keys to the API key that used them', async () => {
    const first = await start({ secretKey: 'sk_test_platform_one' });
    const stripe = first.stripe();
    await paidCheckout(stripe, 10_000);
    const account = await onboardedAccount(stripe);
    const params = {
      amount: 100,
      currency: 'cny',
      destination: account.id,
      transfer_group: 'scoped',
    };
    const one = await stripe.transfers.create(params, { idempotencyKey: 'scoped-key' });
    await first.close();

    const second = await start({ secretKey: 'sk_test_platform_two' });
    const other = await second
      .stripe()
      .transfers.create({ ...params, amount: 200 }, { idempotencyKey: 'scoped-key' });
    expect(other.id).not.toBe(one.id);
    expect(other.lastResponse.headers['idempotent-replayed']).toBeUndefined();
    await second.close();
  });

  it('gives a delivery up after the last attempt instead of retrying forever', async () => {
    const sandbox = await start({ maxAttempts: 3 });
    const stripe = sandbox.stripe();
    const down = await startWebhookReceiver(stripe, sandbox.webhookSecret, () => 500);
    const endpoint = await sandbox.addWebhookEndpoint({
      url: down.url,
      events: ['checkout.session.completed'],
    });
    try {
      await paidCheckout(stripe, 400);
      await sandbox.waitForWebhooks({ timeoutMs: 30_000 });
      const event = down.deliveries[0]!.event;
      // Exactly three attempts for the event, all refused, then no more.
      const attempts = down.deliveries.filter((d) => d.event.id === event.id);
      expect(attempts.map((d) => d.status)).toEqual([500, 500, 500]);
      expect((await stripe.events.retrieve(event.id)).pending_webhooks).toBe(1);
    } finally {
      await sandbox.removeWebhookEndpoint(endpoint.id);
      await down.close();
      await sandbox.close();
    }
  });
});
