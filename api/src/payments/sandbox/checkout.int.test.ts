import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PaymentSandbox } from './index';
import {
  createCheckout,
  isAbout,
  type SandboxUnderTest,
  startSandboxUnderTest,
  startWebhookReceiver,
  submitCheckout,
  type WebhookReceiver,
} from './test-support';

let under: SandboxUnderTest;
let sandbox: PaymentSandbox;
let stripe: Stripe;
let receiver: WebhookReceiver;

beforeAll(async () => {
  under = await startSandboxUnderTest();
  ({ sandbox, stripe, receiver } = under);
});
afterAll(() => under?.close());

describe('Checkout Sessions', () => {
  it('a paid session delivers signed webhooks the product can verify and act on', async () => {
    const session = await createCheckout(stripe, 12_345, {
      client_reference_id: 'order-1',
      metadata: { order_id: 'order-1' },
      payment_intent_data: { transfer_group: 'order-1', metadata: { order_id: 'order-1' } },
    });
    expect(session).toMatchObject({
      object: 'checkout.session',
      status: 'open',
      payment_status: 'unpaid',
      amount_total: 12_345,
      currency: 'cny',
      payment_method_types: ['card', 'alipay', 'wechat_pay'],
    });
    expect(session.id).toMatch(/^cs_test_/);
    expect(session.url).toBe(`${sandbox.url}/c/pay/${session.id}`);

    const { status, body } = await submitCheckout(session.url!, 'succeeded', 'wechat_pay');
    expect(status).toBe(200);
    expect(body.redirect_url).toBe(`http://localhost:3000/orders/paid?session=${session.id}`);

    const completed = await receiver.waitFor(isAbout(session.id, 'checkout.session.completed'));
    const paid = completed.data.object as Stripe.Checkout.Session;
    expect(completed).toMatchObject({
      object: 'event',
      livemode: false,
      api_version: Stripe.API_VERSION,
    });
    expect(completed.id).toMatch(/^evt_/);
    expect(paid).toMatchObject({
      status: 'complete',
      payment_status: 'paid',
      client_reference_id: 'order-1',
      metadata: { order_id: 'order-1' },
    });
    expect(paid.payment_intent).toMatch(/^pi_/);

    const intent = await stripe.paymentIntents.retrieve(paid.payment_intent as string, {
      expand: ['latest_charge'],
    });
    expect(intent).toMatchObject({
      status: 'succeeded',
      amount: 12_345,
      amount_received: 12_345,
      transfer_group: 'order-1',
      metadata: { order_id: 'order-1' },
      payment_method_types: ['wechat_pay'],
    });
    const charge = intent.latest_charge as Stripe.Charge;
    expect(charge).toMatchObject({
      object: 'charge',
      paid: true,
      amount: 12_345,
      amount_refunded: 0,
    });
    expect(charge.payment_method_details?.type).toBe('wechat_pay');

    await receiver.waitFor(isAbout(intent.id, 'payment_intent.succeeded'));
    await receiver.waitFor(isAbout(charge.id, 'charge.succeeded'));
    expect(receiver.forged).toBe(0);

    const listed = await stripe.checkout.sessions.list({ payment_intent: intent.id });
    expect(listed.data.map((s) => s.id)).toEqual([session.id]);
    const items = await stripe.checkout.sessions.listLineItems(session.id);
    expect(items.data[0]).toMatchObject({
      amount_total: 12_345,
      quantity: 1,
      description: '日常保洁 Routine cleaning',
    });
  });

  it('serves a page a person can pay on, and redirects the browser to success_url', async () => {
    const session = await createCheckout(stripe, 9_900);
    const page = await fetch(session.url!);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(html).toContain('¥99.00');
    expect(html).toContain('日常保洁 Routine cleaning');
    expect(html).toMatch(/<button[^>]*value="succeeded"[^>]*>支付 Pay/);
    expect(html).toMatch(/<button[^>]*value="failed"[^>]*>模拟失败 Fail/);

    const response = await fetch(session.url!, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'text/html' },
      body: 'outcome=succeeded&payment_method=alipay',
      redirect: 'manual',
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(
      `http://localhost:3000/orders/paid?session=${session.id}`,
    );
    expect((await stripe.checkout.sessions.retrieve(session.id)).payment_status).toBe('paid');
  });

  it('a declined payment leaves the session open, and a later payment reuses its PaymentIntent', async () => {
    const session = await createCheckout(stripe, 5_000);
    const failed = await submitCheckout(session.url!, 'failed');
    expect(failed.status).toBe(200);
    expect(failed.body.redirect_url).toBe('http://localhost:3000/orders/cancelled');
    const declinedIntent = failed.body.payment_intent!;
    const event = await receiver.waitFor(
      isAbout(declinedIntent.id, 'payment_intent.payment_failed'),
    );
    expect((event.data.object as Stripe.PaymentIntent).last_payment_error?.code).toBe(
      'card_declined',
    );
    expect(await stripe.checkout.sessions.retrieve(session.id)).toMatchObject({
      status: 'open',
      payment_status: 'unpaid',
    });

    const paid = await submitCheckout(session.url!, 'succeeded');
    expect(paid.body.payment_intent).toMatchObject({ id: declinedIntent.id, status: 'succeeded' });
    await receiver.waitFor(isAbout(session.id, 'checkout.session.completed'));
  });

  it('paying a completed session again changes nothing', async () => {
    const session = await createCheckout(stripe, 1_000);
    const first = await submitCheckout(session.url!, 'succeeded');
    const second = await submitCheckout(session.url!, 'succeeded');
    expect(second.body.payment_intent!.id).toBe(first.body.payment_intent!.id);
    await sandbox.waitForWebhooks();
    const completions = receiver.deliveries.filter((d) =>
      isAbout(session.id, 'checkout.session.completed')(d.event),
    );
    expect(completions).toHaveLength(1);
    const failing = await submitCheckout(session.url!, 'failed');
    expect(failing.status).toBe(400);
  });

  it('an expired session can no longer be paid', async () => {
    const session = await createCheckout(stripe, 2_000);
    const expired = await stripe.checkout.sessions.expire(session.id);
    expect(expired.status).toBe('expired');
    await receiver.waitFor(isAbout(session.id, 'checkout.session.expired'));

    const attempt = await submitCheckout(`${sandbox.url}/c/pay/${session.id}`, 'succeeded');
    expect(attempt.status).toBe(400);
    expect(attempt.body.outcome).toBe('expired');
    await expect(stripe.checkout.sessions.expire(session.id)).rejects.toBeInstanceOf(
      Stripe.errors.StripeInvalidRequestError,
    );
  });

  it('refuses what Stripe would refuse, naming the parameter', async () => {
    const tooSoon = createCheckout(stripe, 100, {
      expires_at: Math.floor(Date.now() / 1000) + 15 * 60,
    });
    await expect(tooSoon).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      statusCode: 400,
      param: 'expires_at',
    });
    await expect(
      createCheckout(stripe, 100, {
        line_items: [
          {
            quantity: 1,
            price_data: { currency: 'usd', unit_amount: 1, product_data: { name: 'x' } },
          },
        ],
      }),
    ).rejects.toMatchObject({ param: 'line_items[0][price_data][currency]' });
    await expect(
      stripe.checkout.sessions.create({
        mode: 'payment',
        success_url: 'http://x/ok',
        colour: 'red',
      } as Stripe.Checkout.SessionCreateParams),
    ).rejects.toMatchObject({ code: 'parameter_unknown', param: 'colour' });
    await expect(stripe.checkout.sessions.retrieve('cs_test_missing')).rejects.toMatchObject({
      statusCode: 404,
      code: 'resource_missing',
    });
  });

  it('requires the secret key', async () => {
    const stranger = new Stripe('sk_test_not_the_sandbox_key', sandbox.stripeConfig);
    await expect(stranger.balance.retrieve()).rejects.toBeInstanceOf(
      Stripe.errors.StripeAuthenticationError,
    );
    const anonymous = await fetch(`${sandbox.url}/v1/balance`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: { type: 'invalid_request_error' } });
  });
});

