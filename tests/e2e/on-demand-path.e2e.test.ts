import { merchants, orders, users, workers } from '@cgp/db';
import { trpcOverHttp } from '@cgp/api/testing';
import { eq, inArray } from 'drizzle-orm';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settled, signIn as portalSignIn } from './merchant-support';
import { ensureAppBuilt } from './support/app-build';
import {
  horizontalOverflow,
  launchBrowser,
  openDesktop,
  openPhone,
  screenshot,
} from './support/browser';
import { startPlatform, type Platform } from './support/platform';

const PASSWORD = 'demo1234';
/** 张阿姨, in 1-101: building 1 is in the core ring (arrive within 5 minutes). */
const RESIDENT = '13800000001';
/** Owner of 爱帮看护, who offers 老人陪护 on demand. */
const CARE_OWNER = '13900000003';
const PHONE = { width: 390, height: 844 };
const POLL = { timeout: 15_000 };
const ORDER_URL = /\/orders\/([0-9a-f-]{36})(\?|$)/;

/** A small, real 64×48 PNG (a green picture), as a phone would hand over a photo. */
const FINISHED_PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAEAAAAAwCAIAAAAuKetIAAAACXBIWXMAAAPoAAAD6AG1e1JrAAAAfUlEQVRoge2SAQkAURSDltMQy3RRL4Y8/sAAOha+nia6AQuoviK7UO8S3YAFVF+RXah3iW7AAqqvyC7Uu0Q3YAHVV2QX6l2iG7CA6iuyC/Uu0Q1YQPUV2YV6l+gGLKD6iuxCvUt0AxZQfUV2od4lugELqL4iu1DvEt2AxwN+GSrg8dDSnhAAAAAASUVORK5CYII=';

let platform: Platform;
let browser: Browser;
let photoPath: string;

beforeAll(async () => {
  await ensureAppBuilt('merchant-portal');
  [platform, browser] = await Promise.all([startPlatform(), launchBrowser()]);
  photoPath = join(await mkdtemp(join(tmpdir(), 'cgp-od-e2e-')), 'finished.png');
  await writeFile(photoPath, Buffer.from(FINISHED_PNG, 'base64'));
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await platform?.close();
});

async function apiToken(phone: string): Promise<string> {
  const { data, error } = await trpcOverHttp<{ token: string }>(
    platform.baseUrl,
    null,
    'auth.login',
    { phone, password: PASSWORD, tokenInBody: true },
  );
  if (!data) throw new Error(`login as ${phone} failed: ${error?.message}`);
  return data.token;
}

