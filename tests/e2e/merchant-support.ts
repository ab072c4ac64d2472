import type { Page } from 'playwright-core';

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
