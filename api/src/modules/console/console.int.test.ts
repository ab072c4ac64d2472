import { auditLog, merchants as merchantsTable, orders, statements, users } from '@cgp/db';
import { TRPCError } from '@trpc/server';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bookSlot,
  callerFor,
  createTestDeps,
  payOrder,
  slotStartsIn,
  type TestDeps,
} from '../../testing';

let deps: TestDeps;
beforeAll(async () => {
  deps = await createTestDeps();
});
afterAll(() => deps.teardown());

type Market = Awaited<ReturnType<TestDeps['factories']['createMarketplace']>>;

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: unknown) => (e instanceof TRPCError ? e.code : String(e)),
  );

/** A paid order walked to `completed` by the merchant. */
async function completedOrder(market: Market, quantity = 1) {
  const slot = await deps.factories.createSlot({ serviceId: market.service.id, capacity: 50 });
  const order = await bookSlot(deps, market.resident.id, slot.id, { quantity });
  await payOrder(deps, order.id);
  await slotStartsIn(deps, slot.id, 10);
  const merchant = await callerFor(deps, market.owner.id);
  for (const step of ['accept', 'start', 'complete'] as const)
    await merchant.merchant.orders[step]({ id: order.id });
  return order;
}

async function confirmedOrder(market: Market, quantity = 1) {
  const order = await completedOrder(market, quantity);
  await (await callerFor(deps, market.resident.id)).order.confirm({ id: order.id });
  return order;
}

async function disputedOrder(market: Market) {
  const order = await completedOrder(market);
  await (
    await callerFor(deps, market.resident.id)
  ).order.dispute({
    id: order.id,
    reason: '保洁没有做完，厨房还很脏',
  });
  return order;
}

/** Settlement only takes merchants that can receive transfers; no transfer is made in these tests. */
async function onboard(market: Market) {
  await deps.db
    .update(merchantsTable)
    .set({ stripeAccountId: `acct_test_${market.merchant.id.slice(0, 8)}`, payoutsEnabled: true })
    .where(eq(merchantsTable.id, market.merchant.id));
}

async function companyStaff(market: Market) {
  const f = deps.factories;
  return {
    ops: await f.createPropertyUser(market.community.companyId, 'property_ops'),
    auditor: await f.createPropertyUser(market.community.companyId, 'property_auditor'),
  };
}

const wideRange = () => ({
  from: new Date(Date.now() - 86_400_000).toISOString(),
  to: new Date(Date.now() + 86_400_000).toISOString(),
});

