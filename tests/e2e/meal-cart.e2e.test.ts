import { trpcOverHttp } from '@cgp/api/testing';
import { orders, slots } from '@cgp/db';
import { eq, sql } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensureAppBuilt } from './support/app-build';
import {
  horizontalOverflow,
  launchBrowser,
  openDesktop,
  openPhone,
  screenshot,
} from './support/browser';
import { startPlatform, type Platform } from './support/platform';
import { settled, signIn as signInPortal } from './merchant-support';

const PASSWORD = 'demo1234';
const RESIDENT = '13800000001';
/** Owner of 速达外卖, whose 营养午餐 sells from a menu. */
const MEAL_OWNER = '13900000002';
const POLL = { timeout: 10_000 };

let platform: Platform;
let browser: Browser;
let lunchId = '';

beforeAll(async () => {
  await ensureAppBuilt('merchant-portal');
  [platform, browser] = await Promise.all([startPlatform(), launchBrowser()]);
  const { data } = await trpcOverHttp<{ token: string }>(platform.baseUrl, null, 'auth.login', {
    phone: RESIDENT,
    password: PASSWORD,
    tokenInBody: true,
  });
  const services = await trpcOverHttp<{ items: { id: string; titleZh: string }[] }>(
    platform.baseUrl,
    data!.token,
    'catalog.services',
    {},
    'query',
  );
  lunchId = services.data!.items.find((s) => s.titleZh === '营养午餐')!.id;
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await platform?.close();
});

/** Leaves `left` portions of a delivery window, as if neighbours had ordered the rest. */
async function leavePortions(slotId: string, left: number) {
  await platform.deps.db
    .update(slots)
    .set({ booked: sql`${slots.capacity} - ${left}` })
    .where(eq(slots.id, slotId));
}

const dish = (page: Page, name: string) =>
  page.locator(`[data-testid="menu-dish"][data-dish="${name}"]`);

async function add(page: Page, name: string, times = 1) {
  for (let i = 0; i < times; i++)
    await dish(page, name).getByRole('button', { name: '增加数量' }).click();
}

