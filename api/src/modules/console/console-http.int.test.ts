import { sql } from 'drizzle-orm';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../app';
import {
  callerFor,
  createTestDeps,
  seedEligibleOrders,
  tokenFor,
  type EligibleOrdersSeed,
  type TestDeps,
} from '../../testing';
import { buildStatements } from '../settlement/build-statements';
import { consoleRoutes } from './console.routes';

/**
 * 20,005 orders × (2 payment + 3 earning postings), less the platform postings of ¥0.01 orders
 * whose 30% rounds to nothing: just over 100,000 ledger lines.
 */
const ORDERS = 20_005;

let deps: TestDeps;
let seed: EligibleOrdersSeed;
let server: Server;
let base: string;
let routes: ReturnType<typeof consoleRoutes>;
const tokens: Record<'auditor' | 'ops' | 'resident' | 'merchant' | 'admin', string> = {
  auditor: '',
  ops: '',
  resident: '',
  merchant: '',
  admin: '',
};

beforeAll(async () => {
  deps = await createTestDeps();
  seed = await seedEligibleOrders(deps.db, { merchants: 5, orders: ORDERS });
  const f = deps.factories;
  tokens.auditor = await tokenFor(
    deps,
    (await f.createPropertyUser(seed.companyId, 'property_auditor')).id,
  );
  tokens.ops = await tokenFor(
    deps,
    (await f.createPropertyUser(seed.companyId, 'property_ops')).id,
  );
  tokens.resident = await tokenFor(deps, seed.residentId);
  tokens.admin = await tokenFor(deps, (await f.createPlatformAdmin()).id);
  tokens.merchant = await tokenFor(deps, (await f.createMerchantStaff(seed.merchantIds[0]!)).id);
  routes = consoleRoutes(deps);
  const app = createApp(deps, { mount: routes.mount });
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}, 120_000);

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  server.closeAllConnections();
  await routes.close();
  await deps.teardown();
});

const range = () => ({
  from: new Date(Date.now() - 7 * 86_400_000).toISOString(),
  to: new Date(Date.now() + 86_400_000).toISOString(),
});
const exportUrl = (report: string, r = range()) =>
  `${base}/console/export/${report}.csv?${new URLSearchParams(r).toString()}`;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Reads a CSV response chunk by chunk, counting lines without holding the body. */
async function readCsv(response: Response, keep: (line: string) => boolean) {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder('utf-8');
  let first: Uint8Array | null = null;
  let rest = '';
  let lines = 0;
  const kept: string[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    first ??= value;
    const text = rest + decoder.decode(value, { stream: true });
    const parts = text.split('\r\n');
    rest = parts.pop()!;
    lines += parts.length;
    for (const line of parts) if (keep(line)) kept.push(line);
  }
  expect(rest).toBe('');
  return { first: first!, lines, kept };
}

