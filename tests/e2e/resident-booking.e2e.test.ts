import { orderSlotStartsIn, trpcOverHttp } from '@cgp/api/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { horizontalOverflow, launchBrowser, openPhone, screenshot } from './support/browser';
import { startPlatform, type Platform } from './support/platform';

const PASSWORD = 'demo1234';
const RESIDENT = '13800000001';
const NEIGHBOUR = '13800000002';
/** Owner of 阳光家政, who provides 日常保洁. */
const MERCHANT = '13900000001';

/** Long enough for a slow page, far shorter than the test's own timeout. */
const POLL = { timeout: 10_000 };
const ORDER_URL = /\/orders\/([0-9a-f-]{36})(\?|$)/;

let platform: Platform;
let browser: Browser;

beforeAll(async () => {
  [platform, browser] = await Promise.all([startPlatform(), launchBrowser()]);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await platform?.close();
});

/** Signs in through the API as a non-browser client would, and returns the bearer token. */
async function apiToken(phone: string): Promise<string> {
  const { data, error } = await trpcOverHttp<{ token: string }>(
    platform.baseUrl,
    null,
    'auth.login',
    {
      phone,
      password: PASSWORD,
      tokenInBody: true,
    },
  );
  if (!data) throw new Error(`login as ${phone} failed: ${error?.message}`);
  return data.token;
}

/** The merchant's side of an order, over the API: accept it, start and complete the service. */
async function serveOrder(orderId: string) {
  const token = await apiToken(MERCHANT);
  // The day of service comes: the slot begins in 10 minutes, so the merchant may start.
  await orderSlotStartsIn(platform.deps, orderId, 10);
  for (const step of ['accept', 'start', 'complete']) {
    const { error } = await trpcOverHttp(platform.baseUrl, token, `merchant.orders.${step}`, {
      id: orderId,
    });
    expect(error, `merchant.orders.${step}`).toBeUndefined();
  }
}

const ZH = { phone: '手机号', password: '密码', submit: '登录' };

async function signIn(
  page: Page,
  labels: { phone: string; password: string; submit: string },
  phone = RESIDENT,
) {
  await page.getByLabel(labels.phone).fill(phone);
  await page.getByLabel(labels.password).fill(PASSWORD);
  await page.getByRole('button', { name: labels.submit }).click();
  await page.waitForURL((url) => url.pathname === '/');
}

/**
 * Opens 日常保洁, picks the `dayIndex`-th day of the strip (0 is today in Shanghai, which has no
 * demo slots) and its slot at `time`; returns the slot's id.
 */
async function pickCleaningSlot(
  page: Page,
  service: RegExp,
  dayGroup: string,
  dayIndex: number,
  time: string,
) {
  await page.getByRole('link', { name: service }).click();
  await page.waitForURL(/\/services\/[0-9a-f-]{36}$/);
  await page.getByRole('group', { name: dayGroup }).getByRole('button').nth(dayIndex).click();
  const slot = page.getByRole('radio', { name: new RegExp(`^${time}`) });
  await slot.waitFor();
  await slot.click();
  expect(await slot.getAttribute('aria-checked')).toBe('true');
  return (await slot.getAttribute('data-slot-id'))!;
}

/** Books, then pays on the sandbox's page; ends on the order page once it is paid. */
async function bookAndPay(page: Page, dayIndex: number, time: string): Promise<string> {
  await page.goto('/');
  await pickCleaningSlot(page, /^日常保洁/, '选择日期', dayIndex, time);
  await page.getByTestId('submit-booking').click();
  await page.waitForURL((url) => url.origin !== platform.baseUrl);
  await page.getByRole('button', { name: /^支付 Pay/ }).click();
  await page.waitForURL(/\/orders\/[0-9a-f-]{36}\?paid=1$/);
  await expect
    .poll(() => page.getByTestId('order-status-title').textContent(), POLL)
    .toBe('已支付');
  return orderIdOf(page);
}

/** Pulls the page down with a finger (trusted touch events), as to refresh a list. */
async function pullDown(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  const touch = (type: 'touchStart' | 'touchMove' | 'touchEnd', y: number) =>
    cdp.send('Input.dispatchTouchEvent', {
      type,
      touchPoints: type === 'touchEnd' ? [] : [{ x: 187, y }],
    });
  await touch('touchStart', 150);
  for (let y = 170; y <= 450; y += 20) await touch('touchMove', y);
  await touch('touchEnd', 450);
  await cdp.detach();
}