describe('console authorization', () => {
  it('refuses every mutation to auditors, residents, merchants and anonymous callers', async () => {
    const market = await deps.factories.createMarketplace();
    const { auditor } = await companyStaff(market);
    const order = await disputedOrder(market);
    const confirmed = await confirmedOrder(market);
    const [anyStatement] = await deps.db.select({ id: statements.id }).from(statements).limit(1);
    const statementId = anyStatement?.id ?? '00000000-0000-4000-8000-000000000000';

    const mutations = (c: Awaited<ReturnType<typeof callerFor>>) => ({
      setMerchantStatus: () =>
        c.console.setMerchantStatus({ merchantId: market.merchant.id, status: 'suspended' }),
      runNow: () => c.settlement.runNow(),
      retryPayout: () => c.settlement.retryPayout({ id: statementId }),
      createCommission: () =>
        c.commission.create({
          scope: { kind: 'company' },
          platformBps: 100,
          effectiveFrom: new Date().toISOString(),
        }),
      resolveDispute: () =>
        c.ops.resolveDispute({ orderId: order.id, outcome: 'confirm', note: '核实完成' }),
      refundOrder: () =>
        c.ops.refundOrder({ orderId: confirmed.id, amountFen: 100, reason: '补偿' }),
    });

    const callers = {
      property_auditor: { caller: await callerFor(deps, auditor.id), code: 'FORBIDDEN' },
      resident: { caller: await callerFor(deps, market.resident.id), code: 'FORBIDDEN' },
      merchant_staff: { caller: await callerFor(deps, market.owner.id), code: 'FORBIDDEN' },
      anonymous: { caller: await callerFor(deps), code: 'UNAUTHORIZED' },
    };
    for (const [who, { caller, code }] of Object.entries(callers)) {
      for (const [name, call] of Object.entries(mutations(caller))) {
        expect(`${who} ${name}: ${await codeOf(call())}`).toBe(`${who} ${name}: ${code}`);
      }
    }
    // Nothing was written: the merchant, the dispute and the audit log are as they were.
    const ops = await callerFor(deps, (await companyStaff(market)).ops.id);
    const merchants = await ops.console.merchants();
    expect(merchants.items.find((m) => m.id === market.merchant.id)?.status).toBe('approved');
    expect((await ops.console.disputes({ status: 'open' })).items.map((d) => d.orderId)).toContain(
      order.id,
    );
    expect((await ops.console.auditLog({})).items).toEqual([]);

    // Residents and merchants cannot read the console either.
    for (const who of ['resident', 'merchant_staff'] as const) {
      expect(await codeOf(callers[who].caller.console.orders(wideRange()))).toBe('FORBIDDEN');
      expect(await codeOf(callers[who].caller.console.auditLog({}))).toBe('FORBIDDEN');
    }
  });

  it('lets ops make every change, each recorded in the audit log the auditor reads', async () => {
    const market = await deps.factories.createMarketplace();
    await onboard(market);
    const { ops, auditor } = await companyStaff(market);
    const opsCaller = await callerFor(deps, ops.id);
    const auditorCaller = await callerFor(deps, auditor.id);
    const disputed = await disputedOrder(market);
    const confirmed = await confirmedOrder(market, 2);

    const open = await auditorCaller.console.disputes({ status: 'open' });
    expect(open.items).toEqual([
      expect.objectContaining({
        orderId: disputed.id,
        reason: '保洁没有做完，厨房还很脏',
        merchantName: market.merchant.name,
      }),
    ]);
    await opsCaller.ops.resolveDispute({
      orderId: disputed.id,
      outcome: 'confirm',
      note: '已核实',
    });
    expect((await auditorCaller.console.disputes({ status: 'open' })).items).toEqual([]);
    expect((await auditorCaller.console.disputes({ status: 'resolved' })).items).toEqual([
      expect.objectContaining({ orderId: disputed.id, resolution: '已核实' }),
    ]);

    await opsCaller.ops.refundOrder({ orderId: confirmed.id, amountFen: 1000, reason: '服务补偿' });
    await opsCaller.commission.create({
      scope: { kind: 'merchant', merchantId: market.merchant.id },
      platformBps: 2500,
      effectiveFrom: new Date(Date.now() + 3_600_000).toISOString(),
    });
    const run = await opsCaller.settlement.runNow();
    expect(run.statements).toHaveLength(1);
    const statementId = run.statements[0]!.id;
    await deps.db
      .update(statements)
      .set({ status: 'failed', failureReason: 'test' })
      .where(eq(statements.id, statementId));
    expect(await opsCaller.settlement.retryPayout({ id: statementId })).toMatchObject({
      status: 'pending',
    });
    await opsCaller.console.setMerchantStatus({
      merchantId: market.merchant.id,
      status: 'suspended',
    });
    expect(
      (await auditorCaller.console.merchants()).items.find((m) => m.id === market.merchant.id),
    ).toMatchObject({ status: 'suspended', earnedOrders: 2 });

    const log = await auditorCaller.console.auditLog({});
    expect(log.items.map((a) => a.action)).toEqual([
      'merchant.suspend',
      'settlement.retryPayout',
      'settlement.runNow',
      'commission.create',
      'ops.refundOrder',
      'ops.resolveDispute',
    ]);
    expect(log.items.every((a) => a.actorId === ops.id && a.actorRole === 'property_ops')).toBe(
      true,
    );
    expect(log.items[0]).toMatchObject({
      subjectType: 'merchant',
      subjectId: market.merchant.id,
      before: { status: 'approved' },
      after: { status: 'suspended' },
    });
    const filtered = await auditorCaller.console.auditLog({ action: 'settlement.runNow' });
    expect(filtered.items).toHaveLength(1);
    const paged = await auditorCaller.console.auditLog({ limit: 4 });
    const rest = await auditorCaller.console.auditLog({ limit: 4, cursor: paged.nextCursor! });
    expect([...paged.items, ...rest.items].map((a) => a.id)).toEqual(log.items.map((a) => a.id));
    expect(rest.nextCursor).toBeNull();

    // The drill-down: orders of the range tie out to the revenue share, and one order shows its
    // journal entries (balanced), its refund and the statement that settled it.
    const range = wideRange();
    const share = await auditorCaller.audit.revenueShare({ ...range, groupBy: 'merchant' });
    const rows = await auditorCaller.console.orders({ ...range, merchantId: market.merchant.id });
    expect(rows.items.map((o) => o.id).sort()).toEqual([confirmed.id, disputed.id].sort());
    expect(rows.items.reduce((s, o) => s + (o.platformFen ?? 0), 0)).toBe(
      share.rows.find((r) => r.key === market.merchant.id)!.platformFen,
    );
    expect(rows.items.every((o) => o.statementId === statementId)).toBe(true);
    // Resident and service names come with each order, and a clerk finds an order by its number,
    // the resident's phone (or its last digits) or part of the resident's name.
    const [residentRow] = await deps.db
      .select({ phone: users.phone, name: users.displayName })
      .from(users)
      .where(eq(users.id, market.resident.id));
    expect(rows.items[0]).toMatchObject({ residentName: residentRow!.name });
    expect(rows.items[0]!.serviceTitleZh).toBeTruthy();
    const found = async (q: string) =>
      (await auditorCaller.console.orders({ ...range, q })).items.map((o) => o.id).sort();
    expect(await found(confirmed.orderNo)).toEqual([confirmed.id]);
    expect(await found(residentRow!.phone)).toEqual([confirmed.id, disputed.id].sort());
    expect(await found(residentRow!.phone.slice(-4))).toEqual([confirmed.id, disputed.id].sort());
    expect(await found(residentRow!.name.slice(1))).toEqual([confirmed.id, disputed.id].sort());
    expect(await found('没有这个人%')).toEqual([]);
    const detail = await auditorCaller.console.order({ id: confirmed.id });
    expect(detail.order).toMatchObject({ grossFen: 10_000, refundFen: 1000, netFen: 9000 });
    expect(detail.refunds).toEqual([expect.objectContaining({ amountFen: 1000 })]);
    expect(detail.journalEntries.map((e) => e.kind)).toEqual(['payment', 'earning', 'refund']);
    for (const entry of detail.journalEntries) {
      expect(entry.postings.reduce((s, p) => s + p.amountFen, 0)).toBe(0);
    }
    expect(detail.statementLine).toMatchObject({
      statementId,
      merchantFen: detail.order.merchantFen,
      statement: { id: statementId, status: 'pending' },
    });
    // This merchant keeps no workers, so acceptance dispatches nobody and records no assignment.
    expect(detail.events.filter((e) => e.kind === 'assign')).toEqual([]);
    expect(detail.events.filter((e) => e.kind === 'status').map((e) => e.to)).toEqual([
      'pending_payment',
      'paid',
      'accepted',
      'in_service',
      'completed',
      'confirmed',
      'settled',
    ]);
  });
});