it('builds a lunch cart at 390×844 bounded by what the window has left, is refused at the menu when a neighbour takes more, and pays for three dishes', async () => {
  const { context, page, errors } = await openPhone(browser, platform.baseUrl, {
    width: 390,
    height: 844,
  });
  try {
    await page.goto('/login');
    await page.getByLabel('手机号').fill(RESIDENT);
    await page.getByLabel('密码').fill(PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL((url) => url.pathname === '/');

    await page.goto(`/services/${lunchId}`);
    await page.getByTestId('meal-menu').waitFor();
    // Before a window is picked, the menu says how much one order may hold.
    expect(await page.getByTestId('menu-remaining').innerText()).toBe(
      '每单最多 10 份，请先选择送达时段',
    );
    // Tomorrow's 11:30 window, with five portions left.
    await page.getByRole('group', { name: '选择日期' }).getByRole('button').nth(1).click();
    const window = page.getByRole('radio', { name: /^11:30/ });
    await window.waitFor();
    const slotId = (await window.getAttribute('data-slot-id'))!;
    await leavePortions(slotId, 5);
    await page.reload();
    await page.getByRole('group', { name: '选择日期' }).getByRole('button').nth(1).click();
    await page.getByRole('radio', { name: /^11:30/ }).click();
    await expect
      .poll(() => page.getByTestId('menu-remaining').innerText(), POLL)
      .toBe('该时段还可订 5 份');
    expect(await dish(page, '卤鸡腿').innerText()).toContain('已售罄');
    await page.getByTestId('meal-menu').scrollIntoViewIfNeeded();
    await screenshot(page, 'meal-menu-empty-zh', { fullPage: false });

    await add(page, '红烧肉饭', 2);
    await add(page, '番茄蛋汤', 2);
    await add(page, '清炒时蔬');
    // Five portions: every + is now off, and the page says why.
    expect(await page.getByTestId('cart-full').innerText()).toBe('已达到该时段可订的 5 份');
    for (const name of ['红烧肉饭', '宫保鸡丁饭', '清炒时蔬']) {
      expect(await dish(page, name).getByRole('button', { name: '增加数量' }).isDisabled()).toBe(
        true,
      );
    }
    expect(await page.getByTestId('total').innerText()).toBe('¥73.00');
    expect(await page.getByTestId('total-note').innerText()).toBe('共 5 份');
    expect(await horizontalOverflow(page)).toBe(0);
    await screenshot(page, 'meal-cart-full-zh', { fullPage: false });

    // A neighbour takes two portions before we send: the server refuses, and says so at the menu.
    await leavePortions(slotId, 3);
    await page.getByTestId('submit-booking').click();
    const problem = page.getByTestId('cart-error');
    await problem.waitFor();
    expect(await problem.innerText()).toBe('该时段只剩 3 份，请减少份数或换个时段');
    expect(await problem.isVisible()).toBe(true);
    // The window stays chosen: only the cart has to change.
    expect(await page.getByRole('radio', { name: /^11:30/ }).getAttribute('aria-checked')).toBe(
      'true',
    );
    expect(
      await platform.deps.db.select().from(orders).where(eq(orders.slotId, slotId)),
    ).toHaveLength(0);
    await screenshot(page, 'meal-cart-refused-zh', { fullPage: false });

    await dish(page, '红烧肉饭').getByRole('button', { name: '减少数量' }).click();
    await dish(page, '番茄蛋汤').getByRole('button', { name: '减少数量' }).click();
    await expect.poll(() => page.getByTestId('cart-error').count(), POLL).toBe(0);
    expect(await page.getByTestId('total').innerText()).toBe('¥42.50');

    await page.getByTestId('submit-booking').click();
    await page.waitForURL((url) => url.origin !== platform.baseUrl);
    const pay = page.getByRole('button', { name: /^支付 Pay/ });
    await pay.waitFor();
    expect(await pay.innerText()).toContain('¥42.50');
    await screenshot(page, 'meal-cart-checkout', { fullPage: false });
    await pay.click();
    await page.waitForURL(/\/orders\/[0-9a-f-]{36}\?paid=1$/);
    await expect
      .poll(() => page.getByTestId('order-status-title').textContent(), POLL)
      .toBe('已支付');
    const lines = await page.getByTestId('order-line').allInnerTexts();
    expect(lines.map((l) => l.split('\n')[0])).toEqual([
      '红烧肉饭 × 1',
      '番茄蛋汤 × 1',
      '清炒时蔬 × 1',
    ]);
    expect(await page.getByTestId('order-total').innerText()).toContain('¥42.50');
    await page.getByTestId('order-total').scrollIntoViewIfNeeded();
    await screenshot(page, 'meal-order-paid-zh', { fullPage: false });

    await page.goto('/orders');
    const card = page.getByTestId('order-card').first();
    await card.waitFor();
    expect(await card.getByTestId('order-card-dishes').innerText()).toBe(
      '红烧肉饭 ×1、番茄蛋汤 ×1、清炒时蔬 ×1',
    );
    await screenshot(page, 'meal-orders-list-zh', { fullPage: false });
    expect(await horizontalOverflow(page)).toBe(0);
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
}, 120_000);

it('lets the owner add a dish to the menu in the portal, and shows the order’s dishes in the queue and drawer', async () => {
  const { context, page, errors } = await openDesktop(browser, platform.baseUrl);
  try {
    await page.goto('/merchant/login');
    await signInPortal(page, MEAL_OWNER);
    await page.waitForURL(/\/merchant\/orders/);
    const row = page.locator('[data-testid="queue-dishes"]').first();
    await row.waitFor();
    expect(await row.innerText()).toBe('红烧肉饭 ×1、番茄蛋汤 ×1、清炒时蔬 ×1');
    await row.click();
    const dishes = page.getByTestId('order-dishes');
    await dishes.waitFor();
    expect(await dishes.innerText()).toContain('番茄蛋汤 × 1');
    await settled(page);
    await screenshot(page, 'meal-merchant-order-drawer-zh', { fullPage: false });
    await page.keyboard.press('Escape');

    await page.goto('/merchant/services');
    await page.getByTestId('service-menu').first().click();
    await page.getByRole('dialog').getByText('红烧肉饭').waitFor();
    await page.getByTestId('dish-create').click();
    await page.getByTestId('dish-name-zh').fill('扬州炒饭');
    await page.getByTestId('dish-price').fill('19.9');
    await page.getByTestId('dish-save').click();
    await page.getByText('菜品已添加').waitFor();
    await page.getByRole('dialog').getByText('扬州炒饭').waitFor();
    expect(await page.getByRole('dialog').first().innerText()).toContain('¥19.90');
    await settled(page);
    await screenshot(page, 'meal-merchant-menu-zh', { fullPage: false });

    const menu = await trpcOverHttp<{ items: { nameZh: string; priceFen: number }[] }>(
      platform.baseUrl,
      (
        await trpcOverHttp<{ token: string }>(platform.baseUrl, null, 'auth.login', {
          phone: RESIDENT,
          password: PASSWORD,
          tokenInBody: true,
        })
      ).data!.token,
      'catalog.menu',
      { serviceId: lunchId },
      'query',
    );
    expect(menu.data!.items.find((d) => d.nameZh === '扬州炒饭')?.priceFen).toBe(1990);
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
}, 120_000);

it('shows the order’s dishes in the queue on the merchant’s phone', async () => {
  const { context, page, errors } = await openPhone(browser, platform.baseUrl, {
    width: 390,
    height: 844,
  });
  try {
    await page.goto('/merchant/login');
    await signInPortal(page, MEAL_OWNER);
    await page.waitForURL(/\/merchant\/orders/);
    const dishes = page.getByTestId('queue-dishes').first();
    await dishes.waitFor();
    expect(await dishes.innerText()).toBe('红烧肉饭 ×1、番茄蛋汤 ×1、清炒时蔬 ×1');
    expect(await horizontalOverflow(page)).toBe(0);
    await settled(page);
    await screenshot(page, 'meal-merchant-queue-phone-zh', { fullPage: false });
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
}, 60_000);
