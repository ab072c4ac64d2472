import { sql } from 'drizzle-orm';
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

const OPS = { phone: '13700000002', password: 'demo1234' };
const RESIDENT = '13800000001';
const POLL = { timeout: 15_000 };
const TZ = 'Asia/Shanghai';

let platform: Platform;
let browser: Browser;

beforeAll(async () => {
  [platform, browser] = await Promise.all([startPlatform(), launchBrowser()]);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await platform?.close();
});

describe('a festival survey from the console to a resident’s phone and back', () => {
  it('ops publish it, a household answers once, ops see the response rate and results', async () => {
    const desk = await openDesktop(browser, platform.baseUrl, TZ);
    const { page } = desk;
    await page.goto('/login?redirect=/console/surveys');
    await page.getByLabel('手机号').fill(OPS.phone);
    await page.getByLabel('密码').fill(OPS.password);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(/\/console\/surveys/);

    await page.getByTestId('survey-create').click();
    const form = page.getByTestId('survey-create-form');
    await form.getByTestId('survey-holiday').fill('春节');
    const questions = form.getByTestId('survey-question');
    await questions.nth(0).fill('春节期间的保洁与安保服务，您满意吗？');
    await questions.nth(1).fill('节日活动安排，您满意吗？');
    await screenshot(page, 'console-survey-create', { fullPage: false });
    await page.getByTestId('survey-save').click();
    const table = page.getByTestId('surveys-table');
    await expect.poll(() => table.locator('tbody tr').count(), POLL).toBe(1);
    expect(await table.innerText()).toContain('0.0%');

    // The resident sees the invitation in their messages and answers on the phone.
    const phone = await openPhone(browser, platform.baseUrl, { width: 390, height: 844 });
    try {
      await phone.page.goto('/login?redirect=/messages');
      await phone.page.getByLabel('手机号').fill(RESIDENT);
      await phone.page.getByLabel('密码').fill(OPS.password);
      await phone.page.getByRole('button', { name: '登录' }).click();
      await phone.page.waitForURL(/\/messages/);
      const notice = phone.page.getByTestId('survey-notice');
      await expect.poll(() => notice.innerText(), POLL).toContain('春节');
      // The invitation waits on the 消息 tab's badge until the household answers.
      const badge = phone.page.locator('.van-tabbar .van-badge');
      await expect.poll(() => badge.innerText(), POLL).toBe('1');
      await screenshot(phone.page, 'resident-survey-notice', { fullPage: false });
      await notice.click();
      const items = phone.page.getByTestId('survey-question');
      await expect.poll(() => items.count(), POLL).toBe(2);
      await items.nth(0).locator('.van-rate__item').nth(4).click();
      await items.nth(0).locator('textarea').fill('保安很负责，垃圾清运及时');
      await items.nth(1).locator('.van-rate__item').nth(3).click();
      await screenshot(phone.page, 'resident-survey-form', { fullPage: false });
      expect(await horizontalOverflow(phone.page)).toBe(0);
      await phone.page.getByTestId('survey-submit').click();
      await expect.poll(() => phone.page.getByTestId('survey-done').count(), POLL).toBe(1);
      await screenshot(phone.page, 'resident-survey-done', { fullPage: false });
      await phone.page.goto('/messages');
      await expect.poll(() => notice.innerText(), POLL).toContain('已提交');
      await expect.poll(() => badge.count(), POLL).toBe(0);
      expect(phone.errors).toEqual([]);
    } finally {
      await phone.context.close();
    }

    // Back in the console: one household of the community answered.
    const { rows } = await platform.deps.db.execute<{ n: number }>(sql`
      SELECT count(*)::int AS n FROM units u JOIN communities c ON c.id = u.community_id
       WHERE c.name = '阳光花园'`);
    const households = rows[0]!.n;
    await page.reload();
    await expect.poll(() => table.innerText(), POLL).toContain(`1 / ${households} 户`);
    await table.getByTestId('survey-results').click();
    const results = page.getByTestId('survey-result');
    await expect.poll(() => results.count(), POLL).toBe(2);
    expect(await results.nth(0).innerText()).toContain('5.00');
    expect(await results.nth(0).innerText()).toContain('保安很负责');
    expect(await results.nth(1).innerText()).toContain('4.00');
    await page.waitForTimeout(300);
    await screenshot(page, 'console-survey-results', { fullPage: false });
    expect(desk.errors).toEqual([]);
    await desk.context.close();
  });
});
