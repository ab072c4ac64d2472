import type { Server } from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApp } from '../../app';
import {
  callerFor,
  createTestDeps,
  seedEligibleOrders,
  tokenFor,
  type EligibleOrdersSeed,
  type TestDeps,
} from '../../testing';
import { buildStatements } from './build-statements';
import { statementExportRoutes } from './statement-export.routes';
import { labelOf } from '../../labels';

let deps: TestDeps;
let seed: EligibleOrdersSeed;
let server: Server;
let base: string;
let statementId: string;
let otherStatementId: string;
const tokens = { owner: '', staff: '', otherOwner: '', resident: '' };
let ownerId: string;

beforeAll(async () => {
  deps = await createTestDeps();
  seed = await seedEligibleOrders(deps.db, { merchants: 2, orders: 41 });
  const run = await buildStatements(deps.db);
  const [mine, other] = seed.merchantIds.map((id) =>
    run.statements.find((s) => s.merchantId === id)!,
  );
  statementId = mine!.id;
  otherStatementId = other!.id;
  const f = deps.factories;
  ownerId = (await f.createMerchantStaff(seed.merchantIds[0]!)).id;
  tokens.owner = await tokenFor(deps, ownerId);
  tokens.staff = await tokenFor(
    deps,
    (await f.createMerchantStaff(seed.merchantIds[0]!, 'staff')).id,
  );
  tokens.otherOwner = await tokenFor(deps, (await f.createMerchantStaff(seed.merchantIds[1]!)).id);
  tokens.resident = await tokenFor(deps, seed.residentId);
  const app = createApp(deps, { mount: (a) => a.use(statementExportRoutes(deps)) });
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await deps.teardown();
});

const csvOf = (id: string, token?: string) =>
  fetch(`${base}/merchant/export/statements/${id}.csv`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
/** Yuan text back to fen, exactly: "12.34" → 1234. */
const fen = (yuan: string) => {
  const [whole, cents = '0'] = yuan.replace('-', '').split('.');
  return (Number(whole) * 100 + Number(cents.padEnd(2, '0'))) * (yuan.startsWith('-') ? -1 : 1);
};

it("gives the owner the statement's lines with the same figures as merchant.statements.get", async () => {
  const response = await csvOf(statementId, tokens.owner);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
  expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="statement-/);
  const bytes = new Uint8Array(await response.arrayBuffer());
  expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes.slice(3));
  const rows = text
    .trimEnd()
    .split('\r\n')
    .map((line) => line.split(','));
  expect(rows[0]).toEqual([
    '订单号',
    '服务',
    '服务时间',
    '订单状态',
    '总额(元)',
    '退款(元)',
    '净额(元)',
    '平台费率(%)',
    '平台服务费(元)',
    '商户所得(元)',
  ]);

  const owner = await callerFor(deps, ownerId);
  const statement = await owner.merchant.statements.get({ id: statementId });
  const lines = rows.slice(1, -3);
  expect(lines).toHaveLength(statement.lines.length);
  expect(lines.length).toBeGreaterThan(0);
  for (const [i, line] of lines.entries()) {
    const expected = statement.lines[i]!;
    expect(line[0]).toBe(expected.orderNo);
    expect(line[3]).toBe(labelOf('orderStatus', expected.orderStatus));
    expect(line[1]).toBe(expected.service.titleZh);
    expect([line[4], line[5], line[6], line[8], line[9]].map((v) => fen(v!))).toEqual([
      expected.grossFen,
      expected.refundFen,
      expected.netFen,
      expected.platformFen,
      expected.merchantFen,
    ]);
  }
  const [total, carried, payout] = rows.slice(-3);
  expect(total![0]).toBe('合计');
  expect(fen(total![4]!)).toBe(statement.grossFen);
  expect(fen(total![9]!)).toBe(statement.merchantFen);
  expect(fen(total![9]!)).toBe(statement.lines.reduce((s, l) => s + l.merchantFen, 0));
  expect(fen(carried![9]!)).toBe(statement.carriedInFen);
  expect(fen(payout![9]!)).toBe(statement.payoutFen);
});

it('refuses staff, residents, strangers and other merchants, writing nothing', async () => {
  expect((await csvOf(statementId)).status).toBe(401);
  expect((await csvOf(statementId, 'not-a-token')).status).toBe(401);
  expect((await csvOf(statementId, tokens.staff)).status).toBe(403);
  expect((await csvOf(statementId, tokens.resident)).status).toBe(403);
  expect((await csvOf(statementId, tokens.otherOwner)).status).toBe(404);
  expect((await csvOf(otherStatementId, tokens.otherOwner)).status).toBe(200);
  expect((await csvOf('not-a-uuid', tokens.owner)).status).toBe(400);
});
