import { appRouter, createCaller, createContextInner } from '@cgp/api';
import { createPaymentTestDeps, tokenFor, type PaymentTestDeps } from '@cgp/api/testing';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, expect, it } from 'vitest';

type Role = 'anonymous' | 'resident' | 'owner' | 'staff' | 'auditor' | 'ops';

const SIGNED_IN: Role[] = ['resident', 'owner', 'staff', 'auditor', 'ops'];
const RESIDENT: Role[] = ['resident'];
const MERCHANT: Role[] = ['owner', 'staff'];
const OWNER: Role[] = ['owner'];
const PROPERTY: Role[] = ['auditor', 'ops'];
const OPS: Role[] = ['ops'];

/**
 * Who may call each procedure. Every procedure of the router must be here: a new one without an
 * entry fails the test, so nobody ships an endpoint without deciding who may use it.
 */
const WHO_MAY: Record<string, Role[]> = {
  'auth.login': ['anonymous', ...SIGNED_IN],
  'auth.logout': SIGNED_IN,
  'auth.me': SIGNED_IN,
  'catalog.services': SIGNED_IN,
  'catalog.service': SIGNED_IN,
  'catalog.slots': SIGNED_IN,
  'booking.create': RESIDENT,
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
  'payment.checkout': RESIDENT,
  'merchant.orders.list': MERCHANT,
  'merchant.orders.get': MERCHANT,
  'merchant.orders.accept': MERCHANT,
  'merchant.orders.reject': MERCHANT,
  'merchant.orders.start': MERCHANT,
  'merchant.orders.complete': MERCHANT,
  'merchant.orders.cancel': MERCHANT,
  'merchant.orders.live': MERCHANT,
  'merchant.orders.assign': OWNER,
  'merchant.workers.list': OWNER,
  'merchant.workers.create': OWNER,
  'merchant.workers.update': OWNER,
  'merchant.profile': MERCHANT,
  'merchant.services.list': MERCHANT,
  'merchant.services.get': MERCHANT,
  'merchant.services.create': OWNER,
  'merchant.services.update': OWNER,
  'merchant.services.setActive': OWNER,
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
  'merchant.statements.list': OWNER,
  'merchant.statements.get': OWNER,
  'settlement.runNow': OPS,
  'settlement.retryPayout': OPS,
  'settlement.statements': PROPERTY,
  'settlement.statement': PROPERTY,
  'audit.invariants': PROPERTY,
  'audit.reconciliation': PROPERTY,
  'audit.revenueShare': PROPERTY,
  'commission.list': PROPERTY,
  'commission.create': OPS,
  'ops.resolveDispute': OPS,
  'ops.refundOrder': OPS,
  'console.orders': PROPERTY,
  'console.order': PROPERTY,
  'console.disputes': PROPERTY,
  'console.merchants': PROPERTY,
  'console.setMerchantStatus': OPS,
  'console.auditLog': PROPERTY,
  'quality.kpis': PROPERTY,
  'quality.kpiOrders': PROPERTY,
  'quality.callbacks.list': PROPERTY,
  'quality.callbacks.record': OPS,
  'quality.tickets.list': PROPERTY,
  'quality.tickets.resolve': OPS,
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
  users.auditor = (await f.createPropertyUser(market.community.companyId, 'property_auditor')).id;
  users.ops = (await f.createPropertyUser(market.community.companyId, 'property_ops')).id;
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
