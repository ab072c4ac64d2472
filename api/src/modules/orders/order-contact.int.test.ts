import { merchants } from '@cgp/db';
import { uniquePhone } from '@cgp/db/testing';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiServer } from '../../server';
import {
  bookSlot,
  callerFor,
  createPaymentTestDeps,
  serveWithPayments,
  submitCheckoutPage,
  type PaymentTestDeps,
} from '../../testing';

let deps: PaymentTestDeps;
let api: ApiServer & { url: string };
beforeAll(async () => {
  deps = await createPaymentTestDeps();
  api = await serveWithPayments(deps);
});
afterAll(async () => {
  await api?.close();
  await deps?.teardown();
});

const masked = (phone: string) => `${phone.slice(0, 3)}****${phone.slice(7)}`;

/** A shop with a contact phone and one worker, and an order its resident paid with Alipay. */
async function paidByAlipay() {
  const MERCHANT_PHONE = uniquePhone('13');
  const WORKER_PHONE = uniquePhone('13');
  const market = await deps.factories.createMarketplace();
  await deps.db
    .update(merchants)
    .set({ contactPhone: MERCHANT_PHONE })
    .where(eq(merchants.id, market.merchant.id));
  const owner = await callerFor(deps, market.owner.id);
  await owner.merchant.workers.create({
    name: '王师傅',
    phone: WORKER_PHONE,
    categories: ['housekeeping'],
    password: 'worker-pass-1',
  });
  const slot = await deps.factories.createSlot({ serviceId: market.service.id });
  const order = await bookSlot(deps, market.resident.id, slot.id, { quantity: 2 });
  const resident = await callerFor(deps, market.resident.id);
  const { url } = await resident.payment.checkout({ orderId: order.id });
  await submitCheckoutPage(url, 'succeeded', 'alipay');
  await deps.sandbox.waitForWebhooks();
  return { order, owner, resident, market, MERCHANT_PHONE, WORKER_PHONE };
}

describe('the resident’s order page: how it was paid, and whom to call', () => {
  it('names the payment method and offers the merchant, then the worker, by masked number only', async () => {
    const { order, owner, resident, MERCHANT_PHONE, WORKER_PHONE } = await paidByAlipay();
    const paid = await resident.order.get({ id: order.id });
    expect(paid.status).toBe('paid');
    expect(paid.paymentMethod).toBe('alipay');
    expect(paid.contacts).toEqual([
      {
        kind: 'merchant',
        name: '测试商户',
        phoneMasked: masked(MERCHANT_PHONE),
        dial: `tel:${MERCHANT_PHONE}`,
      },
    ]);

    await owner.merchant.orders.accept({ id: order.id });
    const accepted = await resident.order.get({ id: order.id });
    expect(accepted.contacts.map((c) => [c.kind, c.name, c.phoneMasked])).toEqual([
      ['merchant', '测试商户', masked(MERCHANT_PHONE)],
      ['worker', '王师傅', masked(WORKER_PHONE)],
    ]);
    // The full numbers are only in what the call button dials, never in words on the page.
    const { contacts, ...rest } = accepted;
    const shown = JSON.stringify({ ...rest, contacts: contacts.map(({ dial: _, ...c }) => c) });
    expect(shown).not.toContain(MERCHANT_PHONE);
    expect(shown).not.toContain(WORKER_PHONE);
  });

  it('offers no call once the order is over', async () => {
    const { order, resident } = await paidByAlipay();
    await resident.order.cancel({ id: order.id, reason: '计划有变' });
    const cancelled = await resident.order.get({ id: order.id });
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.contacts).toEqual([]);
    expect(cancelled.paymentMethod).toBe('alipay');
  });

  it('shows another resident’s order to nobody else', async () => {
    const { order } = await paidByAlipay();
    const stranger = await deps.factories.createResident();
    const error = await (
      await callerFor(deps, stranger.id)
    ).order
      .get({ id: order.id })
      .catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe('NOT_FOUND');
  });
});
