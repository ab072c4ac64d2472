import { merchants, statements, type Db } from '@cgp/db';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import { Conflict, NotFound } from '../../errors';
import { recordAudit } from '../audit/audit-log';
import type { Actor } from '../identity/actor';
import { ACCOUNTS } from '../ledger/accounts';
import { postEntry } from '../ledger/post';
import { enqueue } from '../outbox/outbox';
import { QUEUES } from '../outbox/queues';

export type PayoutOutcome = 'paid' | 'already_settled';

/** The merchant cannot receive money yet; the payout waits (and is retried) until onboarding. */
export class MerchantNotPayable extends Error {}

/**
 * Pays one statement (SPEC §5): a Stripe transfer to the merchant's connected account with
 * idempotency key and transfer_group = statement id, so a retry after a crash anywhere creates no
 * second transfer; then, in one transaction, the statement is marked paid and the payout posted
 * (Dr payable / Cr cash, keyed by the statement). Safe to run any number of times.
 */
export async function payStatement(
  db: Db,
  stripe: Stripe,
  statementId: string,
): Promise<PayoutOutcome> {
  const [row] = await db
    .select({
      statement: statements,
      accountId: merchants.stripeAccountId,
      payoutsEnabled: merchants.payoutsEnabled,
    })
    .from(statements)
    .innerJoin(merchants, eq(merchants.id, statements.merchantId))
    .where(eq(statements.id, statementId));
  if (!row) throw new NotFound('Statement');
  const { statement } = row;
  if (statement.status === 'paid' || statement.status === 'carried') return 'already_settled';
  if (!row.accountId || !row.payoutsEnabled) {
    throw new MerchantNotPayable(`Merchant ${statement.merchantId} cannot receive payouts yet`);
  }
  await db
    .update(statements)
    .set({ attempts: sql`${statements.attempts} + 1`, updatedAt: new Date() })
    .where(eq(statements.id, statementId));

  const transfer = await stripe.transfers.create(
    {
      amount: statement.payoutFen,
      currency: 'cny',
      destination: row.accountId,
      transfer_group: statement.id,
      metadata: { statement_id: statement.id, merchant_id: statement.merchantId },
    },
    { idempotencyKey: statement.id },
  );

  await db.transaction(async (tx) => {
    const [paid] = await tx
      .update(statements)
      .set({
        status: 'paid',
        transferId: transfer.id,
        paidAt: new Date(),
        failureReason: null,
        updatedAt: new Date(),
      })
      .where(and(eq(statements.id, statementId), inArray(statements.status, ['pending', 'failed'])))
      .returning();
    if (!paid) return;
    await postEntry(tx, {
      kind: 'payout',
      idempotencyKey: `payout:${statement.id}`,
      statementId: statement.id,
      memo: `transfer ${transfer.id}`,
      lines: [
        {
          account: ACCOUNTS.payable(statement.merchantId),
          amountFen: statement.payoutFen,
          merchantId: statement.merchantId,
        },
        { account: ACCOUNTS.cash, amountFen: -statement.payoutFen },
      ],
    });
  });
  return 'paid';
}

/** After the last attempt: the statement is `failed` with the reason, for ops to see and retry. */
export async function markPayoutFailed(db: Db, statementId: string, reason: string): Promise<void> {
  await db
    .update(statements)
    .set({ status: 'failed', failureReason: reason.slice(0, 500), updatedAt: new Date() })
    .where(and(eq(statements.id, statementId), eq(statements.status, 'pending')));
}

/** property_ops: puts a failed payout back in the queue, with its audit record. */
export async function retryPayout(db: Db, statementId: string, actor: Actor) {
  return db.transaction(async (tx) => {
    const [again] = await tx
      .update(statements)
      .set({ status: 'pending', failureReason: null, updatedAt: new Date() })
      .where(and(eq(statements.id, statementId), eq(statements.status, 'failed')))
      .returning({ id: statements.id });
    if (!again) throw new Conflict('not_failed', 'Only a failed payout can be retried');
    await enqueue(tx, { queue: QUEUES.payouts, name: 'pay-statement', payload: { statementId } });
    const retried = { statementId, status: 'pending' as const };
    await recordAudit(tx, {
      actor,
      action: 'settlement.retryPayout',
      subjectType: 'statement',
      subjectId: statementId,
      before: { status: 'failed' },
      after: retried,
    });
    return retried;
  });
}

/**
 * Payouts whose job is gone: statements still `pending` with no payout job put in the outbox for
 * `quietMinutes` — longer than every retry of a job takes, so their job was given up (BullMQ fails
 * a job whose workers keep dying under it) or lost. Each gets a new job; paying is idempotent, so
 * one that was merely slow costs nothing. Returns the statements sent again.
 */
export async function redriveOrphanedPayouts(db: Db, quietMinutes = 30): Promise<string[]> {
  const { rows } = await db.execute<{ statement_id: string }>(sql`
    INSERT INTO outbox (queue, name, payload)
    SELECT ${QUEUES.payouts}, 'pay-statement', jsonb_build_object('statementId', s.id)
      FROM statements s
     WHERE s.status = 'pending'
       AND NOT EXISTS (
         SELECT 1 FROM outbox o
          WHERE o.queue = ${QUEUES.payouts} AND o.payload->>'statementId' = s.id::text
            AND o.created_at > now() - make_interval(mins => ${quietMinutes}))
    RETURNING payload->>'statementId' AS statement_id`);
  return rows.map((r) => r.statement_id);
}
