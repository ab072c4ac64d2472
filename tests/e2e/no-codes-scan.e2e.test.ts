import { buildStatements, businessDateOf, reconcilePeriod } from '@cgp/api';
import {
  ACCOUNTS,
  LABELS,
  MERCHANT_STAFF_ROLES,
  ORDER_EVENT_KINDS,
  ORDER_STATUSES,
  PAYABLE_PREFIX,
  USER_ROLES,
} from '@cgp/api/client';
import { callerFor, payOrder, seedEligibleOrders, slotStartsIn } from '@cgp/api/testing';
import { sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn } from './merchant-support';
import { ensureAppBuilt } from './support/app-build';
import { launchBrowser, openDesktop } from './support/browser';
import { startPlatform, type Platform } from './support/platform';

/**
 * Every page of the property console and the merchant portal, in Chinese and in English, read
 * as a person sees it: no internal code (order statuses, event kinds, ledger accounts, roles, job
 * states, audit actions, invariant names) and no processor id (pi_, tr_, ch_, re_) outside a
 * 技术详情 disclosure. The codes come from the enums and label tables, so a new one is covered.
 */
const ACCOUNT_NAMES = Object.values(ACCOUNTS).flatMap((a) => (typeof a === 'string' ? [a] : []));
const CODES = [
  ...new Set<string>([
    ...ORDER_STATUSES,
    ...ORDER_EVENT_KINDS,
    ...ACCOUNT_NAMES,
    PAYABLE_PREFIX.replace(/:$/, ''),
    ...USER_ROLES,
    ...MERCHANT_STAFF_ROLES,
    ...Object.keys(LABELS.jobState),
    ...Object.keys(LABELS.auditAction),
    ...Object.keys(LABELS.invariant),
    ...Object.keys(LABELS.account),
  ]),
];
/** Codes no sentence would contain (snake_case, account:names, module.actions, kebab-case). */
const DISTINCT = CODES.filter((c) => /[_:.-]/.test(c));
/** Plain words (paid, owner…): a code when it stands alone in Chinese text or in a label. */
const WORDS = CODES.filter((c) => !/[_:.-]/.test(c));
const PROCESSOR_ID = /\b(?:pi|tr|ch|re)_[A-Za-z0-9]{6,}/g;
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const OPS = '13700000002';
const OWNER = '13900000001';
let platform: Platform;
let browser: Browser;
let orderId: string;

/** The pages of a router, read from its source: its `path:` entries (the catch-all left out). */
async function routePaths(file: string): Promise<string[]> {
  const source = await readFile(new URL(`../../${file}`, import.meta.url), 'utf8');
  return [...source.matchAll(/path: '([^']*)'/g)]
    .map((m) => m[1]!)
    .filter((p) => !p.includes('(.*)') && p !== '/login' && p !== '/');
}

