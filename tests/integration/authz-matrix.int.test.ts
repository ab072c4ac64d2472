import { appRouter, businessDateOf, createCaller, createContextInner, postEntry } from '@cgp/api';
import {
  callerFor,
  createPaymentTestDeps,
  seedEligibleOrders,
  tokenFor,
  type PaymentTestDeps,
} from '@cgp/api/testing';
import { statements, workers } from '@cgp/db';
import { eq, sql } from 'drizzle-orm';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

type Role = 'anonymous' | 'resident' | 'owner' | 'staff' | 'auditor' | 'ops' | 'admin';

/** Everyone who signs in, the platform operator (`admin`) included. */
const SIGNED_IN: Role[] = ['resident', 'owner', 'staff', 'auditor', 'ops', 'admin'];
/** The people of the marketplace: everyone but the platform operator. */
const MARKET: Role[] = ['resident', 'owner', 'staff', 'auditor', 'ops'];
const RESIDENT: Role[] = ['resident'];
const MERCHANT: Role[] = ['owner', 'staff'];
const OWNER: Role[] = ['owner'];
/** The staff member below is also a worker (服务人员); the owner is not one. */
const WORKER: Role[] = ['staff'];
const PROPERTY: Role[] = ['auditor', 'ops'];
const OPS: Role[] = ['ops'];
/** Property staff (their company's scope) and the operator (the deployment's). */
const OPERATOR_OR_PROPERTY: Role[] = ['auditor', 'ops', 'admin'];

/**
 * Who may call each procedure. Every procedure of the router must be here: a new one without an
 * entry fails the test, so nobody ships an endpoint without deciding who may use it.
 */
const WHO_MAY: Record<string, Role[]> = {
  'auth.login': ['anonymous', ...SIGNED_IN],
  'auth.logout': SIGNED_IN,
  'auth.me': SIGNED_IN,
  'auth.changePassword': SIGNED_IN,
  'catalog.services': MARKET,
  'catalog.service': MARKET,
  'catalog.slots': MARKET,
  'catalog.menu': MARKET,
  'booking.create': RESIDENT,
  'booking.onDemandOffer': RESIDENT,
  'order.list': RESIDENT,
  'order.get': RESIDENT,
  'order.cancel': RESIDENT,
  'order.confirm': RESIDENT,
  'order.dispute': RESIDENT,
  'order.review': RESIDENT,
  'order.live': RESIDENT,
  'me.messages.list': RESIDENT,
  'me.messages.unread': RESIDENT,
  'me.messages.read': RESIDENT,
  'me.family.list': RESIDENT,
  'me.family.create': RESIDENT,
  'me.family.update': RESIDENT,
  'me.family.remove': RESIDENT,
  'me.addresses.list': RESIDENT,
  'me.addresses.units': RESIDENT,
  'me.serviceDesk': RESIDENT,
  'payment.checkout': RESIDENT,
  'merchant.orders.list': MERCHANT,
  'merchant.orders.get': MERCHANT,
  'merchant.orders.accept': MERCHANT,
  'merchant.orders.reject': MERCHANT,
  'merchant.orders.start': MERCHANT,
  'merchant.orders.complete': MERCHANT,
  'merchant.orders.cancel': MERCHANT,
  'merchant.orders.live': MERCHANT,
  'merchant.orders.stateDispute': MERCHANT,
  'merchant.orders.assign': OWNER,
  'merchant.workers.list': OWNER,
  'merchant.workers.create': OWNER,
  'merchant.workers.update': OWNER,
  'worker.tasks.list': WORKER,
  'worker.tasks.arrive': WORKER,
  'worker.tasks.complete': WORKER,
  'merchant.profile': MERCHANT,
  'merchant.services.list': MERCHANT,
  'merchant.services.get': MERCHANT,
  'merchant.services.create': OWNER,
  'merchant.services.update': OWNER,
  'merchant.services.setActive': OWNER,
  'merchant.dishes.list': MERCHANT,
  'merchant.dishes.create': OWNER,
  'merchant.dishes.update': OWNER,
  'merchant.dishes.setAvailable': OWNER,
  'merchant.dishes.remove': OWNER,
  'merchant.schedule.slots': MERCHANT,
  'merchant.schedule.previewTemplate': OWNER,
  'merchant.schedule.applyTemplate': OWNER,
  'merchant.schedule.setCapacity': OWNER,
  'merchant.schedule.closeDay': OWNER,
  'merchant.reviews.list': MERCHANT,
  'merchant.reviews.reply': MERCHANT,
  'merchant.quality.kpis': MERCHANT,
  'merchant.connect.status': OWNER,
  'merchant.connect.onboard': OWNER,
  'merchant.earnings': OWNER,
  'merchant.earningsByDay': OWNER,
  'merchant.statements.list': OWNER,
  'merchant.statements.get': OWNER,
  'settlement.runNow': OPS,
  'settlement.retryPayout': OPS,
  'settlement.jobState': PROPERTY,
  'settlement.statements': PROPERTY,
  'settlement.statement': PROPERTY,
  'audit.invariants': OPERATOR_OR_PROPERTY,
  'audit.reconciliation': OPERATOR_OR_PROPERTY,
  'audit.reconcile': OPERATOR_OR_PROPERTY,
  'audit.revenueShare': PROPERTY,
  'commission.list': PROPERTY,
  'commission.create': OPS,
  'commission.update': OPS,
  'commission.end': OPS,
  'commission.preview': OPS,
  'ops.resolveDispute': OPS,
  'ops.refundOrder': OPS,
  'ops.refunds.list': OPERATOR_OR_PROPERTY,
  'ops.refunds.retry': OPS,
  'console.kpis': OPERATOR_OR_PROPERTY,
  'console.trends': OPERATOR_OR_PROPERTY,
  'console.orders': PROPERTY,
  'console.order': PROPERTY,
  'console.disputes': PROPERTY,
  'console.dispute': PROPERTY,
  'console.disputeRefundPreview': PROPERTY,
  'console.merchants': PROPERTY,
  'console.setMerchantStatus': OPS,
  'console.serviceDesk.get': PROPERTY,
  'console.serviceDesk.set': OPS,
  'console.auditLog': PROPERTY,
  'console.breachAlerts': OPS,
  'console.acknowledgeBreaches': OPS,
  'quality.kpis': PROPERTY,
  'quality.kpiOrders': PROPERTY,
  'quality.callbacks.list': PROPERTY,
  'quality.callbacks.record': OPS,
  'quality.tickets.list': PROPERTY,
  'quality.tickets.resolve': OPS,
  'quality.surveys.communities': PROPERTY,
  'quality.surveys.list': PROPERTY,
  'quality.surveys.results': PROPERTY,
  'quality.surveys.create': OPS,
  'me.surveys.list': RESIDENT,
  'me.surveys.answer': RESIDENT,
};

