import { commissionFor } from '@cgp/api';
import { callerFor, slotStartsIn, submitCheckoutPage } from '@cgp/api/testing';
import { sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openDesktop, screenshot } from './support/browser';
import { startPlatform, type Platform } from './support/platform';

const OPS = { phone: '13700000002', password: 'demo1234' };
const POLL = { timeout: 10_000 };

let platform: Platform;
let browser: Browser;

/** A demo resident's ¥399.00 deep cleaning, done by 阳光家政 and disputed by the resident. */
async function disputedDeepCleaning() {
  const db = platform.deps.db;
  const [row] = (
    await db.execute<{ resident: string; owner: string; slot: string }>(sql`
      SELECT r.id AS resident, o.id AS owner, sl.id AS slot
        FROM users r, services s JOIN slots sl ON sl.service_id = s.id
        JOIN users o ON o.merchant_id = s.merchant_id AND o.merchant_role = 'owner'
       WHERE r.phone = '13800000001' AND s.title_zh = '深度保洁'
       AND sl.starts_at > now() + interval '1 day'
       ORDER BY sl.starts_at LIMIT 1`)
  ).rows;
  await db.execute(sql`UPDATE slots SET capacity = capacity + 5 WHERE id = ${row!.slot}`);
  const resident = await callerFor(platform.deps, row!.resident);
  const order = await resident.booking.create({
    slotId: row!.slot,
    quantity: 1,
    idempotencyKey: randomUUID(),
  });
  // Paid at the processor, so the refund the dispute decides has a charge to go back to.
  const { url } = await resident.payment.checkout({ orderId: order.id });
  expect((await submitCheckoutPage(url, 'succeeded')).status).toBe(200);
  await platform.deps.sandbox.waitForWebhooks();
  await expect
    .poll(async () => (await resident.order.get({ id: order.id })).status, POLL)
    .toBe('paid');
  // The day of service comes: the slot begins in 10 minutes, so the merchant may start.
  await slotStartsIn(platform.deps, row!.slot, 10);
  const owner = await callerFor(platform.deps, row!.owner);
  for (const step of ['accept', 'start', 'complete'] as const)
    await owner.merchant.orders[step]({ id: order.id });
  await resident.order.dispute({ id: order.id, reason: '厨房油污没有清理干净' });
  return order;
}

beforeAll(async () => {
  [platform, browser] = await Promise.all([startPlatform(), launchBrowser()]);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await platform?.close();
});