describe('console tenancy', () => {
  it("answers NOT_FOUND for another company's orders, merchants, disputes and statements", async () => {
    const a = await deps.factories.createMarketplace();
    const b = await deps.factories.createMarketplace();
    await onboard(a);
    const staffA = await companyStaff(a);
    const { ops: opsB, auditor: auditorB } = await companyStaff(b);
    const disputedA = await disputedOrder(a);
    const confirmedA = await confirmedOrder(a);
    const run = await (await callerFor(deps, staffA.ops.id)).settlement.runNow();
    const statementA = run.statements[0]!.id;
    await deps.db.update(statements).set({ status: 'failed' }).where(eq(statements.id, statementA));

    const ob = await callerFor(deps, opsB.id);
    const ab = await callerFor(deps, auditorB.id);
    expect(await codeOf(ab.console.order({ id: confirmedA.id }))).toBe('NOT_FOUND');
    expect(await codeOf(ab.settlement.statement({ id: statementA }))).toBe('NOT_FOUND');
    expect(
      await codeOf(
        ob.console.setMerchantStatus({ merchantId: a.merchant.id, status: 'suspended' }),
      ),
    ).toBe('NOT_FOUND');
    expect(await codeOf(ob.settlement.retryPayout({ id: statementA }))).toBe('NOT_FOUND');
    expect(
      await codeOf(ob.ops.refundOrder({ orderId: confirmedA.id, amountFen: 100, reason: '越权' })),
    ).toBe('NOT_FOUND');
    expect(
      await codeOf(
        ob.ops.resolveDispute({ orderId: disputedA.id, outcome: 'refund', note: '越权' }),
      ),
    ).toBe('NOT_FOUND');

    // Lists simply do not show the other company.
    expect((await ab.console.orders(wideRange())).items).toEqual([]);
    expect((await ab.console.disputes({ status: 'open' })).items).toEqual([]);
    expect((await ab.console.merchants()).items.map((m) => m.id)).toEqual([b.merchant.id]);
    expect((await ab.console.auditLog({})).items).toEqual([]);

    // And nothing of company A changed.
    const [orderA] = await deps.db.select().from(orders).where(eq(orders.id, confirmedA.id));
    expect(orderA).toMatchObject({ refundFen: 0, status: 'settled' });
    const logA = await deps.db
      .select({ action: auditLog.action })
      .from(auditLog)
      .where(eq(auditLog.companyId, a.community.companyId));
    expect(logA.map((r) => r.action)).toEqual(['settlement.runNow']);
  });
});

