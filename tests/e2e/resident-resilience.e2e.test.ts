import { trpcOverHttp } from '@cgp/api/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openPhone, screenshot, type Tab } from './support/browser';
import { startPlatform, type Platform } from './support/platform';

/** 2-202: no other test of this file books as them, so their order count is this test's alone. */
const RESIDENT = '13800000002';
const PHONE_390 = { width: 390, height: 844 };
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

async function signedInPhone(): Promise<Tab> {
  const tab = await openPhone(browser, platform.baseUrl, PHONE_390);
  await tab.page.goto('/login');
  await tab.page.getByLabel('手机号').fill(RESIDENT);
  await tab.page.getByLabel('密码').fill('demo1234');
  await tab.page.getByRole('button', { name: '登录' }).click();
  await tab.page.waitForURL((url) => url.pathname === '/');
  return tab;
}

async function orderIds(): Promise<string[]> {
  const login = await trpcOverHttp<{ token: string }>(platform.baseUrl, null, 'auth.login', {
    phone: RESIDENT,
    password: 'demo1234',
    tokenInBody: true,
  });
  const list = await trpcOverHttp<{ items: { id: string }[] }>(
    platform.baseUrl,
    login.data!.token,
    'order.list',
    { limit: 100 },
    'query',
  );
  return list.data!.items.map((o) => o.id);
}

async function pickCleaningSlot(page: Page) {
  await page.getByRole('link', { name: /^日常保洁/ }).click();
  await page.getByRole('group', { name: '选择日期' }).getByRole('button').nth(2).click();
  await page.getByRole('radio', { name: /^09:00/ }).click();
}

describe('a resident on a bad network, at 390×844', () => {
  it('says so when the answer to 提交并支付 is lost, and the retry pays for the one order made', async () => {
    const { context, page, errors } = await signedInPhone();
    try {
      const before = await orderIds();
      await pickCleaningSlot(page);

      // The booking reaches the server, which makes the order; the network drops before the
      // answer gets back to the phone.
      const create = /\/trpc\/[^?]*booking\.create/;
      let madeOrderId: string | undefined;
      await page.route(create, async (route) => {
        const response = await route.fetch();
        const body = (await response.json()) as { result?: { data: { id: string } } }[];
        madeOrderId = body[0]?.result?.data.id;
        await context.setOffline(true);
        await route.abort('internetdisconnected');
      });
      await page.getByTestId('submit-booking').click();
      const dialog = page.getByRole('dialog');
      await dialog.waitFor();
      expect(await dialog.innerText()).toContain('网络连接中断');
      expect(await dialog.innerText()).toContain('重试不会重复下单');
      // Still on our page, not spinning, not gone to checkout behind the resident's back.
      expect(page.url()).toMatch(/\/services\//);
      expect(await page.getByTestId('submit-booking').innerText()).toBe('提交并支付');
      await page.waitForTimeout(400); // the dialog's fade-in
      await screenshot(page, 'resilience-booking-lost-zh', { fullPage: false });
      expect(madeOrderId).toBeTruthy();

      // Back online, 重试 sends the same booking: the server answers with the order it made.
      await page.unroute(create);
      await context.setOffline(false);
      await dialog.getByRole('button', { name: '重试' }).click();
      await page.waitForURL((url) => url.origin !== platform.baseUrl);
      await page.getByRole('button', { name: /^支付 Pay/ }).click();
      await page.waitForURL(ORDER_URL);
      expect(ORDER_URL.exec(page.url())![1]).toBe(madeOrderId);
      await expect
        .poll(() => page.getByTestId('order-status-title').textContent(), { timeout: 10_000 })
        .toBe('已支付');

      const after = await orderIds();
      expect(after.filter((id) => !before.includes(id))).toEqual([madeOrderId]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 90_000);

  it('says a page could not be loaded offline, and opens it on retry', async () => {
    const { context, page, errors } = await signedInPhone();
    try {
      await page.getByTestId('service-card').first().waitFor();
      await context.setOffline(true);
      await page.getByRole('tab', { name: '订单', exact: true }).click();
      const dialog = page.getByRole('dialog');
      await dialog.waitFor();
      expect(await dialog.innerText()).toContain('页面没有加载出来');
      expect(await dialog.innerText()).toContain('网络连接失败');
      await page.waitForTimeout(400); // the dialog's fade-in
      await screenshot(page, 'resilience-chunk-failed-zh', { fullPage: false });

      await context.setOffline(false);
      await dialog.getByRole('button', { name: '重试' }).click();
      await page.waitForURL((url) => url.pathname === '/orders');
      await page.getByText('我的订单').first().waitFor();
      expect(errors.filter((e) => !/dynamically imported module|preload/i.test(e))).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('draws a skeleton within a second on a throttled phone and network', async () => {
    const { context, page } = await openPhone(browser, platform.baseUrl, PHONE_390);
    try {
      const cdp = await context.newCDPSession(page);
      // Chrome DevTools' "Fast 3G" on a phone four times slower than this machine.
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: 562.5,
        downloadThroughput: (1.44 * 1024 * 1024) / 8,
        uploadThroughput: (675 * 1024) / 8,
      });
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
      await page.goto('/login', { waitUntil: 'commit' });
      await page.getByTestId('app-skeleton').waitFor({ timeout: 1_000 });
      await screenshot(page, 'resilience-skeleton-zh', { fullPage: false });
      // …and the real page follows.
      await page.getByLabel('手机号').waitFor({ timeout: 30_000 });
      expect(await page.getByTestId('app-skeleton').count()).toBe(0);
    } finally {
      await context.close();
    }
  }, 60_000);
});

describe('the care booking form, at 390×844', () => {
  it('refuses age 250 at the age field, in Chinese, without asking the server', async () => {
    const { context, page, errors } = await signedInPhone();
    try {
      await page.getByRole('link', { name: /^老人陪护/ }).click();
      await page.getByRole('group', { name: '选择日期' }).getByRole('button').nth(2).click();
      await page.getByRole('radiogroup', { name: '选择时间' }).getByRole('radio').first().click();

      const calls: string[] = [];
      page.on('request', (request) => {
        if (request.url().includes('/trpc/')) calls.push(request.url());
      });
      await page.getByLabel('姓名').fill('王奶奶');
      await page.getByLabel('年龄').fill('250');
      const age = page.getByTestId('care-age');
      await age.getByText('年龄需在 1–120 岁之间').waitFor();
      expect(await page.getByTestId('submit-booking').isDisabled()).toBe(true);
      expect(await page.getByTestId('booking-hint').innerText()).toBe(
        '被看护人的信息有误，请按提示修改',
      );
      // The schema the server uses decided it here: nothing was sent.
      expect(calls.filter((url) => /booking|order/.test(url))).toEqual([]);
      // Clear of the fixed booking bar, for the picture.
      await page.evaluate(
        "document.querySelector('[data-testid=care-age]').scrollIntoView({ block: 'center' })",
      );
      await screenshot(page, 'care-form-age-250-zh', { fullPage: false });

      await page.getByLabel('年龄').fill('82');
      await age.getByText('年龄需在 1–120 岁之间').waitFor({ state: 'detached' });
      expect(await page.getByTestId('submit-booking').isEnabled()).toBe(true);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);
});
