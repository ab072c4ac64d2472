import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PORTAL = join(ROOT, 'merchant-portal');
const BUILT_INDEX = join(PORTAL, 'dist', 'index.html');
const LOCK = join(ROOT, 'tests', '.artifacts', 'merchant-portal-build.lock');
/** A lock older than this was left by a run that died mid-build. */
const STALE_LOCK_MS = 5 * 60_000;

function newestInput(): number {
  const files = ['index.html', 'vite.config.ts', 'package.json', 'tsconfig.json'].map((f) =>
    join(PORTAL, f),
  );
  const sources = readdirSync(join(PORTAL, 'src'), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
  // The portal validates its forms with the API's schemas, so they are inputs too.
  const schemas = join(ROOT, 'api', 'src', 'modules', 'merchant', 'merchant.schema.ts');
  return Math.max(...[...files, ...sources, schemas].map((file) => statSync(file).mtimeMs));
}

function isFresh(): boolean {
  try {
    return statSync(BUILT_INDEX).mtimeMs >= newestInput();
  } catch {
    return false;
  }
}

function tryLock(): boolean {
  mkdirSync(dirname(LOCK), { recursive: true });
  try {
    mkdirSync(LOCK);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    if (Date.now() - statSync(LOCK).mtimeMs > STALE_LOCK_MS) {
      rmSync(LOCK, { recursive: true, force: true });
    }
    return false;
  }
}

/**
 * Builds `merchant-portal/dist` when it is missing or older than its sources. Must finish before
 * the platform starts: the API mounts the portal only if its index.html exists.
 */
export async function ensureMerchantPortalBuilt(): Promise<void> {
  if (isFresh()) return;
  while (!tryLock()) await new Promise((resolve) => setTimeout(resolve, 250));
  try {
    if (!isFresh()) {
      // Vitest sets NODE_ENV=test, which Vite would bake into the bundle; build as production does.
      execFileSync('npm', ['run', 'build', '-w', 'merchant-portal'], {
        cwd: ROOT,
        stdio: 'pipe',
        env: { ...process.env, NODE_ENV: 'production' },
      });
    }
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

export interface Desk {
  context: BrowserContext;
  page: Page;
  /** Uncaught exceptions and console errors of the page, other than failed requests. */
  errors: string[];
}

/**
 * A 1440×900 desktop opening the portal. Its clock is set to New York on purpose: the portal must
 * still show times and days in Asia/Shanghai.
 */
export async function openDesk(browser: Browser, baseURL: string): Promise<Desk> {
  const context = await browser.newContext({
    baseURL,
    viewport: { width: 1440, height: 900 },
    deviceScaleFactor: 1,
    locale: 'zh-CN',
    timezoneId: 'America/New_York',
  });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      errors.push(message.text());
    }
  });
  return { context, page, errors };
}

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
