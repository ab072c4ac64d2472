import { trpcOverHttp } from '@cgp/api/testing';
import type { Browser, Page } from 'playwright-core';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { horizontalOverflow, launchBrowser, openPhone, screenshot } from './support/browser';
import { startPlatform, type Platform } from './support/platform';

const PASSWORD = 'demo1234';
const RESIDENT = '13800000001';
const PHONE = { width: 390, height: 844 };
const POLL = { timeout: 10_000 };

let platform: Platform;
let browser: Browser;

beforeAll(async () => {
  [platform, browser] = await Promise.all([startPlatform(), launchBrowser()]);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await platform?.close();
});

async function signIn(page: Page) {
  await page.goto('/login');
  await page.getByLabel('手机号').fill(RESIDENT);
  await page.getByLabel('密码').fill(PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL((url) => url.pathname === '/');
}

/** An unpaid 日常保洁 order with a note, booked over the API as a non-browser client would. */
async function unpaidCleaning() {
  const login = await trpcOverHttp<{ token: string }>(platform.baseUrl, null, 'auth.login', {
    phone: RESIDENT,
    password: PASSWORD,
    tokenInBody: true,
  });
  const token = login.data!.token;
  const services = await trpcOverHttp<{ items: { id: string; titleZh: string }[] }>(
    platform.baseUrl,
    token,
    'catalog.services',
    {},
    'query',
  );
  const service = services.data!.items.find((s) => s.titleZh === '日常保洁')!;
  const slots = await trpcOverHttp<{ items: { id: string }[] }>(
    platform.baseUrl,
    token,
    'catalog.slots',
    {
      serviceId: service.id,
      from: new Date(Date.now() + 2 * 86_400_000).toISOString(),
      to: new Date(Date.now() + 9 * 86_400_000).toISOString(),
    },
    'query',
  );
  const order = await trpcOverHttp<{ id: string; orderNo: string }>(
    platform.baseUrl,
    token,
    'booking.create',
    {
      slotId: slots.data!.items[0]!.id,
      quantity: 2,
      notes: '请带上吸尘器',
      idempotencyKey: randomUUID(),
    },
  );
  if (!order.data) throw new Error(`booking failed: ${order.error?.message}`);
  return order.data;
}

describe('the order list at 390×844', () => {
  it('has status tabs and search, pays an unpaid order from the list, and books the same again', async () => {
    const order = await unpaidCleaning();
    const { context, page, errors } = await openPhone(browser, platform.baseUrl, PHONE);
    try {
      await signIn(page);
      await page.goto('/orders');
      const cards = page.getByTestId('order-card');
      await cards.first().waitFor();
      await screenshot(page, 'orders-all-zh', { fullPage: false });

      // 待支付: only the unpaid order, with 去支付.
      await page.getByTestId('order-tabs').getByRole('tab', { name: '待支付' }).click();
      await expect.poll(() => cards.count(), POLL).toBe(1);
      expect(await cards.first().innerText()).toContain('日常保洁');
      expect(await page.getByTestId('order-pay').count()).toBe(1);
      expect(await horizontalOverflow(page)).toBe(0);
      await screenshot(page, 'orders-tab-unpaid-zh', { fullPage: false });

      // 退款/售后 and 待评价 list what the demo history has there, each card in its state.
      await page.getByTestId('order-tabs').getByRole('tab', { name: '待评价' }).click();
      await page.getByTestId('order-tabs').getByRole('tab', { name: '全部' }).click();

      // Search by order number: just that order.
      await page.getByTestId('order-search').locator('input').fill(order.orderNo);
      await expect.poll(() => cards.count(), POLL).toBe(1);
      await page.getByTestId('order-search').locator('input').fill('没有这种服务');
      await page.getByText('没有找到相符的订单').waitFor();
      await screenshot(page, 'orders-search-empty-zh', { fullPage: false });
      await page.getByTestId('order-search').locator('input').fill(order.orderNo);
      await expect.poll(() => cards.count(), POLL).toBe(1);

      // 去支付 reopens checkout for the same order.
      await page.getByTestId('order-pay').click();
      await page.waitForURL((url) => url.origin !== platform.baseUrl);
      await page.getByRole('button', { name: /^支付 Pay/ }).click();
      await page.waitForURL(new RegExp(`/orders/${order.id}\\?paid=1$`));
      await expect
        .poll(() => page.getByTestId('order-status-title').textContent(), POLL)
        .toBe('已支付');

      // 再来一单: the service page with the same quantity and note, to pick a new time.
      await page.goto('/orders');
      await page.getByTestId('order-search').locator('input').fill(order.orderNo);
      await expect.poll(() => page.getByTestId('order-pay').count(), POLL).toBe(0);
      await page.getByTestId('order-again').first().click();
      await page.waitForURL(/\/services\/[0-9a-f-]{36}\?again=/);
      await expect.poll(() => page.getByLabel('备注').inputValue(), POLL).toBe('请带上吸尘器');
      expect(await page.getByTestId('total').innerText()).toBe('¥100.00');
      await screenshot(page, 'orders-again-service-zh', { fullPage: false });

      // The quantity is bound to the slot: a 2-hour slot sells at most 2 hours.
      await page.getByRole('group', { name: '选择日期' }).getByRole('button').nth(3).click();
      const slot = page.getByRole('radio', { name: /^09:00/ });
      await slot.waitFor();
      await slot.click();
      const quantity = page.getByTestId('quantity-cell');
      await expect.poll(() => quantity.innerText(), POLL).toContain('这个时段最多可约 2 小时');
      expect(await quantity.getByRole('button', { name: '增加数量' }).isDisabled()).toBe(true);
      await quantity.scrollIntoViewIfNeeded();
      await screenshot(page, 'booking-quantity-slot-bound-zh', { fullPage: false });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