describe('CSV export', () => {
  it('refuses anonymous callers (401), residents and merchants (403) and bad ranges (400)', async () => {
    expect((await fetch(exportUrl('ledger'))).status).toBe(401);
    expect((await fetch(exportUrl('ledger'), { headers: bearer('not-a-session') })).status).toBe(
      401,
    );
    for (const who of ['resident', 'merchant'] as const) {
      const res = await fetch(exportUrl('ledger'), { headers: bearer(tokens[who]) });
      expect(`${who} ${res.status}`).toBe(`${who} 403`);
    }
    const bad = await fetch(exportUrl('ledger', { from: 'yesterday', to: 'x' }), {
      headers: bearer(tokens.auditor),
    });
    expect(bad.status).toBe(400);
    const unknown = await fetch(exportUrl('salaries'), { headers: bearer(tokens.auditor) });
    expect(unknown.status).toBe(404);
  });

  it('streams over 100,000 ledger lines with a BOM, Chinese text and flat memory', async () => {
    const { rows } = await deps.db.execute<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM ledger_postings`,
    );
    const ledgerLines = rows[0]!.n;
    expect(ledgerLines).toBeGreaterThanOrEqual(100_000);
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 10);
    const started = Date.now();
    const res = await fetch(exportUrl('ledger'), {
      headers: { cookie: `cgp_session=${tokens.auditor}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const csv = await readCsv(
      res,
      (line) => line.startsWith('分录行,') || line.includes(',商户1,'),
    );
    clearInterval(sampler);
    const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
    console.info(
      `ledger export: ${csv.lines - 1} lines in ${Date.now() - started} ms; RSS before ${mb(rssBefore)} MB, peak ${mb(peak)} MB (+${mb(peak - rssBefore)} MB)`,
    );
    expect([...csv.first.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csv.lines).toBe(ledgerLines + 1);
    expect(csv.kept[0]).toBe('分录行,时间,类型,科目,金额(元，借正贷负),订单号,商户,摘要,记账阶段');
    expect(csv.kept.length).toBeGreaterThan(1);
    // Beijing time, kinds and accounts in words, 元 with two decimals, the short order number.
    const line = csv.kept[1]!.split(',');
    expect(line[1]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    expect(['住户付款', '确认收入', '退款', '结算付款']).toContain(line[2]);
    expect(line[3]).toMatch(/^(支付通道资金|订单托管款|平台收入|应付商户款 · 商户1)$/);
    expect(line[4]).toMatch(/^-?\d+\.\d{2}$/);
    expect(line[5]).toMatch(/^\d{10,}$/);
    // The 100,000 lines are about 20 MB of CSV; streaming must not hold them.
    expect(peak - rssBefore).toBeLessThan(150 * 1024 * 1024);
  }, 120_000);

  it('exports the revenue share that ties out to audit.revenueShare, and the statements', async () => {
    const r = range();
    const res = await fetch(exportUrl('revenue-share', r), { headers: bearer(tokens.ops) });
    expect(res.status).toBe(200);
    const csv = await readCsv(res, () => true);
    expect(csv.kept[0]).toBe(
      '日期,商户,品类,订单数,总额(元),退款(元),净额(元),商户分成(元),平台收入(元)',
    );
    const rows = csv.kept.slice(1).map((l) => l.split(','));
    // Every amount is 元 with exactly two decimals; read back as fen without float rounding.
    for (const row of rows) for (const cell of row.slice(4)) expect(cell).toMatch(/^-?\d+\.\d{2}$/);
    const fen = (cell: string) => Number(cell.replace('.', ''));
    const sum = (i: number) =>
      rows.reduce((s, row) => s + (i === 3 ? Number(row[i]) : fen(row[i]!)), 0);
    expect(new Set(rows.map((row) => row[2]))).toEqual(new Set(['家政服务']));
    const auditorId = (await deps.db.query.users.findFirst({
      where: (u, { eq }) => eq(u.companyId, seed.companyId),
    }))!.id;
    const share = await (
      await callerFor(deps, auditorId)
    ).audit.revenueShare({
      ...r,
      groupBy: 'merchant',
    });
    expect(sum(3)).toBe(ORDERS);
    expect(sum(4)).toBe(seed.totalFen);
    expect(sum(8)).toBe(share.totals.platformFen);
    expect(sum(7)).toBe(share.totals.merchantFen);

    await buildStatements(deps.db, { merchantIds: seed.merchantIds });
    const statements = await readCsv(
      await fetch(exportUrl('statements', r), { headers: bearer(tokens.auditor) }),
      () => true,
    );
    expect(statements.kept).toHaveLength(1 + seed.merchantIds.length);
    expect(
      statements.kept.slice(1).every((l) => /^[0-9a-f]{8},商户\d,付款待支付通道确认,/.test(l)),
    ).toBe(true);
  }, 60_000);

  it('exports disputes and the audit log in Beijing time and words, named by their period', async () => {
    // A dispute opened at 02:59 on 1 November in Beijing, which is 18:59 UTC on 31 October.
    const { rows } = await deps.db.execute<{ id: string; order_no: string }>(
      sql`SELECT id, order_no FROM orders ORDER BY created_at LIMIT 1`,
    );
    const order = rows[0]!;
    await deps.db.execute(sql`
      INSERT INTO order_disputes (order_id, reason, opened_at, resolved_at, resolution, refund_fen)
      VALUES (${order.id}, '没有按时上门', '2026-10-31T18:59:00Z', '2026-11-02T02:00:00Z', '部分退款', 15000)`);
    const ops = await callerFor(
      deps,
      (await deps.factories.createPropertyUser(seed.companyId, 'property_ops')).id,
    );
    await ops.console.setMerchantStatus({ merchantId: seed.merchantIds[0]!, status: 'suspended' });

    const november = { from: '2026-10-31T16:00:00.000Z', to: '2026-11-30T16:00:00.000Z' };
    const res = await fetch(exportUrl('disputes', november), { headers: bearer(tokens.auditor) });
    expect(res.headers.get('content-disposition')).toContain(
      'filename="disputes_2026-11-01_2026-11-30.csv"',
    );
    expect(decodeURIComponent(res.headers.get('content-disposition')!)).toContain(
      '纠纷处理_2026-11-01_2026-11-30.csv',
    );
    const disputes = await readCsv(res, () => true);
    expect(disputes.kept[0]).toBe(
      '订单号,发起时间,住户,商户,品类,住户理由,订单金额(元),订单状态,处理时间,处理说明,退款(元)',
    );
    const line = disputes.kept[1]!.split(',');
    expect(line[0]).toBe(order.order_no);
    expect(line[1]).toBe('2026-11-01 02:59');
    expect(line[4]).toBe('家政服务');
    expect(line[8]).toBe('2026-11-02 10:00');
    expect(line[10]).toBe('150.00');
    expect(disputes.kept.join('\n')).not.toMatch(/housekeeping|confirmed|settled/);

    const audit = await readCsv(
      await fetch(exportUrl('audit-log', range()), { headers: bearer(tokens.auditor) }),
      () => true,
    );
    expect(audit.kept[0]).toBe('时间,操作人,角色,操作,对象,订单号,变更内容');
    expect(audit.kept.some((l) => l.includes(',物业运营,暂停商户,'))).toBe(true);
    expect(audit.kept.join('\n')).not.toMatch(/merchant\.suspend|property_ops/);
  });
});

describe('queue dashboard', () => {
  it('is for the platform operator only: every company role gets 403', async () => {
    const url = `${base}/console/queues`;
    expect((await fetch(url)).status).toBe(401);
    for (const who of ['resident', 'merchant', 'auditor', 'ops'] as const) {
      const res = await fetch(url, { headers: bearer(tokens[who]) });
      expect(`${who} ${res.status}`).toBe(`${who} 403`);
      const api = await fetch(`${url}/api/queues`, { headers: bearer(tokens[who]) });
      expect(`${who} ${api.status}`).toBe(`${who} 403`);
      // Nor may they act on any company's jobs: pause, promote, clean.
      const pause = await fetch(`${url}/api/queues/settlement/pause`, {
        method: 'PUT',
        headers: bearer(tokens[who]),
      });
      expect(`${who} ${pause.status}`).toBe(`${who} 403`);
    }

    const page = await fetch(url, { headers: { cookie: `cgp_session=${tokens.admin}` } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<html');
    // A sibling site's page cannot make the operator's browser act on the queues.
    const forged = await fetch(`${url}/api/queues/settlement/pause`, {
      method: 'PUT',
      headers: {
        cookie: `cgp_session=${tokens.admin}`,
        origin: 'http://evil.127.0.0.1.nip.io',
        'sec-fetch-site': 'same-site',
      },
    });
    expect(forged.status).toBe(403);
    const queues = await fetch(`${url}/api/queues`, { headers: bearer(tokens.admin) });
    expect(queues.status).toBe(200);
    const body = (await queues.json()) as { queues: { name: string }[] };
    expect(body.queues.map((q) => q.name).sort()).toEqual(
      ['order-timers', 'payments', 'payouts', 'reconciliation', 'settlement', 'surveys'].sort(),
    );
  });
});
