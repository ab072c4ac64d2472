import {
  createPaymentTestDeps,
  orderSlotStartsIn,
  serveWithPayments,
  tokenFor,
  type PaymentTestDeps,
} from '@cgp/api/testing';
import { merchants, orders, statementLines, statements } from '@cgp/db';
import { createTRPCClient, httpLink } from '@trpc/client';
import type { AppRouter } from '@cgp/api/client';
import { eq, inArray } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';

let deps: PaymentTestDeps;
let api: Awaited<ReturnType<typeof serveWithPayments>>;
beforeAll(async () => {
  deps = await createPaymentTestDeps();
  api = await serveWithPayments(deps);
});
afterAll(async () => {
  await api.close();
  await deps.teardown();
});

/** A typed client over real HTTP, signed in as `userId`. */
async function clientFor(userId: string) {
  const token = await tokenFor(deps, userId);
  return createTRPCClient<AppRouter>({
    links: [httpLink({ url: `${api.url}/trpc`, headers: { authorization: `Bearer ${token}` } })],
  });
}

async function post(url: string, body: string) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
  expect(res.status).toBeLessThan(400);
}

async function until(check: () => Promise<boolean>, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('timed out');
}

it('settles odd amounts, refunds before and after confirmation and an open dispute to the fen', async () => {
  const f = deps.factories;
  const community = await f.createCommunity();
  const resident = await f.createResident({ community });
  const ops = await f.createPropertyUser(community.companyId, 'property_ops');
  // Odd amounts that round every way, all above the processor's minimum charge (¥4.00).
  const prices = [401, 403, 407, 733, 999, 12_345];
  const shops = [];
  for (let m = 0; m < 3; m++) {
    const merchant = await f.createMerchant({
      companyId: community.companyId,
      communityIds: [community.id],
      name: `商户${m}`,
    });
    const owner = await f.createMerchantStaff(merchant.id, 'owner');
    const service = await f.createService({
      merchantId: merchant.id,
      communityIds: [community.id],
      priceFen: prices[m * 2]!,
      minQuantity: 1,
      maxQuantity: 9,
      pricingUnit: 'per_visit',
    });
    const expensive = await f.createService({
      merchantId: merchant.id,
      communityIds: [community.id],
      priceFen: prices[m * 2 + 1]!,
      minQuantity: 1,
      maxQuantity: 9,
      pricingUnit: 'per_visit',
      freeCancelMinutes: 10_000, // always past the free window: cancelling keeps a fee
      lateCancelFeeBps: 3333,
    });
    // Onboarding through the product: Connect account, hosted link, account.updated webhook.
    const asOwner = await clientFor(owner.id);
    const { url } = await asOwner.merchant.connect.onboard.mutate();
    await post(url, 'outcome=completed');
    await until(
      async () =>
        (await deps.db.select().from(merchants).where(eq(merchants.id, merchant.id)))[0]!
          .payoutsEnabled,
    );
    shops.push({ merchant, owner, asOwner, services: [service, expensive] });
  }

  const asResident = await clientFor(resident.id);
  const asOps = await clientFor(ops.id);
  const placed: { id: string; shop: (typeof shops)[number]; late: boolean }[] = [];
  for (let i = 0; i < 50; i++) {
    const shop = shops[i % 3]!;
    const late = i % 5 === 4;
    const service = shop.services[late ? 1 : i % 2]!;
    const slot = await f.createSlot({
      serviceId: service.id,
      capacity: 20,
      startsInMinutes: 24 * 60 + i,
    });
    const order = await asResident.booking.create.mutate({
      slotId: slot.id,
      quantity: 1 + (i % 7),
      idempotencyKey: randomUUID(),
    });
    const { url } = await asResident.payment.checkout.mutate({ orderId: order.id });
    await post(url, 'outcome=succeeded');
    placed.push({ id: order.id, shop, late });
  }
  await until(async () => {
    const rows = await deps.db
      .select({ status: orders.status })
      .from(orders)
      .where(
        inArray(
          orders.id,
          placed.map((p) => p.id),
        ),
      );
    return rows.every((r) => r.status === 'paid');
  }, 30_000);

  let disputed = '';
  for (const [i, p] of placed.entries()) {
    if (p.late) {
      // Cancelled late: part refunded before any confirmation, the fee earned and split.
      await asResident.order.cancel.mutate({ id: p.id, reason: '临时有事' });
      continue;
    }
    // The day of service comes: the slot begins in 10 minutes, so the merchant may start.
    await orderSlotStartsIn(deps, p.id, 10);
    for (const step of ['accept', 'start', 'complete'] as const)
      await p.shop.asOwner.merchant.orders[step].mutate({ id: p.id });
    if (i === 1) {
      await asResident.order.dispute.mutate({ id: p.id, reason: '服务没完成' });
      disputed = p.id;
      continue;
    }
    if (i === 2) {
      await asResident.order.dispute.mutate({ id: p.id, reason: '少做了一项' });
      await asOps.ops.resolveDispute.mutate({
        orderId: p.id,
        outcome: 'refund',
        refundFen: 1,
        note: '部分退款',
      });
      continue;
    }
    await asResident.order.confirm.mutate({ id: p.id });
    if (i % 6 === 0) {
      const [row] = await deps.db.select().from(orders).where(eq(orders.id, p.id));
      // Refunded partly after confirmation: shares recomputed, differences posted.
      await asOps.ops.refundOrder.mutate({
        orderId: p.id,
        amountFen: Math.max(1, Math.floor(row!.totalFen / 3)),
        reason: '投诉补偿',
      });
    }
  }

  const run = await asOps.settlement.runNow.mutate();
  expect(run.statements).toHaveLength(3);
  const lines = await deps.db.select().from(statementLines);
  expect(lines.map((l) => l.orderId)).not.toContain(disputed);
  for (const s of run.statements) {
    const [st] = await deps.db.select().from(statements).where(eq(statements.id, s.id));
    const own = lines.filter((l) => l.statementId === s.id);
    const shares = await deps.db
      .select({ m: orders.merchantShareFen, p: orders.platformShareFen })
      .from(orders)
      .where(
        inArray(
          orders.id,
          own.map((l) => l.orderId),
        ),
      );
    expect(st!.merchantFen).toBe(shares.reduce((sum, r) => sum + r.m!, 0));
    expect(st!.platformFen).toBe(shares.reduce((sum, r) => sum + r.p!, 0));
    expect(st!.merchantFen + st!.platformFen).toBe(st!.grossFen - st!.refundFen);
  }

  // The payout jobs, run as the worker would; then one transfer per statement in the processor.
  const { payStatement } = await import('@cgp/api');
  for (const s of run.statements) await payStatement(deps.db, deps.payments.stripe, s.id);
  for (const s of run.statements) {
    const transfers = await deps.payments.stripe.transfers.list({ transfer_group: s.id });
    expect(transfers.data.map((t) => t.amount)).toEqual([s.payoutFen]);
  }

  const report = await asOps.audit.revenueShare.query({
    from: new Date(Date.now() - 3_600_000).toISOString(),
    to: new Date(Date.now() + 3_600_000).toISOString(),
    groupBy: 'merchant',
  });
  const { rows } = await deps.database.pool.query<{ revenue: string; payable: string }>(
    `SELECT -sum(amount_fen) FILTER (WHERE account = 'revenue:platform') AS revenue,
            -sum(amount_fen) FILTER (WHERE account LIKE 'payable:merchant:%') AS payable FROM ledger_postings`,
  );
  expect(report.totals.platformFen).toBe(Number(rows[0]!.revenue));
  const paidOut = run.statements.reduce((sum, s) => sum + s.payoutFen, 0);
  expect(report.totals.merchantFen - paidOut).toBe(Number(rows[0]!.payable));
  const invariants = await asOps.audit.invariants.query();
  expect(invariants.checks.filter((c) => !c.ok)).toEqual([]);

  // The disputed order's merchant share stayed frozen; ops releases it to the merchant and the
  // next settlement pays exactly that share, nothing else.
  const [frozen] = await deps.db.select().from(orders).where(eq(orders.id, disputed));
  expect(frozen!.settledAt).toBeNull();
  await asOps.ops.resolveDispute.mutate({
    orderId: disputed,
    outcome: 'confirm',
    note: '核实已完成',
  });
  const [released] = await deps.db.select().from(orders).where(eq(orders.id, disputed));
  expect(released!.status).toBe('confirmed');
  const next = await asOps.settlement.runNow.mutate();
  expect(next.statements).toHaveLength(1);
  expect(next.statements[0]!.merchantId).toBe(frozen!.merchantId);
  const nextLines = await deps.db
    .select()
    .from(statementLines)
    .where(eq(statementLines.statementId, next.statements[0]!.id));
  expect(nextLines.map((l) => l.orderId)).toEqual([disputed]);
  expect(nextLines[0]!.merchantFen).toBe(released!.merchantShareFen);
  expect(next.statements[0]!.payoutFen).toBe(released!.merchantShareFen);
  const after = await asOps.audit.invariants.query();
  expect(after.checks.filter((c) => !c.ok)).toEqual([]);
}, 180_000);
