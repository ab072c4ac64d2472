import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  availableCny,
  isAbout,
  paidCheckout,
  type SandboxUnderTest,
  startSandboxUnderTest,
  type WebhookReceiver,
} from './test-support';

let under: SandboxUnderTest;
let stripe: Stripe;
let receiver: WebhookReceiver;

beforeAll(async () => {
  under = await startSandboxUnderTest();
  ({ stripe, receiver } = under);
});
afterAll(() => under?.close());

describe('Refunds', () => {
  it('refuses to refund a charge while its dispute is open, and refunds it once the dispute is won', async () => {
    const { paymentIntent } = await paidCheckout(stripe, 4_000);
    const charge = paymentIntent.latest_charge as string;
    const helper = (path: string, form: Record<string, string>) =>
      stripe.rawRequest('POST', `/v1/test_helpers/${path}`, form) as Promise<
        Stripe.Response<Stripe.Dispute>
      >;
    const dispute = await helper(`charges/${charge}/dispute`, {});

    const refused = stripe.refunds.create(
      { payment_intent: paymentIntent.id },
      { idempotencyKey: 'refund-disputed-1' },
    );
    await expect(refused).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      code: 'charge_disputed',
    });
    // The refusal is saved under its key, as Stripe saves it, even once the dispute is won.
    await helper(`disputes/${dispute.id}/close`, { outcome: 'won' });
    await expect(
      stripe.refunds.create(
        { payment_intent: paymentIntent.id },
        { idempotencyKey: 'refund-disputed-1' },
      ),
    ).rejects.toMatchObject({ code: 'charge_disputed' });
    const made = await stripe.refunds.create(
      { payment_intent: paymentIntent.id },
      { idempotencyKey: 'refund-disputed-2' },
    );
    expect(made).toMatchObject({ amount: 4_000, status: 'succeeded' });
  });

  it('refunds in parts down to zero, and never beyond what was charged', async () => {
    const before = await availableCny(stripe);
    const { paymentIntent } = await paidCheckout(stripe, 10_000);
    expect(await availableCny(stripe)).toBe(before + 10_000);

    const partial = await stripe.refunds.create(
      { payment_intent: paymentIntent.id, amount: 3_000, metadata: { refund_id: 'r-1' } },
      { idempotencyKey: 'refund-r-1' },
    );
    expect(partial).toMatchObject({
      object: 'refund',
      amount: 3_000,
      status: 'succeeded',
      currency: 'cny',
      payment_intent: paymentIntent.id,
      metadata: { refund_id: 'r-1' },
    });
    expect(partial.id).toMatch(/^re_/);
    const chargeId = partial.charge as string;
    expect(await stripe.charges.retrieve(chargeId)).toMatchObject({
      amount_refunded: 3_000,
      refunded: false,
    });

    const refundedEvent = await receiver.waitFor(isAbout(chargeId, 'charge.refunded'));
    expect(refundedEvent.data.object).toMatchObject({ amount_refunded: 3_000 });
    expect(refundedEvent.data.previous_attributes).toMatchObject({ amount_refunded: 0 });
    expect(refundedEvent.request?.id).toMatch(/^req_/);
    expect(refundedEvent.request?.idempotency_key).toBe('refund-r-1');
    await receiver.waitFor(isAbout(partial.id, 'refund.created'));

    const tooMuch = stripe.refunds.create({ payment_intent: paymentIntent.id, amount: 7_001 });
    await expect(tooMuch).rejects.toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    await expect(tooMuch).rejects.toMatchObject({ code: 'amount_too_large', param: 'amount' });

    const rest = await stripe.refunds.create({ payment_intent: paymentIntent.id });
    expect(rest.amount).toBe(7_000);
    expect(await stripe.charges.retrieve(chargeId)).toMatchObject({
      amount_refunded: 10_000,
      refunded: true,
    });
    await expect(stripe.refunds.create({ charge: chargeId, amount: 1 })).rejects.toMatchObject({
      code: 'charge_already_refunded',
    });

    expect(await availableCny(stripe)).toBe(before);
    const listed = await stripe.refunds.list({ payment_intent: paymentIntent.id });
    expect(listed.data.map((r) => r.amount)).toEqual([7_000, 3_000]);
    expect(await stripe.refunds.retrieve(partial.id)).toMatchObject({ amount: 3_000 });
  });

  it('concurrent refunds together stay within the charge', async () => {
    const { paymentIntent } = await paidCheckout(stripe, 1_000);
    const attempts = await Promise.allSettled(
      Array.from({ length: 8 }, () =>
        stripe.refunds.create({ payment_intent: paymentIntent.id, amount: 300 }),
      ),
    );
    const succeeded = attempts.filter((a) => a.status === 'fulfilled');
    expect(succeeded).toHaveLength(3);
    const charge = await stripe.charges.retrieve(
      (await stripe.paymentIntents.retrieve(paymentIntent.id)).latest_charge as string,
    );
    expect(charge.amount_refunded).toBe(900);
  });

  it('refuses a payment that never succeeded', async () => {
    const session = await stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [
        {
          quantity: 1,
          price_data: { currency: 'cny', unit_amount: 500, product_data: { name: 'x' } },
        },
      ],
      success_url: 'http://localhost:3000/ok',
    });
    const declined = await fetch(session.url!, {
      method: 'POST',
      headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'outcome=failed',
    });
    const { payment_intent } = (await declined.json()) as { payment_intent: Stripe.PaymentIntent };
    await expect(
      stripe.refunds.create({ payment_intent: payment_intent.id }),
    ).rejects.toMatchObject({
      code: 'charge_not_refundable',
    });
    await expect(stripe.refunds.create({ payment_intent: 'pi_unknown' })).rejects.toMatchObject({
      statusCode: 404,
      param: 'payment_intent',
    });
  });
});