/** A disputed order settled with a partial refund, a commission rule, earned orders, statements. */
async function seedActivity() {
  const db = platform.deps.db;
  const [row] = (
    await db.execute<{ resident: string; owner: string; slot: string; ops: string }>(sql`
      SELECT r.id AS resident, o.id AS owner, sl.id AS slot, p.id AS ops
        FROM users r, users p, services s JOIN slots sl ON sl.service_id = s.id
        JOIN users o ON o.merchant_id = s.merchant_id AND o.merchant_role = 'owner'
       WHERE r.phone = '13800000001' AND p.phone = ${OPS} AND o.phone = ${OWNER} AND s.title_zh = '深度保洁'
         AND sl.starts_at > now() + interval '1 day'
       ORDER BY sl.starts_at LIMIT 1`)
  ).rows;
  await db.execute(sql`UPDATE slots SET capacity = capacity + 5 WHERE id = ${row!.slot}`);
  const resident = await callerFor(platform.deps, row!.resident);
  const owner = await callerFor(platform.deps, row!.owner);
  const ops = await callerFor(platform.deps, row!.ops);
  const book = () =>
    resident.booking.create({ slotId: row!.slot, quantity: 1, idempotencyKey: randomUUID() });
  const disputed = await book();
  await payOrder(platform.deps, disputed.id);
  const waiting = await book();
  await payOrder(platform.deps, waiting.id);
  await slotStartsIn(platform.deps, row!.slot, 10);
  for (const step of ['accept', 'start', 'complete'] as const)
    await owner.merchant.orders[step]({ id: disputed.id });
  await resident.order.dispute({ id: disputed.id, reason: '没有打扫干净' });
  await ops.ops.resolveDispute({
    orderId: disputed.id,
    outcome: 'refund',
    refundFen: 1000,
    note: '部分退款',
  });
  await ops.commission.create({
    scope: { kind: 'company' },
    platformBps: 2500,
    effectiveFrom: new Date(Date.now() + 86_400_000).toISOString(),
  });
  const [market] = (
    await db.execute<{ unit_id: string; community_id: string; company_id: string }>(sql`
      SELECT u.unit_id, un.community_id, c.company_id FROM users u
        JOIN units un ON un.id = u.unit_id JOIN communities c ON c.id = un.community_id
       WHERE u.id = ${row!.resident}`)
  ).rows;
  const merchants = (
    await db.execute<{ merchant_id: string; service_id: string; slot_id: string }>(sql`
      SELECT DISTINCT ON (m.id) m.id AS merchant_id, s.id AS service_id, sl.id AS slot_id
        FROM merchants m JOIN services s ON s.merchant_id = m.id JOIN slots sl ON sl.service_id = s.id
       WHERE m.company_id = ${market!.company_id} ORDER BY m.id, sl.starts_at`)
  ).rows;
  for (const m of merchants)
    await db.execute(sql`UPDATE slots SET capacity = capacity + 20 WHERE id = ${m.slot_id}`);
  await seedEligibleOrders(db, {
    merchants: merchants.length,
    orders: 6,
    market: {
      companyId: market!.company_id,
      communityId: market!.community_id,
      unitId: market!.unit_id,
      residentId: row!.resident,
      merchants: merchants.map((m) => ({
        merchantId: m.merchant_id,
        serviceId: m.service_id,
        slotId: m.slot_id,
      })),
    },
  });
  await buildStatements(db, { merchantIds: merchants.map((m) => m.merchant_id) });
  const timeZone = platform.deps.env.TZ_BUSINESS;
  await reconcilePeriod(
    db,
    platform.deps.payments.stripe,
    {
      from: businessDateOf(new Date(Date.now() - 2 * 86_400_000), timeZone),
      to: businessDateOf(new Date(), timeZone),
    },
    { timeZone, trigger: 'nightly' },
  );
  orderId = disputed.id;
}

beforeAll(async () => {
  await ensureAppBuilt('merchant-portal');
  [platform, browser] = await Promise.all([startPlatform(), launchBrowser()]);
  await seedActivity();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await platform?.close();
});

/** The text a person can see, piece by piece, leaving out what a 技术详情 disclosure holds. */
function visibleTexts(page: Page): Promise<string[]> {
  // A function, not a string: the portal's CSP forbids evaluating strings.
  return page.evaluate(() => {
    type El = { closest(s: string): unknown; checkVisibility(): boolean };
    type Node = { textContent: string | null; parentElement: El | null };
    const doc = (
      globalThis as unknown as {
        document: {
          body: unknown;
          createTreeWalker(root: unknown, what: number): { nextNode(): Node | null };
        };
      }
    ).document;
    const walker = doc.createTreeWalker(doc.body, 4);
    const texts: string[] = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement;
      if (!el || el.closest('script,style,noscript,details.tech')) continue;
      if (!el.checkVisibility()) continue;
      const text = (node.textContent ?? '').trim();
      if (text) texts.push(text);
    }
    return texts;
  });
}

/** Internal codes and ids in what the page shows, each with the text around it. */
function findCodes(texts: string[], locale: 'zh-CN' | 'en'): string[] {
  const all = texts.join('\n');
  const found = new Map<string, string>();
  const near = (index: number) =>
    all.slice(Math.max(0, index - 15), index + 30).replace(/\s+/g, ' ');
  for (const code of DISTINCT) {
    const hit = new RegExp(`(^|[^A-Za-z0-9_:.-])${escape(code)}($|[^A-Za-z0-9_-])`).exec(all);
    if (hit) found.set(code, near(hit.index));
  }
  for (const code of WORDS) {
    if (locale === 'en') {
      if (texts.includes(code)) found.set(code, code);
      continue;
    }
    const hit = new RegExp(`(^|[^A-Za-z0-9_])${escape(code)}($|[^A-Za-z0-9_])`).exec(all);
    if (hit) found.set(code, near(hit.index));
  }
  for (const hit of all.matchAll(PROCESSOR_ID)) found.set(hit[0], near(hit.index));
  return [...found.keys()].map((code) => `${code} «${found.get(code)}»`);
}

