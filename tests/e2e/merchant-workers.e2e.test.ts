import { merchants, orders, services, slots, users, workers } from '@cgp/db';
import { bookSlot, callerFor, payOrder } from '@cgp/api/testing';
import { and, asc, eq, gt } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settled, signIn } from './merchant-support';
import { ensureAppBuilt } from './support/app-build';
import {
  horizontalOverflow,
  launchBrowser,
  openDesktop,
  openPhone,
  screenshot,
  type Tab,
} from './support/browser';
import { startPlatform, type Platform } from './support/platform';

const SUNSHINE = '13900000001'; // 阳光家政's owner
const RESIDENTS = ['13800000001', '13800000002'];
const PHONE = { width: 390, height: 844 };

let platform: Platform;
let browser: Browser;

beforeAll(async () => {
  await ensureAppBuilt('merchant-portal');
  [platform, browser] = await Promise.all([startPlatform(), launchBrowser()]);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await platform?.close();
});

const userByPhone = async (phone: string) => {
  const [user] = await platform.deps.db.select().from(users).where(eq(users.phone, phone));
  return user!;
};

/** Two residents book the same 日常保洁 slot; the owner accepts both, so each goes to a worker. */
async function twoAcceptedOrdersAtOnce() {
  const db = platform.deps.db;
  const [slot] = await db
    .select({ id: slots.id })
    .from(slots)
    .innerJoin(services, eq(services.id, slots.serviceId))
    .innerJoin(merchants, eq(merchants.id, services.merchantId))
    .where(
      and(
        eq(merchants.name, '阳光家政'),
        eq(services.titleZh, '日常保洁'),
        gt(slots.startsAt, new Date(Date.now() + 3 * 24 * 3_600_000)),
      ),
    )
    .orderBy(asc(slots.startsAt))
    .limit(1);
  const owner = await callerFor(platform.deps, (await userByPhone(SUNSHINE)).id);
  const placed = [];
  for (const phone of RESIDENTS) {
    const order = await bookSlot(platform.deps, (await userByPhone(phone)).id, slot!.id, {
      quantity: 2,
    });
    await payOrder(platform.deps, order.id);
    await owner.merchant.orders.accept({ id: order.id });
    placed.push(order.id);
  }
  return placed;
}

const workerNameOf = async (orderId: string) => {
  const [row] = await platform.deps.db
    .select({ name: users.displayName })
    .from(orders)
    .innerJoin(workers, eq(workers.id, orders.workerId))
    .innerJoin(users, eq(users.id, workers.userId))
    .where(eq(orders.id, orderId));
  return row?.name ?? null;
};

async function openWorkers(tab: Tab) {
  await tab.page.goto('/merchant/login');
  await signIn(tab.page, SUNSHINE);
  await tab.page.waitForURL(/\/merchant\/orders/);
  await tab.page.goto('/merchant/workers');
  await tab.page.getByTestId('worker-row').first().waitFor();
}

const row = (page: Page, name: string) => page.getByTestId('worker-row').filter({ hasText: name });