/** A service's id by its Chinese title, read through the API. */
async function serviceIdOf(token: string, titleZh: string): Promise<string> {
  const services = await trpcOverHttp<{ items: { id: string; titleZh: string }[] }>(
    platform.baseUrl,
    token,
    'catalog.services',
    {},
    'query',
  );
  const service = services.data?.items.find((s) => s.titleZh === titleZh);
  if (!service) throw new Error(`no service ${titleZh}`);
  return service.id;
}

/** The first slot of a service in the next two weeks, read through the API. */
async function firstSlotOf(token: string, titleZh: string): Promise<string> {
  const service = { id: await serviceIdOf(token, titleZh) };
  const from = new Date(Date.now() + 86_400_000);
  const to = new Date(Date.now() + 14 * 86_400_000);
  const slots = await trpcOverHttp<{ items: { id: string }[] }>(
    platform.baseUrl,
    token,
    'catalog.slots',
    { serviceId: service.id, from: from.toISOString(), to: to.toISOString() },
    'query',
  );
  const slot = slots.data?.items[0];
  if (!slot) throw new Error(`no slots for ${titleZh}`);
  return slot.id;
}

/** Scrolls the slot list to the middle of the screen, for a screenshot of the picker. */
async function showSlots(page: Page, name: string) {
  const box = await page.getByRole('radiogroup', { name }).boundingBox();
  const y = await page.evaluate<number>('window.scrollY');
  await page.evaluate(`window.scrollTo(0, ${Math.round(y + (box?.y ?? 0) - 280)})`);
}

function orderIdOf(page: Page): string {
  const match = ORDER_URL.exec(page.url());
  if (!match?.[1]) throw new Error(`not on an order page: ${page.url()}`);
  return match[1];
}