let deps: PaymentTestDeps;
const users = {} as Record<Exclude<Role, 'anonymous'>, string>;
beforeAll(async () => {
  deps = await createPaymentTestDeps();
  const f = deps.factories;
  const market = await f.createMarketplace();
  users.resident = market.resident.id;
  users.owner = market.owner.id;
  users.staff = (await f.createMerchantStaff(market.merchant.id, 'staff')).id;
  await deps.db
    .insert(workers)
    .values({ merchantId: market.merchant.id, userId: users.staff, categories: ['housekeeping'] });
  users.auditor = (await f.createPropertyUser(market.community.companyId, 'property_auditor')).id;
  users.ops = (await f.createPropertyUser(market.community.companyId, 'property_ops')).id;
  users.admin = (await f.createPlatformAdmin()).id;
});
afterAll(() => deps.teardown());

/** Resolves `a.b.c` on a caller to the procedure function. */
function procedureOf(caller: unknown, path: string): (input?: unknown) => Promise<unknown> {
  return path
    .split('.')
    .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller) as (
    input?: unknown,
  ) => Promise<unknown>;
}

/**
 * Calls with an empty input: a refused role is stopped before the input is even read; an allowed
 * one gets past the door (and then a validation error, a not-found, or an answer — all fine here).
 */
async function outcome(
  role: Role,
  path: string,
): Promise<'allowed' | 'UNAUTHORIZED' | 'FORBIDDEN'> {
  const token = role === 'anonymous' ? null : await tokenFor(deps, users[role]);
  const caller = createCaller(await createContextInner({ deps, token }));
  try {
    const result = await procedureOf(caller, path)({});
    // A subscription hands back a stream once its middleware let the caller in; do not consume it.
    const stream = result as { return?: () => unknown } | null;
    if (stream && typeof stream.return === 'function') await stream.return();
    return 'allowed';
  } catch (error) {
    if (
      error instanceof TRPCError &&
      (error.code === 'UNAUTHORIZED' || error.code === 'FORBIDDEN')
    ) {
      return error.code;
    }
    if (error instanceof TRPCError && error.code === 'INTERNAL_SERVER_ERROR') {
      throw new Error(`${path} as ${role} failed with a 5xx: ${error.message}`, { cause: error });
    }
    return 'allowed';
  }
}

it('declares who may call every procedure, and the router enforces exactly that', async () => {
  const procedures = Object.keys(
    (appRouter as unknown as { _def: { procedures: Record<string, unknown> } })._def.procedures,
  );
  expect(procedures.filter((p) => !(p in WHO_MAY))).toEqual([]);
  expect(Object.keys(WHO_MAY).filter((p) => !procedures.includes(p))).toEqual([]);

  const mismatches: string[] = [];
  for (const path of procedures) {
    for (const role of ['anonymous', ...SIGNED_IN] as Role[]) {
      const expected = WHO_MAY[path]!.includes(role)
        ? 'allowed'
        : role === 'anonymous'
          ? 'UNAUTHORIZED'
          : 'FORBIDDEN';
      const actual = await outcome(role, path);
      if (actual !== expected)
        mismatches.push(`${path} as ${role}: expected ${expected}, got ${actual}`);
    }
  }
  expect(mismatches).toEqual([]);
}, 120_000);

