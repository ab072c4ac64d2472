import { buildStatements } from '@cgp/api';
import { callerFor, seedEligibleOrders } from '@cgp/api/testing';
import { sql } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openDesktop, screenshot } from './support/browser';
import { startPlatform, type Platform } from './support/platform';

const AUDITOR = { phone: '13700000001', password: 'demo1234' };
const POLL = { timeout: 10_000 };
const LAST_MONTH_ORDERS = 24;

let platform: Platform;
let browser: Browser;

const shanghaiDay = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);

/** Earned orders for the demo merchants (set-based, ledger included), then a settlement run. */
async function seedSettledOrders() {
  const db = platform.deps.db;
  const one = async <T extends Record<string, unknown>>(q: ReturnType<typeof sql>) =>
    (await db.execute<T>(q)).rows;
  const [resident] = await one<{
    id: string;
    unit_id: string;
    community_id: string;
    company_id: string;
  }>(sql`
    SELECT u.id, u.unit_id, un.community_id, c.company_id FROM users u
      JOIN units un ON un.id = u.unit_id JOIN communities c ON c.id = un.community_id
     WHERE u.phone = '13800000001'`);
  const merchants = await one<{ merchant_id: string; service_id: string; slot_id: string }>(sql`
    SELECT DISTINCT ON (m.id) m.id AS merchant_id, s.id AS service_id, sl.id AS slot_id
      FROM merchants m JOIN services s ON s.merchant_id = m.id JOIN slots sl ON sl.service_id = s.id
     WHERE m.company_id = ${resident!.company_id} ORDER BY m.id, sl.starts_at`);
  await db.execute(sql`
    UPDATE merchants SET stripe_account_id = coalesce(stripe_account_id, 'acct_e2e_' || left(id::text, 8)),
           payouts_enabled = true WHERE company_id = ${resident!.company_id}`);
  // Room on the demo slots for the seeded orders, without touching what residents can book.
  for (const m of merchants)
    await db.execute(sql`UPDATE slots SET capacity = capacity + 100 WHERE id = ${m.slot_id}`);
  const market = {
    companyId: resident!.company_id,
    communityId: resident!.community_id,
    unitId: resident!.unit_id,
    residentId: resident!.id,
    merchants: merchants.map((m) => ({
      merchantId: m.merchant_id,
      serviceId: m.service_id,
      slotId: m.slot_id,
    })),
  };
  // This month's orders, and last month's: earned a couple of days before this month began.
  await seedEligibleOrders(db, { merchants: merchants.length, orders: 30, market });
  const dayOfMonth = Number(shanghaiDay(new Date()).slice(8));
  await seedEligibleOrders(db, {
    merchants: merchants.length,
    orders: LAST_MONTH_ORDERS,
    market,
    earnedDaysAgo: dayOfMonth + 2,
  });
  await buildStatements(db, { merchantIds: merchants.map((m) => m.merchant_id) });
}

beforeAll(async () => {
  [platform, browser] = await Promise.all([startPlatform(), launchBrowser()]);
  await seedSettledOrders();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await platform?.close();
});

