import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  isAbout,
  onboardedAccount,
  paidCheckout,
  type SandboxUnderTest,
  startSandboxUnderTest,
} from './test-support';

let under: SandboxUnderTest;
let stripe: Stripe;

beforeAll(async () => {
  under = await startSandboxUnderTest();
  stripe = under.stripe;
});
afterAll(() => under?.close());

const pageOf = (intentId: string) => `${under.sandbox.url}/test/payments/${intentId}`;

/** A tester's form post, answered as JSON (a browser gets a redirect back to the page). */
async function press(intentId: string, form: Record<string, string>) {
  const response = await fetch(pageOf(intentId), {
    method: 'POST',
    headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('the sandbox test page of a payment', () => {
  it('shows the payment and its tools in Chinese first, linked from the paid Checkout page', async () => {
    const { session, paymentIntent } = await paidCheckout(stripe, 39_900);
    const checkout = await (await fetch(`${under.sandbox.url}/c/pay/${session.id}`)).text();
    expect(checkout).toContain(`/test/payments/${paymentIntent.id}`);
    const html = await (await fetch(pageOf(paymentIntent.id))).text();
    for (const label of ['测试工具', '后台退款', '发起拒付', '转账冲正', '¥399.00']) {
      expect(html).toContain(label);
    }
  });

  it('refunds in the Dashboard, in yuan, with the events Stripe sends and no request of ours', async () => {
    const { paymentIntent } = await paidCheckout(stripe, 10_000);
    const chargeId = paymentIntent.latest_charge as string;
    expect(await press(paymentIntent.id, { action: 'refund', amount: '12.30' })).toMatchObject({
      status: 200,
    });
    const refunded = await under.receiver.waitFor(isAbout(chargeId, 'charge.refunded'));
    expect(refunded.request).toEqual({ id: null, idempotency_key: null });
    const made = await stripe.refunds.list({ charge: chargeId });
    expect(made.data.map((r) => [r.amount, r.metadata])).toEqual([[1_230, {}]]);

    // A browser's post comes back to the page, which says what happened.
    const browser = await fetch(pageOf(paymentIntent.id), {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'action=refund&amount=1',
      redirect: 'manual',
    });
    expect(browser.status).toBe(303);
    const back = await (await fetch(new URL(browser.headers.get('location')!, pageOf('x')))).text();
    expect(back).toContain('已在后台退款');
  });

  it('opens a dispute and decides it lost, then another payment’s dispute won', async () => {
    const lost = (await paidCheckout(stripe, 5_000)).paymentIntent;
    await press(lost.id, { action: 'dispute', amount: '' });
    const [dispute] = (await stripe.disputes.list({ charge: lost.latest_charge as string })).data;
    expect(dispute).toMatchObject({ amount: 5_000, status: 'needs_response' });
    expect(await press(lost.id, { action: 'dispute_lost', dispute: dispute!.id })).toMatchObject({
      status: 200,
    });
    expect((await stripe.disputes.retrieve(dispute!.id)).status).toBe('lost');
    await under.receiver.waitFor(isAbout(dispute!.id, 'charge.dispute.closed'));

    const won = (await paidCheckout(stripe, 6_000)).paymentIntent;
    await press(won.id, { action: 'dispute', amount: '20' });
    const [other] = (await stripe.disputes.list({ charge: won.latest_charge as string })).data;
    expect(other!.amount).toBe(2_000);
    // A dispute of another payment cannot be decided from this page.
    expect(await press(won.id, { action: 'dispute_won', dispute: dispute!.id })).toMatchObject({
      status: 400,
    });
    await press(won.id, { action: 'dispute_won', dispute: other!.id });
    const reinstated = await under.receiver.waitFor(
      isAbout(other!.id, 'charge.dispute.funds_reinstated'),
    );
    expect((reinstated.data.object as Stripe.Dispute).status).toBe('won');
  });

  it('reverses a transfer funded by the payment', async () => {
    const { paymentIntent } = await paidCheckout(stripe, 20_000);
    const merchant = await onboardedAccount(stripe);
    const transfer = await stripe.transfers.create({
      amount: 14_000,
      currency: 'cny',
      destination: merchant.id,
      source_transaction: paymentIntent.latest_charge as string,
    });
    expect(await (await fetch(pageOf(paymentIntent.id))).text()).toContain('¥140.00');
    await press(paymentIntent.id, { action: 'reverse', transfer: transfer.id, amount: '5' });
    const reversed = await under.receiver.waitFor(isAbout(transfer.id, 'transfer.reversed'));
    expect((reversed.data.object as Stripe.Transfer).amount_reversed).toBe(500);
  });

  it('refuses an amount that is not yuan with two decimals, and moves nothing', async () => {
    const { paymentIntent } = await paidCheckout(stripe, 10_000);
    const answer = await press(paymentIntent.id, { action: 'refund', amount: '1.234' });
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body)).toContain('金额请填写元');
    expect((await stripe.refunds.list({ payment_intent: paymentIntent.id })).data).toEqual([]);
  });
});
