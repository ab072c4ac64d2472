import { journalEntries, statements } from '@cgp/db';
import { asc, eq, sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPaymentTestDeps,
  onboardedAccount,
  paidCheckout,
  seedEligibleOrders,
  seedMarket,
  type PaymentTestDeps,
} from '../../testing';
import { checkInvariants } from '../audit/invariants.service';
import { PAYABLE_PREFIX } from '../ledger/accounts';
import { buildStatements } from '../settlement/build-statements';
import { markPayoutFailed, payStatement } from '../settlement/pay-statement';
import { receiveStripeEvent } from './stripe-events';

let deps: PaymentTestDeps;
beforeAll(async () => {
  deps = await createPaymentTestDeps();
  await paidCheckout(deps.payments.stripe, 10_000_000);
});
afterAll(() => deps.teardown());

/** A merchant with a Connect account and earned orders, and the statement settling them. */
async function settledMerchant() {
  const account = await onboardedAccount(deps.payments.stripe);
  const market = await seedMarket(deps.db, { merchants: 1, accountIds: [account.id] });
  await seedEligibleOrders(deps.db, { merchants: 1, orders: 3, market });
  const merchantId = market.merchants[0]!.merchantId;
  const [statement] = (await buildStatements(deps.db, { merchantIds: [merchantId] })).statements;
  return { market, merchantId, statement: statement! };
}

/** The events the processor emitted about a statement's transfer, oldest first. */
async function transferEvents(statementId: string): Promise<Stripe.Event[]> {
  const found: Stripe.Event[] = [];
  for await (const e of deps.payments.stripe.events.list({ limit: 100 })) {
    if (!e.type.startsWith('transfer.')) continue;
    if ((e.data.object as Stripe.Transfer).transfer_group === statementId) found.push(e);
  }
  // The list is newest first; events of one second keep that order reversed.
  return found.reverse().sort((a, b) => a.created - b.created);
}

/** The transfer is made at the processor, but every answer to every attempt is lost. */
async function loseEveryAnswer(statementId: string) {
  deps.sandbox.faults.inject({
    kind: 'drop_after_commit',
    method: 'POST',
    path: '/v1/transfers',
    times: 10,
  });
  const noRetry = deps.sandbox.stripe({ maxNetworkRetries: 0 });
  await expect(payStatement(deps.db, noRetry, statementId)).rejects.toThrow();
  deps.sandbox.faults.clear();
}

const deliver = (event: Stripe.Event) => receiveStripeEvent(deps, event);

async function entriesOf(statementId: string) {
  return deps.db
    .select({
      kind: journalEntries.kind,
      phase: journalEntries.phase,
      processorObjectId: journalEntries.processorObjectId,
    })
    .from(journalEntries)
    .where(eq(journalEntries.statementId, statementId))
    .orderBy(asc(journalEntries.createdAt), asc(journalEntries.idempotencyKey));
}

async function payableOf(merchantId: string): Promise<number> {
  const { rows } = await deps.db.execute<{ owed: string }>(
    sql`SELECT coalesce(-sum(amount_fen), 0)::text AS owed FROM ledger_postings
         WHERE account = ${PAYABLE_PREFIX + merchantId}`,
  );
  return Number(rows[0]!.owed);
}

async function expectInvariantsHold() {
  expect((await checkInvariants(deps.db)).checks.filter((c) => !c.ok)).toEqual([]);
}

