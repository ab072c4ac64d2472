import { reconcileNightly } from '@cgp/api';
import { callerFor, payOrder, seedEligibleOrders, slotStartsIn } from '@cgp/api/testing';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  horizontalOverflow,
  launchBrowser,
  openDesktop,
  openPhone,
  screenshot,
} from './support/browser';
import { ensureAppBuilt } from './support/app-build';
import { startPlatform, type Platform } from './support/platform';

/** The demo's property auditor: the finance clerk. */
const CLERK = { phone: '13700000001', password: 'demo1234' };
const RESIDENT_PHONE = '13800000001';
const POLL = { timeout: 15_000 };

let platform: Platform;
let browser: Browser;
let companyId: string;

const yuan = (fen: number) =>
  `¥${Math.trunc(fen / 100).toLocaleString('en-US')}.${String(fen % 100).padStart(2, '0')}`;

async function rows<T extends Record<string, unknown>>(q: ReturnType<typeof sql>) {
  return (await platform.deps.db.execute<T>(q)).rows;
}

/**
 * Known money for the demo company: 12 orders that earned their shares just now (paid two days
 * ago), 5 of which are marked paid today; a refund being sent; a payout that failed.
 */
async function seedMoney() {
  const [resident] = await rows<{
    id: string;
    unit_id: string;
    community_id: string;
    company_id: string;
  }>(sql`
    SELECT u.id, u.unit_id, un.community_id, c.company_id FROM users u
      JOIN units un ON un.id = u.unit_id JOIN communities c ON c.id = un.community_id
     WHERE u.phone = ${RESIDENT_PHONE}`);
  companyId = resident!.company_id;
  const merchants = await rows<{ merchant_id: string; service_id: string; slot_id: string }>(sql`
    SELECT DISTINCT ON (m.id) m.id AS merchant_id, s.id AS service_id, sl.id AS slot_id
      FROM merchants m JOIN services s ON s.merchant_id = m.id JOIN slots sl ON sl.service_id = s.id
     WHERE m.company_id = ${companyId} ORDER BY m.id, sl.starts_at`);
  for (const m of merchants)
    await platform.deps.db.execute(
      sql`UPDATE slots SET capacity = capacity + 50 WHERE id = ${m.slot_id}`,
    );
  const seeded = await seedEligibleOrders(platform.deps.db, {
    merchants: merchants.length,
    orders: 12,
    earnedDaysAgo: 0,
    market: {
      companyId,
      communityId: resident!.community_id,
      unitId: resident!.unit_id,
      residentId: resident!.id,
      merchants: merchants.map((m) => ({
        merchantId: m.merchant_id,
        serviceId: m.service_id,
        slotId: m.slot_id,
      })),
    },
  });
  expect(seeded.orderCount).toBe(12);
  await platform.deps.db.execute(sql`
    UPDATE orders SET paid_at = now() - interval '1 minute'
     WHERE id IN (SELECT id FROM orders WHERE idempotency_key LIKE 'seed-%' ORDER BY id LIMIT 5)`);
  const [order] = await rows<{ id: string }>(sql`
    SELECT id FROM orders WHERE idempotency_key LIKE 'seed-%' ORDER BY id LIMIT 1`);
  // Not yet due, so no worker sends it while the page is read.
  await platform.deps.db.execute(sql`
    INSERT INTO refunds (order_id, amount_fen, cause, status, due_at)
    VALUES (${order!.id}, 1234, 'resolveRefund', 'pending', now() + interval '1 day')`);
  await platform.deps.db.execute(sql`
    INSERT INTO statements (merchant_id, run_id, status, gross_fen, refund_fen, merchant_fen,
                            platform_fen, payout_fen, order_count, failure_reason)
    VALUES (${merchants[0]!.merchant_id}, gen_random_uuid(), 'failed', 65255, 0, 45678, 19577,
            45678, 3, 'account_closed')`);
  await reconcileNightly(platform.deps.db, platform.deps.payments.stripe, 'Asia/Shanghai');
}

