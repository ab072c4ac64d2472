import { dueCallbackMonth, runCallbacksForCompany } from '@cgp/api';
import { callerFor, seedServedHouseholds } from '@cgp/api/testing';
import { sql } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openDesktop, screenshot } from './support/browser';
import { startPlatform, type Platform } from './support/platform';

const OPS = { phone: '13700000002', password: 'demo1234' };
const POLL = { timeout: 15_000 };
const TZ = 'Asia/Shanghai';

let platform: Platform;
let browser: Browser;
let opsId: string;

/** The month before the one the scheduler already handled at start-up: its callbacks are ours. */
function callbackMonth(): string {
  const due = dueCallbackMonth(new Date(), TZ);
  const [y, m] = due.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m - 2, 1)).toISOString().slice(0, 10);
}

/** 40 households the demo merchants served that month, their callback run, and ratings today. */
async function seedServedMonth() {
  const db = platform.deps.db;
  const { rows } = await db.execute<{
    company_id: string;
    community_id: string;
    merchant_id: string;
    service_id: string;
    slot_id: string;
  }>(sql`
    SELECT DISTINCT ON (m.id) c.company_id, c.id AS community_id, m.id AS merchant_id,
           s.id AS service_id, sl.id AS slot_id
      FROM merchants m JOIN merchant_communities mc ON mc.merchant_id = m.id
      JOIN communities c ON c.id = mc.community_id
      JOIN services s ON s.merchant_id = m.id JOIN slots sl ON sl.service_id = s.id
     WHERE c.name = '阳光花园' ORDER BY m.id, sl.starts_at`);
  const market = {
    companyId: rows[0]!.company_id,
    communityId: rows[0]!.community_id,
    unitId: '',
    residentId: '',
    merchants: rows.map((r) => ({
      merchantId: r.merchant_id,
      serviceId: r.service_id,
      slotId: r.slot_id,
    })),
  };
  const month = callbackMonth();
  await seedServedHouseholds(db, {
    households: 40,
    market,
    completedAt: new Date(`${month.slice(0, 8)}12T02:00:00Z`),
  });
  const run = await runCallbacksForCompany(db, {
    companyId: market.companyId,
    month,
    timeZone: TZ,
  });
  expect(run).toMatchObject({ created: true, households: 40, sampled: 6 });
  // Residents rated some of those orders this month; two got the default rating.
  await db.execute(sql`
    INSERT INTO order_reviews (order_id, merchant_id, resident_id, rating, automatic)
    SELECT id, merchant_id, resident_id, CASE WHEN n % 4 = 0 THEN 4 ELSE 5 END, n <= 2
      FROM (SELECT o.*, row_number() OVER (ORDER BY o.id) AS n FROM orders o
             WHERE o.community_id = ${market.communityId}) o
     WHERE n <= 14`);
  const [ops] = (
    await db.execute<{ id: string }>(sql`SELECT id FROM users WHERE phone = ${OPS.phone}`)
  ).rows;
  opsId = ops!.id;
}

beforeAll(async () => {
  [platform, browser] = await Promise.all([startPlatform(), launchBrowser()]);
  await seedServedMonth();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await platform?.close();
});

const thisMonthRange = () => {
  const month = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 7);
  const [y, m] = month.split('-').map(Number) as [number, number];
  return {
    from: new Date(`${month}-01T00:00:00+08:00`).toISOString(),
    to: new Date(Date.UTC(y, m, 1) - 8 * 3_600_000).toISOString(),
  };
};

async function kpisNow() {
  return (await callerFor(platform.deps, opsId)).quality.kpis({
    ...thisMonthRange(),
    groupBy: 'month',
  });
}

const cardValue = (page: Page, kpi: string) =>
  page.getByTestId(`kpi-${kpi}`).getByTestId('kpi-value').innerText();