async function residentSignIn(page: Page) {
  await page.goto('/login');
  await page.getByLabel('手机号').fill(RESIDENT);
  await page.getByLabel('密码').fill(PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL((url) => url.pathname === '/');
}

/** Opens 老人陪护 and switches to 立即上门. */
async function openCareNow(page: Page) {
  await page.goto('/');
  await page.getByRole('link', { name: /^老人陪护/ }).click();
  await page.waitForURL(/\/services\/[0-9a-f-]{36}$/);
  await page.getByTestId('booking-mode').getByRole('tab', { name: '立即上门' }).click();
  await page.getByTestId('on-demand-offer').waitFor();
}

const careWorkers = () =>
  platform.deps.db
    .select({ id: workers.id })
    .from(workers)
    .innerJoin(merchants, eq(merchants.id, workers.merchantId))
    .where(eq(merchants.name, '爱帮看护'));

/** The worker an order holds: their name and sign-in phone. */
async function heldWorker(orderId: string) {
  const [row] = await platform.deps.db
    .select({ name: users.displayName, phone: users.phone })
    .from(orders)
    .innerJoin(workers, eq(workers.id, orders.workerId))
    .innerJoin(users, eq(users.id, workers.userId))
    .where(eq(orders.id, orderId));
  if (!row) throw new Error(`order ${orderId} holds no worker`);
  return row;
}

describe('立即上门 from booking to confirmation, on 390×844 phones', () => {
  it('the resident books care now, the worker checks in and completes with a photo, the resident confirms', async () => {
    const resident = await openPhone(browser, platform.baseUrl, PHONE);
    const worker = await openPhone(browser, platform.baseUrl, PHONE);
    try {
      const page = resident.page;
      await residentSignIn(page);
      await openCareNow(page);

      // Before confirming, the ring's promises: the core ring accepts and arrives within 5 minutes.
      const offer = page.getByTestId('on-demand-offer');
      await offer.getByText('您的楼栋在核心圈').waitFor();
      expect(await offer.innerText()).toContain('商家接单');
      expect(await offer.innerText()).toContain('5 分钟内');
      // Booked now, it starts now: the service's late-cancellation fee applies once paid.
      expect(await offer.getByTestId('on-demand-cancel-fee').innerText()).toContain('25%');
      expect(await page.getByText('请先选择时间').count()).toBe(0);
      await page.getByLabel('姓名').fill('张奶奶');
      await page.getByLabel('年龄').fill('82');
      expect(await page.getByTestId('total').innerText()).toBe('¥120.00');
      expect(await horizontalOverflow(page)).toBe(0);
      await screenshot(page, 'on-demand-service-phone', { fullPage: true });

      await page.getByTestId('submit-booking').click();
      await page.waitForURL((url) => url.origin !== platform.baseUrl);
      await page.getByRole('button', { name: /^支付 Pay/ }).click();
      await page.waitForURL(/\/orders\/[0-9a-f-]{36}\?paid=1$/);
      const orderId = ORDER_URL.exec(page.url())![1]!;
      const title = page.getByTestId('order-status-title');
      await expect.poll(() => title.textContent(), POLL).toBe('已支付');

      // The worker held at booking is named with the arrival countdown; the contacts section
      // shows the worker's masked number with a 拨打 (tel:) link. The full number is never printed.
      const held = await heldWorker(orderId);
      expect(['陈护工', '周护工']).toContain(held.name);
      const delivery = page.getByTestId('order-delivery');
      await delivery.getByText(held.name).waitFor();
      expect(await delivery.innerText()).toMatch(/预计 [0-4]:\d\d 内到达/);
      const masked = `${held.phone.slice(0, 3)}****${held.phone.slice(7)}`;
      const workerContact = page
        .getByTestId('order-contacts')
        .getByTestId('order-contact')
        .filter({ hasText: `服务人员 · ${held.name}` });
      await workerContact.waitFor();
      expect(await workerContact.innerText()).toContain(masked);
      const call = workerContact.getByTestId('order-contact-call');
      expect(await call.innerText()).toContain('拨打');
      expect(await call.getAttribute('href')).toBe(`tel:${held.phone}`);
      expect(await page.locator('body').innerText()).not.toContain(held.phone);
      await screenshot(page, 'on-demand-order-countdown-phone', { fullPage: true });

      // The merchant accepts (its portal's call, over the API).
      const owner = await apiToken(CARE_OWNER);
      const accepted = await trpcOverHttp(platform.baseUrl, owner, 'merchant.orders.accept', {
        id: orderId,
      });
      expect(accepted.error).toBeUndefined();

      // The worker, on their phone, sees the task in the portal's worker view.
      const wp = worker.page;
      await wp.goto('/merchant/login');
      await portalSignIn(wp, held.phone);
      await wp.waitForURL((url) => !url.pathname.endsWith('/login'));
      await wp.goto('/merchant/tasks');
      const task = wp.locator(`[data-task="${orderId}"]`);
      await task.waitFor();
      expect(await task.innerText()).toContain('1号楼');
      expect(await task.innerText()).toContain('老人陪护');
      expect(await task.innerText()).toContain('张奶奶');
      await settled(wp);
      expect(await horizontalOverflow(wp)).toBe(0);
      await screenshot(wp, 'on-demand-worker-task-phone', { fullPage: false });

      await task.getByRole('button', { name: '到达打卡' }).click();
      await wp.getByText('已打卡，服务开始').waitFor();
      await task.getByText('到达时间').waitFor();
      await task.locator('[data-test="photo-input"]').setInputFiles(photoPath);
      await task.locator('img').first().waitFor();
      await task.getByPlaceholder('说明完成了哪些工作（必填）').fill('陪老人吃了午饭，散步半小时');
      await settled(wp);
      await screenshot(wp, 'on-demand-worker-finish-phone', { fullPage: true });
      await task.getByRole('button', { name: '完成服务' }).click();
      await wp.getByText('已完成，等待住户确认').waitFor();
      await settled(wp);
      await screenshot(wp, 'on-demand-worker-done-phone', { fullPage: true });

      // The resident sees the arrival, the photo and the note, then confirms.
      await expect.poll(() => title.textContent(), POLL).toBe('待确认');
      await delivery.getByText('到达时间').waitFor();
      const photo = delivery.getByTestId('work-photo').first();
      await photo.waitFor();
      await expect
        .poll(() => photo.evaluate((img) => (img as { naturalWidth: number }).naturalWidth), POLL)
        .toBeGreaterThan(0);
      expect(await delivery.innerText()).toContain('陪老人吃了午饭，散步半小时');
      expect(await delivery.innerText()).toContain(held.name);
      expect(await horizontalOverflow(page)).toBe(0);
      await screenshot(page, 'on-demand-order-proof-phone', { fullPage: true });

      await page.getByTestId('action-confirm').click();
      await page.getByRole('dialog').getByRole('button', { name: '确认完成' }).click();
      await expect.poll(() => title.textContent(), POLL).toBe('已完成');
      const [done] = await platform.deps.db.select().from(orders).where(eq(orders.id, orderId));
      expect(done).toMatchObject({ status: 'confirmed', mode: 'on_demand', ring: 'core' });
      expect(done!.arrivedAt).not.toBeNull();
      // The resident reads the short order number, never the order's id.
      expect(await page.locator('main').innerText()).toContain(done!.orderNo);
      expect(await page.locator('main').innerText()).not.toContain(orderId);
      await screenshot(page, 'on-demand-order-confirmed-phone', { fullPage: false });
      expect(resident.errors).toEqual([]);
      expect(worker.errors).toEqual([]);
    } finally {
      await resident.context.close();
      await worker.context.close();
    }
  }, 180_000);

  it('says plainly when no one is free now, and will not send the booking', async () => {
    const ids = (await careWorkers()).map((w) => w.id);
    await platform.deps.db.update(workers).set({ active: false }).where(inArray(workers.id, ids));
    const phone = await openPhone(browser, platform.baseUrl, PHONE);
    const desktop = await openDesktop(browser, platform.baseUrl);
    try {
      for (const [tab, name] of [
        [phone, 'on-demand-none-free-phone'],
        [desktop, 'on-demand-none-free-desktop'],
      ] as const) {
        await residentSignIn(tab.page);
        await openCareNow(tab.page);
        await tab.page.getByTestId('no-worker').waitFor();
        expect(await tab.page.getByTestId('no-worker').innerText()).toContain(
          '现在没有空闲的服务人员',
        );
        await tab.page.getByLabel('姓名').fill('张奶奶');
        await tab.page.getByLabel('年龄').fill('82');
        expect(await tab.page.getByTestId('submit-booking').isDisabled()).toBe(true);
        await screenshot(tab.page, name, { fullPage: true });
        expect(tab.errors).toEqual([]);
      }
    } finally {
      await phone.context.close();
      await desktop.context.close();
      await platform.deps.db.update(workers).set({ active: true }).where(inArray(workers.id, ids));
    }
  }, 120_000);
});