describe('commission rules', () => {
  it('a rule changed mid-way applies only to orders paid after it took effect', async () => {
    const market = await deps.factories.createMarketplace();
    const { ops, auditor } = await companyStaff(market);
    const opsCaller = await callerFor(deps, ops.id);
    const slot = await deps.factories.createSlot({ serviceId: market.service.id, capacity: 50 });

    // Booked before any rule, paid under the default 30%.
    const before = await bookSlot(deps, market.resident.id, slot.id);
    await payOrder(deps, before.id);
    // Booked before the change but paid after it: the rule in force at payment counts.
    const bookedEarly = await bookSlot(deps, market.resident.id, slot.id);
    await opsCaller.commission.create({
      scope: { kind: 'merchant', merchantId: market.merchant.id },
      platformBps: 1500,
      effectiveFrom: new Date(Date.now() - 1000).toISOString(),
    });
    // A rule that starts tomorrow changes nothing today.
    await opsCaller.commission.create({
      scope: { kind: 'merchant', merchantId: market.merchant.id },
      platformBps: 9000,
      effectiveFrom: new Date(Date.now() + 86_400_000).toISOString(),
    });
    await payOrder(deps, bookedEarly.id);
    const after = await bookSlot(deps, market.resident.id, slot.id);
    await payOrder(deps, after.id);

    const bps = async (id: string) =>
      (await deps.db.select().from(orders).where(eq(orders.id, id)))[0]!.platformBps;
    expect(await bps(before.id)).toBe(3000);
    expect(await bps(bookedEarly.id)).toBe(1500);
    expect(await bps(after.id)).toBe(1500);

    // Once earned, the shares follow the frozen rates: 30% of ¥50 and 15% of ¥50.
    await slotStartsIn(deps, slot.id, 10);
    const merchant = await callerFor(deps, market.owner.id);
    const resident = await callerFor(deps, market.resident.id);
    for (const id of [before.id, after.id]) {
      for (const step of ['accept', 'start', 'complete'] as const)
        await merchant.merchant.orders[step]({ id });
      await resident.order.confirm({ id });
    }
    const rows = await (
      await callerFor(deps, auditor.id)
    ).console.orders({ ...wideRange(), merchantId: market.merchant.id });
    const byId = new Map(rows.items.map((o) => [o.id, o]));
    expect(byId.get(before.id)).toMatchObject({ platformBps: 3000, platformFen: 1500 });
    expect(byId.get(after.id)).toMatchObject({ platformBps: 1500, platformFen: 750 });
    const rules = await (await callerFor(deps, auditor.id)).commission.list();
    expect(rules.items.map((r) => r.platformBps)).toEqual([9000, 1500]);
  });
});
