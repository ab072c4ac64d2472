import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiServer } from '../../server';
import {
  bookSlot,
  createPaymentTestDeps,
  onboardedAccount,
  seedEligibleOrders,
  seedMarket,
  serveWithPayments,
  submitCheckoutPage,
  tokenFor,
  trpcOverHttp,
  type PaymentTestDeps,
} from '../../testing';
import { businessDateOf } from '../merchant/business-date';
import { buildStatements } from '../settlement/build-statements';
import { payStatement } from '../settlement/pay-statement';
import { reconcile } from './reconciliation-match';
import { loadReconciliationInput, reconcilePeriod } from './reconciliation.service';

/**
 * Acceptance: one business day of everything the processor does, booked by the product itself
 * (webhooks, settlement, payouts), reconciled both ways.
 */
let deps: PaymentTestDeps;
let api: ApiServer & { url: string };
let stripe: Stripe;

beforeAll(async () => {
  deps = await createPaymentTestDeps();
  api = await serveWithPayments(deps);
  stripe = deps.payments.stripe;
  // 0.6% + ¥0.30 on every charge, ¥15 a dispute.
  await deps.sandbox.setTerms({ feeBps: 60, feeFixedFen: 30, disputeFeeFen: 1_500 });
});
afterAll(async () => {
  await api?.close();
  await deps?.teardown();
});

/** An order booked and paid through Checkout; the payment webhook books it with its fee. */
async function paidOrder() {
  const { service, resident } = await deps.factories.createMarketplace();
  const slot = await deps.factories.createSlot({ serviceId: service.id });
  const order = await bookSlot(deps, resident.id, slot.id, { quantity: 2 });
  const token = await tokenFor(deps, resident.id);
  const { data } = await trpcOverHttp<{ url: string }>(api.url, token, 'payment.checkout', {
    orderId: order.id,
  });
  const { body } = await submitCheckoutPage(data!.url, 'succeeded');
  await deps.sandbox.waitForWebhooks();
  const intent = await stripe.paymentIntents.retrieve(body.payment_intent!.id);
  return { orderId: order.id, charge: intent.latest_charge as string };
}

const helper = <T>(path: string, form: Record<string, string | number> = {}) =>
  stripe.rawRequest('POST', `/v1/test_helpers/${path}`, form) as Promise<Stripe.Response<T>>;

describe('a business day reconciled against what the product booked', () => {
  it('reconciles charges with fees, a dashboard refund, a lost dispute, a payout and its reversal to zero findings; without any one posting the finding names it', async () => {
    const refunded = await paidOrder();
    const disputed = await paidOrder();
    await paidOrder();
    // A merchant whose earlier orders are settled today and paid out by transfer.
    const account = await onboardedAccount(stripe);
    const market = await seedMarket(deps.db, { merchants: 1, accountIds: [account.id] });
    await seedEligibleOrders(deps.db, { merchants: 1, orders: 2, market });
    const [statement] = (
      await buildStatements(deps.db, { merchantIds: [market.merchants[0]!.merchantId] })
    ).statements;

    const dashboardRefund = await helper<Stripe.Refund>(
      `charges/${refunded.charge}/dashboard_refund`,
      { amount: 100 },
    );
    expect(await payStatement(deps.db, stripe, statement!.id)).toBe('paid');
    const [transfer] = (await stripe.transfers.list({ transfer_group: statement!.id })).data;
    const reversal = await helper<Stripe.TransferReversal>(
      `transfers/${transfer!.id}/dashboard_reversal`,
      { amount: 50 },
    );
    const dispute = await helper<Stripe.Dispute>(`charges/${disputed.charge}/dispute`);
    await helper(`disputes/${dispute.id}/close`, { outcome: 'lost' });
    await deps.sandbox.waitForWebhooks();

    const timeZone = deps.env.TZ_BUSINESS;
    const today = businessDateOf(new Date(), timeZone);
    const period = { from: today, to: today };
    const run = await reconcilePeriod(deps.db, stripe, period, {
      timeZone,
      trigger: 'on_demand',
    });
    const day = run.days.find((d) => d.companyId === null)!;
    // Three charges (each with its fee), the dashboard refund, the transfer, its reversal and the
    // dispute's withdrawal (with its fee).
    expect(day.balanceTransactions).toBe(7);
    expect(run.matches).toHaveLength(7);
    expect(run.findings).toEqual([]);
    expect(day.findings).toBe(0);
    for (const source of [
      refunded.charge,
      dashboardRefund.id,
      transfer!.id,
      reversal.id,
      dispute.id,
    ]) {
      const [bt] = (await stripe.balanceTransactions.list({ source, limit: 1 })).data;
      expect(run.matches.map((m) => m.balanceTransactionId)).toContain(bt!.id);
    }

    // Take away any one of the product's postings: the finding names exactly what it booked.
    const input = await loadReconciliationInput(deps.db, stripe, period, { timeZone });
    const named: string[] = [];
    for (const match of run.matches) {
      const without = reconcile({
        lines: input.lines,
        claims: input.claims.filter((c) => c.entryId !== match.entryId),
        period,
        timeZone,
      });
      const line = input.lines.find((l) => l.id === match.balanceTransactionId)!;
      expect(without.findings.map((f) => [f.kind, f.balanceTransactionId])).toEqual([
        ['unbooked', line.id],
      ]);
      expect(without.findings[0]!.detailZh).toContain(line.source!);
      named.push(without.findings[0]!.detailZh);
    }
    expect(named).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^支付通道有一笔拒付扣款 ¥\\d+\\.\\d{2}（${dispute.id}，手续费 ¥15\\.00）未入账$`,
        ),
      ),
    );
    expect(named).toContainEqual(`支付通道有一笔打款撤回 ¥0.50（${reversal.id}）未入账`);
  });
});
