import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { horizontalOverflow, launchBrowser, openPhone, screenshot } from './support/browser';
import { startPlatform, type Platform } from './support/platform';

const RESIDENT = { phone: '13800000001', password: 'demo1234' };

/** Long enough for a slow page, far shorter than the test's own timeout. */
const POLL = { timeout: 10_000 };

let platform: Platform;
let browser: Browser;

beforeAll(async () => {
  [platform, browser] = await Promise.all([startPlatform(), launchBrowser()]);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await platform?.close();
});

async function signIn(page: Page, password: string) {
  await page.getByLabel('手机号').fill(RESIDENT.phone);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
}

async function cardTexts(page: Page): Promise<string[]> {
  const cards = page.getByTestId('service-card');
  await expect.poll(() => cards.count(), POLL).toBe(6);
  return cards.allInnerTexts();
}

describe('resident app at 375×667', () => {
  it('shows a skeleton while the catalog loads, and an error with a retry that works', async () => {
    const { context, page, errors } = await openPhone(browser, platform.baseUrl);
    try {
      await page.goto('/login');
      await signIn(page, RESIDENT.password);
      await page.getByTestId('service-card').first().waitFor();

      // Slow network: the list shows a skeleton until the answer arrives.
      const services = /\/trpc\/[^?]*catalog\.services/;
      await page.route(services, async (route) => {
        await new Promise((resolve) => setTimeout(resolve, 1_500));
        await route.continue();
      });
      await page.getByRole('link', { name: '家政服务', exact: true }).click();
      await page.locator('[aria-busy="true"]').waitFor();
      await screenshot(page, 'category-loading', { fullPage: false });
      await expect.poll(() => page.getByTestId('service-card').count(), POLL).toBe(2);

      // No network: after its retries the page says so and offers to try again.
      await page.unroute(services);
      await page.route(services, (route) => route.abort('internetdisconnected'));
      await page.getByRole('button', { name: '返回' }).click();
      await page.getByRole('link', { name: '临时看护', exact: true }).click();
      const alert = page.getByRole('alert');
      await alert.waitFor();
      expect(await alert.innerText()).toContain('网络连接失败，请检查网络后重试');
      await screenshot(page, 'category-error', { fullPage: false });
      await page.unroute(services);
      await page.getByRole('button', { name: '重试' }).click();
      await expect.poll(() => page.getByTestId('service-card').count(), POLL).toBe(2);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('tells a resident in Chinese that the password is wrong', async () => {
    const { context, page, errors } = await openPhone(browser, platform.baseUrl);
    try {
      await page.goto('/');
      await page.waitForURL(
        (url) => url.pathname === '/login' && url.searchParams.get('redirect') === '/',
      );
      await signIn(page, 'not-my-password');

      const error = page.getByTestId('login-error');
      await error.waitFor();
      expect(await error.innerText()).toBe('手机号或密码不正确，请重新输入');
      expect(page.url()).toContain('/login');
      await screenshot(page, 'login-wrong-password');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('signs in, browses the catalog, picks a day and a slot, and switches to English', async () => {
    const { context, page, errors } = await openPhone(browser, platform.baseUrl);
    try {
      // An anonymous visitor to a service page is sent to sign in, then home after.
      await page.goto('/');
      await page.waitForURL(/\/login/);
      await screenshot(page, 'login');
      await signIn(page, RESIDENT.password);
      await page.waitForURL((url) => url.pathname === '/');

      // Home: the three categories and the six demo services with yuan prices per unit.
      for (const name of ['家政服务', '送餐配送', '临时看护']) {
        await page.getByRole('link', { name, exact: true }).waitFor();
      }
      const zhCards = await cardTexts(page);
      expect(zhCards.join('\n')).toContain('日常保洁');
      expect(zhCards.find((c) => c.includes('日常保洁'))).toContain('¥50.00/小时');
      expect(zhCards.find((c) => c.includes('深度保洁'))).toContain('¥399.00/次');
      expect(zhCards.find((c) => c.includes('营养午餐'))).toContain('¥6.00起');
      // Every card has its price: per unit, or from the cheapest dish of a menu.
      expect(zhCards.every((c) => /¥\d+\.\d{2}(\/|起)/.test(c))).toBe(true);
      expect(await horizontalOverflow(page)).toBe(0);
      await screenshot(page, 'home-zh');

      // A category shows only its own services.
      await page.getByRole('link', { name: '送餐配送', exact: true }).click();
      await page.waitForURL(/\/category\/meal_delivery$/);
      await expect.poll(() => page.getByTestId('service-card').count(), POLL).toBe(2);
      await screenshot(page, 'category-meal-zh');
      await page.getByRole('button', { name: '返回' }).click();
      await page.waitForURL((url) => url.pathname === '/');

      // Service detail: merchant, policy in words, slots of the chosen day with what is left.
      await page.getByRole('link', { name: /^日常保洁/ }).click();
      await page.waitForURL(/\/services\/[0-9a-f-]{36}$/);
      await page.getByTestId('service-title').waitFor();
      expect(await page.getByTestId('service-title').innerText()).toBe('日常保洁');
      expect(await page.locator('main').innerText()).toContain('阳光家政');
      const policy = await page.getByTestId('cancellation-policy').innerText();
      expect(policy).toContain('服务开始前 4 小时以上取消，全额退款。');
      expect(policy).toContain('开始前 4 小时内取消，收取订单金额的 20% 作为违约金。');

      const days = page.getByRole('group', { name: '选择日期' }).getByRole('button');
      expect(await days.count()).toBe(14);
      // The demo's slots start today (in Shanghai, though this phone is set to New York): today
      // shows those still open for booking (up to 2 hours before they start), or says none are.
      const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(
        new Date(),
      );
      const openToday = ['09:00', '14:00'].filter(
        (time) => Date.parse(`${today}T${time}:00+08:00`) > Date.now() + 2 * 3_600_000 + 60_000,
      );
      // Today's windows past their booking cut-off are listed as closed (已截止), not bookable.
      await page.getByTestId('slot').first().waitFor();
      expect(await page.getByTestId('slot').count()).toBe(2);
      const open = page.locator('[data-testid="slot"]:not([disabled])');
      await expect.poll(() => open.count(), POLL).toBe(openToday.length);
      if (openToday.length < 2) expect(await page.locator('main').innerText()).toContain('已截止');
      // Tomorrow (Shanghai) has both, at 09:00 and 14:00, three places each.
      await days.nth(1).click();
      expect(await days.nth(1).getAttribute('aria-pressed')).toBe('true');
      const slots = page.getByRole('radio');
      await expect.poll(() => slots.count(), POLL).toBe(2);
      expect(await slots.allInnerTexts()).toEqual(['09:00–11:00\n剩余 3', '14:00–16:00\n剩余 3']);
      await slots.first().click();
      expect(await slots.first().getAttribute('aria-checked')).toBe('true');

      // Quantity starts at the minimum (2 hours), and a 2-hour slot holds no more.
      expect(await page.getByTestId('quantity').innerText()).toBe('2');
      expect(await page.getByTestId('total').innerText()).toBe('¥100.00');
      expect(await page.getByRole('button', { name: '增加数量' }).isDisabled()).toBe(true);

      // Booking and paying are open (resident-booking.e2e.test.ts goes all the way).
      const submit = page.getByTestId('submit-booking');
      expect(await submit.innerText()).toBe('提交并支付');
      expect(await submit.isEnabled()).toBe(true);
      expect(await horizontalOverflow(page)).toBe(0);
      await screenshot(page, 'service-detail-zh');
      await page.getByTestId('booking-hint').scrollIntoViewIfNeeded();
      await screenshot(page, 'service-detail-zh-booking', { fullPage: false });

      // Meal delivery asks about allergies; temporary care about the person cared for.
      await page.getByRole('button', { name: '返回' }).click();
      await page.getByRole('link', { name: /^营养午餐/ }).click();
      await page.getByLabel('过敏或忌口').waitFor();
      await page.getByTestId('booking-hint').scrollIntoViewIfNeeded();
      await screenshot(page, 'service-detail-meal-zh', { fullPage: false });
      await page.getByRole('button', { name: '返回' }).click();
      await page.getByRole('link', { name: /^老人陪护/ }).click();
      for (const label of ['姓名', '年龄', '照护需要']) await page.getByLabel(label).waitFor();
      await page.getByTestId('booking-hint').scrollIntoViewIfNeeded();
      expect(await horizontalOverflow(page)).toBe(0);
      await screenshot(page, 'service-detail-care-zh', { fullPage: false });

      // English, chosen on the Me tab, renames the catalog and survives a reload.
      await page.getByRole('button', { name: '返回' }).click();
      await page.getByRole('tab', { name: '我的', exact: true }).click();
      await page.waitForURL(/\/me$/);
      await page.getByRole('button', { name: 'English' }).click();
      await page.getByRole('button', { name: 'Sign out' }).waitFor();
      await screenshot(page, 'me-en');
      await page.getByRole('tab', { name: 'Home', exact: true }).click();
      await page.reload();
      const enCards = await cardTexts(page);
      for (const title of [
        'Routine home cleaning',
        'Deep cleaning',
        'Nutritious lunch box',
        'Home-style dinner',
        'Elderly companionship',
        'Child minding',
      ]) {
        expect(enCards.join('\n')).toContain(title);
      }
      expect(enCards.find((c) => c.includes('Routine home cleaning'))).toContain('¥50.00/hour');
      expect(await horizontalOverflow(page)).toBe(0);
      await screenshot(page, 'home-en');

      await page.getByRole('link', { name: /^Routine home cleaning/ }).click();
      await page.getByRole('group', { name: 'Choose a day' }).getByRole('button').nth(1).click();
      await expect.poll(() => page.getByRole('radio').count(), POLL).toBe(2);
      expect(await page.getByRole('radio').first().innerText()).toBe('09:00–11:00\n3 left');
      expect(await horizontalOverflow(page)).toBe(0);
      await screenshot(page, 'service-detail-en');

      // Signing out ends the session: the app is back at sign-in.
      await page.getByRole('button', { name: 'Back' }).click();
      await page.getByRole('tab', { name: 'Me', exact: true }).click();
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('button', { name: 'Confirm' }).click();
      await page.waitForURL(/\/login/);
      await page.goto('/orders');
      await page.waitForURL(
        (url) => url.pathname === '/login' && url.searchParams.get('redirect') === '/orders',
      );
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

describe('service photos at 390×844', () => {
  /**
   * Whether the nth service photo on the page shows an image that loaded real pixels (a string
   * expression, because this file is type-checked without the DOM library).
   */
  const loaded = (page: Page, selector: string, nth = 0) =>
    page.evaluate<boolean>(
      `(() => { const img = document.querySelectorAll('${selector}')[${nth}]?.querySelector('img'); return !!img && img.complete && img.naturalWidth > 0; })()`,
    );

  it('shows each service card and the service page with its photo, and the icon when one fails', async () => {
    const { context, page, errors } = await openPhone(browser, platform.baseUrl, {
      width: 390,
      height: 844,
    });
    try {
      await page.goto('/login');
      await signIn(page, RESIDENT.password);
      await page.waitForURL((url) => url.pathname === '/');
      await cardTexts(page);

      // Every demo service has a photo; each loads once its card scrolls into view.
      const cards = page.getByTestId('service-card');
      for (let i = 0; i < 6; i += 1) {
        await cards.nth(i).getByTestId('service-photo').scrollIntoViewIfNeeded();
        await expect.poll(() => loaded(page, '[data-testid="service-card"]', i), POLL).toBe(true);
      }
      expect(await page.getByTestId('service-photo-none').count()).toBe(0);
      await page.evaluate('window.scrollTo(0, 0)');
      expect(await horizontalOverflow(page)).toBe(0);
      await screenshot(page, 'home-photos-390', { fullPage: false });

      // The service page opens with the same photo, full width.
      await page.getByRole('link', { name: /^日常保洁/ }).click();
      await page.getByTestId('service-title').waitFor();
      const hero = page.locator('.service-photo--hero');
      await expect.poll(() => loaded(page, '.service-photo--hero'), POLL).toBe(true);
      const box = await hero.boundingBox();
      expect(box?.width).toBe(390);
      await screenshot(page, 'service-detail-photo-390', { fullPage: false });

      // A photo that cannot be fetched leaves the category's icon, never a broken image.
      await page.getByRole('button', { name: '返回' }).click();
      await page.getByRole('link', { name: /^营养午餐/ }).click();
      await page.getByTestId('service-title').waitFor();
      await page.route(/\/uploads\//, (route) => route.abort('failed'));
      await page.reload();
      await page.getByTestId('service-title').waitFor();
      const failed = page.locator('.service-photo--hero');
      await failed.locator('.van-image__error').waitFor();
      expect(await failed.locator('img').count()).toBe(0);
      await screenshot(page, 'service-detail-photo-failed-390', { fullPage: false });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