describe('two companies: each property role sees and moves only its own company', () => {
  it('scopes settlement runs, payouts, job state, invariants and reconciliation findings', async () => {
    const f = deps.factories;
    const [a, b] = [
      await seedEligibleOrders(deps.db, { merchants: 2, orders: 6 }),
      await seedEligibleOrders(deps.db, { merchants: 1, orders: 3 }),
    ];
    const staff = async (companyId: string) => ({
      auditor: await callerFor(
        deps,
        (await f.createPropertyUser(companyId, 'property_auditor')).id,
      ),
      ops: await callerFor(deps, (await f.createPropertyUser(companyId, 'property_ops')).id),
    });
    const [ofA, ofB] = [await staff(a.companyId), await staff(b.companyId)];
    const admin = await callerFor(deps, (await f.createPlatformAdmin()).id);

    // A's ops settles A's merchants only; B's orders wait for B.
    const runA = await ofA.ops.settlement.runNow();
    expect(runA.statements).toHaveLength(2);
    const listedByB = await ofB.auditor.settlement.statements({ limit: 100 });
    expect(listedByB.items).toEqual([]);
    expect((await ofA.auditor.settlement.statements({ limit: 100 })).items).toHaveLength(2);
    const aStatement = (await ofA.auditor.settlement.statements({ limit: 100 })).items[0]!;
    await expect(ofB.auditor.settlement.statement({ id: aStatement.id })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(ofB.ops.settlement.retryPayout({ id: aStatement.id })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(runA.statements.every((st) => a.merchantIds.includes(st.merchantId))).toBe(true);

    // Job state: A's failed payout is A's to see and retry; B sees none of it.
    await deps.db
      .update(statements)
      .set({ status: 'failed', failureReason: 'card_declined' })
      .where(eq(statements.id, aStatement.id));
    const jobsA = await ofA.auditor.settlement.jobState();
    expect(jobsA.settlementRuns).toHaveLength(1);
    expect(jobsA.failedPayouts.map((p) => p.statementId)).toEqual([aStatement.id]);
    const jobsB = await ofB.auditor.settlement.jobState();
    expect(jobsB).toEqual({
      settlementRuns: [],
      payouts: [],
      failedPayouts: [],
      failedRefunds: [],
    });

    // Invariants: a paid statement with no payout in the ledger breaks A's books, not B's.
    await deps.db
      .update(statements)
      .set({ status: 'paid', transferId: 'tr_scope_test', paidAt: sql`now()` })
      .where(eq(statements.id, aStatement.id));
    expect((await ofA.auditor.audit.invariants()).ok).toBe(false);
    expect((await ofB.auditor.audit.invariants()).checks.filter((c) => !c.ok)).toEqual([]);
    expect((await admin.audit.invariants()).ok).toBe(false);

    // Reconciliation: a payout booked without its processor transaction is a finding of the
    // payout's company (and the operator's) alone; a company with none sees its day reconciled.
    const runB = await ofB.ops.settlement.runNow();
    const bStatement = (await ofB.auditor.settlement.statements({ limit: 10 })).items[0]!;
    expect(runB.statements).toHaveLength(1);
    for (const [statementId, fen] of [
      [aStatement.id, 111],
      [bStatement.id, 222],
    ] as const) {
      await deps.db.transaction((tx) =>
        postEntry(tx, {
          kind: 'payout',
          idempotencyKey: `scope-test:${statementId}`,
          statementId,
          lines: [
            { account: 'cash:stripe', amountFen: -fen },
            { account: 'clearing:payouts', amountFen: fen },
          ],
        }),
      );
    }
    const today = businessDateOf(new Date(), deps.env.TZ_BUSINESS);
    const period = { from: today, to: today };
    const forOperator = await admin.audit.reconcile(period);
    const [forA, forB] = [
      await ofA.auditor.audit.reconciliation(period),
      await ofB.ops.audit.reconciliation(period),
    ];
    const statementsOf = (r: typeof forA) => r.findings.map((x) => x.statementId);
    expect(statementsOf(forA)).toEqual([aStatement.id]);
    expect(forA.findings[0]!.detailZh).toBe('账本中的一笔结算付款 ¥1.11 没有对应的支付通道流水');
    expect(statementsOf(forB)).toEqual([bStatement.id]);
    expect(forB.days[0]).toMatchObject({ status: 'differences', findings: 1, entries: 1 });
    expect(statementsOf(forOperator)).toEqual(
      expect.arrayContaining([aStatement.id, bStatement.id]),
    );
    expect(forOperator.days[0]!.findings).toBeGreaterThanOrEqual(2);
    // A company with nothing that day is told its day is reconciled, not the others' figures.
    const ofC = await staff((await f.createCompany()).id);
    expect((await ofC.auditor.audit.reconciliation(period)).days[0]).toMatchObject({
      status: 'reconciled',
      findings: 0,
      entries: 0,
      balanceTransactions: 0,
    });
    expect((await ofC.auditor.audit.reconciliation(period)).findings).toEqual([]);
  });
});
