import { payments, refunds, statements } from '@cgp/db';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  callerFor,
  createPaymentTestDeps,
  onboardedAccount,
  paidCheckout,
  seedEligibleOrders,
  seedMarket,
  type EligibleOrdersSeed,
  type PaymentTestDeps,
} from '../../testing';
import { buildStatements } from '../settlement/build-statements';
import { payStatement } from '../settlement/pay-statement';
import { reconcileWithProcessor } from './reconciliation.service';

let deps: PaymentTestDeps;
let seed: EligibleOrdersSeed;
let statementIds: string[];
let refundId: string;
let paymentId: string;

const lastTwoDays = () => ({
  from: new Date(Date.now() - 48 * 3_600_000),
  to: new Date(Date.now() + 60_000),
});

/**
 * Books as the product leaves them after a day: two statements paid out by transfer, one refund
 * and one payment made at the processor, each recorded on our side.
 */
beforeAll(async () => {
  deps = await createPaymentTestDeps();
  const stripe = deps.payments.stripe;
  const accounts = [(await onboardedAccount(stripe)).id, (await onboardedAccount(stripe)).id];
  const { paymentIntent } = await paidCheckout(stripe, 500_000);
  const market = await seedMarket(deps.db, { merchants: 2, accountIds: accounts });
  seed = await seedEligibleOrders(deps.db, { merchants: 2, orders: 11, market });
  const run = await buildStatements(deps.db);
  statementIds = run.statements.map((s) => s.id);
  for (const id of statementIds) await payStatement(deps.db, stripe, id);

  const orderId = (await deps.db.execute<{ id: string }>(sql`SELECT id FROM orders LIMIT 1`))
    .rows[0]!.id;
  const refund = await stripe.refunds.create({ payment_intent: paymentIntent.id, amount: 1_234 });
  const [row] = await deps.db
    .insert(refunds)
    .values({
      orderId,
      amountFen: 1_234,
      cause: 'cancel',
      status: 'succeeded',
      stripeRefundId: refund.id,
    })
    .returning({ id: refunds.id });
  refundId = row!.id;
  const [payment] = await deps.db
    .insert(payments)
    .values({
      orderId,
      checkoutSessionId: `cs_reconcile_${orderId}`,
      paymentIntentId: paymentIntent.id,
      amountFen: 500_000,
      status: 'succeeded',
      succeededAt: new Date(),
      url: 'http://localhost/checkout',
    })
    .returning({ id: payments.id });
  paymentId = payment!.id;
});
afterAll(() => deps.teardown());

describe('nightly reconciliation against the processor', () => {
  it('finds nothing amiss when every payout, refund and payment is there as recorded', async () => {
    const run = await reconcileWithProcessor(deps.db, deps.payments.stripe, lastTwoDays());
    expect(run.checked).toEqual({ statements: 2, refunds: 1, payments: 1 });
    expect(run.findings).toEqual([]);
    expect(run.ok).toBe(true);
  });

  it('reports each disagreement with what we recorded and what the processor has', async () => {
    const [first, second] = statementIds;
    await deps.db
      .update(statements)
      .set({ transferId: 'tr_never_made' })
      .where(eq(statements.id, first!));
    await deps.db
      .update(statements)
      .set({ payoutFen: sql`${statements.payoutFen} + 1` })
      .where(eq(statements.id, second!));
    await deps.db.update(refunds).set({ amountFen: 1_235 }).where(eq(refunds.id, refundId));
    await deps.db.update(payments).set({ amountFen: 499_999 }).where(eq(payments.id, paymentId));

    const run = await reconcileWithProcessor(deps.db, deps.payments.stripe, lastTwoDays());
    expect(run.ok).toBe(false);
    expect(
      run.findings.map((f) => [f.kind, f.subjectId]).sort((a, b) => a[0]!.localeCompare(b[0]!)),
    ).toEqual([
      ['payment_amount', paymentId],
      ['refund_amount', refundId],
      ['transfer_amount', second],
      ['transfer_missing', first],
    ]);
    expect(run.findings.find((f) => f.kind === 'refund_amount')!.detail).toBe(
      `We refunded ¥12.35; refund ${
        (await deps.db.select().from(refunds).where(eq(refunds.id, refundId)))[0]!.stripeRefundId
      } is ¥12.34`,
    );

    // Property staff read the runs, newest first; nothing outside the window is looked at.
    const auditor = await deps.factories.createPropertyUser(seed.companyId, 'property_auditor');
    const runs = await (await callerFor(deps, auditor.id)).audit.reconciliation();
    expect(runs.map((r) => r.ok)).toEqual([false, true]);
    expect(runs[0]!.findings).toHaveLength(4);
    const later = await reconcileWithProcessor(deps.db, deps.payments.stripe, {
      from: new Date(Date.now() + 3_600_000),
      to: new Date(Date.now() + 7_200_000),
    });
    expect(later).toMatchObject({ ok: true, checked: { statements: 0, refunds: 0, payments: 0 } });
  });
});