describe('property console at 1440×900', () => {
  it('shows the auditor last month’s revenue share by merchant, tying out to the ledger and to audit.revenueShare, down to ledger postings', async () => {
    const { context, page, errors } = await openDesktop(browser, platform.baseUrl, 'Asia/Shanghai');
    try {
      await page.goto('/login?redirect=/console/revenue');
      await page.getByLabel('手机号').fill(AUDITOR.phone);
      await page.getByLabel('密码').fill(AUDITOR.password);
      await page.getByRole('button', { name: '登录' }).click();
      await page.waitForURL(/\/console\/revenue/);
      const table = page.getByTestId('revenue-table');
      await expect.poll(() => table.locator('tbody tr').count(), POLL).toBeGreaterThan(0);

      // Last month, from the period picker's shortcut.
      await page.locator('.el-range-editor').first().click();
      await page.locator('.el-picker-panel__shortcut', { hasText: '上月' }).click();
      const monthStart = new Date(`${shanghaiDay(new Date()).slice(0, 8)}01T00:00:00+08:00`);
      const lastMonth = new Date(monthStart);
      lastMonth.setUTCMonth(lastMonth.getUTCMonth() - 1);
      const [auditor] = (
        await platform.deps.db.execute<{ id: string }>(
          sql`SELECT id FROM users WHERE phone = ${AUDITOR.phone}`,
        )
      ).rows;
      const share = await (
        await callerFor(platform.deps, auditor!.id)
      ).audit.revenueShare({
        from: lastMonth.toISOString(),
        to: monthStart.toISOString(),
        groupBy: 'merchant',
      });
      expect(share.totals.orderCount).toBe(LAST_MONTH_ORDERS);
      const footer = table.locator('.el-table__footer-wrapper tr').first();
      await expect
        .poll(() => footer.innerText(), POLL)
        .toMatch(new RegExp(`\\s${share.totals.orderCount}\\s`));
      await page.waitForTimeout(500);
      await screenshot(page, 'console-revenue-share', { fullPage: false });

      // The ledger says the same: what last month's earnings posted to the platform and merchants.
      const [ledger] = (
        await platform.deps.db.execute<{ platform: string; merchant: string }>(sql`
          SELECT -sum(p.amount_fen) FILTER (WHERE p.account = 'revenue:platform') AS platform,
                 -sum(p.amount_fen) FILTER (WHERE p.account LIKE 'payable:merchant:%') AS merchant
            FROM ledger_postings p JOIN journal_entries e ON e.id = p.entry_id
           WHERE e.kind = 'earning' AND e.created_at >= ${lastMonth.toISOString()}::timestamptz
             AND e.created_at < ${monthStart.toISOString()}::timestamptz`)
      ).rows;
      expect(share.totals.platformFen).toBe(Number(ledger!.platform));
      expect(share.totals.merchantFen).toBe(Number(ledger!.merchant));
      const totalsRow = await footer.innerText();
      const yuan = (fen: number) =>
        `¥${Math.trunc(fen / 100).toLocaleString('en-US')}.${String(fen % 100).padStart(2, '0')}`;
      for (const fen of [share.totals.grossFen, share.totals.merchantFen, share.totals.platformFen])
        expect(totalsRow).toContain(yuan(fen));
      expect(totalsRow).toContain(String(share.totals.orderCount));

      await page.getByTestId('drill').first().click();
      const orders = page.getByTestId('orders-table');
      await expect.poll(() => orders.locator('tbody tr').count(), POLL).toBeGreaterThan(0);
      await screenshot(page, 'console-orders', { fullPage: false });
      await orders.locator('tbody tr').first().click();
      const postings = page.getByTestId('postings-table');
      await expect.poll(() => postings.locator('tbody tr').count(), POLL).toBeGreaterThanOrEqual(4);
      const text = await postings.innerText();
      // Accounts in words, never their codes.
      expect(text).toContain('支付通道资金');
      expect(text).toContain('平台收入');
      expect(text).not.toContain('cash:stripe');
      await screenshot(page, 'console-order-ledger', { fullPage: false });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);

  it('walks the auditor through statements, reconciliation, disputes, merchants and the audit log', async () => {
    const { context, page, errors } = await openDesktop(browser, platform.baseUrl, 'Asia/Shanghai');
    try {
      await page.goto('/login?redirect=/console/statements');
      await page.getByLabel('手机号').fill(AUDITOR.phone);
      await page.getByLabel('密码').fill(AUDITOR.password);
      await page.getByRole('button', { name: '登录' }).click();
      await page.waitForURL(/\/console\/statements$/);
      // Three demo merchants settled in beforeAll, each with a statement awaiting its payout.
      await expect.poll(() => page.locator('.el-table__body tbody tr').count(), POLL).toBe(3);
      expect(await page.getByRole('button', { name: '立即结算' }).count()).toBe(0); // ops only
      await screenshot(page, 'console-statements', { fullPage: false });

      await page.getByRole('menuitem', { name: '对账与校验' }).click();
      await page.getByTestId('invariants-state').getByText('全部通过').waitFor();
      // The last 30 business days, each reconciled when first read (none was yet).
      await page
        .getByTestId('reconciliation-state')
        .getByText(/^共 30 天：已对平 \d+ 天/)
        .waitFor();
      await expect
        .poll(() => page.locator('[data-testid="reconciliation-days"] .day-row').count(), POLL)
        .toBe(30);
      await screenshot(page, 'console-reconciliation', { fullPage: false });

      await page.getByRole('menuitem', { name: '纠纷处理' }).click();
      await page.getByText('暂无内容').waitFor();
      await screenshot(page, 'console-disputes-empty', { fullPage: false });

      await page.getByRole('menuitem', { name: '商户与佣金' }).click();
      for (const name of ['阳光家政', '速达外卖', '爱帮看护'])
        await page.getByText(name).first().waitFor();
      await screenshot(page, 'console-merchants', { fullPage: false });

      await page.getByRole('menuitem', { name: '审计日志' }).click();
      await page.locator('.el-card').first().waitFor();
      await screenshot(page, 'console-audit-log', { fullPage: false });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 90_000);
});
