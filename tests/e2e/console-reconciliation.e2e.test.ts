import { postEntry } from '@cgp/api';
import { paidCheckout, seedEligibleOrders } from '@cgp/api/testing';
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
import { startPlatform, type Platform } from './support/platform';

const AUDITOR = { phone: '13700000001', password: 'demo1234' };
const POLL = { timeout: 15_000 };

let platform: Platform;
let browser: Browser;

/**
 * Three days ago: two orders of the demo company whose payments were booked without the
 * processor's balance transaction (as before entries named one). Today, at the processor: a
 * payment for nothing we sold (the operator's to look at, not the company's); in the company's
 * books: a refund of ¥12.34 booked without its balance transaction.
 */
beforeAll(async () => {
  [platform, browser] = await Promise.all([startPlatform(), launchBrowser()]);
  const db = platform.deps.db;
  await paidCheckout(platform.deps.payments.stripe, 5_000);
  const [market] = (
    await db.execute<{
      resident: string;
      unit: string;
      community: string;
      company: string;
      merchant: string;
      service: string;
      slot: string;
    }>(sql`
      SELECT u.id AS resident, u.unit_id AS unit, un.community_id AS community,
             c.company_id AS company, m.id AS merchant, s.id AS service, sl.id AS slot
        FROM users u JOIN units un ON un.id = u.unit_id
        JOIN communities c ON c.id = un.community_id
        JOIN merchants m ON m.company_id = c.company_id
        JOIN services s ON s.merchant_id = m.id JOIN slots sl ON sl.service_id = s.id
       WHERE u.phone = '13800000001' LIMIT 1`)
  ).rows;
  await db.execute(sql`UPDATE slots SET capacity = capacity + 10 WHERE id = ${market!.slot}`);
  await seedEligibleOrders(db, {
    merchants: 1,
    orders: 2,
    market: {
      companyId: market!.company,
      communityId: market!.community,
      unitId: market!.unit,
      residentId: market!.resident,
      merchants: [
        { merchantId: market!.merchant, serviceId: market!.service, slotId: market!.slot },
      ],
    },
  });
  const { rows } = await db.execute<{ id: string }>(
    sql`SELECT id FROM orders WHERE resident_id = ${market!.resident} LIMIT 1`,
  );
  await db.transaction((tx) =>
    postEntry(tx, {
      kind: 'refund',
      idempotencyKey: `e2e-reconciliation:${rows[0]!.id}`,
      orderId: rows[0]!.id,
      lines: [
        { account: 'cash:stripe', amountFen: -1_234 },
        { account: 'escrow:order', amountFen: 1_234 },
      ],
    }),
  );
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await platform?.close();
});

async function signIn(page: Page) {
  await page.goto('/login?redirect=/console/reconciliation');
  await page.getByLabel('手机号').fill(AUDITOR.phone);
  await page.getByLabel('密码').fill(AUDITOR.password);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL(/\/console\/reconciliation$/);
}

const dayRows = (page: Page) => page.locator('[data-testid="reconciliation-days"] .day-row');

/** The auditor's walk: 30 days, today not yet reconciled; reconcile now; open today's differences. */
async function walk(page: Page, prefix: string, todayReconciled: boolean) {
  await signIn(page);
  await expect.poll(() => dayRows(page).count(), POLL).toBe(30);
  // Past days were reconciled when first read; today waits for the night or for 立即对账.
  if (!todayReconciled) {
    await expect.poll(() => dayRows(page).first().textContent(), POLL).toContain('未对账');
  }
  await expect.poll(() => dayRows(page).nth(1).textContent(), POLL).toContain('已对平');
  await expect.poll(() => dayRows(page).nth(3).textContent(), POLL).toContain('2 条差异');
  await screenshot(page, `${prefix}-days`, { fullPage: false });

  await page.getByTestId('reconcile-now').click();
  await expect.poll(() => dayRows(page).first().textContent(), POLL).toContain('1 条差异');
  await page.getByTestId('reconciliation-state').getByText('有差异 2 天').waitFor();
  await dayRows(page).first().click();
  const finding = page.getByTestId('reconciliation-finding');
  await finding.waitFor();
  const text = (await finding.textContent()) ?? '';
  expect(text).toContain('账本分录缺少支付通道流水');
  expect(text).toContain('账本中的一笔退款 ¥12.34 没有对应的支付通道流水');
  expect(text).toContain('-¥12.34');
  // The operator's finding (a payment for nothing we sold) is not the company's.
  expect(await finding.count()).toBe(1);
  expect(text).not.toMatch(/unbooked|entry_without|cash:stripe/);
  // Once the drawer has slid in: its right edge on the screen's.
  const width = page.viewportSize()!.width;
  await expect
    .poll(async () => {
      const box = await page.locator('.el-drawer').boundingBox();
      return box ? Math.round(box.x + box.width) : -1;
    }, POLL)
    .toBe(width);
  await screenshot(page, `${prefix}-findings`, { fullPage: false });
}

describe('reconciliation in the property console', () => {
  it('shows days as 已对平 / N 条差异 and drills into a day’s findings at 1440×900', async () => {
    const { context, page, errors } = await openDesktop(browser, platform.baseUrl, 'Asia/Shanghai');
    try {
      await walk(page, 'console-reconciliation-desktop', false);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);

  it('reads on a 390×844 phone without sideways scrolling', async () => {
    const { context, page, errors } = await openPhone(browser, platform.baseUrl, {
      width: 390,
      height: 844,
    });
    try {
      await walk(page, 'console-reconciliation-phone', true);
      await page.keyboard.press('Escape');
      expect(await horizontalOverflow(page)).toBe(0);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);
});
