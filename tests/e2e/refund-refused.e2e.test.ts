import { callerFor, submitCheckoutPage } from '@cgp/api/testing';
import { refunds } from '@cgp/db';
import { eq, sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  horizontalOverflow,
  launchBrowser,
  openDesktop,
  openPhone,
  screenshot,
} from './support/browser';
import { startPlatform, type Platform } from './support/platform';

const RESIDENT = '13800000001';
const OPS = '13700000002';
const PASSWORD = 'demo1234';

let platform: Platform;
let browser: Browser;

beforeAll(async () => {
  [platform, browser] = await Promise.all([startPlatform(), launchBrowser()]);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await platform?.close();
});

/**
 * A demo resident's order paid through Checkout, charged back by the card network, then turned
 * down by the merchant: the processor refuses the refund.
 */
async function refusedRefund() {
  const db = platform.deps.db;
  const [row] = (
    await db.execute<{ resident: string; owner: string; slot: string }>(sql`
      SELECT r.id AS resident, o.id AS owner, sl.id AS slot
        FROM users r, services s JOIN slots sl ON sl.service_id = s.id
        JOIN users o ON o.merchant_id = s.merchant_id AND o.merchant_role = 'owner'
       WHERE r.phone = ${RESIDENT} AND s.title_zh = '深度保洁' AND sl.starts_at > now() + interval '1 day'
       ORDER BY sl.starts_at LIMIT 1`)
  ).rows;
  await db.execute(sql`UPDATE slots SET capacity = capacity + 5 WHERE id = ${row!.slot}`);
  const resident = await callerFor(platform.deps, row!.resident);
  const order = await resident.booking.create({
    slotId: row!.slot,
    quantity: 1,
    idempotencyKey: randomUUID(),
  });
  const { url } = await resident.payment.checkout({ orderId: order.id });
  const { body } = await submitCheckoutPage(url, 'succeeded');
  await platform.deps.sandbox.waitForWebhooks();
  const stripe = platform.deps.payments.stripe;
  const intent = await stripe.paymentIntents.retrieve(body.payment_intent!.id);
  await stripe.rawRequest(
    'POST',
    `/v1/test_helpers/charges/${intent.latest_charge as string}/dispute`,
    {},
  );
  const owner = await callerFor(platform.deps, row!.owner);
  await owner.merchant.orders.reject({ id: order.id, reason: '今天人手不足' });
  await expect
    .poll(
      async () => (await db.select().from(refunds).where(eq(refunds.orderId, order.id)))[0]?.status,
      { timeout: 15_000 },
    )
    .toBe('failed');
  return order;
}

describe('a refund the processor refused', () => {
  it('shows 退款失败 on the resident’s order and offers ops a retry in the console', async () => {
    const order = await refusedRefund();

    const phone = await openPhone(browser, platform.baseUrl, { width: 390, height: 844 });
    try {
      const { page } = phone;
      await page.goto('/login');
      await page.getByLabel('手机号').fill(RESIDENT);
      await page.getByLabel('密码').fill(PASSWORD);
      await page.getByRole('button', { name: '登录' }).click();
      await page.waitForURL((u) => u.pathname === '/');
      await page.goto(`/orders/${order.id}`);
      const failed = page.getByTestId('order-refund-failed');
      await failed.getByText('退款失败').waitFor();
      await failed.getByText('退款遇到问题，物业会尽快处理').waitFor();
      expect(await failed.innerText()).toContain('¥');
      // The order's headline does not claim the money went back.
      const hero = await page.getByTestId('order-hero').innerText();
      expect(hero).toContain('退款暂未成功');
      expect(hero).not.toContain('已原路退回');
      expect(await horizontalOverflow(page)).toBe(0);
      await screenshot(page, 'refund-refused-order-390');
      expect(phone.errors).toEqual([]);
    } finally {
      await phone.context.close();
    }

    const desk = await openDesktop(browser, platform.baseUrl, 'Asia/Shanghai');
    try {
      const { page } = desk;
      await page.goto('/login?redirect=/console/jobs');
      await page.getByLabel('手机号').fill(OPS);
      await page.getByLabel('密码').fill(PASSWORD);
      await page.getByRole('button', { name: '登录' }).click();
      await page.waitForURL(/\/console\/jobs$/);
      const [refund] = await platform.deps.db
        .select({ id: refunds.id })
        .from(refunds)
        .where(eq(refunds.orderId, order.id));
      const retry = page.getByTestId(`retry-refund-${refund!.id}`);
      await retry.waitFor();
      expect(await retry.innerText()).toBe('重试退款');
      await screenshot(page, 'refund-refused-console-1440');
      await retry.click();
      await page.getByText('已重新发起退款').waitFor();
      expect(desk.errors).toEqual([]);
    } finally {
      await desk.context.close();
    }
  }, 120_000);
});
