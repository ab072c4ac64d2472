import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type Page,
} from 'playwright-core';

/** Debian's Chromium; tests never download a browser. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = fileURLToPath(new URL('../screenshots', import.meta.url));

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
];

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `No Chromium at ${CHROMIUM_PATH}. Install it with: apt-get install -y chromium fonts-noto-cjk`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

export interface Tab {
  context: BrowserContext;
  page: Page;
  /** Uncaught exceptions and console errors of the page, other than failed requests. */
  errors: string[];
}
export type Phone = Tab;

/** A page in a fresh context, collecting the page's errors. */
async function openTab(browser: Browser, options: BrowserContextOptions): Promise<Tab> {
  const context = await browser.newContext(options);
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    // A refused login or a dropped connection logs its request; the page shows those itself.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      errors.push(message.text());
    }
  });
  return { context, page, errors };
}

/**
 * A 375×667 phone (iPhone SE-sized) opening the app, or another size (390×844 is an iPhone 12–14).
 * Its clock is set to New York on purpose: the app must still show times and days in Asia/Shanghai.
 */
export function openPhone(
  browser: Browser,
  baseURL: string,
  viewport = { width: 375, height: 667 },
): Promise<Phone> {
  return openTab(browser, {
    baseURL,
    viewport,
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
    timezoneId: 'America/New_York',
  });
}

/**
 * A 1440×900 desktop opening a back office. By default its clock is in New York, so the page
 * must show times and days in Asia/Shanghai whatever the computer says.
 */
export function openDesktop(
  browser: Browser,
  baseURL: string,
  timezoneId = 'America/New_York',
): Promise<Tab> {
  return openTab(browser, {
    baseURL,
    viewport: { width: 1440, height: 900 },
    deviceScaleFactor: 1,
    locale: 'zh-CN',
    timezoneId,
  });
}

/**
 * Saves tests/e2e/screenshots/<name>.png and returns its path: the whole page by default, or just
 * what the phone shows (`fullPage: false`), which is where fixed bars are really drawn.
 */
export async function screenshot(
  page: Page,
  name: string,
  { fullPage = true } = {},
): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage });
  return path;
}

/** How far the page is wider than the viewport (0 means no horizontal scroll). */
export function horizontalOverflow(page: Page): Promise<number> {
  // A string, because this file is type-checked without the DOM library.
  return page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
}

/**
 * What inside `selector` scrolls on its own or sticks out sideways: elements whose content
 * overflows a scrolling box (horizontally or vertically), and elements wider than the box that
 * holds them. Each is named by its tag and classes; an empty list means the region reads by
 * scrolling the page alone.
 */
export function innerOverflow(page: Page, selector: string): Promise<string[]> {
  // A function, not a string: the portal's CSP forbids evaluating strings. This file is checked
  // without the DOM library, hence the narrow shapes.
  type Rect = { left: number; right: number; width: number };
  type El = {
    tagName: string;
    className: unknown;
    scrollWidth: number;
    clientWidth: number;
    scrollHeight: number;
    clientHeight: number;
    getBoundingClientRect(): Rect;
    querySelectorAll(s: string): ArrayLike<El>;
  };
  type Win = {
    document: { querySelector(s: string): El | null };
    getComputedStyle(el: El): { overflowX: string; overflowY: string; display: string };
  };
  return page.evaluate((sel: string) => {
    const win = globalThis as unknown as Win;
    const root = win.document.querySelector(sel);
    if (!root) return [`nothing matches ${sel}`];
    const box = root.getBoundingClientRect();
    const found: string[] = [];
    for (const el of [root, ...Array.from(root.querySelectorAll('*'))]) {
      const style = win.getComputedStyle(el);
      if (style.display === 'none') continue;
      const scrolls = (overflow: string) => overflow === 'auto' || overflow === 'scroll';
      const r = el.getBoundingClientRect();
      const name = `${el.tagName.toLowerCase()}.${String(el.className).trim().replace(/\s+/g, '.')}`;
      if (scrolls(style.overflowX) && el.scrollWidth > el.clientWidth + 1) {
        found.push(`${name} scrolls sideways (${el.scrollWidth} > ${el.clientWidth})`);
      }
      if (scrolls(style.overflowY) && el.scrollHeight > el.clientHeight + 1) {
        found.push(`${name} scrolls inside (${el.scrollHeight} > ${el.clientHeight})`);
      }
      if (r.width > 0 && (r.right > box.right + 1 || r.left < box.left - 1)) {
        found.push(`${name} sticks out (${Math.round(r.left)}–${Math.round(r.right)})`);
      }
    }
    return found;
  }, selector);
}
