import { platformRoutes, startApiServer, type ApiServer } from '@cgp/api';
import {
  createMealMenu,
  createPaymentTestDeps,
  orderSlotStartsIn,
  tokenFor,
  type PaymentTestDeps,
} from '@cgp/api/testing';
import { dishes, ledgerPostings, merchants, orders, payments, statementLines } from '@cgp/db';
import { createTRPCClient, httpLink } from '@trpc/client';
import type { AppRouter } from '@cgp/api/client';
import { eq } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';

let deps: PaymentTestDeps;
let api: ApiServer & { url: string };
let routes: ReturnType<typeof platformRoutes>;
beforeAll(async () => {
  deps = await createPaymentTestDeps();
  // Every route the platform serves: the webhook, and the merchant's statement CSV.
  routes = platformRoutes(deps);
  const server = await startApiServer(deps, 0, { mount: routes.mount });
  api = { ...server, url: `http://127.0.0.1:${server.port}` };
  await deps.sandbox.addWebhookEndpoint({ url: `${api.url}/webhooks/stripe` });
});
afterAll(async () => {
  await api.close();
  await routes.close();
  await deps.teardown();
});

async function clientFor(userId: string) {
  const token = await tokenFor(deps, userId);
  return {
    token,
    trpc: createTRPCClient<AppRouter>({
      links: [httpLink({ url: `${api.url}/trpc`, headers: { authorization: `Bearer ${token}` } })],
    }),
  };
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

it('takes a three-dish meal order from payment to settlement, split 70/30 on the sum of its lines', async () => {
  // Odd prices, so the 30% of the total rounds (half up) and a per-line split would drift.
  const market = await createMealMenu(deps, [
    { nameZh: '红烧肉饭', nameEn: 'Braised pork rice', priceFen: 2_455 },
    { nameZh: '番茄蛋汤', nameEn: 'Tomato egg soup', priceFen: 833 },
    { nameZh: '清炒时蔬', nameEn: 'Stir-fried greens', priceFen: 1_199 },
  ]);
  const [pork, soup, greens] = market.dishes;
  const ops = await deps.factories.createPropertyUser(market.community.companyId, 'property_ops');
  const owner = await clientFor(market.owner.id);
  const resident = await clientFor(market.resident.id);
  const asOps = await clientFor(ops.id);

  // Onboarding through the product: Connect account, hosted link, account.updated webhook.
  const { url: onboarding } = await owner.trpc.merchant.connect.onboard.mutate();
  await post(onboarding, 'outcome=completed');
  await until(
    async () =>
      (await deps.db.select().from(merchants).where(eq(merchants.id, market.merchant.id)))[0]!
        .payoutsEnabled,
  );

  const slot = await deps.factories.createSlot({ serviceId: market.service.id, capacity: 30 });
  const menu = await resident.trpc.catalog.menu.query({ serviceId: market.service.id });
  expect(menu.items.map((d) => d.nameZh)).toEqual(['红烧肉饭', '番茄蛋汤', '清炒时蔬']);
  const order = await resident.trpc.booking.create.mutate({
    slotId: slot.id,
    quantity: 6,
    items: [
      { dishId: pork!.id, quantity: 3 },
      { dishId: soup!.id, quantity: 2 },
      { dishId: greens!.id, quantity: 1 },
    ],
    idempotencyKey: randomUUID(),
  });
  const total = 3 * 2_455 + 2 * 833 + 1 * 1_199; // 10,230
  expect(order.totalFen).toBe(total);

  // Pays through the sandbox's hosted checkout; the signed webhook marks the order paid.
  const { url } = await resident.trpc.payment.checkout.mutate({ orderId: order.id });
  await post(url, 'outcome=succeeded');
  await until(
    async () =>
      (await deps.db.select().from(orders).where(eq(orders.id, order.id)))[0]!.status === 'paid',
  );
  const [payment] = await deps.db.select().from(payments).where(eq(payments.orderId, order.id));
  expect(payment).toMatchObject({ status: 'succeeded', amountFen: total });
  // The processor was asked for each dish at its price.
  const session = await deps.payments.stripe.checkout.sessions.listLineItems(
    payment!.checkoutSessionId,
  );
  expect(session.data.map((l) => [l.quantity, l.price?.unit_amount])).toEqual([
    [3, 2_455],
    [2, 833],
    [1, 1_199],
  ]);

  // A price change after payment changes nothing that was sold.
  await deps.db.update(dishes).set({ priceFen: 5_000 }).where(eq(dishes.id, pork!.id));

  await orderSlotStartsIn(deps, order.id, 10);
  for (const step of ['accept', 'start', 'complete'] as const)
    await owner.trpc.merchant.orders[step].mutate({ id: order.id });
  await resident.trpc.order.confirm.mutate({ id: order.id });

  const run = await asOps.trpc.settlement.runNow.mutate();
  expect(run.statements).toHaveLength(1);
  const [statement] = run.statements;
  // 30% of ¥102.30 is ¥30.69 exactly; the merchant gets the rest.
  const platformFen = Math.floor((total * 3000 + 5000) / 10000);
  expect(platformFen).toBe(3_069);
  const [line] = await deps.db
    .select()
    .from(statementLines)
    .where(eq(statementLines.orderId, order.id));
  expect(line).toMatchObject({ grossFen: total, platformFen, merchantFen: total - platformFen });
  expect(statement).toMatchObject({ orderCount: 1, payoutFen: total - platformFen });
  const [settled] = await deps.db.select().from(orders).where(eq(orders.id, order.id));
  expect(settled).toMatchObject({
    status: 'settled',
    totalFen: total,
    merchantShareFen: total - platformFen,
    platformShareFen: platformFen,
  });

  // The merchant sees the lines on the statement and in its CSV.
  const seen = await owner.trpc.merchant.statements.get.query({ id: statement!.id });
  expect(seen.lines[0]!.dishes.map((d) => `${d.nameZh} ×${d.quantity}`)).toEqual([
    '红烧肉饭 ×3',
    '番茄蛋汤 ×2',
    '清炒时蔬 ×1',
  ]);
  const csv = await fetch(`${api.url}/merchant/export/statements/${statement!.id}.csv`, {
    headers: { authorization: `Bearer ${owner.token}` },
  }).then((r) => r.text());
  expect(csv).toContain('（红烧肉饭 ×3、番茄蛋汤 ×2、清炒时蔬 ×1）');
  expect(csv).toContain('102.30');

  // Paid out: one transfer of the merchant's share.
  const { payStatement } = await import('@cgp/api');
  await payStatement(deps.db, deps.payments.stripe, statement!.id);
  const transfers = await deps.payments.stripe.transfers.list({ transfer_group: statement!.id });
  expect(transfers.data.map((t) => t.amount)).toEqual([total - platformFen]);

  // The ledger for the order: escrow in and out to the fen, shares as split.
  const postings = await deps.db
    .select()
    .from(ledgerPostings)
    .where(eq(ledgerPostings.orderId, order.id));
  const sum = (account: string) =>
    postings.filter((p) => p.account === account).reduce((s, p) => s + p.amountFen, 0);
  expect(sum('escrow:order')).toBe(0);
  expect(-sum('revenue:platform')).toBe(platformFen);
  const invariants = await asOps.trpc.audit.invariants.query();
  expect(invariants.checks.filter((c) => !c.ok)).toEqual([]);
}, 120_000);