describe('transfer events', () => {
  it('transfer.created confirms a payout whose every answer was lost, even one given up as failed', async () => {
    const { statement } = await settledMerchant();
    await loseEveryAnswer(statement.id);
    await markPayoutFailed(deps.db, statement.id, 'connection lost');
    await expectInvariantsHold();

    const [created] = await transferEvents(statement.id);
    expect(created?.type).toBe('transfer.created');
    expect(await deliver(created!)).toBe('applied');

    const transfer = created!.data.object as Stripe.Transfer;
    const [row] = await deps.db.select().from(statements).where(eq(statements.id, statement.id));
    expect(row).toMatchObject({ status: 'paid', transferId: transfer.id });
    expect(await entriesOf(statement.id)).toEqual([
      { kind: 'payout', phase: 'pending', processorObjectId: null },
      { kind: 'payout', phase: 'void', processorObjectId: null },
      { kind: 'payout', phase: 'pending', processorObjectId: null },
      { kind: 'payout', phase: 'post', processorObjectId: transfer.balance_transaction },
    ]);
    // A late job changes nothing, and nothing was paid twice.
    expect(await payStatement(deps.db, deps.payments.stripe, statement.id)).toBe('already_settled');
    const made = await deps.payments.stripe.transfers.list({ transfer_group: statement.id });
    expect(made.data).toHaveLength(1);
    await expectInvariantsHold();
  });

  it('pays once and posts once when attempts and the confirming event race', async () => {
    const { merchantId, statement } = await settledMerchant();
    // Three payout jobs at once (a retry, a sweep, the original) make one transfer.
    const outcomes = await Promise.allSettled(
      [0, 1, 2].map(() => payStatement(deps.db, deps.payments.stripe, statement.id)),
    );
    expect(outcomes.some((o) => o.status === 'fulfilled' && o.value === 'paid')).toBe(true);
    const made = await deps.payments.stripe.transfers.list({ transfer_group: statement.id });
    expect(made.data).toHaveLength(1);
    // Its event, delivered twice at once and alongside another attempt, books nothing more.
    const [created] = await transferEvents(statement.id);
    await Promise.all([
      deliver(created!),
      deliver({ ...created!, id: `${created!.id}_again` }),
      payStatement(deps.db, deps.payments.stripe, statement.id),
    ]);
    expect((await entriesOf(statement.id)).map((e) => `${e.kind}:${e.phase}`)).toEqual([
      'payout:pending',
      'payout:post',
    ]);
    expect(await payableOf(merchantId)).toBe(0);
    await expectInvariantsHold();
  });

  it('books each reversal once, whatever order and however often its events arrive, and the next statement nets it', async () => {
    const { market, merchantId, statement } = await settledMerchant();
    expect(await payStatement(deps.db, deps.payments.stripe, statement.id)).toBe('paid');
    const [row] = await deps.db.select().from(statements).where(eq(statements.id, statement.id));
    const first = await deps.payments.stripe.transfers.createReversal(row!.transferId!, {
      amount: 10,
    });
    const second = await deps.payments.stripe.transfers.createReversal(row!.transferId!, {
      amount: 20,
    });
    const events = await transferEvents(statement.id);
    expect(events.map((e) => e.type)).toEqual([
      'transfer.created',
      'transfer.reversed',
      'transfer.reversed',
    ]);
    const [created, reversedOnce, reversedTwice] = events;
    // Latest first, a duplicate, the earliest last, and the same news under another event id.
    expect(await deliver(reversedTwice!)).toBe('applied');
    expect(await deliver(reversedTwice!)).toBe('duplicate');
    expect(await deliver(reversedOnce!)).toBe('applied');
    expect(await deliver(created!)).toBe('applied');
    expect(await deliver({ ...reversedOnce!, id: `${reversedOnce!.id}_resent` })).toBe('applied');

    const reversals = (await entriesOf(statement.id)).filter((e) => e.kind === 'transfer_reversal');
    expect(reversals.map((e) => e.processorObjectId).sort()).toEqual(
      [first.balance_transaction, second.balance_transaction].sort(),
    );
    // The money came back to the platform and is owed to the merchant again.
    expect(await payableOf(merchantId)).toBe(30);
    await expectInvariantsHold();

    await seedEligibleOrders(deps.db, { merchants: 1, orders: 2, market });
    const [next] = (await buildStatements(deps.db, { merchantIds: [merchantId] })).statements;
    const [nextRow] = await deps.db.select().from(statements).where(eq(statements.id, next!.id));
    expect(nextRow!.carriedInFen).toBe(30);
    expect(nextRow!.payoutFen).toBe(nextRow!.merchantFen + 30);
    await expectInvariantsHold();
  });

  it('a reversal heard of before the transfer it reverses books the transfer first', async () => {
    const { merchantId, statement } = await settledMerchant();
    await loseEveryAnswer(statement.id);
    const [created] = await transferEvents(statement.id);
    const transfer = created!.data.object as Stripe.Transfer;
    await deps.payments.stripe.transfers.createReversal(transfer.id);

    const reversed = (await transferEvents(statement.id)).find(
      (e) => e.type === 'transfer.reversed',
    );
    expect(await deliver(reversed!)).toBe('applied');
    expect((await entriesOf(statement.id)).map((e) => `${e.kind}:${e.phase}`)).toEqual([
      'payout:pending',
      'payout:post',
      'transfer_reversal:single',
    ]);
    expect(await deliver(created!)).toBe('applied');
    expect(await entriesOf(statement.id)).toHaveLength(3);
    expect(await payableOf(merchantId)).toBe(statement.payoutFen);
    await expectInvariantsHold();
  });
});