describe('booking and paying at 375×667', () => {
  it('shows an empty order list, a failed one with a retry, and an order that does not exist', async () => {
    const { context, page, errors } = await openPhone(browser, platform.baseUrl);
    try {
      await page.goto('/login');
      await signIn(page, ZH, NEIGHBOUR);
      const list = /\/trpc\/[^?]*order\.list/;
      await page.route(list, (route) => route.abort('internetdisconnected'));
      await page.getByRole('tab', { name: '订单', exact: true }).click();
      const alert = page.getByRole('alert');
      await alert.waitFor();
      expect(await alert.innerText()).toContain('网络连接失败，请检查网络后重试');
      await page.unroute(list);
      await page.getByRole('button', { name: '重试' }).click();
      await page.getByText('还没有订单').waitFor();
      expect(await page.getByRole('button', { name: '去看看服务' }).isVisible()).toBe(true);
      await screenshot(page, 'booking-orders-empty-zh', { fullPage: false });

      await page.goto('/orders/00000000-0000-4000-8000-000000000000');
      await page.getByText('没有找到这个订单').waitFor();
      await page.goto('/orders/not-an-order');
      await page.getByText('没有找到这个订单').waitFor();
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('books 日常保洁, pays in the sandbox, waits for the webhook, and confirms and rates the service', async () => {
    const { context, page, errors } = await openPhone(browser, platform.baseUrl);
    try {
      await page.goto('/login');
      await signIn(page, ZH);
      await page.getByTestId('service-card').first().waitFor();
      await screenshot(page, 'booking-home-zh', { fullPage: false });

      // The booking form shows the registered home the provider will come to.
      await pickCleaningSlot(page, /^日常保洁/, '选择日期', 2, '09:00');
      expect(await page.getByTestId('address').innerText()).toContain('阳光花园');
      await page.getByLabel('备注').fill('家里有猫，请随手关门');
      expect(await page.getByTestId('total').innerText()).toBe('¥100.00');
      expect(await horizontalOverflow(page)).toBe(0);
      await showSlots(page, '选择时间');
      await screenshot(page, 'booking-slot-picker-zh', { fullPage: false });

      // Stripe is slow to call back this time: the webhook waits at the gate.
      platform.webhooks.hold();
      await page.getByTestId('submit-booking').click();
      await page.waitForURL((url) => url.origin !== platform.baseUrl);
      const pay = page.getByRole('button', { name: /^支付 Pay/ });
      await pay.waitFor();
      expect(await pay.innerText()).toContain('¥100.00');
      await screenshot(page, 'booking-sandbox-checkout', { fullPage: false });
      await pay.click();

      // Back on our page the order is not paid yet: it says so and keeps asking.
      await page.waitForURL(/\/orders\/[0-9a-f-]{36}\?paid=1$/);
      const orderId = orderIdOf(page);
      await page.getByTestId('payment-confirming').waitFor();
      expect(await page.getByTestId('payment-confirming').innerText()).toBe('支付确认中…');
      await screenshot(page, 'booking-checkout-return-confirming-zh', { fullPage: false });

      platform.webhooks.release();
      const title = page.getByTestId('order-status-title');
      await expect.poll(() => title.textContent(), POLL).toBe('已支付');
      expect(await page.getByTestId('order-hero').innerText()).toContain('支付成功，等待商家接单');
      expect(await page.getByTestId('order-total').innerText()).toContain('¥100.00');
      expect(await page.locator('main').innerText()).toContain('家里有猫，请随手关门');
      expect(await horizontalOverflow(page)).toBe(0);
      await screenshot(page, 'booking-checkout-return-zh', { fullPage: false });

      // The merchant accepts, serves and completes it (merchant portal's calls, over the API).
      await serveOrder(orderId);

      // No history here (we came from the payment page): back leads to my orders.
      await page.getByRole('button', { name: '返回' }).click();
      await page.waitForURL((url) => url.pathname === '/orders');
      const card = page.getByTestId('order-card').first();
      await card.waitFor();
      await expect.poll(() => card.getByTestId('order-status').innerText(), POLL).toBe('待确认');
      expect(await card.innerText()).toContain('日常保洁');
      expect(await horizontalOverflow(page)).toBe(0);
      await screenshot(page, 'booking-orders-zh', { fullPage: false });

      await card.click();
      await page.waitForURL(ORDER_URL);
      await page.getByTestId('action-confirm').click();
      await page.getByRole('dialog').getByRole('button', { name: '确认完成' }).click();
      await expect.poll(() => title.textContent(), POLL).toBe('已完成');

      // Five stars and a word of thanks.
      const form = page.getByTestId('review-form');
      await form.getByRole('radio').nth(4).click();
      await form.getByLabel('评价内容').fill('阿姨很细心，厨房擦得很干净');
      await form.getByRole('button', { name: '提交评价' }).click();
      const review = page.getByTestId('order-review');
      await review.waitFor();
      await page.getByText('感谢您的评价').waitFor();
      await page.getByText('感谢您的评价').waitFor({ state: 'hidden' });
      expect(await review.innerText()).toContain('阿姨很细心，厨房擦得很干净');
      expect(await review.getByRole('radiogroup').getAttribute('aria-label')).toBe(
        '5 星（满分 5 星）',
      );

      const timeline = await page.getByTestId('order-timeline').innerText();
      const steps = [
        '您确认了服务完成',
        '服务完成',
        '服务开始',
        '商家已接单',
        '支付成功',
        '提交订单',
      ];
      const positions = steps.map((step) => timeline.indexOf(step));
      expect(positions.every((p) => p >= 0)).toBe(true);
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
      expect(await horizontalOverflow(page)).toBe(0);
      await page.getByTestId('order-timeline').scrollIntoViewIfNeeded();
      await screenshot(page, 'booking-order-timeline-zh', { fullPage: false });
      await page.evaluate('window.scrollTo(0, 0)');
      await screenshot(page, 'booking-order-detail-zh');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('does the same in English, and offers to pay again when the payment result is late', async () => {
    const { context, page, errors } = await openPhone(browser, platform.baseUrl);
    try {
      await page.goto('/login');
      await page.getByRole('button', { name: 'English' }).click();
      await signIn(page, { phone: 'Mobile', password: 'Password', submit: 'Sign in' });
      await page.getByTestId('service-card').first().waitFor();
      await screenshot(page, 'booking-home-en', { fullPage: false });

      await pickCleaningSlot(page, /^Routine home cleaning/, 'Choose a day', 3, '14:00');
      expect(await page.getByTestId('address').innerText()).toContain('阳光花园');
      await showSlots(page, 'Choose a time');
      await screenshot(page, 'booking-slot-picker-en', { fullPage: false });

      platform.webhooks.hold();
      await page.getByRole('button', { name: 'Book and pay' }).click();
      await page.waitForURL((url) => url.origin !== platform.baseUrl);
      // From the return page on, the clock runs normally but can jump ahead to the timeout.
      await page.clock.install();
      await page.getByRole('button', { name: /^支付 Pay/ }).click();
      await page.waitForURL(/\/orders\/[0-9a-f-]{36}\?paid=1$/);
      const orderId = orderIdOf(page);
      await page.getByTestId('payment-confirming').waitFor();
      expect(await page.getByTestId('payment-confirming').innerText()).toBe('Confirming payment…');

      // Half a minute without a result: the page admits it and offers to pay again. Paying
      // again is refused in words, because the sandbox has the money already.
      await page.clock.fastForward(31_000);
      await page.getByTestId('payment-slow').waitFor();
      expect(await page.getByTestId('order-hero').innerText()).toContain('No payment result yet');
      await screenshot(page, 'booking-checkout-return-slow-en', { fullPage: false });
      await page.getByRole('button', { name: 'Pay again' }).click();
      await page.getByText('This order is paid; the payment is being confirmed').waitFor();

      // The late webhook still turns the page to paid.
      platform.webhooks.release();
      const title = page.getByTestId('order-status-title');
      await expect.poll(() => title.textContent(), POLL).toBe('Paid');
      await screenshot(page, 'booking-checkout-return-en', { fullPage: false });

      await serveOrder(orderId);
      await page.reload();
      await expect.poll(() => title.textContent(), POLL).toBe('To confirm');
      await page.getByRole('button', { name: 'Confirm done' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Confirm done' }).click();
      await expect.poll(() => title.textContent(), POLL).toBe('Completed');

      const form = page.getByTestId('review-form');
      await form.getByRole('radio').nth(3).click();
      await form.getByLabel('Comment').fill('On time and friendly');
      await form.getByRole('button', { name: 'Submit review' }).click();
      const review = page.getByTestId('order-review');
      await review.waitFor();
      await page.getByText('Thank you for your review').waitFor({ state: 'hidden' });
      expect(await review.getByRole('radiogroup').getAttribute('aria-label')).toBe('4 of 5 stars');
      const timeline = await page.getByTestId('order-timeline').innerText();
      for (const step of [
        'Order placed',
        'Payment received',
        'Accepted by the provider',
        'Service started',
        'Service finished',
        'You confirmed the service',
      ]) {
        expect(timeline).toContain(step);
      }
      expect(await horizontalOverflow(page)).toBe(0);
      await page.getByTestId('order-timeline').scrollIntoViewIfNeeded();
      await screenshot(page, 'booking-order-timeline-en', { fullPage: false });

      await page.getByRole('button', { name: 'Back' }).click();
      await page.waitForURL((url) => url.pathname === '/orders');
      await page.getByTestId('order-card').first().waitFor();
      expect(await page.getByTestId('order-card').first().innerText()).toContain('Completed');
      await screenshot(page, 'booking-orders-en', { fullPage: false });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('says 名额已满 when a neighbour takes the last place after the page loaded, and shows the slots as they are', async () => {
    const { context, page, errors } = await openPhone(browser, platform.baseUrl);
    try {
      await page.goto('/login');
      await signIn(page, ZH);
      const slotId = await pickCleaningSlot(page, /^日常保洁/, '选择日期', 4, '14:00');
      const slot = page.getByRole('radio', { name: /^14:00/ });
      expect(await slot.innerText()).toContain('剩余 3');

      // Meanwhile the neighbours at 2-202 book every place left in that slot.
      const token = await apiToken(NEIGHBOUR);
      for (let booked = 0; ; booked++) {
        const { error } = await trpcOverHttp(platform.baseUrl, token, 'booking.create', {
          slotId,
          quantity: 2,
          idempotencyKey: `neighbour-${booked}-${Date.now()}`,
        });
        if (error) {
          expect(error.data.reason).toBe('slot_full');
          expect(booked).toBe(3);
          break;
        }
      }

      // The page still shows three places; booking now is refused, in words, without a crash.
      await page.getByTestId('submit-booking').click();
      const dialog = page.getByRole('dialog');
      await dialog.waitFor();
      expect(await dialog.innerText()).toContain('名额已满');
      expect(await dialog.innerText()).toContain('这个时段刚刚约满了，请选择其他时段');
      await screenshot(page, 'booking-sold-out-zh', { fullPage: false });
      await dialog.getByRole('button', { name: '重新选择时段' }).click();
      await dialog.waitFor({ state: 'hidden' });

      // The slots were read again: that one is full now, and nothing stays selected.
      await expect.poll(() => slot.innerText(), POLL).toContain('已约满');
      expect(await slot.isDisabled()).toBe(true);
      expect(await page.getByRole('radio', { name: /^09:00/ }).innerText()).toContain('剩余 3');
      expect(await page.locator('[role="radio"][aria-checked="true"]').count()).toBe(0);
      expect(await page.getByTestId('booking-hint').innerText()).toBe(
        '这个时段刚刚约满了，请选择其他时段',
      );
      expect(page.url()).toMatch(/\/services\//);
      await screenshot(page, 'booking-sold-out-refreshed-zh', { fullPage: false });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('takes the resident to the new order to pay later when checkout cannot be opened', async () => {
    const { context, page, errors } = await openPhone(browser, platform.baseUrl);
    try {
      await page.goto('/login');
      await signIn(page, ZH);
      await pickCleaningSlot(page, /^日常保洁/, '选择日期', 6, '09:00');

      // The processor fails every attempt (the SDK retries twice itself).
      platform.deps.sandbox.faults.inject({
        kind: 'server_error',
        method: 'POST',
        path: '/v1/checkout/sessions*',
        times: 10,
      });
      await page.getByTestId('submit-booking').click();
      await page.waitForURL(ORDER_URL);
      await page.getByText('服务暂时不可用，请稍后再试').waitFor();
      const title = page.getByTestId('order-status-title');
      expect(await title.textContent()).toBe('待支付');

      // The place is held; once the processor is back, paying from the order works.
      platform.deps.sandbox.faults.clear();
      await page.getByTestId('action-pay').click();
      await page.waitForURL((url) => url.origin !== platform.baseUrl);
      await page.getByRole('button', { name: /^支付 Pay/ }).click();
      await page.waitForURL(/\/orders\/[0-9a-f-]{36}\?paid=1$/);
      await expect.poll(() => title.textContent(), POLL).toBe('已支付');
      expect(errors).toEqual([]);
    } finally {
      platform.deps.sandbox.faults.clear();
      await context.close();
    }
  });

  it('cancels a paid order after showing the refund and the fee, and refunds it', async () => {
    const { context, page, errors } = await openPhone(browser, platform.baseUrl);
    try {
      await page.goto('/login');
      await signIn(page, ZH);
      await bookAndPay(page, 5, '09:00');

      // Days before the start: free, the whole ¥100.00 comes back.
      await page.getByTestId('action-cancel').click();
      const dialog = page.getByTestId('cancel-dialog');
      await dialog.waitFor();
      const preview = dialog.getByTestId('cancel-preview');
      expect(await preview.innerText()).toContain('现在取消，全额退款');
      expect(await dialog.getByTestId('cancel-refund').innerText()).toBe('¥100.00');
      expect(await dialog.getByTestId('cancel-fee').innerText()).toBe('¥0.00');
      expect(await preview.innerText()).toContain('免费取消截止');

      // A reason is required; a common one is a tap away.
      await dialog.getByRole('button', { name: '确认取消' }).click();
      await dialog.getByText('请填写原因').waitFor();
      await screenshot(page, 'booking-cancel-dialog-zh', { fullPage: false });
      await dialog.getByRole('button', { name: '计划有变' }).click();
      await dialog.getByRole('button', { name: '确认取消' }).click();
      await dialog.waitFor({ state: 'hidden' });

      const title = page.getByTestId('order-status-title');
      await expect.poll(() => title.textContent(), POLL).toBe('已取消');
      const refunded = page.getByTestId('order-refunded');
      expect(await refunded.innerText()).toContain('¥100.00');
      const timeline = await page.getByTestId('order-timeline').innerText();
      expect(timeline).toContain('您取消了订单');
      expect(timeline).toContain('原因：计划有变');
      expect(await page.getByTestId('action-cancel').count()).toBe(0);

      // The refund job sends it through the processor; then it is no longer "in progress".
      await expect
        .poll(
          async () => {
            await page.reload();
            await refunded.waitFor();
            return refunded.innerText();
          },
          { timeout: 20_000, interval: 1_000 },
        )
        .toContain('已原路退回');
      expect(await horizontalOverflow(page)).toBe(0);
      await screenshot(page, 'booking-cancelled-zh', { fullPage: false });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('opens a dispute with a reason once the merchant has completed the service', async () => {
    const { context, page, errors } = await openPhone(browser, platform.baseUrl);
    try {
      await page.goto('/login');
      await signIn(page, ZH);
      const orderId = await bookAndPay(page, 5, '14:00');
      await serveOrder(orderId);
      await page.reload();

      const title = page.getByTestId('order-status-title');
      await expect.poll(() => title.textContent(), POLL).toBe('待确认');
      await page.getByTestId('action-dispute').click();
      const dialog = page.getByTestId('dispute-dialog');
      await dialog.waitFor();
      expect(await dialog.innerText()).toContain('处理期间款项暂不结算给商家');
      await dialog.getByLabel('问题描述').fill('卫生间没有打扫');
      await screenshot(page, 'booking-dispute-dialog-zh', { fullPage: false });
      await dialog.getByRole('button', { name: '提交申诉' }).click();
      await dialog.waitFor({ state: 'hidden' });

      await expect.poll(() => title.textContent(), POLL).toBe('申诉中');
      const timeline = await page.getByTestId('order-timeline').innerText();
      expect(timeline).toContain('您申请了售后');
      expect(timeline).toContain('原因：卫生间没有打扫');
      // Nothing is left to do but wait for the property office.
      expect(await page.getByRole('group', { name: '订单操作' }).count()).toBe(0);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('lists orders 20 at a time, loads more at the bottom, and refreshes when pulled down', async () => {
    const token = await apiToken(NEIGHBOUR);
    const lunch = await firstSlotOf(token, '营养午餐');
    // Lunch is ordered from its menu: one portion of its first dish.
    const menu = await trpcOverHttp<{ items: { id: string }[] }>(
      platform.baseUrl,
      token,
      'catalog.menu',
      { serviceId: await serviceIdOf(token, '营养午餐') },
      'query',
    );
    const items = [{ dishId: menu.data!.items[0]!.id, quantity: 1 }];
    const bookLunch = async (n: number) => {
      const { error } = await trpcOverHttp(platform.baseUrl, token, 'booking.create', {
        slotId: lunch,
        quantity: 1,
        items,
        idempotencyKey: `lunch-${n}-${Date.now()}`,
      });
      expect(error).toBeUndefined();
    };
    for (let n = 0; n < 25; n++) await bookLunch(n);
    const all = await trpcOverHttp<{ items: unknown[] }>(
      platform.baseUrl,
      token,
      'order.list',
      { limit: 100 },
      'query',
    );
    const total = all.data!.items.length;
    expect(total).toBeGreaterThan(20);

    const { context, page, errors } = await openPhone(browser, platform.baseUrl);
    try {
      await page.goto('/login');
      await signIn(page, ZH, NEIGHBOUR);
      await page.getByRole('tab', { name: '订单', exact: true }).click();
      const cards = page.getByTestId('order-card');
      await expect.poll(() => cards.count(), POLL).toBe(20);
      expect(await cards.first().getByTestId('order-status').innerText()).toBe('待支付');

      await cards.last().scrollIntoViewIfNeeded();
      await expect.poll(() => cards.count(), POLL).toBe(total);
      await page.getByText('没有更多订单了').waitFor();

      // A lunch booked elsewhere (another phone) shows up after pulling the list down.
      await bookLunch(99);
      await page.evaluate('window.scrollTo(0, 0)');
      await pullDown(page);
      await expect.poll(() => cards.count(), POLL).toBe(total + 1);
      expect(await horizontalOverflow(page)).toBe(0);
      await screenshot(page, 'booking-orders-paged-zh', { fullPage: false });

      // An unpaid order can be paid from its page; a failed attempt comes back to it, unpaid.
      await cards.first().click();
      await page.waitForURL(ORDER_URL);
      expect(await page.getByTestId('order-hero').innerText()).toContain('请在');
      await page.getByTestId('action-pay').click();
      await page.waitForURL((url) => url.origin !== platform.baseUrl);
      // The checkout page fits the phone: the session id wraps rather than widening the page.
      await page.getByRole('button', { name: '模拟失败 Fail' }).waitFor();
      // (Too wide a page is zoomed out to fit on a phone, so compare with the phone's width.)
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBe(375);
      await page.getByRole('button', { name: '模拟失败 Fail' }).click();
      await page.waitForURL(ORDER_URL);
      await expect
        .poll(() => page.getByTestId('order-status-title').textContent(), POLL)
        .toBe('待支付');
      expect(await page.getByTestId('action-pay').innerText()).toBe('去支付');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