describe('workers and reassignment in the merchant portal', () => {
  it('the owner adds, edits and deactivates a worker on a 390×844 phone', async () => {
    const tab = await openPhone(browser, platform.baseUrl, PHONE);
    try {
      const { page } = tab;
      await openWorkers(tab);
      expect(await page.getByTestId('worker-row').count()).toBe(2);
      expect(await row(page, '王师傅').innerText()).toContain('家政服务');
      await settled(page);
      expect(await horizontalOverflow(page)).toBe(0);
      await screenshot(page, 'merchant-workers-phone', { fullPage: false });

      // Adding: the form says what is missing, then the server refuses a phone already in use.
      await page.getByTestId('worker-add').click();
      const dialog = page.getByRole('dialog');
      await dialog.getByTestId('worker-save').click();
      await dialog.getByText('请填写姓名（30 字以内）').waitFor();
      await dialog.getByText('密码至少 8 位').waitFor();
      await dialog.getByLabel('姓名').fill('赵阿姨');
      await dialog.getByLabel('手机号（用于登录任务页）').fill('13910000001');
      await dialog.getByLabel('登录密码').fill('zhao12345');
      await dialog.getByTestId('worker-save').click();
      await dialog.getByText('这个手机号已被其他账号使用').waitFor();
      await settled(page);
      await screenshot(page, 'merchant-workers-add-phone', { fullPage: false });
      await dialog.getByLabel('手机号（用于登录任务页）').fill('13910000003');
      await dialog.getByTestId('worker-save').click();
      await page.getByText('已添加服务人员').waitFor();
      await row(page, '赵阿姨').waitFor();
      expect(await row(page, '赵阿姨').innerText()).toContain('进行中 0 单');

      // Editing the name and phone keeps the password unless one is typed.
      await row(page, '赵阿姨').getByRole('button', { name: '编辑' }).click();
      await dialog.getByLabel('姓名').fill('赵秀英');
      await dialog.getByLabel('手机号（用于登录任务页）').fill('13910000004');
      await dialog.getByTestId('worker-save').click();
      await page.getByText('已保存').first().waitFor();
      await row(page, '赵秀英').waitFor();
      expect(await row(page, '赵秀英').innerText()).toContain('13910000004');

      // Deactivating takes them out of dispatch.
      await row(page, '刘阿姨').locator('.el-switch').click();
      await page.getByText('已停用，不再派单给此人').waitFor();
      const [liu] = await platform.deps.db
        .select({ active: workers.active })
        .from(workers)
        .innerJoin(users, eq(users.id, workers.userId))
        .where(eq(users.displayName, '刘阿姨'));
      expect(liu!.active).toBe(false);
      await row(page, '刘阿姨').locator('.el-switch').click();
      await page.getByText('已恢复接单').waitFor();
      expect(tab.errors).toEqual([]);
    } finally {
      await tab.context.close();
    }
  }, 120_000);

  it('reassigns an order, and says so when the chosen worker is busy then', async () => {
    const [first, second] = await twoAcceptedOrdersAtOnce();
    const busyName = (await workerNameOf(second!))!;
    const tab = await openPhone(browser, platform.baseUrl, PHONE);
    try {
      const { page } = tab;
      await page.goto('/merchant/login');
      await signIn(page, SUNSHINE);
      await page.waitForURL(/\/merchant\/orders/);
      await page.getByRole('button', { name: '详情' }).first().waitFor();
      // Open the first order's drawer from the queue.
      const firstName = (await workerNameOf(first!))!;
      expect(firstName).not.toBe(busyName);
      const buttons = page.getByRole('button', { name: '详情' });
      const drawer = page.locator('.el-drawer');
      const assign = drawer.getByTestId('order-assign');
      for (let i = 0; i < (await buttons.count()); i++) {
        await buttons.nth(i).click();
        await assign.waitFor();
        if ((await assign.innerText()).includes(firstName)) break;
        await page.keyboard.press('Escape');
        await assign.waitFor({ state: 'hidden' });
      }
      expect(await assign.innerText()).toContain(firstName);

      await assign.getByTestId('assign-select').click();
      await page.locator('.el-select-dropdown__item').filter({ hasText: busyName }).click();
      await assign.getByTestId('assign-submit').click();
      await assign.getByTestId('assign-problem').waitFor();
      expect(await assign.getByTestId('assign-problem').innerText()).toContain(
        '该服务人员在这个时间已有其他订单',
      );
      expect(await workerNameOf(first!)).toBe(firstName);
      await settled(page);
      expect(await horizontalOverflow(page)).toBe(0);
      await screenshot(page, 'merchant-assign-busy-phone', { fullPage: false });

      // The worker added in the first test is free then.
      await assign.getByTestId('assign-select').click();
      await page.locator('.el-select-dropdown__item').filter({ hasText: '赵秀英' }).click();
      await assign.getByTestId('assign-submit').click();
      await page.getByText('已改派给 赵秀英').waitFor();
      await expect.poll(() => workerNameOf(first!)).toBe('赵秀英');
      await expect.poll(() => assign.innerText()).toContain('赵秀英');
      await settled(page);
      await screenshot(page, 'merchant-assign-done-phone', { fullPage: false });
      expect(tab.errors).toEqual([]);
    } finally {
      await tab.context.close();
    }
  }, 120_000);

  it('shows the same screens on a 1440×900 desktop', async () => {
    const tab = await openDesktop(browser, platform.baseUrl);
    try {
      await openWorkers(tab);
      await settled(tab.page);
      await screenshot(tab.page, 'merchant-workers-desktop', { fullPage: false });
      await tab.page.getByTestId('worker-add').click();
      await tab.page.getByRole('dialog').getByLabel('姓名').waitFor();
      await settled(tab.page);
      await screenshot(tab.page, 'merchant-workers-add-desktop', { fullPage: false });
      await tab.page.keyboard.press('Escape');
      await tab.page.goto('/merchant/orders');
      await tab.page.getByRole('button', { name: '详情' }).first().click();
      await tab.page.locator('.el-drawer').getByTestId('order-assign').waitFor();
      await settled(tab.page);
      await screenshot(tab.page, 'merchant-assign-desktop', { fullPage: false });
      expect(tab.errors).toEqual([]);
    } finally {
      await tab.context.close();
    }
  }, 120_000);
});