async function scanPages(page: Page, base: string, paths: string[], storageKey: string) {
  const problems: string[] = [];
  for (const locale of ['zh-CN', 'en'] as const) {
    await page.evaluate(
      ([key, value]) =>
        (
          globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } }
        ).localStorage.setItem(key!, value!),
      [storageKey, locale],
    );
    for (const path of paths) {
      const url = `${base}${path ? `/${path.replace(/^\//, '')}` : ''}`.replace(':id', orderId);
      await page.goto(url);
      // Data arrives and spinners give way to content.
      await page.waitForTimeout(1500);
      await page
        .locator('.el-loading-mask, .el-skeleton')
        .first()
        .waitFor({ state: 'hidden', timeout: 10_000 })
        .catch(() => undefined);
      // Still signed in, on the page asked for, with something on it.
      if (/\/login/.test(page.url())) problems.push(`${locale} ${url}: sent to sign in`);
      const texts = await visibleTexts(page);
      if (texts.length < 5) problems.push(`${locale} ${url}: nearly empty`);
      const codes = findCodes(texts, locale);
      if (codes.length) problems.push(`${locale} ${url}: ${codes.join(', ')}`);
    }
  }
  return problems;
}

/** The scan itself finds a code and an id put on the page, but not inside 技术详情. */
async function scannerSees(page: Page): Promise<string[]> {
  await page.evaluate(() => {
    type El = { innerHTML: string; appendChild(e: El): void };
    const doc = (
      globalThis as unknown as {
        document: { body: El; createElement(t: string): El };
      }
    ).document;
    const probe = doc.createElement('div');
    probe.innerHTML =
      '<span>pending_payment</span><span>owner</span><span>付款 pi_3AbCdEf12345</span>' +
      '<details class="tech" open><summary>技术详情</summary><span>tr_9XyZ1234567</span></details>';
    doc.body.appendChild(probe);
  });
  return findCodes(await visibleTexts(page), 'en');
}

describe('no internal codes on any back-office page', () => {
  it('lists the codes from the enums', () => {
    expect(DISTINCT).toEqual(expect.arrayContaining(['pending_payment', 'cash:stripe']));
    expect(WORDS).toEqual(expect.arrayContaining(['paid', 'confirmed', 'owner']));
    expect(CODES).toEqual(expect.arrayContaining(['property_auditor', 'ops.resolveDispute']));
  });

  it('the property console, every page in Chinese and English', async () => {
    const paths = await routePaths('web/src/console/routes.ts');
    expect(paths).toEqual(expect.arrayContaining(['', 'orders/:id', 'audit-log', 'jobs']));
    const { context, page } = await openDesktop(browser, platform.baseUrl, 'Asia/Shanghai');
    try {
      await page.goto('/login?redirect=/console');
      await page.getByLabel('手机号').fill(OPS);
      await page.getByLabel('密码').fill('demo1234');
      await page.getByRole('button', { name: '登录' }).click();
      await page.waitForURL((url) => url.pathname.startsWith('/console'));
      expect(await scanPages(page, '/console', paths, 'cgp.locale')).toEqual([]);
      expect((await scannerSees(page)).map((c) => c.split(' ')[0]).sort()).toEqual([
        'owner',
        'pending_payment',
        'pi_3AbCdEf12345',
      ]);
    } finally {
      await context.close();
    }
  }, 240_000);

  it('the merchant portal, every page in Chinese and English', async () => {
    const paths = await routePaths('merchant-portal/src/router.ts');
    expect(paths).toEqual(expect.arrayContaining(['orders', 'earnings', 'services']));
    const { context, page } = await openDesktop(browser, platform.baseUrl, 'Asia/Shanghai');
    try {
      await page.goto('/merchant/login');
      await signIn(page, OWNER);
      await page.waitForURL(/\/merchant\/orders/);
      expect(await scanPages(page, '/merchant', paths, 'cgp.merchant.locale')).toEqual([]);
    } finally {
      await context.close();
    }
  }, 240_000);
});