/** What the cards should say, from the tables directly (not through the procedure). */
async function expectedFigures() {
  const today = sql`((now() AT TIME ZONE 'Asia/Shanghai')::date::timestamp AT TIME ZONE 'Asia/Shanghai')`;
  const month = sql`(date_trunc('month', now() AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai')`;
  const inCompany = sql`o.community_id IN (SELECT id FROM communities WHERE company_id = ${companyId})`;
  const [r] = await rows<Record<string, string>>(sql`
    SELECT
      (SELECT count(*) FROM orders o WHERE o.paid_at >= ${today} AND ${inCompany}) AS orders,
      (SELECT coalesce(sum(total_fen), 0) FROM orders o WHERE o.paid_at >= ${today} AND ${inCompany}) AS gmv,
      (SELECT coalesce(sum(platform_share_fen), 0) FROM orders o WHERE o.earned_at >= ${today} AND ${inCompany}) AS platform,
      (SELECT coalesce(sum(r.amount_fen), 0) FROM refunds r JOIN orders o ON o.id = r.order_id
        WHERE r.status IN ('pending', 'failed') AND ${inCompany}) AS refunds,
      (SELECT coalesce(sum(payout_fen), 0) FROM statements s JOIN merchants m ON m.id = s.merchant_id
        WHERE s.status IN ('pending', 'failed') AND m.company_id = ${companyId}) AS payouts,
      (SELECT coalesce(sum(total_fen), 0) FROM orders o WHERE o.paid_at >= ${month} AND ${inCompany}) AS month_gmv`);
  return Object.fromEntries(Object.entries(r!).map(([k, v]) => [k, Number(v)]));
}

async function signIn(page: Page, redirect: string) {
  await page.goto(`/login?redirect=${redirect}`);
  await page.getByLabel('手机号').fill(CLERK.phone);
  await page.getByLabel('密码').fill(CLERK.password);
  await page.getByRole('button', { name: '登录' }).click();
}

beforeAll(async () => {
  // The dispute test has the merchant answer in the portal, which the platform mounts when built.
  await ensureAppBuilt('merchant-portal');
  [platform, browser] = await Promise.all([startPlatform(), launchBrowser()]);
  await seedMoney();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await platform?.close();
});