describe('service quality in the property console at 1440×900', () => {
  it('lets ops work through the callbacks, record a complaint and resolve its ticket; the dashboard follows', async () => {
    const { context, page, errors } = await openDesktop(browser, platform.baseUrl, TZ);
    try {
      await page.goto('/login?redirect=/console/quality');
      await page.getByLabel('手机号').fill(OPS.phone);
      await page.getByLabel('密码').fill(OPS.password);
      await page.getByRole('button', { name: '登录' }).click();
      await page.waitForURL(/\/console\/quality/);

      // Before: the dashboard shows this month's figures as quality.kpis computes them.
      const before = await kpisNow();
      const row = before.rows[0]!;
      expect(row.satisfaction).toMatchObject({ count: 12, defaultCount: 2 });
      await expect
        .poll(() => cardValue(page, 'satisfaction'), POLL)
        .toBe(`${row.satisfaction.score!.toFixed(2)} / 5`);
      expect(await cardValue(page, 'complaints')).toBe(String(row.complaints.total));
      expect(await cardValue(page, 'ticketHandling')).toBe('—');
      await page.waitForTimeout(600); // let the chart draw
      await screenshot(page, 'console-quality-before', { fullPage: true });

      // The callback list: six households to call.
      await page.getByRole('menuitem', { name: '回访与工单' }).click();
      const table = page.getByTestId('callbacks-table');
      await expect.poll(() => table.locator('tbody tr').count(), POLL).toBe(6);
      await screenshot(page, 'console-callbacks', { fullPage: false });

      // First call: not reached.
      await table.getByTestId('record-callback').first().click();
      await page.getByTestId('reached-no').click();
      await page.getByTestId('callback-comment').fill('无人接听，明天再打');
      await page.getByTestId('callback-save').click();
      await expect.poll(() => table.locator('tbody tr').count(), POLL).toBe(5);

      // Second: reached, two stars and a complaint.
      await table.getByTestId('record-callback').first().click();
      await page.getByTestId('callback-rate').locator('.el-rate__item').nth(1).click();
      await page.getByTestId('callback-comment').fill('住户反映服务一般');
      await page
        .getByTestId('callback-complaint')

        .fill('阿姨迟到四十分钟，也没有提前打电话');
      await screenshot(page, 'console-callback-record', { fullPage: false });
      await page.getByTestId('callback-save').click();
      await expect.poll(() => table.locator('tbody tr').count(), POLL).toBe(4);

      // Third: reached, happy.
      await table.getByTestId('record-callback').first().click();
      await page.getByTestId('callback-comment').fill('很满意');
      await page.getByTestId('callback-save').click();
      await expect.poll(() => table.locator('tbody tr').count(), POLL).toBe(3);

      await page.getByRole('tab', { name: '已回访' }).click();
      const done = page.getByTestId('callbacks-table');
      await expect.poll(() => done.locator('tbody tr').count(), POLL).toBe(3);
      await expect.poll(() => done.innerText(), POLL).toContain('已生成质量工单');
      await screenshot(page, 'console-callbacks-done', { fullPage: false });

      // The complaint is a ticket owned by ops; resolving it measures its handling time.
      await page.getByRole('tab', { name: '质量工单 · 处理中' }).click();
      const tickets = page.getByTestId('tickets-table');
      await expect.poll(() => tickets.locator('tbody tr').count(), POLL).toBe(1);
      expect(await tickets.innerText()).toContain('阿姨迟到四十分钟');
      await tickets.getByTestId('resolve-ticket').click();
      await page
        .getByTestId('ticket-resolution')

        .fill('商户致歉，下次服务免费');
      await page.getByTestId('ticket-save').click();
      await expect.poll(() => tickets.locator('tbody tr').count(), POLL).toBe(0);

      // After: one more complaint this month and a handling time, on the page and in quality.kpis.
      const after = (await kpisNow()).rows[0]!;
      expect(after.complaints.total).toBe(row.complaints.total + 1);
      expect(after.complaints.tickets).toBe(row.complaints.tickets + 1);
      expect(after.tickets.resolved).toBe(1);
      await page.getByRole('menuitem', { name: '服务质量' }).click();
      await expect
        .poll(() => cardValue(page, 'complaints'), POLL)
        .toBe(String(after.complaints.total));
      await expect
        .poll(() => cardValue(page, 'ticketHandling'), POLL)
        .toBe(`${after.tickets.meanHandlingHours!.toFixed(2)} 小时`);

      // Drill-down: the complaint's order.
      await page.getByTestId('kpi-complaints').getByRole('button', { name: '查看订单' }).click();
      const drill = page.getByTestId('kpi-orders');
      await expect.poll(() => drill.locator('tbody tr').count(), POLL).toBe(after.complaints.total);
      expect(await drill.innerText()).toContain('质量工单');
      await page.waitForTimeout(400);
      await screenshot(page, 'console-quality-after', { fullPage: false });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 180_000);
});
