import { merchants, services, slots, users } from '@cgp/db';
import { createFactories } from '@cgp/db/testing';
import { bookSlot, callerFor, orderSlotStartsIn, payOrder, slotStartsIn } from '@cgp/api/testing';
import { and, asc, eq, gt, sql } from 'drizzle-orm';
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settled, signIn } from './merchant-support';
import { ensureAppBuilt } from './support/app-build';
import { launchBrowser, openDesktop, screenshot as save } from './support/browser';
import { startPlatform, type Platform } from './support/platform';

const SUNSHINE = '13900000001'; // 阳光家政, housekeeping
const SPEEDY = '13900000002'; // 速达外卖, meal delivery
const RESIDENT = '13800000001';
const OPS = '13700000002';

/** A 64×48 PNG for the new service's photo. */
const SERVICE_PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAEAAAAAwCAIAAAAuKetIAAAACXBIWXMAAAPoAAAD6AG1e1JrAAAAfUlEQVRoge2SAQkAURSDltMQy3RRL4Y8/sAAOha+nia6AQuoviK7UO8S3YAFVF+RXah3iW7AAqqvyC7Uu0Q3YAHVV2QX6l2iG7CA6iuyC/Uu0Q1YQPUV2YV6l+gGLKD6iuxCvUt0AxZQfUV2od4lugELqL4iu1DvEt2AxwN+GSrg8dDSnhAAAAAASUVORK5CYII=';

let platform: Platform;
let browser: Browser;

beforeAll(async () => {
  // The API mounts the portal only if it is built when the platform starts.
  await ensureAppBuilt('merchant-portal');
  [platform, browser] = await Promise.all([startPlatform(), launchBrowser()]);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await platform?.close();
});

async function userId(phone: string): Promise<string> {
  const [row] = await platform.deps.db.select().from(users).where(eq(users.phone, phone));
  return row!.id;
}

/** The next bookable demo slot of one of 阳光家政's services. */
async function nextSlot(titleZh: string, skip = 0, hourInShanghai?: number): Promise<string> {
  const rows = await platform.deps.db
    .select({ id: slots.id })
    .from(slots)
    .innerJoin(services, eq(services.id, slots.serviceId))
    .innerJoin(merchants, eq(merchants.id, services.merchantId))
    .where(
      and(
        eq(merchants.name, '阳光家政'),
        eq(services.titleZh, titleZh),
        gt(slots.startsAt, new Date(Date.now() + 24 * 3_600_000)),
        hourInShanghai === undefined
          ? undefined
          : sql`extract(hour from ${slots.startsAt} at time zone 'Asia/Shanghai') = ${hourInShanghai}`,
      ),
    )
    .orderBy(asc(slots.startsAt))
    .limit(skip + 1);
  return rows[skip]!.id;
}

/** A resident books and pays through the API, as the payment webhook would complete it. */
async function residentBooksAndPays(slotId: string, quantity: number, notes?: string) {
  const order = await bookSlot(platform.deps, await userId(RESIDENT), slotId, { quantity, notes });
  await payOrder(platform.deps, order.id);
  return order;
}

/** A 1440×900 screenshot once the page has stopped moving. */
async function screenshot(page: Page, name: string, options?: { fullPage?: boolean }) {
  await settled(page);
  return save(page, name, options);
}

/** ¥1,234.50 as the portal writes fen, and the CSV's "1234.50" back to fen. */
const yuan = (fen: number) =>
  `¥${(fen / 100).toLocaleString('en-US', { minimumFractionDigits: 2 })}`;
const toFen = (text: string) => Math.round(Number(text) * 100);

const row = (page: Page, orderId: string) =>
  page.locator('tr.order-row', { has: page.locator(`[data-order-id="${orderId}"]`) });

async function signedInDesk(phone: string, password?: string) {
  const desk = await openDesktop(browser, platform.baseUrl);
  await desk.page.goto('/merchant/');
  await desk.page.waitForURL(/\/merchant\/login/);
  await signIn(desk.page, phone, password);
  await desk.page.waitForURL(/\/merchant\/orders$/);
  return desk;
}

