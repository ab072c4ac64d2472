import { journalEntries, ledgerPostings, orders, refunds } from '@cgp/db';
import { asc, eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiServer } from '../../server';
import {
  bookSlot,
  callerFor,
  createPaymentTestDeps,
  forceOrderState,
  paidCheckout,
  serveWithPayments,
  submitCheckoutPage,
  tokenFor,
  trpcOverHttp,
  type PaymentTestDeps,
} from '../../testing';
import { checkInvariants } from '../audit/invariants.service';
import { split } from '../ledger/split';
import { act } from '../orders/order-actions';
import { timersFrom } from '../orders/timers';
import { recordRefund } from '../ledger/order-money';
import { sendRefund } from './send-refund';

let deps: PaymentTestDeps;
let api: ApiServer & { url: string };

/** The processor's terms in these tests: 0.6% + ¥0.30 a charge, ¥15 a dispute. */
const TERMS = { feeBps: 60, feeFixedFen: 30, disputeFeeFen: 1_500 };
const feeOf = (amount: number) => Math.floor((amount * 60 + 5_000) / 10_000) + 30;

beforeAll(async () => {
  deps = await createPaymentTestDeps();
  api = await serveWithPayments(deps);
  await deps.sandbox.setTerms(TERMS);
});
afterAll(async () => {
  await api?.close();
  await deps?.teardown();
});

async function paidOrder() {
  const { service, resident, owner } = await deps.factories.createMarketplace();
  const slot = await deps.factories.createSlot({ serviceId: service.id });
  const order = await bookSlot(deps, resident.id, slot.id, { quantity: 2 });
  const token = await tokenFor(deps, resident.id);
  const { data } = await trpcOverHttp<{ url: string }>(api.url, token, 'payment.checkout', {
    orderId: order.id,
  });
  const { body } = await submitCheckoutPage(data!.url, 'succeeded');
  await deps.sandbox.waitForWebhooks();
  const intentId = body.payment_intent!.id;
  const intent = await deps.payments.stripe.paymentIntents.retrieve(intentId, {
    expand: ['latest_charge.balance_transaction'],
  });
  const charge = intent.latest_charge as Stripe.Charge;
  return {
    order: await orderRow(order.id),
    resident,
    owner,
    intentId,
    charge,
    chargeTxn: charge.balance_transaction as Stripe.BalanceTransaction,
  };
}

/** Completed and confirmed by the system: the order has earned its shares. */
async function earned(orderId: string) {
  await forceOrderState(deps, orderId, 'completed', { autoConfirmInSeconds: -1 });
  await act(deps.db, {
    orderId,
    action: 'autoConfirm',
    actor: { kind: 'system' },
    timers: timersFrom(deps.env),
  });
  return orderRow(orderId);
}

async function orderRow(id: string) {
  return (await deps.db.select().from(orders).where(eq(orders.id, id)))[0]!;
}

/** The order's entries in order: kind, phase, processor object and the sum moved per account. */
async function entriesOf(orderId: string) {
  const rows = await deps.db
    .select({
      id: journalEntries.id,
      kind: journalEntries.kind,
      phase: journalEntries.phase,
      txn: journalEntries.processorObjectId,
      account: ledgerPostings.account,
      amountFen: ledgerPostings.amountFen,
    })
    .from(journalEntries)
    .innerJoin(ledgerPostings, eq(ledgerPostings.entryId, journalEntries.id))
    .where(eq(journalEntries.orderId, orderId))
    .orderBy(asc(journalEntries.createdAt), asc(ledgerPostings.id));
  const entries = new Map<
    string,
    { kind: string; phase: string; txn: string | null; lines: Record<string, number> }
  >();
  for (const r of rows) {
    const e = entries.get(r.id) ?? { kind: r.kind, phase: r.phase, txn: r.txn, lines: {} };
    const account = r.account.startsWith('payable:') ? 'payable' : r.account;
    e.lines[account] = (e.lines[account] ?? 0) + r.amountFen;
    entries.set(r.id, e);
  }
  return [...entries.values()];
}