describe('property console: resolving a dispute as ops', () => {
  it('refunds 150.00 元 of a ¥399.00 order after a preview and a confirmation, refusing more than is refundable at the field', async () => {
    const order = await disputedDeepCleaning();
    expect(order.totalFen).toBe(39_900);
    const { context, page, errors } = await openDesktop(browser, platform.baseUrl, 'Asia/Shanghai');
    try {
      await page.goto('/login?redirect=/console/disputes');
      await page.getByLabel('手机号').fill(OPS.phone);
      await page.getByLabel('密码').fill(OPS.password);
      await page.getByRole('button', { name: '登录' }).click();
      await page.waitForURL(/\/console\/disputes$/);
      // Who is signed in, in words, and the way out.
      const user = page.getByTestId('user-menu');
      await user.getByText('物业运营').waitFor();
      expect(await user.innerText()).not.toContain('property_ops');
      await user.getByTestId('logout').waitFor();

      const table = page.getByTestId('disputes');
      await table.getByText(order.orderNo).waitFor();
      await table.getByRole('button', { name: '处理' }).first().click();
      const dialog = page.getByRole('dialog', { name: '处理' });
      await dialog.getByText('退款', { exact: true }).click();
      const amount = dialog.locator('#dispute-refund');
      await dialog.getByText('可退金额 ¥399.00').waitFor();

      // More than is left on the order is refused at the field, and cannot be submitted.
      await amount.fill('399.01');
      await dialog.getByText('不能超过 ¥399.00').waitFor();
      expect(await dialog.getByTestId('resolve-submit').isDisabled()).toBe(true);
      await amount.fill('12.345');
      await dialog.getByText('请输入金额（元），最多两位小数').waitFor();

      await amount.fill('150.00');
      await dialog.getByLabel('处理说明').fill('核实后部分退款');
      await dialog.getByTestId('resolve-submit').click();

      // The preview says what will happen before anything does.
      const preview = page.getByTestId('confirm-preview');
      await preview.waitFor();
      const previewText = await preview.innerText();
      expect(previewText).toContain(order.orderNo);
      expect(previewText).toContain('退款给住户');
      expect(previewText).toContain('¥150.00');
      expect(previewText).toContain('¥249.00');
      // Let the box finish fading in, so the picture shows what the clerk reads.
      await page.waitForTimeout(500);
      await screenshot(page, 'console-dispute-preview', { fullPage: false });
      // Nothing has moved yet.
      const refunded = async () =>
        Number(
          (
            await platform.deps.db.execute<{ refund_fen: string }>(
              sql`SELECT refund_fen FROM orders WHERE id = ${order.id}`,
            )
          ).rows[0]!.refund_fen,
        );
      expect(await refunded()).toBe(0);
      await page.getByRole('button', { name: '确认并执行' }).click();
      await page.getByText('纠纷已处理').waitFor();
      expect(await refunded()).toBe(15_000);

      // The resolved tab shows the amount refunded; the order shows ¥150.00 refunded.
      await page.getByRole('tab', { name: '已处理' }).click();
      await expect.poll(() => table.innerText(), POLL).toContain('¥150.00');
      await table.getByRole('link', { name: order.orderNo }).click();
      await expect.poll(() => page.getByTestId('order-refunded').innerText(), POLL).toBe('¥150.00');
      const ledger = await page.getByTestId('postings-table').innerText();
      expect(ledger).toContain('退款');
      expect(ledger).not.toMatch(/escrow:order|cash:stripe|payable:merchant/);
      await screenshot(page, 'console-dispute-order', { fullPage: false });

      await page.getByTestId('logout').click();
      await page.waitForURL(/\/login/);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);
});

describe('property console: commission rules as ops', () => {
  it('cannot create a rule without a scope, takes the rate in %, and ends a rule from a date after a preview', async () => {
    const db = platform.deps.db;
    const [ops] = (
      await db.execute<{ company_id: string }>(
        sql`SELECT company_id FROM users WHERE phone = ${OPS.phone}`,
      )
    ).rows;
    const [merchant] = (
      await db.execute<{ id: string; name: string; category: string }>(sql`
        SELECT id, name, category FROM merchants WHERE company_id = ${ops!.company_id}
         ORDER BY name LIMIT 1`)
    ).rows;
    const ruleCount = async () =>
      Number(
        (
          await db.execute<{ n: string }>(
            sql`SELECT count(*) AS n FROM commission_rules WHERE company_id = ${ops!.company_id}`,
          )
        ).rows[0]!.n,
      );
    const before = await ruleCount();
    const { context, page, errors } = await openDesktop(browser, platform.baseUrl, 'Asia/Shanghai');
    try {
      await page.goto('/login?redirect=/console/merchants');
      await page.getByLabel('手机号').fill(OPS.phone);
      await page.getByLabel('密码').fill(OPS.password);
      await page.getByRole('button', { name: '登录' }).click();
      await page.waitForURL(/\/console\/merchants$/);
      const form = page.getByTestId('new-rule');
      await form.getByText('请选择适用范围').waitFor();

      // A rate in %, the scope left on 请选择: refused at the field, no preview, nothing saved.
      await form.locator('#rule-rate').fill('12.5');
      await form.getByTestId('rule-create').click();
      await form.getByText('请选择规则适用的范围').waitFor();
      await page.waitForTimeout(300);
      expect(await page.getByTestId('confirm-preview').count()).toBe(0);
      expect(await ruleCount()).toBe(before);

      // A rate out of range is refused at the field too.
      await form.locator('#rule-rate').fill('120');
      await form.getByText('请输入 0–100 之间的百分比，最多两位小数').waitFor();
      await form.locator('#rule-rate').fill('12.5');

      await form.getByTestId('rule-scope').click();
      await page.locator('.el-select-dropdown__item', { hasText: merchant!.name }).click();
      await form.getByTestId('rule-create').click();
      const preview = page.getByTestId('confirm-preview');
      await preview.waitFor();
      expect(await preview.innerText()).toContain(`商户：${merchant!.name}`);
      expect(await preview.innerText()).toContain('12.5%');
      await page.waitForTimeout(500);
      await screenshot(page, 'console-rule-create-preview', { fullPage: false });
      await page.locator('.el-message-box').getByRole('button', { name: '新增规则' }).click();
      await page.getByText('规则已新增').waitFor();
      expect(await ruleCount()).toBe(before + 1);

      const rules = page.getByTestId('rules');
      const row = rules.locator('tr', { hasText: `商户：${merchant!.name}` }).first();
      await expect.poll(() => row.innerText(), POLL).toContain('12.5%');
      expect(await rules.innerText()).not.toMatch(/\b1250\b|bps|基点/);

      // End it from tomorrow 00:00: the preview says what orders paid from then on will pay.
      await row.getByTestId('rule-end').click();
      const dialog = page.getByRole('dialog', { name: '终止规则' });
      await dialog.getByLabel('原因').fill('合同到期');
      await dialog.getByTestId('rule-change-submit').click();
      await preview.waitFor();
      const endText = await preview.innerText();
      expect(endText).toContain('12.5%');
      expect(endText).toContain('终止后适用');
      expect(endText).toMatch(/00:00/);
      await page.waitForTimeout(500);
      await screenshot(page, 'console-rule-end-preview', { fullPage: false });
      await page.locator('.el-message-box').getByRole('button', { name: '终止' }).click();
      await page.getByText('规则将按时终止').waitFor();

      const [ended] = (
        await db.execute<{ id: string; effective_to: Date | string }>(sql`
          SELECT id, effective_to FROM commission_rules
           WHERE merchant_id = ${merchant!.id} AND platform_bps = 1250`)
      ).rows;
      const endsAt = new Date(ended!.effective_to);
      // Tomorrow at 00:00 in Beijing.
      expect(new Date(endsAt.getTime() + 8 * 3_600_000).toISOString().slice(11, 19)).toBe(
        '00:00:00',
      );
      const rateAt = async (at: Date) =>
        (
          await commissionFor(db, {
            companyId: ops!.company_id,
            merchantId: merchant!.id,
            category: merchant!.category,
            at,
          })
        ).platformBps;
      expect(await rateAt(new Date(endsAt.getTime() - 1))).toBe(1250);
      expect(await rateAt(endsAt)).not.toBe(1250);
      await expect.poll(() => row.innerText(), POLL).toContain('生效中');
      expect(await row.getByTestId('rule-end').count()).toBe(0);
      await screenshot(page, 'console-rules', { fullPage: true });
      await page.setViewportSize({ width: 390, height: 844 });
      await page.waitForTimeout(300);
      await screenshot(page, 'console-rules-phone', { fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);
});
