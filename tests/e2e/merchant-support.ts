import type { Browser, BrowserContext, Page } from 'playwright-core';

export interface Desk {
  context: BrowserContext;
  page: Page;
  /** Uncaught exceptions and console errors of the page, other than failed requests. */
  errors: string[];
}

/**
 * A 1440×900 desktop opening the portal. Its clock is set to New York on purpose: the portal must
 * still show times and days in Asia/Shanghai.
 */
export async function openDesk(browser: Browser, baseURL: string): Promise<Desk> {
  const context = await browser.newContext({
    baseURL,
    viewport: { width: 1440, height: 900 },
    deviceScaleFactor: 1,
    locale: 'zh-CN',
    timezoneId: 'America/New_York',
  });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      errors.push(message.text());
    }
  });
  return { context, page, errors };
}

/** Signs in on the portal's login page. */
export async function signIn(page: Page, phone: string, password = 'demo1234'): Promise<void> {
  await page.getByLabel('手机号').fill(phone);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
}

/**
 * Waits until the page's short animations and transitions (dialogs, toasts, tabs) have finished,
 * so a screenshot shows where things end up rather than mid-slide. Long ones — the live dot's
 * pulse, a new order's fading highlight — are what the picture should show, so they are not awaited.
 */
export async function settled(page: Page): Promise<void> {
  // A function, not a string: the portal's CSP forbids evaluating strings. This file is checked
  // without the DOM library, hence the narrow shape of `document`.
  await page.waitForFunction(() => {
    type Timing = { endTime?: number | string };
    type Running = { playState: string; effect: { getComputedTiming(): Timing } | null };
    const doc = (globalThis as unknown as { document: { getAnimations(): Running[] } }).document;
    return doc.getAnimations().every((a) => {
      const end = a.effect?.getComputedTiming().endTime;
      return a.playState !== 'running' || typeof end !== 'number' || end > 2000;
    });
  });
}