/** The deployment's invariants with the processor's balance: every check, failing ones named. */
async function invariantsAgreeWithProcessor() {
  const result = await checkInvariants(deps.db, { kind: 'deployment' }, deps.payments.stripe);
  expect(result.checks.filter((c) => !c.ok)).toEqual([]);
  expect(result.checks.map((c) => c.name)).toContain('cash_matches_processor_balance');
}

describe('processor fees', () => {
  it('books the charge by its balance transaction: net to cash, the fee to the platform’s expense, the split untouched', async () => {
    const { order, chargeTxn } = await paidOrder();
    const fee = feeOf(order.totalFen);
    expect(chargeTxn).toMatchObject({ amount: order.totalFen, fee });
    expect(await entriesOf(order.id)).toEqual([
      {
        kind: 'payment',
        phase: 'single',
        txn: chargeTxn.id,
        lines: {
          'cash:stripe': order.totalFen - fee,
          'expense:processor_fees': fee,
          'escrow:order': -order.totalFen,
        },
      },
    ]);
    const confirmed = await earned(order.id);
    expect(confirmed).toMatchObject({
      merchantShareFen: split(order.totalFen, 3_000).merchantFen,
      platformShareFen: split(order.totalFen, 3_000).platformFen,
    });
    await invariantsAgreeWithProcessor();
  });

  it('books a confirmed refund by the refund’s balance transaction', async () => {
    const { order } = await paidOrder();
    await earned(order.id);
    const refund = await deps.db.transaction(async (tx) => {
      const [owed] = await tx
        .update(orders)
        .set({ refundFen: 1_000 })
        .where(eq(orders.id, order.id))
        .returning();
      return recordRefund(tx, owed!, 1_000, 'ops: 部分退款');
    });
    expect(await sendRefund(deps, refund.id)).toEqual({ outcome: 'refunded' });
    const [row] = await deps.db.select().from(refunds).where(eq(refunds.id, refund.id));
    const made = await deps.payments.stripe.refunds.retrieve(row!.stripeRefundId!);
    const posted = (await entriesOf(order.id)).find((e) => e.phase === 'post');
    expect(posted).toEqual({
      kind: 'refund',
      phase: 'post',
      txn: made.balance_transaction,
      lines: { 'clearing:refunds': 1_000, 'cash:stripe': -1_000 },
    });
    const after = await orderRow(order.id);
    const shares = split(order.totalFen - 1_000, 3_000);
    expect(after).toMatchObject({
      merchantShareFen: shares.merchantFen,
      platformShareFen: shares.platformFen,
    });
    await invariantsAgreeWithProcessor();
  });

  it('tells the operator when cash differs from the processor balance; company staff do not get a deployment figure', async () => {
    await paidOrder();
    const admin = await callerFor(deps, (await deps.factories.createPlatformAdmin()).id);
    const check = async () =>
      (await admin.audit.invariants()).checks.find(
        (c) => c.name === 'cash_matches_processor_balance',
      );
    expect(await check()).toEqual({
      name: 'cash_matches_processor_balance',
      ok: true,
      detail: 'holds',
    });

    // A payment at the processor that is not the platform's: no entry books it.
    await deps.sandbox.setTerms({ feeBps: 0, feeFixedFen: 0 });
    const foreign = await paidCheckout(deps.payments.stripe, 1_000);
    await deps.sandbox.waitForWebhooks();
    expect(await check()).toMatchObject({
      ok: false,
      detail: expect.stringContaining('difference -1000') as unknown,
    });
    const { community } = await deps.factories.createMarketplace();
    const auditor = await deps.factories.createPropertyUser(
      community.companyId,
      'property_auditor',
    );
    const company = await callerFor(deps, auditor.id);
    const names = (await company.audit.invariants()).checks.map((c) => c.name);
    expect(names).not.toContain('cash_matches_processor_balance');

    // Given back, the processor's balance is the ledger's again.
    await deps.payments.stripe.refunds.create({ payment_intent: foreign.paymentIntent.id });
    await deps.sandbox.waitForWebhooks();
    await deps.sandbox.setTerms(TERMS);
    expect(await check()).toMatchObject({ ok: true });
  });
});