describe('merchant portal at 1440×900', () => {
  it('tells a resident the portal is for merchants, and lets the merchant in', async () => {
    const { context, page, errors } = await openDesktop(browser, platform.baseUrl);
    try {
      await page.goto('/merchant/orders');
      await page.waitForURL(/\/merchant\/login\?redirect=/);
      await page.getByRole('heading', { name: '商户登录' }).waitFor();
      await screenshot(page, 'merchant-login');

      await signIn(page, RESIDENT);
      const notice = page.getByTestId('not-merchant');
      await notice.waitFor();
      expect(await notice.innerText()).toContain('该账号不是商户账号');
      expect(page.url()).toContain('/merchant/login');
      await screenshot(page, 'merchant-login-not-merchant');

      await signIn(page, SUNSHINE);
      await page.waitForURL(/\/merchant\/orders$/);
      await page.getByText('阳光家政', { exact: true }).waitFor();
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('shows a paid order live, then accepts, starts and completes it', async () => {
    const { context, page, errors } = await signedInDesk(SUNSHINE);
    try {
      await page.getByTestId('live-state').getByText('实时接单中').waitFor();
      await page.getByText('暂无待处理订单，新订单会自动出现在这里').waitFor();
      await screenshot(page, 'merchant-orders-empty', { fullPage: false });

      // A resident books and pays while the queue is open: it appears without a reload.
      const started = Date.now();
      // A morning slot, whatever the hour the test runs at.
      const slotId = await nextSlot('日常保洁', 0, 9);
      const order = await residentBooksAndPays(slotId, 2, '请带鞋套，家里有猫');
      await row(page, order.id).waitFor({ timeout: 3_000 });
      const appearedAfter = Date.now() - started;
      expect(appearedAfter).toBeLessThan(3_000);
      expect(await row(page, order.id).getAttribute('class')).toContain('order-row--fresh');
      const text = await row(page, order.id).innerText();
      expect(text).toContain('日常保洁');
      expect(text).toContain('¥100.00');
      expect(text).toContain('张阿姨');
      expect(text).toContain('阳光花园 1号楼 1-101');
      expect(text).toMatch(/09:00–11:00/); // Shanghai time on a New York computer
      expect(text).toMatch(/剩余 1[45]:\d\d/); // the 15-minute acceptance countdown
      await page.locator('.el-notification').getByText('新订单').waitFor();
      await screenshot(page, 'merchant-orders-new', { fullPage: false });

      // Accept from the queue.
      await row(page, order.id).getByRole('button', { name: '接单' }).click();
      await row(page, order.id).getByText('已接单').waitFor();
      // Its new-order notification goes away once the order has been dealt with.
      await page.locator('.el-notification').waitFor({ state: 'detached' });

      // The drawer shows the address, the notes and the timeline so far.
      await row(page, order.id).getByRole('button', { name: '详情' }).click();
      const detail = page.getByTestId('order-detail');
      await detail.getByText('请带鞋套，家里有猫').waitFor();
      const detailText = await detail.innerText();
      expect(detailText).toContain('阳光花园 1号楼 1-101');
      for (const step of ['待支付', '待接单', '已接单']) expect(detailText).toContain(step);
      await screenshot(page, 'merchant-order-detail', { fullPage: false });

      // Too early: the slot is tomorrow, and service starts at most 30 minutes before it, so the
      // drawer offers no start yet and says from when.
      const drawer = page.locator('.el-drawer');
      await drawer.getByTestId('start-from').waitFor();
      expect(await drawer.getByTestId('start-from').innerText()).toMatch(/08:30 起可开始服务/);
      expect(await drawer.getByRole('button', { name: '开始服务' }).count()).toBe(0);
      await screenshot(page, 'merchant-start-too-early', { fullPage: false });
      const asOwner = await callerFor(platform.deps, await userId(SUNSHINE));
      expect((await asOwner.merchant.orders.get({ id: order.id })).status).toBe('accepted');

      // The day comes: the slot begins in 10 minutes. Reopened, the drawer offers the start;
      // start and complete from its footer.
      await slotStartsIn(platform.deps, slotId, 10);
      await page.keyboard.press('Escape');
      await drawer.waitFor({ state: 'hidden' });
      await row(page, order.id).getByRole('button', { name: '详情' }).click();
      await drawer.getByRole('button', { name: '开始服务' }).click();
      await detail.getByText('服务中').first().waitFor();
      await drawer.getByRole('button', { name: '完成服务' }).click();
      await page.getByText('服务已完成，等待住户确认').waitFor();
      await page.keyboard.press('Escape');

      // A completed order leaves the to-do list and shows under 已完成.
      await row(page, order.id).waitFor({ state: 'detached' });
      await page.getByTestId('status-filter').getByText('已完成').click();
      await row(page, order.id).getByText('已完成').waitFor();
      const owner = await callerFor(platform.deps, await userId(SUNSHINE));
      expect((await owner.merchant.orders.get({ id: order.id })).status).toBe('completed');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 90_000);

  it('manages services, weekly slots, reviews and earnings', async () => {
    // One finished, confirmed and rated order, so reviews and earnings have something to show.
    const order = await residentBooksAndPays(await nextSlot('深度保洁'), 1);
    const owner = await callerFor(platform.deps, await userId(SUNSHINE));
    await orderSlotStartsIn(platform.deps, order.id, 10);
    await owner.merchant.orders.accept({ id: order.id });
    await owner.merchant.orders.start({ id: order.id });
    await owner.merchant.orders.complete({ id: order.id });
    const resident = await callerFor(platform.deps, await userId(RESIDENT));
    await resident.order.confirm({ id: order.id });
    await resident.order.review({ id: order.id, rating: 5, comment: '阿姨很细心，厨房擦得锃亮' });

    const { context, page, errors } = await signedInDesk(SUNSHINE);
    try {
      // Services: the demo's two, and a new one validated by the shared schema before saving.
      await page.getByRole('menuitem', { name: '服务管理' }).click();
      await page.getByText('深度保洁').waitFor();
      expect(await page.locator('.el-table__body').innerText()).toContain('¥50.00/小时');
      await screenshot(page, 'merchant-services', { fullPage: false });
      await page.getByRole('button', { name: '新建服务' }).click();
      await page.getByTestId('service-save').click();
      await page.getByText('请填写中文名称（不超过60字）').waitFor();
      await page.getByText('请输入大于0的金额，最多两位小数').waitFor();
      await screenshot(page, 'merchant-service-dialog', { fullPage: false });
      // The English name may stay blank; the windows are typed in hours.
      await page.getByLabel('名称（中文）').fill('空调清洗');
      await page.getByLabel('单价').fill('128.5');
      await page.getByLabel('免费取消').fill('3');
      await page.getByLabel('预约截止').fill('1.5');
      // The card's photo: uploaded on choosing, previewed, saved with the service.
      await page.getByTestId('service-photo-input').setInputFiles({
        name: 'aircon.png',
        mimeType: 'image/png',
        buffer: Buffer.from(SERVICE_PNG, 'base64'),
      });
      await page.locator('.photo-field img').waitFor();
      await page.getByText('更换照片').waitFor();
      await screenshot(page, 'merchant-service-photo', { fullPage: false });
      await page.getByTestId('service-save').click();
      await page.getByText('已创建服务').waitFor();
      const [aircon] = await platform.deps.db
        .select({ photoId: services.photoId })
        .from(services)
        .where(eq(services.titleZh, '空调清洗'));
      expect(aircon?.photoId).toMatch(/^[0-9a-f-]{36}$/);
      const created = page.locator('.el-table__row', { hasText: '空调清洗' });
      await created.getByText('¥128.50').waitFor();
      expect(await created.innerText()).toContain('开始前 3 小时免费取消');
      expect(await created.innerText()).toContain('提前 90 分钟');

      // Schedule: the demo already has two weeks of 09:00 and 14:00 slots, so a three-week
      // template creates only the third week and says it skips the rest.
      await page.getByRole('menuitem', { name: '排班与时段' }).click();
      // The template starts from the shop's own pattern: the demo opens every day, weekends too.
      const weekdays = page.getByTestId('template-weekdays');
      await expect.poll(() => weekdays.locator('.is-checked').count()).toBe(7);
      await page.getByLabel('生成周数').fill('3');
      await page.getByLabel('生成周数').press('Tab');
      await page.getByTestId('template-preview').click();
      const preview = page.getByTestId('template-preview-result');
      await preview.waitFor();
      expect(await preview.innerText()).toMatch(/将新建 \d+ 个时段（\d+ 个已存在，将跳过）/);
      await screenshot(page, 'merchant-schedule-preview', { fullPage: false });
      await page.getByTestId('template-apply').click();
      await page.getByText(/已生成 \d+ 个时段/).waitFor();
      await page.getByTestId('day-slots').waitFor();
      await screenshot(page, 'merchant-schedule', { fullPage: false });

      // Reviews with their summary; earnings with the confirmed order counted as available.
      await page.getByRole('menuitem', { name: '评价' }).click();
      await page.getByText('阿姨很细心，厨房擦得锃亮').waitFor();
      expect(await page.getByTestId('review-summary').innerText()).toContain('5.0');
      await screenshot(page, 'merchant-reviews', { fullPage: false });
      await page.getByRole('menuitem', { name: '收入结算' }).click();
      await page.getByTestId('earnings-available').waitFor();
      // ¥399 deep cleaning, 70% to the merchant.
      expect(await page.getByTestId('earnings-available').innerText()).toContain('¥279.30');
      await screenshot(page, 'merchant-earnings', { fullPage: false });

      // English, remembered across a reload.
      await page.locator('header').getByText('简体中文').click();
      await page.getByRole('option', { name: 'English' }).click();
      await page.getByRole('menuitem', { name: 'Order queue' }).click();
      await page.reload();
      await page.getByRole('heading', { name: 'Order queue' }).waitFor();
      await screenshot(page, 'merchant-orders-en', { fullPage: false });
      // A service without an English name reads by its Chinese one.
      await page.getByRole('menuitem', { name: 'Services' }).click();
      await page.locator('.el-table__body').getByText('空调清洗').waitFor();
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);

  it('shows a settled statement as merchant.statements.get has it, and exports it as CSV', async () => {
    // Something earned and unsettled, then property ops settles now.
    const order = await residentBooksAndPays(await nextSlot('深度保洁', 2), 1);
    const owner = await callerFor(platform.deps, await userId(SUNSHINE));
    await orderSlotStartsIn(platform.deps, order.id, 10);
    await owner.merchant.orders.accept({ id: order.id });
    await owner.merchant.orders.start({ id: order.id });
    await owner.merchant.orders.complete({ id: order.id });
    await (await callerFor(platform.deps, await userId(RESIDENT))).order.confirm({ id: order.id });
    const { context, page, errors } = await signedInDesk(SUNSHINE);
    try {
      // Payouts need a Connect account: the owner opens one through the processor's onboarding.
      await page.getByRole('menuitem', { name: '收入结算' }).click();
      const connectState = page.getByTestId('connect-state');
      await connectState.getByText('未开通').waitFor();
      await screenshot(page, 'merchant-connect-not-started', { fullPage: false });
      await page.getByRole('button', { name: '开通收款账户' }).click();
      await page.getByRole('button', { name: '完成入驻 Complete' }).click();
      await page.waitForURL(/\/merchant\/earnings$/);
      await connectState.getByText('已开通').waitFor();
      // The account in words; its id, masked, only under 技术详情.
      const facts = await page.getByTestId('connect-facts').innerText();
      expect(facts).toContain('已提交');
      expect(facts).toContain('已启用');
      const accountId = (await owner.merchant.connect.status()).accountId!;
      const card = page.getByTestId('connect-card');
      expect(await card.innerText()).not.toContain(accountId);
      await card.locator('details.tech summary').click();
      expect(await card.locator('details.tech').innerText()).toContain(
        `${accountId.slice(0, 5)}****${accountId.slice(-4)}`,
      );
      await screenshot(page, 'merchant-connect-ready', { fullPage: false });
      expect((await owner.merchant.connect.status()).payoutsEnabled).toBe(true);

      // Property ops settles now; the statement appears with the figures the API gives.
      const ops = await callerFor(platform.deps, await userId(OPS));
      const run = await ops.settlement.runNow();
      const sunshineId = (await owner.merchant.profile()).id;
      const settled = run.statements.find((st) => st.merchantId === sunshineId)!;
      const statement = await owner.merchant.statements.get({ id: settled.id });
      expect(statement.lines.map((l) => l.orderId)).toContain(order.id);
      await page.reload();
      const statementRow = page.locator('.earnings__table .el-table__row').first();
      await statementRow.waitFor();
      const rowText = await statementRow.innerText();
      for (const fen of [statement.grossFen, statement.merchantFen, statement.payoutFen]) {
        expect(rowText).toContain(yuan(fen));
      }
      await statementRow.click();
      const drawer = page.locator('.el-drawer');
      expect(await drawer.getByTestId('statement-payout').innerText()).toBe(
        yuan(statement.payoutFen),
      );
      const drawerText = await drawer.locator('.el-table__body').innerText();
      for (const line of statement.lines) expect(drawerText).toContain(yuan(line.merchantFen));
      await screenshot(page, 'merchant-statement', { fullPage: false });

      // The export button downloads the same statement: UTF-8 with a BOM, Chinese intact,
      // amounts that read back to the fen.
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        drawer.getByRole('link', { name: '导出 CSV' }).click(),
      ]);
      const bytes = await readFile(await download.path());
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const rows = bytes
        .subarray(3)
        .toString('utf8')
        .trimEnd()
        .split('\r\n')
        .map((r) => r.split(','));
      expect(rows[0]![1]).toBe('服务');
      const csvLine = rows.find((r) => r[0] === order.orderNo)!;
      const line = statement.lines.find((l) => l.orderId === order.id)!;
      expect(csvLine[1]).toBe('深度保洁');
      expect(toFen(csvLine[9]!)).toBe(line.merchantFen);
      expect(toFen(rows.at(-1)![9]!)).toBe(statement.payoutFen);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 90_000);

  it('shows staff the orders but not the earnings', async () => {
    const sunshine = await callerFor(platform.deps, await userId(SUNSHINE));
    const staff = await createFactories(platform.deps.db).createMerchantStaff(
      (await sunshine.merchant.profile()).id,
      'staff',
    );
    const { context, page, errors } = await signedInDesk(staff.phone, staff.password);
    try {
      await page.getByText('阳光家政', { exact: true }).waitFor();
      const menu = await page.locator('.portal__menu').innerText();
      expect(menu).toContain('订单队列');
      expect(menu).not.toContain('收入结算');
      await page.goto('/merchant/earnings');
      await page.waitForURL(/\/merchant\/orders$/);
      expect(await page.getByTestId('connect-card').count()).toBe(0);
      const csv = await page.request.get(
        '/merchant/export/statements/00000000-0000-4000-8000-000000000000.csv',
      );
      expect(csv.status()).toBe(403);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('shows 速达外卖’s staff none of 阳光家政’s orders, services or earnings', async () => {
    const theirs = await residentBooksAndPays(await nextSlot('日常保洁', 1), 2);
    const { context, page, errors } = await signedInDesk(SPEEDY);
    try {
      await page.getByText('速达外卖', { exact: true }).waitFor();
      await page.getByTestId('status-filter').getByText('全部').click();
      await page.getByText('暂无订单').waitFor();
      expect(await page.locator(`[data-order-id="${theirs.id}"]`).count()).toBe(0);
      await screenshot(page, 'merchant-isolation-orders', { fullPage: false });

      await page.getByRole('menuitem', { name: '服务管理' }).click();
      await page.getByText('营养午餐').waitFor();
      const table = await page.locator('.el-table__body').innerText();
      expect(table).toContain('家常晚餐');
      expect(table).not.toContain('日常保洁');
      expect(table).not.toContain('深度保洁');
      await screenshot(page, 'merchant-isolation-services', { fullPage: false });

      // 阳光家政 has a statement by now; 速达外卖's earnings page shows none of it.
      await page.getByRole('menuitem', { name: '收入结算' }).click();
      await page.getByText('还没有结算单').waitFor();
      expect(await page.getByTestId('earnings-paying').innerText()).toContain('¥0.00');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);
});