describe('the console landing page for a finance clerk', () => {
  it('shows today’s figures in 元 as the books have them, the trend with 环比, and breadcrumbs that keep filters (1440×900)', async () => {
    const expected = await expectedFigures();
    expect(expected.orders).toBeGreaterThanOrEqual(5);
    expect(expected.platform).toBeGreaterThan(0);
    const [clerk] = await rows<{ id: string }>(
      sql`SELECT id FROM users WHERE phone = ${CLERK.phone}`,
    );
    const unreconciled = (await (await callerFor(platform.deps, clerk!.id)).console.kpis())
      .unreconciledDays;

    const { context, page, errors } = await openDesktop(browser, platform.baseUrl);
    try {
      await signIn(page, '/console');
      await page.waitForURL((url) => url.pathname === '/console');
      const card = (id: string) => page.getByTestId(id).getByTestId('kpi-value');
      await expect.poll(() => card('kpi-orders').innerText(), POLL).toBe(String(expected.orders));
      expect(await card('kpi-gmv').innerText()).toBe(yuan(expected.gmv!));
      expect(await card('kpi-platform').innerText()).toBe(yuan(expected.platform!));
      expect(await card('kpi-refunds').innerText()).toBe(yuan(expected.refunds!));
      expect(expected.refunds).toBe(1234);
      expect(await card('kpi-payouts').innerText()).toBe(yuan(expected.payouts!));
      expect(expected.payouts).toBeGreaterThanOrEqual(45_678);
      expect(await card('kpi-unreconciled').innerText()).toBe(
        unreconciled === null ? '尚未对账' : `${unreconciled} 天`,
      );

      // The trend: month on month in words and %.
      const mom = page.getByTestId('mom');
      await mom.waitFor();
      expect(await mom.innerText()).toContain('环比');
      const gmvLine = await page.getByTestId('mom-gmv').innerText();
      expect(gmvLine).toContain(`交易额：本月至今 ${yuan(expected.month_gmv!)}`);
      expect(gmvLine).toMatch(/(增长|下降) \d+(\.\d+)?%|持平|无法计算环比/);
      await page.locator('[data-testid="trend"] canvas').first().waitFor();
      await page.waitForTimeout(800);
      await screenshot(page, 'console-home-desktop', { fullPage: false });

      // Month view, then down to today's orders, a search, an order, and back by the breadcrumb.
      await page.getByTestId('trend-granularity').getByText('按月').click();
      await expect.poll(() => page.getByTestId('mom-gmv').innerText(), POLL).toContain('交易额');
      await page.getByTestId('kpi-platform').getByRole('link', { name: '查看订单' }).click();
      await page.waitForURL(/\/console\/orders\?/);
      const table = page.getByTestId('orders-table');
      await expect.poll(() => table.locator('tbody tr').count(), POLL).toBeGreaterThan(0);
      await page.getByTestId('orders-search').fill(RESIDENT_PHONE);
      await page.getByTestId('orders-search').press('Enter');
      await page.waitForURL(new RegExp(`q=${RESIDENT_PHONE}`));
      await expect.poll(() => table.locator('tbody tr').count(), POLL).toBeGreaterThan(0);
      const listUrl = new URL(page.url());
      await table.locator('tbody tr').first().click();
      await page.waitForURL(/\/console\/orders\/[0-9a-f-]{36}\?/);
      const crumbs = page.getByTestId('breadcrumbs');
      await expect.poll(() => crumbs.innerText(), POLL).toMatch(/概览\s*\/\s*订单\s*\/\s*订单 \d+/);
      await screenshot(page, 'console-order-breadcrumbs', { fullPage: false });
      await crumbs.getByText('订单', { exact: true }).click();
      await page.waitForURL((url) => url.pathname === '/console/orders');
      const back = new URL(page.url());
      for (const key of ['from', 'to', 'q'])
        expect(`${key}=${back.searchParams.get(key)}`).toBe(
          `${key}=${listUrl.searchParams.get(key)}`,
        );
      expect(await page.getByTestId('orders-search').inputValue()).toBe(RESIDENT_PHONE);
      await crumbs.getByText('概览').click();
      await page.waitForURL((url) => url.pathname === '/console');

      // From the revenue report grouped by category: the way back keeps the grouping and period.
      await page.getByRole('menuitem', { name: '分账报表' }).click();
      await page.locator('.el-range-editor').first().click();
      await page.locator('.el-picker-panel__shortcut', { hasText: '近30天' }).click();
      await page.waitForURL(/period=\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}/);
      await page.getByTestId('group-by').getByText('按品类').click();
      await page.waitForURL(/groupBy=category/);
      const reportUrl = new URL(page.url());
      await page.getByTestId('drill').first().click();
      await page.waitForURL(/\/console\/orders\?/);
      await expect.poll(() => table.locator('tbody tr').count(), POLL).toBeGreaterThan(0);
      await table.locator('tbody tr').first().click();
      await expect
        .poll(() => crumbs.innerText(), POLL)
        .toMatch(/分账报表\s*\/\s*订单\s*\/\s*订单 \d+/);
      await crumbs.getByText('分账报表').click();
      await page.waitForURL((url) => url.pathname === '/console/revenue');
      expect(new URL(page.url()).searchParams.get('groupBy')).toBe('category');
      expect(new URL(page.url()).searchParams.get('period')).toBe(
        reportUrl.searchParams.get('period'),
      );
      await expect
        .poll(() => page.getByTestId('group-by').locator('.is-active').innerText(), POLL)
        .toBe('按品类');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 150_000);

  it('fits a 390×844 phone: the cards and the trend, without sideways scrolling', async () => {
    const expected = await expectedFigures();
    const { context, page, errors } = await openPhone(browser, platform.baseUrl, {
      width: 390,
      height: 844,
    });
    try {
      await signIn(page, '/console');
      await page.waitForURL((url) => url.pathname === '/console');
      await expect
        .poll(() => page.getByTestId('kpi-gmv').getByTestId('kpi-value').innerText(), POLL)
        .toBe(yuan(expected.gmv!));
      await page.getByTestId('mom-gmv').waitFor();
      await page.locator('[data-testid="trend"] canvas').first().waitFor();
      await page.waitForTimeout(800);
      expect(await horizontalOverflow(page)).toBe(0);
      await screenshot(page, 'console-home-phone', { fullPage: false });
      await screenshot(page, 'console-home-phone-full');
      // English, second.
      await page.getByRole('button', { name: 'English' }).click();
      await expect
        .poll(() => page.getByTestId('kpi-gmv').innerText(), POLL)
        .toContain("Today's gross");
      expect(await page.getByTestId('mom').innerText()).toContain('Month on month');
      await screenshot(page, 'console-home-phone-en', { fullPage: false });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 90_000);

  it('opens a dispute with both sides: the resident complains with a photo on a 390×844 phone, the merchant states its side in the portal, and the console shows both', async () => {
    const db = platform.deps.db;
    const [row] = await rows<{
      resident: string;
      owner: string;
      owner_phone: string;
      slot: string;
    }>(sql`
      SELECT r.id AS resident, o.id AS owner, o.phone AS owner_phone, sl.id AS slot
        FROM users r, services s JOIN slots sl ON sl.service_id = s.id
        JOIN users o ON o.merchant_id = s.merchant_id AND o.merchant_role = 'owner'
       WHERE r.phone = ${RESIDENT_PHONE} AND s.title_zh = '深度保洁' AND sl.starts_at > now() + interval '1 day'
       ORDER BY sl.starts_at LIMIT 1`);
    await db.execute(sql`UPDATE slots SET capacity = capacity + 5 WHERE id = ${row!.slot}`);
    const resident = await callerFor(platform.deps, row!.resident);
    const order = await resident.booking.create({
      slotId: row!.slot,
      quantity: 1,
      idempotencyKey: randomUUID(),
    });
    await payOrder(platform.deps, order.id);
    await slotStartsIn(platform.deps, row!.slot, 10);
    const owner = await callerFor(platform.deps, row!.owner);
    for (const step of ['accept', 'start', 'complete'] as const)
      await owner.merchant.orders[step]({ id: order.id });

    // The resident, on a phone, complains and attaches a photo through the uploader.
    const phone = await openPhone(browser, platform.baseUrl, { width: 390, height: 844 });
    try {
      const { page } = phone;
      await page.goto('/login');
      // A picture of a page stands in for a snapshot of the kitchen.
      const picture = await page.screenshot({ clip: { x: 0, y: 0, width: 390, height: 300 } });
      await page.getByLabel('手机号').fill(RESIDENT_PHONE);
      await page.getByLabel('密码').fill('demo1234');
      await page.getByRole('button', { name: '登录' }).click();
      await page.waitForURL((url) => url.pathname === '/');
      await page.goto(`/orders/${order.id}`);
      await page.getByTestId('action-dispute').click();
      const dialog = page.getByTestId('dispute-dialog');
      await dialog.waitFor();
      await dialog.getByText('问题照片（选填，最多 6 张）').waitFor();
      await dialog.getByLabel('问题描述').fill('厨房油污没有清理干净，灶台还是黑的');
      await dialog
        .getByTestId('dispute-photos')
        .locator('input[type=file]')
        .setInputFiles({ name: 'kitchen.png', mimeType: 'image/png', buffer: picture });
      const preview = dialog.locator('.van-uploader__preview');
      await expect.poll(() => preview.count(), POLL).toBe(1);
      // Uploaded: no spinner or failure mask left on the preview.
      await expect.poll(() => preview.locator('.van-uploader__mask').count(), POLL).toBe(0);
      await page.waitForTimeout(300);
      await screenshot(page, 'dispute-dialog-photo-phone', { fullPage: false });
      expect(await horizontalOverflow(page)).toBe(0);
      await dialog.getByRole('button', { name: '提交申诉' }).click();
      await dialog.waitFor({ state: 'hidden' });
      await expect
        .poll(() => page.getByTestId('order-status-title').textContent(), POLL)
        .toBe('申诉中');
      expect(phone.errors).toEqual([]);
    } finally {
      await phone.context.close();
    }
    const [{ photos } = { photos: 0 }] = await rows<{ photos: number }>(sql`
      SELECT count(*)::int AS photos FROM uploads WHERE order_id = ${order.id}`);
    expect(photos).toBe(1);

    // The merchant reads the complaint in its order drawer and states its side.
    const desk = await openDesktop(browser, platform.baseUrl);
    try {
      const { page } = desk;
      await page.goto('/merchant/orders');
      await page.waitForURL(/\/merchant\/login/);
      await page.getByLabel('手机号').fill(row!.owner_phone);
      await page.getByLabel('密码').fill('demo1234');
      await page.getByRole('button', { name: '登录' }).click();
      await page.waitForURL(/\/merchant\/orders$/);
      await page.getByTestId('status-filter').getByText('全部').click();
      await page.getByTestId('order-search').fill(order.orderNo);
      const queued = page.locator('tr.order-row', {
        has: page.locator(`[data-order-id="${order.id}"]`),
      });
      await queued.getByRole('button', { name: '详情' }).click();
      const drawer = page.getByTestId('order-dispute');
      await drawer.getByTestId('dispute-reason').getByText('厨房油污没有清理干净').waitFor();
      // Required: an empty statement is refused in words, and nothing is sent.
      await drawer.getByTestId('dispute-statement-submit').click();
      await drawer.getByText('请填写商户陈述').waitFor();
      await drawer
        .getByTestId('dispute-statement-input')
        .fill('保洁员按清单完成，灶台已清洁，完工照片为证');
      await drawer.getByTestId('dispute-statement-submit').click();
      await page.locator('.el-message').getByText('陈述已提交').waitFor();
      await drawer
        .getByTestId('dispute-statement')
        .getByText('保洁员按清单完成，灶台已清洁，完工照片为证')
        .waitFor();
      expect(await drawer.getByTestId('dispute-statement-input').count()).toBe(0);
      await page.waitForTimeout(500);
      await screenshot(page, 'merchant-dispute-statement', { fullPage: false });
      expect(desk.errors).toEqual([]);
    } finally {
      await desk.context.close();
    }

    const { context, page, errors } = await openDesktop(browser, platform.baseUrl);
    try {
      await signIn(page, '/console/disputes');
      await page.waitForURL((url) => url.pathname === '/console/disputes');
      const table = page.getByTestId('disputes');
      await table.getByText(order.orderNo).waitFor();
      await table.getByTestId('dispute-open').first().click();
      await page.waitForURL(new RegExp(`/console/disputes/${order.id}`));
      const residentSide = page.getByTestId('resident-side');
      await residentSide.getByText('厨房油污没有清理干净，灶台还是黑的').waitFor();
      await page
        .getByTestId('merchant-side')
        .getByText('保洁员按清单完成，灶台已清洁，完工照片为证')
        .waitFor();
      {
        // The resident's photo, as chosen in the dispute dialog.
        const img = page.getByTestId('resident-photos').locator('img');
        await expect.poll(() => img.count(), POLL).toBe(1);
        await expect
          .poll(
            () =>
              img.evaluate((el) => {
                const shown = el as unknown as { complete: boolean; naturalWidth: number };
                return shown.complete && shown.naturalWidth > 0;
              }),
            POLL,
          )
          .toBe(true);
      }
      expect(await page.getByTestId('dispute-refundable').innerText()).toBe(yuan(order.totalFen));
      // The clerk reads; ops decide.
      expect(await page.getByTestId('dispute-resolve').count()).toBe(0);
      expect(await page.getByTestId('dispute-decision').innerText()).toContain(
        '纠纷由物业运营处理',
      );
      await page.waitForTimeout(500);
      await screenshot(page, 'console-dispute-page', { fullPage: false });
      await page.getByTestId('breadcrumbs').getByText('纠纷处理').click();
      await page.waitForURL((url) => url.pathname === '/console/disputes');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);
});