describe('webhook delivery', () => {
  it('retries a failing receiver with backoff until it answers 2xx', async () => {
    const flaky = await startWebhookReceiver(stripe, sandbox.webhookSecret, (event, attempt) =>
      event.type === 'checkout.session.completed' && attempt <= 2 ? 500 : 200,
    );
    const endpoint = await sandbox.addWebhookEndpoint({
      url: flaky.url,
      events: ['checkout.session.completed'],
    });
    try {
      const session = await createCheckout(stripe, 3_000);
      await submitCheckout(session.url!, 'succeeded');
      const event = await flaky.waitFor(isAbout(session.id, 'checkout.session.completed'));

      const attempts = flaky.deliveries.filter((d) => d.event.id === event.id);
      expect(attempts.map((a) => a.status)).toEqual([500, 500, 200]);
      expect(flaky.deliveries.every((d) => d.event.type === 'checkout.session.completed')).toBe(
        true,
      );
      await sandbox.waitForWebhooks();
      const stored = await stripe.events.retrieve(event.id);
      expect(stored.pending_webhooks).toBe(0);
    } finally {
      await sandbox.removeWebhookEndpoint(endpoint.id);
      await flaky.close();
    }
  });

  it('signs each payload so that a different secret fails verification', async () => {
    const wrongSecret = await startWebhookReceiver(stripe, 'whsec_not_the_right_one', () => 200);
    const endpoint = await sandbox.addWebhookEndpoint({
      url: wrongSecret.url,
      secret: 'whsec_other',
    });
    try {
      const session = await createCheckout(stripe, 700);
      await submitCheckout(session.url!, 'succeeded');
      await expect.poll(() => wrongSecret.forged, { timeout: 5_000 }).toBeGreaterThan(0);
      expect(wrongSecret.deliveries).toHaveLength(0);
    } finally {
      await sandbox.removeWebhookEndpoint(endpoint.id);
      await wrongSecret.close();
    }
  });
});
