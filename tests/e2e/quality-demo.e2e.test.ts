import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settled, signIn } from './merchant-support';
import { ensureAppBuilt } from './support/app-build';
import {
  horizontalOverflow,
  launchBrowser,
  openDesktop,
  openPhone,
  screenshot,
} from './support/browser';
import { startPlatform, type Platform } from './support/platform';

const POLL = { timeout: 15_000 };
const TZ = 'Asia/Shanghai';
const PHONE = { width: 390, height: 844 };

let platform: Platform;
let browser: Browser;

beforeAll(async () => {
  await ensureAppBuilt('merchant-portal');
  [platform, browser] = await Promise.all([startPlatform({ history: true }), launchBrowser()]);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await platform?.close();
});

describe('the quality pages on the demo’s 60 days of history', () => {
  it('shows ops the dashboard with last month to compare, and the callback list', async () => {
    const desk = await openDesktop(browser, platform.baseUrl, TZ);
    const { page } = desk;
    await page.goto('/login?redirect=/console/quality');
    await signIn(page, '13700000002');
    await page.waitForURL(/\/console\/quality/);
    const value = page.getByTestId('kpi-satisfaction').getByTestId('kpi-value');
    await expect.poll(() => value.innerText(), POLL).toMatch(/\d\.\d\d \/ 5/);
    expect(await page.getByTestId('kpi-satisfaction').innerText()).not.toContain('上月无数据');
    await page.waitForTimeout(800); // the chart's animation
    await screenshot(page, 'demo-console-quality', { fullPage: true });
    await page.getByRole('menuitem', { name: '回访与工单' }).click();
    await page.getByRole('tab', { name: '已回访' }).click();
    const table = page.getByTestId('callbacks-table');
    await expect.poll(() => table.locator('tbody tr').count(), POLL).toBeGreaterThan(0);
    await screenshot(page, 'demo-console-callbacks', { fullPage: false });
    expect(desk.errors).toEqual([]);
    await desk.context.close();
  });

  it('shows a merchant its KPIs and reviews on a desk and on a phone', async () => {
    for (const [size, open] of [
      ['1440x900', () => openDesktop(browser, platform.baseUrl, TZ)],
      ['390x844', () => openPhone(browser, platform.baseUrl, PHONE)],
    ] as const) {
      const tab = await open();
      const { page } = tab;
      await page.goto('/merchant/');
      await page.waitForURL(/\/merchant\/login/);
      await signIn(page, '13900000001');
      await page.waitForURL(/\/merchant\/orders$/);
      await page.goto('/merchant/reviews');
      const kpis = page.getByTestId('merchant-kpis');
      await expect.poll(() => kpis.innerText(), POLL).toContain('准时到达率');
      await settled(page);
      await screenshot(page, `demo-merchant-reviews-${size}`, { fullPage: false });
      await screenshot(page, `demo-merchant-reviews-${size}-full`, { fullPage: true });
      expect(await horizontalOverflow(page)).toBe(0);
      expect(tab.errors).toEqual([]);
      await tab.context.close();
    }
  });

  it('fits the console’s quality pages on a phone', async () => {
    const tab = await openPhone(browser, platform.baseUrl, PHONE);
    const { page } = tab;
    await page.goto('/login?redirect=/console/quality');
    await signIn(page, '13700000002');
    await page.waitForURL(/\/console\/quality/);
    await expect
      .poll(() => page.getByTestId('kpi-satisfaction').innerText(), POLL)
      .toMatch(/\d\.\d\d \/ 5/);
    await page.waitForTimeout(800);
    await screenshot(page, 'demo-console-quality-phone', { fullPage: false });
    expect(await horizontalOverflow(page)).toBe(0);
    // The menu's one row shows the first pages; the rest are behind "…".
    await page.goto('/console/callbacks');
    await page.getByRole('tab', { name: '已回访' }).click();
    await expect
      .poll(() => page.getByTestId('callbacks-table').locator('tbody tr').count(), POLL)
      .toBeGreaterThan(0);
    await screenshot(page, 'demo-console-callbacks-phone', { fullPage: false });
    expect(await horizontalOverflow(page)).toBe(0);
    expect(tab.errors).toEqual([]);
    await tab.context.close();
  });
});
